//! Reading a request body into the operations the sandbox runs: the shared wire protocol's
//! operations, and the security-role actions, which the sandbox reads itself (ftrack's request
//! model for them has only optional fields, each action checking the ones it needs).

use super::access::{RemovalAction, RoleRequest};
use super::store::StoreError;
use crate::ftrack::wire::Operation;
use serde_json::Value;

/// One operation of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A session operation, a query or a write.
    Wire(Operation),
    /// A security-role action.
    Role(RoleRequest),
}

impl Request {
    /// The action's name on the wire.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Role(request) => request.action.name(),
            Self::Wire(operation) => wire_action(operation),
        }
    }
}

/// The name of a wire operation's action.
fn wire_action(operation: &Operation) -> &'static str {
    match operation {
        Operation::QueryServerInformation { .. } => "query_server_information",
        Operation::QuerySchemas => "query_schemas",
        Operation::Query { .. } => "query",
        other => write_action(other),
    }
}

/// The name of a write's action; `decode` reads the security-role actions as
/// `Request::Role`, and any other operation the shared protocol may gain is not served.
fn write_action(operation: &Operation) -> &'static str {
    match operation {
        Operation::Create { .. } => "create",
        Operation::Update { .. } => "update",
        Operation::Delete { .. } => "delete",
        _ => "unsupported",
    }
}

/// Reads a request body: a JSON list of operation objects. Anything else, an unknown action
/// or a field of the wrong type is a `ValidationError` for the whole request.
pub fn decode(body: &[u8], removal: RemovalAction) -> Result<Vec<Request>, StoreError> {
    let operations: Vec<Value> = serde_json::from_slice(body).map_err(not_operations)?;
    operations
        .into_iter()
        .map(|operation| decode_one(operation, removal))
        .collect()
}

fn decode_one(operation: Value, removal: RemovalAction) -> Result<Request, StoreError> {
    let name = operation.get("action").and_then(Value::as_str);
    let role_action = name.and_then(|name| removal.read(name));
    let other_removal = [RemovalAction::Remove, RemovalAction::Revoke]
        .into_iter()
        .find(|r| *r != removal && Some(r.name()) == name);
    if let Some(other) = other_removal {
        return Err(StoreError {
            exception: "ValidationError",
            message: format!(
                "the request body is not a list of ftrack operations: unknown variant `{}`",
                other.name()
            ),
        });
    }
    match role_action {
        Some(action) => RoleRequest::decode(action, operation)
            .map(Request::Role)
            .map_err(not_operations),
        None => serde_json::from_value(operation)
            .map(Request::Wire)
            .map_err(not_operations),
    }
}

fn not_operations(error: serde_json::Error) -> StoreError {
    StoreError {
        exception: "ValidationError",
        message: format!("the request body is not a list of ftrack operations: {error}"),
    }
}
