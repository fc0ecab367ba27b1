//! The HTTP client for ftrack's API: one `POST <server>/api` per batch of operations.
//!
//! TLS certificates are checked against the system's roots. Credentials go in the
//! `ftrack-user` and `ftrack-api-key` headers of every request and never into messages.

use super::error::FtrackError;
use super::wire::{Operation, Response};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::time::Duration;

/// Makes ring the process's TLS crypto provider (reqwest is built without a default one);
/// harmless when a provider is already installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A connection to one ftrack server as one API user.
pub struct FtrackClient {
    http: reqwest::Client,
    endpoint: String,
    api_user: String,
    api_key: SecretString,
}

impl std::fmt::Debug for FtrackClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FtrackClient")
            .field("endpoint", &self.endpoint)
            .field("api_user", &self.api_user)
            .finish_non_exhaustive()
    }
}

impl FtrackClient {
    /// A client for `server` (e.g. `https://studio.ftrackapp.com`; a trailing `/` is ignored).
    pub fn new(
        server: &str,
        api_user: &str,
        api_key: SecretString,
        timeout: Duration,
    ) -> Result<Self, FtrackError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| FtrackError::Transport {
                url: server.to_string(),
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            endpoint: format!("{}/api", server.trim_end_matches('/')),
            api_user: api_user.to_string(),
            api_key,
        })
    }

    /// The API user this client acts as.
    pub fn api_user(&self) -> &str {
        &self.api_user
    }

    /// Sends operations in one request and returns one result per operation.
    pub async fn call(&self, operations: &[Operation]) -> Result<Vec<Value>, FtrackError> {
        let transport = |e: reqwest::Error| FtrackError::Transport {
            url: self.endpoint.clone(),
            message: e.to_string(),
        };
        let response = self
            .http
            .post(&self.endpoint)
            .header("ftrack-user", &self.api_user)
            .header("ftrack-api-key", self.api_key.expose_secret())
            .header("accept", "application/json")
            .json(operations)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.bytes().await.map_err(transport)?;
        match Response::parse(&body) {
            Ok(Response::Error(error)) => Err(FtrackError::from_body(error)),
            Ok(Response::Results(_)) | Err(_) if !(200..300).contains(&status) => {
                Err(FtrackError::Status {
                    status,
                    retry_after,
                })
            }
            Ok(Response::Results(results)) if results.len() == operations.len() => Ok(results),
            Ok(Response::Results(results)) => Err(FtrackError::Protocol(format!(
                "{} results for {} operations",
                results.len(),
                operations.len()
            ))),
            Err(e) => Err(FtrackError::Protocol(e.to_string())),
        }
    }
}
