//! Resolving conflicts: the dialog, the link picker, the rename input and where the cursor
//! goes after a resolution.

use super::*;
use crate::reconcile::Action as Planned;
use crate::reconcile::decision::{Decision, Decisions};
use crate::tui::action::Context;
use crate::tui::app::{App, Bucket, Overlay};
use crate::tui::resolve::Match;
use crossterm::event::KeyCode;

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
