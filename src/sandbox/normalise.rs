//! Response normalisation: within one response each entity appears in full once, and every
//! other occurrence is a reference (type and primary key), as the real server answers unless a
//! client asks for `denormalize`. The full copy carries every attribute any occurrence had.
//!
//! An entity that occurs once is already its own full copy, so only entities that occur more
//! than once are merged and copied. The answer to a single query is usually normalised as it
//! is projected instead ([`Written`], used by `projection.rs`), which gives the same answer.

use super::schema::entity_schema;
use foldhash::{HashMap, HashSet};
use serde_json::{Map, Value};

/// How an answer writes an entity that occurs more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// In full once, then as references: what the server sends by default.
    Normalised,
    /// In full every time: what a client asking for `denormalize` gets.
    Denormalised,
}

impl Form {
    /// Puts a whole answer's results in this form (they are projected denormalised).
    pub fn apply(self, results: &mut [Value]) {
        if self == Form::Normalised {
            normalise(results);
        }
    }
}

/// The entities an answer normalised as it is projected has already written in full.
#[derive(Default)]
pub struct Written {
    keys: HashSet<String>,
    key: String,
}

impl Written {
    /// Whether `entity` (holding at least its type and primary key) was written in full
    /// before; the first time, it is noted as written now. An object that is not an entity
    /// never counts as written.
    pub fn seen_before(&mut self, entity: &Map<String, Value>) -> bool {
        if !identity(entity, &mut self.key) {
            return false;
        }
        if self.keys.contains(self.key.as_str()) {
            return true;
        }
        self.keys.insert(std::mem::take(&mut self.key));
        false
    }
}

/// What is known of one entity of the response.
#[derive(Default)]
struct Seen {
    /// How often it occurs in the response as given.
    occurrences: u32,
    /// The merged full copy of an entity that occurs more than once, until it is written.
    full: Option<Map<String, Value>>,
    /// Whether its full copy has been written.
    written: bool,
}

/// Entities by identity (see [`identity`]).
type Entities = HashMap<String, Seen>;

/// Writes the identity of an entity object (its type and primary key values) into `key`;
/// false when the object is not an entity.
fn identity(entity: &Map<String, Value>, key: &mut String) -> bool {
    key.clear();
    let Some(name) = entity.get("__entity_type__").and_then(Value::as_str) else {
        return false;
    };
    let Some(schema) = entity_schema(name) else {
        return false;
    };
    push_part(key, name);
    for attribute in &schema.primary_key {
        match entity.get(attribute) {
            Some(Value::String(text)) => push_part(key, text),
            Some(other) => push_part(key, &other.to_string()),
            None => return false,
        }
    }
    true
}

/// Appends one part of an identity and ends it with NUL; NUL and SOH inside a part are
/// escaped, so that two different identities never give the same key.
fn push_part(key: &mut String, part: &str) {
    if part.bytes().any(|b| b <= 1) {
        for c in part.chars() {
            match c {
                '\0' => key.push_str("\u{1}0"),
                '\u{1}' => key.push_str("\u{1}1"),
                c => key.push(c),
            }
        }
    } else {
        key.push_str(part);
    }
    key.push('\0');
}

/// Rewrites a response in place so that each entity is complete once and referenced elsewhere.
pub fn normalise(results: &mut [Value]) {
    let mut entities = Entities::default();
    let mut key = String::new();
    for result in results.iter() {
        count(result, &mut entities, &mut key);
    }
    for result in results.iter() {
        collect(result, &mut entities, &mut key);
    }
    for result in results.iter_mut() {
        rewrite(result, &mut entities, &mut key);
    }
}

/// Counts the occurrences of each entity.
fn count(value: &Value, entities: &mut Entities, key: &mut String) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| count(v, entities, key)),
        Value::Object(map) => {
            if identity(map, key) {
                match entities.get_mut(key.as_str()) {
                    Some(seen) => seen.occurrences += 1,
                    None => {
                        let seen = Seen {
                            occurrences: 1,
                            ..Seen::default()
                        };
                        entities.insert(key.clone(), seen);
                    }
                }
            }
            map.values().for_each(|v| count(v, entities, key));
        }
        _ => {}
    }
}

/// Gathers, for each entity that occurs more than once, every scalar attribute seen (the
/// last occurrence's value wins) and the first value of each relation.
fn collect(value: &Value, entities: &mut Entities, key: &mut String) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, entities, key)),
        Value::Object(map) => {
            if identity(map, key)
                && let Some(seen) = entities.get_mut(key.as_str())
                && seen.occurrences > 1
            {
                let full = seen.full.get_or_insert_with(Map::new);
                for (k, v) in map {
                    if !is_entity_or_list(v) || !full.contains_key(k) {
                        full.insert(k.clone(), v.clone());
                    }
                }
            }
            map.values().for_each(|v| collect(v, entities, key));
        }
        _ => {}
    }
}

fn is_entity_or_list(value: &Value) -> bool {
    matches!(value, Value::Array(_))
        || value
            .as_object()
            .is_some_and(|m| m.contains_key("__entity_type__"))
}

/// Puts each entity's full copy at its first occurrence and references at the others.
fn rewrite(value: &mut Value, entities: &mut Entities, key: &mut String) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, entities, key)),
        Value::Object(map) => {
            if identity(map, key) {
                match first_write(entities, key) {
                    None => {
                        retain_reference(map);
                        return;
                    }
                    Some(Some(full)) => *map = full,
                    Some(None) => {}
                }
            }
            map.values_mut().for_each(|v| rewrite(v, entities, key));
        }
        _ => {}
    }
}

/// Marks an entity written: `None` when it already was, else its merged full copy if it has one.
fn first_write(entities: &mut Entities, key: &str) -> Option<Option<Map<String, Value>>> {
    if let Some(seen) = entities.get_mut(key) {
        if seen.written {
            return None;
        }
        seen.written = true;
        return Some(seen.full.take());
    }
    let seen = Seen {
        written: true,
        ..Seen::default()
    };
    entities.insert(key.to_string(), seen);
    Some(None)
}

/// Keeps only the type and primary key of an entity object.
pub fn retain_reference(map: &mut Map<String, Value>) {
    let schema = map
        .get("__entity_type__")
        .and_then(Value::as_str)
        .and_then(entity_schema);
    map.retain(|k, _| k == "__entity_type__" || schema.is_some_and(|s| s.primary_key.contains(k)));
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_occurrences_become_references_and_the_first_is_complete() {
        let mut results = vec![json!({"action": "query", "data": [
            {"__entity_type__": "User", "id": "u1", "username": "ann",
             "memberships": [{"__entity_type__": "Membership", "id": "m1", "group": {"__entity_type__": "Group", "id": "g1", "name": "FX"}}]},
            {"__entity_type__": "User", "id": "u2", "username": "bob",
             "memberships": [{"__entity_type__": "Membership", "id": "m2", "group": {"__entity_type__": "Group", "id": "g1", "name": "FX", "local": false}}]},
            {"__entity_type__": "User", "id": "u1", "first_name": "Ann"}
        ]})];
        normalise(&mut results);
        let data = &results[0]["data"];
        assert_eq!(
            data[0]["first_name"], "Ann",
            "the full copy merges every occurrence"
        );
        assert_eq!(
            data[0]["memberships"][0]["group"],
            json!({"__entity_type__": "Group", "id": "g1", "name": "FX", "local": false})
        );
        assert_eq!(
            data[1]["memberships"][0]["group"],
            json!({"__entity_type__": "Group", "id": "g1"})
        );
        assert_eq!(data[2], json!({"__entity_type__": "User", "id": "u1"}));
    }

    #[test]
    fn values_that_are_not_entities_are_left_alone() {
        let mut results = vec![
            json!({"version": "1"}),
            json!([{"id": "User"}]),
            json!({"action": "delete", "data": true}),
        ];
        let before = results.clone();
        normalise(&mut results);
        assert_eq!(results, before);
    }
}
