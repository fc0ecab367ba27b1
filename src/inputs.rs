//! What every planning mode reads before it plans, in one place: the ftrack client, the
//! directory (LDAP, LDIF or already loaded), and the state directory's links and policy figures.
//! `plan`, `apply` and the console all call these, so they plan from the same inputs.

use crate::clock::Clock;
use crate::config::{Config, ConfigError};
use crate::ftrack::client::FtrackClient;
use crate::ftrack::planning::PlanningReads;
use crate::incremental::store;
use crate::model::{DirectorySnapshot, Links, ReadScope};
use crate::reconcile::Policy;
use crate::source::ldap::changes::{ChangeRequest, ChangesRead};
use crate::source::ldap::settings::LdapSettings;
use crate::source::ldap::{ReadProgress, read_directory_changes};
use crate::source::offline::{LdifSelection, load_ldif_directory, user_filter};
use crate::state::StateDir;
use anyhow::Context;
use jiff::Timestamp;
use jiff::civil::Date;
use std::path::PathBuf;
use std::time::Duration;

/// Where the directory is read.
#[derive(Debug, Clone)]
pub enum DirectorySource {
    /// The configured LDAP server.
    Ldap,
    /// An LDIF export.
    Ldif(PathBuf),
    /// Already read (the demo's bundled directory), with a name to show.
    Loaded(Box<DirectorySnapshot>, String),
}

/// The client for the configured ftrack server.
pub fn ftrack_client(config: &Config) -> anyhow::Result<FtrackClient> {
    let missing = |key: &str, how: &str| ConfigError::Missing {
        key: key.to_string(),
        how: how.to_string(),
    };
    let ftrack = &config.ftrack;
    let server = ftrack.server.as_deref().ok_or_else(|| {
        missing(
            "ftrack.server",
            "give it as [ftrack] server or FTRACK_SERVER (https://studio.ftrackapp.com)",
        )
    })?;
    let api_user = ftrack.api_user.as_deref().ok_or_else(|| {
        missing(
            "ftrack.api_user",
            "give it as [ftrack] api_user or FTRACK_API_USER",
        )
    })?;
    let api_key = ftrack.api_key.clone().ok_or_else(|| {
        missing(
            "ftrack.api_key",
            "give it as [ftrack] api_key_file (or api_key), or FTRACK_API_KEY_FILE (or FTRACK_API_KEY)",
        )
    })?;
    Ok(FtrackClient::new(
        server,
        api_user,
        api_key,
        Duration::from_secs(ftrack.timeout_secs),
    )?
    .with_max_response(ftrack.max_response_mb.saturating_mul(1024 * 1024))
    .with_concurrency(ftrack.concurrency))
}

/// The warning for an API key sent over plain `http://` to a host that is not this machine
/// (anyone on the network path could read it), or `None`.
pub fn plain_http_warning(config: &Config) -> Option<String> {
    let server = config.ftrack.server.as_deref()?;
    let url = reqwest::Url::parse(server).ok()?;
    let host = url.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (url.scheme() == "http" && !loopback).then(|| {
        format!(
            "the ftrack API key goes over plain http:// to {host}: anyone on the network path can read it; use https://"
        )
    })
}

/// Reads the directory with the configured user filter (ANDed with `extra_filter`), reporting
/// LDAP progress; returns the users and a name for where they came from. Account-expiry rules
/// count from `today`.
pub fn load_directory(
    config: &Config,
    source: &DirectorySource,
    extra_filter: Option<&str>,
    today: Date,
    progress: &mut dyn FnMut(ReadProgress),
) -> anyhow::Result<(DirectorySnapshot, String)> {
    let loaded = load_directory_changes(config, source, extra_filter, today, None, progress)?;
    Ok((loaded.directory, loaded.name))
}

/// A directory read, where it came from, and the watermark its run may leave.
#[derive(Debug, Clone)]
pub struct LoadedDirectory {
    /// The users read.
    pub directory: DirectorySnapshot,
    /// Where they came from, in words.
    pub name: String,
    /// With `changes`, from LDAP: where and what the next watermark is.
    pub changes: Option<ChangesRead>,
}

/// Like [`load_directory`]; with `changes`, an LDAP read takes only the entries changed since
/// the saved watermark when it can (an LDIF export is always read whole, saying so).
pub fn load_directory_changes(
    config: &Config,
    source: &DirectorySource,
    extra_filter: Option<&str>,
    today: Date,
    changes: Option<&ChangeRequest>,
    progress: &mut dyn FnMut(ReadProgress),
) -> anyhow::Result<LoadedDirectory> {
    let mut loaded = read_source(config, source, extra_filter, today, changes, progress)?;
    // Read by growing a list; the spare room would stay unused while planning.
    loaded.directory.users.shrink_to_fit();
    Ok(loaded)
}

fn read_source(
    config: &Config,
    source: &DirectorySource,
    extra_filter: Option<&str>,
    today: Date,
    changes: Option<&ChangeRequest>,
    progress: &mut dyn FnMut(ReadProgress),
) -> anyhow::Result<LoadedDirectory> {
    let filter = user_filter(&config.ldap.user_filter, extra_filter)?;
    let whole = |mut directory: DirectorySnapshot, name: String| {
        if changes.is_some() {
            directory.read = ReadScope::Full {
                why: Some("a file or bundled directory has no change markers".to_string()),
            };
        }
        LoadedDirectory {
            directory,
            name,
            changes: None,
        }
    };
    match source {
        DirectorySource::Loaded(directory, name) => Ok(whole((**directory).clone(), name.clone())),
        DirectorySource::Ldif(path) => {
            let selection = LdifSelection::from_config(&config.ldap, extra_filter)?;
            Ok(whole(
                load_ldif_directory(path, &selection, &config.mapping, today)?,
                path.display().to_string(),
            ))
        }
        DirectorySource::Ldap => {
            let settings = LdapSettings::from_config(config, filter.to_string())?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            let read = runtime.block_on(read_directory_changes(
                &settings,
                &config.mapping,
                today,
                changes,
                progress,
            ))?;
            Ok(LoadedDirectory {
                name: format!("{} ({})", read.uri, read.security),
                directory: read.snapshot,
                changes: read.changes,
            })
        }
    }
}

/// The request of a `--changed` run: the saved watermarks, the schedule, and the time now.
pub fn change_request(config: &Config, clock: Clock) -> anyhow::Result<ChangeRequest> {
    let saved = store::load(&StateDir::at(&config.state.dir))
        .context("cannot read the saved watermarks")?;
    Ok(ChangeRequest {
        saved,
        schedule: config.sync.schedule(),
        now: clock.now(),
        settings: settings_digest(config),
    })
}

/// A digest of what decides the read and the plan of an entry: a read of changes planned under
/// other settings would leave unchanged entries planned the old way until the next full read.
pub fn settings_digest(config: &Config) -> String {
    use sha2::{Digest, Sha256};
    let ldap = &config.ldap;
    let shaping = format!(
        "{}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        env!("CARGO_PKG_VERSION"),
        ldap.user_filter,
        ldap.group_base_dn,
        ldap.group_filter,
        ldap.nested_groups,
        config.mapping,
        config.groups,
        config.roles,
        config.policy,
        config.ftrack.api_user,
    );
    Sha256::digest(shaping.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The identity links, and the policy with the last run's directory size for the shrink check
/// and, when a grace period is set, the missing marks of earlier runs and `now` to count to.
pub fn links_and_policy(
    config: &Config,
    state: &StateDir,
    now: Timestamp,
) -> anyhow::Result<(Links, Policy)> {
    let links = state
        .load_links()
        .context("cannot read the identity links")?;
    let mut policy = config.policy(config.ftrack.api_user.as_deref());
    policy.previous_directory_count = state
        .load_last_run()
        .context("cannot read the last run's figures")?
        .map(|last| last.directory_users);
    if policy.grace.is_active() {
        policy.missing_marks = state
            .load_missing_marks()
            .context("cannot read the missing marks of the grace period")?;
    }
    policy.now = now;
    Ok((links, policy))
}

/// What a plan reads from ftrack beyond users and groups: roles when `[roles]` is in use,
/// custom attributes when `[mapping.custom]` names any.
pub fn planning_reads(config: &Config) -> PlanningReads {
    let policy = config.policy(None);
    PlanningReads {
        access: policy.roles.is_active(),
        custom_attributes: policy.custom_attributes,
    }
}

/// ftrack usernames an apply must never change, case-folded (the API user included).
pub fn protected_usernames(config: &Config) -> Vec<String> {
    config
        .policy(config.ftrack.api_user.as_deref())
        .protected_users
        .iter()
        .map(|u| u.to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning_for(server: &str) -> Option<String> {
        let mut config = Config::default();
        config.ftrack.server = Some(server.to_string());
        plain_http_warning(&config)
    }

    #[test]
    fn a_key_over_plain_http_beyond_this_machine_is_warned_about() {
        let warning = warning_for("http://ftrack.studio.example").unwrap();
        assert!(warning.contains("ftrack.studio.example") && warning.contains("https://"));
        assert!(warning_for("http://10.0.0.5:8080").is_some());
        for quiet in [
            "https://ftrack.studio.example",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9000",
        ] {
            assert_eq!(warning_for(quiet), None, "{quiet}");
        }
    }
}
