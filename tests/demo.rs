//! The bundled demo: every outcome shows up, and its plan is pinned by snapshots.

use crate::support::{demo_plan, faketime, ldap2ftrack, run};

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
    insta::assert_snapshot!("demo_plan_json", redacted_facts(&out.stdout));
}

/// The JSON plan with the run facts that vary by run (when, by whom, where) checked, then
/// replaced by placeholders; the others stay.
fn redacted_facts(json: &str) -> String {
    let plan: serde_json::Value = serde_json::from_str(json).unwrap();
    let facts = &plan["facts"];
    let mut redacted = json.to_string();
    for (key, placeholder) in [
        ("computed_at", "[time]"),
        ("operator", "[operator]"),
        ("host", "[host]"),
    ] {
        let value = facts[key].as_str().unwrap_or_default();
        assert!(!value.is_empty(), "the plan records its {key}: {facts}");
        if key == "computed_at" {
            value.parse::<jiff::Timestamp>().unwrap();
        }
        let field = |v: &str| format!("\"{key}\": {}", serde_json::Value::from(v));
        redacted = redacted.replace(&field(value), &field(placeholder));
    }
    redacted
}

/// The dates the date tests run at: one before the demo's expired account expired (2022-01-08),
/// one years after it, each in a time zone far from UTC.
const DATES: [(&str, &str); 2] = [
    ("2021-06-01 12:00:00", "Pacific/Kiritimati"),
    ("2031-11-30 23:30:00", "America/Adak"),
];

#[test]
fn demo_plan_is_the_same_on_any_date() {
    let home = tempfile::tempdir().unwrap();
    let outputs: Vec<(String, String)> = DATES
        .iter()
        .map(|(instant, tz)| {
            let plan = |args: &[&str]| {
                let out = run(faketime::at(&mut ldap2ftrack(home.path()), instant, tz).args(args));
                assert_eq!(out.code, 0, "at {instant}: {}", out.stderr);
                out.stdout
            };
            (
                plan(&["demo", "--all"]),
                plan(&["demo", "--format", "json"]),
            )
        })
        .collect();
    assert_eq!(
        outputs[0].0, outputs[1].0,
        "the text plan changed with the date"
    );
    assert_eq!(
        redacted_facts(&outputs[0].1),
        redacted_facts(&outputs[1].1),
        "the JSON plan changed with the date (beyond when it was computed)"
    );
    // When it was computed is the one fact that follows the clock.
    let computed = |json: &str| {
        let plan: serde_json::Value = serde_json::from_str(json).unwrap();
        plan["facts"]["computed_at"].as_str().unwrap().to_string()
    };
    // 2021-06-01 12:00 in Kiritimati (UTC+14) and 2031-11-30 23:30 in Adak (UTC-10), in UTC.
    assert!(
        computed(&outputs[0].1).starts_with("2021-05-31T22:"),
        "{}",
        outputs[0].1
    );
    assert!(
        computed(&outputs[1].1).starts_with("2031-12-01T09:"),
        "{}",
        outputs[1].1
    );
    assert!(
        outputs[0]
            .0
            .contains("expired on 2022-01-08 (shadowExpire 19000)"),
        "the demo counts expiry from its own date"
    );
}

#[test]
fn a_live_plan_counts_account_expiry_from_the_system_date() {
    // The same directory planned for real (not the demo) follows the clock: this shows that
    // the fake clock reaches the binary, so the test above could fail.
    let home = tempfile::tempdir().unwrap();
    let line_of = |instant: &str, tz: &str| {
        let out = run(faketime::at(&mut demo_plan(home.path()), instant, tz).arg("--all"));
        assert_eq!(out.code, 0, "at {instant}: {}", out.stderr);
        let at = out.stdout.find("cfontaine").expect("cfontaine is planned");
        out.stdout[at..]
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (before, after) = (DATES[0], DATES[1]);
    let before = line_of(before.0, before.1);
    let after = line_of(after.0, after.1);
    assert!(
        !before.contains("expired"),
        "not yet expired in 2021: {before}"
    );
    assert!(
        after.contains("expired on 2022-01-08 (shadowExpire 19000)"),
        "expired by 2031: {after}"
    );
}
