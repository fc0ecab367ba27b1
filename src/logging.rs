//! Logs: to stderr for headless runs, to daily-rotated files in the state directory for the
//! console (whose screen must stay clean). `-v` shows progress detail, `-q` only errors;
//! `LDAP2FTRACK_LOG` (an env-filter directive such as `ldap2ftrack=debug`) overrides both.
//!
//! Nothing secret is ever logged: events carry counts, URIs, usernames and DNs only.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The environment variable that overrides the log level.
pub const LOG_ENV: &str = "LDAP2FTRACK_LOG";

fn filter(verbose: bool, quiet: bool) -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| {
        EnvFilter::new(match (verbose, quiet) {
            (_, true) => "error",
            (true, _) => "ldap2ftrack=info,warn",
            _ => "warn",
        })
    })
}

/// Sends logs to stderr (headless runs), in colour only when `ansi`. Does nothing if logging
/// is already set up.
pub fn log_to_stderr(verbose: bool, quiet: bool, ansi: bool) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(verbose, quiet))
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .compact()
        .try_init();
}

/// Sends logs to `dir/logs/ldap2ftrack.log.<date>`, a new file each day (the console).
/// Keep the guard alive until exit so that buffered lines are written.
pub fn log_to_files(dir: &Path, verbose: bool) -> std::io::Result<WorkerGuard> {
    let logs = dir.join("logs");
    crate::atomic_file::create_private_dir(&logs)?;
    let appender = tracing_appender::rolling::daily(&logs, "ldap2ftrack.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let level = if verbose {
        "ldap2ftrack=debug,info"
    } else {
        "ldap2ftrack=info,warn"
    };
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}
