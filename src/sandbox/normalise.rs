//! Response normalisation: within one response each entity appears in full once, and every
//! other occurrence is a reference (type and primary key), as the real server answers unless a
//! client asks for `denormalize`. The full copy carries every attribute any occurrence had.

use super::schema::entity_schema;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

type Key = (String, Vec<String>);

/// The identity of an entity object: its type and primary key values.
fn identity(entity: &Map<String, Value>) -> Option<Key> {
    let name = entity.get("__entity_type__")?.as_str()?;
    let schema = entity_schema(name)?;
    let values: Option<Vec<String>> = schema
        .primary_key
        .iter()
        .map(|k| {
            entity
                .get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        })
        .collect();
    Some((name.to_string(), values?))
}

/// Rewrites a response in place so that each entity is complete once and referenced elsewhere.
pub fn normalise(results: &mut [Value]) {
    let mut merged: HashMap<Key, Map<String, Value>> = HashMap::new();
    for result in results.iter() {
        collect(result, &mut merged);
    }
    let mut written: HashSet<Key> = HashSet::new();
    for result in results.iter_mut() {
        rewrite(result, &merged, &mut written);
    }
}

/// Gathers every scalar attribute seen for each entity (nested entities are handled on their own).
fn collect(value: &Value, merged: &mut HashMap<Key, Map<String, Value>>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, merged)),
        Value::Object(map) => {
            if let Some(key) = identity(map) {
                let entry = merged.entry(key).or_default();
                for (k, v) in map {
                    if !is_entity_or_list(v) || !entry.contains_key(k) {
                        entry.insert(k.clone(), v.clone());
                    }
                }
            }
            map.values().for_each(|v| collect(v, merged));
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

fn rewrite(
    value: &mut Value,
    merged: &HashMap<Key, Map<String, Value>>,
    written: &mut HashSet<Key>,
) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, merged, written)),
        Value::Object(map) => {
            if let Some(key) = identity(map) {
                if written.insert(key.clone()) {
                    if let Some(full) = merged.get(&key) {
                        *map = full.clone();
                    }
                } else {
                    let schema = entity_schema(&key.0);
                    map.retain(|k, _| {
                        k == "__entity_type__" || schema.is_some_and(|s| s.primary_key.contains(k))
                    });
                    return;
                }
            }
            map.values_mut().for_each(|v| rewrite(v, merged, written));
        }
        _ => {}
    }
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
