//! The ftrack operations that carry out one plan item.
//!
//! New users and memberships get client-generated ids, so a create whose response was lost can
//! be recognised on retry, and the link to the directory can be recorded before the answer.

use super::preflight::value_text;
use crate::apply::access::{LiveAccess, MissingAccess};
use crate::apply::custom::{LiveCustom, MissingCustom};
use crate::ftrack::read::LiveUser;
use crate::ftrack::wire::{EntityKey, Operation};
use crate::ids::FtrackId;
use crate::reconcile::plan::{Action, Field, FieldValue, PlanItem};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Why an item cannot be turned into operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperationsError {
    /// An update, reactivation or deactivation without an ftrack user.
    #[error("the item names no ftrack user")]
    NoFtrackUser,
    /// A group the user joins that ftrack lacks.
    #[error("the ftrack group {0:?} does not exist")]
    MissingGroup(String),
    /// A role or project the user's role changes name that ftrack lacks.
    #[error(transparent)]
    MissingAccess(#[from] MissingAccess),
    /// A custom attribute the user's changes name that ftrack lacks.
    #[error(transparent)]
    MissingCustom(#[from] MissingCustom),
}

/// What is read from ftrack just before applying, to turn names into ids: the security roles
/// and projects, and the user custom attributes (each only when some item needs it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lookups<'a> {
    /// The roles, projects and users' roles.
    pub access: Option<&'a LiveAccess>,
    /// The user custom attributes.
    pub custom: Option<&'a LiveCustom>,
}

/// The operations of one item, and the id of the user it creates.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemOperations {
    /// In the order they must run.
    pub operations: Vec<Operation>,
    /// Set for a create.
    pub created_id: Option<FtrackId>,
}

fn key(id: &str) -> EntityKey {
    EntityKey::List(vec![id.to_string()])
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A create for a managed group that ftrack does not have yet.
pub fn create_group(name: &str) -> (String, Operation) {
    let id = new_id();
    let mut data = Map::new();
    data.insert("id".into(), json!(id));
    data.insert("name".into(), json!(name));
    data.insert("local".into(), json!(false));
    (
        id.clone(),
        Operation::Create {
            entity_type: "Group".into(),
            entity_key: Some(key(id.as_str())),
            entity_data: data,
        },
    )
}

fn field_value(item: &PlanItem, field: Field) -> Value {
    let change = item.changes.iter().find(|c| c.field == field);
    match (field, change.and_then(|c| c.to.as_ref())) {
        (Field::IsActive, Some(FieldValue::Flag(on))) => json!(on),
        // A saved plan may carry the flag as text.
        (Field::IsActive, Some(FieldValue::Text(text))) => json!(text == "true"),
        (Field::Email, None) => Value::Null,
        (_, value) => json!(value_text(value)),
    }
}

/// The operations for an item; `Err` says why it has none (no ftrack user, a missing group).
pub fn item_operations(
    item: &PlanItem,
    live: Option<&LiveUser>,
    group_ids: &HashMap<String, String>,
    lookups: Lookups,
) -> Result<ItemOperations, OperationsError> {
    let mut operations = Vec::new();
    let (user_id, created_id) = match item.action {
        Action::Create => {
            let (id, create) = create_user(item);
            operations.push(create);
            (id.clone(), Some(id))
        }
        Action::Update | Action::Reactivate | Action::Deactivate => {
            let id = item
                .ftrack
                .as_ref()
                .map(|f| f.id.clone())
                .ok_or(OperationsError::NoFtrackUser)?;
            operations.extend(update_user(item, &id));
            (id, None)
        }
        _ => {
            return Ok(ItemOperations {
                operations,
                created_id: None,
            });
        }
    };
    operations.extend(membership_operations(item, &user_id, live, group_ids)?);
    // A new user's roles and custom attributes are set once it exists (see `engine::follow`).
    if created_id.is_none() {
        if let Some(access) = lookups.access.filter(|_| !item.roles.is_empty()) {
            operations.extend(access.operations(item, &user_id)?);
        }
        if let Some(custom) = lookups.custom.filter(|_| !item.custom.is_empty()) {
            operations.extend(custom.operations(item, &user_id)?);
        }
    }
    Ok(ItemOperations {
        operations,
        created_id,
    })
}

/// A new user's id and its create, active (the server's default is inactive).
fn create_user(item: &PlanItem) -> (FtrackId, Operation) {
    let id = FtrackId::new(new_id());
    let mut data = Map::new();
    data.insert("id".into(), json!(id));
    for field in [
        Field::Username,
        Field::FirstName,
        Field::LastName,
        Field::Email,
    ] {
        data.insert(field.name().into(), field_value(item, field));
    }
    data.insert("is_active".into(), json!(true));
    let create = Operation::Create {
        entity_type: "User".into(),
        entity_key: Some(key(id.as_str())),
        entity_data: data,
    };
    (id, create)
}

/// The update of an existing user's changed fields, if any changed.
fn update_user(item: &PlanItem, id: &str) -> Option<Operation> {
    let data: Map<String, Value> = item
        .changes
        .iter()
        .map(|change| (change.field.name().into(), field_value(item, change.field)))
        .collect();
    (!data.is_empty()).then(|| Operation::Update {
        entity_type: "User".into(),
        entity_key: key(id),
        entity_data: data,
    })
}

/// Memberships to create for groups the user is not in yet, and to delete for groups it
/// leaves; `Err` names a group it needs that ftrack lacks.
fn membership_operations(
    item: &PlanItem,
    user_id: &str,
    live: Option<&LiveUser>,
    group_ids: &HashMap<String, String>,
) -> Result<Vec<Operation>, OperationsError> {
    let member_of = |group: &str| {
        live.into_iter()
            .flat_map(|u| &u.memberships)
            .find(|(_, name)| name == group)
            .map(|(membership_id, _)| membership_id.clone())
    };
    let mut operations = Vec::new();
    for group in item.groups.add.iter().filter(|g| member_of(g).is_none()) {
        let group_id = group_ids
            .get(group)
            .ok_or_else(|| OperationsError::MissingGroup(group.clone()))?;
        let id = new_id();
        let mut data = Map::new();
        data.insert("id".into(), json!(id));
        data.insert("user_id".into(), json!(user_id));
        data.insert("group_id".into(), json!(group_id));
        operations.push(Operation::Create {
            entity_type: "Membership".into(),
            entity_key: Some(key(id.as_str())),
            entity_data: data,
        });
    }
    for membership_id in item.groups.remove.iter().filter_map(|g| member_of(g)) {
        operations.push(Operation::Delete {
            entity_type: "Membership".into(),
            entity_key: key(&membership_id),
        });
    }
    Ok(operations)
}
