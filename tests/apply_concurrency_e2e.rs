//! Batches in flight together, end to end: with `[ftrack] concurrency` above one the batches
//! of a phase overlap at the server and phases never do; with one, no two requests ever
//! overlap; a throttling ftrack gets fewer batches at once and ends as a calm one does.

use crate::apply_e2e::{World, people};
use crate::support::run;
use ldap2ftrack::sandbox::traffic::{Span, Traffic};
use serde_json::Value;

/// The demo world with small batches, so that each phase has several.
fn world(faults: &str, concurrency: usize) -> World {
    World::with_seed(
        faults,
        &format!("[ftrack]\nbatch_size = 2\nconcurrency = {concurrency}"),
        |_| {},
    )
}

/// True when the request ran an operation whose summary starts with `prefix`.
fn ran(span: &Span, prefix: &str) -> bool {
    span.operations.iter().any(|o| o.starts_with(prefix))
}

fn is_write(span: &Span) -> bool {
    ["create", "update", "delete"]
        .iter()
        .any(|action| ran(span, action))
}

/// The most write requests in flight at once.
fn most_writes_at_once(traffic: &Traffic) -> usize {
    let writes: Vec<&Span> = traffic.requests.iter().filter(|s| is_write(s)).collect();
    writes
        .iter()
        .map(|w| {
            writes
                .iter()
                .filter(|o| o.arrived <= w.arrived && w.arrived < o.left)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Every request that creates a user left before any that deactivates one arrived.
fn creates_settle_before_deactivations(traffic: &Traffic) {
    let last_create = traffic
        .requests
        .iter()
        .filter(|s| ran(s, "create User"))
        .map(|s| s.left)
        .max()
        .expect("users were created");
    let first_deactivation = traffic
        .requests
        .iter()
        .filter(|s| ran(s, "update User is_active=false"))
        .map(|s| s.arrived)
        .min()
        .expect("users were deactivated");
    assert!(
        last_create < first_deactivation,
        "a deactivation started at {first_deactivation}, before the last create left at {last_create}"
    );
}

#[test]
fn batches_of_a_phase_overlap_with_concurrency_and_never_without() {
    for concurrency in [1, 4] {
        let world = world("latency=40ms", concurrency);
        let out = run(world.cmd("apply").arg("--auto-approve"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let traffic = world.traffic();
        creates_settle_before_deactivations(&traffic);
        if concurrency == 1 {
            assert_eq!(traffic.most_in_flight, 1, "one request at a time");
        } else {
            let most = most_writes_at_once(&traffic);
            assert!(most > 1 && most <= concurrency, "{most} writes at once");
        }
    }
}

#[test]
fn a_throttling_ftrack_gets_fewer_batches_at_once_and_ends_as_a_calm_one() {
    let calm = world("", 4);
    let out = run(calm
        .cmd("apply")
        .args(["--auto-approve", "--outcome", "calm.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let busy = world("error_rate=0.3,error_status=429,retry_after=0,seed=5", 4);
    let out = run(busy
        .cmd("apply")
        .args(["--auto-approve", "--outcome", "busy.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let outcome = |world: &World, name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(world.path(name)).unwrap()).unwrap()
    };
    assert_eq!(outcome(&calm, "calm.json").get("slowed_down"), None);
    let slowed = outcome(&busy, "busy.json")["slowed_down"].as_u64();
    assert!(slowed.is_some_and(|n| n > 0), "{slowed:?}");
    assert!(
        out.stderr
            .contains("ftrack was overloaded: fewer batches at once"),
        "{}",
        out.stderr
    );
    assert_eq!(people(&busy.ftrack()), people(&calm.ftrack()));
}
