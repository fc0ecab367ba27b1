//! Helpers for the tests that talk to a sandbox over real HTTP on 127.0.0.1.

use crate::sandbox::faults::Faults;
use crate::sandbox::server::*;
use crate::sandbox::store::Store;
use serde_json::Value;
use serde_json::json;

/// The API user `api` with the key `secret-key`.
pub fn credentials() -> Credentials {
    Credentials {
        api_user: "api".into(),
        api_key: "secret-key".into(),
    }
}

/// A sandbox on a fresh store.
pub async fn sandbox() -> RunningSandbox {
    sandbox_with(Store::new()).await
}

/// A sandbox serving `store`.
pub async fn sandbox_with(store: Store) -> RunningSandbox {
    start(
        "127.0.0.1:0".parse().unwrap(),
        credentials(),
        store,
        Faults::default(),
    )
    .await
    .expect("sandbox starts")
}

/// A store holding the users of a snapshot given as JSON.
pub fn seeded(users: Value) -> Store {
    seeded_snapshot(json!({ "users": users }))
}

/// A store holding a whole snapshot given as JSON.
pub fn seeded_snapshot(snapshot: Value) -> Store {
    let snapshot = serde_json::from_value(snapshot).unwrap();
    let mut store = Store::new();
    crate::sandbox::seed::seed(&mut store, &snapshot).unwrap();
    store
}

/// Sends `body` to `/api` as the API user with `key`: status, content type and JSON answer.
pub async fn call(url: &str, key: &str, strict: bool, body: Value) -> (u16, String, Value) {
    let mut request = http()
        .post(format!("{url}/api"))
        .header("ftrack-user", "api")
        .header("ftrack-api-key", key)
        .header("content-type", "application/json")
        .body(body.to_string());
    if strict {
        request = request.header("ftrack-strict-api", "true");
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let body = response.json().await.expect("json body");
    (status, content_type, body)
}

/// An HTTP client for talking to the sandbox directly.
pub fn http() -> reqwest::Client {
    crate::ftrack::client::install_crypto_provider();
    reqwest::Client::new()
}

/// Sends `body` to `/api` with the right key; the JSON answer.
pub async fn api(url: &str, body: Value) -> Value {
    call(url, "secret-key", false, body).await.2
}
