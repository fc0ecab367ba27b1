//! The custom attribute types every ftrack server has, with the ids ftrack gives them.

use serde_json::{Map, Value, json};

/// `(id, name)` of ftrack's built-in custom attribute types.
const TYPES: [(&str, &str); 8] = [
    ("6268aef0-381c-11e0-acff-0019bb49847a", "text"),
    ("92009b00-381c-11e0-acff-0019bb49847a", "number"),
    ("ad1034d8-15e2-11e1-b21a-0019bb4983d8", "boolean"),
    ("79968e9e-381c-11e0-acff-0019bb49847a", "date"),
    ("6ff9c812-ead3-11e2-846c-f23c91dfaa16", "enumerator"),
    ("882e4aee-fae6-11e3-b623-20c9d0831e59", "dynamic enumerator"),
    ("ec616dcd-56e2-4147-99f8-7e4a4f040cf9", "url"),
    ("d2e6a530-357f-11e2-bd73-0019bb4985b8", "expression"),
];

/// The built-in types as `(id, name)`.
pub fn built_in_types() -> impl Iterator<Item = (&'static str, &'static str)> {
    TYPES.into_iter()
}

/// A `CustomAttributeType` row.
pub fn type_row(id: &str, name: &str) -> Map<String, Value> {
    match json!({"id": id, "name": name}) {
        Value::Object(row) => row,
        _ => Map::new(),
    }
}

/// The default a new configuration of this type gets when none is given: text is `""`,
/// every other type has none.
pub fn default_for(type_name: &str) -> Value {
    if type_name == "text" {
        json!("")
    } else {
        Value::Null
    }
}
