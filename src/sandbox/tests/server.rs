//! The sandbox over real HTTP on 127.0.0.1.

use super::http::{call, http, sandbox, sandbox_with, seeded};
use crate::sandbox::faults::Faults;
use crate::sandbox::schema::served_schema_hash;
use crate::sandbox::server::*;
use crate::sandbox::store::Store;
use serde_json::Value;
use serde_json::json;

#[tokio::test]
async fn session_start_returns_unwrapped_information_and_schemas() {
    let sandbox = sandbox().await;
    let (status, content_type, body) = call(
        &sandbox.url,
        "secret-key",
        false,
        json!([{"action": "query_server_information"}, {"action": "query_schemas"}]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    assert_eq!(body[0]["version"], SERVER_VERSION);
    assert_eq!(body[0]["schema_hash"], served_schema_hash());
    let names: Vec<&str> = body[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"User") && names.contains(&"Membership"),
        "{names:?}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn bad_keys_are_rejected_in_both_error_modes() {
    let sandbox = sandbox().await;
    let (status, _, body) = call(
        &sandbox.url,
        "wrong",
        false,
        json!([{"action": "query_schemas"}]),
    )
    .await;
    assert_eq!(
        (status, body["exception"].as_str()),
        (200, Some("InvalidCredentialsError"))
    );
    assert!(body["content"].as_str().unwrap().contains("API key"));
    let (status, _, _) = call(
        &sandbox.url,
        "wrong",
        true,
        json!([{"action": "query_schemas"}]),
    )
    .await;
    assert_eq!(status, 401);
    sandbox.stop().await;
}

#[tokio::test]
async fn writes_then_reads_in_one_request_and_pages() {
    let sandbox = sandbox().await;
    let mut batch = vec![];
    for n in 0..5 {
        batch.push(json!({"action": "create", "entity_type": "User",
            "entity_data": {"username": format!("user{n}"), "is_active": true}}));
    }
    batch.push(json!({"action": "query", "expression": "select username from User where username like \"user%\" order by username offset 0 limit 2"}));
    let (status, _, body) = call(&sandbox.url, "secret-key", false, Value::Array(batch)).await;
    assert_eq!(status, 200, "{body}");
    let created = &body[0]["data"];
    assert_eq!(created["__entity_type__"], "User");
    assert!(
        created["id"].as_str().unwrap().len() == 36,
        "a generated UUID: {created}"
    );
    let page = &body[5];
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["metadata"]["next"]["offset"], 2);
    let (_, _, body) = call(
        &sandbox.url,
        "secret-key",
        false,
        json!([{"action": "query", "expression": "select username from User where username like \"user%\" offset 4 limit 2"}]),
    )
    .await;
    assert_eq!(body[0]["metadata"]["next"]["offset"], Value::Null);
    sandbox.stop().await;
}

#[tokio::test]
async fn a_failing_request_changes_nothing_and_reports_by_status_in_strict_mode() {
    let sandbox = sandbox().await;
    let batch = json!([
        {"action": "create", "entity_type": "User", "entity_data": {"id": "u1", "username": "ann"}},
        {"action": "create", "entity_type": "User", "entity_data": {"id": "u2", "username": "ann"}},
    ]);
    let (status, _, body) = call(&sandbox.url, "secret-key", false, batch.clone()).await;
    assert_eq!(
        (status, body["exception"].as_str()),
        (200, Some("DuplicateEntryError"))
    );
    assert!(
        sandbox.store().user_by_username("ann").is_none(),
        "the first create was undone"
    );
    let (status, _, _) = call(&sandbox.url, "secret-key", true, batch).await;
    assert_eq!(status, 400);
    let (status, _, body) = call(
        &sandbox.url,
        "secret-key",
        true,
        json!([{"action": "query", "expression": "select from"}]),
    )
    .await;
    assert_eq!(
        (status, body["exception"].as_str()),
        (400, Some("ParseError"))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_trailing_slash_in_the_server_url_still_reaches_the_api() {
    let sandbox = sandbox().await;
    let url = format!("{}/", sandbox.url);
    let (status, _, body) = call(
        &url,
        "secret-key",
        false,
        json!([{"action": "query_server_information"}]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["version"], SERVER_VERSION);
    sandbox.stop().await;
}

#[tokio::test]
async fn state_endpoint_returns_the_snapshot_format() {
    let sandbox = sandbox().await;
    call(&sandbox.url, "secret-key", false, json!([
        {"action": "create", "entity_type": "User", "entity_data": {"id": "u1", "username": "ann", "is_active": true}},
    ]))
    .await;
    let state: Value = get_json(&sandbox, "state").await;
    let users = state["users"].as_array().unwrap();
    let ann = users.iter().find(|u| u["username"] == "ann").expect("ann");
    assert_eq!(ann["is_active"], true);
    assert!(users.iter().any(|u| u["username"] == "api"), "{state}");
    sandbox.stop().await;
}

#[tokio::test]
async fn responses_are_normalised_unless_denormalize_is_asked_for() {
    let sandbox = sandbox().await;
    let setup = json!([
        {"action": "create", "entity_type": "Group", "entity_data": {"id": "g1", "name": "FX", "local": false}},
        {"action": "create", "entity_type": "User", "entity_data": {"id": "u1", "username": "ann"}},
        {"action": "create", "entity_type": "User", "entity_data": {"id": "u2", "username": "bob"}},
        {"action": "create", "entity_type": "Membership", "entity_data": {"user_id": "u1", "group_id": "g1"}},
        {"action": "create", "entity_type": "Membership", "entity_data": {"user_id": "u2", "group_id": "g1"}},
    ]);
    call(&sandbox.url, "secret-key", false, setup).await;
    let query = json!([{"action": "query", "expression": "select memberships.group.name from User where username in (\"ann\", \"bob\") order by username"}]);
    let (_, _, body) = call(&sandbox.url, "secret-key", false, query.clone()).await;
    assert_eq!(body[0]["data"][0]["memberships"][0]["group"]["name"], "FX");
    assert_eq!(
        body[0]["data"][1]["memberships"][0]["group"],
        json!({"__entity_type__": "Group", "id": "g1"})
    );
    let denormalised: Value = http()
        .post(format!("{}/api", sandbox.url))
        .header("ftrack-user", "api")
        .header("ftrack-api-key", "secret-key")
        .header("ftrack-api-options", "strict:1;denormalize:1")
        .body(query.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        denormalised[0]["data"][1]["memberships"][0]["group"]["name"],
        "FX"
    );
    sandbox.stop().await;
}

async fn set_faults(url: &str, faults: Value) {
    let response = with_key(http().post(format!("{url}/sandbox/faults")))
        .body(faults.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

async fn raw(url: &str) -> Result<reqwest::Response, reqwest::Error> {
    http()
        .post(format!("{url}/api"))
        .header("ftrack-user", "api")
        .header("ftrack-api-key", "secret-key")
        .body(r#"[{"action": "query_schemas"}]"#)
        .send()
        .await
}

#[tokio::test]
async fn injected_faults_are_served_and_counted() {
    let sandbox = sandbox().await;
    set_faults(
        &sandbox.url,
        json!({"error_rate": 1.0, "error_status": 429, "retry_after": 3}),
    )
    .await;
    let response = raw(&sandbox.url).await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "3");

    set_faults(&sandbox.url, json!({"fail_request": 2})).await;
    assert_eq!(
        raw(&sandbox.url).await.unwrap().status().as_u16(),
        200,
        "request 1 of the new plan is served"
    );
    let failed = raw(&sandbox.url).await.unwrap();
    assert_eq!(failed.status().as_u16(), 500);
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["exception"], "ServerError");

    set_faults(&sandbox.url, json!({"drop_rate": 1.0})).await;
    let dropped = match raw(&sandbox.url).await {
        Ok(response) => response.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(dropped, "the client sees a broken connection");

    let stats: Stats = get_json(&sandbox, "stats").await;
    assert_eq!(stats.requests, 4);
    assert_eq!(stats.errors_injected, 3);
    assert_eq!(stats.operations.get("query_schemas"), Some(&1));
    sandbox.stop().await;
}

/// The API user and key headers, which the control endpoints need as the API does.
fn with_key(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    request
        .header("ftrack-user", "api")
        .header("ftrack-api-key", "secret-key")
}

/// A control endpoint's JSON answer (`/sandbox/state`, `/sandbox/stats`).
async fn get_json<T: serde::de::DeserializeOwned>(sandbox: &RunningSandbox, endpoint: &str) -> T {
    with_key(http().get(format!("{}/sandbox/{endpoint}", sandbox.url)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn control_endpoints_refuse_requests_without_the_api_key() {
    let sandbox = sandbox().await;
    let url = &sandbox.url;
    let client = http();
    let requests = [
        client.get(format!("{url}/sandbox/state")),
        client.get(format!("{url}/sandbox/stats")),
        client
            .post(format!("{url}/sandbox/faults"))
            .body(r#"{"error_rate": 1.0}"#),
        client
            .get(format!("{url}/sandbox/state"))
            .header("ftrack-user", "api")
            .header("ftrack-api-key", "wrong"),
        client
            .get(format!("{url}/sandbox/state"))
            .header("ftrack-user", "someone-else")
            .header("ftrack-api-key", "secret-key"),
        client
            .get(format!("{url}/sandbox/state"))
            .header("ftrack-api-key", "secret-key"),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 401, "{body}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        assert_eq!(body["exception"], "InvalidCredentialsError", "{body}");
        assert!(body["content"].as_str().unwrap().contains("ftrack-api-key"));
        assert!(!body.to_string().contains("secret-key"), "{body}");
    }
    assert_eq!(
        raw(url).await.unwrap().status().as_u16(),
        200,
        "the refused fault plan was not set"
    );
    let stats: Stats = get_json(&sandbox, "stats").await;
    assert_eq!(stats.requests, 1, "with the key, the counters are served");
    let state: Value = get_json(&sandbox, "state").await;
    assert!(state["users"].is_array(), "{state}");
    set_faults(url, json!({"error_rate": 1.0})).await;
    assert_eq!(raw(url).await.unwrap().status().as_u16(), 503);
    sandbox.stop().await;
}

#[tokio::test]
async fn the_api_user_is_created_at_start_when_the_store_lacks_it() {
    let sandbox = sandbox().await;
    let query = json!([{"action": "query", "expression": "select username, first_name, is_active from User where username is \"api\""}]);
    let (status, _, body) = call(&sandbox.url, "secret-key", false, query).await;
    assert_eq!(status, 200, "{body}");
    let rows = body[0]["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["username"], "api");
    assert_eq!(rows[0]["is_active"], true);
    assert_eq!(rows[0]["first_name"], "api");
    assert_eq!(sandbox.store().rows("User").count(), 1);
    sandbox.stop().await;
}

#[tokio::test]
async fn an_api_user_the_seed_has_is_kept_as_it_is() {
    let sandbox = sandbox_with(seeded(json!([
        {"id": "u-api", "username": "api", "first_name": "Sync", "last_name": "Bot", "is_active": true},
        {"id": "u-ann", "username": "ann", "is_active": true},
    ])))
    .await;
    let store = sandbox.store();
    assert_eq!(store.rows("User").count(), 2, "no second API user");
    let api = store.user_by_username("api").unwrap();
    assert_eq!(
        (api["id"].as_str(), api["first_name"].as_str()),
        (Some("u-api"), Some("Sync"))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn credentials_of_an_inactive_api_user_are_refused() {
    let sandbox = sandbox_with(seeded(json!([
        {"id": "u-api", "username": "api", "is_active": false},
    ])))
    .await;
    let request = json!([{"action": "query_server_information"}]);
    let (status, _, body) = call(&sandbox.url, "secret-key", false, request.clone()).await;
    assert_eq!(
        (status, body["exception"].as_str()),
        (200, Some("InvalidCredentialsError")),
        "{body}"
    );
    let (status, _, _) = call(&sandbox.url, "secret-key", true, request).await;
    assert_eq!(status, 401);
    assert_eq!(
        sandbox.store().user_by_username("api").unwrap()["is_active"],
        false,
        "an inactive API user is not reactivated"
    );
    let state: Value = get_json(&sandbox, "state").await;
    assert_eq!(
        state["users"][0]["username"], "api",
        "the control endpoints still answer"
    );
    sandbox.stop().await;
}

/// The API key is refused now (strict mode: 401 with the credentials exception).
async fn assert_key_refused(url: &str) {
    let ask = json!([{"action": "query_server_information"}]);
    let (status, _, body) = call(url, "secret-key", true, ask).await;
    assert_eq!(
        (status, body["exception"].as_str()),
        (401, Some("InvalidCredentialsError")),
        "{body}"
    );
}

#[tokio::test]
async fn deactivating_the_api_user_locks_its_key_out() {
    let sandbox = sandbox().await;
    let id = sandbox.store().user_by_username("api").unwrap()["id"].clone();
    let deactivate = json!([{"action": "update", "entity_type": "User", "entity_key": [id],
        "entity_data": {"is_active": false}}]);
    let (_, _, body) = call(&sandbox.url, "secret-key", false, deactivate).await;
    assert_eq!(body[0]["data"]["is_active"], false, "{body}");
    assert_key_refused(&sandbox.url).await;
    sandbox.stop().await;
}

#[tokio::test]
async fn a_username_that_is_no_user_is_refused() {
    let sandbox = sandbox().await;
    let id = sandbox.store().user_by_username("api").unwrap()["id"].clone();
    let delete = json!([{"action": "delete", "entity_type": "User", "entity_key": [id]}]);
    let (_, _, body) = call(&sandbox.url, "secret-key", false, delete).await;
    assert_eq!(body[0]["data"], true, "{body}");
    assert_key_refused(&sandbox.url).await;
    sandbox.stop().await;
}

#[tokio::test]
async fn an_api_user_the_server_cannot_store_stops_the_start() {
    let credentials = Credentials {
        api_user: "x".repeat(crate::sandbox::store::MAX_USERNAME_CHARS + 1),
        api_key: "k".into(),
    };
    let error = start(
        "127.0.0.1:0".parse().unwrap(),
        credentials,
        Store::new(),
        Faults::default(),
    )
    .await
    .err()
    .expect("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("API user"), "{error}");
}
