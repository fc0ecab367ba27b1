//! `ldap2ftrack demo`: the bundled studio, with no set-up and no network. On a terminal it opens
//! the console against an in-process ftrack sandbox seeded with the demo data (commit included);
//! elsewhere it prints the plan.

use super::facts::{RunContext, Sources, plan_facts};
use super::output::{Console, emit_plan};
use super::review::{monochrome, on_a_terminal};
use crate::cli::{Cli, DemoArgs};
use crate::clock::Clock;
use crate::config::{Config, load_text};
use crate::demo_data;
use crate::ftrack::snapshot::write_snapshot;
use crate::inputs::DirectorySource;
use crate::reconcile::Scope;
use crate::reconcile::decision::Decisions;
use crate::sandbox::faults::Faults;
use crate::sandbox::seed::seed;
use crate::sandbox::seed::snapshot_of;
use crate::sandbox::server::{Credentials, start};
use crate::sandbox::store::Store;
use crate::state::StateDir;
use crate::tui::run::{ConsoleSetup, run_console};
use crate::tui::worker::WorkerSetup;
use anyhow::Context;
use secrecy::SecretString;
use std::path::Path;
use std::time::Instant;

/// Where the demo's directory comes from, in words.
const DEMO_DIRECTORY: &str = "bundled demo directory (assets/demo/directory.ldif)";

/// The demo sandbox's API key (a local emulator, not a secret).
const DEMO_KEY: &str = "demo-key";

/// Runs `demo`.
pub fn run(cli: &Cli, demo: &DemoArgs, console: &Console) -> anyhow::Result<i32> {
    let config = load_text(Path::new("assets/demo/config.toml"), demo_data::CONFIG)?;
    let args = &demo.output;
    if opens_console(demo) {
        return run_demo_console(cli, config, demo.dump.as_deref());
    }
    let started = Instant::now();
    console.say("ldap2ftrack demo: Northlight Studios (bundled LDIF directory and ftrack snapshot; nothing is contacted or changed)\n");
    let mut plan = demo_data::plan(&config)?;
    let sources = Sources {
        ftrack: "bundled demo ftrack snapshot (assets/demo/ftrack.json)",
        api_user: demo_data::API_USER,
        directory: DEMO_DIRECTORY,
    };
    let context = RunContext::of_this_process();
    plan.facts = Some(plan_facts(&context, &config, sources, &Scope::default()));
    emit_plan(&plan, args, console, started)
}

/// True when `demo` opens the console: on a terminal, with no `-o FILE` for a printed plan.
pub fn opens_console(demo: &DemoArgs) -> bool {
    on_a_terminal() && demo.output.output.is_none()
}

fn run_demo_console(cli: &Cli, mut config: Config, dump: Option<&Path>) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut store = Store::new();
    seed(&mut store, &demo_data::ftrack()?)?;
    let credentials = Credentials {
        api_user: demo_data::API_USER.to_string(),
        api_key: DEMO_KEY.to_string(),
    };
    let sandbox = runtime
        .block_on(start(
            "127.0.0.1:0".parse()?,
            credentials,
            store,
            Faults::default(),
        ))
        .context("cannot start the demo's ftrack sandbox")?;
    // A fresh state directory holding the demo's earlier links, removed on exit.
    let home = tempfile::Builder::new()
        .prefix("ldap2ftrack-demo-")
        .tempdir()
        .context("cannot create the demo's state directory")?;
    let state = StateDir::at(home.path());
    state.save_links(demo_data::link_records()?)?;
    config.ftrack.server = Some(sandbox.url.clone());
    config.ftrack.api_user = Some(demo_data::API_USER.to_string());
    config.ftrack.api_key = Some(SecretString::from(DEMO_KEY));
    config.state.dir = home.path().to_path_buf();
    let _logs = crate::logging::log_to_files(home.path(), cli.verbose)?;
    let directory = demo_data::directory(&config)?;
    let code = run_console(ConsoleSetup {
        worker: WorkerSetup {
            config,
            directory: DirectorySource::Loaded(Box::new(directory), DEMO_DIRECTORY.to_string()),
            scope: Scope::default(),
            state,
            clock: Clock::System,
            changed: false,
            changes: Default::default(),
        },
        monochrome: monochrome(cli),
        demo: true,
        decisions: Decisions::default(),
        recorded: Decisions::default(),
        resumed: false,
        decisions_file: "decisions.json".into(),
    })?;
    if let Some(path) = dump {
        write_snapshot(path, &snapshot_of(&sandbox.store()))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    runtime.block_on(sandbox.stop());
    Ok(code)
}
