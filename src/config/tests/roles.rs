//! Tests of the `[roles]` section and the seat limit: parsing, every error with its line, the
//! environment, `config show`, and the planner policy made from them.

use super::file::{error_for, load_file};
use super::layers::{env_of, flag, flags};
use crate::access::RoleScope;
use crate::config::*;
use crate::reconcile::policy::{RoleGrant, RolePolicy, RoleRule};

const ROLES: &str = r#"
[policy]
max_active_users = 250

[roles]
default = "User"
default_projects = ["show_a"]

[[roles.rule]]
group = "leads"
role = "Project Manager"

[[roles.rule]]
group = "cn=artists,ou=groups,dc=studio,dc=example"
role = "User"
projects = ["show_b", "show_a"]

[[roles.rule]]
role = "Restricted User"
projects = ["show_c"]
group = "vendors"
"#;

#[test]
fn roles_and_the_seat_limit_are_read_with_their_lines() {
    let (_dir, path, result) = load_file(ROLES);
    let config = result.unwrap();
    assert_eq!(config.policy.max_active_users, Some(250));
    assert_eq!(config.roles.default.as_deref(), Some("User"));
    assert_eq!(config.roles.default_projects, Some(vec!["show_a".into()]));
    assert!(!config.roles.allow_privileged);
    assert_eq!(
        config.roles.rule,
        [
            RoleRule::new("leads", "Project Manager", RoleScope::AllOpenProjects),
            RoleRule::new(
                "cn=artists,ou=groups,dc=studio,dc=example",
                "User",
                RoleScope::projects(["show_a", "show_b"])
            ),
            RoleRule::new(
                "vendors",
                "Restricted User",
                RoleScope::projects(["show_c"])
            ),
        ]
    );
    let at = |line| Origin::File {
        path: path.clone(),
        line,
    };
    assert_eq!(config.origin("policy.max_active_users"), at(3));
    assert_eq!(config.origin("roles.default_projects"), at(7));
    assert_eq!(config.origin("roles.rule"), at(9));
    assert_eq!(config.origin("roles.rule[1]"), at(9));
    assert_eq!(config.origin("roles.rule[2].projects"), at(16));
    assert_eq!(config.origin("roles.rule[3]"), at(18));
    assert_eq!(config.origin("roles.rule[3].group"), at(21));
    assert_eq!(config.origin("roles.allow_privileged"), Origin::Default);
}

#[test]
fn the_policy_carries_the_roles_and_the_seat_limit() {
    let (_dir, _path, result) = load_file(ROLES);
    let policy = result.unwrap().policy(Some("sync-bot"));
    assert_eq!(policy.max_active_users, Some(250));
    assert_eq!(
        policy.roles.default,
        Some(RoleGrant {
            role: "User".to_string(),
            scope: RoleScope::projects(["show_a"]),
        })
    );
    assert_eq!(policy.roles.rules.len(), 3);
    assert_eq!(
        policy.roles.rules[0].grant.scope,
        RoleScope::AllOpenProjects
    );
    assert!(policy.roles.is_active() && !policy.roles.allow_privileged);

    // A default role without projects applies on all open projects.
    let (_dir, _path, result) = load_file("[roles]\ndefault = \"User\"\nallow_privileged = true\n");
    let roles = result.unwrap().policy(None).roles;
    assert_eq!(
        roles,
        RolePolicy {
            default: Some(RoleGrant {
                role: "User".to_string(),
                scope: RoleScope::AllOpenProjects,
            }),
            rules: Vec::new(),
            allow_privileged: true,
        }
    );
}

#[test]
fn without_roles_nothing_is_managed_and_no_seat_limit_holds() {
    let policy = Config::default().policy(None);
    assert_eq!(policy.roles, RolePolicy::default());
    assert!(!policy.roles.is_active());
    assert_eq!(policy.max_active_users, None);
    // An empty list of rules is no rule at all.
    let (_dir, _path, result) = load_file("[roles]\nrule = []\n");
    assert!(!result.unwrap().policy(None).roles.is_active());
}

#[test]
fn seat_limit_and_roles_errors_name_line_key_and_expectation() {
    let cases = [
        (
            "[policy]\nmax_active_users = 0\n",
            "config.toml:2: policy.max_active_users: expected a whole number of users greater than 0, found 0",
        ),
        (
            "[policy]\nmax_active_users = \"250\"\n",
            "config.toml:2: policy.max_active_users: expected a whole number of users greater than 0, found \"250\"",
        ),
        (
            "[roles]\ndefault = \"\"\n",
            "config.toml:2: roles.default: expected a non-empty ftrack security role name, found \"\"",
        ),
        (
            "[roles]\ndefault = \"User\"\ndefault_projects = []\n",
            "config.toml:3: roles.default_projects: expected a non-empty list of ftrack project names, \
             like [\"show_a\", \"show_b\"] (leave the key out for all open projects), found an array",
        ),
        (
            "[roles]\ndefault = \"User\"\ndefault_projects = \"show_a\"\n",
            "config.toml:3: roles.default_projects: expected a non-empty list of ftrack project names, \
             like [\"show_a\", \"show_b\"] (leave the key out for all open projects), found \"show_a\"",
        ),
        (
            "[roles]\n\ndefault_projects = [\"show_a\"]\n",
            "config.toml:3: roles.default_projects: says where the default role applies, but \
             roles.default is not set; set the default role or remove this key",
        ),
        (
            "[roles]\nallow_privileged = \"yes\"\n",
            "config.toml:2: roles.allow_privileged: expected true or false, found \"yes\"",
        ),
        (
            "[roles]\nrules = []\n",
            "config.toml:2: roles.rules: unknown key; expected one of default, default_projects, \
             allow_privileged, rule",
        ),
        (
            "[roles.rule]\ngroup = \"leads\"\nrole = \"User\"\n",
            "config.toml:1: roles.rule: expected [[roles.rule]] tables (two brackets, one table per \
             rule), found a table",
        ),
        (
            "[roles]\nrule = [\"leads\"]\n",
            "config.toml:2: roles.rule[1]: expected a table with group, role and optionally projects, found \"leads\"",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(error_for(text), expected, "for {text:?}");
    }
}

#[test]
fn rule_errors_name_the_rule_its_key_and_line() {
    let first = "[[roles.rule]]\ngroup = \"leads\"\nrole = \"Project Manager\"\n\n";
    let cases = [
        (
            "[[roles.rule]]\nrole = \"User\"\n",
            "config.toml:5: roles.rule[2]: missing group, the directory group (name or DN) whose \
             members get the role",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\n",
            "config.toml:5: roles.rule[2]: missing role, the ftrack security role the group's \
             members get",
        ),
        (
            "[[roles.rule]]\ngroup = \" \"\nrole = \"User\"\n",
            "config.toml:6: roles.rule[2].group: expected a non-empty directory group name or DN, found \" \"",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\nrole = \"\"\n",
            "config.toml:7: roles.rule[2].role: expected a non-empty ftrack security role name, found \"\"",
        ),
        (
            "[[roles.rule]]\ngroup = [\"artists\"]\nrole = \"User\"\n",
            "config.toml:6: roles.rule[2].group: expected a non-empty directory group name or DN, found an array",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\nrole = 3\n",
            "config.toml:7: roles.rule[2].role: expected a non-empty ftrack security role name, found 3",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\nrole = \"User\"\nprojects = []\n",
            "config.toml:8: roles.rule[2].projects: expected a non-empty list of ftrack project names, \
             like [\"show_a\", \"show_b\"] (leave the key out for all open projects), found an array",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\nrole = \"User\"\nprojects = [\"show_a\", 4]\n",
            "config.toml:8: roles.rule[2].projects: expected a non-empty list of ftrack project names, \
             like [\"show_a\", \"show_b\"] (leave the key out for all open projects), found 4 in the list",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\nrole = \"User\"\nprojects = [\"show_a\", \"show_a\"]\n",
            "config.toml:8: roles.rule[2].projects: project \"show_a\" is listed twice",
        ),
        (
            "[[roles.rule]]\ngroup = \"artists\"\nproject = [\"show_a\"]\nrole = \"User\"\n",
            "config.toml:7: roles.rule[2].project: unknown key; expected one of group, role, projects",
        ),
        (
            "[[roles.rule]]\ngroup = \"Leads \"\nrole = \"Project Manager\"\nprojects = [\"show_a\"]\n",
            "config.toml:5: roles.rule[2]: group \"Leads \" already gets role \"Project Manager\" from \
             roles.rule[1] (config.toml:1); give each group and role once, with all its projects",
        ),
    ];
    for (rest, expected) in cases {
        let text = format!("{first}{rest}");
        assert_eq!(error_for(&text), expected, "for {text:?}");
    }
    // The same group may hold several roles, and several groups one role.
    let (_dir, _path, result) = load_file(&format!(
        "{first}[[roles.rule]]\ngroup = \"leads\"\nrole = \"User\"\n\
         [[roles.rule]]\ngroup = \"artists\"\nrole = \"User\"\n"
    ));
    assert_eq!(result.unwrap().roles.rule.len(), 3);
}

#[test]
fn inline_rules_are_read_like_tables() {
    let (_dir, path, result) = load_file(
        "[roles]\nrule = [\n  { group = \"leads\", role = \"User\" },\n  { group = \"fx\" },\n]\n",
    );
    assert_eq!(
        result.unwrap_err().to_string(),
        format!(
            "{}:4: roles.rule[2]: missing role, the ftrack security role the group's members get",
            path.display()
        )
    );
}

#[test]
fn the_seat_limit_comes_from_the_environment_and_rules_only_from_the_file() {
    let (_dir, path, _) = load_file("[policy]\nmax_active_users = 100\n");
    let env = env_of(&[("LDAP2FTRACK_MAX_ACTIVE_USERS", "120")]);
    let config = load(Some(&path), &env, &Overrides::default()).unwrap();
    assert_eq!(config.policy.max_active_users, Some(120));
    assert_eq!(
        config.origin("policy.max_active_users").to_string(),
        "env LDAP2FTRACK_MAX_ACTIVE_USERS"
    );
    let env = env_of(&[("LDAP2FTRACK_MAX_ACTIVE_USERS", "-3")]);
    assert_eq!(
        load(None, &env, &Overrides::default())
            .unwrap_err()
            .to_string(),
        "env LDAP2FTRACK_MAX_ACTIVE_USERS: policy.max_active_users: expected a whole number of \
         users greater than 0, found \"-3\""
    );

    let set =
        |key: &str, value: &str| load(None, &|_| None, &flags(vec![flag(key, value, "--set")]));
    let config = set("roles.default_projects", "show_a, show_b").unwrap_err();
    assert!(
        config.to_string().contains("roles.default is not set"),
        "{config}"
    );
    let err = set("roles.rule", "leads=User").unwrap_err().to_string();
    assert_eq!(
        err,
        "flag --set: roles.rule: can only be set in the config file, as [[roles.rule]] tables"
    );
    let config = set("roles.allow_privileged", "true").unwrap();
    assert!(config.roles.allow_privileged);
}

#[test]
fn show_prints_the_roles_section_and_each_rule_as_toml() {
    let (dir, _path, result) = load_file(ROLES);
    let shown = render_show(&result.unwrap());
    let roles: String = shown
        .split_once("[roles]\n")
        .map(|(_, rest)| rest.split("\n[state]").next().unwrap_or_default())
        .unwrap()
        .replace(&dir.path().display().to_string(), "/cfg");
    insta::assert_snapshot!("config_show_roles", format!("[roles]\n{roles}"));
    assert!(shown.contains("\nmax_active_users = 250 "), "{shown}");

    // Without [roles]: every key at its default, and a word on the rules.
    let shown = render_show(&Config::default());
    let roles: Vec<String> = shown
        .lines()
        .skip_while(|line| *line != "[roles]")
        .take(5)
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        roles,
        [
            "[roles]",
            "default = (unset) # default",
            "default_projects = (unset: all open projects) # default",
            "allow_privileged = false # default",
            "# (no [[roles.rule]]: no role is managed) # default",
        ]
    );
    assert!(shown.contains("\nmax_active_users = (unset)"), "{shown}");
}

#[test]
fn the_example_roles_load_as_written_once_uncommented() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let text = std::fs::read_to_string(example).unwrap();
    let start = text
        .find("# max_active_users")
        .expect("the example shows the seat limit");
    let end = text.find("\n[state]").expect("the example has [state]");
    let is_setting = |line: &str| {
        line.starts_with('[')
            || line
                .split_once(" = ")
                .is_some_and(|(key, _)| key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    };
    // Every commented setting of the block, but the default role's projects: the example
    // gives the default role on all open projects.
    let block: String = text[start..end]
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(setting) if is_setting(setting) && !setting.starts_with("default_projects") => {
                format!("{setting}\n")
            }
            _ => format!("{line}\n"),
        })
        .collect();
    let enabled = format!("{}{block}{}", &text[..start], &text[end..]);
    let (_dir, _path, result) = load_file(&enabled);
    let config = result.unwrap();
    assert_eq!(config.policy.max_active_users, Some(250));
    let roles = config.policy(None).roles;
    assert_eq!(
        roles.default,
        Some(RoleGrant {
            role: "User".to_string(),
            scope: RoleScope::AllOpenProjects,
        })
    );
    assert!(!roles.allow_privileged);
    assert_eq!(
        roles.rules,
        [
            RoleRule::new(
                "cn=leads,ou=groups,dc=studio,dc=example",
                "Project Manager",
                RoleScope::AllOpenProjects
            ),
            RoleRule::new("artists", "User", RoleScope::projects(["kraken", "ember"])),
            RoleRule::new(
                "vendor-lumen",
                "Restricted User",
                RoleScope::projects(["kraken"])
            ),
        ]
    );
}
