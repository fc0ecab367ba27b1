//! The LDIF read selects and resolves what the live searches would.

use super::*;
use crate::ids::DirectoryGroup;
use crate::source::ldif::parse_ldif;

const TODAY: Date = Date::constant(2026, 6, 1);

const DIRECTORY: &str = "\
dn: ou=people,dc=x
objectClass: organizationalUnit
ou: people

dn: uid=ann,ou=people,dc=x
objectClass: inetOrgPerson
uid: ann
mail: ann@x.example
entryUUID: 1

dn: uid=bob,OU=People, DC=X
objectClass: inetOrgPerson
uid: bob
mail: bob@x.example
memberOf: cn=elsewhere,ou=other,dc=x
entryUUID: 2

dn: uid=cy,ou=people,dc=x
objectClass: inetOrgPerson
uid: cy
mail: cy@x.example
entryUUID: 3

dn: uid=svc,ou=services,dc=x
objectClass: inetOrgPerson
uid: svc
mail: svc@x.example
entryUUID: 4

dn: ou=groups,dc=x
objectClass: organizationalUnit
ou: groups

dn: cn=comp,ou=groups,dc=x
objectClass: groupOfNames
cn: comp
member: uid=ann,ou=people,dc=x
member: cn=lead,ou=groups,dc=x

dn: cn=fx,ou=groups,dc=x
objectClass: groupOfNames
cn: fx
member: cn=comp,ou=groups,dc=x

dn: cn=lead,ou=groups,dc=x
objectClass: groupOfNames
cn: lead
member: cn=fx,ou=groups,dc=x
member: UID=Bob, ou=people,dc=x

dn: cn=render,ou=groups,dc=x
objectClass: posixGroup
cn: render
gidNumber: 1
memberUid: cy

dn: cn=elsewhere,ou=other,dc=x
objectClass: groupOfNames
cn: elsewhere
member: uid=cy,ou=people,dc=x
";

fn selection(user_base: Option<&str>, group_base: Option<&str>) -> LdifSelection {
    let mut ldap = crate::config::Config::default().ldap;
    ldap.user_base_dn = user_base.map(str::to_string);
    ldap.group_base_dn = group_base.map(str::to_string);
    ldap.user_filter = "(objectClass=inetOrgPerson)".to_string();
    LdifSelection::from_config(&ldap, None).unwrap()
}

fn read(text: &str, selection: &LdifSelection) -> DirectorySnapshot {
    let entries = parse_ldif("test.ldif", text.as_bytes()).unwrap();
    read_entries(entries, selection, &Mapping::default(), TODAY).unwrap()
}

fn groups_of<'s>(snapshot: &'s DirectorySnapshot, uid: &str) -> &'s [DirectoryGroup] {
    let user = snapshot
        .users
        .iter()
        .find(|u| u.username.as_deref() == Some(uid));
    &user.unwrap_or_else(|| panic!("{uid} was read")).groups
}

fn usernames(snapshot: &DirectorySnapshot) -> Vec<&str> {
    let names = snapshot.users.iter().filter_map(|u| u.username.as_deref());
    names.collect()
}

#[test]
fn users_are_taken_only_from_under_the_user_base() {
    let people = read(DIRECTORY, &selection(Some("OU=people,dc=X"), None));
    assert_eq!(usernames(&people), ["ann", "bob", "cy"]);
    let everyone = read(DIRECTORY, &selection(None, None));
    assert_eq!(usernames(&everyone), ["ann", "bob", "cy", "svc"]);
}

#[test]
fn groups_under_the_group_base_are_resolved_with_their_nesting_and_cycle() {
    let snapshot = read(
        DIRECTORY,
        &selection(Some("ou=people,dc=x"), Some("ou=groups,dc=x")),
    );
    assert!(snapshot.complete);
    // comp -> lead -> fx -> comp is a cycle: ann, in comp, is in all three.
    assert_eq!(
        groups_of(&snapshot, "ann"),
        [
            "cn=comp,ou=groups,dc=x",
            "cn=fx,ou=groups,dc=x",
            "cn=lead,ou=groups,dc=x"
        ]
    );
    // bob is listed by lead (with other case and spacing) and keeps his own memberOf value.
    assert_eq!(
        groups_of(&snapshot, "bob"),
        [
            "cn=comp,ou=groups,dc=x",
            "cn=elsewhere,ou=other,dc=x",
            "cn=fx,ou=groups,dc=x",
            "cn=lead,ou=groups,dc=x"
        ]
    );
    // A group outside the group base lists cy, but the search does not find it.
    assert_eq!(groups_of(&snapshot, "cy"), ["cn=render,ou=groups,dc=x"]);
    let mut found = snapshot.groups_found.clone().expect("a group search ran");
    found.sort();
    assert_eq!(
        found,
        [
            "cn=comp,ou=groups,dc=x",
            "cn=fx,ou=groups,dc=x",
            "cn=lead,ou=groups,dc=x",
            "cn=render,ou=groups,dc=x"
        ],
        "only the entries the group filter matches: not the organizational unit"
    );
}

#[test]
fn without_a_group_base_groups_come_from_member_of_alone() {
    let snapshot = read(DIRECTORY, &selection(Some("ou=people,dc=x"), None));
    assert_eq!(snapshot.groups_found, None);
    assert!(groups_of(&snapshot, "ann").is_empty());
    assert_eq!(groups_of(&snapshot, "bob"), ["cn=elsewhere,ou=other,dc=x"]);
}

#[test]
fn a_group_base_the_export_holds_no_group_under_makes_the_read_incomplete() {
    let snapshot = read(
        DIRECTORY,
        &selection(Some("ou=people,dc=x"), Some("ou=teams,dc=x")),
    );
    assert!(!snapshot.complete);
    assert_eq!(snapshot.groups_found, Some(Vec::new()));
    assert_eq!(snapshot.incomplete.len(), 1, "{:?}", snapshot.incomplete);
    assert!(
        snapshot.incomplete[0].contains("the group search under ou=teams,dc=x")
            && snapshot.incomplete[0].starts_with("incomplete directory read: "),
        "{:?}",
        snapshot.incomplete
    );
    assert!(snapshot.warnings.contains(&snapshot.incomplete[0]));
}

#[test]
fn a_group_filter_that_is_not_rfc_4515_is_named() {
    let mut ldap = crate::config::Config::default().ldap;
    ldap.group_base_dn = Some("ou=groups,dc=x".into());
    ldap.group_filter = "(objectClass=groupOfNames".into();
    let error = LdifSelection::from_config(&ldap, None).unwrap_err();
    assert!(
        error.to_string().starts_with("ldap.group_filter "),
        "{error}"
    );
}

#[test]
fn a_syntax_error_is_reported_before_a_filter_that_cannot_be_evaluated() {
    let mut selection = selection(None, None);
    selection.user_filter = "(cn:1.2.3:=x)".parse().unwrap();
    let load = |text: &str| {
        let records = crate::source::ldif::ldif_records("test.ldif", text.as_bytes());
        read_records(records, &selection, &Mapping::default(), TODAY)
    };
    let valid = "dn: uid=a,dc=x\nuid: a\n\ndn: uid=b,dc=x\nuid: b\n";
    assert!(matches!(load(valid), Err(OfflineError::Evaluate { .. })));
    let broken = format!("{valid}\nno colon here\n");
    assert!(matches!(load(&broken), Err(OfflineError::Ldif(_))));
}

/// The directory read in chunks of at most `parts`, the way a large export is.
fn read_in_chunks(
    text: &str,
    parts: usize,
    selection: &LdifSelection,
) -> Result<DirectorySnapshot, OfflineError> {
    let chunks = crate::source::ldif::split_records(text.as_bytes(), parts, 0);
    assert!(chunks.len() > 1, "the directory is split");
    read_chunks("test.ldif", &chunks, selection, &Mapping::default(), TODAY)
}

#[test]
fn a_read_in_chunks_gives_the_snapshot_of_a_whole_read() {
    for (user_base, group_base) in [
        (None, None),
        (Some("ou=people,dc=x"), None),
        (Some("ou=people,dc=x"), Some("ou=groups,dc=x")),
    ] {
        let selection = selection(user_base, group_base);
        let whole = read(DIRECTORY, &selection);
        for parts in 2..=5 {
            let chunked = read_in_chunks(DIRECTORY, parts, &selection).unwrap();
            assert_eq!(
                chunked, whole,
                "{user_base:?} {group_base:?}, {parts} parts"
            );
        }
    }
}

#[test]
fn in_chunks_too_a_syntax_error_is_reported_before_a_filter_that_cannot_be_evaluated() {
    let mut selection = selection(None, None);
    selection.user_filter = "(cn:1.2.3:=x)".parse().unwrap();
    let valid = "dn: uid=a,dc=x\nuid: a\n\ndn: uid=b,dc=x\nuid: b\n\ndn: uid=c,dc=x\nuid: c\n";
    let evaluate = read_in_chunks(valid, 3, &selection);
    assert!(
        matches!(evaluate, Err(OfflineError::Evaluate { .. })),
        "{evaluate:?}"
    );
    let broken = format!("{valid}\nno colon here\n");
    match read_in_chunks(&broken, 3, &selection) {
        Err(OfflineError::Ldif(error)) => {
            assert!(error.to_string().starts_with("test.ldif:10: "), "{error}")
        }
        other => panic!("expected the syntax error, got {other:?}"),
    }
}
