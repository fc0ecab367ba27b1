//! The webhook: one JSON POST per run, retried with backoff, every attempt bounded by a
//! timeout, redirects never followed and TLS certificates always checked.
//!
//! The longest a webhook can hold a run is `(retries + 1) × timeout` plus the pauses between
//! attempts (0.5 s, 1 s, 2 s, ... doubling): 16.5 s with the defaults (5 s, 2 retries).

use super::redact::redacted_url;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// The pause before the first retry; each later one doubles it.
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// Where and how the run's JSON is posted.
pub struct Webhook<'a> {
    /// The URL, which may hold a token.
    pub url: &'a SecretString,
    /// Extra headers (e.g. `Authorization`).
    pub headers: &'a BTreeMap<String, SecretString>,
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
}

/// What came of posting: how many attempts were made, and the last error if none succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Attempts made.
    pub attempts: u32,
    /// Why the last attempt failed, when none succeeded; never holds the URL.
    pub error: Option<String>,
}

/// Why one attempt failed, and whether another could do better.
struct AttemptError {
    message: String,
    retryable: bool,
}

impl Webhook<'_> {
    /// The URL as it may be shown.
    pub fn shown_url(&self) -> String {
        redacted_url(self.url.expose_secret())
    }

    /// Posts `body`, retrying what may pass on another try (no answer, 429, 5xx).
    pub async fn deliver(&self, body: &impl Serialize) -> Delivery {
        let client = match self.client() {
            Ok(client) => client,
            Err(message) => {
                return Delivery {
                    attempts: 0,
                    error: Some(message),
                };
            }
        };
        let mut pause = FIRST_PAUSE;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let error = match self.attempt(&client, body).await {
                Ok(()) => {
                    return Delivery {
                        attempts,
                        error: None,
                    };
                }
                Err(error) => error,
            };
            if !error.retryable || attempts > self.retries {
                return Delivery {
                    attempts,
                    error: Some(error.message),
                };
            }
            tracing::info!(
                attempt = attempts,
                "webhook {}: {}; retrying",
                self.shown_url(),
                error.message
            );
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }

    fn client(&self) -> Result<reqwest::Client, String> {
        crate::ftrack::client::install_crypto_provider();
        // A redirect would carry the body and the headers' tokens elsewhere.
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .build()
            .map_err(|e| format!("cannot prepare the request: {}", e.without_url()))
    }

    async fn attempt(
        &self,
        client: &reqwest::Client,
        body: &impl Serialize,
    ) -> Result<(), AttemptError> {
        let mut request = client.post(self.url.expose_secret()).json(body);
        for (name, value) in self.headers {
            request = request.header(name, value.expose_secret());
        }
        let response = request.send().await.map_err(|e| AttemptError {
            message: describe(&e),
            retryable: true,
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retryable = status.is_server_error() || status.as_u16() == 429;
        let message = if status.is_redirection() {
            format!("answered {status}, a redirect, which is never followed")
        } else {
            format!("answered {status}")
        };
        Err(AttemptError { message, retryable })
    }
}

/// What went wrong, without the URL reqwest puts in its own message: the kind of failure and
/// the innermost cause (`Connection refused`, a certificate problem).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        return "no answer within the timeout".to_string();
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "the request failed"
    };
    let mut root: &dyn std::error::Error = error;
    while let Some(cause) = root.source() {
        root = cause;
    }
    let cause = root.to_string();
    if std::ptr::addr_eq(root, error as &dyn std::error::Error) || cause.contains("://") {
        kind.to_string()
    } else {
        format!("{kind}: {cause}")
    }
}
