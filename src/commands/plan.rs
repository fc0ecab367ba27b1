//! `ldap2ftrack plan`: read both sides, compute the plan, print it. Never writes state.

use super::output::{Console, emit_plan};
use crate::cli::{Cli, PlanArgs, ScopeArgs};
use crate::config::{self, Config, Override, Overrides};
use crate::ftrack::client::FtrackClient;
use crate::ftrack::read::read_snapshot as read_ftrack;
use crate::ftrack::snapshot::read_snapshot;
use crate::model::{DirectorySnapshot, FtrackSnapshot};
use crate::reconcile::decision::Decisions;
use crate::reconcile::{Plan, Scope, compute_plan};
use crate::source::ldap::settings::LdapSettings;
use crate::source::ldap::tls::Trust;
use crate::source::ldap::{self, ReadProgress};
use crate::source::offline::{load_ldif_directory, today, user_filter};
use crate::state::StateDir;
use anyhow::Context;
use std::path::Path;
use std::time::Duration;
use std::time::Instant;

/// Runs `plan`.
pub fn run(cli: &Cli, args: &PlanArgs, console: &Console) -> anyhow::Result<i32> {
    let started = Instant::now();
    let report_format = super::report::plan_report_format(args)?;
    let config = config::load_from_process(
        cli.config.as_deref(),
        &overrides(args.state_dir.as_deref(), args.max_deactivate.as_deref()),
    )?;
    let ftrack = match &args.ftrack_snapshot {
        Some(path) => read_snapshot(path)?,
        None => read_live_ftrack(&config)?,
    };
    let (directory, source) = read_directory(&config, args.ldif.as_deref(), &args.scope, console)?;
    let state = StateDir::at(&config.state.dir);
    let decisions = state
        .load_decisions()
        .context("cannot read the standing decisions")?;
    let plan = plan_with_state(&config, &directory, &ftrack, &args.scope, &decisions)?;
    if let Some(path) = &args.out {
        save_plan(&plan, path)?;
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
        args.ftrack_snapshot.as_ref().map_or_else(
            || config.ftrack.server.clone().unwrap_or_default(),
            |p| p.display().to_string()
        ),
        inputs.links,
        config.state.dir.display()
    ));
    if let (Some(path), Some(format)) = (&args.report, report_format) {
        super::report::write_plan_report(&plan, path, format, args, &config, &source, console)?;
    }
    emit_plan(&plan, &args.output, console, started)
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
        no_create: args.no_create,
        no_update: args.no_update,
        no_deactivate: args.no_deactivate,
    }
}

/// Writes a plan as JSON for `apply PLANFILE`, atomically.
fn save_plan(plan: &Plan, path: &Path) -> anyhow::Result<()> {
    let mut text = serde_json::to_vec_pretty(plan)?;
    text.push(b'\n');
    let temp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temp, &text)
        .and_then(|()| std::fs::rename(&temp, path))
        .with_context(|| format!("cannot write the plan to {}", path.display()))
}

/// The client for the configured ftrack server.
pub fn ftrack_client(config: &Config) -> anyhow::Result<FtrackClient> {
    let missing = |what: &str| {
        anyhow::anyhow!(
            "no ftrack server: set {what} (config [ftrack] or the FTRACK_SERVER, FTRACK_API_USER, FTRACK_API_KEY variables)"
        )
    };
    let server = config
        .ftrack
        .server
        .as_deref()
        .ok_or_else(|| missing("ftrack.server"))?;
    let api_user = config
        .ftrack
        .api_user
        .as_deref()
        .ok_or_else(|| missing("ftrack.api_user"))?;
    let api_key = config
        .ftrack
        .api_key
        .clone()
        .ok_or_else(|| missing("ftrack.api_key"))?;
    Ok(FtrackClient::new(
        server,
        api_user,
        api_key,
        Duration::from_secs(config.ftrack.timeout_secs),
    )?)
}

/// Reads every user and group from the configured ftrack server.
fn read_live_ftrack(config: &Config) -> anyhow::Result<FtrackSnapshot> {
    let client = ftrack_client(config)
        .context("no ftrack source: give --ftrack-snapshot FILE, or configure the server")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(read_ftrack(&client))?)
}

/// Reads the directory from an LDIF export or, without one, from the configured LDAP server;
/// returns the users and where they came from. Warnings about the read go to stderr.
pub fn read_directory(
    config: &Config,
    ldif: Option<&Path>,
    scope: &ScopeArgs,
    console: &Console,
) -> anyhow::Result<(DirectorySnapshot, String)> {
    let filter = user_filter(&config.ldap.user_filter, scope.ldap_filter.as_deref())?;
    if let Some(ldif) = ldif {
        let directory = load_ldif_directory(ldif, &filter, &config.mapping, today())?;
        return Ok((directory, ldif.display().to_string()));
    }
    let settings = LdapSettings::from_config(config, filter.to_string())?;
    if settings.trust == Trust::NoVerification {
        console.warn(
            "[ldap] tls_verify = false: the LDAP server's certificate is NOT checked, so an impostor could receive the bind password",
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let read = runtime.block_on(ldap::read_directory(
        &settings,
        &config.mapping,
        today(),
        &mut |event| report_progress(console, &event),
    ))?;
    let source = format!("{} ({})", read.uri, read.security);
    Ok((read.snapshot, source))
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
    let state = StateDir::at(&config.state.dir);
    let links = state
        .load_links()
        .context("cannot read the identity links")?;
    let mut policy = config.policy(config.ftrack.api_user.as_deref());
    policy.previous_directory_count = state
        .load_last_run()
        .context("cannot read the last run's figures")?
        .map(|last| last.directory_users);
    let (directory, links) = decisions.adjust_inputs(directory, &links);
    let mut plan = compute_plan(&directory, ftrack, &links, &policy, &scope_from(scope));
    decisions.apply_to_plan(&mut plan);
    Ok(plan)
}
