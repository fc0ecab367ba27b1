//! Normalised responses read as JSON: every entity of a response merged by type and id, so
//! that a bare reference resolves to the entity's attributes wherever the full copy was.
//! Used for the small reads (custom attributes, roles, projects); users are decoded typed
//! (`user_rows.rs`).

use serde_json::{Map, Value};
use std::collections::HashMap;

type Identity = (String, String);

/// Every entity of a response merged by type and id.
#[derive(Default)]
pub(super) struct Entities(HashMap<Identity, Map<String, Value>>);

impl Entities {
    /// The entities of these rows.
    pub(super) fn of(rows: &[Value]) -> Self {
        let mut entities = Self::default();
        entities.collect_rows(rows);
        entities
    }

    /// Merges every entity of a page's rows, without copying the page first.
    pub(super) fn collect_rows(&mut self, rows: &[Value]) {
        rows.iter().for_each(|row| self.collect(row));
    }

    /// Merges every entity found in `value`, nested ones included.
    fn collect(&mut self, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.collect(v)),
            Value::Object(map) => {
                if let Some(key) = identity(map) {
                    let entry = self.0.entry(key).or_default();
                    for (k, v) in map {
                        // Keep the fullest version of nested values (a list or object beats a reference).
                        let richer = match (entry.get(k), v) {
                            (None, _) => true,
                            (Some(Value::Object(old)), Value::Object(new)) => new.len() > old.len(),
                            (Some(_), _) => !v.is_null(),
                        };
                        if richer {
                            entry.insert(k.clone(), v.clone());
                        }
                    }
                }
                map.values().for_each(|v| self.collect(v));
            }
            _ => {}
        }
    }

    /// The merged attributes of whatever entity this value refers to.
    pub(super) fn resolve<'e>(&'e self, value: &'e Value) -> Option<&'e Map<String, Value>> {
        let map = value.as_object()?;
        identity(map).and_then(|key| self.0.get(&key)).or(Some(map))
    }
}

fn identity(map: &Map<String, Value>) -> Option<Identity> {
    let entity_type = map.get("__entity_type__")?.as_str()?;
    let id = map.get("id")?.as_str()?;
    Some((entity_type.to_string(), id.to_string()))
}

/// A text attribute, empty when absent or not text.
pub(super) fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
