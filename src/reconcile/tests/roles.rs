//! Security roles from directory groups: grants, revocations, rescopes, the default role for
//! new users, rules that cannot be used, and the limits around them.

use super::fixtures::{Case, dir, ft, item};
use crate::access::{Project, RoleKind, RoleScope, SecurityRole, UserRole};
use crate::reconcile::plan::{Action, ConflictKind};
use crate::reconcile::policy::{MaxDeactivate, RoleGrant, RoleRule};
use crate::reconcile::roles::RoleChange;

fn role(name: &str, kind: &str) -> SecurityRole {
    SecurityRole {
        id: format!("r-{name}"),
        name: name.to_string(),
        kind: RoleKind::from_server(kind),
    }
}

fn project(name: &str, private: bool) -> Project {
    Project {
        id: format!("p-{name}"),
        name: name.to_string(),
        full_name: format!("{name} (full)"),
        is_private: private,
    }
}

/// ann and bob exist and are linked; cy is new. Leads get Project Manager everywhere, the
/// show team gets User on SHOW and the private VAULT.
fn studio() -> Case {
    let mut case = Case::new(
        vec![dir("ann"), dir("bob"), dir("cy")],
        vec![ft("ann"), ft("bob")],
    )
    .link("ann", "ann")
    .link("bob", "bob");
    case.security_roles = vec![
        role("User", "PROJECT"),
        role("Project Manager", "PROJECT"),
        role("Administrator", "PROJECT"),
        role("API", "API"),
    ];
    case.projects = vec![project("SHOW", false), project("VAULT", true)];
    case.policy.roles.rules = vec![
        RoleRule::new(
            "cn=leads,ou=groups,dc=example",
            "Project Manager",
            RoleScope::AllOpenProjects,
        ),
        RoleRule::new("show", "User", RoleScope::projects(["SHOW"])),
        RoleRule::new("vault", "User", RoleScope::projects(["VAULT"])),
    ];
    case
}

fn holds(role: &str, scope: RoleScope) -> UserRole {
    UserRole {
        role: role.to_string(),
        scope,
    }
}

#[test]
fn a_group_gives_its_role_with_the_group_as_the_reason() {
    let mut case = studio();
    case.dir[0].groups = vec!["cn=leads,ou=groups,dc=example".into()];
    let plan = case.plan();
    let ann = item(&plan, "ann");
    assert_eq!(ann.action, Action::Update);
    assert_eq!(
        ann.roles,
        [RoleChange::Grant {
            role: "Project Manager".into(),
            scope: RoleScope::AllOpenProjects,
            because: "group cn=leads,ou=groups,dc=example".into(),
        }]
    );
    assert_eq!(item(&plan, "bob").action, Action::Unchanged);
}

#[test]
fn a_dn_matches_a_rule_written_as_its_first_rdn_and_project_rules_add_up() {
    let mut case = studio();
    case.dir[0].groups = vec!["cn=show,ou=groups,dc=example".into(), "vault".into()];
    let plan = case.plan();
    let RoleChange::Grant { role, scope, .. } = &item(&plan, "ann").roles[0] else {
        panic!("{:#?}", item(&plan, "ann"));
    };
    assert_eq!(role, "User");
    assert_eq!(*scope, RoleScope::projects(["SHOW", "VAULT"]));
}

#[test]
fn a_managed_role_no_group_gives_is_revoked_and_other_roles_are_left_alone() {
    let mut case = studio();
    case.ftrack[0].roles = vec![
        holds("Project Manager", RoleScope::AllOpenProjects),
        holds("Administrator", RoleScope::AllOpenProjects),
    ];
    let plan = case.plan();
    let ann = item(&plan, "ann");
    assert_eq!(ann.action, Action::Update);
    assert_eq!(
        ann.roles,
        [RoleChange::Revoke {
            role: "Project Manager".into(),
            scope: RoleScope::AllOpenProjects,
        }],
        "Administrator is in no rule, so it is not managed"
    );
    assert!(ann.roles[0].takes_away());
}

#[test]
fn a_role_held_on_other_projects_is_rescoped_and_a_held_role_in_sync_is_unchanged() {
    let mut case = studio();
    case.dir[0].groups = vec!["show".into()];
    case.ftrack[0].roles = vec![holds("User", RoleScope::projects(["VAULT"]))];
    case.dir[1].groups = vec!["show".into()];
    case.ftrack[1].roles = vec![holds("User", RoleScope::projects(["SHOW"]))];
    let plan = case.plan();
    let ann = &item(&plan, "ann").roles;
    assert!(
        matches!(&ann[..], [RoleChange::Rescope { from, to, .. }] if *from == RoleScope::projects(["VAULT"]) && *to == RoleScope::projects(["SHOW"])),
        "{ann:#?}"
    );
    assert!(ann[0].takes_away(), "VAULT is lost");
    assert_eq!(item(&plan, "bob").action, Action::Unchanged);
}

#[test]
fn an_incomplete_read_grants_and_widens_but_takes_nothing_away() {
    let mut case = studio();
    case.incomplete = true;
    case.dir[0].groups = vec!["show".into()];
    case.ftrack[0].roles = vec![holds("User", RoleScope::projects(["VAULT"]))];
    case.ftrack[1].roles = vec![holds("Project Manager", RoleScope::AllOpenProjects)];
    let plan = case.plan();
    assert!(
        matches!(&item(&plan, "ann").roles[..], [RoleChange::Rescope { to, .. }] if *to == RoleScope::projects(["SHOW", "VAULT"]))
    );
    assert_eq!(item(&plan, "bob").action, Action::Unchanged);
}

#[test]
fn new_users_get_the_default_role_when_no_group_gives_one() {
    let mut case = studio();
    case.policy.roles.default = Some(RoleGrant {
        role: "User".into(),
        scope: RoleScope::AllOpenProjects,
    });
    case.dir.push(dir("dee"));
    case.dir[3].groups = vec!["cn=leads,ou=groups,dc=example".into()];
    let plan = case.plan();
    let cy = item(&plan, "cy");
    assert_eq!(cy.action, Action::Create);
    assert!(
        matches!(&cy.roles[..], [RoleChange::Grant { role, because, .. }] if role == "User" && because == "default role for new users")
    );
    let dee = &item(&plan, "dee").roles;
    assert!(matches!(&dee[..], [RoleChange::Grant { role, .. }] if role == "Project Manager"));
    assert_eq!(
        item(&plan, "ann").action,
        Action::Unchanged,
        "existing users keep theirs"
    );
}

#[test]
fn a_rule_naming_a_missing_role_or_project_makes_its_members_conflicts() {
    let mut case = studio();
    case.policy.roles.rules.push(RoleRule::new(
        "fx",
        "Supervisor",
        RoleScope::AllOpenProjects,
    ));
    case.policy
        .roles
        .rules
        .push(RoleRule::new("old", "User", RoleScope::projects(["GONE"])));
    case.dir[0].groups = vec!["fx".into()];
    case.dir[1].groups = vec!["old".into()];
    let plan = case.plan();
    for (name, words) in [
        ("ann", "ftrack has no security role named \"Supervisor\""),
        ("bob", "ftrack has no project named GONE"),
    ] {
        let it = item(&plan, name);
        assert_eq!(it.action, Action::Conflict, "{it:#?}");
        assert_eq!(it.conflict.as_ref().unwrap().kind, ConflictKind::RoleRule);
        assert!(it.reason.as_deref().unwrap().contains(words), "{it:#?}");
    }
    assert_eq!(
        item(&plan, "cy").action,
        Action::Create,
        "not in those groups"
    );
}

#[test]
fn privileged_roles_need_the_opt_in() {
    let mut case = studio();
    case.policy.roles.rules.push(RoleRule::new(
        "admins",
        "Administrator",
        RoleScope::AllOpenProjects,
    ));
    case.policy
        .roles
        .rules
        .push(RoleRule::new("robots", "API", RoleScope::AllOpenProjects));
    case.dir[0].groups = vec!["admins".into()];
    case.dir[1].groups = vec!["robots".into()];
    let plan = case.plan();
    for name in ["ann", "bob"] {
        let reason = item(&plan, name).reason.clone().unwrap();
        assert!(reason.contains("allow_privileged = true"), "{reason}");
    }
    case.policy.roles.allow_privileged = true;
    let plan = case.plan();
    assert_eq!(item(&plan, "ann").action, Action::Update);
    assert_eq!(item(&plan, "bob").action, Action::Update);
}

#[test]
fn protected_and_service_accounts_keep_their_roles() {
    let mut case = studio();
    case.policy.protected_users = vec!["ann".into()];
    case.ftrack[0].roles = vec![holds("Project Manager", RoleScope::AllOpenProjects)];
    case.ftrack[1].user_type = Some("service".into());
    case.ftrack[1].roles = vec![holds("Project Manager", RoleScope::AllOpenProjects)];
    let plan = case.plan();
    for name in ["ann", "bob"] {
        let it = item(&plan, name);
        assert_eq!(it.action, Action::Skip, "{it:#?}");
        assert!(it.roles.is_empty());
    }
    assert!(
        item(&plan, "bob")
            .reason
            .as_deref()
            .unwrap()
            .contains("service")
    );
}

#[test]
fn taking_roles_from_many_users_is_capped_like_deactivations() {
    let mut case = studio();
    case.policy.max_deactivate = MaxDeactivate::Count(1);
    for user in &mut case.ftrack {
        user.roles = vec![holds("Project Manager", RoleScope::AllOpenProjects)];
    }
    let plan = case.plan();
    let blocked = plan
        .blocked
        .expect("two users lose a role, over the limit of 1");
    assert!(
        blocked.contains("2 users would lose a security role"),
        "{blocked}"
    );
}

#[test]
fn without_role_rules_roles_are_not_looked_at() {
    let mut case = Case::new(vec![dir("ann")], vec![ft("ann")]).link("ann", "ann");
    case.ftrack[0].roles = vec![holds("Anything", RoleScope::AllOpenProjects)];
    assert_eq!(item(&case.plan(), "ann").action, Action::Unchanged);
}

#[test]
fn the_default_role_is_a_floor_that_is_kept_while_no_rule_gives_a_role() {
    let mut case = studio();
    case.policy.roles.default = Some(RoleGrant {
        role: "User".into(),
        scope: RoleScope::AllOpenProjects,
    });
    // ann holds the default role (given when she was created) and is in no group; bob moves
    // off the show team, where the rules gave him User.
    case.ftrack[0].roles = vec![holds("User", RoleScope::AllOpenProjects)];
    case.ftrack[1].roles = vec![holds("User", RoleScope::projects(["SHOW"]))];
    let plan = case.plan();
    assert_eq!(item(&plan, "ann").action, Action::Unchanged);
    assert_eq!(
        item(&plan, "bob").action,
        Action::Unchanged,
        "the floor keeps it"
    );
    case.dir[1].groups = vec!["cn=leads,ou=groups,dc=example".into()];
    let plan = case.plan();
    let bob = &item(&plan, "bob").roles;
    assert!(
        bob.iter()
            .any(|r| matches!(r, RoleChange::Revoke { role, .. } if role == "User")),
        "a lead's role comes from the rules, so the floor no longer applies: {bob:#?}"
    );
}

#[test]
fn a_role_rule_whose_group_the_search_missed_takes_nothing_away() {
    use crate::reconcile::missing_groups::MissingRoleGroup;
    let mut case = studio();
    // ann is a lead in ftrack and bob has User on SHOW; the search found only `show`, which
    // ann is in now.
    case.ftrack[0].roles = vec![holds("Project Manager", RoleScope::AllOpenProjects)];
    case.ftrack[1].roles = vec![holds("User", RoleScope::projects(["SHOW"]))];
    case.dir[0].groups = vec!["cn=show,ou=groups,dc=example".into()];
    case.groups_found = Some(vec!["cn=show,ou=groups,dc=example".into()]);
    let plan = case.plan();
    assert_eq!(
        plan.missing_role_groups,
        [
            MissingRoleGroup {
                directory: "cn=leads,ou=groups,dc=example".into(),
                role: "Project Manager".into(),
            },
            MissingRoleGroup {
                directory: "vault".into(),
                role: "User".into(),
            },
        ]
    );
    // Neither role may be taken away or narrowed: either missing group may hold them.
    let ann = item(&plan, "ann");
    assert!(ann.roles.iter().all(|r| !r.takes_away()), "{:?}", ann.roles);
    assert!(
        ann.roles
            .iter()
            .any(|r| matches!(r, RoleChange::Grant { role, .. } if role == "User")),
        "grants still go ahead: {:?}",
        ann.roles
    );
    assert_eq!(item(&plan, "bob").action, Action::Unchanged);
    let warned = plan
        .warnings
        .iter()
        .any(|w| w.contains("role rule groups not found") && w.contains("Project Manager"));
    assert!(warned, "{:?}", plan.warnings);

    // Once the search finds every rule's group, the lead role goes.
    case.groups_found = Some(vec![
        "cn=show,ou=groups,dc=example".into(),
        "cn=leads,ou=groups,dc=example".into(),
        "cn=vault,ou=groups,dc=example".into(),
    ]);
    let plan = case.plan();
    assert!(plan.missing_role_groups.is_empty());
    assert!(item(&plan, "ann").roles.iter().any(RoleChange::takes_away));
}
