//! `ldap2ftrack plan`: read both sides, compute the plan, print it. Never writes state.

use super::facts::{RunContext, Sources, plan_facts};
use super::output::{Console, emit_plan};
use crate::atomic_file::write_json_atomically;
use crate::cli::{Cli, PlanArgs, PlanningArgs, ScopeArgs};
use crate::clock::Clock;
use crate::config::{self, Config, Override, Overrides};
use crate::ftrack::planning::read_for_planning;
use crate::ftrack::snapshot::read_snapshot;
use crate::inputs::{
    DirectorySource, LoadedDirectory, ftrack_client, links_and_policy, load_directory_changes,
    plain_http_warning, planning_reads,
};
use crate::model::{DirectorySnapshot, FtrackSnapshot};
use crate::reconcile::decision::{Decisions, plan_with_decisions};
use crate::reconcile::policy::DeactivateNow;
use crate::reconcile::{Plan, Scope};
use crate::source::ldap::ReadProgress;
use crate::state::StateDir;
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

/// Runs `plan`.
pub fn run(cli: &Cli, args: &PlanArgs, console: &Console) -> anyhow::Result<i32> {
    let started = Instant::now();
    let report_format = super::report::plan_report_format(args)?;
    let config = planning_config(cli, &args.planning)?;
    let (ftrack, (directory, source)) = read_inputs(&config, args, console)?;
    let state = StateDir::at(&config.state.dir);
    let decisions = state
        .load_decisions()
        .context("cannot read the standing decisions")?;
    let mut plan = plan_with_state(
        &config,
        &directory,
        &ftrack,
        &args.planning.scope,
        &decisions,
    )?;
    let (ftrack_source, api_user) = ftrack_source(&config, args);
    let sources = Sources {
        ftrack: &ftrack_source,
        api_user,
        directory: &source,
    };
    let scope = scope_from(&args.planning.scope);
    plan.facts = Some(plan_facts(
        &RunContext::of_this_process(),
        &config,
        sources,
        &scope,
    ));
    if let Some(path) = &args.out {
        // Applied exactly later: a digest lets apply refuse a plan edited in between.
        plan.digest = Some(crate::reconcile::saved::digest(&plan));
        write_json_atomically(path, &plan)
            .with_context(|| format!("cannot write the plan to {}", path.display()))?;
        console.detail(&format!(
            "plan saved to {} (apply it with `ldap2ftrack apply {}`)",
            path.display(),
            path.display()
        ));
    }
    let inputs = plan.inputs;
    console.detail(&format!(
        "read {} directory users from {}, {} ftrack users from {}, {} identity links from {}",
        inputs.directory_users,
        source,
        inputs.ftrack_users,
        ftrack_source,
        inputs.links,
        config.state.dir.display()
    ));
    if let (Some(path), Some(format)) = (&args.planning.report, report_format) {
        super::report::write_plan_report(&plan, path, format, console)?;
    }
    emit_plan(&plan, &args.output, console, started)
}

/// The ftrack side of a plan: the snapshot file read instead of the server, or the server
/// and its API user.
fn ftrack_source<'a>(config: &'a Config, args: &PlanArgs) -> (String, &'a str) {
    match &args.ftrack_snapshot {
        Some(snapshot) => (snapshot.display().to_string(), ""),
        None => (
            config.ftrack.server.clone().unwrap_or_default(),
            config.ftrack.api_user.as_deref().unwrap_or_default(),
        ),
    }
}

/// The configuration with the flags `plan` and `apply` share laid over it.
pub fn planning_config(cli: &Cli, planning: &PlanningArgs) -> anyhow::Result<Config> {
    let flags = overrides(
        planning.state_dir.as_deref(),
        planning.max_deactivate.as_deref(),
    );
    Ok(config::load_from_process(cli.config.as_deref(), &flags)?)
}

/// Flag overrides for the state directory and the deactivation limit.
pub fn overrides(state_dir: Option<&Path>, max_deactivate: Option<&str>) -> Overrides {
    let mut list = Vec::new();
    if let Some(dir) = state_dir {
        list.push(Override {
            key: "state.dir".into(),
            value: dir.display().to_string(),
            flag: "--state-dir".into(),
        });
    }
    if let Some(max) = max_deactivate {
        list.push(Override {
            key: "policy.max_deactivate".into(),
            value: max.to_string(),
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
        ldap_filter: args.ldap_filter.clone(),
        no_create: args.no_create,
        no_update: args.no_update,
        no_deactivate: args.no_deactivate,
        deactivate_now: if args.now {
            DeactivateNow::Everyone
        } else {
            DeactivateNow::Nobody
        },
    }
}

/// Reads ftrack and the directory side by side, neither waiting for the other; ftrack's
/// error comes first when both fail, as when they were read one after the other.
fn read_inputs(
    config: &Config,
    args: &PlanArgs,
    console: &Console,
) -> anyhow::Result<(FtrackSnapshot, (DirectorySnapshot, String))> {
    let (ftrack, directory) = side_by_side(
        || match &args.ftrack_snapshot {
            Some(path) => Ok(read_snapshot(path)?),
            None => read_live_ftrack(config, console),
        },
        || read_directory(config, &args.planning, console),
    );
    let directory = directory?;
    Ok((ftrack?, (directory.directory, directory.name)))
}

/// Runs `first` on a thread of its own while `second` runs on this one, and returns both
/// results; a panic in `first` goes on here.
pub fn side_by_side<A: Send, B>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let first = scope.spawn(first);
        let second = second();
        let first = first
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// Reads every user and group from the configured ftrack server.
fn read_live_ftrack(config: &Config, console: &Console) -> anyhow::Result<FtrackSnapshot> {
    let client = ftrack_client(config)
        .context("no ftrack source: give --ftrack-snapshot FILE, or configure the server")?;
    if let Some(warning) = plain_http_warning(config) {
        console.warn(&warning);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(read_for_planning(&client, &planning_reads(config)))?)
}

/// Reads the directory from an LDIF export or, without one, from the configured LDAP server
/// (with `--changed`, only what changed when it can); returns the users, where they came from
/// and the watermark the run may leave. Warnings about the read go to stderr.
pub fn read_directory(
    config: &Config,
    planning: &PlanningArgs,
    console: &Console,
) -> anyhow::Result<LoadedDirectory> {
    let changes = match planning.changed {
        true => Some(crate::inputs::change_request(config, Clock::System)?),
        false => None,
    };
    let ldif = planning.ldif.as_deref();
    let source = match ldif {
        Some(path) => DirectorySource::Ldif(path.to_path_buf()),
        None => {
            if !config.ldap.tls_verify {
                console.warn(
                    "[ldap] tls_verify = false: the LDAP server's certificate is NOT checked, so an impostor could receive the bind password",
                );
            }
            if config.ldap.allow_insecure {
                console.warn(
                    "[ldap] allow_insecure = true: the bind password may cross the network unencrypted (plain ldap:// without StartTLS)",
                );
            }
            DirectorySource::Ldap
        }
    };
    let loaded = load_directory_changes(
        config,
        &source,
        planning.scope.ldap_filter.as_deref(),
        Clock::System.today(),
        changes.as_ref(),
        &mut |event| report_progress(console, &event),
    )?;
    Ok(loaded)
}

fn report_progress(console: &Console, event: &ReadProgress) {
    match event {
        ReadProgress::Connected { uri, security } => {
            console.detail(&format!("connected to {uri} ({security})"));
        }
        ReadProgress::Groups { read, pages } => {
            console.detail(&format!("directory: {read} groups in {pages} pages"));
        }
        ReadProgress::Users { read, pages } => {
            console.detail(&format!("directory: {read} users in {pages} pages"));
        }
        ReadProgress::Retrying {
            attempt,
            wait,
            reason,
        } => console.warn(&format!(
            "{reason}; trying again in {} s (attempt {attempt})",
            wait.as_secs()
        )),
    }
}

/// Plans a directory against ftrack's users, with the state directory's links and last-run
/// figures, and the decisions (renames and links change the inputs; ignores hold items back).
pub fn plan_with_state(
    config: &Config,
    directory: &DirectorySnapshot,
    ftrack: &FtrackSnapshot,
    scope: &ScopeArgs,
    decisions: &Decisions,
) -> anyhow::Result<Plan> {
    let now = Clock::System.now();
    let (links, policy) = links_and_policy(config, &StateDir::at(&config.state.dir), now)?;
    let plan = plan_with_decisions(
        directory,
        ftrack,
        &links,
        &policy,
        &scope_from(scope),
        decisions,
    );
    Ok(plan)
}
