//! User custom attributes in ftrack: the server's configurations for users (a key, a label and
//! a type) and the text form of their values. Plain data shared by the reader, the planner,
//! the writer and the sandbox.
//!
//! ftrack keeps one `CustomAttributeConfiguration` per attribute (`entity_type` "user", no
//! project, no object type for user attributes) and one `UserCustomAttributeValue` per user
//! and configuration (the configuration's default until a value is set).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The name of ftrack's text type (`CustomAttributeType.name`), the only type this tool writes.
pub const TEXT: &str = "text";

/// The `entity_type` of user custom attribute configurations.
pub const USER_ENTITY_TYPE: &str = "user";

/// A user custom attribute configuration on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomAttribute {
    /// The server's id (a value's `configuration_id`).
    pub id: String,
    /// Its key, unique among user attributes (`phone`).
    pub key: String,
    /// Its label, as the web interface shows it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The name of its type: `text`, `number`, `boolean`, `date`, `enumerator`, ...
    #[serde(rename = "type")]
    pub kind: String,
}

impl CustomAttribute {
    /// True when its values are text, the only kind the directory can give.
    pub fn is_text(&self) -> bool {
        self.kind.eq_ignore_ascii_case(TEXT)
    }
}

/// A value as the server sends it, as text: strings as they are, numbers and flags as JSON
/// writes them; `None` for null (no value) and for lists and objects (enumerators' selections).
pub fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_text_and_null_as_none() {
        assert_eq!(value_text(&json!("+46 1")), Some("+46 1".to_string()));
        assert_eq!(value_text(&json!(7)), Some("7".to_string()));
        assert_eq!(value_text(&json!(true)), Some("true".to_string()));
        assert_eq!(value_text(&Value::Null), None);
        assert_eq!(value_text(&json!(["a"])), None);
    }

    #[test]
    fn configurations_serialise_their_type_by_name() {
        let phone = CustomAttribute {
            id: "c1".into(),
            key: "phone".into(),
            label: String::new(),
            kind: "Text".into(),
        };
        assert!(phone.is_text());
        let json = serde_json::to_value(&phone).unwrap();
        assert_eq!(json, json!({"id": "c1", "key": "phone", "type": "Text"}));
    }
}
