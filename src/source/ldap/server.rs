//! What kind of directory server answered, told by the capabilities in its root DSE.

use ldap3::{Ldap, Scope, SearchEntry};
use std::time::Duration;

/// `supportedCapabilities` values that mark Active Directory: a domain controller
/// (LDAP_CAP_ACTIVE_DIRECTORY_OID) or AD LDS (LDAP_CAP_ACTIVE_DIRECTORY_ADAM_OID).
const ACTIVE_DIRECTORY_CAPABILITIES: [&str; 2] =
    ["1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1851"];

/// The kind of directory server, as far as reading it differs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ServerKind {
    /// Active Directory (or Samba as a domain controller): large `member` values come in ranges.
    ActiveDirectory,
    /// Any other LDAP server.
    #[default]
    Ldap,
}

impl ServerKind {
    /// The kind a root DSE's `supportedCapabilities` values name.
    pub fn from_capabilities<S: AsRef<str>>(capabilities: &[S]) -> Self {
        let active_directory = capabilities
            .iter()
            .any(|c| ACTIVE_DIRECTORY_CAPABILITIES.contains(&c.as_ref().trim()));
        if active_directory {
            Self::ActiveDirectory
        } else {
            Self::Ldap
        }
    }

    /// The name shown to the admin.
    pub fn label(self) -> &'static str {
        match self {
            Self::ActiveDirectory => "Active Directory",
            Self::Ldap => "LDAP",
        }
    }
}

/// Reads the root DSE's capabilities; a server that does not show them is plain LDAP.
pub async fn detect(ldap: &mut Ldap, timeout: Duration) -> ServerKind {
    let answer = ldap
        .with_timeout(timeout)
        .search(
            "",
            Scope::Base,
            "(objectClass=*)",
            vec!["supportedCapabilities"],
        )
        .await
        .and_then(|result| result.success());
    let Ok((entries, _)) = answer else {
        return ServerKind::Ldap;
    };
    let capabilities: Vec<String> = entries
        .into_iter()
        .flat_map(|entry| SearchEntry::construct(entry).attrs.into_values().flatten())
        .collect();
    ServerKind::from_capabilities(&capabilities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_directory_is_told_by_its_capability() {
        let dc = ["1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670"];
        assert_eq!(
            ServerKind::from_capabilities(&dc),
            ServerKind::ActiveDirectory
        );
        let lds = ["1.2.840.113556.1.4.1851"];
        assert_eq!(
            ServerKind::from_capabilities(&lds),
            ServerKind::ActiveDirectory
        );
        let other: [&str; 1] = ["1.3.6.1.4.1.4203.1.5.1"];
        assert_eq!(ServerKind::from_capabilities(&other), ServerKind::Ldap);
        assert_eq!(ServerKind::from_capabilities::<&str>(&[]), ServerKind::Ldap);
    }
}
