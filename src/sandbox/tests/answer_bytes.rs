//! The exact bytes the sandbox answers for queries whose results share entities, so that
//! changes to how answers are built can be shown to change nothing.

use super::http::{credentials, http, sandbox};
use serde_json::{Value, json};

/// Three groups, a second user type, five users and their memberships, all with fixed ids.
fn setup() -> Value {
    let mut operations = vec![
        json!({"action": "create", "entity_type": "UserType", "entity_data": {"id": "t2", "name": "service"}}),
    ];
    for (id, name) in [("g1", "FX"), ("g2", "Lighting"), ("g3", "Comp")] {
        operations.push(json!({"action": "create", "entity_type": "Group",
            "entity_data": {"id": id, "name": name, "local": false}}));
    }
    for n in 1..=5 {
        let mut data = json!({"id": format!("u{n}"), "username": format!("user{n}"),
            "first_name": format!("First {n}"), "last_name": "Ünicode \"quoted\"",
            "email": format!("user{n}@example.com"), "is_active": n != 3});
        if n == 5 {
            data["user_type_id"] = json!("t2");
        }
        operations.push(json!({"action": "create", "entity_type": "User", "entity_data": data}));
    }
    for (id, user, group) in [
        ("m1", "u1", "g1"),
        ("m2", "u2", "g1"),
        ("m3", "u2", "g2"),
        ("m4", "u3", "g2"),
        ("m5", "u5", "g3"),
        ("m6", "u5", "g1"),
    ] {
        operations.push(json!({"action": "create", "entity_type": "Membership",
            "entity_data": {"id": id, "user_id": user, "group_id": group}}));
    }
    Value::Array(operations)
}

/// Sends `body` to `/api` with the given `ftrack-api-options`; the raw answer.
async fn raw(url: &str, body: &Value, options: Option<&str>) -> String {
    let key = credentials().api_key;
    let mut request = http()
        .post(format!("{url}/api"))
        .header("ftrack-user", "api")
        .header("ftrack-api-key", key)
        .body(body.to_string());
    if let Some(options) = options {
        request = request.header("ftrack-api-options", options);
    }
    request.send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn answers_with_shared_entities_keep_their_exact_bytes() {
    let sandbox = sandbox().await;
    let created = raw(&sandbox.url, &setup(), None).await;
    assert!(created.starts_with('['), "{created}");
    let queries = json!([
        {"action": "query", "expression": "select id, username, first_name, last_name, email, is_active, memberships.group.name, user_type.name from User where username like \"user%\" order by id offset 1 limit 3"},
        {"action": "query", "expression": "select name, memberships.user.username, memberships.user.first_name from Group order by name"},
        {"action": "query", "expression": "select user.username, group from Membership where group.name is \"FX\""},
        {"action": "query", "expression": "select id, username from User where id in (\"u1\", \"u5\") order by username desc"},
        {"action": "query", "expression": "select user_type, memberships, memberships.group.local from User where id is \"u5\""}
    ]);
    let normalised = raw(&sandbox.url, &queries, None).await;
    insta::assert_snapshot!("shared_entities_normalised", normalised);
    let denormalised = raw(&sandbox.url, &queries, Some("strict:1;denormalize:1")).await;
    insta::assert_snapshot!("shared_entities_denormalised", denormalised);
    let error = json!([{"action": "query", "expression": "select nope from User"}]);
    insta::assert_snapshot!("unknown_attribute", raw(&sandbox.url, &error, None).await);
    sandbox.stop().await;
}
