//! The JSON shapes of ftrack's API (`POST <server>/api`), shared by the client and the sandbox.
//!
//! A request body is a list of operations; the response is a list of results in the same order,
//! or one error object that replaces the whole list. Entities travel as JSON objects carrying
//! `__entity_type__`, so entity data stays a JSON map here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One operation of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Operation {
    /// Server version, schema hash and settings; the result is not wrapped.
    QueryServerInformation {
        /// Keys asked for; the server's default set when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        values: Option<Vec<String>>,
    },
    /// Every entity type's schema; the result is a bare list.
    QuerySchemas,
    /// A query in ftrack's query language.
    Query {
        /// The query text.
        expression: String,
    },
    /// Creates an entity.
    Create {
        /// Entity type, e.g. `User`.
        entity_type: String,
        /// Primary key values; absent when the server is to generate the id (JavaScript client).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entity_key: Option<EntityKey>,
        /// Attribute values.
        entity_data: Map<String, Value>,
    },
    /// Changes attributes of an entity.
    Update {
        /// Entity type.
        entity_type: String,
        /// Primary key values.
        entity_key: EntityKey,
        /// The changed attributes only.
        entity_data: Map<String, Value>,
    },
    /// Deletes an entity.
    Delete {
        /// Entity type.
        entity_type: String,
        /// Primary key values.
        entity_key: EntityKey,
    },
    /// Grants a security role to a user.
    AddUserSecurityRole {
        /// The user.
        user_id: String,
        /// The role.
        role_id: String,
    },
    /// Revokes a security role from a user.
    RemoveUserSecurityRole {
        /// The user.
        user_id: String,
        /// The role.
        role_id: String,
    },
    /// Revokes a security role from a user, on a server that names the removal so.
    RevokeUserSecurityRole {
        /// The user.
        user_id: String,
        /// The role.
        role_id: String,
    },
    /// Replaces a user's security role with another, keeping where it applies.
    UpdateUserSecurityRole {
        /// The user.
        user_id: String,
        /// The role the user holds now.
        role_id: String,
        /// The role it becomes.
        new_role_id: String,
    },
    /// Gives a user a role on one project, or on all open projects.
    GrantUserSecurityRoleProject(ProjectAccess),
    /// Takes a user's role away from one project, or from all open projects.
    RevokeUserSecurityRoleProject(ProjectAccess),
}

/// Whose role, and on which project (or all open projects), a project grant is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectAccess {
    /// The user.
    pub user_id: String,
    /// The role.
    pub role_id: String,
    /// The project, unless `all_open_projects`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Every open project instead of one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_open_projects: bool,
}

/// Primary key values: a list of strings (Python client) or one bare string (JavaScript client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EntityKey {
    /// `["<id>"]`.
    List(Vec<String>),
    /// `"<id>"`.
    Single(String),
}

impl EntityKey {
    /// The key values as a list, whichever form was sent.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Self::List(values) => values.iter().map(String::as_str).collect(),
            Self::Single(value) => vec![value.as_str()],
        }
    }
}

/// The error object that replaces a whole response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Exception name, e.g. `InvalidCredentialsError`, `ValidationError`.
    pub exception: String,
    /// Human-readable message (the Python client requires it).
    pub content: String,
    /// Optional machine code.
    #[serde(default)]
    pub error_code: Option<String>,
}

/// Paging information of a query result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Where the next page starts.
    #[serde(default)]
    pub next: Next,
}

/// The next page's offset; `null` when there are no more rows (never `next: null` itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Next {
    /// Offset of the next page.
    pub offset: Option<u64>,
}

/// The result of a `query` operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    /// Always `"query"`.
    pub action: String,
    /// Entities, normalised: each in full once, elsewhere as references.
    pub data: Vec<Value>,
    /// Paging.
    #[serde(default)]
    pub metadata: Metadata,
}

/// A query result decoded straight into typed rows, without a JSON tree in between.
#[derive(Debug, Deserialize)]
pub struct QueryPage<R> {
    /// The rows, normalised as in [`QueryResult`].
    pub data: Vec<R>,
    /// Paging.
    #[serde(default)]
    pub metadata: Metadata,
}

/// A whole response body: the results (as JSON values, or typed), or one error.
#[derive(Debug, Clone, PartialEq)]
pub enum Response<T = Value> {
    /// One result per operation, in order.
    Results(Vec<T>),
    /// The request failed as a whole.
    Error(ErrorBody),
}

/// Why a response body could not be understood.
#[derive(Debug, thiserror::Error)]
#[error("the ftrack server sent a response that is not ftrack JSON: {0}")]
pub struct UnexpectedBody(String);

impl<T: serde::de::DeserializeOwned> Response<T> {
    /// Reads a response body the way ftrack's own clients do: an object with `exception` is an
    /// error whatever the HTTP status; otherwise the body must be the list of results, each
    /// decoded as `T` directly from the bytes.
    pub fn parse(body: &[u8]) -> Result<Self, UnexpectedBody> {
        let starts_list = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        if starts_list {
            return serde_json::from_slice(body)
                .map(Self::Results)
                .map_err(|e| UnexpectedBody(e.to_string()));
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| UnexpectedBody(e.to_string()))?;
        match value {
            Value::Object(map) if map.contains_key("exception") => {
                serde_json::from_value(Value::Object(map))
                    .map(Self::Error)
                    .map_err(|e| UnexpectedBody(e.to_string()))
            }
            other => Err(UnexpectedBody(format!(
                "expected a list of results, found {}",
                kind(&other)
            ))),
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object without \"exception\"",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_create_carries_key_list_and_id() {
        let op: Operation = serde_json::from_value(json!({
            "action": "create", "entity_type": "User", "entity_key": ["5f0e"],
            "entity_data": {"__entity_type__": "User", "id": "5f0e", "username": "jdoe", "is_active": true}
        }))
        .unwrap();
        let Operation::Create {
            entity_type,
            entity_key,
            entity_data,
        } = op
        else {
            panic!("not a create")
        };
        assert_eq!(entity_type, "User");
        assert_eq!(entity_key.unwrap().values(), ["5f0e"]);
        assert_eq!(entity_data["username"], "jdoe");
    }

    #[test]
    fn javascript_forms_are_accepted() {
        let create: Operation = serde_json::from_value(json!({
            "action": "create", "entity_type": "User", "entity_data": {"username": "x"}
        }))
        .unwrap();
        assert!(matches!(
            create,
            Operation::Create {
                entity_key: None,
                ..
            }
        ));
        let update: Operation = serde_json::from_value(json!({
            "action": "update", "entity_type": "User", "entity_key": "8b0c", "entity_data": {"is_active": false}
        }))
        .unwrap();
        let Operation::Update { entity_key, .. } = update else {
            panic!("not an update")
        };
        assert_eq!(entity_key.values(), ["8b0c"]);
    }

    #[test]
    fn operations_serialise_with_the_action_tag() {
        let ops = vec![
            Operation::QueryServerInformation { values: None },
            Operation::QuerySchemas,
            Operation::Query {
                expression: "select id from User".into(),
            },
        ];
        assert_eq!(
            serde_json::to_value(&ops).unwrap(),
            json!([{"action": "query_server_information"}, {"action": "query_schemas"},
                   {"action": "query", "expression": "select id from User"}])
        );
    }

    #[test]
    fn responses_are_read_by_shape_not_status() {
        let error = br#"{"exception": "InvalidCredentialsError", "content": "The supplied API key is not valid.", "error_code": null}"#;
        match Response::<Value>::parse(error).unwrap() {
            Response::Error(e) => assert_eq!(e.exception, "InvalidCredentialsError"),
            other => panic!("expected an error, got {other:?}"),
        }
        let ok = br#"[{"action": "query", "data": [], "metadata": {"next": {"offset": null}}}]"#;
        let Response::Results(results) = Response::<Value>::parse(ok).unwrap() else {
            panic!("expected results")
        };
        let page: QueryResult = serde_json::from_value(results[0].clone()).unwrap();
        assert_eq!(page.metadata.next.offset, None);
        assert!(Response::<Value>::parse(b"<html>401</html>").is_err());
        assert!(
            Response::<Value>::parse(br#"{"detail": []}"#)
                .unwrap_err()
                .to_string()
                .contains("without")
        );
    }
}
