//! Queries over security roles, users' grants and projects, through the relations the schema
//! names, as ftrack's clients and other syncs write them.

use crate::sandbox::evaluate::Evaluator;
use crate::sandbox::query::parse_query;
use crate::sandbox::store::Store;
use serde_json::{Value, json};

/// ann: Administrator on all open projects, User on SECRET and ALPHA; bob: User on ALPHA.
fn studio() -> Store {
    let snapshot = serde_json::from_value(json!({
        "users": [
            {"id": "u-ann", "username": "ann", "is_active": true, "roles": [
                {"role": "Administrator", "scope": "all_open_projects"},
                {"role": "User", "scope": {"projects": ["SECRET", "ALPHA"]}},
            ]},
            {"id": "u-bob", "username": "bob", "is_active": true, "roles": [
                {"role": "User", "scope": {"projects": ["ALPHA"]}},
            ]},
        ],
        "projects": [
            {"id": "p-alpha", "name": "ALPHA", "full_name": "Alpha"},
            {"id": "p-secret", "name": "SECRET", "full_name": "Secret", "is_private": true},
        ],
    }))
    .unwrap();
    let mut store = Store::new();
    crate::sandbox::seed::seed(&mut store, &snapshot).unwrap();
    store
}

fn run(store: &Store, expression: &str) -> Vec<Value> {
    let query = parse_query(expression).unwrap_or_else(|e| panic!("{expression}: {e}"));
    Evaluator::new(store)
        .run(&query)
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .data
}

fn texts(values: &[Value], pick: impl Fn(&Value) -> &Value) -> Vec<String> {
    values
        .iter()
        .map(|v| pick(v).as_str().unwrap_or("?").to_string())
        .collect()
}

#[test]
fn a_users_roles_and_projects_project_from_the_user() {
    let store = studio();
    let rows = run(
        &store,
        "select user_security_roles.security_role.name, user_security_roles.is_all_open_projects, \
         user_security_roles.user_security_role_projects.project.name from User where username is \"ann\"",
    );
    let grants = rows[0]["user_security_roles"].as_array().unwrap();
    assert_eq!(
        texts(grants, |g| &g["security_role"]["name"]),
        ["Administrator", "User"]
    );
    assert_eq!(grants[0]["is_all_open_projects"], true);
    assert_eq!(grants[1]["is_all_open_projects"], false);
    let projects = grants[1]["user_security_role_projects"].as_array().unwrap();
    let mut names = texts(projects, |p| &p["project"]["name"]);
    names.sort();
    assert_eq!(names, ["ALPHA", "SECRET"]);
    assert_eq!(projects[0]["__entity_type__"], "UserSecurityRoleProject");
}

#[test]
fn grants_filter_by_role_type_user_and_project() {
    let store = studio();
    let rows = run(
        &store,
        "select security_role.name, is_all_projects, user.username from UserSecurityRole \
         where user.username is \"ann\" and security_role.type is \"PROJECT\" order by security_role.name",
    );
    assert_eq!(
        texts(&rows, |g| &g["security_role"]["name"]),
        ["Administrator", "User"]
    );
    assert_eq!(
        rows[0]["is_all_projects"], true,
        "the deprecated name reads the same value"
    );
    let rows = run(
        &store,
        "select user_security_role.user.username from UserSecurityRoleProject where project.name is \"ALPHA\"",
    );
    assert_eq!(
        texts(&rows, |r| &r["user_security_role"]["user"]["username"]),
        ["ann", "bob"]
    );
    let rows = run(
        &store,
        "select username from User where user_security_roles any \
         (security_role.name is \"Administrator\" and is_all_open_projects is true)",
    );
    assert_eq!(texts(&rows, |u| &u["username"]), ["ann"]);
}

#[test]
fn projects_answer_with_their_context_type_and_access() {
    let store = studio();
    let rows = run(&store, "Project where is_private is false");
    assert_eq!(
        rows,
        [
            json!({"__entity_type__": "Project", "id": "p-alpha", "context_type": "show", "name": "ALPHA"})
        ]
    );
    let rows = run(
        &store,
        "select full_name, is_private, status from Project \
         where user_security_role_projects any (user_security_role.user.username is \"bob\")",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0]["full_name"], &rows[0]["status"]),
        (&json!("Alpha"), &json!("active"))
    );
    let rows = run(
        &store,
        "select id, user_security_role_id, project_id from UserSecurityRoleProject where project.is_private is true",
    );
    assert_eq!(texts(&rows, |r| &r["project_id"]), ["p-secret"]);
}
