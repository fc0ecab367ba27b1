//! Reading pages at once: the snapshot is the one a sequential read gives.

use crate::ftrack_client::{client, sandbox_with};
use ldap2ftrack::ftrack::read::{PAGE_SIZE, read_snapshot};
use ldap2ftrack::model::{FtrackGroup, FtrackSnapshot, FtrackUser};
use ldap2ftrack::sandbox::faults::Faults;

const GROUPS: [&str; 5] = ["Anim", "Comp", "FX", "Lighting", "Rigging"];

/// `count` users, each in a few of the groups chosen from its number, some inactive.
fn studio(count: usize) -> FtrackSnapshot {
    let users = (0..count)
        .map(|n| FtrackUser {
            id: format!("{n:08}").into(),
            username: format!("user{n}").into(),
            first_name: format!("First{n}"),
            last_name: "L".into(),
            email: (n % 4 != 0).then(|| format!("user{n}@studio.example")),
            is_active: n % 7 != 0,
            groups: GROUPS
                .iter()
                .enumerate()
                .filter(|(g, _)| n % (g + 2) == 0)
                .map(|(_, name)| name.to_string())
                .collect(),
            user_type: Some("user".into()),
            ..Default::default()
        })
        .collect();
    let groups = GROUPS
        .iter()
        .enumerate()
        .map(|(g, name)| FtrackGroup {
            id: format!("group-{g}"),
            name: name.to_string(),
        })
        .collect();
    FtrackSnapshot {
        users,
        groups,
        ..Default::default()
    }
}

/// The snapshot read with `concurrency` pages in flight, and the requests it took.
async fn read_with(url: &str, concurrency: usize) -> (FtrackSnapshot, usize) {
    let client = client(url, "key").with_concurrency(concurrency);
    let snapshot = read_snapshot(&client).await.expect("read succeeds");
    (snapshot, client.requests())
}

/// Reads `studio(count)` (plus the API user) with 1, 4 and 7 pages in flight under `faults`
/// and checks that every read gives the same snapshot, in the same order, holding every user.
async fn reads_agree(count: usize, faults: Faults) {
    let seeded = studio(count);
    let sandbox = sandbox_with(&seeded, faults).await;
    let (sequential, sequential_requests) = read_with(&sandbox.url, 1).await;
    assert_eq!(sequential.users.len(), count + 1, "and the API user");
    assert_eq!(sequential.groups.len(), GROUPS.len());
    let with_groups = |s: &FtrackSnapshot| s.users.iter().filter(|u| !u.groups.is_empty()).count();
    assert_eq!(with_groups(&sequential), with_groups(&seeded));
    for concurrency in [4, 7] {
        let (read, requests) = read_with(&sandbox.url, concurrency).await;
        assert_eq!(read, sequential, "{concurrency} pages in flight");
        // Each of the two reads (users, groups) asks for at most concurrency - 1 pages past the end.
        assert!(
            requests <= sequential_requests + 2 * (concurrency - 1),
            "{requests} requests with {concurrency} in flight, {sequential_requests} sequentially"
        );
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn pages_read_at_once_give_the_sequential_snapshot() {
    // 4,501 rows: five pages, the last short, a count that neither 4 nor 7 divides.
    reads_agree(4 * PAGE_SIZE as usize + 500, Faults::default()).await;
}

#[tokio::test]
async fn pages_read_at_once_give_the_sequential_snapshot_when_the_last_page_is_full() {
    // 4,000 rows: four full pages.
    reads_agree(4 * PAGE_SIZE as usize - 1, Faults::default()).await;
}

#[tokio::test]
async fn pages_finishing_out_of_order_give_the_sequential_snapshot() {
    // Latency keeps several pages in flight; refused requests are retried at once, so a
    // retried page finishes after the pages asked for after it.
    let faults: Faults = "latency=20ms,error_rate=0.15,error_status=503,retry_after=0,seed=11"
        .parse()
        .expect("faults parse");
    reads_agree(3 * PAGE_SIZE as usize + 200, faults).await;
}

#[tokio::test]
async fn a_read_of_one_page_asks_for_no_other() {
    let sandbox = sandbox_with(&studio(10), Faults::default()).await;
    let (read, requests) = read_with(&sandbox.url, 7).await;
    assert_eq!(read.users.len(), 10 + 1, "and the API user");
    assert_eq!(requests, 2, "one page of groups and one of users");
    sandbox.stop().await;
}
