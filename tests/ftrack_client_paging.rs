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
        // Each of the two reads (users, groups) asks for at most 2 x concurrency - 1 pages past
        // the end: pages answered early wait while as many again go out.
        assert!(
            requests <= sequential_requests + 2 * (2 * concurrency - 1),
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

/// Groups a server holds when it pages by its own step, whatever limit is asked for.
const CAPPED_GROUPS: u64 = 1000;
/// The most rows that server answers a query with.
const CAPPED_STEP: u64 = 300;

/// The `offset` and `limit` at the end of a query expression.
fn offset_and_limit(expression: &str) -> (u64, u64) {
    let words: Vec<&str> = expression.split_whitespace().collect();
    let number = |keyword: &str| {
        let at = words.iter().rposition(|w| *w == keyword).expect(keyword);
        words[at + 1].parse::<u64>().expect("a whole number")
    };
    (number("offset"), number("limit"))
}

/// One page of groups from a server that answers at most `CAPPED_STEP` rows a query.
async fn capped_page(
    axum::Json(operations): axum::Json<Vec<serde_json::Value>>,
) -> axum::Json<serde_json::Value> {
    let expression = operations[0]["expression"].as_str().expect("a query");
    let (offset, limit) = offset_and_limit(expression);
    let end = (offset + limit.min(CAPPED_STEP)).min(CAPPED_GROUPS);
    let data: Vec<serde_json::Value> = (offset..end)
        .map(|n| serde_json::json!({"__entity_type__": "Group", "id": format!("{n:04}"), "name": format!("g{n}")}))
        .collect();
    let next = (end < CAPPED_GROUPS).then_some(end);
    axum::Json(
        serde_json::json!([{"action": "query", "data": data, "metadata": {"next": {"offset": next}}}]),
    )
}

#[tokio::test]
async fn a_server_paging_by_a_smaller_step_is_followed_without_gaps() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/api", axum::routing::post(capped_page));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let groups = ldap2ftrack::ftrack::read::read_groups(&client(&url, "key").with_concurrency(4))
        .await
        .expect("read succeeds");
    let ids: Vec<String> = groups.into_iter().map(|g| g.id).collect();
    let expected: Vec<String> = (0..CAPPED_GROUPS).map(|n| format!("{n:04}")).collect();
    assert_eq!(ids, expected);
    server.abort();
}

/// The `content-encoding` of the sandbox's answer to a one-page query, asking for `encoding`.
async fn answer_encoding(url: &str, encoding: &str) -> Option<String> {
    ldap2ftrack::ftrack::client::install_crypto_provider();
    let response = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("a client")
        .post(format!("{url}/api"))
        .header("ftrack-user", "api")
        .header("ftrack-api-key", "key")
        .header("accept-encoding", encoding)
        .body(r#"[{"action": "query", "expression": "select id from User limit 1"}]"#)
        .send()
        .await
        .expect("the sandbox answers");
    let header = response.headers().get("content-encoding");
    header.and_then(|v| v.to_str().ok()).map(str::to_string)
}

#[tokio::test]
async fn compressed_answers_give_the_same_snapshot_and_identity_asks_for_none() {
    let seeded = studio(2 * PAGE_SIZE as usize + 10);
    let plain = sandbox_with(&seeded, Faults::default()).await;
    let compressing = sandbox_with(&seeded, "gzip=1".parse().expect("faults parse")).await;
    assert_eq!(answer_encoding(&plain.url, "gzip").await, None);
    assert_eq!(
        answer_encoding(&compressing.url, "gzip").await.as_deref(),
        Some("gzip")
    );
    assert_eq!(answer_encoding(&compressing.url, "identity").await, None);
    let identity = client(&compressing.url, "key").with_gzip(false);
    let expected = read_snapshot(&identity).await.expect("read succeeds");
    assert_eq!(
        expected.users.len(),
        seeded.users.len() + 1,
        "and the API user"
    );
    let (gzipped, _) = read_with(&compressing.url, 4).await;
    assert_eq!(gzipped, expected);
    plain.stop().await;
    compressing.stop().await;
}
