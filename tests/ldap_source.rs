//! The LDAP source against a real slapd: TLS, binds, paging past size limits, groups, account
//! status, identity across renames, and hostile values.

use crate::support::slapd::{
    ADMIN_DN, ADMIN_PASSWORD, READER_DN, READER_PASSWORD, Slapd, closed_port, require_slapd,
};
use ldap2ftrack::ids::Username;
use ldap2ftrack::model::{DirectoryUser, Links};
use ldap2ftrack::source::ldap::error::DirectoryError;
use ldap2ftrack::source::ldap::settings::LdapSettings;
use ldap2ftrack::source::ldap::tls::Trust;
use ldap2ftrack::source::ldap::{DirectoryRead, ReadProgress, probe, read_directory};
use ldap2ftrack::source::mapping_rules::{ActiveRule, Mapping};
use secrecy::SecretString;
use std::fmt::Write as _;
use std::time::Duration;

pub(crate) const PEOPLE: &str = "ou=people,dc=studio,dc=test";
pub(crate) const GROUPS: &str = "ou=groups,dc=studio,dc=test";
/// Day 20000 since 1970-01-01: the day account-expiry rules count from.
const TODAY: jiff::civil::Date = jiff::civil::date(2024, 10, 4);

/// An inetOrgPerson LDIF entry with a fixed entryUUID derived from `n`, plus `extra` lines.
pub(crate) fn person(n: u32, uid: &str, extra: &str) -> String {
    // RFC 4514: special characters in an RDN value are backslash-escaped.
    let rdn: String = uid
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' | ',' | '+' | '<' | '>' | ';' | '=' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    // slapadd wants every value of an attribute together, so extra object classes go first.
    let mut entry = format!("dn: uid={rdn},{PEOPLE}\nobjectClass: inetOrgPerson\n");
    let (classes, others): (Vec<&str>, Vec<&str>) = extra
        .lines()
        .filter(|l| !l.is_empty())
        .partition(|l| l.starts_with("objectClass:"));
    for line in classes {
        entry.push_str(line);
        entry.push('\n');
    }
    write!(
        entry,
        "uid: {uid}\ncn: Person {n}\nsn: Person{n}\ngivenName: First{n}\nmail: {uid}@studio.test\nentryUUID: 00000000-0000-4000-8000-{n:012}\n"
    )
    .unwrap();
    for line in others {
        entry.push_str(line);
        entry.push('\n');
    }
    entry.push('\n');
    entry
}

fn settings(server: &Slapd) -> LdapSettings {
    LdapSettings {
        uris: vec![server.ldap_uri()],
        bind_dn: Some(READER_DN.to_string()),
        bind_password: Some(SecretString::from(READER_PASSWORD)),
        user_base_dn: PEOPLE.to_string(),
        starttls: true,
        trust: Trust::CaFile(server.ca_file()),
        page_size: 200,
        timeout: Duration::from_secs(10),
        attempts: 1,
        ..LdapSettings::default()
    }
}

/// Over LDAPS at `uri` rather than StartTLS.
fn over_ldaps(server: &Slapd, uri: String) -> LdapSettings {
    LdapSettings {
        uris: vec![uri],
        starttls: false,
        ..settings(server)
    }
}

/// With groups read from the group base as well.
pub(crate) fn searching_groups(server: &Slapd) -> LdapSettings {
    LdapSettings {
        group_base_dn: Some(GROUPS.to_string()),
        ..settings(server)
    }
}

/// Reads with the default mapping.
pub(crate) async fn read(settings: &LdapSettings) -> Result<DirectoryRead, DirectoryError> {
    read_mapped(settings, &Mapping::default()).await
}

/// Reads with `mapping`, ignoring progress.
async fn read_mapped(
    settings: &LdapSettings,
    mapping: &Mapping,
) -> Result<DirectoryRead, DirectoryError> {
    read_directory(settings, mapping, TODAY, &mut |_| {}).await
}

/// `error` is a TLS failure whose message names `what_to_check`.
#[track_caller]
fn assert_tls_error(error: DirectoryError, what_to_check: &str) {
    let text = error.to_string();
    assert!(matches!(error, DirectoryError::Tls { .. }), "{text}");
    assert!(text.contains(what_to_check), "{text}");
}

/// Some warning of `read` is one that `is_it` looks for.
#[track_caller]
fn assert_warned(read: &DirectoryRead, is_it: impl Fn(&str) -> bool) {
    let warnings = &read.snapshot.warnings;
    assert!(warnings.iter().any(|w| is_it(w)), "{warnings:?}");
}

pub(crate) fn user<'r>(read: &'r DirectoryRead, username: &str) -> &'r DirectoryUser {
    read.snapshot
        .users
        .iter()
        .find(|u| u.username.as_deref() == Some(username))
        .unwrap_or_else(|| panic!("{username} was read"))
}

fn three_people() -> String {
    (1..=3)
        .map(|n| person(n, &format!("user{n}"), ""))
        .collect()
}

#[tokio::test]
async fn starttls_and_ldaps_verify_the_generated_ca() {
    require_slapd();
    let server = Slapd::start(&three_people());
    let starttls = read(&settings(&server)).await.unwrap();
    assert_eq!(starttls.snapshot.users.len(), 3);
    assert!(starttls.snapshot.complete);
    assert_eq!(starttls.security, "StartTLS");
    assert!(starttls.tls.protocol.is_some(), "{:?}", starttls.tls);
    let ldaps = read(&over_ldaps(&server, server.ldaps_uri()))
        .await
        .unwrap();
    assert_eq!(ldaps.security, "ldaps");
    assert_eq!(ldaps.snapshot.users.len(), 3);
    assert!(ldaps.tls.subject.as_deref().is_some_and(|s| !s.is_empty()));
    let user1 = user(&ldaps, "user1");
    assert_eq!(user1.id, "00000000-0000-4000-8000-000000000001");
    assert_eq!(user1.email.as_deref(), Some("user1@studio.test"));
}

#[tokio::test]
async fn a_wrong_ca_or_host_name_is_rejected_with_what_to_check() {
    require_slapd();
    let server = Slapd::start(&three_people());
    let wrong_ca = read(&LdapSettings {
        trust: Trust::CaFile(server.other_ca_file()),
        ..settings(&server)
    })
    .await
    .unwrap_err();
    assert_tls_error(wrong_ca, "ca_file");
    let by_name = over_ldaps(&server, server.ldaps_uri_by_name());
    let wrong_name = read(&by_name).await.unwrap_err();
    assert_tls_error(wrong_name, "does not name the host");
    // Verification can be turned off explicitly, and the read says so in its warnings.
    let unverified = read(&LdapSettings {
        trust: Trust::NoVerification,
        ..by_name
    })
    .await
    .unwrap();
    assert_warned(&unverified, |w| w.contains("verification is OFF"));
}

#[tokio::test]
async fn binds_fail_plainly_and_plaintext_passwords_are_refused() {
    require_slapd();
    let server = Slapd::start(&three_people());
    let plaintext = LdapSettings {
        starttls: false,
        ..settings(&server)
    };
    let refused = read(&plaintext).await.unwrap_err();
    assert!(
        matches!(refused, DirectoryError::InsecureBind { .. }),
        "{refused}"
    );
    assert!(refused.is_configuration());
    let allowed = read(&LdapSettings {
        allow_insecure: true,
        ..plaintext
    })
    .await
    .unwrap();
    assert_eq!(allowed.security, "none");
    assert_eq!(allowed.snapshot.users.len(), 3);
    let wrong = read(&LdapSettings {
        bind_password: Some(SecretString::from("not-the-password")),
        ..settings(&server)
    })
    .await
    .unwrap_err();
    let text = wrong.to_string();
    assert!(matches!(wrong, DirectoryError::Bind { .. }), "{text}");
    assert!(
        text.contains("result 49") && text.contains("bind_dn"),
        "{text}"
    );
    assert!(!text.contains("not-the-password"), "{text}");
}

#[tokio::test]
async fn a_server_that_is_down_is_retried_then_reported_unreachable() {
    require_slapd();
    let settings = LdapSettings {
        uris: vec![format!("ldap://127.0.0.1:{}", closed_port())],
        user_base_dn: PEOPLE.to_string(),
        user_filter: "(objectClass=*)".to_string(),
        page_size: 100,
        timeout: Duration::from_secs(5),
        attempts: 2,
        ..LdapSettings::default()
    };
    let mut events = Vec::new();
    let error = read_directory(&settings, &Mapping::default(), TODAY, &mut |e| {
        events.push(e)
    })
    .await
    .unwrap_err();
    assert!(
        matches!(error, DirectoryError::Unreachable { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("check [ldap] uri"), "{error}");
    assert!(
        matches!(
            events.as_slice(),
            [ReadProgress::Retrying { attempt: 2, .. }]
        ),
        "{events:?}"
    );
}

#[tokio::test]
async fn paging_reads_past_the_servers_size_limit() {
    require_slapd();
    // The reader may see 500 entries per unpaged search, as with Active Directory's 1000.
    let fixture: String = (1..=1200)
        .map(|n| person(n, &format!("user{n:04}"), ""))
        .collect();
    let server = Slapd::start(&fixture);
    let mut pages = 0;
    let read = read_directory(&settings(&server), &Mapping::default(), TODAY, &mut |e| {
        if let ReadProgress::Users { pages: p, .. } = e {
            pages = p;
        }
    })
    .await
    .unwrap();
    assert_eq!(read.snapshot.users.len(), 1200);
    assert!(read.snapshot.complete, "{:?}", read.snapshot.warnings);
    assert_eq!(pages, 6, "1200 users in pages of 200");
    let counted = probe(&settings(&server)).await.unwrap();
    assert_eq!(counted.users, 1200);
    assert!(
        counted.identity.contains("cn=reader"),
        "{}",
        counted.identity
    );
}

#[tokio::test]
async fn groups_come_from_member_of_or_from_a_nested_cyclic_group_search() {
    require_slapd();
    let mut fixture = String::new();
    fixture += &person(1, "ann", &format!("memberOf: cn=comp,{GROUPS}"));
    fixture += &person(2, "bob", "");
    fixture += &person(3, "cy", "");
    fixture += &person(
        4,
        "dee",
        "objectClass: posixAccount\nuidNumber: 1004\ngidNumber: 1004\nhomeDirectory: /home/dee",
    );
    // comp is inside fx, fx inside vfx, and vfx inside comp: a cycle.
    write!(
        fixture,
        "dn: cn=comp,{GROUPS}\nobjectClass: groupOfNames\ncn: comp\nmember: uid=ann,{PEOPLE}\nmember: cn=vfx,{GROUPS}\n\n\
         dn: cn=fx,{GROUPS}\nobjectClass: groupOfNames\ncn: fx\nmember: cn=comp,{GROUPS}\n\n\
         dn: cn=vfx,{GROUPS}\nobjectClass: groupOfNames\ncn: vfx\nmember: cn=fx,{GROUPS}\n\n\
         dn: cn=leads,{GROUPS}\nobjectClass: groupOfUniqueNames\ncn: leads\nuniqueMember: uid=bob,{PEOPLE}\n\n\
         dn: cn=render,{GROUPS}\nobjectClass: posixGroup\ncn: render\ngidNumber: 2001\nmemberUid: dee\n\n"
    )
    .unwrap();
    let server = Slapd::start(&fixture);
    let by_member_of = read(&settings(&server)).await.unwrap();
    assert_eq!(
        user(&by_member_of, "ann").groups,
        [format!("cn=comp,{GROUPS}")]
    );
    assert!(user(&by_member_of, "bob").groups.is_empty());
    let searched = read(&searching_groups(&server)).await.unwrap();
    assert_eq!(searched.groups, 5);
    assert_eq!(
        user(&searched, "ann").groups,
        [
            format!("cn=comp,{GROUPS}"),
            format!("cn=fx,{GROUPS}"),
            format!("cn=vfx,{GROUPS}")
        ]
    );
    assert_eq!(
        user(&searched, "bob").groups,
        [format!("cn=leads,{GROUPS}")]
    );
    assert!(user(&searched, "cy").groups.is_empty());
    assert_eq!(
        user(&searched, "dee").groups,
        [format!("cn=render,{GROUPS}")]
    );
}

#[tokio::test]
async fn every_account_status_rule_disables_its_accounts() {
    require_slapd();
    let mut fixture = String::new();
    fixture += &person(1, "active", "");
    fixture += &person(2, "locked", "pwdAccountLockedTime: 20250101000000Z");
    fixture += &person(
        3,
        "expired",
        "objectClass: shadowAccount\nshadowExpire: 19000",
    );
    fixture += &person(
        4,
        "notyet",
        "objectClass: shadowAccount\nshadowExpire: 21000",
    );
    fixture += &person(
        5,
        "nslocked",
        "objectClass: nsAccountLockable\nnsAccountLock: TRUE",
    );
    fixture += &person(6, "leaver", "employeeType: left");
    let server = Slapd::start(&fixture);
    let auto = read(&settings(&server)).await.unwrap();
    let active = |name: &str| user(&auto, name).active;
    assert!(active("active") && active("notyet") && active("leaver"));
    assert!(!active("locked") && !active("expired") && !active("nslocked"));
    assert!(
        user(&auto, "expired")
            .disabled_reason
            .as_deref()
            .is_some_and(|r| r.contains("shadowExpire")),
        "{:?}",
        user(&auto, "expired")
    );
    let by_filter = read_mapped(
        &settings(&server),
        &Mapping {
            active: ActiveRule::from_names(["(employeeType=left)"]).unwrap(),
            ..Mapping::default()
        },
    )
    .await
    .unwrap();
    assert!(!user(&by_filter, "leaver").active);
    assert!(user(&by_filter, "locked").active, "only the filter applies");
}

#[tokio::test]
async fn hostile_values_are_read_without_harm() {
    require_slapd();
    let long_name = "Ω".repeat(2048);
    let mut fixture = String::new();
    fixture += &person(1, "quote\"back\\slash", "description: (paren) * star");
    fixture += &person(
        2,
        "山田",
        &format!("displayName: 山田 太郎 🎬\ndescription: {long_name}"),
    );
    // audio is an Octet String attribute: any bytes, here invalid UTF-8 and a NUL.
    fixture += &person(3, "binary", "objectClass: inetOrgPerson\naudio:: //4AAQ==");
    let server = Slapd::start(&fixture);
    let mapping = Mapping {
        first_name: "audio".parse().unwrap(),
        last_name: "description".parse().unwrap(),
        ..Mapping::default()
    };
    let all = read_mapped(&settings(&server), &mapping).await.unwrap();
    assert_eq!(all.snapshot.users.len(), 3);
    assert_eq!(
        user(&all, "quote\"back\\slash").email.as_deref(),
        Some("quote\"back\\slash@studio.test")
    );
    assert_eq!(
        user(&all, "山田").last_name.as_deref().map(str::len),
        Some(long_name.len())
    );
    let binary = user(&all, "binary");
    assert!(
        binary.problems.iter().any(|p| p.contains("audio")),
        "{binary:?}"
    );
    // An extra filter with escaped hostile text matches exactly that entry.
    let filter = format!(
        "(&(objectClass=inetOrgPerson)(uid={}))",
        ldap2ftrack::source::filter::escape_value("quote\"back\\slash".as_bytes())
    );
    let one = read(&LdapSettings {
        user_filter: filter,
        ..settings(&server)
    })
    .await
    .unwrap();
    assert_eq!(one.snapshot.users.len(), 1);
}

#[tokio::test]
async fn custom_attributes_are_requested_and_mapped() {
    require_slapd();
    let mut fixture = person(
        1,
        "ann",
        "telephoneNumber: +46 8 123\npreferredLanguage: SV",
    );
    fixture += &person(2, "bob", "employeeNumber: 42");
    let server = Slapd::start(&fixture);
    let mapping = Mapping {
        custom: [
            ("phone", "telephoneNumber"),
            ("locale", "preferredLanguage | lowercase"),
            ("employee_id", "employeeNumber"),
        ]
        .into_iter()
        .map(|(key, expr)| (key.to_string(), expr.parse().unwrap()))
        .collect(),
        ..Mapping::default()
    };
    let read = read_mapped(&settings(&server), &mapping).await.unwrap();
    let values = |username: &str| {
        let custom = &user(&read, username).custom;
        let pairs = custom.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        pairs.collect::<Vec<_>>()
    };
    assert_eq!(values("ann"), [("locale", "sv"), ("phone", "+46 8 123")]);
    assert_eq!(values("bob"), [("employee_id", "42")]);
}

#[tokio::test]
async fn a_renamed_entry_keeps_its_identity_and_plans_as_a_rename() {
    require_slapd();
    let server = Slapd::start(&three_people());
    let before = read(&settings(&server)).await.unwrap();
    let old = user(&before, "user2").clone();
    let status = server
        .ldap_tool("ldapmodrdn")
        .args([
            "-x",
            "-ZZ",
            "-r",
            "-H",
            &server.ldap_uri(),
            "-D",
            ADMIN_DN,
            "-w",
            ADMIN_PASSWORD,
        ])
        .args([&format!("uid=user2,{PEOPLE}"), "uid=renamed"])
        .status()
        .unwrap();
    assert!(status.success());
    let after = read(&settings(&server)).await.unwrap();
    let renamed = user(&after, "renamed");
    assert_eq!(renamed.id, old.id);
    let mut links = Links::new();
    links.insert(old.id.clone(), "ftrack-user2".to_string().into());
    let ftrack = ldap2ftrack::model::FtrackSnapshot {
        users: vec![ldap2ftrack::model::FtrackUser {
            id: "ftrack-user2".into(),
            username: "user2".into(),
            first_name: "First2".into(),
            last_name: "Person2".into(),
            email: Some("user2@studio.test".into()),
            is_active: true,
            ..Default::default()
        }],
        groups: Vec::new(),
        ..Default::default()
    };
    let plan = ldap2ftrack::reconcile::compute_plan(
        &after.snapshot,
        &ftrack,
        &links,
        &ldap2ftrack::reconcile::Policy::default(),
        &ldap2ftrack::reconcile::Scope::default(),
    );
    let item = plan
        .items
        .iter()
        .find(|i| i.ftrack.as_ref().is_some_and(|f| f.id == "ftrack-user2"))
        .expect("the linked user is planned");
    assert!(
        item.changes
            .iter()
            .any(|c| format!("{c:?}").contains("renamed")),
        "{item:?}"
    );
}

#[tokio::test]
async fn search_references_are_counted_not_followed_and_paging_goes_on_past_them() {
    require_slapd();
    // Two referral objects among five people, read two entries per page: each comes back as a
    // search reference, which the read reports and does not follow.
    let referral = |ou: &str| {
        format!(
            "dn: ou={ou},{PEOPLE}\nobjectClass: referral\nobjectClass: extensibleObject\nou: {ou}\nref: ldap://ldap.{ou}.example/ou=people,dc={ou},dc=example\n\n"
        )
    };
    let mut fixture = person(1, "user1", "") + &referral("paris") + &person(2, "user2", "");
    fixture += &(person(3, "user3", "") + &referral("tokyo"));
    fixture += &(person(4, "user4", "") + &person(5, "user5", ""));
    let server = Slapd::start(&fixture);
    let read = read(&LdapSettings {
        page_size: 2,
        ..settings(&server)
    })
    .await
    .unwrap();
    let mut names: Vec<_> = read
        .snapshot
        .users
        .iter()
        .map(|u| u.username.clone())
        .collect();
    names.sort();
    let expected: Vec<_> = (1..=5)
        .map(|n| Some(Username::new(format!("user{n}"))))
        .collect();
    assert_eq!(names, expected);
    assert_warned(&read, |w| {
        w == format!(
            "2 search references (referrals to other servers) under {PEOPLE} were not followed"
        )
    });
}

#[tokio::test]
async fn a_size_limit_that_paging_cannot_pass_marks_the_read_incomplete() {
    require_slapd();
    // This account falls under the global limit of 500 entries, paged or not.
    let mut fixture: String = (1..=600)
        .map(|n| person(n, &format!("user{n:04}"), ""))
        .collect();
    fixture += &person(9999, "limited", "userPassword: limited-secret");
    let server = Slapd::start(&fixture);
    let read = read(&LdapSettings {
        bind_dn: Some(format!("uid=limited,{PEOPLE}")),
        bind_password: Some(SecretString::from("limited-secret")),
        ..settings(&server)
    })
    .await
    .unwrap();
    assert!(!read.snapshot.complete);
    assert!(
        read.snapshot.users.len() < 601,
        "{}",
        read.snapshot.users.len()
    );
    assert_warned(&read, |w| {
        w.starts_with("incomplete directory read: ") && w.contains("result 4")
    });
}

/// The binary in `home` with the config file `config`.
fn with_config(home: &std::path::Path, config: &std::path::Path) -> std::process::Command {
    let mut cmd = crate::support::ldap2ftrack(home);
    cmd.arg("-c").arg(config);
    cmd
}

/// A config file for the binary that reads `server` over StartTLS as the reader.
pub(crate) fn write_config(
    server: &Slapd,
    home: &std::path::Path,
    password: &str,
) -> std::path::PathBuf {
    let password_file = home.join("bind_password");
    std::fs::write(&password_file, format!("{password}\n")).unwrap();
    let config = home.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[ldap]\nuri = \"{}\"\nbind_dn = \"{READER_DN}\"\nbind_password_file = \"{}\"\nuser_base_dn = \"{PEOPLE}\"\nstarttls = true\nca_file = \"{}\"\n\n[state]\ndir = \"{}\"\n",
            server.ldap_uri(),
            password_file.display(),
            server.ca_file().display(),
            home.join("state").display()
        ),
    )
    .unwrap();
    std::fs::write(home.join("ftrack.json"), r#"{"users": [], "groups": []}"#).unwrap();
    config
}

/// [`write_config`] with a group search under [`GROUPS`], and `extra` (TOML, such as a
/// `[groups.managed]` table) appended.
pub(crate) fn write_group_config(
    server: &Slapd,
    home: &std::path::Path,
    extra: &str,
) -> std::path::PathBuf {
    let config = write_config(server, home, READER_PASSWORD);
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "starttls = true",
        &format!("starttls = true\ngroup_base_dn = \"{GROUPS}\""),
    );
    std::fs::write(&config, format!("{text}{extra}")).unwrap();
    config
}

#[test]
fn plan_and_check_read_the_live_directory() {
    require_slapd();
    let server = Slapd::start(&three_people());
    let home = tempfile::tempdir().unwrap();
    let config = write_config(&server, home.path(), READER_PASSWORD);
    let json = crate::support::json_plan(&mut with_config(home.path(), &config));
    let creates = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "create")
        .count();
    assert_eq!(creates, 3, "{json}");
    let check = crate::support::run(with_config(home.path(), &config).arg("check"));
    println!("{}", check.stdout);
    let ldap_line = check
        .stdout
        .lines()
        .find(|l| l.starts_with("ldap "))
        .unwrap_or_else(|| panic!("{}", check.stdout));
    assert!(ldap_line.contains("ok: "), "{ldap_line}");
    assert!(ldap_line.contains("via StartTLS (TLSv1."), "{ldap_line}");
    assert!(ldap_line.contains("certificate "), "{ldap_line}");
    assert!(ldap_line.contains("bound as dn:cn=reader"), "{ldap_line}");
    assert!(ldap_line.contains("3 users match"), "{ldap_line}");
    assert!(!check.stdout.contains(READER_PASSWORD) && !check.stderr.contains(READER_PASSWORD));
    // What was not checked says so, and ftrack, which every run needs, is a missing setting.
    let line = |part: &str| {
        check
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(part))
            .unwrap_or_else(|| panic!("no {part} line: {}", check.stdout))
            .to_string()
    };
    assert!(
        line("tls").starts_with("tls      ok: TLSv1."),
        "{}",
        line("tls")
    );
    assert!(
        line("tls").contains("verified against ca_file "),
        "{}",
        line("tls")
    );
    assert!(
        line("groups").starts_with("groups   skipped (no [ldap] group_base_dn"),
        "{}",
        line("groups")
    );
    assert!(
        line("ftrack").starts_with("ftrack   skipped (not configured: ftrack.server is not set"),
        "{}",
        line("ftrack")
    );
    assert!(!check.stdout.contains("passed") && !check.stderr.contains("all checks passed"));
    assert!(
        check
            .stderr
            .contains("a setting every run needs is missing"),
        "{}",
        check.stderr
    );
    assert_eq!(check.code, 78, "a missing setting is a configuration error");
}

#[test]
fn check_counts_the_groups_and_says_when_the_connection_is_not_encrypted() {
    require_slapd();
    let groups = format!(
        "dn: cn=comp,{GROUPS}\nobjectClass: groupOfNames\ncn: comp\nmember: uid=user1,{PEOPLE}\n\n\
         dn: cn=fx,{GROUPS}\nobjectClass: groupOfNames\ncn: fx\nmember: uid=user2,{PEOPLE}\n\n"
    );
    let server = Slapd::start(&format!("{}{groups}", three_people()));
    let home = tempfile::tempdir().unwrap();
    let config = write_group_config(&server, home.path(), "");
    let sandbox = crate::support::cli_sandbox::CliSandbox::start(&Default::default(), "sync");
    let check = |config: &std::path::Path| {
        crate::support::run(
            sandbox
                .ldap2ftrack(home.path())
                .arg("-c")
                .arg(config)
                .arg("check"),
        )
    };
    let encrypted = check(&config);
    assert_eq!(
        encrypted.code, 0,
        "{}{}",
        encrypted.stdout, encrypted.stderr
    );
    assert!(
        encrypted
            .stdout
            .contains("groups   ok: 2 groups match (|(objectClass=groupOfNames)"),
        "{}",
        encrypted.stdout
    );
    assert!(
        encrypted.stderr.contains("all checks passed"),
        "{}",
        encrypted.stderr
    );
    // Over plain ldap://, allowed by allow_insecure: read, but not encrypted.
    let plain = home.path().join("plain.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("starttls = true", "starttls = false\nallow_insecure = true");
    std::fs::write(&plain, text).unwrap();
    let unencrypted = check(&plain);
    assert_eq!(
        unencrypted.code, 0,
        "{}{}",
        unencrypted.stdout, unencrypted.stderr
    );
    assert!(
        unencrypted
            .stdout
            .contains("tls      skipped (the connection is not encrypted"),
        "{}",
        unencrypted.stdout
    );
    assert!(
        unencrypted
            .stderr
            .contains("1 skipped: what was skipped was not checked"),
        "{}",
        unencrypted.stderr
    );
}

#[test]
fn a_wrong_password_exits_unavailable_without_printing_it() {
    require_slapd();
    let server = Slapd::start(&three_people());
    let home = tempfile::tempdir().unwrap();
    let config = write_config(&server, home.path(), "wrong-password-123");
    let plan = crate::support::run(with_config(home.path(), &config).args([
        "plan",
        "--ftrack-snapshot",
        "ftrack.json",
    ]));
    assert_eq!(plan.code, 69, "{}", plan.stderr);
    assert!(
        plan.stderr.contains("invalidCredentials"),
        "{}",
        plan.stderr
    );
    assert!(!plan.stderr.contains("wrong-password-123"));
}

#[tokio::test]
async fn active_directory_style_entries_map_guid_login_and_disabled_flag() {
    require_slapd();
    let mut fixture = String::new();
    for (n, login, flags) in [(1u8, "jdoe", 512), (2, "gone", 514)] {
        use base64::Engine as _;
        let guid = [
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
            0xde, n,
        ];
        let guid = base64::engine::general_purpose::STANDARD.encode(guid);
        write!(
            fixture,
            "dn: cn={login},{PEOPLE}\nobjectClass: user\ncn: {login}\nsn: Doe{n}\ngivenName: J{n}\nsAMAccountName: {login}\nmail: {login}@studio.test\nuserAccountControl: {flags}\nobjectGUID:: {guid}\n\n"
        )
        .unwrap();
    }
    let server = Slapd::start(&fixture);
    let mapping = Mapping {
        id: "objectGUID".parse().unwrap(),
        username: "sAMAccountName".parse().unwrap(),
        ..Mapping::default()
    };
    let ad = read_mapped(
        &LdapSettings {
            user_filter: "(&(objectClass=user)(sAMAccountName=*))".to_string(),
            ..settings(&server)
        },
        &mapping,
    )
    .await
    .unwrap();
    assert_eq!(ad.snapshot.users.len(), 2);
    let jdoe = user(&ad, "jdoe");
    assert!(jdoe.active);
    // The binary GUID becomes its canonical text (first three fields little-endian).
    assert_eq!(jdoe.id, "78563412-bc9a-f0de-1234-56789abcde01", "{jdoe:?}");
    assert_eq!(user(&ad, "gone").id, "78563412-bc9a-f0de-1234-56789abcde02");
    let gone = user(&ad, "gone");
    assert!(!gone.active);
    assert!(
        gone.disabled_reason
            .as_deref()
            .is_some_and(|r| r.contains("userAccountControl 514")),
        "{gone:?}"
    );
}

#[tokio::test]
async fn a_group_base_that_holds_no_groups_makes_the_read_incomplete() {
    require_slapd();
    let fixture = person(1, "ann", &format!("memberOf: cn=comp,{GROUPS}"));
    let server = Slapd::start(&fixture);
    let read = read(&searching_groups(&server)).await.unwrap();
    assert_eq!(read.groups, 0);
    assert!(
        !read.snapshot.complete,
        "no membership may be removed from it"
    );
    assert_warned(&read, |w| {
        w.starts_with("incomplete directory read: ") && w.contains("found no groups")
    });
}

#[test]
fn an_incomplete_read_is_told_even_quietly_and_fails_the_run_when_asked() {
    use crate::support::cli_sandbox::CliSandbox;
    require_slapd();
    let server = Slapd::start(&person(1, "ann", &format!("memberOf: cn=comp,{GROUPS}")));
    let home = tempfile::tempdir().unwrap();
    // A group base that holds no groups: the read is incomplete.
    let config = write_group_config(&server, home.path(), "");
    let sandbox = CliSandbox::start(&Default::default(), "sync");
    let apply = |extra: &[&str]| {
        crate::support::run(
            sandbox
                .ldap2ftrack(home.path())
                .arg("-q")
                .arg("-c")
                .arg(&config)
                .args(["apply", "--auto-approve", "--metrics-file", "metrics.prom"])
                .args(extra),
        )
    };
    let quiet = apply(&[]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(
        quiet.stderr.contains("warning: incomplete directory read")
            && quiet.stderr.contains("found no groups"),
        "{}",
        quiet.stderr
    );
    let metrics = std::fs::read_to_string(home.path().join("metrics.prom")).unwrap();
    assert!(
        metrics.contains("\nldap2ftrack_last_run_directory_complete 0\n"),
        "{metrics}"
    );
    let audit = std::fs::read_to_string(home.path().join("state/audit.jsonl")).unwrap();
    let start: serde_json::Value = serde_json::from_str(audit.lines().next().unwrap()).unwrap();
    assert_eq!(start["event"], "run_start");
    assert_eq!(start["directory_complete"], false, "{start}");
    let monitored = apply(&["--fail-on-incomplete"]);
    assert_eq!(monitored.code, 7, "{}", monitored.stderr);
}
