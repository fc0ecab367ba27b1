//! `ldap2ftrack plan`: read both sides, compute the plan, print it. Never writes state.

use super::output::{Console, emit_plan};
use crate::cli::{Cli, PlanArgs, ScopeArgs};
use crate::config::{self, Config, Override, Overrides};
use crate::ftrack::snapshot::read_snapshot;
use crate::reconcile::{Plan, Scope, compute_plan};
use crate::source::offline::{load_ldif_directory, today, user_filter};
use crate::state::StateDir;
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

/// Runs `plan`.
pub fn run(cli: &Cli, args: &PlanArgs, console: &Console) -> anyhow::Result<i32> {
    let started = Instant::now();
    let config = config::load_from_process(cli.config.as_deref(), &overrides(args))?;
    let plan = plan_from_files(&config, &args.ldif, &args.ftrack_snapshot, &args.scope)?;
    let inputs = plan.inputs;
    console.detail(&format!(
        "read {} directory users from {}, {} ftrack users from {}, {} identity links from {}",
        inputs.directory_users,
        args.ldif.display(),
        inputs.ftrack_users,
        args.ftrack_snapshot.display(),
        inputs.links,
        config.state.dir.display()
    ));
    emit_plan(&plan, &args.output, console, started)
}

fn overrides(args: &PlanArgs) -> Overrides {
    let mut list = Vec::new();
    if let Some(dir) = &args.state_dir {
        list.push(Override {
            key: "state.dir".into(),
            value: dir.display().to_string(),
            flag: "--state-dir".into(),
        });
    }
    if let Some(max) = &args.max_deactivate {
        list.push(Override {
            key: "policy.max_deactivate".into(),
            value: max.clone(),
            flag: "--max-deactivate".into(),
        });
    }
    Overrides(list)
}

/// The rollout scope the flags ask for.
pub fn scope_from(args: &ScopeArgs) -> Scope {
    Scope {
        only_users: args.only_users.clone(),
        only_groups: args.only_groups.clone(),
        limit: args.limit,
        no_create: args.no_create,
        no_update: args.no_update,
        no_deactivate: args.no_deactivate,
    }
}

/// Plans an LDIF export against an ftrack snapshot, with the state directory's links.
pub fn plan_from_files(
    config: &Config,
    ldif: &Path,
    snapshot: &Path,
    scope: &ScopeArgs,
) -> anyhow::Result<Plan> {
    let filter = user_filter(&config.ldap.user_filter, scope.ldap_filter.as_deref())?;
    let directory = load_ldif_directory(ldif, &filter, &config.mapping, today())?;
    let ftrack = read_snapshot(snapshot)?;
    let state = StateDir::at(&config.state.dir);
    let links = state
        .load_links()
        .context("cannot read the identity links")?;
    let mut policy = config.policy(config.ftrack.api_user.as_deref());
    policy.previous_directory_count = state
        .load_last_run()
        .context("cannot read the last run's figures")?
        .map(|last| last.directory_users);
    Ok(compute_plan(
        &directory,
        &ftrack,
        &links,
        &policy,
        &scope_from(scope),
    ))
}
