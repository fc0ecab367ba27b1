//! The Active Directory run of the LDAP bench: a few thousand users and groups on a Samba
//! domain controller, read by ldap2ftrack and by `ldapsearch` against the same DC.

use crate::heap::mib;
use crate::samba::{GROUPS_DN, PEOPLE_DN, READER_PASSWORD, READER_UPN, SambaDc, UAC_ENABLED};
use crate::{ROUNDS, median, timed_search};
use ldap2ftrack::source::ldap::read_directory;
use ldap2ftrack::source::ldap::settings::LdapSettings;
use ldap2ftrack::source::ldap::tls::Trust;
use ldap2ftrack::source::mapping_rules::Mapping;
use secrecy::SecretString;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Groups in the domain; each user is in one or two.
const AD_GROUPS: usize = 20;
/// What both readers ask for: what the AD mapping needs.
const AD_ATTRIBUTES: [&str; 9] = [
    "objectGUID",
    "sAMAccountName",
    "mail",
    "givenName",
    "sn",
    "displayName",
    "memberOf",
    "userAccountControl",
    "accountExpires",
];
const USER_FILTER: &str = "(&(objectCategory=person)(objectClass=user))";

/// Users, then groups listing them (AD writes the users' memberOf itself).
fn fixture(users: usize) -> String {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); AD_GROUPS];
    let mut ldif = String::with_capacity(users * 300);
    for n in 0..users {
        write!(
            ldif,
            "dn: CN=artist{n:05},{PEOPLE_DN}\nobjectClass: user\nsAMAccountName: artist{n:05}\nuserPrincipalName: artist{n:05}@studio.test\ngivenName: Artist\nsn: Number{n}\nmail: artist{n:05}@studio.test\nuserAccountControl: {UAC_ENABLED}\n\n"
        )
        .unwrap();
        for k in 0..1 + n % 2 {
            members[(n + k * 7) % AD_GROUPS].push(n);
        }
    }
    for (g, people) in members.iter().enumerate() {
        write!(ldif, "dn: CN=group{g:02},{GROUPS_DN}\nobjectClass: group\n").unwrap();
        for n in people {
            writeln!(ldif, "member: CN=artist{n:05},{PEOPLE_DN}").unwrap();
        }
        ldif.push('\n');
    }
    ldif
}

fn settings(dc: &SambaDc) -> LdapSettings {
    LdapSettings {
        uris: vec![dc.ldap_uri()],
        bind_dn: Some(READER_UPN.to_string()),
        bind_password: Some(SecretString::from(READER_PASSWORD)),
        user_base_dn: PEOPLE_DN.to_string(),
        user_filter: USER_FILTER.to_string(),
        group_base_dn: Some(GROUPS_DN.to_string()),
        group_filter: "(objectClass=group)".to_string(),
        starttls: true,
        trust: Trust::CaFile(dc.ca_file()),
        page_size: 1000,
        timeout: Duration::from_secs(120),
        attempts: 1,
        ..LdapSettings::default()
    }
}

/// Times `ldapsearch` reading every user with the same attributes, output discarded.
fn ldapsearch(dc: &SambaDc, users: usize) -> Duration {
    let mut search = dc.ldap_tool("ldapsearch");
    search
        .args(["-x", "-ZZ", "-LLL", "-E", "pr=1000/noprompt", "-H"])
        .arg(dc.ldap_uri())
        .args(["-D", READER_UPN, "-w", READER_PASSWORD, "-b", PEOPLE_DN])
        .arg(USER_FILTER)
        .args(AD_ATTRIBUTES);
    timed_search(search, users)
}

/// Times one read through ldap2ftrack with the AD mapping and the group search.
fn ours(runtime: &tokio::runtime::Runtime, dc: &SambaDc, users: usize) -> (Duration, usize) {
    let mapping = Mapping {
        id: "objectGUID".parse().unwrap(),
        username: "sAMAccountName".parse().unwrap(),
        ..Mapping::default()
    };
    let baseline = crate::heap::reset_peak();
    let start = Instant::now();
    let read = runtime
        .block_on(read_directory(
            &settings(dc),
            &mapping,
            jiff::civil::date(2024, 10, 4),
            &mut |_| {},
        ))
        .expect("the directory is read");
    let elapsed = start.elapsed();
    assert_eq!(read.snapshot.users.len(), users);
    assert!(read.snapshot.complete);
    assert!(read.snapshot.users.iter().all(|u| !u.groups.is_empty()));
    (elapsed, crate::heap::peak() - baseline)
}

/// Loads `users` users into a DC and reads them both ways, printing the figures.
pub fn run(runtime: &tokio::runtime::Runtime, users: usize) {
    let start = Instant::now();
    let dc = SambaDc::start(&fixture(users));
    println!(
        "samba AD DC: {users} users and {AD_GROUPS} groups loaded and serving in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let (mut tool, mut read, mut heap) = (Vec::new(), Vec::new(), 0);
    for _ in 0..ROUNDS {
        tool.push(ldapsearch(&dc, users));
        let (time, peak) = ours(runtime, &dc, users);
        read.push(time);
        heap = heap.max(peak);
    }
    let (tool, read) = (median(tool), median(read));
    println!(
        "AD: ldapsearch -E pr=1000/noprompt (StartTLS): {:.2} s (median of {ROUNDS})",
        tool.as_secs_f64()
    );
    println!(
        "AD: ldap2ftrack, group search with ranges:    {:.2} s, {:.2}x ldapsearch, peak heap {:.0} MB",
        read.as_secs_f64(),
        read.as_secs_f64() / tool.as_secs_f64(),
        mib(heap)
    );
}
