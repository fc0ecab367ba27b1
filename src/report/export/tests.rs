//! Golden files of every format, rendered from one fixed report with hostile values, and
//! explicit checks of the neutralisation and escaping the snapshots also pin.

use super::*;
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, RunMode, SkipCause};
use crate::reconcile::decision::IGNORED;
use crate::reconcile::facts::RunFacts;
use crate::reconcile::plan::{
    Action, Candidate, ConflictInfo, ConflictKind, DirectoryRef, Field, FieldChange, FieldValue,
    FtrackRef, GroupChanges, Inputs, MatchedBy, Plan, PlanItem,
};
use crate::reconcile::plan::{DecisionMark, SkipKind};
use crate::reconcile::seats::Seats;
use crate::report::model::{
    CommitLog, DecisionEvent, Listing, SessionLog, report_from_outcome, report_from_plan,
};

mod grace;
mod layout;
mod roles;

const FORMULA: &str = "=cmd|' /C calc'!A0";
const SCRIPT: &str = "<script>alert(1)</script>";

fn run_info(mode: RunMode) -> RunInfo {
    RunInfo {
        run_id: "00000000-0000-4000-8000-000000000001".into(),
        mode,
        started_at: "2025-01-02T03:04:05Z".into(),
        finished_at: String::new(),
        host: "sync01".into(),
        operator: "admin".into(),
        ftrack: "https://studio.ftrackapp.com".into(),
        api_user: "ldap2ftrack-api".into(),
        directory: "ldaps://ldap.studio.example (TLS)".into(),
        filter: "(objectClass=inetOrgPerson)".into(),
        scope: "everyone".into(),
    }
}

fn text(value: &str) -> Option<FieldValue> {
    Some(FieldValue::Text(value.into()))
}

fn change(field: Field, from: Option<FieldValue>, to: Option<FieldValue>) -> FieldChange {
    FieldChange { field, from, to }
}

fn item(action: Action, username: &str, name: &str) -> PlanItem {
    PlanItem {
        action,
        username: username.into(),
        name: name.into(),
        directory: Some(DirectoryRef {
            dn: format!("uid={username},ou=people,dc=studio,dc=example").into(),
            id: format!("dir-{username}").into(),
        }),
        ftrack: Some(FtrackRef {
            id: format!("ft-{username}").into(),
            username: username.into(),
        }),
        matched_by: Some(MatchedBy::Link),
        changes: Vec::new(),
        groups: GroupChanges::default(),
        reason: None,
        conflict: None,
        needs: Vec::new(),
        grace: None,
        roles: Vec::new(),
        custom: Vec::new(),
        skip: None,
        decided: None,
    }
}

fn created(username: &str, name: &str, email: &str) -> PlanItem {
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    PlanItem {
        ftrack: None,
        matched_by: None,
        changes: vec![
            change(Field::Username, None, text(username)),
            change(Field::FirstName, None, text(first)),
            change(Field::LastName, None, text(last)),
            change(Field::Email, None, text(email)),
            change(Field::IsActive, None, Some(FieldValue::Flag(true))),
        ],
        groups: GroupChanges {
            add: vec!["Compositing".into()],
            remove: Vec::new(),
        },
        ..item(Action::Create, username, name)
    }
}

/// A plan with every category, a blocked reason, a warning, role changes, seats and hostile
/// values: a formula, a script tag, an attribute breaker, a `|` with a newline, and CJK.
pub(super) fn fixture_plan() -> Plan {
    let hostile = PlanItem {
        directory: Some(DirectoryRef {
            dn: "cn=a|b\nc,ou=people,dc=studio,dc=example".into(),
            id: "dir-hostile".into(),
        }),
        ..created(
            FORMULA,
            &format!("{SCRIPT} x"),
            "\"onerror=alert(1)@x.example",
        )
    };
    let updated = PlanItem {
        changes: vec![
            change(Field::FirstName, text("Jane"), text("Janet")),
            change(
                Field::Email,
                text("jane@old.example"),
                text("jane@studio.example"),
            ),
        ],
        groups: GroupChanges {
            add: vec!["-Lighting".into()],
            remove: vec!["Comp | Paint".into()],
        },
        roles: roles::role_changes(),
        ..item(Action::Update, "jdoe", "Janet Doe")
    };
    let reactivated = PlanItem {
        changes: vec![change(
            Field::IsActive,
            Some(FieldValue::Flag(false)),
            Some(FieldValue::Flag(true)),
        )],
        ..item(Action::Reactivate, "mback", "Mia Back")
    };
    let deactivated = PlanItem {
        directory: None,
        changes: vec![change(
            Field::IsActive,
            Some(FieldValue::Flag(true)),
            Some(FieldValue::Flag(false)),
        )],
        reason: Some("no longer in the directory".into()),
        ..item(Action::Deactivate, "oldtimer", "Old Timer")
    };
    let conflict = PlanItem {
        ftrack: None,
        matched_by: None,
        reason: Some("the email `lee@studio.example` is used by another ftrack user".into()),
        conflict: Some(Box::new(ConflictInfo {
            kind: ConflictKind::EmailTaken,
            candidates: vec![
                Candidate {
                    id: "ft-9".into(),
                    username: "+sneaky".into(),
                    email: Some("@lee@studio.example".into()),
                    is_active: true,
                },
                Candidate {
                    id: "ft-10".into(),
                    username: "lee.old".into(),
                    email: None,
                    is_active: false,
                },
            ],
            other_entries: Vec::new(),
        })),
        ..item(Action::Conflict, "李小龍", "李 小龍")
    };
    let skipped = PlanItem {
        directory: None,
        matched_by: None,
        reason: Some("protected account".into()),
        ..item(Action::Skip, "admin", "Site Admin")
    };
    let out_of_scope = PlanItem {
        skip: Some(SkipKind::OutOfScope),
        reason: Some("out of scope for this run (--only-group)".into()),
        ..item(Action::Skip, "bwayne", "Bruce Wayne")
    };
    let by_admin = PlanItem {
        skip: Some(SkipKind::ByAdmin),
        reason: Some(IGNORED.into()),
        decided: Some(DecisionMark {
            decision: "ignore (standing)".into(),
            by: "lead".into(),
            at: "2025-01-01T09:30:00Z".into(),
        }),
        ..item(Action::Skip, "contractor", "Con Tractor")
    };
    let held = PlanItem {
        skip: Some(SkipKind::Held),
        reason: Some(
            "create held back by the seat limit: max_active_users = 300, and the plan would make 301 users active"
                .into(),
        ),
        ..item(Action::Skip, "late", "Late Joiner")
    };
    let unchanged = item(Action::Unchanged, "steady", "Steady State");
    let mut plan = Plan::new(
        vec![
            hostile,
            created("tyamada", "山田 太郎", "t.yamada@studio.example"),
            updated,
            reactivated,
            deactivated,
            conflict,
            skipped,
            out_of_scope,
            by_admin,
            held,
            unchanged,
        ],
        Inputs::default(),
    );
    plan.blocked = Some("would deactivate 1 of 4 active users, over the limit of 0".into());
    plan.warnings = vec!["- 3 entries have no entryUUID; their DN is their identity".into()];
    plan.seats = Seats {
        active_before: 282,
        active_after: 300,
        limit: Some(320),
    };
    plan
}

/// The facts of the run that computed the fixture plan: a fixed clock, operator and host.
pub(super) fn plan_facts() -> RunFacts {
    RunFacts {
        computed_at: "2025-01-02T03:04:05Z".into(),
        operator: "admin".into(),
        host: "sync01".into(),
        ftrack: "https://studio.ftrackapp.com".into(),
        api_user: "ldap2ftrack-api".into(),
        directory: "ldaps://ldap.studio.example (TLS)".into(),
        filter: "(objectClass=inetOrgPerson)".into(),
        scope: "everyone".into(),
    }
}

/// The report `report --from plan.json` makes of the fixture plan, a day after it was saved.
pub(super) fn plan_report() -> Report {
    let mut plan = fixture_plan();
    plan.facts = Some(plan_facts());
    let run = RunInfo::of_plan(&plan_facts());
    let mut report = report_from_plan(&plan, run, Listing::default());
    report.made_at = Some("2025-01-03T08:00:00Z".into());
    report.made_from = Some("plan.json".into());
    report
}

pub(super) fn apply_report() -> Report {
    let plan = fixture_plan();
    let items = plan
        .items
        .into_iter()
        .map(|item| {
            let status = match item.action {
                Action::Update => ItemStatus::Failed {
                    error: "HTTP 422: email <jane@studio.example> | already\r\nused".into(),
                },
                Action::Conflict => ItemStatus::Parked {
                    reason: "left for a person".into(),
                },
                Action::Skip if item.username.as_str() == "admin" => ItemStatus::Skipped {
                    reason: "protected account".into(),
                    cause: SkipCause::Protected,
                },
                Action::Skip => ItemStatus::Skipped {
                    reason: item.reason.clone().unwrap_or_default(),
                    cause: SkipCause::Plan,
                },
                Action::Reactivate => ItemStatus::Skipped {
                    reason: "skipped by an admin's decision".into(),
                    cause: SkipCause::NotApproved,
                },
                Action::Unchanged => ItemStatus::Skipped {
                    reason: "unchanged".into(),
                    cause: SkipCause::InSync,
                },
                Action::Deactivate => ItemStatus::NotAttempted {
                    reason: "interrupted".into(),
                },
                _ => ItemStatus::Applied,
            };
            let created_id = (item.action == Action::Create).then(|| format!("new-{}", item.name));
            let mut item = item;
            if item.action == Action::Reactivate {
                item.skip = Some(SkipKind::ByAdmin);
                item.decided = Some(DecisionMark {
                    decision: "skip this time".into(),
                    by: "lead".into(),
                    at: "2025-01-02T03:00:00Z".into(),
                });
            }
            ItemOutcome {
                item,
                status,
                created_id: created_id.map(Into::into),
            }
        })
        .collect();
    let mut run = run_info(RunMode::Apply);
    run.finished_at = "2025-01-02T03:05:00Z".into();
    let mut outcome = Outcome::new(run, items);
    outcome.stopped = Some("interrupted (Ctrl-C)".into());
    report_from_outcome(&outcome, Listing::default())
}

pub(super) fn rendered(report: &Report, format: ReportFormat) -> String {
    render(report, format, &RenderOptions::default()).unwrap()
}

#[test]
fn json_snapshot_round_trips() {
    let report = plan_report();
    let json = rendered(&report, ReportFormat::Json);
    insta::assert_snapshot!("report_json", json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format_version"], 3);
    assert_eq!(value["seats"]["active_after"], 300);
    let rows = value["rows"].as_array().unwrap();
    let updated = rows.iter().find(|r| r["username"] == "jdoe").unwrap();
    assert_eq!(updated["roles"][1]["change"], "revoke");
    assert!(
        rows.iter()
            .filter(|r| r["username"] != "jdoe")
            .all(|r| r.get("roles").is_none()),
        "rows without role changes have no roles key, as in version 1"
    );
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn csv_snapshot() {
    let csv = rendered(&plan_report(), ReportFormat::Csv);
    assert!(csv.contains("\r\n"), "RFC 4180 line ends");
    insta::assert_snapshot!("report_csv", csv.replace("\r\n", "⏎\n"));
}

#[test]
fn csv_neutralises_formulas_and_keeps_every_value() {
    let csv = rendered(&plan_report(), ReportFormat::Csv);
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, super::csv::PLAN_HEADER);
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10, "one row per listed user");
    for row in &rows {
        assert_eq!(row.len(), 16);
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula-like cell {cell:?}"
            );
        }
    }
    let hostile = rows.iter().find(|r| r[1].contains("calc")).unwrap();
    assert_eq!(&hostile[1], format!("'{FORMULA}"));
    assert_eq!(
        &hostile[2],
        format!("{SCRIPT} x"),
        "CSV keeps values verbatim"
    );
    assert_eq!(
        &hostile[3], "cn=a|b\nc,ou=people,dc=studio,dc=example",
        "a newline survives inside a quoted cell"
    );
    let updated = rows.iter().find(|r| &r[0] == "update").unwrap();
    assert_eq!(
        &updated[5],
        "first_name: Jane -> Janet; email: jane@old.example -> jane@studio.example"
    );
    assert_eq!(&updated[6], "'-Lighting");
    assert_eq!(
        &updated[11],
        "'+ role Project Manager on all open projects (group cn=<b>leads</b>|x,ou=groups); \
         - role Supervisor on projects ADS (no directory group gives it); \
         ~ role User: projects ADS, SHOW -> projects SHOW (group cn=show,ou=groups)"
    );
    let conflict = rows.iter().find(|r| &r[0] == "conflict").unwrap();
    assert_eq!(&conflict[10], "'+sneaky;lee.old");
    assert_eq!(&conflict[11], "", "no role changes, an empty cell");
    assert!(
        conflict[15].contains("link them"),
        "what to do: {:?}",
        &conflict[15]
    );
    let created = rows.iter().find(|r| &r[1] == "tyamada").unwrap();
    assert_eq!(&created[0], "create");
    assert_eq!(
        &created[5], "first_name: 山田; last_name: 太郎; email: t.yamada@studio.example",
        "a new user's values once, not changes from nothing"
    );
    assert_eq!(&created[2], "山田 太郎");
    let ignored = rows.iter().find(|r| &r[1] == "contractor").unwrap();
    assert_eq!(
        [&ignored[0], &ignored[12], &ignored[13], &ignored[14]],
        [
            "skip",
            "skipped by an admin",
            "lead",
            "2025-01-01T09:30:00Z"
        ]
    );
    let held = rows.iter().find(|r| &r[1] == "late").unwrap();
    assert_eq!(&held[0], "blocked");
}

#[test]
fn csv_bom_is_optional() {
    let report = plan_report();
    let plain = rendered(&report, ReportFormat::Csv);
    let bom = render(&report, ReportFormat::Csv, &RenderOptions { csv_bom: true }).unwrap();
    assert!(plain.starts_with("action,"));
    assert_eq!(bom, format!("\u{feff}{plain}"));
}

#[test]
fn neutralise_covers_every_trigger() {
    for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
        assert_eq!(super::csv::neutralise(cell), format!("'{cell}"));
    }
    for cell in ["", "jdoe", "a=b", " =1", "'quoted", "山田"] {
        assert_eq!(super::csv::neutralise(cell), cell);
    }
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(
        "report_markdown",
        rendered(&plan_report(), ReportFormat::Markdown)
    );
}

#[test]
fn markdown_apply_snapshot() {
    insta::assert_snapshot!(
        "report_markdown_apply",
        rendered(&apply_report(), ReportFormat::Markdown)
    );
}

/// Table cell count of a Markdown table line: `|` not preceded by a backslash.
fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn markdown_escapes_hostile_values() {
    for report in [plan_report(), apply_report()] {
        let md = rendered(&report, ReportFormat::Markdown);
        assert!(!md.contains("<script>"), "{md}");
        assert!(md.contains(r"\<script\>alert(1)\</script\>"));
        assert!(
            md.contains(r"cn=a\|b\\nc,ou=people"),
            "pipe and newline escaped"
        );
        // Every table keeps its shape: each row has as many cells as its header.
        let mut expected = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                expected = None;
                continue;
            }
            let pipes = unescaped_pipes(line);
            assert_eq!(*expected.get_or_insert(pipes), pipes, "broken row: {line}");
        }
    }
    let md = rendered(&plan_report(), ReportFormat::Markdown);
    assert!(md.contains("\\`lee@studio.example\\`"), "backticks escaped");
    assert!(
        md.contains("- \\- 3 entries"),
        "a warning cannot start a nested list"
    );
    assert!(md.contains("| 山田 太郎 |"));
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!("report_html", rendered(&plan_report(), ReportFormat::Html));
}

#[test]
fn html_is_self_contained_and_escaped() {
    for report in [plan_report(), apply_report()] {
        let html = rendered(&report, ReportFormat::Html);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("@media print"));
        let lower = html.to_lowercase();
        for forbidden in [
            "<script",
            "<link",
            "<img",
            "@import",
            "@font-face",
            "url(",
            "src=",
            "href=",
            "http://",
            "display: flex",
            "display: grid",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} in\n{html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;onerror=alert(1)@x.example"));
        assert!(html.contains("cn=a|b\\nc,ou=people"), "newline spelled out");
    }
    let html = rendered(&plan_report(), ReportFormat::Html);
    for marker in ["+", "~", "^", "-", "!"] {
        assert!(
            html.contains(&format!("\">{marker}</span>")),
            "marker {marker} next to the colour"
        );
    }
    assert!(html.contains("山田 太郎"));
}

#[test]
fn apply_report_lists_failures_and_stop() {
    let report = apply_report();
    let html = rendered(&report, ReportFormat::Html);
    assert!(html.contains("x</span> Failed (1)"));
    assert!(html.contains("HTTP 422: email &lt;jane@studio.example&gt; | already\\r\\nused"));
    assert!(html.contains("interrupted (Ctrl-C)"));
}

#[test]
fn formats_parse_from_names_and_extensions() {
    for (name, format) in [
        ("json", ReportFormat::Json),
        ("CSV", ReportFormat::Csv),
        ("md", ReportFormat::Markdown),
        ("markdown", ReportFormat::Markdown),
        ("html", ReportFormat::Html),
    ] {
        assert_eq!(ReportFormat::from_name(name), Some(format));
    }
    assert_eq!(ReportFormat::from_name("pdf"), None);
    for (path, format) in [
        ("r.json", ReportFormat::Json),
        ("dir/r.csv", ReportFormat::Csv),
        ("r.md", ReportFormat::Markdown),
        ("r.html", ReportFormat::Html),
        ("R.HTM", ReportFormat::Html),
    ] {
        assert_eq!(ReportFormat::from_path(Path::new(path)).unwrap(), format);
    }
    let error = ReportFormat::from_path(Path::new("out/report.txt")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("out/report.txt"), "{message}");
    assert!(message.contains(".html"), "{message}");
    assert!(ReportFormat::from_path(Path::new("report")).is_err());
}

#[test]
fn resolve_prefers_the_flag_then_the_extension_then_markdown() {
    let csv = Some(Path::new("r.csv"));
    assert_eq!(
        ReportFormat::resolve(Some(ReportFormat::Json), csv).unwrap(),
        ReportFormat::Json
    );
    assert_eq!(ReportFormat::resolve(None, csv).unwrap(), ReportFormat::Csv);
    assert_eq!(
        ReportFormat::resolve(None, Some(Path::new("-"))).unwrap(),
        ReportFormat::Markdown
    );
    assert_eq!(
        ReportFormat::resolve(None, None).unwrap(),
        ReportFormat::Markdown
    );
    assert!(ReportFormat::resolve(None, Some(Path::new("r.pdf"))).is_err());
}

#[test]
fn write_report_replaces_the_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    std::fs::write(&path, "old").unwrap();
    let report = plan_report();
    write_report(
        &path,
        &report,
        ReportFormat::Html,
        &RenderOptions::default(),
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        rendered(&report, ReportFormat::Html)
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.html"], "no temporary file left behind");
}

#[test]
fn write_report_names_the_file_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("report.csv");
    let error = write_report(
        &path,
        &plan_report(),
        ReportFormat::Csv,
        &RenderOptions::default(),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("missing/report.csv"), "{message}");
    assert!(
        message.starts_with("cannot write the report to"),
        "{message}"
    );
}

#[test]
fn a_console_sessions_decisions_and_commits_are_reported_escaped() {
    let mut report = plan_report();
    let summary = crate::apply::outcome::OutcomeSummary {
        created: 1,
        ..Default::default()
    };
    report.session = Some(SessionLog {
        decisions: vec![DecisionEvent {
            at: "2025-01-02T03:04:05Z".into(),
            operator: "admin".into(),
            username: "<b>evil|user</b>".into(),
            decision: "rename to x|y".into(),
        }],
        commits: vec![CommitLog {
            run_id: "run-1".into(),
            started_at: "2025-01-02T03:05:00Z".into(),
            finished_at: "2025-01-02T03:05:02Z".into(),
            summary,
            stopped: None,
            users: vec![("jdoe".into(), "created".into(), String::new())],
        }],
    });
    let markdown = rendered(&report, ReportFormat::Markdown);
    assert!(markdown.contains("## Console session"), "{markdown}");
    assert!(markdown.contains(
        "| 2025-01-02T03:04:05Z | admin | \\<b\\>evil\\|user\\</b\\> | rename to x\\|y |"
    ));
    assert!(markdown.contains("#### Commit 1: run run-1"));
    assert!(markdown.contains("| jdoe | created |  |"));
    let html = rendered(&report, ReportFormat::Html);
    assert!(
        html.contains("<td>&lt;b&gt;evil|user&lt;/b&gt;</td>"),
        "{html}"
    );
    assert!(html.contains("<h3>Commits (1)</h3>"));
    let json: serde_json::Value =
        serde_json::from_str(&rendered(&report, ReportFormat::Json)).unwrap();
    assert_eq!(json["session"]["decisions"][0]["operator"], "admin");
    // A report made outside the console has no session part.
    assert!(!rendered(&plan_report(), ReportFormat::Markdown).contains("Console session"));
}
