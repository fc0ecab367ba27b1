//! Planner benchmark: times `compute_plan` on synthetic studios of 10k, 100k and 1M users
//! and measures the heap it needs. Run with `cargo bench --bench plan [-- --quick]`.

#[path = "support/heap.rs"]
#[allow(dead_code)] // `set_counting` is used by the live benchmark only.
mod heap;

use heap::{Counting, live, mib, peak, reset_peak};
use ldap2ftrack::ids::DirectoryGroup;
use ldap2ftrack::model::{
    DirectorySnapshot, DirectoryUser, FtrackGroup, FtrackSnapshot, FtrackUser, Links, SharedGroups,
};
use ldap2ftrack::reconcile::plan::Summary;
use ldap2ftrack::reconcile::policy::MaxDeactivate;
use ldap2ftrack::reconcile::{Policy, Scope, compute_plan};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: Counting = Counting;

/// Number of LDAP groups (and managed ftrack groups).
const GROUPS: usize = 20;
/// First and last names the generator combines.
const FIRST: [&str; 6] = ["Anna", "Bruno", "Chloe", "Dmitri", "Elena", "Hiro"];
const LAST: [&str; 6] = ["Novak", "Okafor", "Petit", "Rossi", "Sato", "Weber"];

/// What the generator does to one directory user (or, for the last two, one ftrack-only user).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Linked and in sync.
    Linked,
    /// In sync, paired by username (no link yet).
    ByName,
    /// Linked; last name or email differs.
    Field,
    /// Linked; managed groups differ.
    Group,
    /// Directory user without an ftrack user.
    Create,
    /// Linked; the directory account is disabled.
    Disabled,
    /// Linked; the directory username changed.
    Rename,
    /// Linked ftrack user missing from the directory.
    Missing,
    /// Unlinked ftrack-only user (e.g. a service account), left alone.
    Unmanaged,
}

/// Tiny deterministic xorshift64* generator.
struct Rng(u64);

impl Rng {
    /// The next pseudo-random number.
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A uuid-looking id.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let (hi, mid, lo) = (a >> 32, (a >> 16) & 0xffff, a & 0xffff);
        format!(
            "{hi:08x}-{mid:04x}-{lo:04x}-{:04x}-{:012x}",
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// Shuffles a slice in place (Fisher-Yates).
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Planner inputs plus the summary they should produce.
struct Studio {
    directory: DirectorySnapshot,
    ftrack: FtrackSnapshot,
    links: Links,
    policy: Policy,
    expected: Summary,
}

/// Builds a studio of `n` directory users and `n` ftrack users with about 10% changes.
fn studio(n: usize) -> Studio {
    // Per mille of `n`; the ftrack-only users balance the creates so both sides have `n` users.
    let shares = [
        (Kind::Field, 40),
        (Kind::Group, 20),
        (Kind::Create, 20),
        (Kind::Disabled, 5),
        (Kind::Rename, 5),
        (Kind::ByName, 10),
        (Kind::Missing, 10),
        (Kind::Unmanaged, 10),
    ];
    let mut kinds: Vec<Kind> = shares
        .iter()
        .flat_map(|&(k, m)| vec![k; n * m / 1000])
        .collect();
    kinds.resize(n + n * 20 / 1000, Kind::Linked);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    rng.shuffle(&mut kinds);
    let mut directory = Vec::with_capacity(n);
    let mut ftrack = Vec::with_capacity(n);
    let mut links = Links::new();
    // As the directory readers do: one value per group, shared by its members.
    let mut shared = SharedGroups::default();
    for (i, &kind) in kinds.iter().enumerate() {
        let (first, last) = (FIRST[rng.below(6)], LAST[rng.below(6)]);
        let (f, l) = (first.to_lowercase(), last.to_lowercase());
        let username = format!("{}{l}{i}", &f[..1]);
        let email = format!("{f}.{l}{i}@studio.bench");
        let a = rng.below(GROUPS);
        let mut groups = vec![a];
        if rng.below(3) == 0 {
            groups.push((a + 1 + rng.below(GROUPS - 1)) % GROUPS);
        }
        let (dir_id, ftrack_id) = (rng.uuid(), rng.uuid());
        if !matches!(kind, Kind::Create | Kind::Unmanaged | Kind::ByName) {
            links.insert(dir_id.clone().into(), ftrack_id.clone().into());
        }
        let mut dir_groups: Vec<DirectoryGroup> = groups
            .iter()
            .map(|g| shared.value(&format!("cn=dept{g},ou=groups,dc=bench")))
            .collect();
        dir_groups.sort();
        if kind == Kind::Group {
            groups[0] = (a + 1 + rng.below(GROUPS - 1)) % GROUPS;
        }
        // Field changes: half a changed last name, half a changed email.
        let (new_last, new_mail) = match (kind == Kind::Field, rng.below(2) == 0) {
            (true, true) => ("-Old", ""),
            (true, false) => ("", "old."),
            _ => ("", ""),
        };
        if kind != Kind::Create {
            ftrack.push(FtrackUser {
                id: ftrack_id.into(),
                username: username.clone().into(),
                first_name: first.to_string(),
                last_name: format!("{last}{new_last}"),
                email: Some(format!("{f}.{l}{i}@{new_mail}studio.bench")),
                is_active: true,
                groups: groups.iter().map(|g| format!("Dept{g}")).collect(),
                user_type: None,
                ..Default::default()
            });
        }
        if !matches!(kind, Kind::Missing | Kind::Unmanaged) {
            let renamed = if kind == Kind::Rename { ".r" } else { "" };
            directory.push(DirectoryUser {
                id: dir_id.into(),
                dn: format!("uid={username},ou=people,dc=bench").into(),
                username: Some(format!("{username}{renamed}").into()),
                email: Some(email),
                first_name: Some(first.to_string()),
                last_name: Some(last.to_string()),
                display_name: None,
                groups: dir_groups,
                active: kind != Kind::Disabled,
                disabled_reason: (kind == Kind::Disabled).then(|| "ACCOUNTDISABLE".to_string()),
                problems: Vec::new(),
                custom: Default::default(),
            });
        }
    }
    rng.shuffle(&mut ftrack);
    let count = |wanted: &[Kind]| kinds.iter().filter(|k| wanted.contains(k)).count();
    let expected = Summary {
        create: count(&[Kind::Create]),
        update: count(&[Kind::Field, Kind::Group, Kind::Rename]),
        deactivate: count(&[Kind::Missing, Kind::Disabled]),
        skip: count(&[Kind::Unmanaged]),
        unchanged: count(&[Kind::Linked, Kind::ByName]),
        ..Summary::default()
    };
    let managed_groups: BTreeMap<String, String> = (0..GROUPS)
        .map(|g| (format!("cn=dept{g},ou=groups,dc=bench"), format!("Dept{g}")))
        .collect();
    let policy = Policy {
        max_deactivate: MaxDeactivate::Percent(100.0),
        managed_groups,
        ..Policy::default()
    };
    let group = |g| FtrackGroup {
        id: format!("group-{g}"),
        name: format!("Dept{g}"),
    };
    Studio {
        directory: DirectorySnapshot {
            users: directory,
            complete: true,
            warnings: Vec::new(),
            incomplete: Vec::new(),
            groups_found: None,
            read: Default::default(),
        },
        ftrack: FtrackSnapshot {
            users: ftrack,
            groups: (0..GROUPS).map(group).collect(),
            ..Default::default()
        },
        links,
        policy,
        expected,
    }
}

/// A summary's counts, named, in a fixed order.
fn counts(s: &Summary) -> [(&'static str, usize); 7] {
    [
        ("create", s.create),
        ("update", s.update),
        ("deactivate", s.deactivate),
        ("reactivate", s.reactivate),
        ("conflict", s.conflict),
        ("skip", s.skip),
        ("unchanged", s.unchanged),
    ]
}

/// Panics when a count is more than 20% away from the intended one.
fn check_counts(n: usize, got: &Summary, want: &Summary) {
    for ((name, got), (_, want)) in counts(got).into_iter().zip(counts(want)) {
        assert!(
            got.abs_diff(want) <= want / 5,
            "size {n}: planned {got} {name} items, expected {want} +-20%: generator or planner broken"
        );
    }
}

/// One timed planning run: its time, the planner's peak heap and the plan's counts.
fn time_once(s: &Studio) -> (Duration, usize, Summary) {
    let before = reset_peak();
    let start = Instant::now();
    let plan = compute_plan(
        &s.directory,
        &s.ftrack,
        &s.links,
        &s.policy,
        &Scope::default(),
    );
    let elapsed = start.elapsed();
    let peak = peak() - before;
    let summary = plan.summary;
    drop(black_box(plan));
    (elapsed, peak, summary)
}

/// A studio of `n` users with the heap its inputs take.
fn build(n: usize) -> (Studio, usize) {
    let base = live();
    let s = studio(n);
    let inputs = live() - base;
    (s, inputs)
}

/// Times `compute_plan` `runs` times on a studio and prints one line.
///
/// Returns the best time and the peak heap of inputs plus planner.
fn report(s: &Studio, inputs: usize, runs: usize) -> (Duration, usize) {
    let n = s.directory.users.len();
    let (mut best, mut planner_peak, mut summary) = (Duration::MAX, 0, Summary::default());
    for _ in 0..runs {
        let (elapsed, peak, counted) = time_once(s);
        best = best.min(elapsed);
        planner_peak = planner_peak.max(peak);
        summary = counted;
    }
    check_counts(n, &summary, &s.expected);
    let summary: Vec<String> = counts(&summary)
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!(
        "plan {n} x {}: {:.1} ms (best of {runs}), planner peak heap {:.1} MiB, inputs {:.1} MiB, \
         peak total {:.1} MiB, summary: {}",
        s.ftrack.users.len(),
        best.as_secs_f64() * 1e3,
        mib(planner_peak),
        mib(inputs),
        mib(planner_peak + inputs),
        summary.join(" "),
    );
    (best, planner_peak + inputs)
}

/// The process's peak resident set size as /proc/self/status reports it.
fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"));
    line.unwrap_or("unknown").trim().to_string()
}

/// "OK" or "MISSED".
fn verdict(ok: bool) -> &'static str {
    if ok { "OK" } else { "MISSED" }
}

/// The allocator settings of the timed process, which mimalloc reads when a process starts.
///
/// With its defaults, mimalloc gives freed memory back to the system 10 ms later, except for
/// blocks it caches, and those are the small ones. Between two timed runs of 100k users the
/// planner's memory is thus cached and reused, while at a million its larger blocks go back
/// and every run pays the kernel to zero them again (`perf` shows `clear_page_erms` at about
/// 290 ms a run at 1M against under 1 ms at 100k). Keeping freed memory makes every size
/// reuse its memory alike, so the figures compare the planner's own work.
const ALLOCATOR_SETTINGS: [(&str, &str); 2] = [
    // Never give freed memory back to the system.
    ("MIMALLOC_PURGE_DELAY", "-1"),
    // Reserve address space in 4 GiB arenas (in KiB), so a million users fit in one.
    ("MIMALLOC_ARENA_RESERVE", "4194304"),
];

/// Runs this benchmark again in a process started with [`ALLOCATOR_SETTINGS`], unless this is
/// that process or the caller set the purge delay; returns that process's exit code.
fn rerun_with_allocator_settings() -> Option<i32> {
    if std::env::var_os(ALLOCATOR_SETTINGS[0].0).is_some() {
        return None;
    }
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .envs(ALLOCATOR_SETTINGS)
        .status()
        .expect("the benchmark restarts itself");
    Some(status.code().unwrap_or(1))
}

/// Benchmarks 10k, 100k and (without `--quick`) 1M users, and checks the 100k target.
fn main() {
    if let Some(code) = rerun_with_allocator_settings() {
        std::process::exit(code);
    }
    let settings: Vec<String> = ALLOCATOR_SETTINGS
        .iter()
        .map(|(name, _)| format!("{name}={}", std::env::var(name).unwrap_or_default()))
        .collect();
    println!("allocator: mimalloc with {}", settings.join(" "));
    let quick = std::env::args().skip(1).any(|a| a == "--quick");
    let (small, small_inputs) = build(10_000);
    report(&small, small_inputs, 9);
    drop(small);
    let (mid, mid_inputs) = build(100_000);
    let (mid_best, memory) = report(&mid, mid_inputs, 9);
    println!(
        "target 100k: time {} ({:.1} ms < 300 ms), memory {} ({:.1} MB < 300 MB)",
        verdict(mid_best < Duration::from_millis(300)),
        mid_best.as_secs_f64() * 1e3,
        verdict(memory < 300_000_000),
        memory as f64 / 1e6,
    );
    drop(mid);
    if !quick {
        // For information: a million users per side has no target.
        let (big, big_inputs) = build(1_000_000);
        report(&big, big_inputs, 3);
    }
    println!("process peak RSS (VmHWM): {}", peak_rss());
}
