//! The LDAP source against a real Active Directory domain controller (Samba 4): binds by
//! DN and UPN over StartTLS and LDAPS, objectGUID identity across renames, logon names,
//! userAccountControl and accountExpires, nested groups walked by the tool and resolved by
//! the server, range retrieval past 1,500 members, paging past MaxPageSize, DNs with escapes,
//! and `check` and `plan` with config.ad.example.toml.

use crate::support::samba::{
    ADMIN_PASSWORD, ADMIN_UPN, BASE_DN, GROUPS_DN, Isolation, PEOPLE_DN, READER_DN,
    READER_PASSWORD, READER_UPN, REALM, SambaDc, UAC_DISABLED, UAC_ENABLED, isolation,
    password_line,
};
use base64::Engine as _;
use ldap2ftrack::model::{DirectoryUser, FtrackSnapshot, FtrackUser, Links};
use ldap2ftrack::reconcile::{Policy, Scope, compute_plan};
use ldap2ftrack::source::ldap::server::ServerKind;
use ldap2ftrack::source::ldap::settings::{LdapSettings, NestedGroups};
use ldap2ftrack::source::ldap::tls::Trust;
use ldap2ftrack::source::ldap::{DirectoryRead, ReadProgress, read_directory};
use ldap2ftrack::source::mapping_rules::Mapping;
use secrecy::SecretString;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The day the account-expiry rules count from.
const TODAY: jiff::civil::Date = jiff::civil::date(2024, 10, 4);
/// Users in the crowd group: more than AD's 1,500 values per range, and more users than
/// AD's MaxPageSize of 1,000 per page.
const CROWD: usize = 1600;
/// 2020-01-01 and 2100-01-01 as accountExpires values (100-ns intervals since 1601, UTC).
const EXPIRED_2020: u64 = 132_223_104_000_000_000;
const EXPIRES_2100: u64 = 157_469_184_000_000_000;

/// An LDIF line, base64-encoded when the value is not plain ASCII (as LDIF requires).
fn line(attribute: &str, value: &str) -> String {
    if value.is_ascii() {
        format!("{attribute}: {value}\n")
    } else {
        let encoded = base64::engine::general_purpose::STANDARD.encode(value);
        format!("{attribute}:: {encoded}\n")
    }
}

/// A user under OU=People named by the RDN value `cn` (RFC 4514-escaped as needed).
pub(crate) fn ad_user(cn: &str, login: &str, uac: u32, extra: &str) -> String {
    line("dn", &format!("CN={cn},{PEOPLE_DN}"))
        + "objectClass: user\n"
        + &line("sAMAccountName", login)
        + &format!("userPrincipalName: {login}@studio.test\n")
        + &format!("mail: {login}@studio.test\ngivenName: {login}\nsn: Tester\n")
        + &format!("userAccountControl: {uac}\n{extra}\n")
}

/// A group under OU=Groups whose members are given by their RDN under People or Groups.
fn ad_group(cn: &str, members: &[String]) -> String {
    let mut ldif = line("dn", &format!("CN={cn},{GROUPS_DN}")) + "objectClass: group\n";
    for member in members {
        ldif += &line("member", member);
    }
    ldif + "\n"
}

fn person(cn: &str) -> String {
    format!("CN={cn},{PEOPLE_DN}")
}

fn group(cn: &str) -> String {
    format!("CN={cn},{GROUPS_DN}")
}

/// The people of the studio domain: names with an escaped comma, a plus sign and
/// non-ASCII letters; a disabled account; accounts that expired, will expire, and never do.
fn studio_people() -> String {
    let mut ldif = ad_user(
        r"Smith\, Alice",
        "alice",
        512,
        &format!(
            "userPrincipalName: alice.smith@studio.test\n{}",
            password_line("Alice-secret-2026")
        ),
    );
    // userPrincipalName is single-valued: alice's line above replaces the default one.
    ldif = ldif.replacen("userPrincipalName: alice@studio.test\n", "", 1);
    ldif += &ad_user(r"Bob\+Co", "bob", UAC_ENABLED, "");
    ldif += &ad_user("Zoë Ærø", "zoe", UAC_ENABLED, "");
    ldif += &ad_user("Carol", "carol", UAC_DISABLED, "");
    for (cn, expires) in [
        ("Dave", EXPIRED_2020),
        ("Erin", EXPIRES_2100),
        ("Frank", 0),
        ("Gina", i64::MAX as u64),
    ] {
        let login = cn.to_lowercase();
        ldif += &ad_user(
            cn,
            &login,
            UAC_ENABLED,
            &format!("accountExpires: {expires}\n"),
        );
    }
    ldif
}

/// Groups: artists holds comp and lighting, comp holds artists back (a cycle, closed by a
/// modification once both exist), R+D has an escaped name.
fn studio_groups() -> String {
    ad_group("comp", &[person(r"Smith\, Alice")])
        + &ad_group("lighting", &[person(r"Bob\+Co"), person("Zoë Ærø")])
        + &ad_group("artists", &[group("comp"), group("lighting")])
        + &ad_group(r"R\+D", &[person("Carol")])
        + &format!(
            "dn: {}\nchangetype: modify\nadd: member\nmember: {}\n-\n\n",
            group("comp"),
            group("artists")
        )
}

/// The studio plus a crowd of users, all in one group of more than 1,500 members.
fn crowded_studio() -> String {
    let mut ldif = studio_people() + &studio_groups();
    let mut members = Vec::with_capacity(CROWD + 1);
    for n in 0..CROWD {
        let login = format!("crowd{n:04}");
        ldif += &ad_user(&login, &login, UAC_ENABLED, "");
        members.push(person(&login));
    }
    members.push(person(r"Smith\, Alice"));
    ldif + &ad_group("crowd", &members)
}

/// The DC holding [`crowded_studio`] for a test that only reads it: one for the whole run
/// where DCs run side by side, and one per test where they take turns on the machine's ports
/// (a DC kept for the run would hold the ports, and every other DC would wait for it).
enum CrowdedDc {
    Shared(&'static SambaDc),
    Own(SambaDc),
}

impl std::ops::Deref for CrowdedDc {
    type Target = SambaDc;
    fn deref(&self) -> &SambaDc {
        match self {
            Self::Shared(dc) => dc,
            Self::Own(dc) => dc,
        }
    }
}

fn crowded_dc() -> CrowdedDc {
    static DC: OnceLock<SambaDc> = OnceLock::new();
    match isolation() {
        Isolation::Namespace => {
            CrowdedDc::Shared(DC.get_or_init(|| SambaDc::start(&crowded_studio())))
        }
        Isolation::SharedPorts => CrowdedDc::Own(SambaDc::start(&crowded_studio())),
    }
}

/// The sync's settings for `dc`: StartTLS, the reader by UPN, users under People.
pub(crate) fn settings(dc: &SambaDc) -> LdapSettings {
    LdapSettings {
        uris: vec![dc.ldap_uri()],
        bind_dn: Some(READER_UPN.to_string()),
        bind_password: Some(SecretString::from(READER_PASSWORD)),
        user_base_dn: PEOPLE_DN.to_string(),
        user_filter: "(&(objectCategory=person)(objectClass=user))".to_string(),
        group_filter: "(objectClass=group)".to_string(),
        starttls: true,
        trust: Trust::CaFile(dc.ca_file()),
        page_size: 1000,
        attempts: 1,
        ..LdapSettings::default()
    }
}

/// With groups read from OU=Groups, nesting resolved by `who`.
fn with_groups(dc: &SambaDc, who: NestedGroups) -> LdapSettings {
    LdapSettings {
        group_base_dn: Some(GROUPS_DN.to_string()),
        nested_groups: who,
        ..settings(dc)
    }
}

/// The AD mapping of config.ad.example.toml.
pub(crate) fn ad_mapping() -> Mapping {
    Mapping {
        id: "objectGUID".parse().unwrap(),
        username: "sAMAccountName".parse().unwrap(),
        active: ldap2ftrack::source::mapping_rules::ActiveRule::from_names([
            "useraccountcontrol",
            "accountexpires",
        ])
        .unwrap(),
        ..Mapping::default()
    }
}

async fn read(settings: &LdapSettings, mapping: &Mapping) -> DirectoryRead {
    read_directory(settings, mapping, TODAY, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("the read failed: {e}"))
}

fn user<'r>(read: &'r DirectoryRead, login: &str) -> &'r DirectoryUser {
    read.snapshot
        .users
        .iter()
        .find(|u| u.username.as_deref() == Some(login))
        .unwrap_or_else(|| panic!("{login} was read"))
}

/// Each user's groups by their first RDN value (the group's name), sorted.
fn group_names(read: &DirectoryRead) -> BTreeMap<String, BTreeSet<String>> {
    read.snapshot
        .users
        .iter()
        .map(|u| {
            let names = u.groups.iter().map(|dn| rdn_value(dn)).collect();
            (u.username.as_deref().unwrap_or_default().to_string(), names)
        })
        .collect()
}

/// `CN=R\+D,OU=...` -> `R+D`: the first RDN's value with its escapes undone.
fn rdn_value(dn: &str) -> String {
    let mut value = String::new();
    let mut chars = dn.split_once('=').map_or("", |(_, v)| v).chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.extend(chars.next()),
            ',' => break,
            c => value.push(c),
        }
    }
    value
}

/// `ldapsearch` over StartTLS as `who`, of `filter` under `base`; returns (exit code, output).
fn search_as(dc: &SambaDc, who: &str, password: &str, base: &str, args: &[&str]) -> (i32, String) {
    let out = dc
        .ldap_tool("ldapsearch")
        .args(["-x", "-LLL", "-o", "ldif-wrap=no", "-ZZ", "-H"])
        .arg(dc.ldap_uri())
        .args(["-D", who, "-w", password, "-b", base])
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_dc_needs_tls_for_simple_binds_and_takes_dns_and_upns() {
    let dc = SambaDc::start(&ad_user("Ann Lee", "ann", UAC_ENABLED, ""));
    let plain = dc
        .ldap_tool("ldapsearch")
        .args(["-x", "-H"])
        .arg(dc.ldap_uri())
        .args([
            "-D",
            READER_DN,
            "-w",
            READER_PASSWORD,
            "-b",
            BASE_DN,
            "-s",
            "base",
        ])
        .output()
        .unwrap();
    let refusal = String::from_utf8_lossy(&plain.stderr);
    assert_eq!(plain.status.code(), Some(8), "{refusal}");
    assert!(
        refusal.contains("Transport encryption required"),
        "{refusal}"
    );
    // By DN, by UPN, and by name@REALM (the realm in capitals, as Windows writes it).
    let by_realm = format!("ldap2ftrack-reader@{REALM}");
    for (who, password) in [
        (READER_DN, READER_PASSWORD),
        (READER_UPN, READER_PASSWORD),
        (by_realm.as_str(), READER_PASSWORD),
        (ADMIN_UPN, ADMIN_PASSWORD),
    ] {
        let (code, text) = search_as(&dc, who, password, BASE_DN, &["-s", "base", "dn"]);
        assert_eq!(code, 0, "{who}: {text}");
        assert!(text.contains(&format!("dn: {BASE_DN}")), "{text}");
    }
    let (code, text) = search_as(&dc, READER_UPN, "wrong", BASE_DN, &["-s", "base"]);
    assert_eq!(code, 49, "{text}");
}

#[tokio::test]
async fn users_are_read_by_guid_with_logon_names_and_ad_account_status() {
    let crowded = crowded_dc();
    let dc: &SambaDc = &crowded;
    let over_ldaps = LdapSettings {
        uris: vec![dc.ldaps_uri()],
        starttls: false,
        bind_dn: Some(READER_DN.to_string()),
        ..settings(dc)
    };
    let by_upn = read(&settings(dc), &ad_mapping()).await;
    let by_dn = read(&over_ldaps, &ad_mapping()).await;
    assert_eq!((by_upn.security, by_dn.security), ("StartTLS", "ldaps"));
    assert_eq!(by_upn.snapshot.users.len(), 8 + CROWD);
    assert!(by_upn.snapshot.complete, "{:?}", by_upn.snapshot.warnings);
    assert_eq!(by_upn.snapshot.users, by_dn.snapshot.users);

    // The id is objectGUID in canonical text, the same GUID the DC shows.
    let alice = user(&by_upn, "alice");
    let (_, found) = search_as(
        dc,
        READER_UPN,
        READER_PASSWORD,
        PEOPLE_DN,
        &["(sAMAccountName=alice)", "objectGUID"],
    );
    let encoded = found
        .lines()
        .find_map(|l| l.strip_prefix("objectGUID:: "))
        .unwrap_or_else(|| panic!("{found}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    let guid = uuid::Uuid::from_bytes_le(bytes.try_into().unwrap()).to_string();
    assert_eq!(&*alice.id, guid.as_str());
    assert_eq!(alice.dn, format!(r"CN=Smith\, Alice,{PEOPLE_DN}"));
    assert_eq!(user(&by_upn, "zoe").dn, format!("CN=Zoë Ærø,{PEOPLE_DN}"));

    // Disabled (userAccountControl bit 2) and expired (accountExpires) accounts.
    let carol = user(&by_upn, "carol");
    assert!(!carol.active);
    assert!(
        carol
            .disabled_reason
            .as_deref()
            .unwrap()
            .contains("ACCOUNTDISABLE"),
        "{carol:?}"
    );
    let dave = user(&by_upn, "dave");
    assert_eq!(
        dave.disabled_reason.as_deref(),
        Some(format!("expired on 2020-01-01 (accountExpires {EXPIRED_2020})").as_str())
    );
    for login in ["alice", "bob", "zoe", "erin", "frank", "gina", "crowd0000"] {
        assert!(user(&by_upn, login).active, "{login}");
    }

    // The local part of the user principal name as the username instead.
    let by_principal = Mapping {
        username: "userPrincipalName | localpart".parse().unwrap(),
        ..ad_mapping()
    };
    let principal = read(&settings(dc), &by_principal).await;
    assert_eq!(user(&principal, "alice.smith").id, alice.id);
}

#[tokio::test]
async fn nested_groups_resolved_by_the_server_match_the_client_walk() {
    let crowded = crowded_dc();
    let dc: &SambaDc = &crowded;
    let mut pages = 0;
    let walked = read_directory(
        &with_groups(dc, NestedGroups::Client),
        &ad_mapping(),
        TODAY,
        &mut |event| {
            if let ReadProgress::Users { pages: p, .. } = event {
                pages = p;
            }
        },
    )
    .await
    .unwrap();
    let by_server = read(&with_groups(dc, NestedGroups::Server), &ad_mapping()).await;
    // Active Directory is asked for members in ranges (member;range=0-1499, then on).
    assert_eq!(walked.kind, ServerKind::ActiveDirectory);
    assert_eq!(walked.groups, 5);
    assert!(walked.snapshot.complete, "{:?}", walked.snapshot.warnings);
    assert!(
        by_server.snapshot.complete,
        "{:?}",
        by_server.snapshot.warnings
    );
    let walked = group_names(&walked);
    assert_eq!(walked, group_names(&by_server));

    let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    // alice is in comp, which is in artists, which is in comp (a cycle).
    assert_eq!(walked["alice"], names(&["artists", "comp", "crowd"]));
    // Escaped commas, plus signs and non-ASCII names match their groups; through the cycle,
    // whoever is in artists is in comp too.
    assert_eq!(walked["bob"], names(&["artists", "comp", "lighting"]));
    assert_eq!(walked["zoe"], names(&["artists", "comp", "lighting"]));
    assert_eq!(walked["carol"], names(&["R+D"]));
    assert!(walked["dave"].is_empty());
    // The crowd group has more members than one range holds: all of them are read.
    let in_crowd = walked.values().filter(|g| g.contains("crowd")).count();
    assert_eq!(in_crowd, CROWD + 1);
    // More users than MaxPageSize: several pages.
    assert!(pages >= 2, "{pages} pages");
}

#[test]
fn the_dc_answers_member_ranges_that_the_read_must_follow() {
    let crowded = crowded_dc();
    let dc: &SambaDc = &crowded;
    let crowd = group("crowd");
    let count = |range: &str| {
        let (code, text) = search_as(
            dc,
            READER_UPN,
            READER_PASSWORD,
            &crowd,
            &[
                "-s",
                "base",
                "(objectClass=group)",
                &format!("member;range={range}"),
            ],
        );
        assert_eq!(code, 0, "{text}");
        let mut names = BTreeMap::new();
        for name in text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(n, _)| n)
        {
            *names.entry(name.to_string()).or_insert(0) += 1;
        }
        names.remove("dn");
        names
    };
    // The first window stops at 1,500 values; the rest comes as the last range.
    let first = count("0-1499");
    assert_eq!(
        first,
        BTreeMap::from([("member;range=0-1499".to_string(), 1500)])
    );
    let rest = count("1500-2999");
    assert_eq!(
        rest,
        BTreeMap::from([("member;range=1500-*".to_string(), CROWD + 1 - 1500)])
    );
}

#[tokio::test]
async fn server_side_nesting_is_refused_on_a_server_that_is_not_ad() {
    crate::support::slapd::require_slapd();
    let server = crate::support::slapd::Slapd::start("");
    let settings = LdapSettings {
        uris: vec![server.ldap_uri()],
        bind_dn: Some(crate::support::slapd::READER_DN.to_string()),
        bind_password: Some(SecretString::from(crate::support::slapd::READER_PASSWORD)),
        user_base_dn: "ou=people,dc=studio,dc=test".to_string(),
        user_filter: "(objectClass=inetOrgPerson)".to_string(),
        group_base_dn: Some("ou=groups,dc=studio,dc=test".to_string()),
        group_filter: "(objectClass=groupOfNames)".to_string(),
        starttls: true,
        trust: Trust::CaFile(server.ca_file()),
        attempts: 1,
        nested_groups: NestedGroups::Server,
        ..LdapSettings::default()
    };
    let error = read_directory(&settings, &Mapping::default(), TODAY, &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("nested_groups = \"server\" needs Active Directory"),
        "{error}"
    );
}

#[tokio::test]
async fn a_renamed_user_stays_the_same_ftrack_user() {
    let dc = SambaDc::start(&studio_people());
    let before = read(&settings(&dc), &ad_mapping()).await;
    let alice = user(&before, "alice").clone();
    dc.samba_tool(&[
        "user",
        "rename",
        "alice",
        "--samaccountname=alice.jones",
        "--surname=Jones",
        r"--force-new-cn=Jones\, Alice",
    ]);
    let after = read(&settings(&dc), &ad_mapping()).await;
    let renamed = user(&after, "alice.jones");
    assert_eq!(renamed.id, alice.id);
    assert_eq!(renamed.dn, format!(r"CN=Jones\, Alice,{PEOPLE_DN}"));
    assert_ne!(renamed.dn, alice.dn);

    let mut links = Links::new();
    links.insert(alice.id.clone(), "ftrack-alice".to_string().into());
    let ftrack = FtrackSnapshot {
        users: vec![FtrackUser {
            id: "ftrack-alice".into(),
            username: "alice".into(),
            first_name: "alice".into(),
            last_name: "Tester".into(),
            email: Some("alice@studio.test".into()),
            is_active: true,
            ..Default::default()
        }],
        ..Default::default()
    };
    let plan = compute_plan(
        &after.snapshot,
        &ftrack,
        &links,
        &Policy::default(),
        &Scope::default(),
    );
    let item = plan
        .items
        .iter()
        .find(|i| i.ftrack.as_ref().is_some_and(|f| f.id == "ftrack-alice"))
        .expect("the linked user is planned");
    let changes = format!("{:?}", item.changes);
    assert!(
        changes.contains("alice.jones") && changes.contains("Jones"),
        "{changes}"
    );
    assert_eq!(
        plan.items.iter().filter(|i| i.ftrack.is_none()).count(),
        before.snapshot.users.len() - 1,
        "every other user is a create; alice is not created again"
    );
}

/// The binary with config.ad.example.toml pointed at `dc` (its names replaced by the test
/// domain's), the reader's password from the environment, and `home` as HOME.
fn with_ad_example(dc: &SambaDc, home: &std::path::Path) -> std::process::Command {
    let example = std::fs::read_to_string(crate::support::asset("config.ad.example.toml"))
        .unwrap()
        .replace("DC=studio,DC=example", "DC=studio,DC=test")
        .replace("ldaps://dc1.studio.example", &dc.ldaps_uri())
        .replace(
            "/etc/ldap2ftrack/studio-ca.pem",
            &dc.ca_file().display().to_string(),
        )
        .replace("svc-ldap2ftrack@studio.example", READER_UPN)
        .replace(
            "/var/lib/ldap2ftrack",
            &home.join("state").display().to_string(),
        );
    let config = home.join("config.toml");
    std::fs::write(&config, example).unwrap();
    std::fs::write(home.join("ftrack.json"), r#"{"users": [], "groups": []}"#).unwrap();
    let mut cmd = crate::support::ldap2ftrack(home);
    // No ftrack here: check's ftrack line fails at once on a closed port.
    let nowhere = format!("http://127.0.0.1:{}", crate::support::slapd::closed_port());
    cmd.env("LDAP_BIND_PASSWORD", READER_PASSWORD)
        .env("FTRACK_SERVER", nowhere)
        .arg("-c")
        .arg(config);
    cmd
}

#[test]
fn check_and_plan_work_with_the_ad_example_configuration() {
    let crowded = crowded_dc();
    let dc: &SambaDc = &crowded;
    let home = tempfile::tempdir().unwrap();
    let check = crate::support::run(with_ad_example(dc, home.path()).arg("check"));
    let ldap_line = check
        .stdout
        .lines()
        .find(|l| l.starts_with("ldap "))
        .unwrap_or_else(|| panic!("{}", check.stdout));
    let expected = format!(
        "ldap     ok: {} (Active Directory) via ldaps (TLSv1.",
        dc.ldaps_uri()
    );
    assert!(ldap_line.starts_with(&expected), "{ldap_line}");
    assert!(
        ldap_line.contains(&format!("bound as {READER_UPN}")),
        "{ldap_line}"
    );
    assert!(
        ldap_line.contains(&format!("{} users match", 8 + CROWD)),
        "{ldap_line}"
    );
    assert!(!check.stdout.contains(READER_PASSWORD));

    let json = crate::support::json_plan(&mut with_ad_example(dc, home.path()));
    let items = json["items"].as_array().unwrap();
    let creates = items.iter().filter(|i| i["action"] == "create").count();
    // carol is disabled and dave expired: neither is created.
    assert_eq!(creates, 6 + CROWD);
    let added = |login: &str| {
        let item = items.iter().find(|i| i["username"] == login);
        item.map(|i| i["groups"]["add"].clone()).unwrap_or_default()
    };
    // Managed by name (lighting) and by DN with an escaped comma nowhere near: both map.
    assert_eq!(added("bob"), serde_json::json!(["Lighting"]));
    assert_eq!(added("alice"), serde_json::json!([]));
    assert!(!json.to_string().contains(READER_PASSWORD));
}

#[tokio::test]
async fn a_group_base_without_groups_on_the_dc_makes_the_read_incomplete() {
    let crowded = crowded_dc();
    let dc: &SambaDc = &crowded;
    let nothing_there = LdapSettings {
        group_base_dn: Some(format!("OU=Services,{BASE_DN}")),
        ..settings(dc)
    };
    let read = read(&nothing_there, &ad_mapping()).await;
    assert!(!read.snapshot.complete);
    assert!(
        read.snapshot
            .incomplete
            .iter()
            .any(|why| why.contains("found no groups")),
        "{:?}",
        read.snapshot.incomplete
    );
    // Nobody the read missed is deactivated: the plan holds deactivations back.
    let linked_elsewhere = FtrackSnapshot {
        users: vec![FtrackUser {
            id: "ftrack-gone".into(),
            username: "gone".into(),
            is_active: true,
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut links = Links::new();
    links.insert(
        "an-entry-no-longer-read".into(),
        "ftrack-gone".to_string().into(),
    );
    let plan = compute_plan(
        &read.snapshot,
        &linked_elsewhere,
        &links,
        &Policy::default(),
        &Scope::default(),
    );
    assert_eq!(plan.summary.deactivate, 0, "{:?}", plan.summary);
    assert!(!plan.incomplete_read.is_empty());
    // Read whole, the same directory would deactivate the linked user it no longer has.
    let mut whole = read.snapshot.clone();
    whole.complete = true;
    whole.incomplete.clear();
    let plan = compute_plan(
        &whole,
        &linked_elsewhere,
        &links,
        &Policy::default(),
        &Scope::default(),
    );
    assert_eq!(plan.summary.deactivate, 1, "{:?}", plan.summary);
}
