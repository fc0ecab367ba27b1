//! The history and comparison documents in each format: escaped, neutralised, complete.

use super::*;
use crate::apply::outcome::{OutcomeSummary, RunMode};
use crate::report::compare::SideFacts;

fn entry(n: usize, exit_code: i32) -> HistoryEntry {
    HistoryEntry {
        run_id: format!("run-{n}"),
        mode: RunMode::Apply,
        started_at: format!("2026-03-0{n}T02:00:00Z"),
        finished_at: format!("2026-03-0{n}T02:00:09Z"),
        operator: "=ops".into(),
        host: "sync01".into(),
        ftrack: "https://studio.ftrackapp.com".into(),
        summary: OutcomeSummary {
            created: n,
            ..OutcomeSummary::default()
        },
        stopped: None,
        exit_code,
        file: format!("{n}.json.gz"),
    }
}

#[test]
fn the_history_lists_the_latest_run_first_in_every_format() {
    let entries = [entry(1, 0), entry(2, 1)];
    let md = render_history(&entries, ReportFormat::Markdown).unwrap();
    let first = md.find("run-2").unwrap();
    assert!(first < md.find("run-1").unwrap(), "{md}");
    assert!(md.contains("| @1 | 2026-03-02T02:00:00Z | apply |"), "{md}");
    let csv = render_history(&entries, ReportFormat::Csv).unwrap();
    assert!(csv.starts_with("\"ref\",\"started (UTC)\""), "{csv}");
    assert!(csv.contains("\"'=ops\""), "a formula is neutralised: {csv}");
    assert_eq!(csv.lines().count(), 3);
    let html = render_history(&entries, ReportFormat::Html).unwrap();
    assert!(html.contains("default-src 'none'") && html.contains("<td>@2</td>"));
    let json: serde_json::Value =
        serde_json::from_str(&render_history(&entries, ReportFormat::Json).unwrap()).unwrap();
    assert_eq!(json[0]["exit_code"], 1);
}

fn comparison() -> Comparison {
    let side = |label: &str| SideFacts {
        label: label.into(),
        kind: "plan",
        when: String::new(),
        users: 2,
    };
    Comparison {
        a: side("a.json"),
        b: side("b.json"),
        appeared: vec![UserLine {
            username: "<b>dan".into(),
            name: "Dan".into(),
            state: "create".into(),
        }],
        left: Vec::new(),
        changed: vec![ChangedUser {
            username: "ann".into(),
            name: "Ann".into(),
            differences: vec![Difference::Groups {
                from: GroupChanges::default(),
                to: GroupChanges {
                    add: vec!["Lighting".into()],
                    remove: vec!["Comp".into()],
                },
            }],
        }],
        same: 4,
    }
}

#[test]
fn a_comparison_reads_in_every_format() {
    let c = comparison();
    let md = render_comparison(&c, ReportFormat::Markdown).unwrap();
    assert!(md.contains("## Appeared (in B, not in A) (1)"), "{md}");
    assert!(md.contains("## Left (in A, not in B) (0)\n\nNone."), "{md}");
    assert!(md.contains("groups no change → +Lighting -Comp"), "{md}");
    assert!(
        md.contains("1 appeared, 0 left, 1 changed, 4 the same"),
        "{md}"
    );
    let html = render_comparison(&c, ReportFormat::Html).unwrap();
    assert!(
        html.contains("&lt;b&gt;dan") && !html.contains("<b>dan"),
        "{html}"
    );
    let csv = render_comparison(&c, ReportFormat::Csv).unwrap();
    assert_eq!(
        csv,
        "change,username,name,detail\r\n\"appeared\",\"<b>dan\",\"Dan\",\"create\"\r\n\"changed\",\"ann\",\"Ann\",\"groups no change → +Lighting -Comp\"\r\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&render_comparison(&c, ReportFormat::Json).unwrap()).unwrap();
    assert_eq!(json["changed"][0]["differences"][0]["what"], "groups");
    assert_eq!(json["same"], 4);
}
