//! A managed group the directory does not hold, end to end: the real binary reads slapd with a
//! group search and applies to the sandbox; nobody leaves that group's ftrack group, and the
//! plan says why. A managed group the directory holds but nobody is in is emptied as usual.

use crate::ldap_source::{GROUPS, person, write_group_config};
use crate::support::cli_sandbox::CliSandbox;
use crate::support::run;
use crate::support::slapd::{Slapd, require_slapd};
use ldap2ftrack::model::{FtrackSnapshot, FtrackUser};

const GONE: &str = "cn=gone,ou=groups,dc=studio,dc=test";

/// ann is in comp; the directory has an `empty` group (listing no user) and no `gone` group.
fn fixture() -> String {
    let mut ldif = person(1, "ann", &format!("memberOf: cn=comp,{GROUPS}"));
    ldif += &person(2, "bob", "");
    ldif += &format!(
        "dn: cn=comp,{GROUPS}\nobjectClass: groupOfNames\ncn: comp\nmember: uid=ann,ou=people,dc=studio,dc=test\n\n\
         dn: cn=empty,{GROUPS}\nobjectClass: groupOfNames\ncn: empty\nmember: cn=nobody,{GROUPS}\n\n"
    );
    ldif
}

/// The managed groups: Lighting's directory group is the one the directory lacks.
fn managed() -> String {
    format!(
        "\n[groups.managed]\n\"cn=comp,{GROUPS}\" = \"Compositing\"\n\"{GONE}\" = \"Lighting\"\n\"cn=empty,{GROUPS}\" = \"Empty\"\n"
    )
}

/// ann and bob as the directory has them, both in Lighting and Empty.
fn ftrack_user(n: u32, username: &str) -> FtrackUser {
    FtrackUser {
        id: format!("f-{username}").into(),
        username: username.into(),
        first_name: format!("First{n}"),
        last_name: format!("Person{n}"),
        email: Some(format!("{username}@studio.test")),
        is_active: true,
        groups: vec!["Lighting".into(), "Empty".into()],
        ..Default::default()
    }
}

fn groups_of(ftrack: &FtrackSnapshot, username: &str) -> Vec<String> {
    let user = ftrack
        .users
        .iter()
        .find(|u| u.username.as_str() == username);
    user.unwrap_or_else(|| panic!("{username} is in ftrack"))
        .groups
        .clone()
}

#[test]
fn a_managed_group_missing_from_the_directory_loses_no_member() {
    require_slapd();
    let server = Slapd::start(&fixture());
    let home = tempfile::tempdir().unwrap();
    let config = write_group_config(&server, home.path(), &managed());
    let studio = FtrackSnapshot {
        users: vec![ftrack_user(1, "ann"), ftrack_user(2, "bob")],
        ..FtrackSnapshot::default()
    };
    let sandbox = CliSandbox::start(&studio, "sync");
    let sync = |args: &[&str]| {
        run(sandbox
            .ldap2ftrack(home.path())
            .arg("-c")
            .arg(&config)
            .args(args))
    };
    let warning = format!(
        "warning: managed groups not found in the directory: \"{GONE}\" (ftrack group \"Lighting\"); nobody is removed from those ftrack groups this run"
    );
    let text = sync(&["plan"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains(&warning), "{}", text.stdout);
    assert!(
        text.stdout.contains("groups: +Compositing -Empty\n")
            && text.stdout.contains("groups: -Empty\n")
            && !text.stdout.contains("-Lighting"),
        "{}",
        text.stdout
    );
    let json = sync(&["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        plan["missing_groups"],
        serde_json::json!([{"directory": GONE, "ftrack": "Lighting"}])
    );
    assert_eq!(plan["inputs"]["directory_complete"], true);
    let applied = sync(&["-q", "apply", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(applied.stderr.contains(&warning), "{}", applied.stderr);
    let ftrack = sandbox.snapshot();
    assert_eq!(groups_of(&ftrack, "ann"), ["Compositing", "Lighting"]);
    assert_eq!(groups_of(&ftrack, "bob"), ["Lighting"]);
}
