//! The bundled demo: every outcome shows up, and its plan is pinned by snapshots.

use crate::support::{ldap2ftrack, run};

#[test]
fn demo_shows_every_outcome() {
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path()).args(["demo", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    for key in [
        "create",
        "update",
        "deactivate",
        "reactivate",
        "conflict",
        "skip",
        "unchanged",
    ] {
        assert!(
            plan["summary"][key].as_u64().unwrap() > 0,
            "no {key} in the demo"
        );
    }
    let kinds: std::collections::BTreeSet<String> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["conflict"]["kind"].as_str().map(str::to_string))
        .collect();
    for kind in [
        "case_only_difference",
        "email_taken",
        "missing_value",
        "invalid_value",
    ] {
        assert!(
            kinds.contains(kind),
            "no {kind} conflict in the demo: {kinds:?}"
        );
    }
    assert!(out.stderr.contains("demo"), "the banner says it is a demo");
}

#[test]
fn demo_plan_text_snapshot() {
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path()).args(["demo", "--all"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("demo_plan_text", out.stdout);
}

#[test]
fn demo_plan_json_snapshot() {
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path()).args(["demo", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("demo_plan_json", out.stdout);
}
