//! Tests of the console without a terminal: `update` driven by messages, the key table, and
//! views rendered on ratatui's test backend.

mod commit;
mod custom;
mod decide;
mod export;
mod grace;
mod keymap;
mod load;
mod navigation;
mod render;
mod resolve;
mod roles;
mod save;
mod warnings;

use super::app::{App, AppOptions, Bucket, Session};
use super::update::update;
use super::{Effect, Msg};
use crate::apply::outcome::{ItemOutcome, ItemStatus};
use crate::clock::Clock;
use crate::model::{DirectorySnapshot, DirectoryUser, FtrackGroup, FtrackSnapshot, FtrackUser};
use crate::reconcile::decision::{Decision, Decisions};
use crate::reconcile::{Policy, Scope};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

fn entry(id: &str, username: &str, first: &str, last: &str, email: Option<&str>) -> DirectoryUser {
    DirectoryUser {
        id: id.into(),
        dn: format!("uid={username},ou=people,dc=studio,dc=example").into(),
        username: Some(username.into()),
        email: email.map(Into::into),
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        display_name: None,
        groups: vec!["cn=comp,ou=groups,dc=studio,dc=example".into()],
        active: true,
        disabled_reason: None,
        problems: Vec::new(),
        custom: Default::default(),
    }
}

fn user(id: &str, username: &str, first: &str, last: &str, email: Option<&str>) -> FtrackUser {
    FtrackUser {
        id: id.into(),
        username: username.into(),
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(Into::into),
        is_active: true,
        groups: vec!["Compositing".into()],
        user_type: None,
        ..Default::default()
    }
}

/// A small studio: two creates (one CJK, one with control characters), an update, a conflict
/// (the username belongs to a user linked to another entry), a deactivation, an unchanged user.
pub(crate) fn session() -> Session {
    let directory = DirectorySnapshot {
        users: vec![
            entry(
                "d-yamada",
                "tyamada",
                "太郎",
                "山田",
                Some("tyamada@studio.example"),
            ),
            entry(
                "d-jdoe",
                "jdoe",
                "Jane",
                "Doe",
                Some("jane.doe@studio.example"),
            ),
            entry(
                "d-zoe",
                "zoe",
                "Zoë",
                "Director 🎬",
                Some("zoe.d@studio.example"),
            ),
            entry("d-alee", "alee", "Ann", "Lee", Some("alee@studio.example")),
            entry(
                "d-evil",
                "evil",
                "Evil\u{1b}[2J",
                "Name\u{7}",
                Some("evil@studio.example"),
            ),
        ],
        complete: true,
        warnings: Vec::new(),
        incomplete: Vec::new(),
        groups_found: None,
        read: Default::default(),
    };
    let ftrack = FtrackSnapshot {
        users: vec![
            user("f-jdoe", "jdoe", "Jane", "Doe", None),
            user("f-zoe", "zoe", "Zoe", "Old", Some("zoe@studio.example")),
            user("f-alee", "alee", "Ann", "Lee", Some("alee@studio.example")),
            user(
                "f-gone",
                "gone",
                "Gone",
                "Away",
                Some("gone@studio.example"),
            ),
            user(
                "f-zoed",
                "zdirector",
                "Zoë",
                "Director 🎬",
                Some("zd@studio.example"),
            ),
        ],
        groups: vec![FtrackGroup {
            id: "g-comp".into(),
            name: "Compositing".into(),
        }],
        ..Default::default()
    };
    let links = [
        ("d-other-zoe", "f-zoe"),
        ("d-gone", "f-gone"),
        ("d-alee", "f-alee"),
    ]
    .into_iter()
    .map(|(a, b)| (a.into(), b.into()))
    .collect();
    let policy = Policy {
        managed_groups: [(
            "cn=comp,ou=groups,dc=studio,dc=example".to_string(),
            "Compositing".to_string(),
        )]
        .into_iter()
        .collect(),
        ..Policy::default()
    };
    Session {
        directory,
        ftrack,
        links,
        policy,
        scope: Scope::default(),
        server: "https://studio.ftrackapp.com".into(),
        api_user: "ldap2ftrack-api".into(),
        directory_source: "ldaps://ldap.studio.example".into(),
        mapping: Default::default(),
        group_search: false,
    }
}

/// Priya (linked to ftrack user `ppatel`) becomes `priya.patel` in the directory; Pavan, new,
/// takes the login `ppatel` her rename frees.
pub(crate) fn freed_username_session() -> Session {
    let mut session = session();
    session.directory.users = vec![
        entry(
            "d-priya",
            "priya.patel",
            "Priya",
            "Patel",
            Some("priya.patel@studio.example"),
        ),
        entry(
            "d-pavan",
            "ppatel",
            "Pavan",
            "Patel",
            Some("pavan@studio.example"),
        ),
    ];
    session.ftrack.users = vec![user(
        "f-ppatel",
        "ppatel",
        "Priya",
        "Patel",
        Some("ppatel@studio.example"),
    )];
    session.links = [("d-priya".into(), "f-ppatel".into())]
        .into_iter()
        .collect();
    session
}

/// When the tests' messages arrive: the console's date in these tests.
pub(crate) fn now() -> Timestamp {
    Clock::fixed_on(jiff::civil::date(2025, 1, 31)).now()
}

/// Hands a message to `update` at the tests' time; returns the effects.
pub(crate) fn send(app: &mut App, msg: Msg) -> Vec<Effect> {
    update(app, msg, now())
}

/// A loaded console at 80x24.
pub(crate) fn loaded() -> App {
    loaded_with(session(), Decisions::default())
}

pub(crate) fn loaded_with(session: Session, decisions: Decisions) -> App {
    let mut app = App::new(AppOptions {
        monochrome: false,
        demo: false,
        recorded: decisions.standing(),
        decisions,
        restore: None,
        operator: "admin".into(),
    });
    send(&mut app, Msg::Resize(80, 24));
    send(&mut app, Msg::Loaded(Box::new(session)));
    app
}

pub(crate) fn key_event(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
}

/// Presses a key and returns the effects.
pub(crate) fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    send(app, Msg::Key(key_event(code, KeyModifiers::NONE)))
}

/// Approves every row of the current view (`Y`, confirmed) and commits (`c`, `Enter`);
/// returns the effects of the final `Enter`.
pub(crate) fn approve_view_and_commit(app: &mut App) -> Vec<Effect> {
    press(app, KeyCode::Char('Y'));
    press(app, KeyCode::Char('y'));
    press(app, KeyCode::Char('c'));
    press(app, KeyCode::Enter)
}

/// Types characters one key at a time.
pub(crate) fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

pub(crate) fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    send(
        app,
        Msg::Key(key_event(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// The outcome of applying the plan item with this username, as the apply worker reports it.
fn finished(app: &App, username: &str, status: ItemStatus) -> ItemOutcome {
    let plan = app.plan().expect("a plan is loaded");
    let item = plan.items.iter().find(|i| i.username == username);
    ItemOutcome {
        item: item.expect("the plan has this user").clone(),
        status,
        created_id: None,
    }
}

// What the state says, for the assertions.

pub(crate) fn decision(app: &App, key: &str) -> Option<Decision> {
    app.decisions().decisions.get(&key.into()).cloned()
}

pub(crate) fn current_username(app: &App) -> String {
    let review = app.review.as_ref().unwrap();
    review.plan.items[review.current().unwrap()]
        .username
        .to_string()
}

pub(crate) fn bucket(app: &App) -> Bucket {
    app.review.as_ref().unwrap().bucket
}

pub(crate) fn autosaved(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Autosave(_)))
}

pub(crate) fn note(app: &App) -> String {
    app.note
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

/// The console on the freed-username studio, with Pavan's create under the cursor.
pub(crate) fn on_pavan() -> App {
    let app = loaded_with(freed_username_session(), Decisions::default());
    assert_eq!(bucket(&app), Bucket::Create);
    assert_eq!(current_username(&app), "ppatel");
    app
}
