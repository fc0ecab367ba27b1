//! Incremental reads on a real Active Directory DC (Samba 4): `uSNChanged` against the DC's
//! `highestCommittedUSN`, read from the root DSE before the search. Between reads one user is
//! renamed, one added and one deleted; the read of changes holds the first two only. A watermark
//! from another DC, or above the DC's USN (a restore), means a full read.

use crate::active_directory::{ad_mapping, ad_user, settings};
use crate::support::samba::{PEOPLE_DN, SambaDc, UAC_ENABLED};
use ldap2ftrack::incremental::store::Watermarks;
use ldap2ftrack::incremental::watermark::ChangeMarker;
use ldap2ftrack::incremental::{Period, Schedule};
use ldap2ftrack::model::ReadScope;
use ldap2ftrack::source::ldap::changes::{ChangeRequest, ChangesRead};
use ldap2ftrack::source::ldap::{DirectoryRead, read_directory_changes};

const TODAY: jiff::civil::Date = jiff::civil::date(2024, 10, 4);

fn request(saved: Watermarks) -> ChangeRequest {
    ChangeRequest {
        saved,
        schedule: Schedule {
            full_every: Period::from_secs(24 * 3600),
            overlap: Period::from_secs(300),
        },
        now: jiff::Timestamp::now(),
        settings: "digest".into(),
    }
}

async fn read_changes(dc: &SambaDc, saved: Watermarks) -> DirectoryRead {
    read_directory_changes(
        &settings(dc),
        &ad_mapping(),
        TODAY,
        Some(&request(saved)),
        &mut |_| {},
    )
    .await
    .unwrap()
}

fn saved(
    changes: &ChangesRead,
    edit: impl FnOnce(&mut ldap2ftrack::incremental::Watermark),
) -> Watermarks {
    let mut watermark = changes.next.clone().expect("a USN watermark");
    edit(&mut watermark);
    let mut all = Watermarks::default();
    all.set(changes.key.clone(), watermark);
    all
}

fn logins(read: &DirectoryRead) -> Vec<String> {
    let mut logins: Vec<String> = read
        .snapshot
        .users
        .iter()
        .filter_map(|u| u.username.as_ref().map(|n| n.to_string()))
        .collect();
    logins.sort();
    logins
}

fn why_full(read: &DirectoryRead) -> String {
    match &read.snapshot.read {
        ReadScope::Full { why: Some(why) } => why.clone(),
        other => panic!("expected a full read, got {other:?}"),
    }
}

#[tokio::test]
async fn a_read_of_changes_follows_the_usn_of_the_same_domain_controller() {
    let people: String = ["ann", "bob", "cat"]
        .iter()
        .map(|login| ad_user(login, login, UAC_ENABLED, ""))
        .collect();
    let dc = SambaDc::start(&people);
    let first = read_changes(&dc, Watermarks::default()).await;
    assert!(why_full(&first).contains("no watermark"));
    assert_eq!(logins(&first), ["ann", "bob", "cat"]);
    let changes = first.changes.clone().unwrap();
    assert_eq!(changes.key.base, PEOPLE_DN);
    let mark = changes.next.clone().unwrap();
    assert_eq!(mark.marker, ChangeMarker::UsnChanged);
    let usn: u64 = mark.value.parse().unwrap();
    assert!(usn > 0);
    let server = mark.server.clone().unwrap();
    assert!(
        server.contains("NTDS Settings") && server.contains("invocation"),
        "{server}"
    );

    dc.samba_tool(&["user", "rename", "ann", "--surname=Changed"]);
    dc.samba_tool(&[
        "user",
        "add",
        "eve",
        "Eve-secret-2026",
        "--userou=OU=People",
        "--given-name=Eve",
        "--surname=Five",
    ]);
    dc.samba_tool(&["user", "delete", "bob"]);

    let changed = read_changes(&dc, saved(&changes, |_| {})).await;
    assert_eq!(
        changed.snapshot.read,
        ReadScope::Changed {
            marker: "uSNChanged".into(),
            since: format!("USN {usn}"),
        }
    );
    assert_eq!(logins(&changed), ["ann", "eve"]);
    let next = changed.changes.unwrap().next.unwrap();
    assert!(next.value.parse::<u64>().unwrap() > usn, "{next:?}");
    assert_eq!(next.last_full, mark.last_full);

    let elsewhere = read_changes(&dc, saved(&changes, |w| w.server = Some("CN=DC9".into()))).await;
    assert!(why_full(&elsewhere).contains("another domain controller"));
    assert_eq!(logins(&elsewhere), ["ann", "cat", "eve"]);
    let restored = read_changes(&dc, saved(&changes, |w| w.value = "999999999".into())).await;
    assert!(why_full(&restored).contains("lower than the watermark"));
}
