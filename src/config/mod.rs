//! Configuration: defaults, a TOML file, environment variables and command-line flags, in
//! rising precedence, with the origin of every effective value remembered for `config show`.

mod builder;
mod custom;
mod display;
mod env;
mod file;
mod keys;
mod notify;
mod parse;
mod roles;
mod show;
#[cfg(test)]
mod tests;
mod value;

pub use roles::{RolesConfig, rule_key};
pub use show::render_show;

use crate::incremental::{Period, Schedule};
use crate::notify::config::NotifyConfig;
use crate::reconcile::grace::{Grace, GracePeriod, MissingMarks};
use crate::reconcile::policy::{DeactivateMissing, MaxDeactivate, Policy, UsernameCase};
use crate::source::ldap::settings::NestedGroups;
use crate::source::mapping_rules::Mapping;
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable naming the config file when no path is given.
pub const CONFIG_ENV: &str = "LDAP2FTRACK_CONFIG";

/// Where an effective setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The built-in default.
    Default,
    /// A line of the config file.
    File {
        /// The config file, as it was given.
        path: PathBuf,
        /// 1-based line of the key.
        line: usize,
    },
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File { path, line } => write!(f, "{}:{line}", path.display()),
            Self::Env(name) => write!(f, "env {name}"),
            Self::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// Settings given as command-line flags, applied over the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides(pub Vec<Override>);

/// One flag setting a config key by its dotted path.
#[derive(Clone)]
pub struct Override {
    /// Dotted key, e.g. `policy.max_deactivate`.
    pub key: String,
    /// The value as typed, parsed like an environment variable.
    pub value: String,
    /// The flag that carried it, e.g. `--max-deactivate`, for error messages and origins.
    pub flag: String,
}

impl fmt::Debug for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A flag may carry a secret (`ftrack.api_key`); never let it reach a log.
        let value = if keys::is_secret(&self.key) {
            "********"
        } else {
            &self.value
        };
        f.debug_struct("Override")
            .field("key", &self.key)
            .field("value", &value)
            .field("flag", &self.flag)
            .finish()
    }
}

/// The complete effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory connection and search.
    pub ldap: LdapConfig,
    /// ftrack server connection.
    pub ftrack: FtrackConfig,
    /// Directory attributes to ftrack fields.
    pub mapping: Mapping,
    /// Which groups are synced.
    pub groups: GroupsConfig,
    /// What the planner may do.
    pub policy: PolicyConfig,
    /// Which security roles directory groups give.
    pub roles: RolesConfig,
    /// The rhythm of incremental reads and of `watch`.
    pub sync: SyncConfig,
    /// Where run state is kept.
    pub state: StateConfig,
    /// Who hears of a run: a webhook and hook commands.
    pub notify: NotifyConfig,
    /// Dotted key -> origin, for every key not at its default.
    origins: BTreeMap<String, Origin>,
    /// Dotted `*_file` key -> the file an effective secret was read from.
    secret_files: BTreeMap<String, PathBuf>,
}

/// The `[ldap]` section.
#[derive(Debug, Clone)]
pub struct LdapConfig {
    /// Server URI(s), e.g. `ldaps://ldap.studio.example`.
    pub uri: Option<String>,
    /// DN to bind as; anonymous bind when unset.
    pub bind_dn: Option<String>,
    /// Bind password (from `bind_password` or `bind_password_file`).
    pub bind_password: Option<SecretString>,
    /// Where users are searched.
    pub user_base_dn: Option<String>,
    /// Filter selecting user entries.
    pub user_filter: String,
    /// Where groups are searched; groups are not read when unset.
    pub group_base_dn: Option<String>,
    /// Filter selecting group entries.
    pub group_filter: String,
    /// Upgrade a plain `ldap://` connection with StartTLS.
    pub starttls: bool,
    /// CA certificate bundle used to verify the server.
    pub ca_file: Option<PathBuf>,
    /// Permit a password bind over an unencrypted `ldap://` connection.
    pub allow_insecure: bool,
    /// Verify the server certificate and host name (on by default; off is loudly warned about).
    pub tls_verify: bool,
    /// Entries per page of the paged-results search.
    pub page_size: u32,
    /// Who resolves nested groups: the tool (`client`) or Active Directory (`server`).
    pub nested_groups: NestedGroups,
    /// Network timeout in seconds.
    pub timeout_secs: u64,
}

/// The `[ftrack]` section.
#[derive(Debug, Clone)]
pub struct FtrackConfig {
    /// Server URL without a trailing slash, e.g. `https://studio.ftrackapp.com`.
    pub server: Option<String>,
    /// API user name.
    pub api_user: Option<String>,
    /// API key (from `api_key` or `api_key_file`).
    pub api_key: Option<SecretString>,
    /// Operations per API call.
    pub batch_size: usize,
    /// Request timeout in seconds.
    pub timeout_secs: u64,
    /// Requests kept in flight at once: pages read, and batches of one phase applied.
    pub concurrency: usize,
    /// The largest response accepted, in MiB.
    pub max_response_mb: u64,
}

/// The `[groups]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupsConfig {
    /// LDAP group name (or DN) -> ftrack group name; only these ftrack groups are changed.
    pub managed: BTreeMap<String, String>,
}

/// The `[policy]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyConfig {
    /// Which missing users are deactivated.
    pub deactivate_missing: DeactivateMissing,
    /// ftrack usernames never changed or deactivated.
    pub protected_users: Vec<String>,
    /// Safety limit on deactivations per run.
    pub max_deactivate: MaxDeactivate,
    /// Username comparison rule.
    pub username_case: UsernameCase,
    /// Seats: the most active ftrack users; creates and reactivations past it are held back.
    pub max_active_users: Option<usize>,
    /// How long a linked user must be missing before deactivation (none: at once).
    pub deactivate_after: Option<GracePeriod>,
    /// How many runs in a row a linked user must be missing before deactivation.
    pub deactivate_after_runs: Option<u32>,
    /// Whether an account disabled in the directory is deactivated at once, grace or not.
    pub disabled_immediately: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            deactivate_missing: DeactivateMissing::default(),
            protected_users: Vec::new(),
            max_deactivate: MaxDeactivate::default(),
            username_case: UsernameCase::default(),
            max_active_users: None,
            deactivate_after: None,
            deactivate_after_runs: None,
            disabled_immediately: true,
        }
    }
}

/// The `[sync]` section: incremental reads (`--changed`) and `watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncConfig {
    /// A read of changes only is replaced by a full read at least this often.
    pub full_every: Period,
    /// Time watermarks are moved back by this much (clock skew, same-second changes).
    pub overlap: Period,
    /// How often `watch` runs.
    pub interval: Period,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            full_every: Period::from_secs(24 * 3600),
            overlap: Period::from_secs(5 * 60),
            interval: Period::from_secs(5 * 60),
        }
    }
}

impl SyncConfig {
    /// The schedule of incremental reads.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            full_every: self.full_every,
            overlap: self.overlap,
        }
    }
}

/// The `[state]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateConfig {
    /// Directory holding run state (links, last counts, lock).
    pub dir: PathBuf,
}

impl Default for LdapConfig {
    fn default() -> Self {
        Self {
            uri: None,
            bind_dn: None,
            bind_password: None,
            user_base_dn: None,
            user_filter: "(objectClass=inetOrgPerson)".to_string(),
            group_base_dn: None,
            group_filter: "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
                .to_string(),
            starttls: false,
            ca_file: None,
            allow_insecure: false,
            tls_verify: true,
            page_size: 500,
            nested_groups: NestedGroups::Client,
            timeout_secs: 30,
        }
    }
}

impl Default for FtrackConfig {
    fn default() -> Self {
        Self {
            server: None,
            api_user: None,
            api_key: None,
            batch_size: 100,
            timeout_secs: 60,
            concurrency: crate::ftrack::client::DEFAULT_CONCURRENCY,
            max_response_mb: 256,
        }
    }
}

impl Default for Config {
    /// Built-in defaults, as if no file, environment or flags were given.
    fn default() -> Self {
        Self::with_state_dir(env::default_state_dir(&|_| None))
    }
}

impl Config {
    fn with_state_dir(dir: PathBuf) -> Self {
        Self {
            ldap: LdapConfig::default(),
            ftrack: FtrackConfig::default(),
            mapping: Mapping::default(),
            groups: GroupsConfig::default(),
            policy: PolicyConfig::default(),
            roles: RolesConfig::default(),
            sync: SyncConfig::default(),
            state: StateConfig { dir },
            notify: NotifyConfig::default(),
            origins: BTreeMap::new(),
            secret_files: BTreeMap::new(),
        }
    }

    /// Where the effective value of a dotted key (e.g. `ldap.uri`) came from.
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or(Origin::Default)
    }

    /// True when some key of `section` (e.g. `ldap`) was given in a file, the environment or a flag.
    pub fn sets_any_in(&self, section: &str) -> bool {
        self.origins
            .keys()
            .any(|key| key.split_once('.').is_some_and(|(head, _)| head == section))
    }

    /// The planner policy: configured rules and roles, with the API user (when known) also
    /// protected.
    pub fn policy(&self, api_user: Option<&str>) -> Policy {
        let mut protected_users = self.policy.protected_users.clone();
        if let Some(user) = api_user
            && !protected_users.iter().any(|u| u == user)
        {
            protected_users.push(user.to_string());
        }
        Policy {
            deactivate_missing: self.policy.deactivate_missing,
            protected_users,
            max_deactivate: self.policy.max_deactivate,
            username_case: self.policy.username_case,
            managed_groups: self.groups.managed.clone(),
            previous_directory_count: None,
            roles: self.roles.policy(),
            max_active_users: self.policy.max_active_users,
            custom_attributes: self.mapping.custom.keys().cloned().collect(),
            grace: Grace {
                after: self.policy.deactivate_after,
                after_runs: self.policy.deactivate_after_runs,
                disabled_immediately: self.policy.disabled_immediately,
            },
            missing_marks: MissingMarks::new(),
            now: jiff::Timestamp::UNIX_EPOCH,
        }
    }
}

/// Why the configuration could not be loaded; every message names where the bad value came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {}{via}: {source}", .path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// ` (from env LDAP2FTRACK_CONFIG)` when the path came from there, else empty.
        via: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The config file is not valid TOML.
    #[error("{}:{line}: invalid TOML: {message}", .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// What the parser reported.
        message: String,
    },
    /// A key is unknown or its value is not allowed.
    #[error("{origin}: {key}: {message}")]
    Invalid {
        /// Where the key was given.
        origin: Origin,
        /// Dotted key.
        key: String,
        /// What was expected and what was found.
        message: String,
    },
    /// A secret and the file holding it were both given at the same level.
    #[error(
        "{origin}: {key}: {other_key} is also set ({other_origin}); give the secret or its file, not both"
    )]
    SecretGivenTwice {
        /// The key seen second.
        key: String,
        /// Where it was given.
        origin: Origin,
        /// The key seen first.
        other_key: String,
        /// Where that was given.
        other_origin: Origin,
    },
    /// A pair of `LDAP_ATTRIBUTE_MAP` is malformed or names an unknown key.
    #[error("env LDAP_ATTRIBUTE_MAP: {pair:?}: {message}")]
    AttributeMap {
        /// The offending `key=value` pair.
        pair: String,
        /// What is wrong with it.
        message: String,
    },
    /// A setting this command needs is not given anywhere.
    #[error("{key} is not set; {how}")]
    Missing {
        /// Dotted key.
        key: String,
        /// Where it can be given.
        how: String,
    },
}

impl ConfigError {
    /// The process exit code for a configuration error (`EX_CONFIG` from sysexits.h).
    pub fn exit_code(&self) -> i32 {
        78
    }
}

/// The environment variables that can give a secret (or the file holding one); hook commands
/// never see them.
pub fn secret_env_vars() -> Vec<&'static str> {
    keys::KEYS
        .iter()
        .filter(|key| {
            matches!(
                key.kind,
                keys::Kind::Secret { .. } | keys::Kind::SecretFile { .. }
            )
        })
        .filter_map(|key| match key.env {
            keys::Env::Var(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// Loads the configuration: flags over environment over file over defaults.
///
/// Without `path`, the file named by `LDAP2FTRACK_CONFIG` is read; without either, no file is.
pub fn load(
    path: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    overrides: &Overrides,
) -> Result<Config, ConfigError> {
    let mut builder = builder::Builder::new(Config::with_state_dir(env::default_state_dir(env)));

    let from_env = env::get(env, CONFIG_ENV).map(PathBuf::from);
    let (file, via) = match (path, &from_env) {
        (Some(path), _) => (Some(path), String::new()),
        (None, Some(path)) => (Some(path.as_path()), format!(" (from env {CONFIG_ENV})")),
        (None, None) => (None, String::new()),
    };
    if let Some(file) = file {
        builder.begin_layer();
        file::apply_file(&mut builder, file, via)?;
    }

    builder.begin_layer();
    env::apply_env(&mut builder, env)?;

    builder.begin_layer();
    for o in &overrides.0 {
        builder.set(
            &o.key,
            value::Raw::Text(&o.value),
            Origin::Flag(o.flag.clone()),
        )?;
    }

    builder.finish()
}

/// Loads a configuration held in memory (such as the bundled demo's), named `name` in messages,
/// with no environment and no flags.
pub fn load_text(name: &Path, text: &str) -> Result<Config, ConfigError> {
    let no_env = |_: &str| None;
    let mut builder =
        builder::Builder::new(Config::with_state_dir(env::default_state_dir(&no_env)));
    builder.begin_layer();
    file::apply_text(&mut builder, name, text)?;
    builder.finish()
}

/// [`load`] with the process environment.
pub fn load_from_process(
    path: Option<&Path>,
    overrides: &Overrides,
) -> Result<Config, ConfigError> {
    load(path, &|name| std::env::var(name).ok(), overrides)
}
