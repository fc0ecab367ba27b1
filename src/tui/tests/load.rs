//! Reading both sides: progress, a failed read and `R`, a reload keeping decisions, resumed
//! decisions, and the keys and ticks that do nothing or quit.

use super::*;
use crate::reconcile::decision::{Decision, Decisions};
use crate::tui::action::Context;
use crate::tui::app::{App, AppOptions, Bucket, Screen};
use crate::tui::{Effect, LoadStage, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[test]
fn starts_loading_shows_progress_then_the_plan_with_nothing_approved() {
    let mut app = App::new(AppOptions::default());
    assert_eq!(app.context(), Context::Loading);
    assert!(!app.should_quit());
    send(
        &mut app,
        Msg::LoadProgress {
            stage: LoadStage::Directory,
            read: 500,
            pages: 2,
        },
    );
    send(
        &mut app,
        Msg::LoadProgress {
            stage: LoadStage::Ftrack,
            read: 40,
            pages: 1,
        },
    );
    let Screen::Loading(state) = &app.screen else {
        panic!("not loading")
    };
    assert_eq!(state.directory, Some((500, 2)));
    assert_eq!(state.ftrack, Some((40, 1)));
    send(&mut app, Msg::Loaded(Box::new(session())));
    assert_eq!(app.context(), Context::List);
    assert_eq!(bucket(&app), Bucket::Create);
    let review = app.review.as_ref().unwrap();
    assert_eq!(review.view.len(), 2);
    assert_eq!(review.counts.approved, 0);
    // Two creates, an update, a conflict and a deactivation wait for the admin.
    assert_eq!(review.counts.pending, 5);
    assert!(app.decisions().decisions.is_empty());
}

#[test]
fn a_failed_load_is_shown_and_r_retries() {
    let mut app = App::new(AppOptions::default());
    send(
        &mut app,
        Msg::LoadFailed {
            error: "ldap: invalid credentials".into(),
            code: crate::exit::UNAVAILABLE,
        },
    );
    assert!(matches!(&app.screen, Screen::LoadFailed(e) if e.contains("invalid credentials")));
    // Quitting now reports the failure, as a headless run would.
    assert_eq!(app.exit_code(), crate::exit::UNAVAILABLE);
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(matches!(effects.as_slice(), [Effect::Load]));
    assert!(matches!(app.screen, Screen::Loading(_)));
    send(&mut app, Msg::Loaded(Box::new(session())));
    assert_eq!(app.exit_code(), crate::exit::OK, "the retry worked");
}

#[test]
fn reload_keeps_decisions_bucket_and_cursor() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('y'));
    assert!(matches!(
        press(&mut app, KeyCode::Char('R')).as_slice(),
        [Effect::Load]
    ));
    assert_eq!(app.context(), Context::Loading);
    send(&mut app, Msg::Loaded(Box::new(session())));
    assert_eq!(bucket(&app), Bucket::Update);
    assert_eq!(current_username(&app), "jdoe");
    assert_eq!(decision(&app, "d-jdoe"), Some(Decision::Approve));
    assert_eq!(app.review.as_ref().unwrap().counts.approved, 1);
}

#[test]
fn resumed_decisions_shape_the_first_plan() {
    let mut decisions = Decisions::default();
    decisions.decisions.insert(
        "d-zoe".into(),
        Decision::Rename {
            username: "zoe.d".into(),
        },
    );
    decisions
        .decisions
        .insert("d-evil".into(), Decision::Ignore);
    let app = loaded_with(session(), decisions);
    let summary = app.plan().unwrap().summary;
    assert_eq!((summary.conflict, summary.create, summary.skip), (0, 2, 2));
    assert!(!app.unsaved());
}

#[test]
fn key_releases_and_unknown_keys_do_nothing() {
    let mut app = loaded();
    let release = KeyEvent::new_with_kind(
        KeyCode::Char('y'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert!(send(&mut app, Msg::Key(release)).is_empty());
    assert!(app.decisions().decisions.is_empty());
    assert!(press(&mut app, KeyCode::F(5)).is_empty());
    // Shift arrives with the upper-case letter on most terminals.
    let shifted = KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT);
    send(&mut app, Msg::Key(shifted));
    assert_eq!(app.context(), Context::Confirm);
}

#[test]
fn ticks_and_ctrl_c_quit_outside_an_apply() {
    let mut app = loaded();
    send(&mut app, Msg::Tick);
    send(&mut app, Msg::Tick);
    assert_eq!(app.tick, 2);
    assert!(matches!(ctrl(&mut app, 'c').as_slice(), [Effect::Quit]));
}

#[test]
fn the_loading_screen_says_when_the_directory_read_is_tried_again() {
    let mut app = App::new(AppOptions::default());
    send(
        &mut app,
        Msg::LoadRetrying {
            stage: LoadStage::Ftrack,
            attempt: 2,
            reason: "ldap.studio.example:636 refused the connection".into(),
        },
    );
    let Screen::Loading(state) = &app.screen else {
        panic!()
    };
    assert_eq!(
        state.retrying.as_ref().map(|(s, a, _)| (*s, *a)),
        Some((LoadStage::Ftrack, 2))
    );
}
