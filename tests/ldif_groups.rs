//! An offline plan (`plan --ldif`) of a directory gives the memberships a live plan of it
//! gives: users under the user base only, groups from the group search under the group base,
//! nesting and cycles resolved, posixGroup and groupOfUniqueNames members included.

use crate::ldap_source::{GROUPS, person, write_group_config};
use crate::support::slapd::{BASE_DN, READER_DN, READER_PASSWORD, Slapd, require_slapd};
use crate::support::{ldap2ftrack, run};
use serde_json::Value;
use std::path::Path;

const PEOPLE: &str = "ou=people,dc=studio,dc=test";

/// Users and groups as slapd holds them; `memberOf` is written the way the memberof overlay
/// would (direct groupOfNames memberships only), since overlays do not run in slapadd.
fn fixture() -> String {
    let mut ldif = [
        person(1, "ann", &format!("memberOf: cn=comp,{GROUPS}")),
        person(2, "bob", &format!("memberOf: cn=lead,{GROUPS}")),
        person(
            3,
            "cy",
            &format!("memberOf: cn=misc,{GROUPS}\nmemberOf: cn=elsewhere,ou=services,{BASE_DN}"),
        ),
        person(4, "dee", ""),
        person(5, "eve", ""),
        person(6, "fay", ""),
    ]
    .concat();
    // comp lists lead, lead lists fx, fx lists comp: a cycle. misc is not managed.
    ldif += &format!(
        "dn: cn=comp,{GROUPS}\nobjectClass: groupOfNames\ncn: comp\nmember: uid=ann,{PEOPLE}\nmember: cn=lead,{GROUPS}\n\n\
         dn: cn=lead,{GROUPS}\nobjectClass: groupOfNames\ncn: lead\nmember: cn=fx,{GROUPS}\nmember: uid=bob,{PEOPLE}\n\n\
         dn: cn=fx,{GROUPS}\nobjectClass: groupOfNames\ncn: fx\nmember: cn=comp,{GROUPS}\n\n\
         dn: cn=misc,{GROUPS}\nobjectClass: groupOfNames\ncn: misc\nmember: uid=cy,{PEOPLE}\n\n\
         dn: cn=render,{GROUPS}\nobjectClass: posixGroup\ncn: render\ngidNumber: 2001\nmemberUid: dee\n\n\
         dn: cn=supervisors,{GROUPS}\nobjectClass: groupOfUniqueNames\ncn: supervisors\nuniqueMember: uid=eve,{PEOPLE}\n\n\
         dn: cn=elsewhere,ou=services,{BASE_DN}\nobjectClass: groupOfNames\ncn: elsewhere\nmember: uid=cy,{PEOPLE}\n\n\
         dn: uid=svc,ou=services,{BASE_DN}\nobjectClass: inetOrgPerson\nuid: svc\ncn: Service\nsn: Service\nmail: svc@studio.test\n\n"
    );
    ldif
}

const MANAGED: &str = r#"
[groups.managed]
"cn=comp,ou=groups,dc=studio,dc=test" = "Compositing"
fx = "FX"
lead = "Leads"
render = "Render"
"cn=supervisors,ou=groups,dc=studio,dc=test" = "Supervisors"
"cn=elsewhere,ou=services,dc=studio,dc=test" = "Elsewhere"
"#;

/// bob is in Render (he is not) and in an unmanaged group; cy is in Compositing (she is not).
const FTRACK: &str = r#"{"users": [
  {"id": "f-bob", "username": "bob", "first_name": "First2", "last_name": "Person2",
   "email": "bob@studio.test", "is_active": true, "groups": ["Render", "Misc"]},
  {"id": "f-cy", "username": "cy", "first_name": "First3", "last_name": "Person3",
   "email": "cy@studio.test", "is_active": true, "groups": ["Compositing"]}
], "groups": [{"id": "g1", "name": "Render"}, {"id": "g2", "name": "Misc"},
              {"id": "g3", "name": "Compositing"}]}"#;

/// A config reading `server` with a group search, managing the groups above.
fn config(server: &Slapd, home: &Path) -> std::path::PathBuf {
    let config = write_group_config(server, home, MANAGED);
    std::fs::write(home.join("ftrack.json"), FTRACK).unwrap();
    config
}

/// The JSON plan, read live or from `ldif`.
fn plan(home: &Path, config: &Path, ldif: Option<&Path>) -> Value {
    let mut cmd = ldap2ftrack(home);
    cmd.arg("-c").arg(config);
    match ldif {
        Some(ldif) => crate::support::json_plan_with(&mut cmd, &["--ldif".as_ref(), ldif.as_ref()]),
        None => crate::support::json_plan(&mut cmd),
    }
}

/// The server's whole tree as `ldapsearch` exports it, operational attributes included.
fn export(server: &Slapd, home: &Path) -> std::path::PathBuf {
    let out = run(server.ldap_tool("ldapsearch").args([
        "-x",
        "-LLL",
        "-ZZ",
        "-H",
        &server.ldap_uri(),
        "-D",
        READER_DN,
        "-w",
        READER_PASSWORD,
        "-b",
        BASE_DN,
        "*",
        "+",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = home.join("export.ldif");
    std::fs::write(&file, out.stdout).unwrap();
    file
}

/// Each item's username, action and group changes, as `name action +added -removed`.
fn memberships(plan: &Value) -> Vec<String> {
    let names = |list: &Value, sign: char| -> String {
        let list = list.as_array().unwrap().iter();
        list.map(|g| format!(" {sign}{}", g.as_str().unwrap()))
            .collect()
    };
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {}{}{}",
                i["username"].as_str().unwrap(),
                i["action"].as_str().unwrap(),
                names(&i["groups"]["add"], '+'),
                names(&i["groups"]["remove"], '-')
            )
        })
        .collect()
}

#[test]
fn an_offline_plan_of_the_directory_gives_the_live_plans_memberships() {
    require_slapd();
    let fixture = fixture();
    let server = Slapd::start(&fixture);
    let home = tempfile::tempdir().unwrap();
    let config = config(&server, home.path());
    let live = plan(home.path(), &config, None);
    assert_eq!(
        memberships(&live),
        [
            "ann create +Compositing +FX +Leads",
            "dee create +Render",
            "eve create +Supervisors",
            "fay create",
            "bob update +Compositing +FX +Leads -Render",
            "cy update +Elsewhere -Compositing",
        ],
        "svc is outside the user base; misc is not managed"
    );
    assert!(
        live["missing_groups"].is_null(),
        "{}",
        live["missing_groups"]
    );
    let fixture_file = home.path().join("fixture.ldif");
    std::fs::write(&fixture_file, &fixture).unwrap();
    for ldif in [fixture_file, export(&server, home.path())] {
        let offline = plan(home.path(), &config, Some(&ldif));
        assert_eq!(
            memberships(&offline),
            memberships(&live),
            "{}",
            ldif.display()
        );
        assert_eq!(offline["items"], live["items"], "{}", ldif.display());
        assert_eq!(offline["inputs"], live["inputs"], "{}", ldif.display());
        assert_eq!(offline["warnings"], live["warnings"], "{}", ldif.display());
    }
}
