//! Reading and writing a user's role grants (`UserSecurityRole`) and their project rows
//! (`UserSecurityRoleProject`) inside one batch, through the store's checked write path.

use crate::ftrack::wire::EntityKey;
use crate::sandbox::store::{Row, Store, StoreError, UndoLog, Write};
use serde_json::{Map, Value, json};

/// The entity type of a user's role.
pub const GRANT: &str = "UserSecurityRole";
/// The entity type of a role's grant on one project.
pub const GRANT_PROJECT: &str = "UserSecurityRoleProject";

/// The writes of one batch: each goes through the store's checks and can be undone.
pub struct Grants<'a> {
    store: &'a mut Store,
    new_id: &'a mut dyn FnMut() -> String,
    log: &'a mut UndoLog,
}

/// A row's string attribute.
pub fn text<'r>(row: &'r Row, attribute: &str) -> Option<&'r str> {
    row.get(attribute).and_then(Value::as_str)
}

impl<'a> Grants<'a> {
    /// Writes to `store`, with new ids from `new_id`, recorded in `log`.
    pub fn new(
        store: &'a mut Store,
        new_id: &'a mut dyn FnMut() -> String,
        log: &'a mut UndoLog,
    ) -> Self {
        Self { store, new_id, log }
    }

    /// The store as it is now, earlier writes of the batch included.
    pub fn store(&self) -> &Store {
        self.store
    }

    /// The id of the user's grant of the role, when the user holds it.
    pub fn held(&self, user_id: &str, role_id: &str) -> Option<String> {
        self.store
            .referring(GRANT, "user_id", user_id)
            .into_iter()
            .find(|grant| text(grant, "security_role_id") == Some(role_id))
            .and_then(|grant| text(grant, "id"))
            .map(str::to_string)
    }

    /// The id of the grant's row for the project, when it has one.
    pub fn project_row(&self, grant_id: &str, project_id: &str) -> Option<String> {
        self.store
            .referring(GRANT_PROJECT, "user_security_role_id", grant_id)
            .into_iter()
            .find(|row| text(row, "project_id") == Some(project_id))
            .and_then(|row| text(row, "id"))
            .map(str::to_string)
    }

    /// Whether the grant holds on all open projects.
    pub fn is_all_open(&self, grant_id: &str) -> bool {
        self.store
            .get(GRANT, grant_id)
            .and_then(|grant| grant.get("is_all_open_projects"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Gives the user the role (on all open projects or on none yet); returns the grant's id.
    pub fn create(
        &mut self,
        user_id: &str,
        role_id: &str,
        all_open: bool,
    ) -> Result<String, StoreError> {
        let data = json!({"user_id": user_id, "security_role_id": role_id,
                          "is_all_open_projects": all_open});
        let created = self.write(Write::Create {
            entity_type: GRANT.to_string(),
            key: None,
            data: object(data),
        })?;
        Ok(created["id"].as_str().unwrap_or_default().to_string())
    }

    /// Changes attributes of a grant (the role, or whether it holds on all open projects).
    pub fn update(&mut self, grant_id: &str, data: Value) -> Result<(), StoreError> {
        self.write(Write::Update {
            entity_type: GRANT.to_string(),
            key: EntityKey::Single(grant_id.to_string()),
            data: object(data),
        })
        .map(|_| ())
    }

    /// Grants the role of `grant_id` on one project by name.
    pub fn add_project(&mut self, grant_id: &str, project_id: &str) -> Result<(), StoreError> {
        let data = json!({"user_security_role_id": grant_id, "project_id": project_id});
        self.write(Write::Create {
            entity_type: GRANT_PROJECT.to_string(),
            key: None,
            data: object(data),
        })
        .map(|_| ())
    }

    /// Deletes an entity and the rows that point at it (a grant takes its project rows along).
    pub fn delete(&mut self, entity_type: &str, id: &str) -> Result<(), StoreError> {
        self.write(Write::Delete {
            entity_type: entity_type.to_string(),
            key: EntityKey::Single(id.to_string()),
        })
        .map(|_| ())
    }

    /// The grant as the sandbox encodes entities: its type and non-null attributes.
    pub fn encoded(&self, grant_id: &str) -> Value {
        self.store.entity(GRANT, grant_id).unwrap_or(Value::Null)
    }

    fn write(&mut self, write: Write) -> Result<Value, StoreError> {
        self.store.write(&write, self.new_id, self.log)
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
