//! Why reading the directory failed, in words an admin can act on.

use super::tls::TlsSetupError;

/// A failure to connect to, bind to or read the directory.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// A setting needed to reach the directory is missing or contradictory.
    #[error("{0}")]
    Settings(String),
    /// A password bind over an unencrypted connection, which is refused by default.
    #[error(
        "refusing to send the bind password for {bind_dn} unencrypted to {uri}: use an ldaps:// URI, set [ldap] starttls = true, or (for a test directory only) allow_insecure = true"
    )]
    InsecureBind {
        /// The plain `ldap://` URI.
        uri: String,
        /// Who would have bound.
        bind_dn: String,
    },
    /// The TLS configuration (CA file) is unusable.
    #[error("{0}")]
    TlsSetup(#[from] TlsSetupError),
    /// No server answered.
    #[error(
        "cannot reach the LDAP server at {uri}: {detail}; check [ldap] uri, that the server runs, and firewalls"
    )]
    Unreachable {
        /// The URI tried (the last one, when several were configured).
        uri: String,
        /// What the network said.
        detail: String,
    },
    /// The TLS handshake failed.
    #[error("TLS with {uri} failed: {detail}; {hint}")]
    Tls {
        /// The URI.
        uri: String,
        /// What went wrong.
        detail: String,
        /// What to check.
        hint: String,
    },
    /// The server refused the bind.
    #[error("the LDAP server at {uri} refused the bind as {identity}: {detail}")]
    Bind {
        /// The URI.
        uri: String,
        /// The bind DN, or `anonymous`.
        identity: String,
        /// What the result code means, and what to check.
        detail: String,
    },
    /// A search failed as a whole.
    #[error("searching {base} on {uri} failed: {detail}")]
    Search {
        /// The URI.
        uri: String,
        /// The search base.
        base: String,
        /// The LDAP result code.
        rc: u32,
        /// What the server said, and what to check.
        detail: String,
    },
    /// The server did not answer in time.
    #[error("the LDAP server at {uri} did not answer within {secs} s ([ldap] timeout_secs)")]
    Timeout {
        /// The URI.
        uri: String,
        /// The timeout.
        secs: u64,
    },
}

impl DirectoryError {
    /// True for failures a later attempt may not meet (network trouble, timeouts, busy servers).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } | Self::Timeout { .. } => true,
            // busy, unavailable
            Self::Search { rc, .. } => matches!(rc, 51 | 52),
            _ => false,
        }
    }

    /// True when the problem is in the configuration rather than the server.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            Self::Settings(_) | Self::InsecureBind { .. } | Self::TlsSetup(_)
        )
    }
}

/// What an LDAP result code means for a bind, in plain words.
pub fn bind_failure(rc: u32, text: &str) -> String {
    let known = match rc {
        49 => {
            "wrong bind DN or password (result 49, invalidCredentials); check [ldap] bind_dn and the password"
        }
        53 => {
            "the server will not accept this bind (result 53, unwillingToPerform); an empty password is refused, and some servers require TLS for binds"
        }
        13 => {
            "the server requires a stronger, encrypted connection for this bind (result 13, confidentialityRequired); use ldaps:// or starttls"
        }
        50 => "this account may not bind (result 50, insufficientAccessRights)",
        _ => return with_server_text(format!("the bind was refused (result {rc})"), text),
    };
    with_server_text(known.to_string(), text)
}

/// What an LDAP result code means for a search, in plain words.
pub fn search_failure(rc: u32, text: &str) -> String {
    let known = match rc {
        32 => {
            "the search base does not exist (result 32, noSuchObject); check [ldap] user_base_dn / group_base_dn"
        }
        50 => {
            "the bind account may not read these entries (result 50, insufficientAccessRights); check the server's ACLs"
        }
        51 => "busy (result 51); the server asked to try later",
        52 => "unavailable (result 52); the server is shutting down or not ready",
        12 => "the server does not support the paged-results control marked critical (result 12)",
        1 => {
            "the server reported an operations error (result 1); a paged search cookie may have expired"
        }
        _ => return with_server_text(format!("the server refused the search (result {rc})"), text),
    };
    with_server_text(known.to_string(), text)
}

/// The meaning (which names the result code), then what the server said, if anything.
fn with_server_text(meaning: String, text: &str) -> String {
    match text.trim() {
        "" => meaning,
        text => format!("{meaning}; the server said: {text}"),
    }
}
