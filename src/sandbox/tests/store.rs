//! Tests of the sandbox store's write path.

use crate::ftrack::wire::EntityKey;
use crate::sandbox::store::*;
use serde_json::Value;
use serde_json::json;

fn ids() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("00000000-0000-4000-8000-{n:012}")
    }
}

fn row(value: Value) -> Row {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn create(entity_type: &str, data: Value) -> Write {
    Write::Create {
        entity_type: entity_type.into(),
        key: None,
        data: row(data),
    }
}

fn update(entity_type: &str, id: &str, data: Value) -> Write {
    Write::Update {
        entity_type: entity_type.into(),
        key: EntityKey::Single(id.into()),
        data: row(data),
    }
}

#[test]
fn create_fills_server_defaults_and_reports_non_null_scalars() {
    let mut store = Store::default();
    let mut new_id = ids();
    let result = store
        .apply(&[create("User", json!({"username": "jdoe"}))], &mut new_id)
        .unwrap();
    let user = result[0].as_object().unwrap();
    assert_eq!(user["__entity_type__"], "User");
    assert_eq!(user["username"], "jdoe");
    assert_eq!(user["first_name"], "first");
    assert_eq!(user["is_active"], false);
    assert_eq!(user["resource_type"], "user");
    assert!(user["id"].as_str().unwrap().starts_with("00000000-"));
    assert!(!user.contains_key("email"), "nulls are omitted: {user:?}");
    assert_eq!(store.rows("User").count(), 1);
}

#[test]
fn python_style_create_keeps_the_client_id_from_key_and_data() {
    let mut store = Store::default();
    let write = Write::Create {
        entity_type: "User".into(),
        key: Some(EntityKey::List(vec!["5f0e".into()])),
        data: row(
            json!({"__entity_type__": "User", "id": "5f0e", "username": "a", "is_active": true}),
        ),
    };
    store.apply(&[write], &mut ids()).unwrap();
    assert_eq!(store.get("User", "5f0e").unwrap()["is_active"], true);
    let clash = Write::Create {
        entity_type: "User".into(),
        key: Some(EntityKey::List(vec!["other".into()])),
        data: row(json!({"id": "5f0f", "username": "b"})),
    };
    assert_eq!(
        store.apply(&[clash], &mut ids()).unwrap_err().exception,
        "ValidationError"
    );
}

#[test]
fn a_failing_batch_changes_nothing() {
    let mut store = Store::default();
    let mut new_id = ids();
    store
        .apply(
            &[create("User", json!({"id": "u1", "username": "taken"}))],
            &mut new_id,
        )
        .unwrap();
    let before: Vec<Row> = store.rows("User").cloned().collect();
    let batch = [
        create("User", json!({"id": "u2", "username": "fresh"})),
        update("User", "u1", json!({"first_name": "Changed"})),
        create("User", json!({"id": "u3", "username": "taken"})),
    ];
    let error = store.apply(&batch, &mut new_id).unwrap_err();
    assert_eq!(error.exception, "DuplicateEntryError");
    let after: Vec<Row> = store.rows("User").cloned().collect();
    assert_eq!(before, after);
    assert!(store.get("User", "u2").is_none());
}

#[test]
fn later_writes_see_earlier_ones_in_the_same_batch() {
    let mut store = Store::default();
    let batch = [
        create("User", json!({"id": "u1", "username": "ann"})),
        create("Group", json!({"id": "g1", "name": "FX", "local": false})),
        create(
            "Membership",
            json!({"user": {"__entity_type__": "User", "id": "u1"}, "group_id": "g1"}),
        ),
        update("User", "u1", json!({"is_active": true})),
    ];
    let results = store.apply(&batch, &mut ids()).unwrap();
    assert_eq!(results[2]["user_id"], "u1");
    assert_eq!(results[2]["group_id"], "g1");
    assert_eq!(
        results[3],
        json!({"__entity_type__": "User", "id": "u1", "resource_type": "user", "is_active": true})
    );
}

/// User ann (u1) in group FX (g1) through membership m1.
fn ann_in_fx() -> Store {
    let mut store = Store::default();
    let writes = [
        create("User", json!({"id": "u1", "username": "ann"})),
        create("Group", json!({"id": "g1", "name": "FX", "local": false})),
        create(
            "Membership",
            json!({"id": "m1", "user_id": "u1", "group_id": "g1"}),
        ),
    ];
    store.apply(&writes, &mut ids()).unwrap();
    store
}

#[test]
fn the_server_checks_are_enforced() {
    let mut store = ann_in_fx();
    let mut new_id = ids();
    let cases = [
        (
            create("Membership", json!({"user_id": "u1", "group_id": "g1"})),
            "DuplicateEntryError",
        ),
        (
            create("Membership", json!({"user_id": "nobody", "group_id": "g1"})),
            "ValidationError",
        ),
        (
            create("Membership", json!({"user_id": "u1"})),
            "ValidationError",
        ),
        (
            update("User", "u1", json!({"id": "u9"})),
            "ImmutableAttributeError",
        ),
        (
            update("User", "u1", json!({"username": null})),
            "ValidationError",
        ),
        (
            update("User", "missing", json!({"first_name": "x"})),
            "NoResultFoundError",
        ),
        (
            update("User", "u1", json!({"no_such_attribute": 1})),
            "ValidationError",
        ),
        (create("Spaceship", json!({})), "ValidationError"),
    ];
    for (write, exception) in cases {
        let error = store
            .apply(std::slice::from_ref(&write), &mut new_id)
            .unwrap_err();
        assert_eq!(error.exception, exception, "{write:?}: {error}");
    }
}

#[test]
fn deleting_a_user_removes_its_memberships_and_can_be_rolled_back() {
    let mut store = ann_in_fx();
    let mut new_id = ids();
    let delete = Write::Delete {
        entity_type: "User".into(),
        key: EntityKey::List(vec!["u1".into()]),
    };
    let failing = [delete.clone(), create("Spaceship", json!({}))];
    assert!(store.apply(&failing, &mut new_id).is_err());
    assert!(
        store.get("Membership", "m1").is_some(),
        "rolled back with the user"
    );
    assert_eq!(
        store.apply(&[delete], &mut new_id).unwrap(),
        vec![json!(true)]
    );
    assert!(store.get("User", "u1").is_none());
    assert_eq!(store.rows("Membership").count(), 0);
}

#[test]
fn usernames_with_quotes_and_backslashes_are_plain_values() {
    let mut store = Store::default();
    let name = r#"o"b\x limit 5"#;
    store
        .apply(
            &[create("User", json!({"id": "u1", "username": name}))],
            &mut ids(),
        )
        .unwrap();
    assert_eq!(store.get("User", "u1").unwrap()["username"], name);
}

/// Ann (u1) holding the built-in role User through grant us1, granted on project p1.
fn ann_with_a_grant() -> Store {
    let mut store = ann_in_fx();
    let user_role = crate::sandbox::access::built_in_roles()[1].id.clone();
    let writes = [
        create(
            "Project",
            json!({"id": "p1", "name": "ALPHA", "status": "active", "context_type": "show"}),
        ),
        create(
            "UserSecurityRole",
            json!({"id": "us1", "user_id": "u1", "security_role_id": user_role, "is_all_projects": true}),
        ),
        create(
            "UserSecurityRoleProject",
            json!({"id": "usp1", "user_security_role_id": "us1", "project_id": "p1"}),
        ),
    ];
    store.apply(&writes, &mut ids()).unwrap();
    store
}

#[test]
fn a_deprecated_attribute_and_its_current_name_are_one_value() {
    let mut store = ann_with_a_grant();
    let grant = |store: &Store| {
        let row = store.get("UserSecurityRole", "us1").unwrap();
        (
            row["is_all_open_projects"].clone(),
            row["is_all_projects"].clone(),
        )
    };
    assert_eq!(grant(&store), (json!(true), json!(true)));
    let result = store
        .apply(
            &[update(
                "UserSecurityRole",
                "us1",
                json!({"is_all_open_projects": false}),
            )],
            &mut ids(),
        )
        .unwrap();
    assert_eq!(result[0]["is_all_projects"], false, "{}", result[0]);
    assert_eq!(grant(&store), (json!(false), json!(false)));
    let both = update(
        "UserSecurityRole",
        "us1",
        json!({"is_all_open_projects": true, "is_all_projects": false}),
    );
    let error = store.apply(&[both], &mut ids()).unwrap_err();
    assert_eq!(error.exception, "ValidationError", "{error}");
}

#[test]
fn grants_roles_and_projects_are_unique_where_the_server_keeps_them_so() {
    let mut store = ann_with_a_grant();
    let user_role = store.get("UserSecurityRole", "us1").unwrap()["security_role_id"].clone();
    let cases = [
        create(
            "UserSecurityRole",
            json!({"user_id": "u1", "security_role_id": user_role}),
        ),
        create(
            "UserSecurityRoleProject",
            json!({"user_security_role_id": "us1", "project_id": "p1"}),
        ),
        create("SecurityRole", json!({"name": "User", "type": "PROJECT"})),
        create(
            "Project",
            json!({"name": "ALPHA", "status": "active", "context_type": "show"}),
        ),
    ];
    for write in cases {
        let error = store
            .apply(std::slice::from_ref(&write), &mut ids())
            .unwrap_err();
        assert_eq!(error.exception, "DuplicateEntryError", "{write:?}: {error}");
    }
}

#[test]
fn deleting_takes_the_rows_that_depend_on_the_deleted_ones() {
    let delete = |entity_type: &str, id: &str| Write::Delete {
        entity_type: entity_type.into(),
        key: EntityKey::Single(id.into()),
    };
    let mut store = ann_with_a_grant();
    store.apply(&[delete("User", "u1")], &mut ids()).unwrap();
    for entity_type in ["Membership", "UserSecurityRole", "UserSecurityRoleProject"] {
        assert_eq!(store.rows(entity_type).count(), 0, "{entity_type}");
    }
    assert!(store.get("Project", "p1").is_some());

    let mut store = ann_with_a_grant();
    store.apply(&[delete("Project", "p1")], &mut ids()).unwrap();
    assert_eq!(store.rows("UserSecurityRoleProject").count(), 0);
    assert!(
        store.get("UserSecurityRole", "us1").is_some(),
        "the grant stays"
    );
}
