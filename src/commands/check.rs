//! `ldap2ftrack check`: one line per part of the set-up, `ok` or why not.

use super::config_custom::{self, CustomCheck};
use super::config_roles::{RolesCheck, check_live};
use super::output::Console;
use crate::cli::Cli;
use crate::config::{self, Config, Overrides};
use crate::exit;
use crate::ftrack::access::read_roles_and_projects;
use crate::ftrack::client::{FtrackClient, RetryPolicy};
use crate::ftrack::custom::read_configurations;
use crate::ftrack::error::FtrackError;
use crate::ftrack::wire::Operation;
use crate::source::ldap::error::DirectoryError;
use crate::source::ldap::probe;
use crate::source::ldap::settings::LdapSettings;
use crate::source::ldap::tls::Trust;
use crate::state::{StateDir, StateError};
use std::time::Duration;

/// Runs `check`; exits 0 when everything checked is fine, else the code of the first failure.
pub fn run(cli: &Cli, console: &Console) -> anyhow::Result<i32> {
    let config = match config::load_from_process(cli.config.as_deref(), &Overrides::default()) {
        Ok(config) => {
            println!("config   ok");
            config
        }
        Err(error) => {
            println!("config   FAILED: {error}");
            return Ok(error.exit_code());
        }
    };
    let mut code = report_ldap(&config);
    let ftrack = report_ftrack(&config);
    if code == exit::OK {
        code = ftrack;
    }
    match check_state(&config) {
        Ok(line) => println!("state    ok: {line}"),
        Err(why) => {
            println!("state    FAILED: {why}");
            code = code.max(exit::ERROR);
        }
    }
    console.say(if code == exit::OK {
        "all checks passed"
    } else {
        "some checks failed"
    });
    Ok(code)
}

/// Prints the directory's line; returns its exit code.
fn report_ldap(config: &Config) -> i32 {
    if config.ldap.uri.is_none() {
        // Planning from LDIF exports needs no server; say so rather than fail.
        println!(
            "ldap     skipped: no [ldap] uri (or LDAP_URI) is set; plan and apply need --ldif FILE"
        );
        return exit::OK;
    }
    match check_ldap(config) {
        Ok(line) => println!("ldap     ok: {line}"),
        Err(why) => {
            println!("ldap     FAILED: {why}");
            return exit::UNAVAILABLE;
        }
    }
    exit::OK
}

/// Prints ftrack's line, and with `[roles]` or `[mapping.custom]` configured their lines;
/// returns the exit code of the first failure.
fn report_ftrack(config: &Config) -> i32 {
    if let Some(warning) = crate::inputs::plain_http_warning(config) {
        println!("ftrack   WARNING: {warning}");
    }
    match check_ftrack(config) {
        Ok(line) => println!("ftrack   ok: {line}"),
        Err(why) => {
            println!("ftrack   FAILED: {why}");
            return exit::UNAVAILABLE;
        }
    }
    let roles = report_roles(config);
    let custom = report_custom(config);
    if roles == exit::OK { custom } else { roles }
}

/// Why one part of the set-up failed its check; printed after `FAILED:`.
#[derive(Debug, thiserror::Error)]
enum CheckError {
    /// A setting the check needs is not set.
    #[error("{0}")]
    Unset(&'static str),
    /// The directory settings are wrong or the directory did not answer.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// ftrack could not be reached or refused us.
    #[error(transparent)]
    Ftrack(#[from] FtrackError),
    /// The async runtime could not be started.
    #[error(transparent)]
    Runtime(#[from] std::io::Error),
    /// The state directory cannot be used.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Binds to the directory and counts the users the filter matches.
fn check_ldap(config: &Config) -> Result<String, CheckError> {
    let settings = LdapSettings::from_config(config, config.ldap.user_filter.clone())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let probe = runtime.block_on(probe(&settings))?;
    let tls = match (&probe.tls.protocol, &probe.tls.subject) {
        (Some(protocol), Some(subject)) => format!("{protocol}, certificate {subject}"),
        (Some(protocol), None) => protocol.to_string(),
        _ => "no TLS".to_string(),
    };
    let verification = if settings.trust == Trust::NoVerification {
        " (certificate NOT verified: tls_verify = false)"
    } else {
        ""
    };
    let mut line = format!(
        "{} ({}) via {} ({tls}){verification}, bound as {}, {} users match {} under {}",
        probe.uri,
        probe.kind.label(),
        probe.security,
        probe.identity,
        probe.users,
        settings.user_filter,
        settings.user_base_dn
    );
    if let Some(why) = probe.incomplete {
        line.push_str(&format!(" (count may be short: {why})"));
    }
    Ok(line)
}

/// With `[roles]` configured, prints whether the rules fit the server's security roles and
/// projects; returns the exit code (78 when a rule cannot be used).
fn report_roles(config: &Config) -> i32 {
    if !config.policy(None).roles.is_active() {
        return exit::OK;
    }
    let checked = ftrack_client(config).and_then(|client| {
        let snapshot = runtime()?.block_on(read_roles_and_projects(&client))?;
        Ok(check_live(config, &snapshot))
    });
    match checked {
        Ok(RolesCheck::Usable(line)) => println!("roles    ok: {line}"),
        Ok(RolesCheck::NotRead) => {
            println!("roles    skipped: ftrack's security roles were not read; rules not checked")
        }
        Ok(RolesCheck::Problems(problems)) => {
            for problem in problems {
                println!("roles    FAILED: {problem}");
            }
            return exit::CONFIG;
        }
        Err(why) => {
            println!("roles    FAILED: {why}");
            return exit::UNAVAILABLE;
        }
    }
    exit::OK
}

/// With `[mapping.custom]` keys, prints whether ftrack has a text user attribute for each;
/// returns the exit code (78 when one has none).
fn report_custom(config: &Config) -> i32 {
    if config.mapping.custom.is_empty() {
        return exit::OK;
    }
    let checked = ftrack_client(config).and_then(|client| {
        let configurations = runtime()?.block_on(read_configurations(&client))?;
        Ok(config_custom::check_live(config, configurations))
    });
    match checked {
        Ok(CustomCheck::Usable(line)) => println!("custom   ok: {line}"),
        Ok(CustomCheck::Problems(problems)) => {
            for problem in problems {
                println!("custom   FAILED: {problem}");
            }
            return exit::CONFIG;
        }
        Err(why) => {
            println!("custom   FAILED: {why}");
            return exit::UNAVAILABLE;
        }
    }
    exit::OK
}

/// A client for the configured server (nothing is sent yet).
fn ftrack_client(config: &Config) -> Result<FtrackClient, CheckError> {
    let server = config.ftrack.server.as_deref().ok_or(CheckError::Unset(
        "ftrack.server is not set (or FTRACK_SERVER)",
    ))?;
    let user = config.ftrack.api_user.as_deref().ok_or(CheckError::Unset(
        "ftrack.api_user is not set (or FTRACK_API_USER)",
    ))?;
    let key = config.ftrack.api_key.clone().ok_or(CheckError::Unset(
        "ftrack.api_key is not set (or FTRACK_API_KEY, FTRACK_API_KEY_FILE)",
    ))?;
    let client = FtrackClient::new(
        server,
        user,
        key,
        Duration::from_secs(config.ftrack.timeout_secs),
    )?;
    Ok(client
        .with_max_response(config.ftrack.max_response_mb.saturating_mul(1024 * 1024))
        .with_concurrency(config.ftrack.concurrency))
}

/// A runtime for one check's requests.
fn runtime() -> Result<tokio::runtime::Runtime, CheckError> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Reaches the server, authenticates and reads its version.
fn check_ftrack(config: &Config) -> Result<String, CheckError> {
    let client = ftrack_client(config)?;
    let runtime = runtime()?;
    let quick = RetryPolicy {
        attempts: 2,
        ..RetryPolicy::default()
    };
    let results = runtime.block_on(
        client.call_with_retry(&[Operation::QueryServerInformation { values: None }], quick),
    )?;
    let version = results
        .first()
        .and_then(|info| info.get("version"))
        .and_then(|v| v.as_str())
        .unwrap_or("unknown");
    let server = config.ftrack.server.as_deref().unwrap_or_default();
    let user = config.ftrack.api_user.as_deref().unwrap_or_default();
    Ok(format!("{server} as {user}, server version {version}"))
}

/// The state directory exists or can be created, and its lock can be taken.
fn check_state(config: &Config) -> Result<String, CheckError> {
    let state = StateDir::at(&config.state.dir);
    let holder = format!("ldap2ftrack check (pid {})", std::process::id());
    state.lock(&holder)?;
    let links = state.load_links()?;
    Ok(format!(
        "{} ({} identity links)",
        config.state.dir.display(),
        links.len()
    ))
}
