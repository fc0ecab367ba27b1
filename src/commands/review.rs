//! `ldap2ftrack review`: the reconciliation console on the configured directory and ftrack.

use super::output::Console;
use super::plan::{overrides, scope_from};
use crate::cli::{Cli, ColorChoice, ReviewArgs};
use crate::clock::Clock;
use crate::config;
use crate::inputs::DirectorySource;
use crate::reconcile::decision::Decisions;
use crate::source::ldap::settings::LdapSettings;
use crate::state::StateDir;
use crate::tui::autosave::{AUTOSAVE_FILE, read_autosave};
use crate::tui::run::{ConsoleSetup, run_console};
use crate::tui::worker::WorkerSetup;
use anyhow::Context;
use std::io::IsTerminal;

/// True when both stdin and stdout are a terminal, so the console can run.
pub fn on_a_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// True when the console must not use colour: `--color never`, NO_COLOR, or a terminal
/// that says it has none (`TERM=dumb`).
pub fn monochrome(cli: &Cli) -> bool {
    monochrome_for(
        cli.color,
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

/// [`monochrome`] from the choice and the values of `NO_COLOR` and `TERM`.
fn monochrome_for(
    choice: ColorChoice,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColorChoice::Never => true,
        ColorChoice::Always => false,
        ColorChoice::Auto => {
            no_color.is_some_and(|v| !v.is_empty()) || term == Some("dumb".as_ref())
        }
    }
}

/// Runs `review`.
pub fn run(cli: &Cli, args: &ReviewArgs, _console: &Console) -> anyhow::Result<i32> {
    let config = config::load_from_process(
        cli.config.as_deref(),
        &overrides(args.state_dir.as_deref(), None),
    )?;
    let directory = match &args.ldif {
        Some(path) => DirectorySource::Ldif(path.clone()),
        None => DirectorySource::Ldap,
    };
    // A missing setting is a configuration error (78) before the console opens, as headless.
    require_settings(&config, &directory)?;
    if !on_a_terminal() {
        eprintln!(
            "error: the console needs a terminal; headless runs use `ldap2ftrack plan` and `ldap2ftrack apply`"
        );
        return Ok(crate::exit::USAGE);
    }
    let state = StateDir::at(&config.state.dir);
    let _logs = crate::logging::log_to_files(state.path(), cli.verbose)
        .with_context(|| format!("cannot write logs under {}", state.path().display()))?;
    let recorded = state
        .load_decisions()
        .context("cannot read the standing decisions")?;
    let decisions = if args.resume {
        recorded.overlaid(&resumed(&state)?)
    } else {
        recorded.clone()
    };
    run_console(ConsoleSetup {
        worker: WorkerSetup {
            config,
            directory,
            scope: scope_from(&args.scope),
            state,
            clock: Clock::System,
            changed: args.changed,
            changes: Default::default(),
        },
        monochrome: monochrome(cli),
        demo: false,
        decisions,
        recorded,
        resumed: args.resume,
        decisions_file: args.decisions_file.clone(),
    })
}

/// Fails with the setting's name when ftrack, or the LDAP server the console would read,
/// is not configured; nothing is contacted.
fn require_settings(config: &config::Config, directory: &DirectorySource) -> anyhow::Result<()> {
    crate::inputs::ftrack_client(config)?;
    if matches!(directory, DirectorySource::Ldap) {
        LdapSettings::from_config(config, config.ldap.user_filter.clone())?;
    }
    Ok(())
}

/// The decisions autosaved by a console session that did not end cleanly.
fn resumed(state: &StateDir) -> anyhow::Result<Decisions> {
    let autosave = read_autosave(state.path())?.with_context(|| {
        format!(
            "nothing to resume: there is no {AUTOSAVE_FILE} in {} (a session that ends cleanly moves its autosave aside)",
            state.path().display()
        )
    })?;
    Ok(autosave.decisions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_and_a_dumb_terminal_get_the_monochrome_theme() {
        let auto = |no_color: Option<&str>, term: Option<&str>| {
            monochrome_for(
                ColorChoice::Auto,
                no_color.map(AsRef::as_ref),
                term.map(AsRef::as_ref),
            )
        };
        assert!(!auto(None, Some("xterm-256color")));
        assert!(auto(Some("1"), Some("xterm")));
        assert!(!auto(Some(""), None), "an empty NO_COLOR is unset");
        assert!(auto(None, Some("dumb")));
        assert!(!monochrome_for(
            ColorChoice::Always,
            None,
            Some("dumb".as_ref())
        ));
        assert!(monochrome_for(ColorChoice::Never, None, None));
    }
}
