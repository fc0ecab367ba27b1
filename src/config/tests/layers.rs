//! Tests of layering: file, environment and flags, with the origins they leave.

use super::file::write_config;
use crate::config::*;
use crate::reconcile::policy::MaxDeactivate;
use crate::source::mapping_rules::{AttrExpr, Transform};
use secrecy::ExposeSecret;
use std::collections::HashMap;

/// An environment backed by a map.
pub(super) fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

pub(super) fn flag(key: &str, value: &str, flag: &str) -> Override {
    Override {
        key: key.to_string(),
        value: value.to_string(),
        flag: flag.to_string(),
    }
}

pub(super) fn flags(list: Vec<Override>) -> Overrides {
    Overrides(list)
}

#[test]
fn flags_beat_env_beat_file_beat_defaults() {
    let (_dir, path) = write_config(
        "[ldap]\nuri = \"ldap://file\"\nbind_dn = \"cn=file\"\nuser_base_dn = \"ou=file\"\n\
         [policy]\nmax_deactivate = 3\n",
    );
    let env = env_of(&[
        ("LDAP_BIND_DN", "cn=env"),
        ("LDAP_USER_BASE_DN", "ou=env"),
        ("LDAP_URI", ""),
    ]);
    let overrides = flags(vec![
        flag("ldap.user_base_dn", "ou=flag", "--user-base-dn"),
        flag("policy.max_deactivate", "5%", "--max-deactivate"),
        flag("ldap.page_size", "250", "--page-size"),
    ]);
    let config = load(Some(&path), &env, &overrides).unwrap();

    // An empty variable counts as unset, so the file's value stands.
    assert_eq!(config.ldap.uri.as_deref(), Some("ldap://file"));
    assert_eq!(
        config.origin("ldap.uri"),
        Origin::File {
            path: path.clone(),
            line: 2
        }
    );
    assert_eq!(config.ldap.bind_dn.as_deref(), Some("cn=env"));
    assert_eq!(
        config.origin("ldap.bind_dn"),
        Origin::Env("LDAP_BIND_DN".into())
    );
    assert_eq!(config.ldap.user_base_dn.as_deref(), Some("ou=flag"));
    assert_eq!(
        config.origin("ldap.user_base_dn"),
        Origin::Flag("--user-base-dn".into())
    );
    assert_eq!(config.policy.max_deactivate, MaxDeactivate::Percent(5.0));
    assert_eq!(
        config.origin("policy.max_deactivate").to_string(),
        "flag --max-deactivate"
    );
    assert_eq!(config.ldap.page_size, 250);
    assert_eq!(config.ldap.timeout_secs, 30);
    assert_eq!(config.origin("ldap.timeout_secs"), Origin::Default);
    assert_eq!(
        config.origin("ldap.bind_dn").to_string(),
        "env LDAP_BIND_DN"
    );
}

#[test]
fn every_environment_variable_sets_its_key() {
    let env = env_of(&[
        ("FTRACK_SERVER", "https://studio.ftrackapp.com//"),
        ("FTRACK_API_USER", "sync"),
        ("FTRACK_API_KEY", "key-from-env"),
        ("LDAP_URI", "ldaps://a.example ldaps://b.example"),
        ("LDAP_BIND_DN", "cn=sync"),
        ("LDAP_BIND_PASSWORD", "pw-from-env"),
        ("LDAP_USER_BASE_DN", "ou=people"),
        ("LDAP_USER_FILTER", "(objectClass=person)"),
        ("LDAPTLS_CACERT", "/etc/ca.pem"),
        ("LDAP2FTRACK_STATE_DIR", "/srv/state"),
    ]);
    let config = load(None, &env, &Overrides::default()).unwrap();
    assert_eq!(
        config.ftrack.server.as_deref(),
        Some("https://studio.ftrackapp.com")
    );
    assert_eq!(config.ftrack.api_user.as_deref(), Some("sync"));
    assert_eq!(
        config.ftrack.api_key.as_ref().unwrap().expose_secret(),
        "key-from-env"
    );
    assert_eq!(
        config.origin("ftrack.api_key").to_string(),
        "env FTRACK_API_KEY"
    );
    assert_eq!(
        config.ldap.uri.as_deref(),
        Some("ldaps://a.example ldaps://b.example")
    );
    assert_eq!(
        config.ldap.bind_password.as_ref().unwrap().expose_secret(),
        "pw-from-env"
    );
    assert_eq!(config.ldap.user_filter, "(objectClass=person)");
    assert_eq!(config.ldap.ca_file, Some("/etc/ca.pem".into()));
    assert_eq!(
        config.origin("ldap.ca_file").to_string(),
        "env LDAPTLS_CACERT"
    );
    assert_eq!(config.state.dir, std::path::PathBuf::from("/srv/state"));
    assert_eq!(
        config.origin("state.dir").to_string(),
        "env LDAP2FTRACK_STATE_DIR"
    );
}

#[test]
fn default_state_dir_follows_xdg_then_home() {
    let dir = |pairs: &[(&str, &str)]| {
        load(None, &env_of(pairs), &Overrides::default())
            .unwrap()
            .state
            .dir
    };
    let xdg = [("XDG_STATE_HOME", "/xdg"), ("HOME", "/home/ann")];
    assert_eq!(dir(&xdg), std::path::PathBuf::from("/xdg/ldap2ftrack"));
    let home = [("XDG_STATE_HOME", ""), ("HOME", "/home/ann")];
    assert_eq!(
        dir(&home),
        std::path::PathBuf::from("/home/ann/.local/state/ldap2ftrack")
    );
    // A relative XDG_STATE_HOME is invalid by the spec and ignored.
    let relative = [("XDG_STATE_HOME", "rel"), ("HOME", "/home/ann")];
    assert_eq!(
        dir(&relative),
        std::path::PathBuf::from("/home/ann/.local/state/ldap2ftrack")
    );
    assert_eq!(dir(&[]), std::path::PathBuf::from("./.ldap2ftrack-state"));
}

#[test]
fn env_and_flag_errors_name_the_variable_or_flag() {
    let err = |env: &[(&str, &str)], overrides: Vec<Override>| {
        load(None, &env_of(env), &flags(overrides))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(&[("FTRACK_SERVER", "ftp://x")], vec![]),
        "env FTRACK_SERVER: ftrack.server: expected a URL starting with http:// or https://, found \"ftp://x\""
    );
    assert_eq!(
        err(&[], vec![flag("ldap.page_size", "lots", "--page-size")]),
        "flag --page-size: ldap.page_size: expected a whole number from 1 to 10000, found \"lots\""
    );
    assert_eq!(
        err(&[], vec![flag("ldap.starttls", "maybe", "--starttls")]),
        "flag --starttls: ldap.starttls: expected true or false, found \"maybe\""
    );
    assert_eq!(
        err(&[], vec![flag("ldap.pagesize", "5", "--set")]),
        "flag --set: ldap.pagesize: unknown key; expected one of uri, bind_dn, bind_password, \
         bind_password_file, user_base_dn, user_filter, group_base_dn, group_filter, starttls, \
         ca_file, allow_insecure, tls_verify, page_size, nested_groups, timeout_secs"
    );
    assert!(
        err(&[], vec![flag("nope.x", "5", "--set")])
            .starts_with("flag --set: nope.x: unknown section;")
    );
    assert!(
        err(&[], vec![flag("groups.managed", "a=b", "--set")])
            .starts_with("flag --set: groups.managed: can only be set in the config file")
    );
}

#[test]
fn flags_parse_text_like_the_environment() {
    let overrides = flags(vec![
        flag("ldap.starttls", "true", "--starttls"),
        flag("ldap.allow_insecure", "FALSE", "--allow-insecure"),
        flag("policy.protected_users", "admin, farm", "--protect"),
        flag("mapping.active", "nsaccountlock,shadowexpire", "--active"),
        flag("policy.max_deactivate", "7", "--max-deactivate"),
        flag("policy.deactivate_missing", "never", "--deactivate-missing"),
        flag("ftrack.timeout_secs", "5", "--timeout"),
    ]);
    let config = load(None, &|_| None, &overrides).unwrap();
    assert!(config.ldap.starttls);
    assert!(!config.ldap.allow_insecure);
    assert_eq!(config.policy.protected_users, ["admin", "farm"]);
    assert_eq!(
        config.mapping.active.to_string(),
        "nsaccountlock, shadowexpire"
    );
    assert_eq!(config.policy.max_deactivate, MaxDeactivate::Count(7));
    assert_eq!(config.ftrack.timeout_secs, 5);
}

#[test]
fn attribute_map_sets_mapping_keys() {
    let env = env_of(&[(
        "LDAP_ATTRIBUTE_MAP",
        "username=uid, email=mail | lowercase,first_name=givenName,last_name=sn,groups=memberOf,",
    )]);
    let (_dir, path) =
        write_config("[mapping]\nusername = \"sAMAccountName\"\nid = \"objectGUID\"\n");
    let config = load(Some(&path), &env, &Overrides::default()).unwrap();
    assert_eq!(config.mapping.username, AttrExpr::plain("uid"));
    assert_eq!(config.mapping.email.transforms, vec![Transform::Lowercase]);
    assert_eq!(
        config.origin("mapping.username").to_string(),
        "env LDAP_ATTRIBUTE_MAP"
    );
    // Keys the variable leaves out keep their file value.
    assert_eq!(config.mapping.id, AttrExpr::plain("objectGUID"));
    assert_eq!(config.origin("mapping.id"), Origin::File { path, line: 3 });
}

#[test]
fn attribute_map_errors_name_the_variable_and_pair() {
    let err = |value: &str| {
        load(
            None,
            &env_of(&[("LDAP_ATTRIBUTE_MAP", value)]),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        err("username=uid,mail"),
        "env LDAP_ATTRIBUTE_MAP: \"mail\": expected key=attribute, like username=uid"
    );
    assert_eq!(
        err("login=uid"),
        "env LDAP_ATTRIBUTE_MAP: \"login=uid\": unknown mapping key \"login\"; expected one of id, \
         username, email, first_name, last_name, display_name, groups"
    );
    assert_eq!(
        err("email=mail | reverse"),
        "env LDAP_ATTRIBUTE_MAP: \"email=mail | reverse\": mapping.email: unknown transform \
         \"reverse\": expected lowercase, uppercase or localpart"
    );
    assert!(err("email=").contains("\"email=\": mapping.email: expected an LDAP attribute name"));
    assert!(err("uid=a,uid=b").contains("unknown mapping key \"uid\""));
    assert_eq!(
        err("email=mail,email=upn"),
        "env LDAP_ATTRIBUTE_MAP: \"email=upn\": mapping key \"email\" is given twice"
    );
}

#[test]
fn policy_adds_the_api_user_and_managed_groups() {
    let (_dir, path) = write_config(
        "[policy]\nprotected_users = [\"admin\"]\nmax_deactivate = \"10%\"\n[groups.managed]\nfx = \"FX\"\n",
    );
    let config = load(Some(&path), &|_| None, &Overrides::default()).unwrap();
    let policy = config.policy(Some("sync-bot"));
    assert_eq!(policy.protected_users, ["admin", "sync-bot"]);
    assert_eq!(policy.max_deactivate, MaxDeactivate::Percent(10.0));
    assert_eq!(policy.managed_groups["fx"], "FX");
    assert_eq!(policy.previous_directory_count, None);
    assert_eq!(config.policy(Some("admin")).protected_users, ["admin"]);
    assert_eq!(config.policy(None).protected_users, ["admin"]);
}
