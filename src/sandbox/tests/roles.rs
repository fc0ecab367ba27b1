//! The security-role actions over real HTTP: what each one changes and what it answers.

use super::http::{api, sandbox};
use super::roles_fixture::{ann, ann_roles, error, held, op, projects, role, studio, with};
use crate::access::RoleScope;
use serde_json::json;

#[tokio::test]
async fn a_fresh_sandbox_has_the_built_in_roles() {
    let sandbox = sandbox().await;
    let body = api(
        &sandbox.url,
        json!([{"action": "query", "expression": "select name, type from SecurityRole"}]),
    )
    .await;
    let roles: Vec<(&str, &str, &str)> = body[0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles
            .iter()
            .map(|(_, name, kind)| (*name, *kind))
            .collect::<Vec<_>>(),
        [
            ("Restricted User", "ASSIGNED"),
            ("User", "PROJECT"),
            ("Project Manager", "PROJECT"),
            ("Administrator", "PROJECT"),
            ("API", "API"),
        ]
    );
    assert!(
        roles.iter().all(|(id, name, _)| *id == role(name)),
        "stable ids: {roles:?}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn add_gives_the_role_on_no_project_and_answers_with_the_grant() {
    let sandbox = studio().await;
    let body = api(
        &sandbox.url,
        json!([op("add_user_security_role", ann("Project Manager"))]),
    )
    .await;
    let data = &body[0]["data"];
    assert_eq!(body[0]["action"], "add_user_security_role", "{body}");
    assert_eq!(data["__entity_type__"], "UserSecurityRole");
    assert_eq!(data["user_id"], "u-ann");
    assert_eq!(data["security_role_id"], role("Project Manager"));
    assert_eq!(
        (
            data["is_all_open_projects"].clone(),
            data["is_all_projects"].clone()
        ),
        (json!(false), json!(false))
    );
    assert_eq!(data["id"].as_str().map(str::len), Some(36), "{data}");
    assert_eq!(
        ann_roles(&sandbox),
        [held("Project Manager", projects(&[]))]
    );

    let again = api(
        &sandbox.url,
        json!([op("add_user_security_role", ann("Project Manager"))]),
    )
    .await;
    assert_eq!(
        error(&again),
        (
            "DuplicateEntryError",
            "add_user_security_role: user \"ann\" already has the security role \"Project Manager\""
        )
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn grant_adds_the_role_when_missing_and_is_calm_about_repeats() {
    let sandbox = studio().await;
    let alpha = with(ann("User"), "project_id", json!("p-alpha"));
    let body = api(
        &sandbox.url,
        json!([op("grant_user_security_role_project", alpha.clone())]),
    )
    .await;
    assert_eq!(body[0]["data"]["security_role_id"], role("User"), "{body}");
    assert_eq!(ann_roles(&sandbox), [held("User", projects(&["ALPHA"]))]);

    let all_open = with(ann("User"), "all_open_projects", json!(true));
    let body = api(
        &sandbox.url,
        json!([
            op("grant_user_security_role_project", alpha),
            op("grant_user_security_role_project", all_open.clone()),
            op("grant_user_security_role_project", all_open)
        ]),
    )
    .await;
    // One response names the grant in full once (normalised), so its state is read from the store.
    assert_eq!(
        body[2]["action"], "grant_user_security_role_project",
        "{body}"
    );
    assert_eq!(
        sandbox.store().rows("UserSecurityRoleProject").count(),
        1,
        "granted once"
    );
    let grant = sandbox
        .store()
        .rows("UserSecurityRole")
        .next()
        .cloned()
        .unwrap();
    assert_eq!(
        (&grant["is_all_open_projects"], &grant["is_all_projects"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(
        ann_roles(&sandbox),
        [held("User", RoleScope::AllOpenProjects)]
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn revoke_takes_back_a_project_or_all_open_projects() {
    let sandbox = studio().await;
    let alpha = with(ann("User"), "project_id", json!("p-alpha"));
    let secret = with(ann("User"), "project_id", json!("p-secret"));
    let all_open = with(ann("User"), "all_open_projects", json!(true));
    api(
        &sandbox.url,
        json!([
            op("grant_user_security_role_project", alpha.clone()),
            op("grant_user_security_role_project", secret),
            op("grant_user_security_role_project", all_open.clone())
        ]),
    )
    .await;

    let body = api(
        &sandbox.url,
        json!([op("revoke_user_security_role_project", all_open.clone())]),
    )
    .await;
    assert_eq!(body[0]["data"]["is_all_projects"], false, "{body}");
    assert_eq!(
        ann_roles(&sandbox),
        [held("User", projects(&["ALPHA", "SECRET"]))]
    );
    api(
        &sandbox.url,
        json!([op("revoke_user_security_role_project", alpha.clone())]),
    )
    .await;
    assert_eq!(ann_roles(&sandbox), [held("User", projects(&["SECRET"]))]);

    let body = api(
        &sandbox.url,
        json!([op("revoke_user_security_role_project", alpha)]),
    )
    .await;
    assert_eq!(
        error(&body),
        (
            "NoResultFoundError",
            "revoke_user_security_role_project: user \"ann\" does not have the security role \"User\" on project \"ALPHA\""
        )
    );
    let body = api(
        &sandbox.url,
        json!([op("revoke_user_security_role_project", all_open)]),
    )
    .await;
    assert_eq!(error(&body).0, "NoResultFoundError", "{body}");
    sandbox.stop().await;
}

#[tokio::test]
async fn update_replaces_the_role_and_keeps_its_access() {
    let sandbox = studio().await;
    let setup = json!([
        op(
            "grant_user_security_role_project",
            with(ann("User"), "project_id", json!("p-alpha"))
        ),
        op(
            "grant_user_security_role_project",
            with(ann("User"), "all_open_projects", json!(true))
        ),
        op("add_user_security_role", ann("Administrator")),
    ]);
    api(&sandbox.url, setup).await;
    let update = with(ann("User"), "new_role_id", json!(role("Project Manager")));
    let body = api(
        &sandbox.url,
        json!([op("update_user_security_role", update)]),
    )
    .await;
    assert_eq!(
        body[0]["data"]["security_role_id"],
        role("Project Manager"),
        "{body}"
    );
    assert_eq!(
        ann_roles(&sandbox),
        [
            held("Project Manager", RoleScope::AllOpenProjects),
            held("Administrator", projects(&[]))
        ]
    );
    assert_eq!(
        sandbox.store().rows("UserSecurityRoleProject").count(),
        1,
        "the project row stays"
    );

    let onto_held = with(
        ann("Project Manager"),
        "new_role_id",
        json!(role("Administrator")),
    );
    let body = api(
        &sandbox.url,
        json!([op("update_user_security_role", onto_held)]),
    )
    .await;
    assert_eq!(error(&body).0, "DuplicateEntryError", "{body}");
    let not_held = with(ann("User"), "new_role_id", json!(role("API")));
    let body = api(
        &sandbox.url,
        json!([op("update_user_security_role", not_held)]),
    )
    .await;
    assert_eq!(error(&body).0, "NoResultFoundError", "{body}");
    sandbox.stop().await;
}

#[tokio::test]
async fn remove_takes_the_role_and_its_project_rows() {
    let sandbox = studio().await;
    let alpha = with(ann("User"), "project_id", json!("p-alpha"));
    api(
        &sandbox.url,
        json!([op("grant_user_security_role_project", alpha)]),
    )
    .await;
    let body = api(
        &sandbox.url,
        json!([op("remove_user_security_role", ann("User"))]),
    )
    .await;
    assert_eq!(
        body,
        json!([{"action": "remove_user_security_role", "data": true}])
    );
    assert_eq!(ann_roles(&sandbox), []);
    assert_eq!(sandbox.store().rows("UserSecurityRoleProject").count(), 0);
    let body = api(
        &sandbox.url,
        json!([op("remove_user_security_role", ann("User"))]),
    )
    .await;
    assert_eq!(
        error(&body),
        (
            "NoResultFoundError",
            "remove_user_security_role: user \"ann\" does not have the security role \"User\""
        )
    );
    sandbox.stop().await;
}
