//! Security roles from directory groups, end to end: the real binary applies `[roles]` rules
//! to the sandbox (which gives users it creates the "User" role, as ftrack does), and a second
//! plan finds nothing left to do.

use crate::apply_e2e::World;
use crate::support::run;
use ldap2ftrack::access::{Project, RoleScope, UserRole};
use ldap2ftrack::model::FtrackSnapshot;
use std::collections::BTreeSet;

const ROLES: &str = r#"
[roles]
default = "User"

[[roles.rule]]
group = "cn=leads,ou=groups,dc=northlight,dc=example"
role = "Project Manager"

[[roles.rule]]
group = "fx"
role = "User"
projects = ["SHOW", "VAULT"]
"#;

fn project(name: &str, private: bool) -> Project {
    Project {
        id: format!("p-{}", name.to_lowercase()),
        name: name.into(),
        full_name: format!("{name} (full name)"),
        is_private: private,
    }
}

/// The demo studio with two shows, and one user (not a lead) who holds Project Manager.
fn studio(former_lead: &str) -> World {
    let former_lead = former_lead.to_string();
    World::with_seed("", ROLES, move |ftrack: &mut FtrackSnapshot| {
        ftrack.projects = vec![project("SHOW", false), project("VAULT", true)];
        let user = ftrack
            .users
            .iter_mut()
            .find(|u| u.username.as_str() == former_lead)
            .expect("the former lead is in the demo");
        user.roles = vec![UserRole {
            role: "Project Manager".into(),
            scope: RoleScope::AllOpenProjects,
        }];
    })
}

fn roles_of<'a>(ftrack: &'a FtrackSnapshot, username: &str) -> &'a [UserRole] {
    let user = ftrack
        .users
        .iter()
        .find(|u| u.username.as_str() == username);
    &user
        .unwrap_or_else(|| panic!("{username} is in ftrack"))
        .roles
}

/// The roles of a plan item's ftrack user: by id when it had one, else by its new username.
fn item_roles<'a>(ftrack: &'a FtrackSnapshot, item: &serde_json::Value) -> &'a [UserRole] {
    match item["ftrack"]["id"].as_str() {
        Some(id) => {
            let user = ftrack.users.iter().find(|u| u.id.as_str() == id);
            &user.unwrap_or_else(|| panic!("{id} is in ftrack")).roles
        }
        None => roles_of(ftrack, item["username"].as_str().unwrap()),
    }
}

/// Usernames of the items with this action that change roles.
fn members(plan: &serde_json::Value, action: &str) -> BTreeSet<String> {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == action && i["roles"].is_array())
        .map(|i| i["username"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn roles_follow_directory_groups_and_a_second_plan_has_nothing_left() {
    // aaziz is in the demo ftrack and directory, and in neither leads nor fx.
    let world = studio("aaziz");
    let plan = world.plan_json();
    let granted_on_create = members(&plan, "create");
    let updated = members(&plan, "update");
    assert!(!granted_on_create.is_empty(), "new users get a role");
    assert!(
        updated.contains("aaziz"),
        "the former lead loses Project Manager"
    );
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let ftrack = world.ftrack();
    assert!(
        roles_of(&ftrack, "aaziz").is_empty(),
        "{:?}",
        roles_of(&ftrack, "aaziz")
    );
    for item in plan["items"].as_array().unwrap() {
        let Some(changes) = item["roles"].as_array() else {
            continue;
        };
        if item["action"] == "conflict" || item["action"] == "skip" {
            continue;
        }
        let held = item_roles(&ftrack, item);
        for change in changes.iter().filter(|c| c["change"] != "revoke") {
            let role = change["role"].as_str().unwrap();
            assert!(
                held.iter().any(|h| h.role == role),
                "{} should hold {role}: {held:?}",
                item["username"]
            );
        }
    }
    // A new fx artist: the sandbox gave "User" on all open projects, the rule narrows it.
    let shows = RoleScope::Projects(["SHOW", "VAULT"].map(String::from).into());
    let user_on_shows = UserRole {
        role: "User".into(),
        scope: shows,
    };
    assert_eq!(
        roles_of(&ftrack, "hedwards"),
        std::slice::from_ref(&user_on_shows)
    );
    // A new lead in fx holds both.
    let manager = UserRole {
        role: "Project Manager".into(),
        scope: RoleScope::AllOpenProjects,
    };
    let mut lead = roles_of(&ftrack, "lwalker").to_vec();
    lead.sort_by(|a, b| a.role.cmp(&b.role));
    assert_eq!(lead, [manager, user_on_shows]);
    let again = world.plan_json();
    let left: Vec<&serde_json::Value> = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["roles"].is_array())
        .collect();
    assert!(left.is_empty(), "{left:#?}");
}

/// Group membership read from a real directory (slapd) decides each user's role.
#[test]
fn roles_follow_group_membership_read_from_slapd() {
    use crate::ldap_source::{GROUPS, person, write_config};
    use crate::support::cli_sandbox::CliSandbox;
    use crate::support::slapd::{READER_PASSWORD, Slapd, require_slapd};
    require_slapd();
    let people = [
        person(1, "ann", &format!("memberOf: cn=leads,{GROUPS}")),
        person(2, "bob", &format!("memberOf: cn=artists,{GROUPS}")),
        person(3, "cy", ""),
    ];
    let server = Slapd::start(&people.join("\n"));
    let home = tempfile::tempdir().unwrap();
    let config = write_config(&server, home.path(), READER_PASSWORD);
    let rules = format!(
        "{}\n[roles]\ndefault = \"User\"\n\n[[roles.rule]]\ngroup = \"leads\"\nrole = \"Project Manager\"\n\n[[roles.rule]]\ngroup = \"cn=artists,{GROUPS}\"\nrole = \"User\"\nprojects = [\"SHOW\"]\n",
        std::fs::read_to_string(&config).unwrap()
    );
    std::fs::write(&config, rules).unwrap();
    // bob exists and manages SHOW; the directory makes him a User there (one replacement).
    let bob = ldap2ftrack::model::FtrackUser {
        id: "f-bob".into(),
        username: "bob".into(),
        is_active: true,
        roles: vec![UserRole {
            role: "Project Manager".into(),
            scope: RoleScope::Projects(["SHOW".to_string()].into()),
        }],
        ..Default::default()
    };
    let shows = FtrackSnapshot {
        users: vec![bob],
        projects: vec![project("SHOW", false)],
        ..FtrackSnapshot::default()
    };
    let sandbox = CliSandbox::start(&shows, "sync");
    let sync = |args: &[&str]| {
        run(sandbox
            .ldap2ftrack(home.path())
            .arg("-c")
            .arg(&config)
            .args(args))
    };
    let out = sync(&["apply", "--auto-approve"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let ftrack = sandbox.snapshot();
    let all_open = |role: &str| UserRole {
        role: role.into(),
        scope: RoleScope::AllOpenProjects,
    };
    // The server gave ann "User" on creation; the rules manage "User", and give her none.
    assert_eq!(roles_of(&ftrack, "ann"), [all_open("Project Manager")]);
    let show = UserRole {
        role: "User".into(),
        scope: RoleScope::Projects(["SHOW".to_string()].into()),
    };
    assert_eq!(roles_of(&ftrack, "bob"), [show]);
    assert_eq!(
        roles_of(&ftrack, "cy"),
        [all_open("User")],
        "the default role"
    );
    let again = sync(&["plan", "--format", "json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let plan: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(plan["summary"]["update"], 0, "{}", again.stdout);
    assert_eq!(plan["summary"]["create"], 0, "{}", again.stdout);
}

/// The seat limit, end to end: the demo (with the sandbox's API user) would take ftrack from
/// 283 to 301 active users; with room for 290, the run holds the rest with the reason.
#[test]
fn the_seat_limit_holds_what_would_go_beyond_it() {
    let world = World::with_seed("", "", |_| {});
    let config = world.path("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("[policy]\n", "[policy]\nmax_active_users = 290\n", 1);
    std::fs::write(&config, text).unwrap();
    let active = |ftrack: &FtrackSnapshot| ftrack.users.iter().filter(|u| u.is_active).count();
    let before = active(&world.ftrack());
    let plan = world.plan_json();
    assert_eq!(plan["seats"]["active_before"], before);
    assert_eq!(plan["seats"]["active_after"], 290, "{}", plan["seats"]);
    let held: Vec<&serde_json::Value> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["reason"]
                .as_str()
                .is_some_and(|r| r.contains("held back by the seat limit"))
        })
        .collect();
    assert!(!held.is_empty());
    let out = run(world
        .cmd("apply")
        .args(["--auto-approve", "--report", "applied.json"]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let after = active(&world.ftrack());
    assert!(after <= 290, "{before} -> {after}");
    // The apply report counts the seats the run took, not the ones it planned.
    let report = std::fs::read_to_string(world.path("applied.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        report["seats"]["active_before"], before,
        "{}",
        report["seats"]
    );
    assert_eq!(
        report["seats"]["active_after"], after,
        "{}",
        report["seats"]
    );
    assert_eq!(report["seats"]["limit"], 290);
    for item in held {
        let name = item["username"].as_str().unwrap();
        let user = world
            .ftrack()
            .users
            .into_iter()
            .find(|u| u.username.as_str() == name);
        assert!(!user.is_some_and(|u| u.is_active), "{name} was held back");
    }
}
