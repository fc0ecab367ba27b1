//! Reports: the plan as decided so far, a failed write, and the session's journal.

use super::*;
use crate::apply::engine::Applied;
use crate::apply::outcome::{ItemStatus, Outcome, RunInfo};
use crate::tui::action::Context;
use crate::tui::app::Overlay;
use crate::tui::{Effect, Msg, Writing};
use crossterm::event::KeyCode;

#[test]
fn export_from_the_review_writes_a_plan_report() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('x'));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.context(), Context::List);
    press(&mut app, KeyCode::Char('x'));
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ExportReport { report, .. }) = effects.into_iter().next() else {
        panic!()
    };
    assert_eq!(report.summary.conflicted, 1);
    assert_eq!(report.run.ftrack, "https://studio.ftrackapp.com");
    let created_before = report.summary.created;
    let skipped_before = report.summary.skipped;
    assert_eq!(
        app.context(),
        Context::Export,
        "open until the report is written"
    );
    send(
        &mut app,
        Msg::ReportWritten {
            path: "report.html".into(),
        },
    );
    assert_eq!(app.context(), Context::List);

    // The admin's decisions show: a skipped change is reported as skipped, an undecided one
    // says it waits.
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Char('x'));
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ExportReport { report, .. }) = effects.into_iter().next() else {
        panic!()
    };
    assert_eq!(report.summary.created, created_before - 1);
    assert_eq!(report.summary.skipped, skipped_before + 1);
    assert!(
        report
            .rows
            .iter()
            .any(|r| r.reason.as_deref() == Some("skipped in the console for this run"))
    );
    assert!(report.rows.iter().any(|r| {
        r.reason
            .as_deref()
            .is_some_and(|why| why.ends_with("awaiting a decision in the console"))
    }));
    // The skip was taken by a person: the report and the decisions say who and when.
    let skipped = report
        .rows
        .iter()
        .find(|r| r.reason.as_deref() == Some("skipped in the console for this run"))
        .unwrap();
    assert_eq!(
        skipped.skip,
        Some(crate::reconcile::plan::SkipKind::ByAdmin)
    );
    let mark = skipped.decided.as_ref().expect("who skipped it");
    assert_eq!(
        (mark.decision.as_str(), mark.by.as_str(), mark.at.as_str()),
        ("skip this time", "admin", "2025-01-31T00:00:00Z")
    );
    let taken: Vec<_> = app.decisions().taken.values().collect();
    assert_eq!(taken.len(), 1);
    assert_eq!(
        (taken[0].by.as_str(), taken[0].at.as_str()),
        ("admin", "2025-01-31T00:00:00Z")
    );
}

#[test]
fn a_failed_export_keeps_the_dialog_open_with_the_typed_path() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('x'));
    ctrl(&mut app, 'u');
    typed(&mut app, "/nonexistent/dir/report.html");
    press(&mut app, KeyCode::Enter);
    send(
        &mut app,
        Msg::WriteFailed {
            writing: Writing::Report,
            error: "cannot write /nonexistent/dir/report.html".into(),
        },
    );
    assert_eq!(app.context(), Context::Export);
    let Overlay::Export { path } = &app.overlay else {
        panic!()
    };
    assert_eq!(path.text(), "/nonexistent/dir/report.html");
    assert!(app.note.as_ref().is_some_and(|n| n.error));
}

#[test]
fn x_exports_the_whole_session_every_decision_with_who_and_when_and_every_commit() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('i')); // ignore evil
    press(&mut app, KeyCode::Char('y')); // approve tyamada
    press(&mut app, KeyCode::Char('u')); // undo it
    press(&mut app, KeyCode::Char('y')); // approve again
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Enter);
    let created = finished(&app, "tyamada", ItemStatus::Applied);
    let run = RunInfo {
        run_id: "run-1".into(),
        ..RunInfo::default()
    };
    send(
        &mut app,
        Msg::Applied(Box::new(Applied {
            outcome: Outcome::new(run, vec![created]),
            ending: crate::apply::engine::Ending::Finished,
        })),
    );
    press(&mut app, KeyCode::Char('x'));
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ExportReport { report, .. }) = effects.into_iter().next() else {
        panic!()
    };
    let session = report.session.expect("the session's journal");
    let said: Vec<(String, String)> = session
        .decisions
        .iter()
        .map(|d| (d.username.clone(), d.decision.clone()))
        .collect();
    assert_eq!(
        said,
        [
            ("evil".to_string(), "ignore (standing)".to_string()),
            ("tyamada".into(), "approve".into()),
            ("tyamada".into(), "undo: no decision".into()),
            ("tyamada".into(), "approve".into()),
        ]
    );
    assert!(
        session
            .decisions
            .iter()
            .all(|d| d.operator == "admin" && d.at == "2025-01-31T00:00:00Z")
    );
    assert_eq!(session.commits.len(), 1);
    assert_eq!(session.commits[0].run_id, "run-1");
    assert_eq!(
        session.commits[0].users,
        [("tyamada".to_string(), "created".to_string(), String::new())]
    );
}

#[test]
fn the_journal_records_when_each_decision_arrived() {
    let mut app = loaded();
    let later = now() + jiff::SignedDuration::from_hours(30);
    crate::tui::update(
        &mut app,
        Msg::Key(key_event(KeyCode::Char('y'), KeyModifiers::NONE)),
        later,
    );
    press(&mut app, KeyCode::Char('u'));
    let times: Vec<&str> = app.journal.iter().map(|e| e.at.as_str()).collect();
    assert_eq!(times, ["2025-02-01T06:00:00Z", "2025-01-31T00:00:00Z"]);
    press(&mut app, KeyCode::Char('x'));
    let Overlay::Export { path } = &app.overlay else {
        panic!("the export dialog")
    };
    assert_eq!(path.text(), "ldap2ftrack-report-2025-01-31.html");
}
