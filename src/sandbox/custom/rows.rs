//! The dense value rows, and the checks on writes of custom attributes: what the store does
//! around a write, and what the API refuses.

use super::builtin::default_for;
use crate::custom::USER_ENTITY_TYPE;
use crate::ftrack::wire::EntityKey;
use crate::sandbox::store::{Row, Store, StoreError, UndoLog, Write};
use serde_json::{Value, json};

/// The entity type of a user's value of a user custom attribute.
pub const VALUE: &str = "UserCustomAttributeValue";
/// The entity type of a custom attribute.
const CONFIGURATION: &str = "CustomAttributeConfiguration";

fn validation(message: String) -> StoreError {
    StoreError {
        exception: "ValidationError",
        message,
    }
}

/// What the API refuses before the store sees it: value rows exist for every user and user
/// configuration, so a client never creates or deletes one (ftrack's Python client records
/// an update instead).
pub fn refused(write: &Write) -> Option<StoreError> {
    let verb = match write {
        Write::Create { entity_type, .. } if entity_type == VALUE => "created",
        Write::Delete { entity_type, .. } if entity_type == VALUE => "deleted",
        _ => return None,
    };
    Some(validation(format!(
        "{VALUE} cannot be {verb}: every user has a value of every user custom attribute; \
         update it instead"
    )))
}

/// Checks a write before the store applies it: a user configuration is global, and a value
/// fits its configuration's type.
pub fn check_write(store: &Store, write: &Write) -> Result<(), StoreError> {
    match write {
        Write::Create {
            entity_type, data, ..
        } if entity_type == CONFIGURATION => check_configuration(data),
        Write::Update {
            entity_type,
            key,
            data,
        } if entity_type == VALUE => match data.get("value") {
            Some(value) => check_value(store, key, value),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// After a create: a new user gets a row for every user configuration, and a new user
/// configuration a row for every user.
pub fn after_write(
    store: &mut Store,
    write: &Write,
    written: &Value,
    new_id: &mut dyn FnMut() -> String,
    log: &mut UndoLog,
) -> Result<(), StoreError> {
    let Write::Create { entity_type, .. } = write else {
        return Ok(());
    };
    let Some(id) = written["id"].as_str() else {
        return Ok(());
    };
    let rows: Vec<Row> = match entity_type.as_str() {
        "User" => user_configurations(store)
            .map(|configuration| value_row(store, configuration, id))
            .collect(),
        CONFIGURATION => match store.get(CONFIGURATION, id).filter(|c| is_for_users(c)) {
            Some(configuration) => (store.rows("User"))
                .filter_map(|user| user.get("id")?.as_str())
                .map(|user_id| value_row(store, configuration, user_id))
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    for data in rows {
        let entity_type = VALUE.to_string();
        let create = Write::Create {
            entity_type,
            key: None,
            data,
        };
        store.write(&create, new_id, log)?;
    }
    Ok(())
}

/// The user configurations, in the order they were made.
pub(super) fn user_configurations(store: &Store) -> impl Iterator<Item = &Row> {
    store.rows(CONFIGURATION).filter(|c| is_for_users(c))
}

fn is_for_users(configuration: &Row) -> bool {
    configuration.get("entity_type").and_then(Value::as_str) == Some(USER_ENTITY_TYPE)
}

/// The name of a configuration's type.
pub(super) fn type_name<'s>(store: &'s Store, configuration: &Row) -> &'s str {
    configuration
        .get("type_id")
        .and_then(Value::as_str)
        .and_then(|id| store.get("CustomAttributeType", id))
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The value a configuration's rows start with: its default, else its type's.
pub(super) fn default_value(store: &Store, configuration: &Row) -> Value {
    match configuration.get("default") {
        Some(value) if !value.is_null() => value.clone(),
        _ => default_for(type_name(store, configuration)),
    }
}

fn value_row(store: &Store, configuration: &Row, user_id: &str) -> Row {
    let row = json!({
        "configuration_id": configuration.get("id"),
        "entity_id": user_id,
        "key": configuration.get("key"),
        "value": default_value(store, configuration),
    });
    match row {
        Value::Object(row) => row,
        _ => Row::new(),
    }
}

/// A user configuration is global: no project, no object type.
fn check_configuration(data: &Row) -> Result<(), StoreError> {
    let for_users = data.get("entity_type").and_then(Value::as_str) == Some(USER_ENTITY_TYPE);
    let set = |name: &str| data.get(name).is_some_and(|v| !v.is_null());
    if for_users && (set("project_id") || set("object_type_id")) {
        return Err(validation(
            "a user custom attribute must be global: it cannot have a project_id or an \
             object_type_id"
                .to_string(),
        ));
    }
    Ok(())
}

/// A value fits its configuration's type (text, number, boolean and enumerator are checked;
/// null fits every type).
fn check_value(store: &Store, key: &EntityKey, value: &Value) -> Result<(), StoreError> {
    let Some(configuration) = key
        .values()
        .first()
        .and_then(|id| store.get(CONFIGURATION, id))
    else {
        // The store reports the missing row.
        return Ok(());
    };
    let kind = type_name(store, configuration);
    let fits = match (kind, value) {
        (_, Value::Null) => true,
        ("text", found) => found.is_string(),
        ("number", found) => found.is_number(),
        ("boolean", found) => found.is_boolean(),
        ("enumerator", found) => found.is_array(),
        _ => true,
    };
    if fits {
        return Ok(());
    }
    let attribute = configuration
        .get("key")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Err(validation(format!(
        "Custom attribute value for \"{attribute}\" must be of type {kind}. Got {value} of type {}.",
        python_type(value)
    )))
}

/// What Python calls a JSON value's type, as ftrack's messages name it.
fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "unicode",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}
