//! What 50 ms per request (the sandbox's `latency` fault) costs: reading every ftrack user
//! with the library's client at its default concurrency, and the binary applying a saved plan
//! of 10,000 creates, 10,000 updates and 1,000 deactivations, each beside the same without.

use crate::child::{Usage, run_measured};
use crate::rounds::{USER_FILTER, ldap2ftrack, median, verdict};
use crate::sandbox::{API_USER, key_file, serve, set_latency};
use crate::world::{PEOPLE, directory_ldif, ftrack_snapshot, write_links};
use ldap2ftrack::ftrack::client::{DEFAULT_CONCURRENCY, FtrackClient};
use ldap2ftrack::ftrack::read::read_snapshot;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// The delay the sandbox adds to every request.
const LATENCY_MS: u64 = 50;
/// Reading the users with latency may take at most this long.
const READ_TARGET: Duration = Duration::from_millis(1500);
/// Applying with latency may take at most this many times as long as without.
const APPLY_TARGET: f64 = 3.0;
const CREATES: usize = 10_000;
const UPDATES: usize = 10_000;
const DEACTIVATIONS: usize = 1_000;

/// Times reading every user and group from `url`, `rounds` times; the median.
fn timed_reads(runtime: &Runtime, url: &str, users: usize, rounds: usize) -> Duration {
    let key = crate::sandbox::API_KEY.to_string().into();
    let client = FtrackClient::new(url, API_USER, key, Duration::from_secs(300))
        .expect("the client builds")
        .with_concurrency(DEFAULT_CONCURRENCY);
    let times = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let snapshot = runtime.block_on(read_snapshot(&client)).expect("read");
            assert_eq!(
                snapshot.users.len(),
                users + 1,
                "every user and the API user"
            );
            start.elapsed()
        })
        .collect();
    median(times)
}

/// Reads `users` ftrack users without and with latency and prints both against the target.
pub fn read(runtime: &Runtime, users: usize, rounds: usize) {
    let sandbox = serve(runtime, &ftrack_snapshot(0..users, |_| false, 0, 0));
    let plain = timed_reads(runtime, &sandbox.url, users, rounds);
    set_latency(runtime, &sandbox.url, LATENCY_MS);
    let slow = timed_reads(runtime, &sandbox.url, users, rounds);
    runtime.block_on(sandbox.stop());
    println!(
        "  read {users} ftrack users, {DEFAULT_CONCURRENCY} pages at once: {:.2} s; with {LATENCY_MS} ms latency {:.2} s (target <= {:.1} s: {}) (medians of {rounds})",
        plain.as_secs_f64(),
        slow.as_secs_f64(),
        READ_TARGET.as_secs_f64(),
        verdict(slow <= READ_TARGET)
    );
}

/// The configuration `apply` runs with: the LDIF's selection, the sandbox, `state`.
fn apply_config(dir: &Path, url: &str, state: &Path) -> PathBuf {
    let config = dir.join("apply.toml");
    let text = format!(
        "[ldap]\nuser_base_dn = \"{PEOPLE}\"\nuser_filter = \"{USER_FILTER}\"\n\n[ftrack]\nserver = \"{url}\"\napi_user = \"{API_USER}\"\napi_key_file = \"{}\"\nbatch_size = 100\ntimeout_secs = 300\n\n[policy]\nmax_deactivate = {DEACTIVATIONS}\n\n[state]\ndir = \"{}\"\n",
        key_file(dir).display(),
        state.display()
    );
    std::fs::write(&config, text).expect("apply config written");
    config
}

/// Runs the binary in `dir` with `config` and `args`, output in `dir/name.out`; its usage.
fn binary(dir: &Path, config: &Path, args: &[&str], name: &str) -> Usage {
    let mut cmd = ldap2ftrack(dir);
    cmd.args(["-q", "-c"]).arg(config).args(args);
    run_measured(&cmd, &dir.join(format!("{name}.out")))
}

/// The outcome's counts of created, updated, deactivated and failed users.
fn outcome_counts(path: &Path) -> [u64; 4] {
    let text = std::fs::read_to_string(path).expect("the outcome was written");
    let outcome: serde_json::Value = serde_json::from_str(&text).expect("the outcome is JSON");
    ["created", "updated", "deactivated", "failed"].map(|k| {
        outcome["summary"][k]
            .as_u64()
            .unwrap_or_else(|| panic!("the outcome counts {k}: {text:.300}"))
    })
}

/// Plans against a fresh sandbox, sets the latency, then times applying the saved plan.
fn timed_apply(runtime: &Runtime, dir: &Path, round: usize, latency_ms: u64) -> Usage {
    let dir = dir.join(format!("apply-{round}-{latency_ms}ms"));
    let state = dir.join("state");
    std::fs::create_dir_all(&state).expect("the state directory is made");
    let total = UPDATES + DEACTIVATIONS + CREATES;
    let people = (0..UPDATES).chain(UPDATES + DEACTIVATIONS..total);
    std::fs::write(dir.join("directory.ldif"), directory_ldif(people)).expect("LDIF written");
    write_links(&state, 0..UPDATES + DEACTIVATIONS);
    let present = ftrack_snapshot(0..UPDATES + DEACTIVATIONS, |n| n < UPDATES, 0, 0);
    let sandbox = serve(runtime, &present);
    let config = apply_config(&dir, &sandbox.url, &state);
    let plan = ["plan", "--ldif", "directory.ldif", "--out", "saved.json"];
    binary(&dir, &config, &plan, "plan");
    set_latency(runtime, &sandbox.url, latency_ms);
    let apply = [
        "apply",
        "--no-input",
        "--outcome",
        "outcome.json",
        "saved.json",
    ];
    let usage = binary(&dir, &config, &apply, "apply");
    runtime.block_on(sandbox.stop());
    let expected = [CREATES, UPDATES, DEACTIVATIONS, 0].map(|n| n as u64);
    assert_eq!(outcome_counts(&dir.join("outcome.json")), expected);
    usage
}

/// Applies the changes without and with latency, `rounds` times each in turn, and prints
/// the medians against the target.
pub fn apply(runtime: &Runtime, dir: &Path, rounds: usize) {
    let (mut plain, mut slow) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        plain.push(timed_apply(runtime, dir, round, 0).wall);
        slow.push(timed_apply(runtime, dir, round, LATENCY_MS).wall);
        println!(
            "  apply round {round}: {:.2} s; with {LATENCY_MS} ms latency {:.2} s",
            plain[round - 1].as_secs_f64(),
            slow[round - 1].as_secs_f64()
        );
    }
    let (plain, slow) = (median(plain), median(slow));
    let ratio = slow.as_secs_f64() / plain.as_secs_f64();
    println!(
        "  apply {CREATES} creates + {UPDATES} updates + {DEACTIVATIONS} deactivations (saved plan, default [ftrack] concurrency): {:.2} s; with {LATENCY_MS} ms latency {:.2} s, {ratio:.2}x (target <= {APPLY_TARGET}x: {}) (medians of {rounds})",
        plain.as_secs_f64(),
        slow.as_secs_f64(),
        verdict(ratio <= APPLY_TARGET)
    );
}
