//! What can go wrong talking to ftrack, in terms the caller can act on.

use super::wire::ErrorBody;
use std::time::Duration;

/// An ftrack API call that did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FtrackError {
    /// The API user or key was refused.
    #[error(
        "ftrack refused the API user or key ({message}); check ftrack.api_user and ftrack.api_key"
    )]
    Auth {
        /// The server's message.
        message: String,
    },
    /// The API user may not do this.
    #[error("ftrack refused the operation: {message}; check the API user's security roles")]
    Permission {
        /// The server's message.
        message: String,
    },
    /// The server rejected the data or the query.
    #[error("ftrack rejected the request: {exception}: {message}")]
    Validation {
        /// Exception name, e.g. `ValidationError`.
        exception: String,
        /// The server's message.
        message: String,
    },
    /// An entity the request names does not exist.
    #[error("not found on ftrack: {message}")]
    NotFound {
        /// The server's message.
        message: String,
    },
    /// The server failed while handling the request.
    #[error("ftrack server error: {exception}: {message}")]
    Server {
        /// Exception name.
        exception: String,
        /// The server's message.
        message: String,
    },
    /// The server could not be reached, or the connection broke.
    #[error("cannot reach ftrack at {url}: {message}; check ftrack.server and the network")]
    Transport {
        /// The endpoint.
        url: String,
        /// What failed.
        message: String,
    },
    /// An HTTP error status without an ftrack error body (a proxy or an overloaded server).
    #[error("ftrack answered HTTP {status}")]
    Status {
        /// The status code.
        status: u16,
        /// How long the server asked us to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// A response that is not what the protocol says.
    #[error("unexpected response from ftrack: {0}")]
    Protocol(String),
    /// The server pointed elsewhere; the API key is never sent after a redirect.
    #[error(
        "ftrack at {url} answered HTTP {status} redirecting to {location}; the API key is not sent there. If that is the server, set [ftrack] server (FTRACK_SERVER) to it"
    )]
    Redirect {
        /// The endpoint asked.
        url: String,
        /// The redirect's status.
        status: u16,
        /// Where it pointed (`(none)` when it did not say).
        location: String,
    },
    /// The response was larger than the configured cap.
    #[error(
        "ftrack at {url} sent a response larger than {limit} bytes; nothing was read. Raise [ftrack] max_response_mb if the server really answers that much"
    )]
    TooLarge {
        /// The endpoint asked.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
}

impl FtrackError {
    /// True when trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } => true,
            Self::Status { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// True when the server refused to create an entity that exists already (a taken
    /// username, a membership that is there).
    pub fn is_duplicate(&self) -> bool {
        match self {
            Self::Validation { exception, message } => {
                exception == "DuplicateEntryError" || message.contains("DuplicateEntryError")
            }
            _ => false,
        }
    }

    /// The error an ftrack error body stands for.
    pub fn from_body(body: ErrorBody) -> Self {
        let ErrorBody {
            exception,
            content: message,
            ..
        } = body;
        match exception.as_str() {
            "InvalidCredentialsError" => Self::Auth { message },
            "PermissionError" | "FTAuthenticationError" => Self::Permission { message },
            "NoResultFoundError" => Self::NotFound { message },
            "ValidationError"
            | "ParseError"
            | "ImmutableAttributeError"
            | "DuplicateEntryError" => Self::Validation { exception, message },
            _ if message.contains("DuplicateEntryError") => Self::Validation { exception, message },
            _ => Self::Server { exception, message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(exception: &str) -> ErrorBody {
        ErrorBody {
            exception: exception.into(),
            content: "why".into(),
            error_code: None,
        }
    }

    #[test]
    fn bodies_map_to_kinds_and_only_transient_failures_retry() {
        assert!(matches!(
            FtrackError::from_body(body("InvalidCredentialsError")),
            FtrackError::Auth { .. }
        ));
        assert!(matches!(
            FtrackError::from_body(body("PermissionError")),
            FtrackError::Permission { .. }
        ));
        assert!(matches!(
            FtrackError::from_body(body("NoResultFoundError")),
            FtrackError::NotFound { .. }
        ));
        assert!(matches!(
            FtrackError::from_body(body("ValidationError")),
            FtrackError::Validation { .. }
        ));
        assert!(matches!(
            FtrackError::from_body(body("ServerError")),
            FtrackError::Server { .. }
        ));
        assert!(!FtrackError::from_body(body("ServerError")).is_retryable());
        for status in [429, 502, 503, 504] {
            assert!(
                FtrackError::Status {
                    status,
                    retry_after: None
                }
                .is_retryable()
            );
        }
        assert!(
            !FtrackError::Status {
                status: 400,
                retry_after: None
            }
            .is_retryable()
        );
        assert!(
            FtrackError::Transport {
                url: "u".into(),
                message: "m".into()
            }
            .is_retryable()
        );
    }
}
