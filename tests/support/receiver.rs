//! A webhook receiver on 127.0.0.1 that records every request it gets, and answers as told:
//! at once, with an error status, or never.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use std::sync::{Arc, Mutex};

/// How the receiver answers.
#[derive(Clone, Copy)]
pub enum Answer {
    /// 200 at once.
    Ok,
    /// Never: the request is recorded and left hanging.
    Hang,
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: serde_json::Value,
}

/// A running receiver; stopped when dropped.
pub struct Receiver {
    runtime: Option<tokio::runtime::Runtime>,
    pub url: String,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub fn start(answer: Answer) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let handler = move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let record = Arc::clone(&record);
            async move {
                let header =
                    |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string());
                record.lock().unwrap().push(Received {
                    path: uri.path().to_string(),
                    authorization: header("authorization"),
                    content_type: header("content-type"),
                    body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
                });
                if let Answer::Hang = answer {
                    std::future::pending::<()>().await;
                }
                StatusCode::OK
            }
        };
        let app = Router::new().route("/{*rest}", post(handler));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let address = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            runtime: Some(runtime),
            url: format!("http://{address}"),
            seen,
        }
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // Hanging requests are dropped with the runtime, not waited for.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A URL on 127.0.0.1 where nothing listens.
pub fn nobody_listening() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/hook")
}
