//! Applies values layer by layer, remembering where each came from; secrets are read last.

use super::keys::{self, KEYS, Kind};
use super::parse::NON_EMPTY;
use super::roles::{self, RuleOrigins};
use super::value::{Given, Raw};
use super::{Config, ConfigError, Origin};
use crate::reconcile::policy::RoleRule;
use crate::source::mapping_rules::AttrExpr;
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Builds a [`Config`] from layers of rising precedence.
pub(super) struct Builder {
    config: Config,
    /// Per secret key: the effective way it is given, and where.
    secrets: BTreeMap<&'static str, (SecretSource, Origin)>,
    /// Keys set by the current layer, to catch a secret and its file given together.
    layer: BTreeMap<&'static str, Origin>,
    /// Directory of the config file while its values are applied.
    pub(super) base_dir: Option<PathBuf>,
}

/// How a secret is given: inline, or as a file read when the configuration is finished.
enum SecretSource {
    Inline(SecretString),
    File(PathBuf),
}

impl Builder {
    /// Starts from `config` (the defaults).
    pub(super) fn new(config: Config) -> Self {
        Self {
            config,
            secrets: BTreeMap::new(),
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
    pub(super) fn set(&mut self, name: &str, raw: Raw, origin: Origin) -> Result<(), ConfigError> {
        let invalid = |message| ConfigError::Invalid {
            origin: origin.clone(),
            key: name.to_string(),
            message,
        };
        let Some(key) = keys::find(name) else {
            return Err(invalid(keys::unknown_key_message(name)));
        };
        let given = Given {
            raw,
            base_dir: self.base_dir.as_deref(),
        };
        match key.kind {
            Kind::Setting { set, .. } => {
                set(&mut self.config, &given).map_err(invalid)?;
                let origins = &mut self.config.origins;
                origins.insert(key.name.to_string(), origin.clone());
            }
            Kind::Secret { file, .. } => {
                self.refuse_both(key.name, file, &origin)?;
                let secret = given.raw.non_empty_secret(NON_EMPTY).map_err(invalid)?;
                let source = SecretSource::Inline(SecretString::from(secret));
                self.secrets.insert(key.name, (source, origin.clone()));
            }
            Kind::SecretFile { secret } => {
                self.refuse_both(key.name, secret, &origin)?;
                let source = SecretSource::File(given.raw.path(given.base_dir).map_err(invalid)?);
                self.secrets.insert(secret, (source, origin.clone()));
            }
            Kind::ManagedGroups => {
                let only_file = "can only be set in the config file, as a [groups.managed] table";
                return Err(invalid(only_file.to_string()));
            }
            Kind::RoleRules => {
                let only_file = "can only be set in the config file, as [[roles.rule]] tables";
                return Err(invalid(only_file.to_string()));
            }
            Kind::CustomMapping => {
                let only_file = "can only be set in the config file, as a [mapping.custom] table";
                return Err(invalid(only_file.to_string()));
            }
            Kind::WebhookHeaders => {
                let only_file =
                    "can only be set in the config file, as a [notify.webhook_headers] table";
                return Err(invalid(only_file.to_string()));
            }
        }
        self.layer.insert(key.name, origin);
        Ok(())
    }

    /// A secret and its file given in one layer are an error: which one was meant?
    fn refuse_both(
        &self,
        key: &str,
        other: &'static str,
        origin: &Origin,
    ) -> Result<(), ConfigError> {
        match self.layer.get(other) {
            Some(other_origin) => Err(ConfigError::SecretGivenTwice {
                key: key.to_string(),
                origin: origin.clone(),
                other_key: other.to_string(),
                other_origin: other_origin.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Replaces `groups.managed`, which only the file can give.
    pub(super) fn set_managed(
        &mut self,
        managed: BTreeMap<String, String>,
        origin: Origin,
        entry_origins: Vec<(String, Origin)>,
    ) {
        self.config.groups.managed = managed;
        let entry_origins = entry_origins
            .into_iter()
            .map(|(name, origin)| (format!("groups.managed.{name}"), origin));
        self.replace_origins("groups.managed", ".", origin, entry_origins);
    }

    /// Replaces `roles.rule`, which only the file can give.
    pub(super) fn set_role_rules(
        &mut self,
        rules: Vec<RoleRule>,
        origin: Origin,
        rule_origins: RuleOrigins,
    ) {
        self.config.roles.rule = rules;
        self.replace_origins("roles.rule", "[", origin, rule_origins);
    }

    /// Replaces `mapping.custom`, which only the file can give.
    pub(super) fn set_custom_mapping(
        &mut self,
        custom: BTreeMap<String, AttrExpr>,
        origin: Origin,
        entry_origins: Vec<(String, Origin)>,
    ) {
        self.config.mapping.custom = custom;
        self.replace_origins("mapping.custom", ".", origin, entry_origins);
    }

    /// Replaces `notify.webhook_headers`, which only the file can give.
    pub(super) fn set_webhook_headers(
        &mut self,
        headers: BTreeMap<String, SecretString>,
        origin: Origin,
        entry_origins: Vec<(String, Origin)>,
    ) {
        self.config.notify.webhook_headers = headers;
        let entry_origins = entry_origins
            .into_iter()
            .map(|(name, origin)| (format!("notify.webhook_headers.{name}"), origin));
        self.replace_origins("notify.webhook_headers", ".", origin, entry_origins);
    }

    /// Forgets the origins of `key` and its entries (named `key` + `separator` + ...) and
    /// records these.
    fn replace_origins(
        &mut self,
        key: &str,
        separator: &str,
        origin: Origin,
        entries: impl IntoIterator<Item = (String, Origin)>,
    ) {
        let prefix = format!("{key}{separator}");
        let origins = &mut self.config.origins;
        origins.retain(|name, _| !name.starts_with(&prefix));
        origins.insert(key.to_string(), origin);
        origins.extend(entries);
    }

    /// Reads the effective secret files, checks the settings that go together, and returns the
    /// finished configuration.
    pub(super) fn finish(mut self) -> Result<Config, ConfigError> {
        roles::check_together(&self.config)?;
        for key in KEYS {
            let Kind::Secret { slot, file, .. } = key.kind else {
                continue;
            };
            let Some((source, origin)) = self.secrets.remove(key.name) else {
                continue;
            };
            let secret = self.resolve(source, file, &origin)?;
            self.config.origins.insert(key.name.to_string(), origin);
            *slot(&mut self.config) = Some(secret);
        }
        super::notify::check_webhook_url(&self.config)?;
        Ok(self.config)
    }

    /// The secret itself: as given, or read from its file (`file_key` names it in errors).
    fn resolve(
        &mut self,
        source: SecretSource,
        file_key: &'static str,
        origin: &Origin,
    ) -> Result<SecretString, ConfigError> {
        let path = match source {
            SecretSource::Inline(secret) => return Ok(secret),
            SecretSource::File(path) => path,
        };
        let secret = read_secret_file(&path).map_err(|message| ConfigError::Invalid {
            origin: origin.clone(),
            key: file_key.to_string(),
            message,
        })?;
        let config = &mut self.config;
        config.origins.insert(file_key.to_string(), origin.clone());
        config.secret_files.insert(file_key.to_string(), path);
        Ok(secret)
    }
}

/// No password or API key comes near this size; a bigger file (or `/dev/zero`) is a mistake.
const SECRET_FILE_LIMIT: u64 = 64 * 1024;

fn read_secret_file(path: &Path) -> Result<SecretString, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read secret file {}: {e}", path.display());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(SECRET_FILE_LIMIT + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > SECRET_FILE_LIMIT {
        return Err(format!(
            "secret file {} is larger than {} KiB; it should hold the secret alone",
            path.display(),
            SECRET_FILE_LIMIT / 1024
        ));
    }
    let mut text = String::from_utf8(bytes)
        .map_err(|_| format!("secret file {} is not UTF-8 text", path.display()))?;
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

#[cfg(test)]
mod tests {
    use super::read_secret_file;

    #[test]
    fn an_endless_or_huge_secret_file_is_refused_without_reading_it_all() {
        let error = read_secret_file(std::path::Path::new("/dev/zero")).expect_err("refused");
        assert!(error.contains("larger than 64 KiB"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, "s3cret\n").unwrap();
        assert!(read_secret_file(&key).is_ok());
    }
}
