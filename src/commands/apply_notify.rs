//! `[notify]` after `apply`: the webhook and hooks told of the outcome, or of a run that
//! failed before applying. Their problems are warnings and never change the exit code.

use super::output::Console;
use super::plan::planning_config;
use crate::apply::outcome::{RunInfo, RunMode};
use crate::cli::{ApplyArgs, Cli};
use crate::config::Config;
use crate::exit;
use crate::notify::Told;
use crate::notify::payload::RunEnd;

/// Runs `[notify]` for a run that failed before applying, when its configuration can be read
/// (a bad configuration is told by its exit code alone).
pub(super) fn tell_of_error(cli: &Cli, args: &ApplyArgs, error: &anyhow::Error, console: &Console) {
    let Ok(config) = planning_config(cli, &args.planning) else {
        return;
    };
    if config.notify.is_empty() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let run = RunInfo::start(
        RunMode::Apply,
        config.ftrack.server.as_deref().unwrap_or_default(),
        config.ftrack.api_user.as_deref().unwrap_or_default(),
        "",
    );
    let message = exit::message_for(error);
    let hidden = crate::config::secret_env_vars();
    let told = runtime.block_on(crate::notify::tell_error(
        &config.notify,
        &run,
        &message,
        exit::code_for(error),
        &hidden,
    ));
    show(&told, console);
}

/// Runs `[notify]` for an apply whose outcome is known.
pub(super) fn tell_everyone(
    config: &Config,
    runtime: &tokio::runtime::Runtime,
    end: &RunEnd,
    console: &Console,
) {
    let hidden = crate::config::secret_env_vars();
    let told = runtime.block_on(crate::notify::tell(&config.notify, end, &hidden));
    show(&told, console);
}

fn show(told: &Told, console: &Console) {
    for line in &told.details {
        console.detail(line);
    }
    for warning in &told.warnings {
        console.warn(warning);
    }
}
