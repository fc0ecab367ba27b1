//! The security-role actions over real HTTP: how they refuse bad input, how they share a
//! request's all-or-nothing batch, and the role users created through the API get.

use super::http::{api, call, sandbox_with};
use super::roles_fixture::{
    ann, ann_roles, error, held, op, projects, role, studio, studio_store, with,
};
use crate::access::RoleScope;
use crate::sandbox::access::user_roles;
use serde_json::{Value, json};

#[tokio::test]
async fn every_action_checks_the_ids_it_is_given() {
    let sandbox = studio().await;
    let pm = role("Project Manager");
    let cases = [
        (
            "add_user_security_role",
            json!({"role_id": pm}),
            "ValidationError",
            "user_id is required",
        ),
        (
            "add_user_security_role",
            json!({"user_id": "u-ann"}),
            "ValidationError",
            "role_id is required",
        ),
        (
            "remove_user_security_role",
            json!({"user_id": null, "role_id": pm}),
            "ValidationError",
            "user_id is required",
        ),
        (
            "add_user_security_role",
            json!({"user_id": "nobody", "role_id": pm}),
            "NoResultFoundError",
            "user_id \"nobody\" is not the id of any User",
        ),
        (
            "remove_user_security_role",
            json!({"user_id": "u-ann", "role_id": "nope"}),
            "NoResultFoundError",
            "role_id \"nope\" is not the id of any SecurityRole",
        ),
        (
            "update_user_security_role",
            ann("User"),
            "ValidationError",
            "new_role_id is required",
        ),
        (
            "update_user_security_role",
            with(ann("User"), "new_role_id", json!("nope")),
            "NoResultFoundError",
            "new_role_id \"nope\" is not the id of any SecurityRole",
        ),
        (
            "grant_user_security_role_project",
            ann("User"),
            "ValidationError",
            "project_id or all_open_projects: true is required",
        ),
        (
            "grant_user_security_role_project",
            with(ann("User"), "all_open_projects", json!(false)),
            "ValidationError",
            "project_id or all_open_projects: true is required",
        ),
        (
            "revoke_user_security_role_project",
            with(
                with(ann("User"), "all_open_projects", json!(true)),
                "project_id",
                json!("p-alpha"),
            ),
            "ValidationError",
            "give project_id or all_open_projects: true, not both",
        ),
        (
            "grant_user_security_role_project",
            with(ann("User"), "project_id", json!("p-nope")),
            "NoResultFoundError",
            "project_id \"p-nope\" is not the id of any Project",
        ),
        (
            "revoke_user_security_role_project",
            with(ann("User"), "project_id", json!("p-nope")),
            "NoResultFoundError",
            "project_id \"p-nope\" is not the id of any Project",
        ),
        (
            "grant_user_security_role_project",
            with(ann("Restricted User"), "project_id", json!("p-secret")),
            "ValidationError",
            "the security role \"Restricted User\" is of type ASSIGNED and cannot give access to the private project \"SECRET\"",
        ),
    ];
    for (action, fields, exception, message) in cases {
        let body = api(&sandbox.url, json!([op(action, fields.clone())])).await;
        assert_eq!(
            error(&body),
            (exception, format!("{action}: {message}").as_str()),
            "{action} {fields}"
        );
    }
    let (status, _, body) = call(
        &sandbox.url,
        "secret-key",
        true,
        json!([op(
            "add_user_security_role",
            json!({"user_id": "nobody", "role_id": pm})
        )]),
    )
    .await;
    assert_eq!(
        (status, error(&body).0),
        (404, "NoResultFoundError"),
        "strict mode"
    );
    let (status, _, _) = call(
        &sandbox.url,
        "secret-key",
        true,
        json!([op("add_user_security_role", json!({"role_id": pm}))]),
    )
    .await;
    assert_eq!(status, 400);
    let wrong_type = api(
        &sandbox.url,
        json!([op(
            "add_user_security_role",
            json!({"user_id": 7, "role_id": pm})
        )]),
    )
    .await;
    assert_eq!(error(&wrong_type).0, "ValidationError", "{wrong_type}");
    assert_eq!(
        sandbox.store().rows("UserSecurityRole").count(),
        0,
        "nothing was granted"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn unknown_actions_are_refused_as_before() {
    let sandbox = studio().await;
    for action in ["revoke_user_security_role", "grant_everything"] {
        let body = api(
            &sandbox.url,
            json!([
                op("add_user_security_role", ann("User")),
                op(action, ann("User"))
            ]),
        )
        .await;
        let (exception, message) = error(&body);
        assert_eq!(exception, "ValidationError", "{body}");
        assert!(
            message.starts_with(
                "the request body is not a list of ftrack operations: unknown variant"
            ),
            "{message}"
        );
        assert!(message.contains(action), "{message}");
    }
    assert_eq!(ann_roles(&sandbox), [], "the request was refused whole");
    sandbox.stop().await;
}

#[tokio::test]
async fn actions_share_the_request_batch_and_its_undo() {
    let sandbox = studio().await;
    let batch = json!([
        {"action": "create", "entity_type": "User", "entity_data": {"id": "u-cy", "username": "cy", "is_active": true}},
        op("grant_user_security_role_project", json!({"user_id": "u-cy", "role_id": role("Project Manager"), "project_id": "p-alpha"})),
        {"action": "query", "expression": "select name from SecurityRole where user_security_roles any (user.username is \"cy\") order by name"},
        op("add_user_security_role", ann("Administrator")),
        op("add_user_security_role", ann("Administrator")),
    ]);
    let body = api(&sandbox.url, batch.clone()).await;
    assert_eq!(error(&body).0, "DuplicateEntryError", "{body}");
    let store = sandbox.store();
    assert!(
        store.user_by_username("cy").is_none(),
        "the create was undone"
    );
    assert_eq!(store.rows("UserSecurityRole").count(), 0, "and every grant");
    assert_eq!(store.rows("UserSecurityRoleProject").count(), 0);

    let body = api(
        &sandbox.url,
        Value::Array(batch.as_array().unwrap()[..4].to_vec()),
    )
    .await;
    let names: Vec<&str> = body[2]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|role| role["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        names,
        ["Project Manager", "User"],
        "a later operation sees the earlier ones: {body}"
    );
    assert_eq!(
        user_roles(&sandbox.store(), "u-cy"),
        [
            held("User", RoleScope::AllOpenProjects),
            held("Project Manager", projects(&["ALPHA"]))
        ]
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn users_created_through_the_api_get_the_default_role() {
    let create = |id: &str, name: &str| json!({"action": "create", "entity_type": "User", "entity_data": {"id": id, "username": name}});
    let sandbox = studio().await;
    api(&sandbox.url, json!([create("u-new", "new")])).await;
    let store = sandbox.store();
    assert_eq!(
        user_roles(&store, "u-new"),
        [held("User", RoleScope::AllOpenProjects)]
    );
    assert_eq!(
        user_roles(&store, "u-ann"),
        [],
        "seeded users have the roles the seed gives"
    );
    sandbox.stop().await;

    let mut store = studio_store();
    store.set_default_role(Some("Restricted User".into()));
    let sandbox = sandbox_with(store).await;
    api(&sandbox.url, json!([create("u-new", "new")])).await;
    assert_eq!(
        user_roles(&sandbox.store(), "u-new"),
        [held("Restricted User", RoleScope::AllOpenProjects)]
    );
    sandbox.stop().await;

    let mut store = studio_store();
    store.set_default_role(None);
    let sandbox = sandbox_with(store).await;
    api(&sandbox.url, json!([create("u-new", "new")])).await;
    let store = sandbox.store();
    assert_eq!(user_roles(&store, "u-new"), []);
    let api_user = store.user_by_username("api").expect("the API user");
    let api_id = api_user["id"].as_str().unwrap();
    assert_eq!(
        user_roles(&store, api_id),
        [],
        "the API user the sandbox adds gets no role either"
    );
    sandbox.stop().await;
}
