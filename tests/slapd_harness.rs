//! The test slapd itself: TLS, size limits, overlays, schemas and stopping behave as the
//! LDAP integration tests expect. Checked with OpenLDAP's command-line clients.

use crate::support::run;
use crate::support::slapd::{
    ADMIN_DN, ADMIN_PASSWORD, BASE_DN, READER_DN, READER_PASSWORD, Slapd, closed_port,
    require_slapd,
};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, TcpStream};
use std::path::Path;
use std::time::Instant;

/// `count` users `uid=userNNNN,ou=people` (password `pwN`); the first three are members of
/// `cn=artists` (with `memberOf` written out, as slapadd runs no overlays); `user0005` is
/// locked by ppolicy.
fn people(count: usize) -> String {
    let mut ldif = String::new();
    for i in 0..count {
        let _ = write!(
            ldif,
            "dn: uid=user{i:04},ou=people,{BASE_DN}\n\
             objectClass: inetOrgPerson\n\
             uid: user{i:04}\n\
             cn: User {i}\n\
             sn: {i}\n\
             mail: user{i:04}@studio.test\n\
             userPassword: pw{i}\n"
        );
        if i < 3 {
            let _ = writeln!(ldif, "memberOf: cn=artists,ou=groups,{BASE_DN}");
        }
        if i == 5 {
            ldif.push_str("pwdAccountLockedTime: 000001010000Z\n");
        }
        ldif.push('\n');
    }
    let _ = writeln!(
        ldif,
        "dn: cn=artists,ou=groups,{BASE_DN}\nobjectClass: groupOfNames\ncn: artists"
    );
    for i in 0..3.min(count) {
        let _ = writeln!(ldif, "member: uid=user{i:04},ou=people,{BASE_DN}");
    }
    ldif
}

/// An Active Directory style user (disabled: userAccountControl 514) and a 389-ds style
/// locked user.
const DIALECTS: &str = "\
dn: cn=Ada Admin,ou=people,dc=studio,dc=test
objectClass: user
cn: Ada Admin
sn: Admin
sAMAccountName: ada
userPrincipalName: ada@studio.test
userAccountControl: 514
objectGUID:: EjRWeJq83vASNFZ4mrze8A==
objectCategory: CN=Person,CN=Schema,CN=Configuration,DC=studio,DC=test

dn: cn=Staff,ou=groups,dc=studio,dc=test
objectClass: group
cn: Staff
sAMAccountName: staff
groupType: -2147483646
member: cn=Ada Admin,ou=people,dc=studio,dc=test

dn: uid=nils,ou=people,dc=studio,dc=test
objectClass: inetOrgPerson
objectClass: nsAccountLockable
uid: nils
cn: Nils
sn: Locked
nsAccountLock: TRUE
";

/// `ldapsearch` bound as the reader on `uri`, printing LDIF without wrapping.
fn search_as_reader(slapd: &Slapd, uri: &str) -> std::process::Command {
    let mut cmd = slapd.ldap_tool("ldapsearch");
    cmd.args(["-x", "-LLL", "-o", "ldif-wrap=no", "-H", uri])
        .args(["-D", READER_DN, "-w", READER_PASSWORD, "-b", BASE_DN]);
    cmd
}

fn dns(stdout: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with("dn: ")).count()
}

/// Applies LDIF changes as the root DN.
fn modify_as_admin(slapd: &Slapd, name: &str, ldif: &str) {
    let file = slapd.dir().join(name);
    std::fs::write(&file, ldif).unwrap();
    let out = run(slapd
        .ldap_tool("ldapmodify")
        .args([
            "-x",
            "-H",
            &slapd.ldap_uri(),
            "-D",
            ADMIN_DN,
            "-w",
            ADMIN_PASSWORD,
            "-f",
        ])
        .arg(&file));
    assert_eq!(
        out.code, 0,
        "ldapmodify failed: {}{}",
        out.stdout, out.stderr
    );
}

fn bind_code(slapd: &Slapd, dn: &str, password: &str) -> i32 {
    run(slapd.ldap_tool("ldapwhoami").args([
        "-x",
        "-H",
        &slapd.ldap_uri(),
        "-D",
        dn,
        "-w",
        password,
    ]))
    .code
}

#[test]
fn starttls_and_ldaps_verify_the_server_against_the_test_ca_only() {
    let slapd = Slapd::start(&people(3));
    let filter = "(uid=user0001)";
    let dn = format!("dn: uid=user0001,ou=people,{BASE_DN}");

    let start_tls = run(search_as_reader(&slapd, &slapd.ldap_uri())
        .arg("-ZZ")
        .args([filter, "uid"]));
    assert_eq!(start_tls.code, 0, "StartTLS: {}", start_tls.stderr);
    assert!(start_tls.stdout.contains(&dn), "{}", start_tls.stdout);

    let ldaps = run(search_as_reader(&slapd, &slapd.ldaps_uri()).args([filter, "uid"]));
    assert_eq!(ldaps.code, 0, "LDAPS: {}", ldaps.stderr);
    assert!(ldaps.stdout.contains(&dn), "{}", ldaps.stdout);

    // The certificate names 127.0.0.1 only (`-d 1` prints libldap's TLS diagnostics).
    let by_name =
        run(search_as_reader(&slapd, &slapd.ldaps_uri_by_name()).args(["-d", "1", filter]));
    assert_ne!(
        by_name.code, 0,
        "localhost must not match: {}",
        by_name.stdout
    );
    assert!(
        by_name.stderr.contains("does not match"),
        "{}",
        by_name.stderr
    );

    // A CA that signed nothing: neither LDAPS nor StartTLS.
    for (uri, tls) in [(slapd.ldaps_uri(), None), (slapd.ldap_uri(), Some("-ZZ"))] {
        let wrong_ca = run(search_as_reader(&slapd, &uri)
            .args(tls)
            .env("LDAPTLS_CACERT", slapd.other_ca_file())
            .args(["-d", "1", filter]));
        assert_ne!(
            wrong_ca.code, 0,
            "{uri} with the wrong CA: {}",
            wrong_ca.stdout
        );
        // GnuTLS says "untrusted", OpenSSL "certificate verify failed".
        assert!(
            wrong_ca.stderr.contains("untrusted") || wrong_ca.stderr.contains("verify failed"),
            "{uri} with the wrong CA: {}",
            wrong_ca.stderr
        );
    }
    assert!(slapd.ca_file().starts_with(slapd.dir()) && slapd.ca_file().is_file());
}

#[test]
fn the_reader_needs_paging_beyond_500_entries() {
    let slapd = Slapd::start(&people(600));
    let filter = "(objectClass=inetOrgPerson)";

    let unpaged = run(search_as_reader(&slapd, &slapd.ldap_uri()).args([filter, "1.1"]));
    assert_eq!(
        unpaged.code, 4,
        "sizeLimitExceeded expected: {}",
        unpaged.stderr
    );
    assert_eq!(dns(&unpaged.stdout), 500);

    let paged = run(search_as_reader(&slapd, &slapd.ldap_uri()).args([
        "-E",
        "pr=200/noprompt",
        filter,
        "1.1",
    ]));
    assert_eq!(paged.code, 0, "paged search: {}", paged.stderr);
    assert_eq!(dns(&paged.stdout), 600);

    // The root DN has no limit.
    let admin = run(slapd
        .ldap_tool("ldapsearch")
        .args([
            "-x",
            "-LLL",
            "-H",
            &slapd.ldap_uri(),
            "-D",
            ADMIN_DN,
            "-w",
            ADMIN_PASSWORD,
        ])
        .args(["-b", BASE_DN, filter, "1.1"]));
    assert_eq!(admin.code, 0, "{}", admin.stderr);
    assert_eq!(dns(&admin.stdout), 600);
}

#[test]
fn memberof_from_the_fixture_is_readable_and_the_overlays_run_live() {
    let slapd = Slapd::start(&people(5));
    let artists = format!("cn=artists,ou=groups,{BASE_DN}");
    let members = |slapd: &Slapd| {
        let out = run(search_as_reader(slapd, &slapd.ldap_uri())
            .arg(format!("(memberOf={artists})"))
            .arg("memberOf"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            out.stdout.matches(&format!("memberOf: {artists}")).count(),
            dns(&out.stdout),
            "{}",
            out.stdout
        );
        dns(&out.stdout)
    };
    assert_eq!(members(&slapd), 3);

    // memberof: adding a member writes memberOf on the user.
    modify_as_admin(
        &slapd,
        "add-member.ldif",
        &format!(
            "dn: {artists}\nchangetype: modify\nadd: member\nmember: uid=user0004,ou=people,{BASE_DN}\n"
        ),
    );
    assert_eq!(members(&slapd), 4);

    // refint: deleting a user removes it from the group.
    modify_as_admin(
        &slapd,
        "delete-user.ldif",
        &format!("dn: uid=user0000,ou=people,{BASE_DN}\nchangetype: delete\n"),
    );
    let group = run(search_as_reader(&slapd, &slapd.ldap_uri()).args([
        "-s",
        "base",
        "-b",
        &artists,
        "(objectClass=*)",
        "member",
    ]));
    assert_eq!(group.code, 0, "{}", group.stderr);
    assert_eq!(
        group.stdout.matches("member: ").count(),
        3,
        "{}",
        group.stdout
    );
    assert!(!group.stdout.contains("user0000"), "{}", group.stdout);
}

#[test]
fn ppolicy_locks_accounts_and_acls_hide_passwords_and_everything_from_anonymous() {
    let slapd = Slapd::start(&people(6));
    let dn = |i: usize| format!("uid=user{i:04},ou=people,{BASE_DN}");

    assert_eq!(bind_code(&slapd, &dn(4), "pw4"), 0);
    assert_eq!(
        bind_code(&slapd, &dn(5), "pw5"),
        49,
        "pwdAccountLockedTime locks"
    );
    assert_eq!(bind_code(&slapd, READER_DN, READER_PASSWORD), 0);
    assert_eq!(bind_code(&slapd, READER_DN, "wrong"), 49);

    let reader = run(search_as_reader(&slapd, &slapd.ldap_uri()).args([
        "(uid=user0004)",
        "userPassword",
        "uid",
    ]));
    assert_eq!(reader.code, 0, "{}", reader.stderr);
    assert!(reader.stdout.contains("uid: user0004"), "{}", reader.stdout);
    assert!(!reader.stdout.contains("userPassword"), "{}", reader.stdout);

    let anonymous = run(slapd.ldap_tool("ldapsearch").args([
        "-x",
        "-LLL",
        "-H",
        &slapd.ldap_uri(),
        "-b",
        BASE_DN,
        "(objectClass=*)",
    ]));
    assert_eq!(dns(&anonymous.stdout), 0, "{}", anonymous.stdout);
}

#[test]
fn ad_and_389ds_attributes_can_be_searched() {
    let slapd = Slapd::start(DIALECTS);
    let search = |filter: &str, attrs: &[&str]| {
        let out = run(search_as_reader(&slapd, &slapd.ldap_uri())
            .arg(filter)
            .args(attrs));
        assert_eq!(out.code, 0, "{filter}: {}", out.stderr);
        out.stdout
    };

    let disabled = search(
        "(&(objectClass=user)(userAccountControl:1.2.840.113556.1.4.803:=2))",
        &["sAMAccountName", "objectGUID", "entryUUID"],
    );
    assert!(disabled.contains("sAMAccountName: ada"), "{disabled}");
    assert!(
        disabled.contains("objectGUID:: EjRWeJq83vASNFZ4mrze8A=="),
        "{disabled}"
    );
    assert!(disabled.contains("entryUUID: "), "{disabled}");
    assert_eq!(
        dns(&search(
            r"(objectGUID=\12\34\56\78\9a\bc\de\f0\12\34\56\78\9a\bc\de\f0)",
            &["1.1"]
        )),
        1
    );
    assert_eq!(dns(&search("(sAMAccountName=ADA)", &["1.1"])), 1);
    assert_eq!(
        dns(&search(
            "(&(objectClass=group)(groupType:1.2.840.113556.1.4.803:=2147483648))",
            &["1.1"]
        )),
        1
    );
    assert_eq!(dns(&search("(nsAccountLock=true)", &["1.1"])), 1);
}

#[test]
fn servers_are_independent_and_stop_ends_the_process() {
    require_slapd();
    let started = Instant::now();
    let first = Slapd::start("");
    let startup = started.elapsed();
    let second = Slapd::start(&people(1));
    eprintln!("Slapd::start(\"\") took {startup:?}");

    assert_ne!(first.ldap_uri(), second.ldap_uri());
    assert_ne!(first.dir(), second.dir());
    let count = |slapd: &Slapd| {
        dns(&run(search_as_reader(slapd, &slapd.ldap_uri()).args(["(uid=user0000)", "1.1"])).stdout)
    };
    assert_eq!((count(&first), count(&second)), (0, 1));

    let pid = first.pid();
    let dir = first.dir().to_path_buf();
    let proc_entry = format!("/proc/{pid}");
    assert!(Path::new(&proc_entry).exists());
    let stopping = Instant::now();
    first.stop();
    eprintln!("Slapd::stop took {:?}", stopping.elapsed());
    assert!(!Path::new(&proc_entry).exists(), "slapd {pid} still exists");
    assert!(!dir.exists(), "the temporary directory is removed");

    let pid = second.pid();
    drop(second);
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "drop stops slapd {pid}"
    );
}

#[test]
fn closed_port_refuses_connections() {
    let port = closed_port();
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
}
