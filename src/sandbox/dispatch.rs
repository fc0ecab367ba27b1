//! Runs the operations of one request against the store, in order, undoing all on failure.
//!
//! A user created through the API gets the store's default role on all open projects
//! ([`Store::default_role`], `User` unless changed), as ftrack documents for new users.

use super::access::{Grants, give_default_role, run_role_action};
use super::evaluate::Evaluator;
use super::normalise::Form;
use super::query::parse_query;
use super::request::Request;
use super::schema::{schemas, served_schema_hash};
use super::store::{Store, StoreError, UndoLog, Write};
use crate::ftrack::wire::Operation;
use serde_json::{Value, json};

/// The version the sandbox reports; recent enough for ftrack's Python client.
pub const SERVER_VERSION: &str = "4.13.8.sandbox";

/// Runs a request's operations in order; on the first failure every earlier write is undone.
pub fn execute(store: &mut Store, requests: &[Request]) -> Result<Vec<Value>, StoreError> {
    let mut log = UndoLog::default();
    let mut new_id = || uuid::Uuid::new_v4().to_string();
    let mut results = Vec::with_capacity(requests.len());
    for request in requests {
        match run_one(store, request, &mut new_id, &mut log) {
            Ok(result) => results.push(result),
            Err(error) => {
                store.undo(log);
                return Err(error);
            }
        }
    }
    Ok(results)
}

/// An operation that only reads the store.
enum Read<'r> {
    Query(&'r str),
    ServerInformation,
    Schemas,
}

impl<'r> Read<'r> {
    /// The read a request makes, or `None` when it writes.
    fn of(request: &'r Request) -> Option<Self> {
        match request {
            Request::Wire(Operation::Query { expression }) => Some(Read::Query(expression)),
            Request::Wire(Operation::QueryServerInformation { .. }) => {
                Some(Read::ServerInformation)
            }
            Request::Wire(Operation::QuerySchemas) => Some(Read::Schemas),
            _ => None,
        }
    }

    /// The read's result, every entity in full wherever it occurs.
    fn run(&self, store: &Store) -> Result<Value, StoreError> {
        match self {
            Read::Query(expression) => run_query(store, expression, Form::Denormalised),
            Read::ServerInformation => Ok(server_information()),
            Read::Schemas => Ok(schemas()),
        }
    }
}

/// Runs a request whose operations all only read, against a store other reads may share, and
/// answers in `form`; `None`, running nothing, when one of them writes (it needs [`execute`]).
pub fn execute_reads(
    store: &Store,
    requests: &[Request],
    form: Form,
) -> Option<Result<Vec<Value>, StoreError>> {
    let reads: Vec<Read> = requests.iter().map(Read::of).collect::<Option<_>>()?;
    if let [Read::Query(expression)] = reads.as_slice() {
        // The answer is this query's result alone, so it can take its form as it is made.
        return Some(run_query(store, expression, form).map(|result| vec![result]));
    }
    let results = reads
        .iter()
        .map(|read| read.run(store))
        .collect::<Result<Vec<_>, _>>()
        .map(|mut results| {
            form.apply(&mut results);
            results
        });
    Some(results)
}

/// Runs one operation; its writes go to `log` so that a later failure can undo them.
fn run_one(
    store: &mut Store,
    request: &Request,
    new_id: &mut dyn FnMut() -> String,
    log: &mut UndoLog,
) -> Result<Value, StoreError> {
    let operation = match request {
        Request::Role(role) => return run_role_action(&mut Grants::new(store, new_id, log), role),
        Request::Wire(operation) => operation,
    };
    if let Some(read) = Read::of(request) {
        // The answer takes its form once every operation has run.
        return read.run(store);
    }
    // Security-role actions arrive as `Request::Role` (see `request::decode`).
    match write_of(operation) {
        Some(write) => run_write(store, &write, request.action(), new_id, log),
        None => Err(invalid_action(request.action())),
    }
}

/// The store write of a create, update or delete.
fn write_of(operation: &Operation) -> Option<Write> {
    match operation {
        Operation::Create {
            entity_type,
            entity_key,
            entity_data,
        } => Some(Write::Create {
            entity_type: entity_type.clone(),
            key: entity_key.clone(),
            data: entity_data.clone(),
        }),
        Operation::Update {
            entity_type,
            entity_key,
            entity_data,
        } => Some(Write::Update {
            entity_type: entity_type.clone(),
            key: entity_key.clone(),
            data: entity_data.clone(),
        }),
        Operation::Delete {
            entity_type,
            entity_key,
        } => Some(Write::Delete {
            entity_type: entity_type.clone(),
            key: entity_key.clone(),
        }),
        _ => None,
    }
}

/// Runs one write; a user created through the API also gets the default role. Custom
/// attribute values are only ever updated.
fn run_write(
    store: &mut Store,
    write: &Write,
    action: &str,
    new_id: &mut dyn FnMut() -> String,
    log: &mut UndoLog,
) -> Result<Value, StoreError> {
    if let Some(refusal) = super::custom::refused(write) {
        return Err(refusal);
    }
    let data = store.write(write, new_id, log)?;
    if let Write::Create { entity_type, .. } = write
        && entity_type == "User"
        && let Some(user_id) = data["id"].as_str()
    {
        give_default_role(&mut Grants::new(store, new_id, log), user_id)?;
    }
    Ok(json!({"action": action, "data": data}))
}

/// The answer to `query_server_information`.
fn server_information() -> Value {
    json!({
        "version": SERVER_VERSION,
        "schema_hash": served_schema_hash(),
        "is_timezone_support_enabled": true,
        "storage_scenario": {"scenario": "ftrack.automatic", "data": {}},
    })
}

/// Parses and evaluates a query; a parse failure is ftrack's `ParseError`.
fn run_query(store: &Store, expression: &str, form: Form) -> Result<Value, StoreError> {
    let query = parse_query(expression).map_err(|e| StoreError {
        exception: "ParseError",
        message: e.to_string(),
    })?;
    let page = Evaluator::new(store).run_in(&query, form)?;
    // Built by hand: `json!` would copy the data through `to_value`.
    let mut result = serde_json::Map::new();
    result.insert("action".to_string(), Value::from("query"));
    result.insert("data".to_string(), Value::Array(page.data));
    result.insert(
        "metadata".to_string(),
        json!({"next": {"offset": page.next_offset}}),
    );
    Ok(Value::Object(result))
}

/// What older ftrack servers answer to an action they do not know (the Python client looks
/// for this text).
fn invalid_action(name: &str) -> StoreError {
    StoreError {
        exception: "ServerError",
        message: format!("Invalid action u'{name}'"),
    }
}
