//! Committing: what a commit covers (all, marked, the view, what they need), the typed
//! deactivation count, the apply's progress and results.

use super::*;
use crate::apply::engine::{Applied, ApplyProgress};
use crate::apply::outcome::{ItemStatus, Outcome, RunInfo};
use crate::ids::ItemKey;
use crate::reconcile::decision::Decision;
use crate::tui::action::Context;
use crate::tui::app::{CommitScope, Overlay, Screen};
use crate::tui::{Effect, Msg};
use crossterm::event::KeyCode;
use std::time::Duration;

fn apply_effect(effects: Vec<Effect>) -> Box<crate::reconcile::decision::ApprovedPlan> {
    effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Apply { approved, .. } => Some(approved),
            _ => None,
        })
        .expect("an apply")
}

fn approved_usernames(plan: &crate::reconcile::decision::ApprovedPlan) -> Vec<String> {
    plan.plan
        .items
        .iter()
        .zip(&plan.approved)
        .filter(|(_, ok)| **ok)
        .map(|(i, _)| i.username.to_string())
        .collect()
}

#[test]
fn commit_needs_approvals_then_applies_exactly_the_approved_items() {
    let mut app = loaded();
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    assert!(note(&app).contains("nothing approved"));
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.context(), Context::Commit);
    let Overlay::Commit(modal) = &app.overlay else {
        panic!()
    };
    assert_eq!(modal.scope, CommitScope::All);
    assert_eq!(modal.counts.create, 2);
    let plan = apply_effect(press(&mut app, KeyCode::Enter));
    assert_eq!(approved_usernames(&plan), ["evil", "tyamada"]);
    assert!(matches!(app.screen, Screen::Applying(_)));
    assert_eq!(app.context(), Context::Progress);
}

#[test]
fn deactivations_need_their_count_typed() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('c'));
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(note(&app).contains("type 1"));
    typed(&mut app, "2");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    press(&mut app, KeyCode::Backspace);
    typed(&mut app, "x1");
    let plan = apply_effect(press(&mut app, KeyCode::Enter));
    assert_eq!(approved_usernames(&plan), ["gone"]);
}

#[test]
fn staged_rollout_commits_only_marked_rows_or_the_view() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('y'));
    // Marked: only the update.
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('c'));
    let Overlay::Commit(modal) = &app.overlay else {
        panic!()
    };
    assert_eq!(modal.scope, CommitScope::Marked);
    assert_eq!(modal.counts.changes(), 1);
    // Tab: the current view (the update bucket), then everything.
    press(&mut app, KeyCode::Tab);
    let Overlay::Commit(modal) = &app.overlay else {
        panic!()
    };
    assert_eq!(
        (modal.scope, modal.counts.update, modal.counts.create),
        (CommitScope::View, 1, 0)
    );
    press(&mut app, KeyCode::Tab);
    let Overlay::Commit(modal) = &app.overlay else {
        panic!()
    };
    assert_eq!((modal.scope, modal.counts.changes()), (CommitScope::All, 3));
    press(&mut app, KeyCode::Tab);
    let plan = apply_effect(press(&mut app, KeyCode::Enter));
    assert_eq!(approved_usernames(&plan), ["jdoe"]);
}

#[test]
fn apply_progress_results_retry_and_export() {
    let mut app = loaded();
    apply_effect(approve_view_and_commit(&mut app));
    send(
        &mut app,
        Msg::ApplyProgress(ApplyProgress {
            done: 1,
            total: 2,
            applied: 1,
            failed: 0,
            eta: Some(Duration::from_secs(3)),
        }),
    );
    let ok = finished(&app, "tyamada", ItemStatus::Applied);
    let bad = finished(
        &app,
        "evil",
        ItemStatus::Failed {
            error: "username rejected".into(),
        },
    );
    send(&mut app, Msg::ItemFinished(ok.clone()));
    send(&mut app, Msg::ItemFinished(bad.clone()));
    let Screen::Applying(state) = &app.screen else {
        panic!()
    };
    assert_eq!(state.finished.len(), 2);
    assert_eq!(state.progress.as_ref().unwrap().done, 1);
    // Keys other than Ctrl-C and q do nothing while applying.
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    assert!(matches!(
        ctrl(&mut app, 'c').as_slice(),
        [Effect::CancelApply]
    ));
    let Screen::Applying(state) = &app.screen else {
        panic!()
    };
    assert!(state.cancelling);
    let outcome = Outcome::new(RunInfo::default(), vec![ok, bad]);
    send(
        &mut app,
        Msg::Applied(Box::new(Applied {
            outcome,
            ending: crate::apply::engine::Ending::Finished,
        })),
    );
    assert_eq!(app.context(), Context::Results);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.context(), Context::Export);
    let Overlay::Export { path } = &app.overlay else {
        panic!()
    };
    assert_eq!(
        path.text(),
        "ldap2ftrack-report-2025-01-31.html",
        "the console's date"
    );
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "json");
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::ExportReport { report, path }) = effects.into_iter().next() else {
        panic!()
    };
    assert!(path.to_string_lossy().ends_with(".json"));
    assert_eq!(report.summary.failed, 1);
    assert_eq!(report.summary.created, 1);
    send(
        &mut app,
        Msg::ReportWritten {
            path: "x.json".into(),
        },
    );
    assert_eq!(note(&app), "report written to x.json");
    assert_eq!(
        app.context(),
        Context::Results,
        "the dialog closes once written"
    );
    // Retry: reload, then the failed user is marked with its approval kept.
    assert!(matches!(
        press(&mut app, KeyCode::Char('r')).as_slice(),
        [Effect::Load]
    ));
    send(&mut app, Msg::Loaded(Box::new(session())));
    let review = app.review.as_ref().unwrap();
    assert_eq!(
        review.marks.iter().collect::<Vec<_>>(),
        [&ItemKey::from("d-evil")]
    );
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
}

#[test]
fn a_commit_of_marked_rows_pulls_in_what_they_need_and_says_so() {
    let mut app = on_pavan();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('n')); // approve Pavan alone
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char(' ')); // mark Pavan
    press(&mut app, KeyCode::Char('c'));
    let Overlay::Commit(modal) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(modal.scope, CommitScope::Marked);
    assert_eq!((modal.counts.create, modal.counts.update), (1, 1));
    assert_eq!(modal.settled.pulled_in.len(), 1);
    let plan = apply_effect(press(&mut app, KeyCode::Enter));
    assert_eq!(approved_usernames(&plan), ["ppatel", "priya.patel"]);
}

#[test]
fn a_row_whose_need_was_skipped_is_held_back_and_the_commit_says_why() {
    let mut app = on_pavan();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(current_username(&app), "priya.patel");
    press(&mut app, KeyCode::Char('n')); // skip Priya's rename
    press(&mut app, KeyCode::Char('c'));
    let Overlay::Commit(modal) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(modal.counts.changes(), 0);
    assert_eq!(
        modal.settled.held_back[0].reason,
        "needs rename ppatel -> priya.patel, which was skipped"
    );
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(note(&app).contains("nothing approved in this selection"));
}
