//! Where the live plan's memory goes: the plan's own steps run in this process under a
//! counting allocator (mimalloc underneath, as in the binary), each step's heap printed: the
//! ftrack snapshot, the directory, and planning. The binary's peak RSS adds the allocator's
//! own overhead and the program to these.

use crate::directory::settings;
use crate::heap::{live, mib, peak, reset_peak, set_counting};
use crate::rounds::Live;
use crate::sandbox::{API_KEY, API_USER};
use ldap2ftrack::ftrack::client::FtrackClient;
use ldap2ftrack::ftrack::read::read_snapshot;
use ldap2ftrack::reconcile::{Policy, Scope, compute_plan};
use ldap2ftrack::source::ldap::read_directory;
use ldap2ftrack::source::mapping_rules::Mapping;
use ldap2ftrack::state::StateDir;
use std::time::Duration;
use tokio::runtime::Runtime;

/// Heap held after a step, and the most it reached during the step, over what was held before.
struct Step {
    held: usize,
    peak: usize,
}

/// Runs `step`, measuring its heap.
fn measured<T>(step: impl FnOnce() -> T) -> (T, Step) {
    let before = reset_peak();
    let value = step();
    let held = live().saturating_sub(before);
    let peak = peak().saturating_sub(before);
    (value, Step { held, peak })
}

fn print_step(name: &str, step: &Step) {
    println!(
        "    {name}: holds {:.1} MiB (peak while it ran {:.1} MiB more than before)",
        mib(step.held),
        mib(step.peak)
    );
}

/// Reads ftrack and the directory and plans, printing the heap of each step.
pub fn profile(runtime: &Runtime, live_world: &Live, state: &std::path::Path) {
    println!("  heap of the plan's steps, in this process:");
    set_counting(true);
    let start = live();
    let client = FtrackClient::new(
        live_world.ftrack_url,
        API_USER,
        API_KEY.to_string().into(),
        Duration::from_secs(300),
    )
    .expect("the client builds");
    let (ftrack, read_ftrack) =
        measured(|| runtime.block_on(read_snapshot(&client)).expect("read"));
    print_step("ftrack snapshot", &read_ftrack);
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let today = jiff::civil::date(2026, 1, 5);
    let ldap = settings(live_world.slapd);
    let (directory, read_directory_step) = measured(|| {
        let read = current.block_on(read_directory(
            &ldap,
            &Mapping::default(),
            today,
            &mut |_| {},
        ));
        let mut snapshot = read.expect("the directory is read").snapshot;
        snapshot.users.shrink_to_fit();
        snapshot
    });
    print_step("directory", &read_directory_step);
    let links = StateDir::at(state).load_links().expect("the links load");
    let (plan, planning) = measured(|| {
        compute_plan(
            &directory,
            &ftrack,
            &links,
            &Policy::default(),
            &Scope::default(),
        )
    });
    print_step("plan", &planning);
    let total = live().saturating_sub(start) + planning.peak - planning.held;
    println!(
        "    {} items; at the peak, inputs, links and planning together: {:.1} MiB",
        plan.items.len(),
        mib(total)
    );
    set_counting(false);
}
