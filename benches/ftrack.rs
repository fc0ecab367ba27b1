//! Client and sandbox benchmark: reading 100,000 users and creating 10,000, over real HTTP on
//! 127.0.0.1, printing time and request counts.

use ldap2ftrack::ftrack::batch::{OnDuplicate, write_in_batches};
use ldap2ftrack::ftrack::client::{
    DEFAULT_CONCURRENCY, FtrackClient, RetryPolicy, install_crypto_provider,
};
use ldap2ftrack::ftrack::read::read_snapshot;
use ldap2ftrack::ftrack::wire::Operation;
use ldap2ftrack::model::{FtrackSnapshot, FtrackUser};
use ldap2ftrack::sandbox::faults::Faults;
use ldap2ftrack::sandbox::seed::seed;
use ldap2ftrack::sandbox::server::{Credentials, RunningSandbox, start};
use ldap2ftrack::sandbox::store::Store;
use secrecy::SecretString;
use std::time::{Duration, Instant};

// The allocator of the binary, which serves the sandbox as well.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const READ_USERS: usize = 100_000;
const CREATE_USERS: usize = 10_000;
const BATCH_SIZE: usize = 100;
const LATENCY_MS: u64 = 50;

fn users(n: usize) -> FtrackSnapshot {
    let users = (0..n)
        .map(|i| FtrackUser {
            id: format!("{i:08x}-0000-4000-8000-000000000000").into(),
            username: format!("artist{i}").into(),
            first_name: format!("First{i}"),
            last_name: format!("Last{i}"),
            email: Some(format!("artist{i}@studio.example")),
            is_active: i % 10 != 0,
            groups: if i % 4 == 0 {
                vec!["Compositing".to_string()]
            } else {
                Vec::new()
            },
            user_type: None,
            ..Default::default()
        })
        .collect();
    FtrackSnapshot {
        users,
        groups: Vec::new(),
        ..Default::default()
    }
}

fn bench_client(url: &str) -> FtrackClient {
    FtrackClient::new(
        url,
        "bench",
        SecretString::from("bench-key".to_string()),
        Duration::from_secs(300),
    )
    .expect("client builds")
}

/// Reads every user and prints the time and requests it took.
async fn read_all_users(client: &FtrackClient, gzip: bool) {
    let started = Instant::now();
    let snapshot = read_snapshot(client).await.expect("read succeeds");
    let read_time = started.elapsed();
    assert_eq!(snapshot.users.len(), READ_USERS + 1, "and the API user");
    println!(
        "read {} users ({} with groups), {} pages at once{}, in {:.2} s with {} requests",
        snapshot.users.len(),
        snapshot
            .users
            .iter()
            .filter(|u| !u.groups.is_empty())
            .count(),
        client.concurrency(),
        if gzip { ", gzip" } else { "" },
        read_time.as_secs_f64(),
        client.requests()
    );
}

/// Adds `ms` milliseconds to every later request of the sandbox, which compresses its
/// answers for clients that accept gzip when `gzip` is set.
async fn set_latency(sandbox: &RunningSandbox, ms: u64, gzip: bool) {
    install_crypto_provider();
    reqwest::Client::new()
        .post(format!("{}/sandbox/faults", sandbox.url))
        .header("ftrack-user", "bench")
        .header("ftrack-api-key", "bench-key")
        .json(&Faults {
            latency_ms: ms,
            gzip,
            ..Faults::default()
        })
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("the sandbox takes the faults");
}

async fn requests(sandbox: &RunningSandbox) -> u64 {
    install_crypto_provider();
    let stats: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/sandbox/stats", sandbox.url))
        .header("ftrack-user", "bench")
        .header("ftrack-api-key", "bench-key")
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("stats answer")
        .json()
        .await
        .expect("stats are JSON");
    stats["requests"].as_u64().unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut store = Store::new();
    let seeded = Instant::now();
    seed(&mut store, &users(READ_USERS)).expect("seed loads");
    println!(
        "seeded {READ_USERS} users in {:.2} s",
        seeded.elapsed().as_secs_f64()
    );
    let credentials = Credentials {
        api_user: "bench".into(),
        api_key: "bench-key".into(),
    };
    let sandbox = start(
        "127.0.0.1:0".parse().unwrap(),
        credentials,
        store,
        Faults::default(),
    )
    .await
    .expect("sandbox starts");
    for latency in [0, LATENCY_MS] {
        if latency > 0 {
            // Network latency is where reading pages at once pays.
            println!("with {latency} ms latency per request:");
        }
        for (concurrency, gzip) in [
            (1, false),
            (4, false),
            (DEFAULT_CONCURRENCY, false),
            (DEFAULT_CONCURRENCY, true),
        ] {
            set_latency(&sandbox, latency, gzip).await;
            let client = bench_client(&sandbox.url)
                .with_concurrency(concurrency)
                .with_gzip(gzip);
            read_all_users(&client, gzip).await;
        }
    }
    set_latency(&sandbox, 0, false).await;
    let read_requests = requests(&sandbox).await;
    let client = bench_client(&sandbox.url);

    let operations: Vec<Operation> = (0..CREATE_USERS)
        .map(|i| {
            let data = serde_json::json!({"__entity_type__": "User", "id": format!("new-{i}"), "username": format!("new{i}"),
                "first_name": "New", "last_name": "Hire", "email": format!("new{i}@studio.example"), "is_active": true});
            let serde_json::Value::Object(entity_data) = data else { unreachable!() };
            Operation::Create { entity_type: "User".into(), entity_key: None, entity_data }
        })
        .collect();
    let started = Instant::now();
    let outcomes = write_in_batches(
        &client,
        &operations,
        BATCH_SIZE,
        RetryPolicy::default(),
        OnDuplicate::Split,
    )
    .await;
    let write_time = started.elapsed();
    let write_requests = requests(&sandbox).await - read_requests;
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    assert_eq!(failed, 0, "every create succeeds");
    let budget = CREATE_USERS.div_ceil(BATCH_SIZE) + 5;
    println!(
        "created {CREATE_USERS} users in {:.2} s with {write_requests} requests (target: at most {budget}: {})",
        write_time.as_secs_f64(),
        if write_requests as usize <= budget {
            "OK"
        } else {
            "MISSED"
        }
    );
    sandbox.stop().await;
}
