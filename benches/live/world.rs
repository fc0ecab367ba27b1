//! The studio both sides hold: a directory of people in groups, the ftrack users a past sync
//! made of them (some changed since, some only in ftrack), and the links between the two.

use ldap2ftrack::model::{FtrackSnapshot, FtrackUser};
use ldap2ftrack::state::{LinkRecord, StateDir};
use std::fmt::Write as _;
use std::path::Path;

/// Where the people are.
pub const PEOPLE: &str = "ou=people,dc=studio,dc=test";
/// Where the groups are.
const GROUP_BASE: &str = "ou=groups,dc=studio,dc=test";
/// Directory groups; each person is in one to three of them.
const GROUPS: usize = 500;
/// ftrack groups; each ftrack user is in one of them.
const FTRACK_GROUPS: usize = 50;

/// The directory entry's `entryUUID` of person `n`.
pub fn directory_id(n: usize) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

/// The ftrack id of person `n` (ftrack-only users continue the numbering).
fn ftrack_id(n: usize) -> String {
    format!("{n:08x}-0000-4000-9000-{n:012x}")
}

/// The login of person `n`.
fn login(n: usize) -> String {
    format!("artist{n:06}")
}

/// The groups person `n` is in.
fn groups_of(n: usize) -> impl Iterator<Item = usize> {
    (0..1 + n % 3).map(move |k| (n * 7 + k * 131) % GROUPS)
}

/// One person's entry, `memberOf` written (slapadd runs no overlay), as LDIF.
fn write_person(ldif: &mut String, n: usize, last_name: &str) {
    let (uid, uuid) = (login(n), directory_id(n));
    let _ = write!(
        ldif,
        "dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nentryUUID: {uuid}\nuid: {uid}\ncn: Artist {n}\nsn: {last_name}\ngivenName: Artist\nmail: {uid}@studio.test\n"
    );
    for g in groups_of(n) {
        let _ = writeln!(ldif, "memberOf: cn=group{g:03},{GROUP_BASE}");
    }
    ldif.push('\n');
}

/// The people in `people` as LDIF, then the groups listing them.
pub fn directory_ldif(people: impl Iterator<Item = usize> + Clone) -> String {
    let mut ldif = String::new();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); GROUPS];
    for n in people {
        write_person(&mut ldif, n, &format!("Number{n}"));
        groups_of(n).for_each(|g| members[g].push(n));
    }
    for (g, people) in members.iter().enumerate() {
        let _ = write!(
            ldif,
            "dn: cn=group{g:03},{GROUP_BASE}\nobjectClass: groupOfNames\ncn: group{g:03}\n"
        );
        for n in people {
            let _ = writeln!(ldif, "member: uid={},{PEOPLE}", login(*n));
        }
        ldif.push('\n');
    }
    ldif
}

/// Person `n` as ftrack holds it: as the directory has it, or with an older last name.
fn ftrack_user(n: usize, changed: bool) -> FtrackUser {
    FtrackUser {
        id: ftrack_id(n).into(),
        username: login(n).into(),
        first_name: "Artist".to_string(),
        last_name: if changed {
            format!("Formerly{n}")
        } else {
            format!("Number{n}")
        },
        email: Some(format!("{}@studio.test", login(n))),
        is_active: true,
        groups: vec![format!("Team {:02}", n % FTRACK_GROUPS)],
        ..FtrackUser::default()
    }
}

/// ftrack users: persons in `present` (those with `changed(n)` behind the directory), and
/// `only` more users numbered from `first_only` that the directory does not hold.
pub fn ftrack_snapshot(
    present: impl Iterator<Item = usize>,
    changed: impl Fn(usize) -> bool,
    first_only: usize,
    only: usize,
) -> FtrackSnapshot {
    let users = present
        .map(|n| ftrack_user(n, changed(n)))
        .chain((first_only..first_only + only).map(|n| ftrack_user(n, false)))
        .collect();
    FtrackSnapshot {
        users,
        ..FtrackSnapshot::default()
    }
}

/// Writes the links a past sync recorded, between persons in `linked` and their ftrack users,
/// into the state directory `dir`.
pub fn write_links(dir: &Path, linked: impl Iterator<Item = usize>) {
    let records = linked
        .map(|n| LinkRecord {
            directory_id: directory_id(n).into(),
            ftrack_id: ftrack_id(n).into(),
            username: Some(login(n).into()),
        })
        .collect();
    StateDir::at(dir)
        .save_links(records)
        .expect("the links are written");
}
