use super::*;
use crate::config;
use crate::setup::detect::{DirectoryKind, SchemaNames};
use crate::setup::propose::{Facts, propose};
use crate::source::mapping_rules::{ActiveRule, StatusRule};

fn draft(kind: DirectoryKind, containers: &[&str]) -> Draft {
    let facts = Facts {
        kind,
        naming_context: "dc=studio,dc=test".to_string(),
        schema: SchemaNames::default(),
        containers: containers.iter().map(|c| c.to_string()).collect(),
    };
    Draft {
        kind,
        ldap: LdapAccess {
            uri: "ldaps://ldap.studio.test".to_string(),
            starttls: false,
            ca_file: Some("/etc/ssl/studio \"ca\".pem".to_string()),
            bind_dn: Some("cn=sync,ou=services,dc=studio,dc=test".to_string()),
            bind_password_file: Some("bind_password".to_string()),
        },
        directory: propose(&facts),
        users: 42,
        ftrack: FtrackAccess {
            server: "https://studio.ftrackapp.com".to_string(),
            api_user: "ldap2ftrack".to_string(),
            api_key_file: "ftrack_api_key".to_string(),
        },
    }
}

/// Loads `text` as a config file in a directory holding its secret files.
fn load(text: &str) -> config::Config {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bind_password"), "pw\n").unwrap();
    std::fs::write(dir.path().join("ftrack_api_key"), "key\n").unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    config::load(Some(&path), &|_| None, &config::Overrides::default()).unwrap()
}

#[test]
fn the_written_config_loads_with_every_proposed_value() {
    let draft = draft(DirectoryKind::Samba, &["ou=people,dc=studio,dc=test"]);
    let text = render(&draft);
    let config = load(&text);
    assert_eq!(config.ldap.uri.as_deref(), Some("ldaps://ldap.studio.test"));
    assert_eq!(
        config.ldap.user_base_dn.as_deref(),
        Some("ou=people,dc=studio,dc=test")
    );
    assert_eq!(config.ldap.user_filter, draft.directory.user_filter.value);
    assert_eq!(config.ldap.group_base_dn, None);
    assert_eq!(config.ldap.page_size, 1000);
    assert_eq!(
        config.ldap.ca_file.as_deref(),
        Some(std::path::Path::new("/etc/ssl/studio \"ca\".pem"))
    );
    assert_eq!(config.mapping.id.attribute, "objectGUID");
    assert_eq!(config.mapping.username.attribute, "sAMAccountName");
    assert_eq!(
        config.mapping.active,
        ActiveRule::Rules(vec![
            StatusRule::UserAccountControl,
            StatusRule::AccountExpires
        ])
    );
    assert!(config.ldap.bind_password.is_some() && config.ftrack.api_key.is_some());
    assert!(text.contains("# 42 users matched when init ran."), "{text}");
    assert!(
        text.contains("# Active Directory: userAccountControl"),
        "{text}"
    );
}

#[test]
fn no_status_rule_is_written_as_none_and_no_bind_as_a_comment() {
    let mut draft = draft(DirectoryKind::Other, &["ou=groups,dc=studio,dc=test"]);
    draft.directory.active.value.clear();
    draft.ldap.bind_dn = None;
    draft.ldap.bind_password_file = None;
    let text = render(&draft);
    let config = load(&text);
    assert_eq!(config.mapping.active, ActiveRule::None);
    assert_eq!(config.ldap.bind_dn, None);
    assert!(
        text.contains("# No bind_dn: the sync binds anonymously."),
        "{text}"
    );
    assert_eq!(
        config.ldap.group_base_dn.as_deref(),
        Some("ou=groups,dc=studio,dc=test")
    );
}

#[test]
fn comment_lines_stay_within_ninety_columns() {
    let text = render(&draft(DirectoryKind::OpenLdap, &[]));
    for line in text.lines().filter(|l| l.starts_with('#')) {
        // A single long word (a URI) may not be broken; everything else wraps.
        assert!(
            line.len() <= 90 || !line.trim_start_matches("# ").contains(' '),
            "{line}"
        );
    }
}
