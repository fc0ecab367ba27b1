//! The run history and comparisons with the real binary: two applies against the sandbox
//! are kept in the state directory, listed by `report --history`, and compared by
//! `report --compare`, as are two saved plans.

use crate::apply_e2e::World;
use crate::support::run;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;

fn report(world: &World, args: &[&str]) -> crate::support::Run {
    run(crate::support::ldap2ftrack(&world.path(""))
        .args(["-c", "config.toml", "report", "--state-dir", "state"])
        .args(args))
}

fn json_report(world: &World, args: &[&str]) -> Value {
    let out = report(world, &[args, &["--format", "json"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn save_plan(world: &World, name: &str) {
    let out = run(world.cmd("plan").args(["--format", "json", "-o", name]));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn applies_are_kept_listed_and_compared_and_so_are_saved_plans() {
    let world = World::with_seed("", "", |_| {});
    save_plan(&world, "before.json");
    let first = run(world
        .cmd("apply")
        .args(["--auto-approve", "--no-deactivate"]));
    let second = run(world
        .cmd("apply")
        .args(["--auto-approve", "--no-deactivate"]));
    save_plan(&world, "after.json");

    let history = json_report(&world, &["--history"]);
    let runs = history.as_array().unwrap();
    assert_eq!(runs.len(), 2, "{history:#}");
    assert_eq!(runs[0]["exit_code"], second.code, "latest first");
    assert_eq!(runs[1]["exit_code"], first.code);
    let created = runs[1]["summary"]["created"].as_u64().unwrap();
    assert!(created > 0, "{history:#}");
    assert_eq!(runs[0]["summary"]["created"], 0, "nothing left to create");
    for entry in std::fs::read_dir(world.path("state/history")).unwrap() {
        let mode = entry.unwrap().metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let table = report(&world, &["--history"]);
    assert!(table.stdout.contains("| @1 |"), "{}", table.stdout);

    let runs_compared = json_report(&world, &["--compare", "@2", "@1"]);
    let changed = runs_compared["changed"].as_array().unwrap();
    let from_create = changed
        .iter()
        .filter(|c| c["differences"][0]["from"] == "create: applied")
        .count();
    assert_eq!(from_create as u64, created, "{runs_compared:#}");
    assert_eq!(runs_compared["a"]["kind"], "run");

    let plans = json_report(&world, &["--compare", "before.json", "after.json"]);
    let changed = plans["changed"].as_array().unwrap();
    assert!(
        changed
            .iter()
            .filter(|c| c["differences"][0]["from"] == "create")
            .count() as u64
            == created,
        "{plans:#}"
    );
    assert_eq!(plans["appeared"].as_array().unwrap().len(), 0);

    let html = report(
        &world,
        &["--compare", "@2", "after.json", "-o", "diff.html"],
    );
    assert_eq!(html.code, 0, "{}", html.stderr);
    let page = std::fs::read_to_string(world.path("diff.html")).unwrap();
    assert!(page.contains("Content-Security-Policy") && page.contains("<h2>Changed"));

    let missing = report(&world, &["--compare", "@3", "@1"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("up to @2"), "{}", missing.stderr);
}
