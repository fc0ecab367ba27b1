//! Security roles, projects and users' roles through a snapshot: loaded into the store and
//! written back out unchanged.

use crate::access::{RoleKind, RoleScope, SecurityRole};
use crate::model::FtrackSnapshot;
use crate::sandbox::access::{DEFAULT_ROLE, built_in_roles, choose_default_role};
use crate::sandbox::seed::{seed, snapshot_of};
use crate::sandbox::store::Store;
use serde_json::json;

fn snapshot(value: serde_json::Value) -> FtrackSnapshot {
    serde_json::from_value(value).unwrap()
}

fn seeded(snapshot: &FtrackSnapshot) -> Store {
    let mut store = Store::new();
    seed(&mut store, snapshot).unwrap();
    store
}

/// A studio's own roles (replacing the built-in ones), two projects and users holding roles
/// on all open projects, on named projects, and on none.
fn studio() -> FtrackSnapshot {
    snapshot(json!({
        "users": [
            {"id": "u1", "username": "ann", "is_active": true, "user_type": "user", "roles": [
                {"role": "Supervisor", "scope": "all_open_projects"},
                {"role": "Artist", "scope": {"projects": ["ALPHA", "SECRET"]}},
            ]},
            {"id": "u2", "username": "bob", "is_active": false, "user_type": "user", "roles": [
                {"role": "Artist", "scope": {"projects": []}},
            ]},
            {"id": "u3", "username": "cy", "is_active": true, "user_type": "user"},
        ],
        "groups": [],
        "security_roles": [
            {"id": "r-artist", "name": "Artist", "kind": "project"},
            {"id": "r-sup", "name": "Supervisor", "kind": "project"},
            {"id": "r-client", "name": "Client", "kind": "assigned"},
            {"id": "r-key", "name": "API", "kind": "api"},
        ],
        "projects": [
            {"id": "p1", "name": "ALPHA", "full_name": "Alpha", "is_private": false},
            {"id": "p2", "name": "SECRET", "full_name": "Secret", "is_private": true},
        ],
    }))
}

#[test]
fn roles_projects_and_grants_come_back_unchanged() {
    let original = studio();
    let store = seeded(&original);
    assert_eq!(snapshot_of(&store), original);
    assert_eq!(store.rows("UserSecurityRole").count(), 3);
    assert_eq!(store.rows("UserSecurityRoleProject").count(), 2);
    assert!(
        store.unique_holder("SecurityRole", "User").is_none(),
        "the seed's roles replace the built-in ones"
    );
    let again = seeded(&snapshot_of(&store));
    assert_eq!(snapshot_of(&again), original, "and again");
}

#[test]
fn a_snapshot_without_access_data_keeps_the_built_in_roles() {
    let store = seeded(&snapshot(json!({
        "users": [{"id": "u1", "username": "ann", "is_active": true}]
    })));
    let back = snapshot_of(&store);
    assert_eq!(back.security_roles, built_in_roles());
    assert!(back.projects.is_empty());
    assert!(back.users[0].roles.is_empty());
    let text = serde_json::to_value(&back.users[0]).unwrap();
    assert!(text.get("roles").is_none(), "{text}");
}

#[test]
fn roles_and_projects_only_users_name_are_created() {
    let store = seeded(&snapshot(json!({
        "users": [{"id": "u1", "username": "ann", "is_active": true, "roles": [
            {"role": "User", "scope": {"projects": ["NEW"]}},
            {"role": "Lead", "scope": {"projects": ["NEW"]}},
            {"role": "Lead", "scope": "all_open_projects"},
        ]}]
    })));
    let back = snapshot_of(&store);
    let lead = back
        .security_roles
        .iter()
        .find(|r| r.name == "Lead")
        .unwrap();
    assert_eq!(lead.kind, RoleKind::Project);
    assert_eq!(back.security_roles.len(), built_in_roles().len() + 1);
    assert_eq!(back.projects.len(), 1);
    assert!(!back.projects[0].is_private);
    let roles: Vec<(&str, &RoleScope)> = back.users[0]
        .roles
        .iter()
        .map(|r| (r.role.as_str(), &r.scope))
        .collect();
    let new = RoleScope::Projects(["NEW".to_string()].into());
    assert_eq!(
        roles,
        [("User", &new), ("Lead", &RoleScope::AllOpenProjects)],
        "the two scopes of Lead became one grant"
    );
}

#[test]
fn a_seed_role_may_keep_a_built_in_name_under_its_own_id() {
    let roles = vec![SecurityRole {
        id: "real-user-role".into(),
        name: DEFAULT_ROLE.into(),
        kind: RoleKind::Project,
    }];
    let mut store = seeded(&FtrackSnapshot {
        security_roles: roles.clone(),
        ..FtrackSnapshot::default()
    });
    assert_eq!(snapshot_of(&store).security_roles, roles);
    assert_eq!(
        choose_default_role(&mut store, None),
        Ok(Some(DEFAULT_ROLE.to_string()))
    );
}

#[test]
fn the_default_role_is_user_when_there_is_one() {
    let mut store = seeded(&FtrackSnapshot {
        security_roles: vec![SecurityRole {
            id: "r1".into(),
            name: "Artist".into(),
            kind: RoleKind::Project,
        }],
        ..FtrackSnapshot::default()
    });
    assert_eq!(choose_default_role(&mut store, None), Ok(None));
    assert_eq!(store.default_role(), None);
    assert_eq!(
        choose_default_role(&mut store, Some("Artist")),
        Ok(Some("Artist".to_string()))
    );
    assert_eq!(store.default_role(), Some("Artist"));
    let error = choose_default_role(&mut store, Some("Nope")).unwrap_err();
    assert!(
        error.contains("\"Nope\"") && error.contains("Artist"),
        "{error}"
    );
    assert_eq!(choose_default_role(&mut store, Some("")), Ok(None));
    assert_eq!(store.default_role(), None);
}
