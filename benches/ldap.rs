//! Directory read benchmark: 100,000 users and 500 groups in a private slapd, read through
//! ldap2ftrack and through `ldapsearch -E pr=1000/noprompt` in the same run, over StartTLS;
//! then chains of 8,000 and 10,000 nested groups, resolved by the group index alone and read
//! whole from slapd; then a few thousand users on a Samba AD domain controller, read beside
//! `ldapsearch` against the same DC. Run with
//! `cargo bench --bench ldap [-- --users N | --chains-only | --ad-only] [--ad-users N]`.

#[path = "../tests/support/certs.rs"]
mod certs;
#[path = "support/common.rs"]
mod common;
#[path = "support/heap.rs"]
#[allow(dead_code)] // `live` and `set_counting` are used by other benchmarks.
mod heap;
#[path = "../tests/support/process.rs"]
#[allow(dead_code)]
mod process;
#[path = "../tests/support/samba.rs"]
#[allow(dead_code)]
mod samba;
#[path = "../tests/support/slapd.rs"]
#[allow(dead_code)]
mod slapd;

#[path = "ldap/ad.rs"]
mod ad;

use common::{ATTRIBUTES, number_after};
use heap::{Counting, mib, peak, reset_peak};
use ldap2ftrack::source::entry::RawEntry;
use ldap2ftrack::source::ldap::groups::GroupIndex;
use ldap2ftrack::source::ldap::read_directory;
use ldap2ftrack::source::ldap::settings::LdapSettings;
use ldap2ftrack::source::ldap::tls::Trust;
use ldap2ftrack::source::mapping_rules::Mapping;
use secrecy::SecretString;
use slapd::{READER_DN, READER_PASSWORD, Slapd, require_slapd};
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: Counting = Counting;

const GROUPS: usize = 500;
const PEOPLE: &str = "ou=people,dc=studio,dc=test";
const GROUP_BASE: &str = "ou=groups,dc=studio,dc=test";
pub(crate) const ROUNDS: usize = 3;
/// Lengths of the nested-group chains: each group is a member of the next.
const CHAINS: [usize; 2] = [8_000, 10_000];
/// Users listed by a chain's first group, so in every group of the chain. Read from slapd,
/// they keep every group's DN: about 0.6 MB of the heap per user in a 10,000-group chain.
const CHAIN_USERS: usize = 100;

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
        group_base_dn: group_search.then(|| GROUP_BASE.to_string()),
        group_filter: "(objectClass=groupOfNames)".to_string(),
        starttls: true,
        trust: Trust::CaFile(server.ca_file()),
        page_size: 1000,
        timeout: Duration::from_secs(120),
        attempts: 1,
        ..LdapSettings::default()
    }
}

/// Times `ldapsearch` reading every user with the same attributes, output discarded.
fn ldapsearch(server: &Slapd, users: usize) -> Duration {
    let mut search = server.ldap_tool("ldapsearch");
    search
        .args(["-x", "-ZZ", "-LLL", "-E", "pr=1000/noprompt", "-H"])
        .arg(server.ldap_uri())
        .args(["-D", READER_DN, "-w", READER_PASSWORD, "-b", PEOPLE])
        .arg("(objectClass=inetOrgPerson)")
        .args(ATTRIBUTES);
    timed_search(search, users)
}

/// Times an `ldapsearch` command, which must print `users` entries.
pub(crate) fn timed_search(mut search: Command, users: usize) -> Duration {
    let start = Instant::now();
    let output = search
        .stderr(Stdio::inherit())
        .output()
        .expect("ldapsearch runs");
    let elapsed = start.elapsed();
    assert!(output.status.success(), "ldapsearch failed");
    let entries = output.stdout.windows(4).filter(|w| w == b"dn: ").count();
    assert_eq!(entries, users, "ldapsearch read every user");
    elapsed
}

/// Times one read through ldap2ftrack and measures its peak heap; every user must come with
/// at least `min_groups` groups.
fn ours(
    runtime: &tokio::runtime::Runtime,
    settings: &LdapSettings,
    users: usize,
    min_groups: usize,
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
    assert!(
        read.snapshot
            .users
            .iter()
            .all(|u| u.groups.len() >= min_groups)
    );
    let heap = peak() - baseline;
    drop(read);
    (elapsed, heap)
}

pub(crate) fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Reads `users` users with and without the group search, against `ldapsearch`.
fn directory_read(runtime: &tokio::runtime::Runtime, users: usize) {
    let start = Instant::now();
    let server = Slapd::start(&fixture(users));
    println!(
        "slapd: {users} users and {GROUPS} groups loaded and serving in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let (mut tool, mut member_of, mut searched) = (Vec::new(), Vec::new(), Vec::new());
    let (mut heap_member_of, mut heap_searched) = (0, 0);
    // Interleaved rounds, so that machine noise hits every reader alike.
    for _ in 0..ROUNDS {
        tool.push(ldapsearch(&server, users));
        let (time, heap) = ours(runtime, &settings(&server, false), users, 1);
        member_of.push(time);
        heap_member_of = heap_member_of.max(heap);
        let (time, heap) = ours(runtime, &settings(&server, true), users, 1);
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

/// The DN of a chain's group number `g`.
fn chain_dn(g: usize) -> String {
    format!("cn=chain{g:05},{GROUP_BASE}")
}

/// A chain of groups: the first lists the users, and each next one lists the one before.
fn chain_entries(groups: usize) -> Vec<RawEntry> {
    (0..groups)
        .map(|g| {
            let mut entry = RawEntry::new(chain_dn(g));
            if g == 0 {
                for n in 0..CHAIN_USERS {
                    entry.push("member", format!("uid=artist{n:06},{PEOPLE}"));
                }
            } else {
                entry.push("member", chain_dn(g - 1));
            }
            entry
        })
        .collect()
}

/// Times indexing and resolving a chain and finding each user's groups (each user's list is
/// checked, then dropped), and measures the peak heap of it.
fn resolve_chain(groups: usize) -> (Duration, usize) {
    let entries = chain_entries(groups);
    let baseline = reset_peak();
    let start = Instant::now();
    let mut index = GroupIndex::default();
    for entry in &entries {
        index.add(entry);
    }
    index.resolve();
    for n in 0..CHAIN_USERS {
        let dn = format!("uid=artist{n:06},{PEOPLE}");
        assert_eq!(index.groups_of(&dn, &[], &[]).len(), groups);
    }
    let elapsed = start.elapsed();
    (elapsed, peak() - baseline)
}

/// The chain as LDIF for slapd: its users, then its groups.
fn chain_fixture(groups: usize) -> String {
    let mut ldif = String::new();
    for n in 0..CHAIN_USERS {
        write!(
            ldif,
            "dn: uid=artist{n:06},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: artist{n:06}\ncn: Artist {n}\nsn: Number{n}\nmail: artist{n:06}@studio.test\n\n"
        )
        .unwrap();
    }
    for entry in chain_entries(groups) {
        write!(ldif, "dn: {}\nobjectClass: groupOfNames\n", entry.dn).unwrap();
        for member in entry.values("member") {
            writeln!(ldif, "member: {}", String::from_utf8_lossy(member)).unwrap();
        }
        ldif.push('\n');
    }
    ldif
}

/// "OK" when a chain was resolved within the target: under 1 s and 100 MB of heap.
fn chain_verdict(time: Duration, heap: usize) -> &'static str {
    if time < Duration::from_secs(1) && mib(heap) < 100.0 {
        "OK"
    } else {
        "MISSED"
    }
}

/// Resolves each chain in memory, then reads it whole from slapd, printing time and peak heap.
fn chains(runtime: &tokio::runtime::Runtime) {
    for groups in CHAINS {
        let (time, heap) = resolve_chain(groups);
        println!(
            "nested chain of {groups} groups, {CHAIN_USERS} users at the bottom, resolved in memory: {:.3} s, peak heap {:.1} MB (target < 1 s and < 100 MB: {})",
            time.as_secs_f64(),
            mib(heap),
            chain_verdict(time, heap)
        );
        let server = Slapd::start(&chain_fixture(groups));
        let (time, heap) = ours(runtime, &settings(&server, true), CHAIN_USERS, groups);
        println!(
            "nested chain of {groups} groups, read from slapd with the group search: {:.3} s, peak heap {:.1} MB (target < 1 s and < 100 MB: {})",
            time.as_secs_f64(),
            mib(heap),
            chain_verdict(time, heap)
        );
        server.stop();
    }
}

fn main() {
    require_slapd();
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let only = |flag: &str| args.iter().any(|a| a == flag);
    if !only("--chains-only") && !only("--ad-only") {
        directory_read(&runtime, number_after(&args, "--users", 100_000));
    }
    if !only("--ad-only") {
        chains(&runtime);
    }
    if !only("--chains-only") {
        ad::run(&runtime, number_after(&args, "--ad-users", 3000));
    }
}
