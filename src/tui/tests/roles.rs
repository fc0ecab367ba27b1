//! Security roles and seats in the console: the role changes in the detail and the list,
//! revocations in words, the active users in the header, and the filter on role names.

use super::render::{draw, pressing, snapshot_views_of, text};
use super::*;
use crate::access::{Project, RoleKind, RoleScope, SecurityRole, UserRole};
use crate::reconcile::policy::{RolePolicy, RoleRule};
use crate::tui::app::Bucket;

fn held(role: &str, scope: RoleScope) -> UserRole {
    UserRole {
        role: role.into(),
        scope,
    }
}

fn in_groups(mut entry: DirectoryUser, groups: &[&str]) -> DirectoryUser {
    entry.groups.extend(
        groups
            .iter()
            .map(|g| format!("cn={g},ou=groups,dc=studio,dc=example").into()),
    );
    entry
}

/// Roles from groups: comp members are Users on SHOW, leads Project Managers everywhere,
/// sups Supervisors on ADS. Jane gains Project Manager, loses Supervisor and User on ADS; Ann
/// becomes a Supervisor; two new users, of whom the seat limit (3) lets one in.
fn roles_session() -> Session {
    let mut session = session();
    session.directory.users = vec![
        in_groups(
            entry("d-jdoe", "jdoe", "Jane", "Doe", Some("jdoe@studio.example")),
            &["leads"],
        ),
        in_groups(
            entry("d-alee", "alee", "Ann", "Lee", Some("alee@studio.example")),
            &["sups"],
        ),
        entry(
            "d-tyamada",
            "tyamada",
            "太郎",
            "山田",
            Some("ty@studio.example"),
        ),
        entry("d-zoe", "zoe", "Zoë", "Quinn", Some("zoe@studio.example")),
    ];
    let mut jane = user("f-jdoe", "jdoe", "Jane", "Doe", Some("jdoe@studio.example"));
    jane.roles = vec![
        held("Supervisor", RoleScope::projects(["ADS"])),
        held("User", RoleScope::projects(["ADS", "SHOW"])),
    ];
    let mut ann = user("f-alee", "alee", "Ann", "Lee", Some("alee@studio.example"));
    ann.roles = vec![held("User", RoleScope::projects(["SHOW"]))];
    session.ftrack.users = vec![jane, ann];
    session.ftrack.security_roles = ["User", "Project Manager", "Supervisor"]
        .iter()
        .map(|name| SecurityRole {
            id: format!("r-{name}"),
            name: name.to_string(),
            kind: RoleKind::Project,
        })
        .collect();
    session.ftrack.projects = ["SHOW", "ADS"]
        .iter()
        .map(|name| Project {
            id: format!("p-{name}"),
            name: name.to_string(),
            full_name: String::new(),
            is_private: false,
        })
        .collect();
    session.links = [("d-jdoe", "f-jdoe"), ("d-alee", "f-alee")]
        .into_iter()
        .map(|(a, b)| (a.into(), b.into()))
        .collect();
    session.policy.roles = RolePolicy {
        default: None,
        rules: vec![
            RoleRule::new("comp", "User", RoleScope::projects(["SHOW"])),
            RoleRule::new("leads", "Project Manager", RoleScope::AllOpenProjects),
            RoleRule::new("sups", "Supervisor", RoleScope::projects(["ADS"])),
        ],
        allow_privileged: false,
    };
    session.policy.max_active_users = Some(3);
    session
}

fn roles_app() -> App {
    loaded_with(roles_session(), Decisions::default())
}

#[test]
fn the_fixture_plans_grants_a_revocation_a_narrowing_and_a_held_create() {
    let app = roles_app();
    let plan = app.plan().unwrap();
    let jane = plan.items.iter().find(|i| i.username == "jdoe").unwrap();
    let words: Vec<String> = jane.roles.iter().map(ToString::to_string).collect();
    assert_eq!(
        words,
        [
            "+ role Project Manager on all open projects (group cn=leads,ou=groups,dc=studio,dc=example)",
            "~ role User: projects ADS, SHOW -> projects SHOW (group cn=comp,ou=groups,dc=studio,dc=example)",
            "- role Supervisor on projects ADS (no directory group gives it)",
        ]
    );
    let zoe = plan.items.iter().find(|i| i.username == "zoe").unwrap();
    assert!(
        zoe.reason
            .as_deref()
            .unwrap()
            .contains("held back by the seat limit")
    );
    assert_eq!(
        (
            plan.seats.active_before,
            plan.seats.active_after,
            plan.seats.limit
        ),
        (2, 3, Some(3))
    );
}

#[test]
fn role_changes_in_the_list_and_the_detail() {
    // Jane's row and her diff beside it (120 columns) or the list alone (80).
    snapshot_views_of(
        "roles_update",
        roles_session,
        pressing(&[KeyCode::Char('2'), KeyCode::Char('j')]),
    );
    snapshot_views_of(
        "roles_detail",
        roles_session,
        pressing(&[KeyCode::Char('2'), KeyCode::Char('j'), KeyCode::Enter]),
    );
    // The create the seat limit held back, with its reason.
    snapshot_views_of("roles_held", roles_session, pressing(&[KeyCode::Char('7')]));
}

#[test]
fn revocations_are_spelled_out_without_colour() {
    let mut app = roles_app();
    app.monochrome = true;
    for key in [KeyCode::Char('2'), KeyCode::Char('j'), KeyCode::Enter] {
        press(&mut app, key);
    }
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("- REVOKE Supervisor on projects ADS"),
        "{screen}"
    );
    assert!(
        screen.contains("~ NARROW User: projects ADS, SHOW -> projects SHOW"),
        "{screen}"
    );
    assert!(
        screen.contains("+ grant Project Manager on all open projects"),
        "{screen}"
    );
}

#[test]
fn the_header_shows_the_active_users_and_the_limit() {
    let mut app = roles_app();
    for (width, height) in [(80, 24), (120, 40)] {
        let screen = text(&draw(&mut app, width, height));
        assert!(
            screen.contains("│ active users 2 -> 3 (limit 3)"),
            "{screen}"
        );
        assert!(screen.contains("│ ftrack studio.ftrackapp.com"), "{screen}");
    }
}

#[test]
fn the_filter_matches_role_names() {
    let mut app = roles_app();
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(bucket(&app), Bucket::Update);
    let rows = |app: &App| {
        let review = app.review.as_ref().unwrap();
        let names: Vec<String> = review
            .view
            .iter()
            .map(|&i| review.plan.items[i].username.to_string())
            .collect();
        names
    };
    assert_eq!(rows(&app), ["alee", "jdoe"]);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "project man");
    assert_eq!(rows(&app), ["jdoe"], "a role the item grants");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "supervisor");
    assert_eq!(
        rows(&app),
        ["alee", "jdoe"],
        "granted to Ann, revoked from Jane"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "user");
    assert_eq!(rows(&app), ["alee", "jdoe"], "a role both hold");
}

#[test]
fn the_commit_summary_says_how_many_lose_access() {
    let mut app = roles_app();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('c'));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("! users losing a security role or project access: 1"),
        "{screen}"
    );
}
