//! Apply benchmark: 10,000 creates, 10,000 updates and 1,000 deactivations sent to the sandbox
//! over real HTTP on 127.0.0.1, each created or updated user also given a security role by a
//! role rule; prints wall time and requests. Every operation sent is a change (a role grant is
//! two: the role, then where it applies). Runs at the default concurrency are held to the
//! targets: at most changes / (batch_size - 2) + 10 requests (batches hold whole users, at
//! most 3 operations each here) and, with 50 ms added to every request, at most 3x the calm
//! time. One batch at a time is shown for comparison (at most changes / batch_size + 10
//! requests). Run with `cargo bench --bench apply`.

use ldap2ftrack::access::{RoleKind, RoleScope, SecurityRole};
use ldap2ftrack::apply::engine::{ApplyListener, ApplyOptions, apply_plan};
use ldap2ftrack::apply::outcome::{RunInfo, RunMode};
use ldap2ftrack::ftrack::client::{DEFAULT_CONCURRENCY, FtrackClient, install_crypto_provider};
use ldap2ftrack::model::{DirectorySnapshot, DirectoryUser, FtrackSnapshot, FtrackUser, Links};
use ldap2ftrack::reconcile::decision::{Approval, ApprovedPlan, Decisions, approve};
use ldap2ftrack::reconcile::policy::{MaxDeactivate, RoleGrant, RolePolicy, RoleRule};
use ldap2ftrack::reconcile::{Policy, Scope, compute_plan};
use ldap2ftrack::sandbox::faults::Faults;
use ldap2ftrack::sandbox::seed::seed;
use ldap2ftrack::sandbox::server::{Credentials, start};
use ldap2ftrack::sandbox::store::Store;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const CREATES: usize = 10_000;
const UPDATES: usize = 10_000;
const DEACTIVATIONS: usize = 1_000;
const BATCH_SIZE: usize = 100;

fn person(n: usize) -> DirectoryUser {
    DirectoryUser {
        id: format!("dir-{n}").into(),
        dn: format!("uid=artist{n},ou=people,dc=studio,dc=test").into(),
        username: Some(format!("artist{n}").into()),
        email: Some(format!("artist{n}@studio.test")),
        first_name: Some(format!("Artist{n}")),
        last_name: Some("Studio".to_string()),
        display_name: None,
        groups: vec!["artists".into()],
        active: true,
        disabled_reason: None,
        problems: Vec::new(),
        custom: Default::default(),
    }
}

/// ftrack holds the users to update (an old last name) and to deactivate, all linked.
fn studio() -> (DirectorySnapshot, FtrackSnapshot, Links) {
    let mut links = Links::new();
    let mut ftrack = Vec::new();
    for n in 0..UPDATES + DEACTIVATIONS {
        let id = format!("{n:08x}-0000-4000-8000-000000000000");
        links.insert(format!("dir-{n}").into(), id.clone().into());
        ftrack.push(FtrackUser {
            id: id.into(),
            username: format!("artist{n}").into(),
            first_name: format!("Artist{n}"),
            last_name: "Old Name".to_string(),
            email: Some(format!("artist{n}@studio.test")),
            is_active: true,
            ..FtrackUser::default()
        });
    }
    let users = (0..UPDATES)
        .chain(UPDATES + DEACTIVATIONS..UPDATES + DEACTIVATIONS + CREATES)
        .map(person)
        .collect();
    let directory = DirectorySnapshot {
        users,
        complete: true,
        warnings: Vec::new(),
        incomplete: Vec::new(),
        groups_found: None,
        read: Default::default(),
    };
    let role = |id: &str, name: &str| SecurityRole {
        id: id.into(),
        name: name.into(),
        kind: RoleKind::Project,
    };
    let ftrack = FtrackSnapshot {
        users: ftrack,
        groups: Vec::new(),
        security_roles: vec![
            role("role-user", "User"),
            role("role-pm", "Project Manager"),
        ],
        ..Default::default()
    };
    (directory, ftrack, links)
}

struct Quiet;
impl ApplyListener for Quiet {}

fn main() {
    install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (directory, ftrack, links) = studio();
    let policy = Policy {
        max_deactivate: MaxDeactivate::Count(DEACTIVATIONS as u64),
        roles: RolePolicy {
            rules: vec![RoleRule {
                group: "artists".into(),
                grant: RoleGrant {
                    role: "Project Manager".into(),
                    scope: RoleScope::AllOpenProjects,
                },
            }],
            ..RolePolicy::default()
        },
        ..Policy::default()
    };
    let plan = compute_plan(&directory, &ftrack, &links, &policy, &Scope::default());
    let s = plan.summary;
    assert_eq!(
        (s.create, s.update, s.deactivate),
        (CREATES, UPDATES, DEACTIVATIONS),
        "{s:?}"
    );
    let role_changes: usize = plan.items.iter().map(|i| i.roles.len()).sum();
    assert_eq!(
        role_changes,
        CREATES + UPDATES,
        "a role per created or updated user"
    );
    // Each user change is one operation, each role grant two (the role, then all open projects).
    let changes = s.create + s.update + s.deactivate + 2 * role_changes;
    let approved = approve(plan, &Decisions::default(), Approval::Automatic);
    let target = changes.div_ceil(BATCH_SIZE) + 10;
    // Several batches at once hold whole users (a user's operations never wait on another
    // batch): with at most 3 operations a user here, a batch holds at least BATCH_SIZE - 2.
    let whole_users_target = changes.div_ceil(BATCH_SIZE - 2) + 10;
    println!(
        "{CREATES} creates + {UPDATES} updates + {DEACTIVATIONS} deactivations + {role_changes} role grants ({changes} operations); targets at the default concurrency ({DEFAULT_CONCURRENCY}): at most {whole_users_target} requests, and with 50 ms latency at most 3x the time without; one batch at a time for comparison (at most {target} requests)"
    );
    for concurrency in [1, DEFAULT_CONCURRENCY] {
        let most = if concurrency == 1 {
            target
        } else {
            whole_users_target
        };
        let calm = apply_once(&runtime, &approved, &ftrack, concurrency, 0);
        let slow = apply_once(&runtime, &approved, &ftrack, concurrency, 50);
        for (latency, (elapsed, requests)) in [(0, calm), (50, slow)] {
            println!(
                "concurrency {concurrency}, latency {latency:>2} ms: {:>6.2} s, {requests} requests ({})",
                elapsed.as_secs_f64(),
                if requests <= most { "OK" } else { "MISSED" }
            );
        }
        let ratio = slow.0.as_secs_f64() / calm.0.as_secs_f64();
        let verdict = match (concurrency, ratio <= 3.0) {
            (1, _) => "for comparison",
            (_, true) => "OK",
            (_, false) => "MISSED",
        };
        println!(
            "concurrency {concurrency}: 50 ms latency takes {ratio:.1}x the time without ({verdict})"
        );
    }
}

/// Applies the plan to a fresh sandbox seeded with `ftrack`, adding `latency_ms` to every
/// request; the wall time and requests.
fn apply_once(
    runtime: &tokio::runtime::Runtime,
    approved: &ApprovedPlan,
    ftrack: &FtrackSnapshot,
    concurrency: usize,
    latency_ms: u64,
) -> (Duration, usize) {
    let mut store = Store::new();
    seed(&mut store, ftrack).unwrap();
    let credentials = Credentials {
        api_user: "bench".into(),
        api_key: "bench-key".into(),
    };
    let faults = Faults {
        latency_ms,
        ..Faults::default()
    };
    let sandbox = runtime
        .block_on(start(
            "127.0.0.1:0".parse().unwrap(),
            credentials,
            store,
            faults,
        ))
        .unwrap();
    let client = FtrackClient::new(
        &sandbox.url,
        "bench",
        "bench-key".to_string().into(),
        Duration::from_secs(120),
    )
    .unwrap()
    .with_concurrency(concurrency);
    let options = ApplyOptions {
        batch_size: BATCH_SIZE,
        concurrency,
        exact: false,
        protected: Vec::new(),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let started = Instant::now();
    let applied = runtime.block_on(apply_plan(
        approved,
        &client,
        &options,
        &mut Quiet,
        RunInfo::start(RunMode::Apply, &sandbox.url, "bench", "synthetic"),
    ));
    let elapsed = started.elapsed();
    let o = applied.outcome.summary;
    assert_eq!(
        (o.created, o.updated, o.deactivated, o.failed),
        (CREATES, UPDATES, DEACTIVATIONS, 0),
        "{o:?}"
    );
    let requests = client.requests();
    runtime.block_on(sandbox.stop());
    (elapsed, requests)
}
