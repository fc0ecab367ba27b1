//! Tests of the webhook against a local server: what is retried, and redirects never followed.

use super::webhook::Webhook;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Posts to a server that answers every request with `status` (and a `Location` for 3xx);
/// returns the delivery and how many requests reached the server.
fn deliver(status: u16, retries: u32) -> (super::webhook::Delivery, u32) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let hits = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&hits);
        let handler = move || {
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let mut headers = HeaderMap::new();
                headers.insert("location", "/elsewhere".parse().unwrap());
                (StatusCode::from_u16(status).unwrap(), headers)
            }
        };
        let app = Router::new().route("/hook", post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let url = SecretString::from(format!("http://{address}/hook"));
        let headers = BTreeMap::new();
        let webhook = Webhook {
            url: &url,
            headers: &headers,
            timeout: Duration::from_secs(5),
            retries,
        };
        let delivery = webhook.deliver(&serde_json::json!({"text": "hi"})).await;
        (delivery, hits.load(Ordering::SeqCst))
    })
}

#[test]
fn server_errors_and_429_are_retried_and_the_attempts_counted() {
    let (delivery, hits) = deliver(503, 1);
    assert_eq!((delivery.attempts, hits), (2, 2));
    assert_eq!(
        delivery.error.as_deref(),
        Some("answered 503 Service Unavailable")
    );
    let (delivery, hits) = deliver(429, 1);
    assert_eq!((delivery.attempts, hits), (2, 2));
}

#[test]
fn a_refusal_or_a_redirect_is_not_retried_nor_followed() {
    let (delivery, hits) = deliver(404, 2);
    assert_eq!((delivery.attempts, hits), (1, 1));
    let (delivery, hits) = deliver(302, 2);
    assert_eq!(
        (delivery.attempts, hits),
        (1, 1),
        "the redirect is not followed"
    );
    let error = delivery.error.unwrap();
    assert!(
        error.contains("302 Found, a redirect, which is never followed"),
        "{error}"
    );
    let (delivery, _) = deliver(204, 2);
    assert_eq!(
        delivery,
        super::webhook::Delivery {
            attempts: 1,
            error: None
        }
    );
}
