//! Tests of the `[roles]` checks: the file alone, and the rules against a hand-made snapshot.

use super::{RolesCheck, check_live, check_static};
use crate::access::{Project, RoleKind, SecurityRole};
use crate::config::{Config, load_text};
use crate::model::FtrackSnapshot;
use std::path::Path;

fn config(text: &str) -> Config {
    load_text(Path::new("roles.toml"), text).expect("the config loads")
}

fn static_error(text: &str) -> String {
    check_static(&config(text)).unwrap_err().to_string()
}

/// A server with the usual roles (and an API role) and two projects.
fn server() -> FtrackSnapshot {
    let role = |name: &str, kind: &str| SecurityRole {
        id: name.to_lowercase(),
        name: name.to_string(),
        kind: RoleKind::from_server(kind),
    };
    let project = |name: &str| Project {
        id: name.to_lowercase(),
        name: name.to_string(),
        full_name: String::new(),
        is_private: false,
    };
    FtrackSnapshot {
        security_roles: vec![
            role("Administrator", "PROJECT"),
            role("Project Manager", "PROJECT"),
            role("User", "PROJECT"),
            role("Restricted User", "ASSIGNED"),
            role("Pipeline API", "API"),
        ],
        projects: vec![project("show_a"), project("show_b")],
        ..FtrackSnapshot::default()
    }
}

const RULES: &str = "\
[roles]
default = \"User\"

[[roles.rule]]
group = \"leads\"
role = \"Project Manager\"

[[roles.rule]]
group = \"cn=vendors,ou=groups,dc=studio\"
role = \"Restricted User\"
projects = [\"show_b\"]
";

#[test]
fn validate_refuses_the_administrator_role_without_the_opt_in() {
    assert_eq!(
        static_error("[[roles.rule]]\ngroup = \"it\"\nrole = \"Administrator\"\n"),
        "roles.toml:3: roles.rule[1].role: \"Administrator\" is a privileged role; granting it \
         from the directory needs [roles] allow_privileged = true"
    );
    assert_eq!(
        static_error("[roles]\ndefault = \"administrator\"\n"),
        "roles.toml:2: roles.default: \"administrator\" is a privileged role; granting it from \
         the directory needs [roles] allow_privileged = true"
    );
    let allowed = "[roles]\nallow_privileged = true\n[[roles.rule]]\ngroup = \"it\"\nrole = \"Administrator\"\n";
    assert!(check_static(&config(allowed)).is_ok());
    assert!(check_static(&config(RULES)).is_ok());
    assert!(check_static(&Config::default()).is_ok());
}

#[test]
fn rules_that_fit_the_server_are_usable() {
    assert_eq!(
        check_live(&config(RULES), &server()),
        RolesCheck::Usable(
            "2 rules and the default role usable against ftrack's 5 roles and 2 projects"
                .to_string()
        )
    );
    let usable = |text: &str| match check_live(&config(text), &server()) {
        RolesCheck::Usable(line) => line,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        usable("[[roles.rule]]\ngroup = \"leads\"\nrole = \"User\"\n"),
        "1 rule usable against ftrack's 5 roles and 2 projects"
    );
    assert_eq!(
        usable("[roles]\ndefault = \"User\"\ndefault_projects = [\"show_b\"]\n"),
        "the default role usable against ftrack's 5 roles and 2 projects"
    );
}

#[test]
fn each_unusable_rule_is_a_problem_with_its_line() {
    let text = "\
[roles]
default = \"Artist\"
default_projects = [\"show_a\"]

[[roles.rule]]
group = \"leads\"
role = \"Project Manager\"

[[roles.rule]]
group = \"artists\"
role = \"User\"
projects = [\"show_a\", \"show_z\"]

[[roles.rule]]
group = \"pipeline\"
role = \"Pipeline API\"
";
    let RolesCheck::Problems(problems) = check_live(&config(text), &server()) else {
        panic!("problems expected");
    };
    assert_eq!(
        problems,
        [
            "roles.toml:2: roles.default: [roles] default: ftrack has no security role named \"Artist\"",
            "roles.toml:9: roles.rule[2]: [roles] rule for group \"artists\": ftrack has no project named show_z",
            "roles.toml:14: roles.rule[3]: [roles] rule for group \"pipeline\": \"Pipeline API\" is a \
             privileged role (API); granting it from the directory needs [roles] allow_privileged = true",
        ]
    );
    let allowed = text.replace("[roles]\n", "[roles]\nallow_privileged = true\n");
    let RolesCheck::Problems(problems) = check_live(&config(&allowed), &server()) else {
        panic!("problems expected");
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn rules_are_not_checked_against_a_server_whose_roles_were_not_read() {
    let unread = FtrackSnapshot {
        security_roles: Vec::new(),
        ..server()
    };
    assert_eq!(check_live(&config(RULES), &unread), RolesCheck::NotRead);
}
