//! Opening an authenticated LDAP connection: TLS as configured, the plaintext-password guard,
//! the bind, and failures sorted into errors that say what to check.

use super::error::{DirectoryError, bind_failure};
use super::server::{ServerKind, detect};
use super::settings::LdapSettings;
use super::tls::{TlsObserver, TlsSeen, Trust, client_config};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError};
use rustls::CertificateError;
use secrecy::ExposeSecret;
use std::sync::{Arc, Mutex};

/// A bound connection and what is known about it.
pub struct Connection {
    /// The ldap3 handle.
    pub ldap: Ldap,
    /// The URI that answered.
    pub uri: String,
    /// How the connection is protected: `ldaps`, `StartTLS` or `none`.
    pub security: &'static str,
    /// What the TLS handshake showed (empty without TLS).
    pub tls: TlsSeen,
    /// What kind of server answered.
    pub kind: ServerKind,
}

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the start (`ldaps://`).
    Ldaps,
    /// `ldap://` upgraded with StartTLS.
    StartTls,
    /// `ldap://` in plain text.
    Plain,
    /// A local socket (`ldapi://`).
    LocalSocket,
}

impl Security {
    /// The name shown to the admin: `ldaps`, `StartTLS`, `none` or `local socket`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ldaps => "ldaps",
            Self::StartTls => "StartTLS",
            Self::Plain => "none",
            Self::LocalSocket => "local socket",
        }
    }
}

/// How a URI's connection is protected.
fn security_of(uri: &str, starttls: bool) -> Result<Security, DirectoryError> {
    let scheme = uri.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("ldaps") => Ok(Security::Ldaps),
        Some("ldap") if starttls => Ok(Security::StartTls),
        Some("ldap") => Ok(Security::Plain),
        Some("ldapi") => Ok(Security::LocalSocket),
        _ => Err(DirectoryError::Settings(format!(
            "[ldap] uri {uri:?} is not an ldap://, ldaps:// or ldapi:// URI"
        ))),
    }
}

/// Connects to the first configured URI that answers and binds.
pub async fn connect(settings: &LdapSettings) -> Result<Connection, DirectoryError> {
    let mut last = None;
    for uri in &settings.uris {
        match connect_one(settings, uri).await {
            Ok(connection) => return Ok(connection),
            // Another server may answer; anything else is the same everywhere.
            Err(e @ (DirectoryError::Unreachable { .. } | DirectoryError::Timeout { .. })) => {
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| DirectoryError::Settings("[ldap] uri is empty".to_string())))
}

/// How a URI's connection would be protected, refusing a password bind without encryption
/// unless the configuration allows it. Needs no network, so `config validate` checks it too.
pub fn checked_security(settings: &LdapSettings, uri: &str) -> Result<Security, DirectoryError> {
    let security = security_of(uri, settings.starttls)?;
    let has_password = settings
        .bind_password
        .as_ref()
        .is_some_and(|p| !p.expose_secret().is_empty());
    if security == Security::Plain && has_password && !settings.allow_insecure {
        return Err(DirectoryError::InsecureBind {
            uri: uri.to_string(),
            bind_dn: settings.identity(),
        });
    }
    Ok(security)
}

async fn connect_one(settings: &LdapSettings, uri: &str) -> Result<Connection, DirectoryError> {
    let security = checked_security(settings, uri)?;
    let password = settings
        .bind_password
        .as_ref()
        .map(|p| p.expose_secret())
        .unwrap_or_default();
    let observer: TlsObserver = Arc::new(Mutex::new(TlsSeen::default()));
    let tls = client_config(&settings.trust, Arc::clone(&observer))?;
    let conn_settings = LdapConnSettings::new()
        .set_conn_timeout(settings.timeout)
        .set_starttls(security == Security::StartTls)
        .set_no_tls_verify(settings.trust == Trust::NoVerification)
        .set_config(Arc::new(tls));
    let (conn, mut ldap) = LdapConnAsync::with_settings(conn_settings, uri)
        .await
        .map_err(|e| classify(uri, settings, e))?;
    tokio::spawn(async move {
        // The connection ends when the handle is dropped; its errors surface through operations.
        let _ = conn.drive().await;
    });
    if let Some(dn) = &settings.bind_dn {
        let result = ldap
            .with_timeout(settings.timeout)
            .simple_bind(dn, password)
            .await
            .map_err(|e| classify(uri, settings, e))?;
        if result.rc != 0 {
            return Err(DirectoryError::Bind {
                uri: uri.to_string(),
                identity: dn.clone(),
                detail: bind_failure(result.rc, &result.text),
            });
        }
    }
    let tls = observer.lock().map(|seen| seen.clone()).unwrap_or_default();
    let kind = detect(&mut ldap, settings.timeout).await;
    Ok(Connection {
        ldap,
        uri: uri.to_string(),
        security: security.label(),
        tls,
        kind,
    })
}

/// Sorts an ldap3 error into unreachable, TLS, timeout or settings trouble.
fn classify(uri: &str, settings: &LdapSettings, error: LdapError) -> DirectoryError {
    if let Some(tls) = rustls_error(&error) {
        return tls_failure(uri, settings, tls);
    }
    match error {
        LdapError::Timeout { .. } => DirectoryError::Timeout {
            uri: uri.to_string(),
            secs: settings.timeout.as_secs(),
        },
        LdapError::UrlParsing { .. } | LdapError::UnknownScheme(_) | LdapError::DNSName { .. } => {
            DirectoryError::Settings(format!("[ldap] uri {uri:?} is not usable: {error}"))
        }
        LdapError::LdapResult { result } if settings.starttls => DirectoryError::Tls {
            uri: uri.to_string(),
            detail: format!(
                "the server refused StartTLS (result {}{})",
                result.rc,
                if result.text.is_empty() {
                    String::new()
                } else {
                    format!(": {}", result.text)
                }
            ),
            hint: "check that the server has TLS configured, or use ldaps://".to_string(),
        },
        LdapError::Io { source } => {
            use std::io::ErrorKind::{InvalidData, UnexpectedEof};
            let tls_expected = settings.starttls || uri.to_ascii_lowercase().starts_with("ldaps");
            if tls_expected && matches!(source.kind(), InvalidData | UnexpectedEof) {
                return DirectoryError::Tls {
                    uri: uri.to_string(),
                    detail: source.to_string(),
                    hint: "is this an ldaps:// port? A plain ldap:// port needs starttls = true instead".to_string(),
                };
            }
            DirectoryError::Unreachable {
                uri: uri.to_string(),
                detail: source.to_string(),
            }
        }
        other => DirectoryError::Unreachable {
            uri: uri.to_string(),
            detail: other.to_string(),
        },
    }
}

/// The rustls error somewhere in an error's chain, if any.
fn rustls_error(error: &LdapError) -> Option<rustls::Error> {
    if let LdapError::Rustls { source } = error {
        return Some(source.clone());
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls.clone());
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(tls) = inner.downcast_ref::<rustls::Error>()
        {
            return Some(tls.clone());
        }
        cause = e.source();
    }
    None
}

fn tls_failure(uri: &str, settings: &LdapSettings, error: rustls::Error) -> DirectoryError {
    let trusted = match &settings.trust {
        Trust::CaFile(path) => format!("the CA in {}", path.display()),
        _ => "the system's CA store".to_string(),
    };
    let hint = match &error {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => format!(
            "the server's certificate is not signed by {trusted}; set [ldap] ca_file (or LDAPTLS_CACERT) to the CA that issued it"
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => "the certificate does not name the host in [ldap] uri; use the host name (or IP) the certificate was issued for".to_string(),
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => "the server's certificate has expired; renew it on the server".to_string(),
        rustls::Error::AlertReceived(_) => {
            "the server ended the handshake; check its TLS configuration".to_string()
        }
        _ => "check the server's certificate and TLS settings".to_string(),
    };
    DirectoryError::Tls {
        uri: uri.to_string(),
        detail: error.to_string(),
        hint,
    }
}
