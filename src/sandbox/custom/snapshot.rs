//! User custom attributes in the snapshot format: loading configurations and users' values
//! into the store, and reading them back out.
//!
//! A snapshot lists the user configurations (key, type, label) and, on each user, the values
//! that differ from their configuration's default, as text. Loading turns each value back
//! into its type (a number, a flag) and writes it as the API would, with an update of the
//! user's row; a key only a user names becomes a text attribute.

use super::builtin::type_row;
use super::rows::{VALUE, default_value, type_name, user_configurations};
use crate::custom::{CustomAttribute, TEXT, USER_ENTITY_TYPE, value_text};
use crate::ftrack::wire::EntityKey;
use crate::model::FtrackUser;
use crate::sandbox::store::{Row, Store, Write};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

const CONFIGURATION: &str = "CustomAttributeConfiguration";

/// The ids and types of the configurations a seed knows by key, to write users' values with.
pub struct CustomSeed {
    /// Key -> (configuration id, type name).
    configurations: HashMap<String, (String, String)>,
    /// Type name -> type id.
    types: HashMap<String, String>,
}

impl CustomSeed {
    /// Adds to `writes` the snapshot's configurations the store does not have yet.
    pub fn new(store: &Store, wanted: &[CustomAttribute], writes: &mut Vec<Write>) -> Self {
        let configurations = user_configurations(store)
            .filter_map(|c| {
                let key = c.get("key")?.as_str()?.to_string();
                let id = c.get("id")?.as_str()?.to_string();
                Some((key, (id, type_name(store, c).to_string())))
            })
            .collect();
        let types = store
            .rows("CustomAttributeType")
            .filter_map(|t| Some((text(t, "name")?, text(t, "id")?)))
            .collect();
        let mut seed = Self {
            configurations,
            types,
        };
        for attribute in wanted {
            if !seed.configurations.contains_key(&attribute.key) {
                seed.add(attribute, writes);
            }
        }
        seed
    }

    /// Adds to `writes` the values of one user (written after the user).
    pub fn user_values(&mut self, user: &FtrackUser, writes: &mut Vec<Write>) {
        for (key, value) in &user.custom {
            let (configuration_id, kind) = self.configuration(key, writes);
            let mut data = Row::new();
            data.insert("value".to_string(), typed(&kind, value));
            writes.push(Write::Update {
                entity_type: VALUE.to_string(),
                key: EntityKey::List(vec![configuration_id, user.id.to_string()]),
                data,
            });
        }
    }

    /// The id and type of the configuration for `key`; a text one is made when it is missing.
    fn configuration(&mut self, key: &str, writes: &mut Vec<Write>) -> (String, String) {
        if !self.configurations.contains_key(key) {
            let attribute = CustomAttribute {
                id: format!("customattribute-{}", uuid::Uuid::new_v4()),
                key: key.to_string(),
                label: key.to_string(),
                kind: TEXT.to_string(),
            };
            self.add(&attribute, writes);
        }
        self.configurations[key].clone()
    }

    /// Adds the create of a configuration (and of its type, when the store lacks it).
    fn add(&mut self, attribute: &CustomAttribute, writes: &mut Vec<Write>) {
        let type_id = self
            .types
            .entry(attribute.kind.clone())
            .or_insert_with(|| {
                let id = format!("customattributetype-{}", uuid::Uuid::new_v4());
                writes.push(create(
                    "CustomAttributeType",
                    type_row(&id, &attribute.kind),
                ));
                id
            })
            .clone();
        let label = match attribute.label.as_str() {
            "" => &attribute.key,
            label => label,
        };
        let row = json!({"id": attribute.id, "key": attribute.key, "label": label,
                         "entity_type": USER_ENTITY_TYPE, "type_id": type_id});
        if let Value::Object(row) = row {
            writes.push(create(CONFIGURATION, row));
        }
        let known = (attribute.id.clone(), attribute.kind.clone());
        self.configurations.insert(attribute.key.clone(), known);
    }
}

/// A value given as text, as its type holds it: numbers and flags parsed (text that does not
/// parse stays text, and the store refuses it with the type's message).
fn typed(kind: &str, value: &str) -> Value {
    let parsed = match kind {
        "number" => serde_json::from_str::<serde_json::Number>(value)
            .ok()
            .map(Value::Number),
        "boolean" => value.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| json!(value))
}

fn create(entity_type: &str, data: Row) -> Write {
    Write::Create {
        entity_type: entity_type.to_string(),
        key: None,
        data,
    }
}

fn text(row: &Row, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The store's user configurations, in the order they were made.
pub fn configurations_of(store: &Store) -> Vec<CustomAttribute> {
    user_configurations(store)
        .map(|c| CustomAttribute {
            id: text(c, "id").unwrap_or_default(),
            key: text(c, "key").unwrap_or_default(),
            label: text(c, "label").unwrap_or_default(),
            kind: type_name(store, c).to_string(),
        })
        .collect()
}

/// A user's values that differ from their configuration's default, as text, by key.
pub fn user_values(store: &Store, user_id: &str) -> BTreeMap<String, String> {
    store
        .referring(VALUE, "entity_id", user_id)
        .into_iter()
        .filter_map(|row| {
            let configuration_id = row.get("configuration_id")?.as_str()?;
            let configuration = store.get(CONFIGURATION, configuration_id)?;
            let value = row.get("value")?;
            if *value == default_value(store, configuration) {
                return None;
            }
            Some((text(row, "key")?, value_text(value)?))
        })
        .collect()
}
