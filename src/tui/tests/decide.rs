//! Approving, skipping and ignoring: `y`/`n` on rows and marks, `Y`/`N` on the view, undo
//! and redo, and the offer to approve what an approved row needs.

use super::*;
use crate::reconcile::decision::{Decision, IGNORED};
use crate::tui::action::Context;
use crate::tui::app::{Bucket, Overlay};
use crossterm::event::KeyCode;

#[test]
fn approve_jumps_to_the_next_undecided_row_and_autosaves() {
    let mut app = loaded();
    assert_eq!(current_username(&app), "evil");
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(autosaved(&effects));
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
    assert_eq!(current_username(&app), "tyamada");
    let effects = press(&mut app, KeyCode::Char('n'));
    assert!(autosaved(&effects));
    assert_eq!(decision(&app, "d-yamada"), Some(Decision::Skip));
    let counts = app.review.as_ref().unwrap().counts;
    assert_eq!((counts.approved, counts.skipped, counts.pending), (1, 1, 3));
}

#[test]
fn a_conflict_cannot_be_approved_but_can_be_skipped() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(current_username(&app), "zoe");
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(effects.is_empty());
    assert!(app.note.as_ref().unwrap().error);
    assert_eq!(decision(&app, "d-zoe"), None);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(decision(&app, "d-zoe"), Some(Decision::Skip));
}

#[test]
fn unchanged_rows_take_no_approval() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(current_username(&app), "alee");
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    assert!(app.decisions().decisions.is_empty());
}

#[test]
fn undo_and_redo_restore_decisions() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.decisions().decisions.len(), 2);
    assert!(autosaved(&press(&mut app, KeyCode::Char('u'))));
    assert_eq!(decision(&app, "d-yamada"), None);
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
    ctrl(&mut app, 'r');
    assert_eq!(decision(&app, "d-yamada"), Some(Decision::Approve));
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('u'));
    assert!(app.decisions().decisions.is_empty());
    assert!(press(&mut app, KeyCode::Char('u')).is_empty());
    assert_eq!(note(&app), "nothing to undo");
    // A new decision clears what could be redone.
    press(&mut app, KeyCode::Char('n'));
    assert!(ctrl(&mut app, 'r').is_empty());
}

#[test]
fn marks_take_y_and_n_for_all_marked_rows() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.review.as_ref().unwrap().marks.len(), 1);
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.review.as_ref().unwrap().marks.len(), 2);
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(effects.len(), 1);
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
    assert_eq!(decision(&app, "d-jdoe"), Some(Decision::Approve));
    assert_eq!(decision(&app, "d-yamada"), None);
    assert!(app.review.as_ref().unwrap().marks.is_empty());
    // One undo step for the whole batch.
    press(&mut app, KeyCode::Char('u'));
    assert!(app.decisions().decisions.is_empty());
    press(&mut app, KeyCode::Char('T'));
    press(&mut app, KeyCode::Char('U'));
    assert!(app.review.as_ref().unwrap().marks.is_empty());
}

#[test]
fn approve_all_in_view_asks_with_the_count() {
    let mut app = loaded();
    assert!(press(&mut app, KeyCode::Char('Y')).is_empty());
    let Overlay::Confirm(question) = &app.overlay else {
        panic!("no confirmation")
    };
    assert_eq!(question.items.len(), 2);
    assert_eq!(app.context(), Context::Confirm);
    assert!(autosaved(&press(&mut app, KeyCode::Char('y'))));
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
    assert_eq!(decision(&app, "d-yamada"), Some(Decision::Approve));
    press(&mut app, KeyCode::Char('N'));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(decision(&app, "d-yamada"), Some(Decision::Approve));
    // Nothing to approve in the unchanged bucket: no question.
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('Y'));
    assert!(matches!(app.overlay, Overlay::None));
}

#[test]
fn ignore_is_standing_moves_the_item_and_toggles() {
    let mut app = loaded();
    let effects = press(&mut app, KeyCode::Char('i'));
    assert!(autosaved(&effects));
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Ignore));
    assert_eq!(bucket(&app), Bucket::Create);
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    press(&mut app, KeyCode::Char('7'));
    let review = app.review.as_ref().unwrap();
    let evil = review
        .view
        .iter()
        .map(|&i| &review.plan.items[i])
        .find(|i| i.username == "evil")
        .unwrap();
    assert_eq!(evil.reason.as_deref(), Some(IGNORED));
    while current_username(&app) != "evil" {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(decision(&app, "d-evil"), None);
    assert_eq!(app.review.as_ref().unwrap().plan.summary.create, 2);
}

#[test]
fn approving_a_row_offers_to_approve_what_it_needs() {
    let mut app = on_pavan();
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.context(), Context::Confirm);
    let Overlay::Confirm(question) = &app.overlay else {
        panic!()
    };
    assert_eq!(question.needed_by.as_deref(), Some("ppatel"));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(decision(&app, "d-pavan"), Some(Decision::Approve));
    assert_eq!(decision(&app, "d-priya"), Some(Decision::Approve));
    // Declined: only the row itself is approved, and the note says what a commit will do.
    let mut app = on_pavan();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(decision(&app, "d-priya"), None);
    assert!(
        note(&app).contains("brings what it needs along"),
        "{}",
        note(&app)
    );
}
