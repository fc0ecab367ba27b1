use super::{
    approve_view_and_commit, ctrl, finished, loaded, loaded_with, press, send, session, typed,
};
use crate::apply::engine::{Applied, ApplyProgress};
use crate::apply::outcome::{ItemStatus, Outcome, RunInfo};
use crate::reconcile::Action as Planned;
use crate::reconcile::decision::{Decision, Decisions, IGNORED};
use crate::tui::action::Context;
use crate::tui::app::{App, AppOptions, Bucket, CommitScope, Overlay, RestoreOffer, Screen};
use crate::tui::resolve::Match;
use crate::tui::{Effect, LoadStage, Msg, Write};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::Duration;

fn decision(app: &App, key: &str) -> Option<Decision> {
    app.decisions().decisions.get(key).cloned()
}

fn current_username(app: &App) -> String {
    let review = app.review.as_ref().unwrap();
    review.plan.items[review.current().unwrap()]
        .username
        .clone()
}

fn bucket(app: &App) -> Bucket {
    app.review.as_ref().unwrap().bucket
}

fn autosaved(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Autosave(_)))
}

fn note(app: &App) -> String {
    app.note
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

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
fn the_filter_narrows_the_view_and_esc_clears_it() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.context(), Context::Filter);
    // Letters that are keys in the list are typed into the filter.
    typed(&mut app, "YAM");
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.review.as_ref().unwrap().filter, "YA");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::List);
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    // Y on the filtered view covers only the matching rows.
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.decisions().decisions.len(), 1);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.review.as_ref().unwrap().view.len(), 2);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zzz");
    assert!(app.review.as_ref().unwrap().view.is_empty());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.review.as_ref().unwrap().filter, "");
    // The email shown beside a user is searched too.
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "tyamada@studio");
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    press(&mut app, KeyCode::Esc);
}

#[test]
fn buckets_switch_by_number_tab_and_brackets() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(bucket(&app), Bucket::Deactivate);
    assert_eq!(current_username(&app), "gone");
    press(&mut app, KeyCode::Tab);
    assert_eq!(bucket(&app), Bucket::Reactivate);
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(bucket(&app), Bucket::Skip);
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(bucket(&app), Bucket::Create);
    press(&mut app, KeyCode::Char('['));
    assert_eq!(bucket(&app), Bucket::Skip);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(bucket(&app), Bucket::Unchanged);
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(current_username(&app), "zdirector");
}

#[test]
fn moving_pages_and_ends() {
    let mut s = session();
    for n in 0..100 {
        s.directory.users.push(super::entry(
            &format!("d-n{n:03}"),
            &format!("n{n:03}"),
            "N",
            &format!("{n}"),
            Some(&format!("n{n:03}@studio.example")),
        ));
    }
    let mut app = loaded_with(s, Decisions::default());
    let height = app.list_height();
    assert_eq!(
        height, 20,
        "24 rows less two of header, the status and the hints"
    );
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.review.as_ref().unwrap().cursor, height);
    press(&mut app, KeyCode::Char('G'));
    let review = app.review.as_ref().unwrap();
    assert_eq!(review.cursor, review.view.len() - 1);
    assert_eq!(review.offset, review.view.len() - height);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(
        app.review.as_ref().unwrap().cursor,
        review_len(&app) - 1 - height
    );
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.review.as_ref().unwrap().cursor, 0);
    assert_eq!(app.review.as_ref().unwrap().offset, 0);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.review.as_ref().unwrap().cursor, 1);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.review.as_ref().unwrap().cursor, 0);
    // A smaller terminal pages by fewer rows.
    send(&mut app, Msg::Resize(80, 16));
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.review.as_ref().unwrap().cursor, 12);
}

fn review_len(app: &App) -> usize {
    app.review.as_ref().unwrap().view.len()
}

#[test]
fn enter_opens_the_detail_where_y_and_n_work_and_esc_closes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Detail);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
    assert_eq!(app.context(), Context::Detail);
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(current_username(&app), "evil");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::List);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.context(), Context::List);
}

#[test]
fn linking_a_conflict_replans_it_into_its_new_bucket() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Dialog);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.context(), Context::Picker);
    {
        let Overlay::Resolve(dialog) = &app.overlay else {
            panic!()
        };
        let crate::tui::app::ResolveMode::Picker(picker) = &dialog.mode else {
            panic!()
        };
        let review = app.review.as_ref().unwrap();
        // Same full name outranks the planner's candidate, which only has the same username.
        let first = picker.chosen(&review.session.ftrack).unwrap();
        assert_eq!(first.username, "zdirector");
        assert_eq!(picker.entry(0).unwrap().why, Match::Name);
        let second = picker.entry(1).unwrap();
        assert_eq!(review.session.ftrack.users[second.index].username, "zoe");
        assert_eq!((second.why, second.candidate), (Match::Username, true));
        assert_eq!(
            second.linked_to.as_deref(),
            Some("an entry no longer read (d-other-zoe)")
        );
    }
    // Esc goes back to the dialog, not the list.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Dialog);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Down);
    // zoe is linked to another entry: the console asks, saying what becomes of that entry.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.context(), Context::TakeOver);
    {
        let Overlay::Resolve(dialog) = &app.overlay else {
            panic!()
        };
        let crate::tui::app::ResolveMode::TakeOver(take) = &dialog.mode else {
            panic!()
        };
        assert_eq!(take.username, "zoe");
        assert!(
            take.consequence.contains("would lose its link"),
            "{}",
            take.consequence
        );
    }
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.context(), Context::Picker, "back to the same list");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty());
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(autosaved(&effects));
    assert_eq!(
        decision(&app, "d-zoe"),
        Some(Decision::Link {
            ftrack_id: "f-zoe".into()
        })
    );
    assert_eq!(app.context(), Context::List);
    // The cursor stays in the conflict list (now empty); the note says where the row went.
    assert_eq!(bucket(&app), Bucket::Conflict);
    assert!(app.review.as_ref().unwrap().view.is_empty());
    assert!(
        note(&app).contains("now: update (in Update)"),
        "{}",
        note(&app)
    );
    press(&mut app, KeyCode::Char('2'));
    while current_username(&app) != "zoe" {
        press(&mut app, KeyCode::Char('j'));
    }
    let review = app.review.as_ref().unwrap();
    let item = &review.plan.items[review.current().unwrap()];
    assert_eq!(item.action, Planned::Update);
    assert!(!item.changes.is_empty());
    assert_eq!(review.plan.summary.conflict, 0);
    // A link counts as approved; undo brings the conflict back.
    assert_eq!(review.counts.approved, 1);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.review.as_ref().unwrap().plan.summary.conflict, 1);
}

#[test]
fn the_picker_searches_as_you_type() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.context(), Context::Picker);
    typed(&mut app, "direc");
    let Overlay::Resolve(dialog) = &app.overlay else {
        panic!()
    };
    let crate::tui::app::ResolveMode::Picker(picker) = &dialog.mode else {
        panic!()
    };
    assert_eq!(picker.matches.len(), 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        decision(&app, "d-zoe"),
        Some(Decision::Link {
            ftrack_id: "f-zoed".into()
        })
    );
    // Opened from the list, Esc in the picker returns to the list.
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::List);
}

#[test]
fn the_picker_never_offers_a_protected_account() {
    let mut session = session();
    session.policy.protected_users = vec!["ZDirector".into()];
    let mut app = loaded_with(session, Decisions::default());
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.context(), Context::Picker);
    let offered = |app: &App| {
        let Overlay::Resolve(dialog) = &app.overlay else {
            panic!()
        };
        let crate::tui::app::ResolveMode::Picker(picker) = &dialog.mode else {
            panic!()
        };
        picker.matches.len()
    };
    assert_eq!(offered(&app), 4, "five ftrack users, one protected");
    typed(&mut app, "direc");
    assert_eq!(offered(&app), 0, "the protected zdirector is not offered");
}

#[test]
fn rename_is_validated_as_you_type() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.context(), Context::Rename);
    let error = |app: &App| {
        let Overlay::Resolve(dialog) = &app.overlay else {
            panic!()
        };
        let crate::tui::app::ResolveMode::Rename(input) = &dialog.mode else {
            panic!()
        };
        input.error.clone()
    };
    assert!(error(&app).unwrap().contains("taken"), "zoe is taken");
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    assert!(error(&app).unwrap().contains("empty"));
    typed(&mut app, "JDOE");
    assert_eq!(
        error(&app).as_deref(),
        Some("\"JDOE\" is taken: ftrack user jdoe has it")
    );
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "tyamada");
    assert!(
        error(&app)
            .unwrap()
            .contains("the planned create of 太郎 山田 has it"),
        "{:?}",
        error(&app)
    );
    for _ in 0..7 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "zoe d");
    assert!(error(&app).unwrap().contains("a space"));
    typed(&mut app, &"x".repeat(260));
    assert!(error(&app).unwrap().contains("255"));
    // Enter with an error keeps the input open.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.context(), Context::Rename);
    for _ in 0..265 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "zoe.d");
    assert_eq!(error(&app), None);
    let effects = press(&mut app, KeyCode::Enter);
    assert!(autosaved(&effects));
    assert_eq!(
        decision(&app, "d-zoe"),
        Some(Decision::Rename {
            username: "zoe.d".into()
        })
    );
    assert_eq!(
        bucket(&app),
        Bucket::Conflict,
        "the cursor stays in the conflict list"
    );
    assert!(
        note(&app).contains("now: create (in Create)"),
        "{}",
        note(&app)
    );
}

/// The test studio with one more conflict after zoe's: an entry with no email.
fn two_conflicts() -> App {
    let mut session = super::session();
    session.directory.users.push(crate::model::DirectoryUser {
        id: "d-zz".into(),
        dn: "uid=zz.ghost,ou=people,dc=studio,dc=example".into(),
        username: Some("zz.ghost".into()),
        email: None,
        ..session.directory.users[0].clone()
    });
    let mut app = loaded_with(session, Decisions::default());
    press(&mut app, KeyCode::Char('3'));
    app
}

#[test]
fn after_a_conflict_is_resolved_the_cursor_is_on_the_next_conflict() {
    let mut app = two_conflicts();
    assert_eq!(current_username(&app), "zoe");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        decision(&app, "d-zoe"),
        Some(Decision::Rename {
            username: "zoe.d".into()
        })
    );
    assert_eq!(bucket(&app), Bucket::Conflict);
    assert_eq!(current_username(&app), "zz.ghost");
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
}

#[test]
fn rename_checks_every_username_the_run_holds_and_suggests_free_ones() {
    let mut app = two_conflicts();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    let input = |app: &App| {
        let Overlay::Resolve(dialog) = &app.overlay else {
            panic!()
        };
        let crate::tui::app::ResolveMode::Rename(input) = &dialog.mode else {
            panic!()
        };
        (
            input.input.text().to_string(),
            input.error.clone(),
            input.suggestions.clone(),
        )
    };
    // A directory entry's username is taken even though no ftrack user or create has it.
    ctrl(&mut app, 'u');
    typed(&mut app, "ZZ.Ghost");
    assert_eq!(
        input(&app).1.as_deref(),
        Some(
            "\"ZZ.Ghost\" is taken: directory entry uid=zz.ghost,ou=people,dc=studio,dc=example has it"
        )
    );
    // Suggestions come from the entry and pass validation: the mail local part here (the
    // names hold an emoji, which logins cannot).
    assert_eq!(input(&app).2, ["zoe.d"]);
    press(&mut app, KeyCode::Tab);
    assert_eq!(input(&app).0, "zoe.d");
    assert_eq!(input(&app).1, None);
}

#[test]
fn with_case_sensitive_usernames_only_the_exact_name_is_taken() {
    let mut session = super::session();
    session.policy.username_case = crate::reconcile::policy::UsernameCase::Sensitive;
    let mut app = loaded_with(session, Decisions::default());
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    ctrl(&mut app, 'u');
    let error = |app: &App| {
        let Overlay::Resolve(dialog) = &app.overlay else {
            panic!()
        };
        let crate::tui::app::ResolveMode::Rename(input) = &dialog.mode else {
            panic!()
        };
        input.error.clone()
    };
    typed(&mut app, "JDOE");
    assert_eq!(error(&app), None);
    ctrl(&mut app, 'u');
    typed(&mut app, "jdoe");
    assert!(error(&app).is_some_and(|e| e.contains("ftrack user jdoe")));
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
fn the_conflict_dialog_skips_or_ignores() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(decision(&app, "d-zoe"), Some(Decision::Skip));
    assert_eq!(app.context(), Context::List);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(decision(&app, "d-zoe"), Some(Decision::Ignore));
    assert_eq!(app.review.as_ref().unwrap().plan.summary.conflict, 0);
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::List);
}

#[test]
fn the_conflict_explanation_scrolls_and_the_dialog_stays_open() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    let scroll = |app: &App| match &app.overlay {
        Overlay::Resolve(dialog) => dialog.scroll,
        _ => panic!("the dialog closed"),
    };
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    assert_eq!(scroll(&app), 2);
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(scroll(&app), 1);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(scroll(&app), 0);
    assert_eq!(app.context(), Context::Dialog);
}

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
        .map(|(i, _)| i.username.clone())
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
            refused: None,
            interrupted: false,
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
    assert_eq!(review.marks.iter().collect::<Vec<_>>(), ["d-evil"]);
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
}

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
}

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
            write: Write::Decisions,
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

#[test]
fn help_is_shown_and_closed() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.overlay, Overlay::Help { scroll: 1, .. }));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::List);
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
        matches!(effects.as_slice(), [Effect::Autosave(d)] if d.decisions.get("d-evil") == Some(&Decision::Ignore)),
        "{effects:?}"
    );
    assert!(app.recorded.decisions.is_empty(), "not in force yet");
    assert_eq!(app.unrecorded_standing(), ["ignore evil"]);
    assert!(app.unsaved());
    // The commit records it before applying; once the runtime says so, nothing is unsaved.
    let effects = approve_view_and_commit(&mut app);
    let standing = standing_of(&effects);
    assert_eq!(standing.decisions.get("d-evil"), Some(&Decision::Ignore));
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
        app.recorded.decisions.get("d-evil"),
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

/// The console on the freed-username studio, with Pavan's create under the cursor.
fn on_pavan() -> App {
    let app = loaded_with(super::freed_username_session(), Decisions::default());
    assert_eq!(bucket(&app), Bucket::Create);
    assert_eq!(current_username(&app), "ppatel");
    app
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

fn board() -> App {
    let mut app = loaded();
    send(&mut app, Msg::Resize(200, 50));
    assert!(
        app.board_columns().is_some(),
        "the board is on from 160 columns"
    );
    app
}

#[test]
fn on_the_board_each_column_keeps_its_cursor_and_decisions_work_as_in_the_list() {
    let mut app = board();
    assert_eq!(bucket(&app), Bucket::Create);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Right);
    assert_eq!(bucket(&app), Bucket::Update);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(decision(&app, "d-jdoe"), Some(Decision::Approve));
    // Back on Create, the cursor is where it was left.
    press(&mut app, KeyCode::Left);
    assert_eq!(bucket(&app), Bucket::Create);
    assert_eq!(current_username(&app), "tyamada");
    // Tab cycles the five columns; Reactivate has one of its own at this width.
    for expected in [
        Bucket::Update,
        Bucket::Conflict,
        Bucket::Deactivate,
        Bucket::Reactivate,
        Bucket::Create,
    ] {
        press(&mut app, KeyCode::Tab);
        assert_eq!(bucket(&app), expected);
    }
    // Unchanged and Skipped are not on the board: they show as a list.
    press(&mut app, KeyCode::Char('6'));
    assert!(app.board_columns().is_none());
    press(&mut app, KeyCode::Char('1'));
    assert!(app.board_columns().is_some());
}

#[test]
fn b_turns_the_board_off_and_on_where_it_fits_and_says_when_it_does_not() {
    let mut app = board();
    press(&mut app, KeyCode::Char('b'));
    assert!(app.board_columns().is_none());
    press(&mut app, KeyCode::Char('b'));
    assert!(app.board_columns().is_some());
    // Narrower than 160: off by default, on with b, Reactivate's rows in Create's column.
    let mut app = loaded();
    send(&mut app, Msg::Resize(130, 40));
    assert!(app.board_columns().is_none());
    press(&mut app, KeyCode::Char('b'));
    let columns = app.board_columns().expect("on with b");
    assert_eq!(columns.len(), 4);
    assert_eq!(
        app.review.as_ref().unwrap().lane,
        [Bucket::Create, Bucket::Reactivate]
    );
    // Too narrow: a note says so.
    let mut app = loaded();
    press(&mut app, KeyCode::Char('b'));
    assert!(app.board_columns().is_none());
    assert!(
        note(&app).contains("the board needs 120 columns"),
        "{}",
        note(&app)
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
            write: Write::Report,
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
fn text_inputs_edit_at_the_cursor_and_take_pastes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "tymada");
    for _ in 0..4 {
        press(&mut app, KeyCode::Left);
    }
    typed(&mut app, "a");
    assert_eq!(app.review.as_ref().unwrap().filter, "tyamada");
    ctrl(&mut app, 'a');
    press(&mut app, KeyCode::Delete);
    assert_eq!(app.review.as_ref().unwrap().filter, "yamada");
    ctrl(&mut app, 'e');
    ctrl(&mut app, 'w');
    assert_eq!(app.review.as_ref().unwrap().filter, "");
    send(&mut app, Msg::Paste("jane\n".into()));
    assert_eq!(app.review.as_ref().unwrap().filter, "jane");
    assert_eq!(
        app.review.as_ref().unwrap().view.len(),
        0,
        "no create matches jane"
    );
    // The help lists the editing keys of a text input.
    let help = crate::tui::action::help_lines(Context::Filter, false);
    assert!(
        help.iter()
            .any(|l| l.keys == "Ctrl-w" || l.keys.contains("Ctrl-w")),
        "{help:?}"
    );
}

#[test]
fn help_and_detail_stop_at_their_end_and_page() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('?'));
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('j'));
    }
    let limit = crate::tui::view::help_scroll_limit(&app, Context::List);
    assert!(limit > 0, "the list's help is longer than 80x24");
    assert!(matches!(app.overlay, Overlay::Help { scroll, .. } if scroll == limit));
    press(&mut app, KeyCode::Char('k'));
    assert!(matches!(app.overlay, Overlay::Help { scroll, .. } if scroll == limit - 1));
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(app.overlay, Overlay::Help { scroll: 0, .. }));
    press(&mut app, KeyCode::Esc);
    // The detail at 60x16 is longer than the screen: PgDn pages to its end and stops.
    send(&mut app, Msg::Resize(60, 16));
    press(&mut app, KeyCode::Enter);
    let limit = crate::tui::view::detail_scroll_limit(&app);
    assert!(limit > 0);
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
    }
    assert!(matches!(app.overlay, Overlay::Detail { scroll } if scroll == limit));
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(app.overlay, Overlay::Detail { scroll } if scroll < limit));
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
            refused: None,
            interrupted: false,
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
