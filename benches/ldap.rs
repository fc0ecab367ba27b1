//! Directory read benchmark: 100,000 users and 500 groups in a private slapd, read through
//! ldap2ftrack and through `ldapsearch -E pr=1000/noprompt` in the same run, over StartTLS.
//! Run with `cargo bench --bench ldap [-- --users N]`.

#[path = "support/heap.rs"]
#[allow(dead_code)] // `live` is used by the plan benchmark only.
mod heap;
#[path = "../tests/support/slapd.rs"]
#[allow(dead_code)]
mod slapd;

use heap::{Counting, mib, peak, reset_peak};
use ldap2ftrack::source::ldap::read_directory;
use ldap2ftrack::source::ldap::settings::LdapSettings;
use ldap2ftrack::source::ldap::tls::Trust;
use ldap2ftrack::source::mapping_rules::Mapping;
use secrecy::SecretString;
use slapd::{READER_DN, READER_PASSWORD, Slapd, require_slapd};
use std::fmt::Write as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: Counting = Counting;

const GROUPS: usize = 500;
const PEOPLE: &str = "ou=people,dc=studio,dc=test";
const GROUP_BASE: &str = "ou=groups,dc=studio,dc=test";
const ROUNDS: usize = 3;
/// The attributes both readers ask for: what the default mapping needs.
const ATTRIBUTES: [&str; 12] = [
    "entryUUID",
    "uid",
    "mail",
    "givenName",
    "sn",
    "cn",
    "memberOf",
    "userAccountControl",
    "nsAccountLock",
    "pwdAccountLockedTime",
    "shadowExpire",
    "objectClass",
];

/// Users (each in one to three groups, memberOf written) and groups listing their members.
fn fixture(users: usize) -> String {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); GROUPS];
    let mut ldif = String::with_capacity(users * 400);
    for n in 0..users {
        let groups: Vec<usize> = (0..1 + n % 3).map(|k| (n * 7 + k * 131) % GROUPS).collect();
        write!(
            ldif,
            "dn: uid=artist{n:06},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: artist{n:06}\ncn: Artist {n}\nsn: Number{n}\ngivenName: Artist\nmail: artist{n:06}@studio.test\n"
        )
        .unwrap();
        for g in &groups {
            writeln!(ldif, "memberOf: cn=group{g:03},{GROUP_BASE}").unwrap();
            members[*g].push(n);
        }
        ldif.push('\n');
    }
    for (g, people) in members.iter().enumerate() {
        write!(
            ldif,
            "dn: cn=group{g:03},{GROUP_BASE}\nobjectClass: groupOfNames\ncn: group{g:03}\n"
        )
        .unwrap();
        for n in people {
            writeln!(ldif, "member: uid=artist{n:06},{PEOPLE}").unwrap();
        }
        ldif.push('\n');
    }
    ldif
}

fn settings(server: &Slapd, group_search: bool) -> LdapSettings {
    LdapSettings {
        uris: vec![server.ldap_uri()],
        bind_dn: Some(READER_DN.to_string()),
        bind_password: Some(SecretString::from(READER_PASSWORD)),
        user_base_dn: PEOPLE.to_string(),
        user_filter: "(objectClass=inetOrgPerson)".to_string(),
        group_base_dn: group_search.then(|| GROUP_BASE.to_string()),
        group_filter: "(objectClass=groupOfNames)".to_string(),
        starttls: true,
        trust: Trust::CaFile(server.ca_file()),
        allow_insecure: false,
        page_size: 1000,
        timeout: Duration::from_secs(120),
        attempts: 1,
    }
}

/// Times `ldapsearch` reading every user with the same attributes, output discarded.
fn ldapsearch(server: &Slapd, users: usize) -> Duration {
    let start = Instant::now();
    let output = server
        .ldap_tool("ldapsearch")
        .args(["-x", "-ZZ", "-LLL", "-E", "pr=1000/noprompt", "-H"])
        .arg(server.ldap_uri())
        .args(["-D", READER_DN, "-w", READER_PASSWORD, "-b", PEOPLE])
        .arg("(objectClass=inetOrgPerson)")
        .args(ATTRIBUTES)
        .stderr(Stdio::inherit())
        .output()
        .expect("ldapsearch runs");
    let elapsed = start.elapsed();
    assert!(output.status.success(), "ldapsearch failed");
    let entries = output.stdout.windows(4).filter(|w| w == b"dn: ").count();
    assert_eq!(entries, users, "ldapsearch read every user");
    elapsed
}

/// Times one read through ldap2ftrack and measures its peak heap.
fn ours(
    runtime: &tokio::runtime::Runtime,
    settings: &LdapSettings,
    users: usize,
) -> (Duration, usize) {
    let baseline = reset_peak();
    let start = Instant::now();
    let read = runtime
        .block_on(read_directory(
            settings,
            &Mapping::default(),
            jiff::civil::date(2024, 10, 4),
            &mut |_| {},
        ))
        .expect("the directory is read");
    let elapsed = start.elapsed();
    assert_eq!(read.snapshot.users.len(), users);
    assert!(read.snapshot.complete);
    assert!(read.snapshot.users.iter().all(|u| !u.groups.is_empty()));
    let heap = peak() - baseline;
    drop(read);
    (elapsed, heap)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    require_slapd();
    let args: Vec<String> = std::env::args().collect();
    let users = args
        .iter()
        .position(|a| a == "--users")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let start = Instant::now();
    let server = Slapd::start(&fixture(users));
    println!(
        "slapd: {users} users and {GROUPS} groups loaded and serving in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (mut tool, mut member_of, mut searched) = (Vec::new(), Vec::new(), Vec::new());
    let (mut heap_member_of, mut heap_searched) = (0, 0);
    // Interleaved rounds, so that machine noise hits every reader alike.
    for _ in 0..ROUNDS {
        tool.push(ldapsearch(&server, users));
        let (time, heap) = ours(&runtime, &settings(&server, false), users);
        member_of.push(time);
        heap_member_of = heap_member_of.max(heap);
        let (time, heap) = ours(&runtime, &settings(&server, true), users);
        searched.push(time);
        heap_searched = heap_searched.max(heap);
    }
    let (tool, member_of, searched) = (median(tool), median(member_of), median(searched));
    let ratio = member_of.as_secs_f64() / tool.as_secs_f64();
    println!(
        "ldapsearch -E pr=1000/noprompt (StartTLS): {:.2} s (median of {ROUNDS})",
        tool.as_secs_f64()
    );
    println!(
        "ldap2ftrack, groups from memberOf:        {:.2} s, {:.2}x ldapsearch (target <= 1.3x: {}), peak heap {:.0} MB (target < 300 MB: {})",
        member_of.as_secs_f64(),
        ratio,
        if ratio <= 1.3 { "OK" } else { "MISSED" },
        mib(heap_member_of),
        if mib(heap_member_of) < 300.0 {
            "OK"
        } else {
            "MISSED"
        }
    );
    println!(
        "ldap2ftrack, group search with nesting:   {:.2} s, {:.2}x ldapsearch, peak heap {:.0} MB",
        searched.as_secs_f64(),
        searched.as_secs_f64() / tool.as_secs_f64(),
        mib(heap_searched)
    );
    server.stop();
}
