//! Reading user custom attributes from the sandbox over real HTTP: the user configurations,
//! every user's values of the configured keys across pages, and nothing of them when no key
//! is configured.

use crate::ftrack_client::{client, counters, sandbox_with};
use ldap2ftrack::custom::CustomAttribute;
use ldap2ftrack::ftrack::planning::{PlanningReads, read_for_planning};
use ldap2ftrack::model::{FtrackSnapshot, FtrackUser};
use ldap2ftrack::sandbox::faults::Faults;
use std::collections::BTreeMap;

fn attribute(key: &str, kind: &str) -> CustomAttribute {
    CustomAttribute {
        id: format!("c-{key}"),
        key: key.into(),
        label: format!("The {key}"),
        kind: kind.into(),
    }
}

/// 1200 users; every third has a phone, every fifth an employee number.
fn studio() -> FtrackSnapshot {
    let users = (0..1200)
        .map(|n| {
            let mut custom = BTreeMap::new();
            if n % 3 == 0 {
                custom.insert("phone".to_string(), format!("+46 {n}"));
            }
            if n % 5 == 0 {
                custom.insert("employee_id".to_string(), n.to_string());
            }
            FtrackUser {
                id: format!("{n:08}").into(),
                username: format!("user{n}").into(),
                is_active: true,
                custom,
                ..FtrackUser::default()
            }
        })
        .collect();
    FtrackSnapshot {
        users,
        custom_attributes: vec![
            attribute("phone", "text"),
            attribute("locale", "text"),
            attribute("employee_id", "number"),
        ],
        ..FtrackSnapshot::default()
    }
}

#[tokio::test]
async fn configured_keys_are_read_for_every_user_across_pages() {
    let sandbox = sandbox_with(&studio(), Faults::default()).await;
    // One page at a time, so that no page is asked for past the end and queries can be counted.
    let client = client(&sandbox.url, "key").with_concurrency(1);
    let reads = PlanningReads {
        custom_attributes: ["phone", "employee_id", "fax"].map(String::from).to_vec(),
        ..PlanningReads::default()
    };
    let before = counters(&sandbox).await["operations"]["query"]
        .as_u64()
        .unwrap_or(0);
    let read = read_for_planning(&client, &reads).await.unwrap();
    let queries = counters(&sandbox).await["operations"]["query"]
        .as_u64()
        .unwrap();
    // Groups, two pages of users, the configurations, two pages per key ftrack has.
    assert_eq!(queries - before, 1 + 2 + 1 + 2 + 2);
    let mut configured = studio().custom_attributes;
    configured.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(read.custom_attributes, configured, "ordered by id");
    let user = |n: usize| {
        let id = format!("{n:08}");
        let found = read.users.iter().find(|u| u.id.as_str() == id);
        found.expect("the user is read").custom.clone()
    };
    let both = BTreeMap::from([
        ("employee_id".to_string(), "15".to_string()),
        ("phone".to_string(), "+46 15".to_string()),
    ]);
    assert_eq!(user(15), both);
    // Dense rows: a text attribute never set reads as its default, a number one as nothing.
    let unset = BTreeMap::from([("phone".to_string(), String::new())]);
    assert_eq!(user(1), unset);
    assert_eq!(user(1100)["employee_id"], "1100");
    assert!(read.users.iter().all(|u| !u.custom.contains_key("locale")));
    sandbox.stop().await;
}

#[tokio::test]
async fn nothing_of_custom_attributes_is_read_without_keys() {
    let sandbox = sandbox_with(&studio(), Faults::default()).await;
    // One page at a time, so that no page is asked for past the end and queries can be counted.
    let client = client(&sandbox.url, "key").with_concurrency(1);
    let read = read_for_planning(&client, &PlanningReads::default())
        .await
        .unwrap();
    assert!(read.custom_attributes.is_empty());
    assert!(read.users.iter().all(|u| u.custom.is_empty()));
    let stats = counters(&sandbox).await;
    assert_eq!(
        stats["operations"]["query"], 3,
        "groups and two user pages: {stats}"
    );
    sandbox.stop().await;
}
