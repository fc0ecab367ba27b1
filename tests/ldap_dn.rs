//! DNs with escaped commas, plus signs and non-ASCII values, read from a real slapd: group
//! membership through the group search and the managed groups of a plan.

use crate::ldap_source::{
    GROUPS, PEOPLE, person, read, searching_groups, user, write_group_config,
};
use crate::support::slapd::{Slapd, require_slapd};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ldap2ftrack::dn::Dn;
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

/// An inetOrgPerson named `rdn` under the people base, with its own `cn` and `uid`;
/// written base64 (`::`) so that non-ASCII text needs no escaping.
fn named_person(rdn: &str, cn: &str, uid: &str) -> String {
    let line = |name: &str, value: &str| format!("{name}:: {}\n", BASE64.encode(value));
    let mut entry = line("dn", &format!("{rdn},{PEOPLE}"));
    entry += "objectClass: inetOrgPerson\n";
    entry += &line("cn", cn);
    write!(entry, "sn: {uid}\nuid: {uid}\nmail: {uid}@studio.test\n\n").unwrap();
    entry
}

/// A group entry of `class` (groupOfNames or groupOfUniqueNames) listing `members`.
fn group(cn: &str, rdn: &str, class: &str, attribute: &str, members: &[String]) -> String {
    let mut entry = format!("dn: {rdn},{GROUPS}\nobjectClass: {class}\ncn: {cn}\n");
    for member in members {
        writeln!(entry, "{attribute}: {member}").unwrap();
    }
    entry.push('\n');
    entry
}

/// Smith (a comma in his RDN), the R+D lead (a plus sign, in a multi-valued RDN) and Zoë (not
/// ASCII), listed by groups that write their DNs with other spacing, case and hex escapes;
/// Ann is in no group. R+D is inside `all`.
fn fixture() -> String {
    let mut ldif = named_person(r"cn=Smith\, John", "Smith, John", "smithj");
    ldif += &named_person(r"cn=R\+D Lead+uid=rdlead", "R+D Lead", "rdlead");
    ldif += &named_person("cn=Zoë Ærø", "Zoë Ærø", "zoe");
    ldif += &person(1, "ann", "");
    let people = "OU=People, DC=studio,DC=test";
    ldif += &group(
        "R+D",
        r"cn=R\+D",
        "groupOfNames",
        "member",
        &[
            format!(r"CN=Smith\2C John, {people}"),
            format!(r"uid=rdlead + cn=r\+d lead,{people}"),
        ],
    );
    ldif += &group(
        "fx",
        "cn=fx",
        "groupOfNames",
        "member",
        &[format!(r"cn = Zo\C3\AB \C3\86R\C3\98 ,{people}")],
    );
    ldif += &group(
        "leads",
        "cn=leads",
        "groupOfUniqueNames",
        "uniqueMember",
        &[format!(r"cn=Smith\, John,{PEOPLE}#'0101'B")],
    );
    ldif += &group(
        "all",
        "cn=all",
        "groupOfNames",
        "member",
        &[r"CN=R\2BD,OU=Groups,DC=studio,DC=test".to_string()],
    );
    ldif
}

/// The groups as DNs, however the server wrote them.
fn dns(groups: &[ldap2ftrack::ids::DirectoryGroup]) -> HashSet<Dn> {
    groups
        .iter()
        .map(|g| Dn::parse(g).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Group DNs under the group base, by their first RDN.
fn groups_named(rdns: &[&str]) -> HashSet<Dn> {
    rdns.iter()
        .map(|rdn| Dn::parse(&format!("{rdn},{GROUPS}")).unwrap())
        .collect()
}

#[tokio::test]
async fn escaped_and_non_ascii_dns_find_their_groups() {
    require_slapd();
    let server = Slapd::start(&fixture());
    let searched = read(&searching_groups(&server)).await.unwrap();
    assert_eq!(searched.groups, 4);
    let groups_of = |username: &str| dns(&user(&searched, username).groups);
    assert_eq!(
        groups_of("smithj"),
        groups_named(&[r"cn=R\+D", "cn=all", "cn=leads"])
    );
    assert_eq!(groups_of("rdlead"), groups_named(&[r"cn=R\+D", "cn=all"]));
    assert_eq!(groups_of("zoe"), groups_named(&["cn=fx"]));
    assert!(groups_of("ann").is_empty());
}

#[test]
fn a_plan_puts_escaped_and_non_ascii_dns_in_their_managed_groups() {
    require_slapd();
    let server = Slapd::start(&fixture());
    let home = tempfile::tempdir().unwrap();
    // Managed groups written as DNs (in another spelling than the server's) and as names.
    let managed = format!(
        "\n[groups.managed]\n'cn=r\\2bd, ou=groups,dc=studio,dc=test' = \"R&D\"\n\
         \"FX\" = \"FX\"\n'CN=Leads,{GROUPS}' = \"Leads\"\nall = \"All\"\n"
    );
    let config = write_group_config(&server, home.path(), &managed);
    let json = crate::support::json_plan(
        crate::support::ldap2ftrack(home.path())
            .arg("-c")
            .arg(&config),
    );
    let added = |username: &str| -> BTreeSet<String> {
        let items = json["items"].as_array().unwrap();
        let item = items
            .iter()
            .find(|i| i["username"] == username)
            .unwrap_or_else(|| panic!("{username} is planned: {json}"));
        let add = item["groups"]["add"].as_array().unwrap();
        add.iter()
            .map(|g| g.as_str().unwrap().to_string())
            .collect()
    };
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(added("smithj"), set(&["All", "Leads", "R&D"]));
    assert_eq!(added("rdlead"), set(&["All", "R&D"]));
    assert_eq!(added("zoe"), set(&["FX"]));
    assert_eq!(added("ann"), set(&[]));
}
