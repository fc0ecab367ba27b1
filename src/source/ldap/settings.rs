//! Everything needed to reach and read the directory, taken from the configuration.

use super::connect::checked_security;
use super::error::DirectoryError;
use super::tls::{TlsObserver, Trust, client_config};
use crate::config::Config;
use secrecy::SecretString;
use std::time::Duration;

/// Connection and search settings for one directory read.
#[derive(Debug, Clone)]
pub struct LdapSettings {
    /// Server URIs, tried in turn until one answers.
    pub uris: Vec<String>,
    /// DN to bind as; anonymous when unset.
    pub bind_dn: Option<String>,
    /// Bind password.
    pub bind_password: Option<SecretString>,
    /// Where users are searched.
    pub user_base_dn: String,
    /// The user filter (already combined with any extra filter), RFC 4515 text.
    pub user_filter: String,
    /// Where groups are searched; `None` reads groups only from the users' `memberOf`.
    pub group_base_dn: Option<String>,
    /// The group filter.
    pub group_filter: String,
    /// Upgrade `ldap://` connections with StartTLS.
    pub starttls: bool,
    /// Which certificates are trusted.
    pub trust: Trust,
    /// Allow a password bind over an unencrypted connection.
    pub allow_insecure: bool,
    /// Entries per page.
    pub page_size: u32,
    /// Connect and per-operation timeout.
    pub timeout: Duration,
    /// Attempts for transient failures (unreachable, timeout, busy), the first included.
    pub attempts: u32,
    /// Who resolves nested groups.
    pub nested_groups: NestedGroups,
}

/// Who resolves nested groups (a user in a group that is a member of another group).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NestedGroups {
    /// The tool walks up from each user's groups through the group entries it read.
    #[default]
    Client,
    /// Active Directory does, one search per group with `LDAP_MATCHING_RULE_IN_CHAIN`.
    Server,
}

impl std::str::FromStr for NestedGroups {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "client" => Ok(Self::Client),
            "server" => Ok(Self::Server),
            _ => Err(format!("expected \"client\" or \"server\", found {s:?}")),
        }
    }
}

impl std::fmt::Display for NestedGroups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Client => "client",
            Self::Server => "server",
        })
    }
}

impl Default for LdapSettings {
    /// The configuration's defaults: no server, no bind, the default filters, the system's
    /// CA store, 500 entries per page, 30 s timeout, 3 attempts, nesting walked by the tool.
    fn default() -> Self {
        let ldap = crate::config::LdapConfig::default();
        Self {
            uris: Vec::new(),
            bind_dn: None,
            bind_password: None,
            user_base_dn: String::new(),
            user_filter: ldap.user_filter,
            group_base_dn: None,
            group_filter: ldap.group_filter,
            starttls: ldap.starttls,
            trust: Trust::System,
            allow_insecure: ldap.allow_insecure,
            page_size: ldap.page_size,
            timeout: Duration::from_secs(ldap.timeout_secs),
            attempts: 3,
            nested_groups: ldap.nested_groups,
        }
    }
}

impl LdapSettings {
    /// Settings from the configuration; `user_filter` is the effective (possibly narrowed) filter.
    pub fn from_config(config: &Config, user_filter: String) -> Result<Self, DirectoryError> {
        let ldap = &config.ldap;
        let missing = |key: &str, env: &str| {
            DirectoryError::Settings(format!(
                "no LDAP source: set [ldap] {key} (or {env}), or give --ldif FILE to plan from an export"
            ))
        };
        let uri = ldap
            .uri
            .as_deref()
            .ok_or_else(|| missing("uri", "LDAP_URI"))?;
        let user_base_dn = ldap
            .user_base_dn
            .clone()
            .ok_or_else(|| missing("user_base_dn", "LDAP_USER_BASE_DN"))?;
        let trust = if !ldap.tls_verify {
            Trust::NoVerification
        } else if let Some(path) = &ldap.ca_file {
            Trust::CaFile(path.clone())
        } else {
            Trust::System
        };
        Ok(Self {
            uris: uri.split_whitespace().map(str::to_string).collect(),
            bind_dn: ldap.bind_dn.clone(),
            bind_password: ldap.bind_password.clone(),
            user_base_dn,
            user_filter,
            group_base_dn: ldap.group_base_dn.clone(),
            group_filter: ldap.group_filter.clone(),
            starttls: ldap.starttls,
            trust,
            allow_insecure: ldap.allow_insecure,
            page_size: ldap.page_size,
            timeout: Duration::from_secs(ldap.timeout_secs),
            attempts: 3,
            nested_groups: ldap.nested_groups,
        })
    }

    /// Who binds, for messages: the bind DN or `anonymous`.
    pub fn identity(&self) -> String {
        self.bind_dn
            .clone()
            .unwrap_or_else(|| "anonymous".to_string())
    }

    /// Checks what needs no network: every URI's scheme, the refusal of a password bind
    /// without encryption, and the CA file.
    pub fn check(&self) -> Result<(), DirectoryError> {
        if self.uris.is_empty() {
            return Err(DirectoryError::Settings("[ldap] uri is empty".to_string()));
        }
        for uri in &self.uris {
            checked_security(self, uri)?;
        }
        client_config(&self.trust, TlsObserver::default())?;
        Ok(())
    }
}
