//! The sandbox's entities and its write path: creates, updates and deletes applied in batches
//! that succeed or fail as a whole, with the checks the real server makes.
//!
//! Rows hold scalar attributes only; a reference such as `Membership.user` is stored as its
//! foreign key (`user_id`). Rows keep insertion order, which is the order queries return.

use super::access::RemovalAction;
use super::order_cache::OrderCache;
use super::schema::{
    AttributeKind, DEFAULT_USER_TYPE_ID, EntitySchema, UID_DEFAULT, entity_schema,
};
use super::table::{Table, duplicate_message, unique_value};
use crate::ftrack::wire::EntityKey;
use foldhash::HashMap;
use serde_json::{Map, Value};
use std::collections::HashSet;

pub use super::table::Row;

/// A write the server refuses; the exception name is what ftrack's clients see.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{exception}: {message}")]
pub struct StoreError {
    /// `ValidationError`, `NoResultFoundError`, `ImmutableAttributeError` or `DuplicateEntryError`.
    pub exception: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

/// The longest username the server stores (ftrack-protocol.md §9).
pub const MAX_USERNAME_CHARS: usize = 255;

fn validation(message: String) -> StoreError {
    StoreError {
        exception: "ValidationError",
        message,
    }
}

/// A write operation, already decoded from the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// `create`.
    Create {
        /// Entity type.
        entity_type: String,
        /// Key sent by the client, if any.
        key: Option<EntityKey>,
        /// Attribute values.
        data: Row,
    },
    /// `update`.
    Update {
        /// Entity type.
        entity_type: String,
        /// Key of the entity.
        key: EntityKey,
        /// Changed attributes.
        data: Row,
    },
    /// `delete`.
    Delete {
        /// Entity type.
        entity_type: String,
        /// Key of the entity.
        key: EntityKey,
    },
}

/// What to restore if a batch fails: the row that stood under a key before (or none).
type Undo = (String, String, Option<Row>);

/// The changes made so far in a batch, so that they can be undone if a later operation fails.
#[derive(Debug, Default)]
pub struct UndoLog(Vec<Undo>);

/// All entities of the sandbox.
#[derive(Debug, Clone)]
pub struct Store {
    tables: HashMap<String, Table>,
    next_seq: u64,
    // Bumped by every change, so memos of query results know when they are stale.
    generation: u64,
    order_cache: OrderCache,
    // The role a user created through the API is given (see `access::default_role`).
    default_role: Option<String>,
    // The name this server gives the action that takes a role from a user.
    removal_action: RemovalAction,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    /// A store holding what every ftrack server has: the default user type (new users point
    /// at it), the built-in security roles and custom attribute types; new users get the
    /// role `User`.
    pub fn new() -> Self {
        let mut store = Self {
            tables: HashMap::default(),
            next_seq: 0,
            generation: 0,
            order_cache: OrderCache::default(),
            default_role: Some(super::access::DEFAULT_ROLE.to_string()),
            removal_action: RemovalAction::Remove,
        };
        let mut user_type = Row::new();
        user_type.insert(
            "id".to_string(),
            Value::String(DEFAULT_USER_TYPE_ID.to_string()),
        );
        user_type.insert("name".to_string(), Value::String("user".to_string()));
        store.replace("UserType", DEFAULT_USER_TYPE_ID, Some(user_type));
        for role in super::access::built_in_roles() {
            store.replace(
                "SecurityRole",
                &role.id,
                Some(super::access::role_row(&role)),
            );
        }
        for (id, name) in super::custom::built_in_types() {
            let row = super::custom::type_row(id, name);
            store.replace("CustomAttributeType", id, Some(row));
        }
        store
    }

    /// The name of the role a user created through the API gets on all open projects.
    pub fn default_role(&self) -> Option<&str> {
        self.default_role.as_deref()
    }

    /// Sets (or, with `None`, turns off) the role users created through the API get.
    pub fn set_default_role(&mut self, role: Option<String>) {
        self.default_role = role;
    }

    /// The name this sandbox serves the role removal under.
    pub fn removal_action(&self) -> RemovalAction {
        self.removal_action
    }

    /// Serves the role removal under another name, to try clients against a server that names
    /// it so (ftrack's own name is `remove_user_security_role`).
    pub fn set_removal_action(&mut self, action: RemovalAction) {
        self.removal_action = action;
    }

    /// Rows of an entity type, in insertion order.
    pub fn rows(&self, entity_type: &str) -> impl Iterator<Item = &Row> {
        self.rows_with_seq(entity_type).map(|(_, row)| row)
    }

    /// Rows of an entity type with their sequence numbers, in insertion order.
    pub fn rows_with_seq(&self, entity_type: &str) -> impl Iterator<Item = (u64, &Row)> {
        self.tables
            .get(entity_type)
            .into_iter()
            .flat_map(Table::rows)
    }

    /// The row stored under a sequence number.
    pub fn row_at(&self, entity_type: &str, seq: u64) -> Option<&Row> {
        self.tables.get(entity_type)?.row_at(seq)
    }

    /// Changes so far; any write changes it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Memo of the last paged query's order, valid for one generation.
    pub fn order_cache(&self) -> &OrderCache {
        &self.order_cache
    }

    /// The row with this primary key.
    pub fn get(&self, entity_type: &str, key: &str) -> Option<&Row> {
        self.tables.get(entity_type)?.get(key)
    }

    /// The user with this username (exactly as stored), found through the uniqueness index.
    pub fn user_by_username(&self, username: &str) -> Option<&Row> {
        self.unique_holder("User", username)
    }

    /// The row holding a value the server keeps unique (a username, a role's or a project's
    /// name), found through the uniqueness index.
    pub fn unique_holder(&self, entity_type: &str, value: &str) -> Option<&Row> {
        let table = self.tables.get(entity_type)?;
        table.get(table.holder_of(value)?)
    }

    /// Rows of `entity_type` whose foreign key `foreign_key` holds `id`, in insertion order.
    pub fn referring(&self, entity_type: &str, foreign_key: &str, id: &str) -> Vec<&Row> {
        self.tables
            .get(entity_type)
            .map(|table| table.referring(foreign_key, id).collect())
            .unwrap_or_default()
    }

    /// The entity with this primary key as a create reports it: its type and non-null scalars.
    pub fn entity(&self, entity_type: &str, key: &str) -> Option<Value> {
        let schema = entity_schema(entity_type)?;
        let row = self.get(entity_type, key)?;
        Some(with_type(schema, row.iter().filter(|(_, v)| !v.is_null())))
    }

    /// Applies writes in order, each seeing the ones before; on any error nothing is changed.
    /// Returns the entity each write reports (or `true` for a delete).
    pub fn apply(
        &mut self,
        writes: &[Write],
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<Vec<Value>, StoreError> {
        let mut log = UndoLog::default();
        let mut results = Vec::with_capacity(writes.len());
        for write in writes {
            match self.write(write, new_id, &mut log) {
                Ok(result) => results.push(result),
                Err(error) => {
                    self.undo(log);
                    return Err(error);
                }
            }
        }
        Ok(results)
    }

    /// Applies one write of a batch, recording in `log` how to undo it.
    pub fn write(
        &mut self,
        write: &Write,
        new_id: &mut dyn FnMut() -> String,
        log: &mut UndoLog,
    ) -> Result<Value, StoreError> {
        super::custom::check_write(self, write)?;
        let undo = &mut log.0;
        let written = match write {
            Write::Create {
                entity_type,
                key,
                data,
            } => self.create(schema_of(entity_type)?, key.as_ref(), data, new_id, undo),
            Write::Update {
                entity_type,
                key,
                data,
            } => self.update(schema_of(entity_type)?, key, data, undo),
            Write::Delete { entity_type, key } => self.delete(schema_of(entity_type)?, key, undo),
        }?;
        // Every user has a value row of every user custom attribute.
        super::custom::after_write(self, write, &written, new_id, log)?;
        Ok(written)
    }

    /// Undoes every write recorded in `log`, newest first.
    pub fn undo(&mut self, log: UndoLog) {
        for (entity_type, key, previous) in log.0.into_iter().rev() {
            self.replace(&entity_type, &key, previous);
        }
    }

    fn create(
        &mut self,
        schema: &EntitySchema,
        key: Option<&EntityKey>,
        data: &Row,
        new_id: &mut dyn FnMut() -> String,
        undo: &mut Vec<Undo>,
    ) -> Result<Value, StoreError> {
        let mut row = Row::new();
        for (name, default) in schema.defaults() {
            let value = if default.as_str() == Some(UID_DEFAULT) {
                Value::String(new_id())
            } else {
                default.clone()
            };
            row.insert(name.to_string(), value);
        }
        for (name, value) in scalars(schema, data)? {
            row.insert(name, value);
        }
        if let Some(key) = key {
            let values = key.values();
            check_key_arity(schema, &values)?;
            for (attribute, value) in schema.primary_key.iter().zip(values) {
                match row.get(attribute) {
                    Some(Value::String(given))
                        if data.contains_key(attribute) && given != value =>
                    {
                        return Err(validation(format!(
                            "entity_key {value:?} does not match {attribute} {given:?}"
                        )));
                    }
                    _ => {
                        row.insert(attribute.clone(), Value::String(value.to_string()));
                    }
                }
            }
        }
        for required in &schema.required {
            if row.get(required).is_none_or(Value::is_null) {
                return Err(validation(format!(
                    "{}.{required} is required",
                    schema.name
                )));
            }
        }
        let key = primary_key(schema, &row)?;
        if self.get(&schema.name, &key).is_some() {
            return Err(StoreError {
                exception: "DuplicateEntryError",
                message: format!("{} {key} already exists", schema.name),
            });
        }
        self.check_constraints(schema, &row, None)?;
        let reported = with_type(schema, row.iter().filter(|(_, v)| !v.is_null()));
        self.put(schema, key, Some(row), undo);
        Ok(reported)
    }

    fn update(
        &mut self,
        schema: &EntitySchema,
        key: &EntityKey,
        data: &Row,
        undo: &mut Vec<Undo>,
    ) -> Result<Value, StoreError> {
        let key = joined_key(schema, key)?;
        let Some(current) = self.get(&schema.name, &key).cloned() else {
            return Err(not_found(schema, &key));
        };
        let changes = scalars(schema, data)?;
        let mut row = current.clone();
        for (name, value) in &changes {
            if schema.immutable.contains(name) && current.get(name) != Some(value) {
                return Err(StoreError {
                    exception: "ImmutableAttributeError",
                    message: format!("{}.{name} cannot be changed", schema.name),
                });
            }
            if schema.required.contains(name) && value.is_null() {
                return Err(validation(format!("{}.{name} is required", schema.name)));
            }
            row.insert(name.clone(), value.clone());
        }
        self.check_constraints(schema, &row, Some(&key))?;
        let mut reported: Vec<(&String, &Value)> = schema
            .primary_key
            .iter()
            .chain(&schema.system_projections)
            .filter_map(|a| row.get_key_value(a))
            .collect();
        reported.extend(changes.iter().map(|(k, v)| (k, v)));
        let reported = with_type(schema, reported.into_iter());
        self.put(schema, key, Some(row), undo);
        Ok(reported)
    }

    fn delete(
        &mut self,
        schema: &'static EntitySchema,
        key: &EntityKey,
        undo: &mut Vec<Undo>,
    ) -> Result<Value, StoreError> {
        let key = joined_key(schema, key)?;
        if self.get(&schema.name, &key).is_none() {
            return Err(not_found(schema, &key));
        }
        // Rows pointing at a deleted entity go with it, and so do the rows pointing at those:
        // a user's memberships, grants and the grants' project rows; a group's subgroups.
        let mut doomed = vec![(schema, key)];
        let mut seen = HashSet::new();
        while let Some((schema, key)) = doomed.pop() {
            if seen.insert((schema.name.as_str(), key.clone())) {
                doomed.extend(self.dependants(schema, &key));
                self.put(schema, key, None, undo);
            }
        }
        Ok(Value::Bool(true))
    }

    /// The rows whose foreign keys hold the entity `key` of `schema`.
    fn dependants(&self, schema: &EntitySchema, key: &str) -> Vec<(&'static EntitySchema, String)> {
        let mut out = Vec::new();
        for other in super::schema::entity_schemas() {
            for attribute in other.attributes.values() {
                let AttributeKind::Reference {
                    target,
                    foreign_key: Some(fk),
                } = &attribute.kind
                else {
                    continue;
                };
                if *target == schema.name {
                    out.extend(
                        self.referring(&other.name, fk, key)
                            .into_iter()
                            .filter_map(|row| primary_key(other, row).ok())
                            .map(|k| (other, k)),
                    );
                }
            }
        }
        out
    }

    /// Unique values (usernames, role and project names, one membership per user and group,
    /// one grant per user and role, ...) and references that resolve.
    fn check_constraints(
        &self,
        schema: &EntitySchema,
        row: &Row,
        replacing: Option<&str>,
    ) -> Result<(), StoreError> {
        let own_key = primary_key(schema, row)?;
        if schema.name == "User"
            && let Some(username) = row.get("username").and_then(Value::as_str)
            && username.chars().count() > MAX_USERNAME_CHARS
        {
            return Err(validation(format!(
                "User.username is longer than {MAX_USERNAME_CHARS} characters"
            )));
        }
        for (name, attribute) in &schema.attributes {
            let AttributeKind::Reference {
                target,
                foreign_key: Some(fk),
            } = &attribute.kind
            else {
                continue;
            };
            let Some(id) = row.get(fk).and_then(Value::as_str) else {
                continue;
            };
            // A reference to itself (a group created as its own parent) is checked by id alone.
            let refers_to_itself = target == &schema.name && id == own_key;
            if self.get(target, id).is_none() && !refers_to_itself {
                return Err(validation(format!(
                    "{}.{name} refers to {target} {id}, which does not exist",
                    schema.name
                )));
            }
        }
        let Some(value) = unique_value(&schema.name, row) else {
            return Ok(());
        };
        let holder = self
            .tables
            .get(&schema.name)
            .and_then(|t| t.holder_of(&value));
        match holder {
            Some(holder) if holder != own_key && Some(holder) != replacing => {
                Err(duplicate(duplicate_message(&schema.name, &value)))
            }
            _ => Ok(()),
        }
    }

    fn put(&mut self, schema: &EntitySchema, key: String, row: Option<Row>, undo: &mut Vec<Undo>) {
        let previous = self.replace(&schema.name, &key, row);
        undo.push((schema.name.clone(), key, previous));
    }

    fn replace(&mut self, entity_type: &str, key: &str, row: Option<Row>) -> Option<Row> {
        self.generation += 1;
        self.tables
            .entry(entity_type.to_string())
            .or_default()
            .replace(entity_type, key, row, &mut self.next_seq)
    }
}

fn schema_of(entity_type: &str) -> Result<&'static EntitySchema, StoreError> {
    entity_schema(entity_type)
        .ok_or_else(|| validation(format!("unknown entity type {entity_type:?}")))
}

fn not_found(schema: &EntitySchema, key: &str) -> StoreError {
    StoreError {
        exception: "NoResultFoundError",
        message: format!("{} {key} does not exist", schema.name),
    }
}

fn duplicate(message: String) -> StoreError {
    StoreError {
        exception: "DuplicateEntryError",
        message,
    }
}

/// The scalar values a write sets: references become their foreign keys; unknown or
/// collection attributes are refused.
fn scalars(schema: &EntitySchema, data: &Row) -> Result<Vec<(String, Value)>, StoreError> {
    let mut out = Vec::new();
    for (name, value) in data {
        if name == "__entity_type__" {
            continue;
        }
        let Some(attribute) = schema.attribute(name) else {
            return Err(validation(format!(
                "{} has no attribute {name:?}",
                schema.name
            )));
        };
        match &attribute.kind {
            AttributeKind::Scalar { .. } => out.push((name.clone(), value.clone())),
            AttributeKind::Reference {
                foreign_key: Some(fk),
                ..
            } => {
                let id = match value {
                    Value::Null => Value::Null,
                    Value::Object(reference) => reference.get("id").cloned().ok_or_else(|| {
                        validation(format!("{}.{name}: a reference needs an id", schema.name))
                    })?,
                    other => other.clone(),
                };
                out.push((fk.clone(), id));
            }
            _ => {
                return Err(validation(format!(
                    "{}.{name} cannot be set directly",
                    schema.name
                )));
            }
        }
    }
    with_same_columns(schema, out)
}

/// Adds, for each value, the attributes stored in the same column (a deprecated alias gets
/// the value of its current name, and the other way round); two names of one column given
/// different values are refused.
fn with_same_columns(
    schema: &EntitySchema,
    mut values: Vec<(String, Value)>,
) -> Result<Vec<(String, Value)>, StoreError> {
    for i in 0..values.len() {
        let (name, value) = values[i].clone();
        for twin in schema.same_column(&name) {
            match values.iter().find(|(n, _)| n == twin) {
                Some((_, other)) if *other != value => {
                    return Err(validation(format!(
                        "{}.{name} and {twin} are one attribute and cannot differ",
                        schema.name
                    )));
                }
                Some(_) => {}
                None => values.push((twin.to_string(), value.clone())),
            }
        }
    }
    Ok(values)
}

fn check_key_arity(schema: &EntitySchema, values: &[&str]) -> Result<(), StoreError> {
    if values.len() == schema.primary_key.len() {
        Ok(())
    } else {
        Err(validation(format!(
            "{} needs {} key value(s), got {}",
            schema.name,
            schema.primary_key.len(),
            values.len()
        )))
    }
}

fn joined_key(schema: &EntitySchema, key: &EntityKey) -> Result<String, StoreError> {
    let values = key.values();
    check_key_arity(schema, &values)?;
    Ok(values.join("\u{1f}"))
}

fn primary_key(schema: &EntitySchema, row: &Row) -> Result<String, StoreError> {
    let parts: Option<Vec<String>> = schema
        .primary_key
        .iter()
        .map(|a| {
            row.get(a)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        })
        .collect();
    parts
        .map(|p| p.join("\u{1f}"))
        .ok_or_else(|| validation(format!("{} is missing its primary key", schema.name)))
}

fn with_type<'a>(
    schema: &EntitySchema,
    values: impl Iterator<Item = (&'a String, &'a Value)>,
) -> Value {
    let mut entity = Map::new();
    entity.insert(
        "__entity_type__".to_string(),
        Value::String(schema.name.clone()),
    );
    for (k, v) in values {
        entity.insert(k.clone(), v.clone());
    }
    Value::Object(entity)
}
