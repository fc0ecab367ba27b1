//! User custom attributes in the sandbox: dense value rows for every user and user
//! configuration, reading them through `User.custom_attributes`, updates (and the creates and
//! deletes the API refuses), values checked against their type, seed and dump.

use crate::custom::CustomAttribute;
use crate::ftrack::wire::{EntityKey, Operation};
use crate::model::FtrackSnapshot;
use crate::sandbox::dispatch::execute;
use crate::sandbox::evaluate::Evaluator;
use crate::sandbox::query::parse_query;
use crate::sandbox::request::Request;
use crate::sandbox::seed::{seed, snapshot_of};
use crate::sandbox::store::{Store, StoreError};
use serde_json::{Map, Value, json};

/// ann (phone set) and bob; text attributes phone and locale, a number attribute employee_id.
fn studio() -> Store {
    let snapshot: FtrackSnapshot = serde_json::from_value(json!({
        "users": [
            {"id": "u-ann", "username": "ann", "is_active": true,
             "custom": {"phone": "+46 1", "employee_id": "42"}},
            {"id": "u-bob", "username": "bob", "is_active": true},
        ],
        "custom_attributes": [
            {"id": "c-phone", "key": "phone", "label": "Phone", "type": "text"},
            {"id": "c-locale", "key": "locale", "type": "text"},
            {"id": "c-employee", "key": "employee_id", "type": "number"},
        ],
    }))
    .unwrap();
    let mut store = Store::new();
    seed(&mut store, &snapshot).unwrap();
    store
}

fn query(store: &Store, expression: &str) -> Vec<Value> {
    let parsed = parse_query(expression).unwrap_or_else(|e| panic!("{expression}: {e}"));
    Evaluator::new(store)
        .run(&parsed)
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .data
}

fn data(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn update_value(configuration: &str, user: &str, value: Value) -> Request {
    Request::Wire(Operation::Update {
        entity_type: "UserCustomAttributeValue".into(),
        entity_key: EntityKey::List(vec![configuration.into(), user.into()]),
        entity_data: data(json!({"__entity_type__": "UserCustomAttributeValue", "value": value})),
    })
}

fn create(entity_type: &str, fields: Value) -> Request {
    Request::Wire(Operation::Create {
        entity_type: entity_type.into(),
        entity_key: None,
        entity_data: data(fields),
    })
}

/// A user's values by key, as `select custom_attributes from User` returns them.
fn values_of(store: &Store, user: &str) -> Vec<(String, Value)> {
    let rows = query(
        store,
        &format!("select custom_attributes from User where id is \"{user}\""),
    );
    rows[0]["custom_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["key"].as_str().unwrap().to_string(), v["value"].clone()))
        .collect()
}

#[test]
fn every_user_has_a_row_of_every_user_attribute_holding_the_default_until_set() {
    let mut store = studio();
    assert_eq!(
        values_of(&store, "u-ann"),
        [
            ("phone".to_string(), json!("+46 1")),
            ("locale".to_string(), json!("")),
            ("employee_id".to_string(), json!(42)),
        ]
    );
    assert_eq!(
        values_of(&store, "u-bob")[2],
        ("employee_id".into(), Value::Null)
    );
    // A user created through the API gets rows; so does everyone for a new configuration.
    let new_user = create("User", json!({"id": "u-cy", "username": "cy"}));
    let text_type = "6268aef0-381c-11e0-acff-0019bb49847a";
    let new_attribute = create(
        "CustomAttributeConfiguration",
        json!({"id": "c-dept", "key": "department", "entity_type": "user", "type_id": text_type,
               "default": "none"}),
    );
    execute(&mut store, &[new_user, new_attribute]).unwrap();
    assert_eq!(values_of(&store, "u-cy").len(), 4);
    assert_eq!(
        values_of(&store, "u-ann")[3],
        ("department".into(), json!("none"))
    );
    // A row carries both keys, the key and the value when projected from the user.
    let rows = query(
        &store,
        "select custom_attributes from User where id is \"u-bob\"",
    );
    let first = &rows[0]["custom_attributes"][0];
    assert_eq!(
        (
            first["__entity_type__"].as_str(),
            first["configuration_id"].as_str()
        ),
        (Some("UserCustomAttributeValue"), Some("c-phone"))
    );
    assert_eq!(first["entity_id"], "u-bob");
    // Deleting a user takes its rows with it.
    let delete = Request::Wire(Operation::Delete {
        entity_type: "User".into(),
        entity_key: EntityKey::List(vec!["u-cy".into()]),
    });
    execute(&mut store, &[delete]).unwrap();
    assert_eq!(store.rows("UserCustomAttributeValue").count(), 8);
}

#[test]
fn values_are_updated_filtered_on_and_read_flat() {
    let mut store = studio();
    let results = execute(
        &mut store,
        &[update_value("c-phone", "u-bob", json!("+46 2"))],
    )
    .unwrap();
    let reported = &results[0]["data"];
    assert_eq!(
        (
            &reported["configuration_id"],
            &reported["entity_id"],
            &reported["value"]
        ),
        (&json!("c-phone"), &json!("u-bob"), &json!("+46 2"))
    );
    let found = query(
        &store,
        "select username from User where custom_attributes any (key is \"phone\" and value is \"+46 2\")",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["username"], "bob");
    let flat = query(
        &store,
        "select entity_id, value from UserCustomAttributeValue where configuration_id is \"c-phone\" order by entity_id",
    );
    let pairs: Vec<(&str, &str)> = flat
        .iter()
        .map(|v| {
            (
                v["entity_id"].as_str().unwrap(),
                v["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, [("u-ann", "+46 1"), ("u-bob", "+46 2")]);
    let configurations = query(
        &store,
        "select id, key, type.name from CustomAttributeConfiguration where entity_type is \"user\" order by id",
    );
    let kinds: Vec<&str> = configurations
        .iter()
        .map(|c| c["type"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["number", "text", "text"]);
}

fn refusal(store: &mut Store, request: Request) -> StoreError {
    let before = snapshot_of(store);
    let error = execute(store, &[request]).unwrap_err();
    assert_eq!(snapshot_of(store), before, "nothing changed");
    error
}

#[test]
fn creates_deletes_wrong_types_and_unknown_rows_are_refused() {
    let mut store = studio();
    let row = json!({"configuration_id": "c-locale", "entity_id": "u-bob", "value": "sv"});
    let error = refusal(&mut store, create("UserCustomAttributeValue", row));
    assert_eq!(error.exception, "ValidationError");
    assert!(error.message.contains("update it instead"), "{error}");
    let delete = Request::Wire(Operation::Delete {
        entity_type: "UserCustomAttributeValue".into(),
        entity_key: EntityKey::List(vec!["c-phone".into(), "u-ann".into()]),
    });
    assert!(
        refusal(&mut store, delete)
            .message
            .contains("cannot be deleted")
    );
    let wrong = refusal(
        &mut store,
        update_value("c-employee", "u-bob", json!("many")),
    );
    assert_eq!(
        wrong.message,
        "Custom attribute value for \"employee_id\" must be of type number. Got \"many\" of type unicode."
    );
    let text = refusal(&mut store, update_value("c-phone", "u-bob", json!(5)));
    assert!(text.message.contains("must be of type text"), "{text}");
    let missing = refusal(&mut store, update_value("c-nope", "u-bob", json!("x")));
    assert_eq!(missing.exception, "NoResultFoundError");
    let text_type = "6268aef0-381c-11e0-acff-0019bb49847a";
    let twice = create(
        "CustomAttributeConfiguration",
        json!({"key": "phone", "entity_type": "user", "type_id": text_type}),
    );
    assert_eq!(refusal(&mut store, twice).exception, "DuplicateEntryError");
    let on_a_project = create(
        "CustomAttributeConfiguration",
        json!({"key": "fax", "entity_type": "user", "type_id": text_type, "project_id": "p1"}),
    );
    assert!(
        refusal(&mut store, on_a_project)
            .message
            .contains("must be global")
    );
}

#[test]
fn seed_and_dump_carry_configurations_and_values_set() {
    let store = studio();
    let dumped = snapshot_of(&store);
    let kinds: Vec<(&str, &str)> = dumped
        .custom_attributes
        .iter()
        .map(|c| (c.key.as_str(), c.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("phone", "text"),
            ("locale", "text"),
            ("employee_id", "number")
        ]
    );
    assert_eq!(dumped.custom_attributes[0].label, "Phone");
    let ann = &dumped.users[0];
    assert_eq!(ann.custom["phone"], "+46 1");
    assert_eq!(ann.custom["employee_id"], "42");
    assert!(!ann.custom.contains_key("locale"), "defaults are left out");
    assert!(dumped.users[1].custom.is_empty());
    // The dump loads again into the same state.
    let mut again = Store::new();
    seed(&mut again, &dumped).unwrap();
    assert_eq!(snapshot_of(&again), dumped);
    // A key only a user names becomes a text attribute; a value that does not fit its type
    // refuses the seed.
    let named: FtrackSnapshot = serde_json::from_value(json!({"users": [
        {"id": "u1", "username": "ann", "is_active": true, "custom": {"pager": "77"}}]}))
    .unwrap();
    let mut store = Store::new();
    seed(&mut store, &named).unwrap();
    let pager = &snapshot_of(&store).custom_attributes[0];
    assert_eq!((pager.key.as_str(), pager.kind.as_str()), ("pager", "text"));
    let mut bad = named.clone();
    bad.custom_attributes = vec![CustomAttribute {
        id: "c-pager".into(),
        key: "pager".into(),
        label: String::new(),
        kind: "boolean".into(),
    }];
    assert!(seed(&mut Store::new(), &bad).is_err());
}

#[test]
fn an_old_snapshot_loads_without_custom_attributes() {
    let old: FtrackSnapshot = serde_json::from_value(json!({"users": [
        {"id": "u1", "username": "ann", "is_active": true}], "groups": []}))
    .unwrap();
    let mut store = Store::new();
    seed(&mut store, &old).unwrap();
    let back = snapshot_of(&store);
    assert!(back.custom_attributes.is_empty() && back.users[0].custom.is_empty());
    assert_eq!(store.rows("CustomAttributeType").count(), 8);
    let json = serde_json::to_value(&back).unwrap();
    assert!(json.get("custom_attributes").is_none());
}
