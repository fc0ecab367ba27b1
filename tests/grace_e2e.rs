//! The grace period across runs of the real binary: the demo LDIF loses a linked user, the
//! sandbox serves ftrack over HTTP, and libfaketime moves the binary's clock between runs.

use crate::apply_e2e::World;
use crate::support::{Run, faketime, run};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;

const LEAVER: &str = "fbalogun";
const GRACE: &str = "deactivate_after = \"72h\"\ndeactivate_after_runs = 2\n";

/// The demo world with a grace period and `fbalogun` gone from the directory.
fn world_without_the_leaver() -> World {
    let world = World::with_seed("", GRACE, |_| {});
    let path = world.path("people.ldif");
    let ldif = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = ldif
        .split("\n\n")
        .filter(|entry| !entry.starts_with(&format!("dn: uid={LEAVER},")))
        .collect();
    assert_eq!(
        ldif.split("\n\n").count(),
        kept.len() + 1,
        "one entry removed"
    );
    std::fs::write(&path, kept.join("\n\n")).unwrap();
    world
}

/// Runs `command` with the binary's clock at `instant` (UTC).
fn at(world: &World, instant: &str, command: &str, args: &[&str]) -> Run {
    run(faketime::at(&mut world.cmd(command), instant, "UTC").args(args))
}

fn plan_at(world: &World, instant: &str, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = at(world, instant, "plan", &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn leaver_item(plan: &Value) -> &Value {
    let items = plan["items"].as_array().unwrap();
    items
        .iter()
        .find(|i| i["username"] == LEAVER)
        .expect("the leaver is in the plan")
}

fn leaver_active(world: &World) -> bool {
    let ftrack = world.ftrack();
    let user = ftrack.users.iter().find(|u| u.username == LEAVER).unwrap();
    user.is_active
}

fn apply_at(world: &World, instant: &str, args: &[&str]) -> Run {
    let mut all = vec!["--auto-approve"];
    all.extend_from_slice(args);
    let out = at(world, instant, "apply", &all);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    out
}

#[test]
fn a_leaver_is_pending_until_the_grace_has_passed_then_deactivated() {
    let world = world_without_the_leaver();
    let marks = world.path("state/missing.json");

    let first = plan_at(&world, "2026-03-01 09:00:00", &[]);
    let item = leaver_item(&first);
    assert_eq!(item["action"], "pending");
    assert_eq!(item["grace"]["runs_left"], 1);
    assert_eq!(item["grace"]["seconds_left"], 72 * 3600);
    assert!(
        item["reason"].as_str().unwrap().contains(
            "missing since 2026-03-01T09:00:00Z (1 run); deactivated after 3d and 1 more run"
        ),
        "{item}"
    );
    assert!(!marks.exists(), "plan never writes");

    apply_at(&world, "2026-03-01 09:00:00", &[]);
    assert!(leaver_active(&world), "pending: nothing changed in ftrack");
    let mode = std::fs::metadata(&marks).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "personal data: 0600");
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&marks).unwrap()).unwrap();
    let mark = recorded["marks"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(mark["since"], "2026-03-01T09:00:00Z");
    assert_eq!(mark["runs"], 1);

    // A day later the second run: the runs are done, the time is not.
    let second = plan_at(&world, "2026-03-02 09:00:00", &[]);
    let item = leaver_item(&second);
    assert_eq!(item["action"], "pending");
    assert!(
        item["reason"]
            .as_str()
            .unwrap()
            .ends_with("deactivated after 2d"),
        "{item}"
    );

    // Four days on, both have passed: the leaver is deactivated.
    let third = plan_at(&world, "2026-03-05 09:00:00", &[]);
    let item = leaver_item(&third);
    assert_eq!(item["action"], "deactivate");
    assert!(
        item["reason"]
            .as_str()
            .unwrap()
            .ends_with("the grace period is over")
    );
    apply_at(&world, "2026-03-05 09:00:00", &[]);
    assert!(
        !leaver_active(&world),
        "deactivated once the grace was over"
    );
}

#[test]
fn now_deactivates_a_pending_leaver_before_the_grace_ends_and_a_return_clears_the_mark() {
    let world = world_without_the_leaver();
    apply_at(&world, "2026-03-01 09:00:00", &[]);
    assert!(leaver_active(&world));

    let out = apply_at(
        &world,
        "2026-03-01 10:00:00",
        &["--now", "--only-user", LEAVER],
    );
    assert!(out.stderr.contains("1 deactivated"), "{}", out.stderr);
    assert!(!leaver_active(&world), "--now cut the grace short");

    // The leaver comes back: reactivated, and no mark is left behind.
    std::fs::copy(
        crate::support::asset("assets/demo/directory.ldif"),
        world.path("people.ldif"),
    )
    .unwrap();
    apply_at(&world, "2026-03-01 11:00:00", &[]);
    assert!(leaver_active(&world));
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("state/missing.json")).unwrap())
            .unwrap();
    assert!(!recorded.to_string().contains("fbalogun"), "{recorded}");
    let leaver_id = world
        .ftrack()
        .users
        .iter()
        .find(|u| u.username == LEAVER)
        .unwrap()
        .id
        .to_string();
    assert!(recorded["marks"].get(&leaver_id).is_none(), "{recorded}");
}
