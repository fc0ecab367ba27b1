//! `ldap2ftrack check`: one line per part of the set-up, `ok` or why not.

use super::check_lines::Tally;
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
use crate::source::ldap::tls::{TlsSeen, Trust};
use crate::state::{StateDir, StateError};

/// Runs `check`; exits 0 when everything it needs was checked and is fine, 78 when a setting
/// every run needs is missing, else the code of the first failure.
pub fn run(cli: &Cli, console: &Console) -> anyhow::Result<i32> {
    let mut tally = Tally::default();
    let config = match config::load_from_process(cli.config.as_deref(), &Overrides::default()) {
        Ok(config) => {
            tally.ok("config", "");
            config
        }
        Err(error) => {
            tally.failed("config", &error.to_string(), error.exit_code());
            return Ok(tally.code());
        }
    };
    report_ldap(&config, &mut tally);
    report_ftrack(&config, &mut tally);
    match check_state(&config) {
        Ok(line) => tally.ok("state", &line),
        Err(why) => tally.failed("state", &why.to_string(), exit::ERROR),
    }
    console.say(&tally.summary());
    Ok(tally.code())
}

/// Prints the directory's lines: the bind and users, TLS, groups.
fn report_ldap(config: &Config, tally: &mut Tally) {
    if config.ldap.uri.is_none() {
        // Planning from LDIF exports needs no server; say so rather than fail.
        tally.skipped(
            "ldap",
            "no [ldap] uri or LDAP_URI is set; plan and apply need --ldif FILE",
        );
        return;
    }
    match check_ldap(config) {
        Ok(checked) => {
            tally.ok("ldap", &checked.line);
            report_tls(&checked, tally);
            match (&config.ldap.group_base_dn, checked.groups) {
                (Some(base), Some(count)) => tally.ok(
                    "groups",
                    &format!(
                        "{count} groups match {} under {base}",
                        config.ldap.group_filter
                    ),
                ),
                _ => tally.skipped(
                    "groups",
                    "no [ldap] group_base_dn: groups come from the users' memberOf alone, none is searched",
                ),
            }
        }
        Err(CheckError::Directory(error)) if error.is_configuration() => {
            tally.failed("ldap", &error.to_string(), exit::CONFIG)
        }
        Err(why) => tally.failed("ldap", &why.to_string(), exit::UNAVAILABLE),
    }
}

/// Prints the TLS line of a successful directory check.
fn report_tls(checked: &LdapChecked, tally: &mut Tally) {
    match (&checked.tls.protocol, &checked.trust) {
        (None, _) => tally.skipped(
            "tls",
            "the connection is not encrypted: plain ldap:// without starttls",
        ),
        (Some(protocol), Trust::NoVerification) => tally.skipped(
            "tls",
            &format!("{protocol}, but the certificate is NOT verified: tls_verify = false"),
        ),
        (Some(protocol), trust) => {
            let subject = checked.tls.subject.as_deref().unwrap_or("(no subject)");
            let against = match trust {
                Trust::CaFile(path) => format!("ca_file {}", path.display()),
                _ => "the system's trusted CAs".to_string(),
            };
            tally.ok(
                "tls",
                &format!("{protocol}, certificate {subject} verified against {against}"),
            );
        }
    }
}

/// Prints ftrack's line, and with `[roles]` or `[mapping.custom]` configured their lines.
fn report_ftrack(config: &Config, tally: &mut Tally) {
    if let Some(warning) = crate::inputs::plain_http_warning(config) {
        tally.warning("ftrack", &warning);
    }
    let client = match crate::inputs::ftrack_client(config) {
        Ok(client) => client,
        Err(error) => {
            let why = crate::exit::message_for(&error);
            if crate::exit::code_for(&error) == exit::CONFIG {
                tally.missing("ftrack", &format!("not configured: {why}"));
                skip_ftrack_parts(config, tally);
            } else {
                tally.failed("ftrack", &why, exit::UNAVAILABLE);
            }
            return;
        }
    };
    match check_ftrack(config, &client) {
        Ok(line) => tally.ok("ftrack", &line),
        Err(why) => {
            tally.failed("ftrack", &why.to_string(), exit::UNAVAILABLE);
            return;
        }
    }
    report_roles(config, &client, tally);
    report_custom(config, &client, tally);
}

/// The roles and custom lines when ftrack is not configured: nothing of them was checked.
fn skip_ftrack_parts(config: &Config, tally: &mut Tally) {
    if config.policy(None).roles.is_active() {
        tally.skipped(
            "roles",
            "ftrack is not configured; the rules were not checked",
        );
    }
    if !config.mapping.custom.is_empty() {
        tally.skipped(
            "custom",
            "ftrack is not configured; the keys were not checked",
        );
    }
}

/// Why one part of the set-up failed its check; printed after `FAILED:`.
#[derive(Debug, thiserror::Error)]
enum CheckError {
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

/// What a successful directory check found.
struct LdapChecked {
    /// The `ldap` line.
    line: String,
    /// What the TLS handshake showed.
    tls: TlsSeen,
    /// How the certificate was checked.
    trust: Trust,
    /// Groups under the group base, when there is one.
    groups: Option<usize>,
}

/// Binds to the directory and counts the users (and groups) the filters match.
fn check_ldap(config: &Config) -> Result<LdapChecked, CheckError> {
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
    Ok(LdapChecked {
        line,
        tls: probe.tls,
        trust: settings.trust,
        groups: probe.groups,
    })
}

/// With `[roles]` configured, prints whether the rules fit the server's security roles and
/// projects (78 when a rule cannot be used).
fn report_roles(config: &Config, client: &FtrackClient, tally: &mut Tally) {
    if !config.policy(None).roles.is_active() {
        return;
    }
    let checked = runtime().and_then(|runtime| {
        let snapshot = runtime.block_on(read_roles_and_projects(client))?;
        Ok(check_live(config, &snapshot))
    });
    match checked {
        Ok(RolesCheck::Usable(line)) => tally.ok("roles", &line),
        Ok(RolesCheck::NotRead) => tally.skipped(
            "roles",
            "ftrack's security roles were not read; the rules were not checked",
        ),
        Ok(RolesCheck::Problems(problems)) => {
            for problem in problems {
                tally.failed("roles", &problem, exit::CONFIG);
            }
        }
        Err(why) => tally.failed("roles", &why.to_string(), exit::UNAVAILABLE),
    }
}

/// With `[mapping.custom]` keys, prints whether ftrack has a text user attribute for each
/// (78 when one has none).
fn report_custom(config: &Config, client: &FtrackClient, tally: &mut Tally) {
    if config.mapping.custom.is_empty() {
        return;
    }
    let checked = runtime().and_then(|runtime| {
        let configurations = runtime.block_on(read_configurations(client))?;
        Ok(config_custom::check_live(config, configurations))
    });
    match checked {
        Ok(CustomCheck::Usable(line)) => tally.ok("custom", &line),
        Ok(CustomCheck::Problems(problems)) => {
            for problem in problems {
                tally.failed("custom", &problem, exit::CONFIG);
            }
        }
        Err(why) => tally.failed("custom", &why.to_string(), exit::UNAVAILABLE),
    }
}

/// A runtime for one check's requests.
fn runtime() -> Result<tokio::runtime::Runtime, CheckError> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Reaches the server, authenticates and reads its version.
fn check_ftrack(config: &Config, client: &FtrackClient) -> Result<String, CheckError> {
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
