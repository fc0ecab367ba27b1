//! Every settable key: its section, how a value for it is checked, and how layers combine.

use super::value::{active_rule, attr_expr, http_url, ldap_filter, ldap_uri};
use super::{Config, ConfigError, Origin};
use crate::reconcile::policy::MaxDeactivate;
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::de::DeValue;

pub(super) use super::value::Raw;

/// Sections and their keys, in the order `config show` and error messages list them.
pub(super) const SECTIONS: &[(&str, &[&str])] = &[
    (
        "ldap",
        &[
            "uri",
            "bind_dn",
            "bind_password",
            "bind_password_file",
            "user_base_dn",
            "user_filter",
            "group_base_dn",
            "group_filter",
            "starttls",
            "ca_file",
            "allow_insecure",
            "tls_verify",
            "page_size",
            "timeout_secs",
        ],
    ),
    (
        "ftrack",
        &[
            "server",
            "api_user",
            "api_key",
            "api_key_file",
            "batch_size",
            "timeout_secs",
            "max_response_mb",
        ],
    ),
    (
        "mapping",
        &[
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "groups",
            "active",
        ],
    ),
    ("groups", &["managed"]),
    (
        "policy",
        &[
            "deactivate_missing",
            "protected_users",
            "max_deactivate",
            "username_case",
        ],
    ),
    ("state", &["dir"]),
];

/// Secrets and the keys naming a file that holds them.
const SECRETS: [(&str, &str); 2] = [
    ("ldap.bind_password", "ldap.bind_password_file"),
    ("ftrack.api_key", "ftrack.api_key_file"),
];

/// True for keys whose value must never be shown.
pub(super) fn is_secret(key: &str) -> bool {
    SECRETS.iter().any(|(secret, _)| *secret == key)
}

/// The keys of a section, if it exists.
pub(super) fn section_keys(section: &str) -> Option<&'static [&'static str]> {
    SECTIONS
        .iter()
        .find(|(name, _)| *name == section)
        .map(|(_, keys)| *keys)
}

/// "unknown section/key; expected one of ..." for a dotted key that names no setting.
pub(super) fn unknown_key_message(key: &str) -> String {
    let (section, _) = key.split_once('.').unwrap_or((key, ""));
    match section_keys(section) {
        Some(keys) => format!("unknown key; expected one of {}", keys.join(", ")),
        None => {
            let names: Vec<&str> = SECTIONS.iter().map(|(name, _)| *name).collect();
            format!("unknown section; expected one of {}", names.join(", "))
        }
    }
}

const SECONDS: &str = "expected a whole number of seconds greater than 0";
const NON_EMPTY: &str = "expected a non-empty string";

/// Applies values layer by layer and remembers where each came from.
pub(super) struct Builder {
    config: Config,
    /// Per secret (same order as `SECRETS`): the effective way it is given, and where.
    secrets: [Option<(SecretSource, Origin)>; 2],
    /// Keys set by the current layer, to catch a secret and its file given together.
    layer: BTreeMap<String, Origin>,
    /// Directory of the config file while its values are applied.
    pub(super) base_dir: Option<PathBuf>,
}

enum SecretSource {
    Inline(SecretString),
    File(PathBuf),
}

impl Builder {
    pub(super) fn new(config: Config) -> Self {
        Self {
            config,
            secrets: [None, None],
            layer: BTreeMap::new(),
            base_dir: None,
        }
    }

    /// Starts the next, higher-precedence layer.
    pub(super) fn begin_layer(&mut self) {
        self.layer.clear();
        self.base_dir = None;
    }

    /// Sets a dotted key from one layer.
    pub(super) fn set(&mut self, key: &str, raw: Raw, origin: Origin) -> Result<(), ConfigError> {
        let invalid = |message| ConfigError::Invalid {
            origin: origin.clone(),
            key: key.to_string(),
            message,
        };
        if let Some(index) = SECRETS
            .iter()
            .position(|(secret, file)| *secret == key || *file == key)
        {
            let (secret, file) = SECRETS[index];
            let other = if key == secret { file } else { secret };
            if let Some(other_origin) = self.layer.get(other) {
                return Err(ConfigError::SecretGivenTwice {
                    key: key.to_string(),
                    origin,
                    other_key: other.to_string(),
                    other_origin: other_origin.clone(),
                });
            }
            let source = if key == secret {
                SecretSource::Inline(SecretString::from(
                    raw.non_empty_secret(NON_EMPTY).map_err(invalid)?,
                ))
            } else {
                SecretSource::File(raw.path(self.base_dir.as_deref()).map_err(invalid)?)
            };
            self.secrets[index] = Some((source, origin.clone()));
        } else {
            self.apply(key, &raw).map_err(invalid)?;
            self.config.origins.insert(key.to_string(), origin.clone());
        }
        self.layer.insert(key.to_string(), origin);
        Ok(())
    }

    /// Replaces `groups.managed`, which only the file can give.
    pub(super) fn set_managed(
        &mut self,
        managed: BTreeMap<String, String>,
        origin: Origin,
        entry_origins: Vec<(String, Origin)>,
    ) {
        self.config.groups.managed = managed;
        self.config
            .origins
            .retain(|key, _| !key.starts_with("groups.managed."));
        self.config
            .origins
            .insert("groups.managed".to_string(), origin);
        for (name, entry_origin) in entry_origins {
            self.config
                .origins
                .insert(format!("groups.managed.{name}"), entry_origin);
        }
    }

    fn apply(&mut self, key: &str, raw: &Raw) -> Result<(), String> {
        let base = self.base_dir.as_deref();
        let c = &mut self.config;
        match key {
            "ldap.uri" => c.ldap.uri = Some(ldap_uri(raw)?),
            "ldap.bind_dn" => c.ldap.bind_dn = Some(raw.non_empty(NON_EMPTY)?),
            "ldap.user_base_dn" => c.ldap.user_base_dn = Some(raw.non_empty(NON_EMPTY)?),
            "ldap.user_filter" => c.ldap.user_filter = ldap_filter(raw)?,
            "ldap.group_base_dn" => c.ldap.group_base_dn = Some(raw.non_empty(NON_EMPTY)?),
            "ldap.group_filter" => c.ldap.group_filter = ldap_filter(raw)?,
            "ldap.starttls" => c.ldap.starttls = raw.boolean()?,
            "ldap.ca_file" => c.ldap.ca_file = Some(raw.path(base)?),
            "ldap.allow_insecure" => c.ldap.allow_insecure = raw.boolean()?,
            "ldap.tls_verify" => c.ldap.tls_verify = raw.boolean()?,
            "ldap.page_size" => {
                let n = raw.whole(1, 10_000, "expected a whole number from 1 to 10000")?;
                c.ldap.page_size = u32::try_from(n).map_err(|e| e.to_string())?;
            }
            "ldap.timeout_secs" => c.ldap.timeout_secs = raw.whole(1, u64::MAX, SECONDS)?,
            "ftrack.server" => c.ftrack.server = Some(http_url(raw)?),
            "ftrack.api_user" => c.ftrack.api_user = Some(raw.non_empty(NON_EMPTY)?),
            "ftrack.batch_size" => {
                let n = raw.whole(1, 5_000, "expected a whole number from 1 to 5000")?;
                c.ftrack.batch_size = usize::try_from(n).map_err(|e| e.to_string())?;
            }
            "ftrack.timeout_secs" => c.ftrack.timeout_secs = raw.whole(1, u64::MAX, SECONDS)?,
            "ftrack.max_response_mb" => {
                c.ftrack.max_response_mb = raw.whole(
                    1,
                    65_536,
                    "expected a whole number of megabytes from 1 to 65536",
                )?
            }
            "mapping.id" => c.mapping.id = attr_expr(raw)?,
            "mapping.username" => c.mapping.username = attr_expr(raw)?,
            "mapping.email" => c.mapping.email = attr_expr(raw)?,
            "mapping.first_name" => c.mapping.first_name = attr_expr(raw)?,
            "mapping.last_name" => c.mapping.last_name = attr_expr(raw)?,
            "mapping.display_name" => c.mapping.display_name = attr_expr(raw)?,
            "mapping.groups" => c.mapping.groups = attr_expr(raw)?,
            "mapping.active" => c.mapping.active = active_rule(raw)?,
            "groups.managed" => {
                return Err(
                    "can only be set in the config file, as a [groups.managed] table".to_string(),
                );
            }
            "policy.deactivate_missing" => {
                c.policy.deactivate_missing =
                    raw.parsed("expected \"linked\", \"all\" or \"never\"")?;
            }
            "policy.protected_users" => {
                c.policy.protected_users = raw
                    .list("expected a list of ftrack usernames, like [\"admin\", \"pipeline\"]")?;
            }
            "policy.max_deactivate" => {
                let expected = "expected a count like 25 or a percentage like \"5%\"";
                c.policy.max_deactivate = match raw {
                    Raw::Toml(DeValue::Integer(_)) => {
                        MaxDeactivate::Count(raw.whole(0, u64::MAX, expected)?)
                    }
                    _ => raw.parsed(expected)?,
                };
            }
            "policy.username_case" => {
                c.policy.username_case = raw.parsed("expected \"insensitive\" or \"sensitive\"")?;
            }
            "state.dir" => c.state.dir = raw.path(base)?,
            _ => return Err(unknown_key_message(key)),
        }
        Ok(())
    }

    /// Reads the effective secret files and returns the finished configuration.
    pub(super) fn finish(mut self) -> Result<Config, ConfigError> {
        for (index, slot) in self.secrets.iter_mut().enumerate() {
            let (secret_key, file_key) = SECRETS[index];
            let Some((source, origin)) = slot.take() else {
                continue;
            };
            let secret = match source {
                SecretSource::Inline(secret) => secret,
                SecretSource::File(path) => {
                    let secret =
                        read_secret_file(&path).map_err(|message| ConfigError::Invalid {
                            origin: origin.clone(),
                            key: file_key.to_string(),
                            message,
                        })?;
                    self.config
                        .origins
                        .insert(file_key.to_string(), origin.clone());
                    self.config.secret_files.insert(file_key.to_string(), path);
                    secret
                }
            };
            self.config.origins.insert(secret_key.to_string(), origin);
            match secret_key {
                "ldap.bind_password" => self.config.ldap.bind_password = Some(secret),
                _ => self.config.ftrack.api_key = Some(secret),
            }
        }
        Ok(self.config)
    }
}

fn read_secret_file(path: &Path) -> Result<SecretString, String> {
    let mut text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read secret file {}: {e}", path.display()))?;
    // Editors and `echo` add one newline; it is not part of the secret.
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.is_empty() {
        return Err(format!("secret file {} is empty", path.display()));
    }
    // A second line is a mistake (two secrets, or a pasted note), never part of a secret.
    if text.contains(['\n', '\r']) {
        return Err(format!(
            "secret file {} holds more than one line; keep the secret alone on its first line",
            path.display()
        ));
    }
    Ok(SecretString::from(text))
}
