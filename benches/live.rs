//! End-to-end benchmark of what users feel: the release binary's live `plan` (slapd with N
//! users over StartTLS, the ftrack sandbox with 0.91 N) beside its floors, `ldapsearch` and a
//! stdlib Python client, in interleaved rounds, with its peak RSS; reading an LDIF export;
//! then reading every ftrack user and applying 21,000 changes with 50 ms added per request.
//! Run with `cargo bench --bench live [-- --users N] [--rounds N]` (defaults 100000 and 3).
//!
//! The sandbox runs in this process on two tokio worker threads; the measured programs run
//! as child processes, each timed and asked for its own peak RSS (see `live/child.rs`).

#[path = "../tests/support/certs.rs"]
mod certs;
#[path = "../tests/support/process.rs"]
#[allow(dead_code)]
mod process;
#[path = "../tests/support/slapd.rs"]
#[allow(dead_code)]
mod slapd;

#[path = "support/common.rs"]
mod common;
#[path = "support/heap.rs"]
mod heap;

#[path = "live/child.rs"]
mod child;
#[path = "live/directory.rs"]
mod directory;
#[path = "live/latency.rs"]
mod latency;
#[path = "live/ldif.rs"]
mod ldif;
#[path = "live/memory.rs"]
mod memory;
#[path = "live/rounds.rs"]
mod rounds;
#[path = "live/sandbox.rs"]
mod sandbox;
#[path = "live/world.rs"]
mod world;

use common::number_after;
use std::path::Path;
use std::time::Instant;
use tokio::runtime::Runtime;

// The binary's allocator (mimalloc), counting the heap during the memory profile, so that what
// is timed in this process allocates as `plan` does.
#[global_allocator]
static ALLOC: heap::Counting = heap::Counting;

/// Starts slapd with `users` people, timed.
fn start_slapd(users: usize) -> slapd::Slapd {
    let start = Instant::now();
    let server = slapd::Slapd::start(&world::directory_ldif(0..users));
    println!(
        "slapd: {users} users loaded and serving in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    server
}

/// The live plan and the LDIF read: slapd and a sandbox holding 90% of the users (a tenth
/// of them changed since the last sync, all linked) and 1% more that only ftrack has.
fn plan_part(runtime: &Runtime, dir: &Path, users: usize, rounds: usize) {
    let server = start_slapd(users);
    let present = users * 9 / 10;
    let start = Instant::now();
    let ftrack = world::ftrack_snapshot(0..present, |n| n % 10 == 0, users, users / 100);
    let served = sandbox::serve(runtime, &ftrack);
    println!(
        "sandbox: {} users seeded and serving in {:.1} s",
        ftrack.users.len(),
        start.elapsed().as_secs_f64()
    );
    let state = dir.join("state");
    world::write_links(&state, 0..present);
    let live = rounds::Live {
        slapd: &server,
        ftrack_url: &served.url,
        dir,
        users,
    };
    let config = rounds::write_config(&live, &sandbox::key_file(dir), &state);
    println!("live plan (--format json -o FILE) against its floors, {rounds} interleaved rounds:");
    let export = rounds::run(&live, &config, rounds);
    memory::profile(runtime, &live, &state);
    ldif::run(&export, users, rounds);
    runtime.block_on(served.stop());
    server.stop();
}

fn main() {
    // Only the memory profile counts the heap: the threads of what is timed here (the sandbox,
    // the directory read, the LDIF chunks) would otherwise contend for the counters.
    heap::set_counting(false);
    child::measure_if_asked();
    slapd::require_slapd();
    let args: Vec<String> = std::env::args().collect();
    let users = number_after(&args, "--users", 100_000);
    let rounds = number_after(&args, "--rounds", 3).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::Builder::new()
        .prefix("ldap2ftrack-live-")
        .tempdir()
        .expect("a scratch directory");
    plan_part(&runtime, dir.path(), users, rounds);
    println!("with the sandbox's latency fault:");
    latency::read(&runtime, users, rounds);
    latency::apply(&runtime, dir.path(), rounds);
}
