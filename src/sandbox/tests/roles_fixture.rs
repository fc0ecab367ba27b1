//! The studio the security-role tests run against, and shorthands for their requests.

use super::http::{sandbox_with, seeded_snapshot};
use crate::access::{RoleScope, UserRole};
use crate::sandbox::access::{built_in_roles, user_roles};
use crate::sandbox::server::RunningSandbox;
use crate::sandbox::store::Store;
use serde_json::{Value, json};

/// Users ann and bob (no roles), the open project ALPHA and the private project SECRET.
pub fn studio_store() -> Store {
    seeded_snapshot(json!({
        "users": [
            {"id": "u-ann", "username": "ann", "is_active": true},
            {"id": "u-bob", "username": "bob", "is_active": true},
        ],
        "projects": [
            {"id": "p-alpha", "name": "ALPHA", "full_name": "Alpha"},
            {"id": "p-secret", "name": "SECRET", "full_name": "Secret", "is_private": true},
        ],
    }))
}

/// A sandbox serving [`studio_store`].
pub async fn studio() -> RunningSandbox {
    sandbox_with(studio_store()).await
}

/// The id of a built-in role.
pub fn role(name: &str) -> String {
    built_in_roles()
        .into_iter()
        .find(|r| r.name == name)
        .map(|r| r.id)
        .unwrap_or_else(|| panic!("no built-in role {name}"))
}

/// An operation object: the action and its fields.
pub fn op(action: &str, fields: Value) -> Value {
    let mut operation = fields;
    operation["action"] = json!(action);
    operation
}

/// The fields naming ann and a built-in role.
pub fn ann(role_name: &str) -> Value {
    json!({"user_id": "u-ann", "role_id": role(role_name)})
}

/// The fields with one more.
pub fn with(mut fields: Value, key: &str, value: Value) -> Value {
    fields[key] = value;
    fields
}

/// A scope of named projects.
pub fn projects(names: &[&str]) -> RoleScope {
    RoleScope::Projects(names.iter().map(|n| n.to_string()).collect())
}

/// A role held with a scope.
pub fn held(role: &str, scope: RoleScope) -> UserRole {
    UserRole {
        role: role.to_string(),
        scope,
    }
}

/// Ann's roles as the store holds them.
pub fn ann_roles(sandbox: &RunningSandbox) -> Vec<UserRole> {
    user_roles(&sandbox.store(), "u-ann")
}

/// The error a request was answered with: exception and message.
pub fn error(body: &Value) -> (&str, &str) {
    (
        body["exception"]
            .as_str()
            .unwrap_or_else(|| panic!("no error: {body}")),
        body["content"].as_str().unwrap_or_default(),
    )
}
