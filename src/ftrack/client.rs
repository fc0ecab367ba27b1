//! The HTTP client for ftrack's API: one `POST <server>/api` per batch of operations.
//!
//! TLS certificates are checked against the system's roots. Credentials go in the
//! `ftrack-user` and `ftrack-api-key` headers of every request and never into messages.

use super::error::FtrackError;
use super::wire::{Operation, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Makes ring the process's TLS crypto provider (reqwest is built without a default one);
/// harmless when a provider is already installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Told of each retry: the attempt about to start (2 for the first retry) and what failed.
pub type RetryObserver = Box<dyn Fn(u32, &str) + Send + Sync>;

/// A connection to one ftrack server as one API user.
pub struct FtrackClient {
    http: reqwest::Client,
    endpoint: String,
    api_user: String,
    api_key: SecretString,
    requests: AtomicUsize,
    /// Answers that said the server is overloaded (429 or 503).
    throttled: AtomicUsize,
    /// Learned from the server: it names the role removal `revoke_user_security_role`.
    revokes_roles: std::sync::atomic::AtomicBool,
    on_retry: Option<RetryObserver>,
    /// The largest response body read, in bytes.
    max_response: u64,
    /// Requests kept in flight at once: pages read, batches applied.
    concurrency: usize,
    /// One permit per request in flight, `concurrency` in all, so that reads and writes made
    /// side by side (users beside groups, roles beside users) keep to the limit together.
    in_flight: Semaphore,
    /// Whether answers may come gzip-compressed (`accept-encoding: gzip`).
    gzip: bool,
}

/// The default cap on a response body: far above a page of users or a batch's results.
pub const DEFAULT_MAX_RESPONSE: u64 = 256 * 1024 * 1024;

/// The default number of requests in flight at once: pages read, or batches of one phase
/// applied. With 50 ms between client and server, 4 cannot read 100 pages in under 1.3 s.
pub const DEFAULT_CONCURRENCY: usize = 8;

impl std::fmt::Debug for FtrackClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FtrackClient")
            .field("endpoint", &self.endpoint)
            .field("api_user", &self.api_user)
            .finish_non_exhaustive()
    }
}

impl FtrackClient {
    /// True once the server has shown that it names the role removal
    /// `revoke_user_security_role` rather than `remove_user_security_role`.
    pub fn revokes_roles(&self) -> bool {
        self.revokes_roles.load(Ordering::SeqCst)
    }

    /// Remembers, for the rest of the run, that the server names the removal `revoke_…`.
    pub fn learn_revokes_roles(&self) {
        self.revokes_roles.store(true, Ordering::SeqCst);
    }

    /// A client for `server` (e.g. `https://studio.ftrackapp.com`; a trailing `/` is ignored).
    pub fn new(
        server: &str,
        api_user: &str,
        api_key: SecretString,
        timeout: Duration,
    ) -> Result<Self, FtrackError> {
        install_crypto_provider();
        // Never follow a redirect: the API key and the request body would go with it.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
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
            requests: AtomicUsize::new(0),
            throttled: AtomicUsize::new(0),
            revokes_roles: std::sync::atomic::AtomicBool::new(false),
            on_retry: None,
            max_response: DEFAULT_MAX_RESPONSE,
            concurrency: DEFAULT_CONCURRENCY,
            in_flight: Semaphore::new(DEFAULT_CONCURRENCY),
            gzip: true,
        })
    }

    /// The client, telling `observer` of every retry (the console shows them while loading).
    pub fn with_retry_observer(mut self, observer: RetryObserver) -> Self {
        self.on_retry = Some(observer);
        self
    }

    /// The response body, refused when it is larger than the cap (announced or as it arrives).
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, FtrackError> {
        let too_large = || FtrackError::TooLarge {
            url: self.endpoint.clone(),
            limit: self.max_response,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_response)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| FtrackError::Transport {
            url: self.endpoint.clone(),
            message: e.to_string(),
        })? {
            if body.len() as u64 + chunk.len() as u64 > self.max_response {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// The client, refusing responses larger than `bytes`.
    pub fn with_max_response(mut self, bytes: u64) -> Self {
        self.max_response = bytes;
        self
    }

    /// The client, keeping up to `requests` requests in flight at once (at least one).
    pub fn with_concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self.in_flight = Semaphore::new(self.concurrency);
        self
    }

    /// The client, asking for uncompressed answers (`accept-encoding: identity`) when `gzip`
    /// is false. Compressed answers are the default: see the README's figures.
    pub fn with_gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// Requests kept in flight at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Answers so far that said the server is overloaded (429 Too Many Requests or 503
    /// Service Unavailable), whether or not a retry then got through.
    pub fn throttled(&self) -> usize {
        self.throttled.load(Ordering::Relaxed)
    }

    /// Sends operations in one request and returns one result per operation.
    pub async fn call(&self, operations: &[Operation]) -> Result<Vec<Value>, FtrackError> {
        self.call_as(operations).await
    }

    /// [`call`](Self::call), decoding each result as `T` straight from the body.
    pub async fn call_as<T: DeserializeOwned>(
        &self,
        operations: &[Operation],
    ) -> Result<Vec<T>, FtrackError> {
        let transport = |e: reqwest::Error| FtrackError::Transport {
            url: self.endpoint.clone(),
            message: e.to_string(),
        };
        // Held until the body is in; the semaphore is never closed, so a permit always comes.
        let permit = self.in_flight.acquire().await.ok();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self
            .http
            .post(&self.endpoint)
            .header("ftrack-user", &self.api_user)
            .header("ftrack-api-key", self.api_key.expose_secret())
            .header("accept", "application/json");
        if !self.gzip {
            request = request.header("accept-encoding", "identity");
        }
        let response = request.json(operations).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        if matches!(status, 429 | 503) {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        if response.status().is_redirection() {
            return Err(FtrackError::Redirect {
                url: self.endpoint.clone(),
                status,
                location: response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map_or_else(|| "(none)".to_string(), str::to_string),
            });
        }
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = self.read_body(response).await?;
        drop(permit);
        match Response::<T>::parse(&body) {
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

/// How often and how patiently to retry transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled each time.
    pub base_delay: Duration,
    /// Longest single wait (also caps a server's `Retry-After`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 6,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based): the server's `Retry-After` when it gave
    /// one, else exponential backoff with full jitter, capped.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max_delay);
        }
        let exponential = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        exponential
            .min(self.max_delay)
            .mul_f64(jitter.clamp(0.0, 1.0))
    }
}

impl FtrackClient {
    /// [`call`](Self::call), retrying transient failures (transport errors, 429, 502-504) with
    /// backoff. Only for requests that are safe to repeat: reads, and writes whose creates carry
    /// client-generated ids, so that a repeat of a write that did land fails as a duplicate
    /// instead of creating the entity twice.
    pub async fn call_with_retry(
        &self,
        operations: &[Operation],
        policy: RetryPolicy,
    ) -> Result<Vec<Value>, FtrackError> {
        self.call_with_retry_as(operations, policy).await
    }

    /// [`call_with_retry`](Self::call_with_retry), decoding each result as `T`.
    pub async fn call_with_retry_as<T: DeserializeOwned>(
        &self,
        operations: &[Operation],
        policy: RetryPolicy,
    ) -> Result<Vec<T>, FtrackError> {
        let mut retry = 0;
        loop {
            match self.call_as(operations).await {
                Err(error) if error.is_retryable() && retry + 1 < policy.attempts => {
                    retry += 1;
                    let retry_after = match &error {
                        FtrackError::Status { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    let delay = policy.delay(retry, retry_after, jitter());
                    tracing::warn!(%error, retry, delay_ms = delay.as_millis() as u64, "ftrack request failed; retrying");
                    if let Some(observe) = &self.on_retry {
                        observe(retry + 1, &error.to_string());
                    }
                    tokio::time::sleep(delay).await;
                }
                outcome => return outcome,
            }
        }
    }
}

/// A number in [0, 1) for backoff jitter; it need not be unpredictable, only spread out.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000_000) / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_honours_retry_after() {
        let policy = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        assert_eq!(policy.delay(1, None, 1.0), Duration::from_millis(100));
        assert_eq!(policy.delay(3, None, 1.0), Duration::from_millis(400));
        assert_eq!(policy.delay(10, None, 1.0), Duration::from_secs(1));
        assert_eq!(policy.delay(3, None, 0.5), Duration::from_millis(200));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(7)), 0.1),
            Duration::from_secs(1)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_millis(20)), 0.1),
            Duration::from_millis(20)
        );
    }
}
