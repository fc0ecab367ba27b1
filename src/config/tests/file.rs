//! Tests of the file layer: values, line numbers in errors, unknown keys, the example file.

use crate::config::*;
use crate::reconcile::policy::{DeactivateMissing, MaxDeactivate, UsernameCase};
use crate::source::mapping_rules::{ActiveRule, AttrExpr, StatusRule, Transform};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use tempfile::TempDir;

/// Writes `text` to `config.toml` in a fresh directory.
pub(super) fn write_config(text: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn no_env(_: &str) -> Option<String> {
    None
}

pub(super) fn load_file(text: &str) -> (TempDir, PathBuf, Result<Config, ConfigError>) {
    let (dir, path) = write_config(text);
    let result = load(Some(&path), &no_env, &Overrides::default());
    (dir, path, result)
}

/// The error message for `text`, with the temporary path replaced by `config.toml`.
pub(super) fn error_for(text: &str) -> String {
    let (_dir, path, result) = load_file(text);
    let message = result.unwrap_err().to_string();
    message.replace(&path.display().to_string(), "config.toml")
}

#[test]
fn defaults_without_a_file() {
    let config = load(None, &no_env, &Overrides::default()).unwrap();
    assert_eq!(config.ldap.uri, None);
    assert_eq!(config.ldap.user_filter, "(objectClass=inetOrgPerson)");
    assert!(
        config
            .ldap
            .group_filter
            .starts_with("(|(objectClass=groupOfNames)")
    );
    assert_eq!(config.ldap.page_size, 500);
    assert_eq!(config.ldap.timeout_secs, 30);
    assert!(!config.ldap.starttls && !config.ldap.allow_insecure);
    assert_eq!(config.ftrack.batch_size, 100);
    assert_eq!(config.ftrack.timeout_secs, 60);
    assert_eq!(config.ftrack.concurrency, 8);
    assert_eq!(config.mapping, Mapping::default());
    assert!(config.groups.managed.is_empty());
    assert_eq!(config.policy.max_deactivate, MaxDeactivate::Count(25));
    assert_eq!(config.policy.deactivate_missing, DeactivateMissing::Linked);
    assert_eq!(config.policy.username_case, UsernameCase::Insensitive);
    assert_eq!(config.state.dir, PathBuf::from("./.ldap2ftrack-state"));
    assert_eq!(config.origin("ldap.page_size"), Origin::Default);
    assert_eq!(config.origin("state.dir").to_string(), "default");
}

#[test]
fn reads_every_kind_of_value_with_its_line() {
    let text = r#"
[ldap]
uri = "ldaps://ldap.studio.example"
starttls = true
page_size = 1_000

[ftrack]
server = "https://studio.ftrackapp.com/"
batch_size = 0x20

[mapping]
username = "mail | localpart | lowercase"
active = "none"

[groups.managed]
"cn=compositing,ou=groups,dc=studio,dc=example" = "Compositing"
animation = "Animation"

[policy]
protected_users = ["admin", "farm"]
max_deactivate = 10
deactivate_missing = "all"
username_case = "sensitive"

[state]
dir = "state"
"#;
    let (dir, path, result) = load_file(text);
    let config = result.unwrap();
    assert_eq!(
        config.ldap.uri.as_deref(),
        Some("ldaps://ldap.studio.example")
    );
    assert!(config.ldap.starttls);
    assert_eq!(config.ldap.page_size, 1000);
    assert_eq!(
        config.ftrack.server.as_deref(),
        Some("https://studio.ftrackapp.com")
    );
    assert_eq!(config.ftrack.batch_size, 32);
    assert_eq!(
        config.mapping.username.transforms,
        vec![Transform::Localpart, Transform::Lowercase]
    );
    assert_eq!(config.mapping.email, AttrExpr::plain("mail"));
    assert_eq!(config.mapping.active, ActiveRule::None);
    assert_eq!(config.groups.managed.len(), 2);
    assert_eq!(config.groups.managed["animation"], "Animation");
    assert_eq!(config.policy.protected_users, ["admin", "farm"]);
    assert_eq!(config.policy.max_deactivate, MaxDeactivate::Count(10));
    assert_eq!(config.policy.deactivate_missing, DeactivateMissing::All);
    assert_eq!(config.policy.username_case, UsernameCase::Sensitive);
    // Relative paths in the file are taken from the file's directory.
    assert_eq!(config.state.dir, dir.path().join("state"));

    let at = |line| Origin::File {
        path: path.clone(),
        line,
    };
    assert_eq!(config.origin("ldap.uri"), at(3));
    assert_eq!(config.origin("ldap.page_size"), at(5));
    assert_eq!(config.origin("ftrack.server"), at(8));
    assert_eq!(config.origin("mapping.active"), at(13));
    assert_eq!(config.origin("groups.managed"), at(15));
    assert_eq!(config.origin("policy.max_deactivate"), at(21));
    assert_eq!(config.origin("state.dir"), at(26));
    assert_eq!(config.origin("ldap.timeout_secs"), Origin::Default);
    assert_eq!(at(12).to_string(), format!("{}:12", path.display()));
}

#[test]
fn active_and_max_deactivate_forms() {
    let (_d, _p, result) = load_file(
        "[mapping]\nactive = [\"nsaccountlock\", \"shadowexpire\"]\n[policy]\nmax_deactivate = \"5%\"\n",
    );
    let config = result.unwrap();
    let rules = vec![StatusRule::NsAccountLock, StatusRule::ShadowExpire];
    assert_eq!(config.mapping.active, ActiveRule::Rules(rules));
    assert_eq!(config.policy.max_deactivate, MaxDeactivate::Percent(5.0));
    let (_d, _p, result) = load_file("[policy]\nmax_deactivate = \"25\"\n");
    assert_eq!(
        result.unwrap().policy.max_deactivate,
        MaxDeactivate::Count(25)
    );
}

#[test]
fn grace_keys_read_a_duration_runs_and_a_flag_into_the_policy() {
    let (_dir, _path, config) = load_file(
        "[policy]\ndeactivate_after = \"1d12h\"\ndeactivate_after_runs = 3\ndisabled_immediately = false\n",
    );
    let config = config.unwrap();
    let grace = config.policy(None).grace;
    assert_eq!(grace.after.map(|p| p.as_secs()), Some(36 * 3600));
    assert_eq!(grace.after_runs, Some(3));
    assert!(!grace.disabled_immediately);
    assert!(Config::default().policy(None).grace.disabled_immediately);
    assert!(!Config::default().policy(None).grace.is_active());
}

#[test]
fn range_and_type_errors_name_line_key_and_expectation() {
    let cases = [
        (
            "[ldap]\nuri = \"ldap://x\"\n\n\n\n\npage_size = 0\n",
            "config.toml:7: ldap.page_size: expected a whole number from 1 to 10000, found 0",
        ),
        (
            "[ldap]\npage_size = \"500\"\n",
            "config.toml:2: ldap.page_size: expected a whole number from 1 to 10000, found \"500\"",
        ),
        (
            "[ldap]\ntimeout_secs = -1\n",
            "config.toml:2: ldap.timeout_secs: expected a whole number of seconds greater than 0, found -1",
        ),
        (
            "[ldap]\nstarttls = \"yes\"\n",
            "config.toml:2: ldap.starttls: expected true or false, found \"yes\"",
        ),
        (
            "[ldap]\nuri = \"ldap.studio.example\"\n",
            "config.toml:2: ldap.uri: expected an LDAP URI starting with ldap://, ldaps:// or ldapi://, found \"ldap.studio.example\"",
        ),
        (
            "[ldap]\nuser_filter = \"objectClass=person\"\n",
            "config.toml:2: ldap.user_filter: expected an LDAP filter in parentheses, like \"(objectClass=person)\", found \"objectClass=person\"",
        ),
        (
            "[ldap]\nuser_filter = \"(&(objectClass=person)(objectClas{=user))\"\n",
            "config.toml:2: ldap.user_filter: \"(&(objectClass=person)(objectClas{=user))\": invalid LDAP filter at character 33: expected '=', '~=', '>=', '<=' or ':=' after the attribute description but found '{'",
        ),
        (
            "[ftrack]\n\nbatch_size = 5001\n",
            "config.toml:3: ftrack.batch_size: expected a whole number from 1 to 5000, found 5001",
        ),
        (
            "[ftrack]\nconcurrency = 0\n",
            "config.toml:2: ftrack.concurrency: expected a whole number from 1 to 32, found 0",
        ),
        (
            "[ftrack]\nconcurrency = 33\n",
            "config.toml:2: ftrack.concurrency: expected a whole number from 1 to 32, found 33",
        ),
        (
            "[ftrack]\nserver = \"studio.ftrackapp.com\"\n",
            "config.toml:2: ftrack.server: expected a URL starting with http:// or https://, found \"studio.ftrackapp.com\"",
        ),
        (
            "[ftrack]\napi_user = 42\n",
            "config.toml:2: ftrack.api_user: expected a non-empty string, found 42",
        ),
        (
            "[mapping]\nemail = \"mail | reverse\"\n",
            "config.toml:2: mapping.email: unknown transform \"reverse\": expected lowercase, uppercase or localpart",
        ),
        (
            "[mapping]\nid = 3\n",
            "config.toml:2: mapping.id: expected an attribute expression like \"mail | localpart | lowercase\", found 3",
        ),
        (
            "[mapping]\nactive = [\"locked\"]\n",
            "config.toml:2: mapping.active: unknown account-status rule \"locked\": expected auto, none, or a list of useraccountcontrol, nsaccountlock, pwdaccountlockedtime, shadowexpire, accountexpires",
        ),
        (
            "[policy]\nmax_deactivate = \"lots\"\n",
            "config.toml:2: policy.max_deactivate: expected a count like \"25\" or a percentage like \"5%\", found \"lots\"",
        ),
        (
            "[policy]\nmax_deactivate = 2.5\n",
            "config.toml:2: policy.max_deactivate: expected a count like 25 or a percentage like \"5%\", found 2.5",
        ),
        (
            "[policy]\ndeactivate_missing = \"some\"\n",
            "config.toml:2: policy.deactivate_missing: expected \"linked\", \"all\" or \"never\", found \"some\"",
        ),
        (
            "[policy]\n\ndeactivate_after = \"3 days\"\n",
            "config.toml:3: policy.deactivate_after: expected a duration like \"72h\", \"3d\" or \"1d12h\" (units w, d, h, m, s), found \"3 days\"",
        ),
        (
            "[policy]\ndeactivate_after = 72\n",
            "config.toml:2: policy.deactivate_after: expected a duration like \"72h\" or \"3d\", found 72",
        ),
        (
            "[policy]\ndeactivate_after_runs = 0\n",
            "config.toml:2: policy.deactivate_after_runs: expected a whole number of runs from 1 to 10000, found 0",
        ),
        (
            "[policy]\ndisabled_immediately = \"no\"\n",
            "config.toml:2: policy.disabled_immediately: expected true or false, found \"no\"",
        ),
        (
            "[policy]\nprotected_users = \"admin\"\n",
            "config.toml:2: policy.protected_users: expected a list of ftrack usernames, like [\"admin\", \"pipeline\"], found \"admin\"",
        ),
        (
            "[policy]\nprotected_users = [\"admin\", 7]\n",
            "config.toml:2: policy.protected_users: expected a list of ftrack usernames, like [\"admin\", \"pipeline\"], found 7 in the list",
        ),
        (
            "[groups.managed]\nanimation = \"\"\n",
            "config.toml:2: groups.managed.animation: expected a non-empty ftrack group name, found \"\"",
        ),
        (
            "[groups.managed]\n\"cn=fx,dc=studio\" = 1\n",
            "config.toml:2: groups.managed.\"cn=fx,dc=studio\": expected a non-empty ftrack group name, found 1",
        ),
        (
            "[groups]\nmanaged = \"Animation\"\n",
            "config.toml:2: groups.managed: expected a table of LDAP group = \"ftrack group\" ([groups.managed]), found \"Animation\"",
        ),
        (
            "ldap = 5\n",
            "config.toml:1: ldap: expected a table ([ldap]), found 5",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(error_for(text), expected, "for {text:?}");
    }
}

#[test]
fn unknown_keys_and_sections_are_errors() {
    assert_eq!(
        error_for("[ldap]\nuri = \"ldap://x\"\nbind_passwrd = \"x\"\n"),
        "config.toml:3: ldap.bind_passwrd: unknown key; expected one of uri, bind_dn, bind_password, \
         bind_password_file, user_base_dn, user_filter, group_base_dn, group_filter, starttls, \
         ca_file, allow_insecure, tls_verify, page_size, nested_groups, timeout_secs"
    );
    assert_eq!(
        error_for("# comment\n\n[ldapp]\nuri = \"ldap://x\"\n"),
        "config.toml:3: ldapp: unknown section; expected one of ldap, ftrack, mapping, groups, policy, roles, sync, state, notify"
    );
    assert_eq!(
        error_for("[ldap.tls]\nverify = true\n"),
        "config.toml:1: ldap.tls: unknown key; expected one of uri, bind_dn, bind_password, \
         bind_password_file, user_base_dn, user_filter, group_base_dn, group_filter, starttls, \
         ca_file, allow_insecure, tls_verify, page_size, nested_groups, timeout_secs"
    );
    assert!(
        error_for("[groups]\nmanage = {}\n")
            .starts_with("config.toml:2: groups.manage: unknown key; expected one of managed")
    );
    // A top-level key outside any section is not a section either.
    assert!(error_for("uri = \"ldap://x\"\n").starts_with("config.toml:1: uri: unknown section;"));
}

#[test]
fn the_first_problem_in_the_file_is_reported() {
    // Keys are stored sorted, but errors must follow the file's order.
    assert!(
        error_for("[policy]\nusername_case = \"x\"\ndeactivate_missing = \"y\"\n")
            .starts_with("config.toml:2: policy.username_case:")
    );
}

#[test]
fn syntax_errors_name_the_line() {
    let message = error_for("[ldap]\nuri = \"ldap://x\"\npage_size = \n");
    assert!(
        message.starts_with("config.toml:3: invalid TOML: "),
        "{message}"
    );
    let message = error_for("[ldap]\nuri = \"a\"\nuri = \"b\"\n");
    assert!(
        message.starts_with("config.toml:3: invalid TOML: "),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    let message = error_for("[ftrack]\n[ldap\n");
    assert!(
        message.starts_with("config.toml:2: invalid TOML: "),
        "{message}"
    );
}

#[test]
fn a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let err = load(Some(&path), &no_env, &Overrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::ReadFile { .. }));
    assert_eq!(err.exit_code(), 78);
    assert!(
        err.to_string()
            .starts_with(&format!("cannot read config file {}: ", path.display()))
    );

    let from_env = path.display().to_string();
    let env = |name: &str| (name == "LDAP2FTRACK_CONFIG").then(|| from_env.clone());
    let err = load(None, &env, &Overrides::default()).unwrap_err();
    assert!(
        err.to_string().contains("(from env LDAP2FTRACK_CONFIG)"),
        "{err}"
    );
}

#[test]
fn the_config_path_can_come_from_the_environment() {
    let (_dir, path) = write_config("[ldap]\nuri = \"ldap://env-named\"\n");
    let named = path.display().to_string();
    let env = |name: &str| (name == "LDAP2FTRACK_CONFIG").then(|| named.clone());
    let config = load(None, &env, &Overrides::default()).unwrap();
    assert_eq!(config.ldap.uri.as_deref(), Some("ldap://env-named"));
    // An explicit path wins over the variable.
    let (_dir2, other) = write_config("[ldap]\nuri = \"ldap://explicit\"\n");
    let config = load(Some(&other), &env, &Overrides::default()).unwrap();
    assert_eq!(config.ldap.uri.as_deref(), Some("ldap://explicit"));
}

#[test]
fn the_active_directory_example_loads_with_ad_settings() {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config.ad.example.toml"
    ));
    let config = load(Some(&path), &|_| None, &Overrides::default()).unwrap();
    assert_eq!(config.mapping.id, "objectGUID".parse::<AttrExpr>().unwrap());
    assert_eq!(
        config.mapping.username,
        "sAMAccountName".parse::<AttrExpr>().unwrap()
    );
    assert_eq!(
        config.mapping.active,
        ActiveRule::Rules(vec![
            StatusRule::UserAccountControl,
            StatusRule::AccountExpires
        ])
    );
    assert_eq!(config.ldap.group_filter, "(objectClass=group)");
    assert_eq!(
        config.ldap.user_filter,
        "(&(objectCategory=person)(objectClass=user))"
    );
    assert_eq!(config.ldap.page_size, 1000);
    assert_eq!(config.policy.username_case, UsernameCase::Insensitive);
    // AD refuses simple binds without TLS: the example's URI is LDAPS.
    assert!(config.ldap.uri.as_deref().unwrap().starts_with("ldaps://"));
}

#[test]
fn the_example_file_loads() {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"));
    let config = load(Some(&path), &|_| None, &Overrides::default()).unwrap();
    assert_eq!(
        config.ldap.uri.as_deref(),
        Some("ldaps://ldap.studio.example")
    );
    assert_eq!(
        config.ldap.user_base_dn.as_deref(),
        Some("ou=people,dc=studio,dc=example")
    );
    assert_eq!(
        config.ldap.ca_file,
        Some(PathBuf::from("/etc/ssl/certs/studio-ca.pem"))
    );
    assert!(config.ldap.bind_password.is_none());
    assert_eq!(
        config.ftrack.server.as_deref(),
        Some("https://studio.ftrackapp.com")
    );
    assert_eq!(config.ftrack.api_user.as_deref(), Some("ldap2ftrack"));
    assert!(config.ftrack.api_key.is_none());
    assert_eq!(config.mapping.email.transforms, vec![Transform::Lowercase]);
    assert_eq!(
        config.groups.managed["cn=compositing,ou=groups,dc=studio,dc=example"],
        "Compositing"
    );
    assert_eq!(config.groups.managed["animation"], "Animation");
    assert_eq!(config.policy.max_deactivate, MaxDeactivate::Percent(5.0));
    assert_eq!(
        config.policy.protected_users,
        ["admin", "render-farm", "review-bot"]
    );
    assert_eq!(config.state.dir, PathBuf::from("/var/lib/ldap2ftrack"));

    // Every key is documented in the example, even the ones commented out.
    let text = std::fs::read_to_string(&path).unwrap();
    for key in keys::KEYS {
        let short = key.short_name();
        let documented = text.lines().any(|line| {
            let line = line.trim_start_matches(['#', ' ']);
            match key.kind {
                keys::Kind::ManagedGroups => line == format!("[{}]", key.name),
                keys::Kind::RoleRules => line == format!("[[{}]]", key.name),
                keys::Kind::CustomMapping | keys::Kind::WebhookHeaders => {
                    line == format!("[{}]", key.name)
                }
                _ => line.starts_with(&format!("{short} =")),
            }
        });
        // Inline secrets are left out on purpose: the example keeps them in files.
        let allowed_absent = matches!(key.kind, keys::Kind::Secret { .. });
        assert!(
            documented || allowed_absent,
            "{} missing from the example",
            key.name
        );
    }

    // With the secret files present, the commented lines work as written (paths relative here).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bind_password"), "s3cret\n").unwrap();
    let enabled = text.replace(
        "# bind_password_file = \"/etc/ldap2ftrack/bind_password\"",
        "bind_password_file = \"bind_password\"",
    );
    let copy = dir.path().join("config.toml");
    std::fs::write(&copy, enabled).unwrap();
    let config = load(Some(&copy), &no_env, &Overrides::default()).unwrap();
    let password = config.ldap.bind_password.as_ref().unwrap();
    assert_eq!(password.expose_secret(), "s3cret");
}
