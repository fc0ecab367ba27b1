//! Runs the operations of one request against the store, in order, undoing all on failure.

use super::evaluate::Evaluator;
use super::query::parse_query;
use super::schema::{schemas, served_schema_hash};
use super::store::{Store, StoreError, UndoLog, Write};
use crate::ftrack::wire::{EntityKey, Operation};
use serde_json::{Value, json};

/// The version the sandbox reports; recent enough for ftrack's Python client.
pub const SERVER_VERSION: &str = "4.13.8.sandbox";

/// Runs a request's operations in order; on the first failure every earlier write is undone.
pub fn execute(store: &mut Store, operations: &[Operation]) -> Result<Vec<Value>, StoreError> {
    let mut log = UndoLog::default();
    let mut new_id = || uuid::Uuid::new_v4().to_string();
    let mut results = Vec::with_capacity(operations.len());
    for operation in operations {
        match run_one(store, operation, &mut new_id, &mut log) {
            Ok(result) => results.push(result),
            Err(error) => {
                store.undo(log);
                return Err(error);
            }
        }
    }
    Ok(results)
}

/// Runs one operation; its writes go to `log` so that a later failure can undo them.
fn run_one(
    store: &mut Store,
    operation: &Operation,
    new_id: &mut dyn FnMut() -> String,
    log: &mut UndoLog,
) -> Result<Value, StoreError> {
    // Creates, updates and deletes become one store write; everything else answers directly.
    let write = match operation {
        Operation::QueryServerInformation { .. } => return Ok(server_information()),
        Operation::QuerySchemas => return Ok(schemas()),
        Operation::Query { expression } => return run_query(store, expression),
        Operation::Create {
            entity_type,
            entity_key,
            entity_data,
        } => Write::Create {
            entity_type: entity_type.clone(),
            key: entity_key.clone(),
            data: entity_data.clone(),
        },
        Operation::Update {
            entity_type,
            entity_key,
            entity_data,
        } => Write::Update {
            entity_type: entity_type.clone(),
            key: entity_key.clone(),
            data: entity_data.clone(),
        },
        Operation::Delete {
            entity_type,
            entity_key,
        } => Write::Delete {
            entity_type: entity_type.clone(),
            key: entity_key.clone(),
        },
        Operation::AddUserSecurityRole { user_id, role_id } => {
            return add_security_role(store, user_id, role_id, new_id, log);
        }
        Operation::RemoveUserSecurityRole { user_id, role_id } => {
            return remove_security_role(store, user_id, role_id, new_id, log);
        }
        Operation::GrantUserSecurityRoleProject { .. }
        | Operation::RevokeUserSecurityRoleProject { .. } => {
            return Err(StoreError {
                exception: "ServerError",
                message: format!("{} is not served by this sandbox", action_name(operation)),
            });
        }
    };
    let data = store.write(&write, new_id, log)?;
    Ok(json!({"action": action_name(operation), "data": data}))
}

/// The answer to `query_server_information`.
fn server_information() -> Value {
    json!({
        "version": SERVER_VERSION,
        "schema_hash": served_schema_hash(),
        "is_timezone_support_enabled": true,
        "storage_scenario": {"scenario": "ftrack.automatic", "data": {}},
    })
}

/// Parses and evaluates a query; a parse failure is ftrack's `ParseError`.
fn run_query(store: &Store, expression: &str) -> Result<Value, StoreError> {
    let query = parse_query(expression).map_err(|e| StoreError {
        exception: "ParseError",
        message: e.to_string(),
    })?;
    let page = Evaluator::new(store).run(&query)?;
    Ok(
        json!({"action": "query", "data": page.data, "metadata": {"next": {"offset": page.next_offset}}}),
    )
}

/// Grants `role_id` to `user_id` on all projects; granting it again changes nothing.
fn add_security_role(
    store: &mut Store,
    user_id: &str,
    role_id: &str,
    new_id: &mut dyn FnMut() -> String,
    log: &mut UndoLog,
) -> Result<Value, StoreError> {
    if granted(store, user_id, role_id).is_none() {
        let mut data = serde_json::Map::new();
        data.insert("user_id".into(), json!(user_id));
        data.insert("security_role_id".into(), json!(role_id));
        data.insert("is_all_projects".into(), json!(true));
        data.insert("is_all_open_projects".into(), json!(true));
        let write = Write::Create {
            entity_type: "UserSecurityRole".to_string(),
            key: None,
            data,
        };
        store.write(&write, new_id, log)?;
    }
    Ok(json!({"action": "add_user_security_role", "data": true}))
}

/// Withdraws the grant of `role_id` to `user_id`; an error when there is none.
fn remove_security_role(
    store: &mut Store,
    user_id: &str,
    role_id: &str,
    new_id: &mut dyn FnMut() -> String,
    log: &mut UndoLog,
) -> Result<Value, StoreError> {
    let id = granted(store, user_id, role_id).ok_or_else(|| StoreError {
        exception: "NoResultFoundError",
        message: format!("user {user_id} does not have security role {role_id}"),
    })?;
    let write = Write::Delete {
        entity_type: "UserSecurityRole".to_string(),
        key: EntityKey::Single(id),
    };
    store.write(&write, new_id, log)?;
    Ok(json!({"action": "remove_user_security_role", "data": true}))
}

/// The id of the grant of `role_id` to `user_id`, if there is one.
fn granted(store: &Store, user_id: &str, role_id: &str) -> Option<String> {
    store
        .rows("UserSecurityRole")
        .find(|r| {
            r.get("user_id").and_then(Value::as_str) == Some(user_id)
                && r.get("security_role_id").and_then(Value::as_str) == Some(role_id)
        })
        .and_then(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
}

/// The wire name of an operation's action.
pub fn action_name(operation: &Operation) -> &'static str {
    match operation {
        Operation::QueryServerInformation { .. } => "query_server_information",
        Operation::QuerySchemas => "query_schemas",
        Operation::Query { .. } => "query",
        Operation::Create { .. } => "create",
        Operation::Update { .. } => "update",
        Operation::Delete { .. } => "delete",
        Operation::AddUserSecurityRole { .. } => "add_user_security_role",
        Operation::RemoveUserSecurityRole { .. } => "remove_user_security_role",
        Operation::GrantUserSecurityRoleProject { .. } => "grant_user_security_role_project",
        Operation::RevokeUserSecurityRoleProject { .. } => "revoke_user_security_role_project",
    }
}
