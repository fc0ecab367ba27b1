//! Talking to a sandbox directly over HTTP, with the headers ftrack's clients send.

/// An HTTP client for talking to the sandbox directly.
pub fn http() -> reqwest::Client {
    ldap2ftrack::ftrack::client::install_crypto_provider();
    reqwest::Client::new()
}

/// Sends `request` as `user` with `key`; the JSON answer.
pub async fn send_as(request: reqwest::RequestBuilder, user: &str, key: &str) -> serde_json::Value {
    request
        .header("ftrack-user", user)
        .header("ftrack-api-key", key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
