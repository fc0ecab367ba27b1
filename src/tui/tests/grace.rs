//! The grace bucket: pending deactivations with their countdown, and `D` to deactivate now.

use super::render::{draw, text};
use super::{loaded_with, now, press, session};
use crate::reconcile::Action as Planned;
use crate::reconcile::decision::{Decision, Decisions};
use crate::reconcile::grace::{Grace, GracePeriod, MissingMark};
use crate::tui::app::{App, Session};
use crossterm::event::KeyCode;

/// The fixture with a 72-hour grace: `gone` (linked, missing) was first seen missing 31 hours
/// before the tests' time, by one run.
fn grace_session() -> Session {
    let mut session = session();
    session.policy.grace = Grace {
        after: Some(GracePeriod::from_secs(72 * 3600)),
        after_runs: Some(3),
        disabled_immediately: true,
    };
    session.policy.now = now();
    let since = now() - jiff::SignedDuration::from_hours(31);
    session.policy.missing_marks = [("f-gone".into(), MissingMark { since, runs: 1 })]
        .into_iter()
        .collect();
    session
}

fn grace_app() -> App {
    loaded_with(grace_session(), Decisions::default())
}

fn action_of(app: &App, username: &str) -> Planned {
    let plan = app.plan().expect("a plan");
    plan.items
        .iter()
        .find(|i| i.username == username)
        .map(|i| i.action)
        .expect("the user is in the plan")
}

#[test]
fn a_pending_user_shows_its_countdown_in_the_header_list_and_detail() {
    let mut app = grace_app();
    assert_eq!(action_of(&app, "gone"), Planned::Pending);
    press(&mut app, KeyCode::Char('8'));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("8?Grace 1"), "{screen}");
    assert!(
        screen.contains("gone") && screen.contains("in 1d 17h and 1 more run"),
        "{screen}"
    );
    press(&mut app, KeyCode::Enter);
    let detail = text(&draw(&mut app, 120, 40));
    assert!(detail.contains("grace"), "{detail}");
    assert!(
        detail.contains("1d 17h and 1 more run left (D deactivates now)"),
        "{detail}"
    );
}

#[test]
fn without_a_grace_the_header_has_no_grace_tab() {
    let mut app = loaded_with(session(), Decisions::default());
    let screen = text(&draw(&mut app, 120, 40));
    assert!(!screen.contains("Grace"), "{screen}");
    assert_eq!(action_of(&app, "gone"), Planned::Deactivate);
}

#[test]
fn d_deactivates_a_pending_user_now_and_again_lets_it_wait() {
    let mut app = grace_app();
    press(&mut app, KeyCode::Char('8'));
    press(&mut app, KeyCode::Char('D'));
    assert_eq!(
        app.decisions
            .decisions
            .get(&crate::ids::ItemKey::FtrackOnly("f-gone".into())),
        Some(&Decision::DeactivateNow)
    );
    assert_eq!(action_of(&app, "gone"), Planned::Deactivate);
    let plan = app.plan().expect("a plan");
    let gone = plan.items.iter().find(|i| i.username == "gone").unwrap();
    assert!(
        gone.reason
            .as_deref()
            .unwrap()
            .contains("deactivated before its grace period ended"),
        "{:?}",
        gone.reason
    );
    press(&mut app, KeyCode::Char('4'));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("4-Deactivate 1"), "{screen}");
    assert!(
        screen.contains("approved 1"),
        "the decision approves it: {screen}"
    );
    press(&mut app, KeyCode::Char('D'));
    assert_eq!(
        action_of(&app, "gone"),
        Planned::Pending,
        "D again: it waits"
    );
    assert!(app.decisions.decisions.is_empty());
}

#[test]
fn d_on_a_row_that_is_not_pending_changes_nothing() {
    let mut app = grace_app();
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('D'));
    assert!(app.decisions.decisions.is_empty());
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("only a user waiting out its grace"),
        "{screen}"
    );
}
