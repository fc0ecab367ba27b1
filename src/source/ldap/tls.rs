//! TLS for LDAP connections: which certificates are trusted, and what the handshake showed.
//!
//! Verification is on by default, against `ca_file` or the system roots, with the host name
//! checked. The verifier is wrapped so that `check` can report the negotiated protocol and the
//! server certificate's subject without a second connection.

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where trust comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The operating system's CA store.
    System,
    /// A PEM bundle of CA certificates.
    CaFile(PathBuf),
    /// No verification at all (`tls_verify = false`): anyone on the path can read the traffic.
    NoVerification,
}

/// What the TLS handshake showed, filled in while connecting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSeen {
    /// `TLSv1.3` or `TLSv1.2`.
    pub protocol: Option<&'static str>,
    /// The server certificate's subject, e.g. `CN=ldap.studio.example`.
    pub subject: Option<String>,
}

/// A handle the verifier writes into during the handshake.
pub type TlsObserver = Arc<Mutex<TlsSeen>>;

/// Why the TLS set-up could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// The CA file is unreadable or holds no certificate.
    #[error("CA file {path}: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// rustls refused the configuration.
    #[error("TLS set-up failed: {0}")]
    Rustls(#[from] rustls::Error),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// A client configuration for `trust`, reporting what it sees to `observer`.
pub fn client_config(trust: &Trust, observer: TlsObserver) -> Result<ClientConfig, TlsSetupError> {
    let builder =
        ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions()?;
    let inner: Arc<dyn ServerCertVerifier> = match trust {
        Trust::NoVerification => Arc::new(AcceptAnything),
        Trust::System => {
            WebPkiServerVerifier::builder_with_provider(Arc::new(system_roots()), provider())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?
        }
        Trust::CaFile(path) => {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots_from(path)?), provider())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?
        }
    };
    let verifier = Arc::new(Observing { inner, observer });
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn system_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    // Unreadable system certificates are skipped; an empty store then fails verification clearly.
    let found = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(found.certs);
    roots
}

fn roots_from(path: &Path) -> Result<RootCertStore, TlsSetupError> {
    let fail = |reason: String| TlsSetupError::CaFile {
        path: path.to_path_buf(),
        reason,
    };
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| fail(format!("not a PEM certificate bundle: {e}")))?;
    if certificates.is_empty() {
        return Err(fail("holds no PEM certificate".to_string()));
    }
    let mut roots = RootCertStore::empty();
    let (_, unusable) = roots.add_parsable_certificates(certificates);
    if roots.is_empty() {
        return Err(fail(format!(
            "none of its {unusable} certificates can be used as a CA"
        )));
    }
    Ok(roots)
}

/// The subject of a DER certificate in RFC 4514 form, if it parses.
pub fn subject_of(der: &[u8]) -> Option<String> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(certificate.subject().to_string())
}

/// Delegates every decision to `inner` and records the protocol and the server's subject.
#[derive(Debug)]
struct Observing {
    inner: Arc<dyn ServerCertVerifier>,
    observer: TlsObserver,
}

impl Observing {
    fn record(&self, update: impl FnOnce(&mut TlsSeen)) {
        if let Ok(mut seen) = self.observer.lock() {
            update(&mut seen);
        }
    }
}

impl ServerCertVerifier for Observing {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.record(|seen| seen.subject = subject_of(end_entity));
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(|seen| seen.protocol = Some("TLSv1.2"));
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(|seen| seen.protocol = Some("TLSv1.3"));
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Accepts any certificate and signature: only behind `tls_verify = false`.
#[derive(Debug)]
struct AcceptAnything;

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
