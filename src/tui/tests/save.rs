//! Saving and quitting: `w`, the unsaved question, standing decisions in force only once
//! committed or saved, and the earlier session's autosave.

use super::*;
use crate::reconcile::decision::{Decision, Decisions};
use crate::tui::action::Context;
use crate::tui::app::{App, AppOptions, RestoreOffer};
use crate::tui::{Effect, Msg, Writing};
use crossterm::event::KeyCode;

#[test]
fn save_and_the_unsaved_question_on_quit() {
    let mut app = loaded();
    // Nothing changed: q quits at once.
    let mut fresh = loaded();
    assert!(matches!(
        press(&mut fresh, KeyCode::Char('q')).as_slice(),
        [Effect::Quit]
    ));
    assert!(fresh.should_quit());

    press(&mut app, KeyCode::Char('y'));
    assert!(app.unsaved());
    assert!(press(&mut app, KeyCode::Char('Q')).is_empty());
    assert_eq!(app.context(), Context::QuitConfirm);
    press(&mut app, KeyCode::Esc);
    assert!(!app.should_quit());
    // Ctrl-C asks too, and a second Ctrl-C quits (the autosave keeps the decisions).
    let mut hasty = loaded();
    press(&mut hasty, KeyCode::Char('y'));
    assert!(ctrl(&mut hasty, 'c').is_empty());
    assert_eq!(hasty.context(), Context::QuitConfirm);
    ctrl(&mut hasty, 'c');
    assert!(hasty.should_quit());
    let effects = press(&mut app, KeyCode::Char('w'));
    assert!(matches!(effects.as_slice(), [Effect::SaveDecisions(d)] if d.decisions.len() == 1));
    assert!(
        app.unsaved(),
        "unsaved until the runtime says it wrote the file"
    );
    send(
        &mut app,
        Msg::DecisionsSaved {
            path: "decisions.json".into(),
        },
    );
    assert!(!app.unsaved());
    assert!(matches!(
        press(&mut app, KeyCode::Char('q')).as_slice(),
        [Effect::Quit]
    ));

    let mut other = loaded();
    press(&mut other, KeyCode::Char('y'));
    press(&mut other, KeyCode::Char('w'));
    send(
        &mut other,
        Msg::WriteFailed {
            writing: Writing::Decisions,
            error: "cannot write decisions.json".into(),
        },
    );
    assert!(other.note.as_ref().unwrap().error);
    assert!(other.unsaved());
    press(&mut other, KeyCode::Char('Q'));
    let effects = press(&mut other, KeyCode::Char('w'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::SaveDecisions(_), Effect::Quit]
    ));
    assert!(other.should_quit());
}

fn standing_of(effects: &[Effect]) -> Decisions {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Apply { standing, .. } => Some(standing.clone()),
            _ => None,
        })
        .expect("an apply")
}

#[test]
fn a_standing_decision_is_the_sessions_until_committed() {
    let mut app = loaded();
    // Ignoring asks only for the crash-recovery autosave: nothing is put in force.
    let effects = press(&mut app, KeyCode::Char('i'));
    assert!(
        matches!(effects.as_slice(), [Effect::Autosave(d)] if d.decisions.get(&"d-evil".into()) == Some(&Decision::Ignore)),
        "{effects:?}"
    );
    assert!(app.recorded.decisions.is_empty(), "not in force yet");
    assert_eq!(app.unrecorded_standing(), ["ignore evil"]);
    assert!(app.unsaved());
    // The commit records it before applying; once the runtime says so, nothing is unsaved.
    let effects = approve_view_and_commit(&mut app);
    let standing = standing_of(&effects);
    assert_eq!(
        standing.decisions.get(&"d-evil".into()),
        Some(&Decision::Ignore)
    );
    assert_eq!(standing.decisions.len(), 1, "only standing decisions");
    assert!(app.unsaved(), "until the runtime has recorded them");
    send(&mut app, Msg::Recorded(standing.clone()));
    assert_eq!(app.recorded, standing);
    assert!(app.unrecorded_standing().is_empty());
    assert!(!app.unsaved());
}

#[test]
fn a_scoped_commit_records_only_the_standing_decisions_in_its_scope() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('i')); // ignore evil (create bucket)
    press(&mut app, KeyCode::Char('y')); // approve tyamada
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('y')); // approve jdoe (update bucket)
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char(' ')); // mark jdoe only
    press(&mut app, KeyCode::Char('c'));
    let effects = press(&mut app, KeyCode::Enter);
    let standing = standing_of(&effects);
    assert!(
        standing.decisions.is_empty(),
        "the ignore is outside the marked rows: {standing:?}"
    );
    send(&mut app, Msg::Recorded(standing));
    assert_eq!(app.unrecorded_standing(), ["ignore evil"]);
    assert_eq!(
        app.unsaved_one_run(),
        1,
        "tyamada's approval was not committed"
    );
    assert!(app.unsaved());
}

#[test]
fn quitting_names_the_standing_decisions_and_discard_puts_none_in_force() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    ctrl(&mut app, 'u');
    typed(&mut app, "zoe.d");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.unrecorded_standing(),
        ["ignore evil", "rename zoe -> zoe.d"],
    );
    press(&mut app, KeyCode::Char('Q'));
    assert_eq!(app.context(), Context::QuitConfirm);
    let effects = press(&mut app, KeyCode::Char('d'));
    assert!(matches!(effects.as_slice(), [Effect::Quit]), "{effects:?}");
    assert!(app.should_quit());
    assert!(app.recorded.decisions.is_empty());
}

#[test]
fn saving_puts_the_standing_decisions_in_force() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('i'));
    assert!(matches!(
        press(&mut app, KeyCode::Char('w')).as_slice(),
        [Effect::SaveDecisions(d)] if d.decisions.len() == 1
    ));
    send(
        &mut app,
        Msg::DecisionsSaved {
            path: "decisions.json".into(),
        },
    );
    assert_eq!(
        app.recorded.decisions.get(&"d-evil".into()),
        Some(&Decision::Ignore)
    );
    assert!(app.unrecorded_standing().is_empty());
}

fn offered(decisions: Decisions) -> App {
    let mut app = App::new(AppOptions {
        restore: Some(RestoreOffer {
            decisions,
            saved_at: Some("2026-12-02T03:26:00Z".into()),
        }),
        ..AppOptions::default()
    });
    send(&mut app, Msg::Resize(80, 24));
    app
}

#[test]
fn an_unfinished_sessions_autosave_is_restored_only_when_the_admin_says_so() {
    let mut autosaved = Decisions::default();
    autosaved
        .decisions
        .insert("d-jdoe".into(), Decision::Approve);
    autosaved
        .decisions
        .insert("d-evil".into(), Decision::Ignore);
    // Asked while loading; y restores, and the plan that arrives reflects it.
    let mut app = offered(autosaved.clone());
    assert_eq!(app.context(), Context::Restore);
    assert!(matches!(
        press(&mut app, KeyCode::Char('y')).as_slice(),
        [Effect::ContinueAutosave]
    ));
    assert_eq!(app.decisions(), &autosaved);
    assert!(app.unsaved(), "restored decisions are not in force");
    send(&mut app, Msg::Loaded(Box::new(session())));
    assert_eq!(app.review.as_ref().unwrap().counts.approved, 1);
    assert_eq!(app.unrecorded_standing(), ["ignore evil"]);
    // n starts afresh and moves the autosave aside.
    let mut app = offered(autosaved);
    assert!(matches!(
        press(&mut app, KeyCode::Char('n')).as_slice(),
        [Effect::SetAutosaveAside]
    ));
    assert!(app.decisions().decisions.is_empty());
    assert_eq!(app.context(), Context::Loading);
    // Other keys, and the plan arriving, leave the question open; the answer replans.
    let mut app = offered(autosaved_approval());
    press(&mut app, KeyCode::Char('x'));
    send(&mut app, Msg::Loaded(Box::new(session())));
    assert_eq!(app.context(), Context::Restore);
    assert_eq!(app.review.as_ref().unwrap().counts.approved, 0);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.context(), Context::List);
    assert_eq!(app.review.as_ref().unwrap().counts.approved, 1);
}

fn autosaved_approval() -> Decisions {
    let mut decisions = Decisions::default();
    decisions
        .decisions
        .insert("d-jdoe".into(), Decision::Approve);
    decisions
}

#[test]
fn a_failed_autosave_says_so_and_leaves_a_save_in_flight_alone() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('w'));
    send(
        &mut app,
        Msg::WriteFailed {
            writing: Writing::Autosave,
            error: "disk full".into(),
        },
    );
    assert_eq!(note(&app), "autosave failed: disk full");
    assert!(app.note.as_ref().is_some_and(|n| n.error));
    send(
        &mut app,
        Msg::DecisionsSaved {
            path: "decisions.json".into(),
        },
    );
    assert!(!app.unsaved(), "the save that was in flight counts");
}
