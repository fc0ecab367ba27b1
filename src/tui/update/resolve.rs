//! The conflict dialog, the link picker and the rename input.

use super::decide::next_undecided;
use super::history::change;
use super::{fail, note};
use crate::ids::{FtrackId, ItemKey, Username};
use crate::reconcile::decision::{Decision, item_key};
use crate::tui::action::Action;
use crate::tui::app::bucket;
use crate::tui::app::{App, Effect, Overlay, Resolve, ResolveMode};
use crate::tui::app::{Review, TakeOver, plan_session};
use crate::tui::resolve::{Picker, RenameInput};
use jiff::Timestamp;
use std::collections::HashMap;

/// Opens the conflict dialog (`Open`), the link picker (`Link`) or the rename input (`Rename`).
pub(super) fn open_resolve(app: &mut App, which: Action, from_dialog: bool) {
    let Some(review) = &app.review else {
        return;
    };
    let Some(index) = review.current() else {
        return;
    };
    let item = &review.plan.items[index];
    let Some(key) = review.keys[index].clone() else {
        return;
    };
    let entry = item
        .directory
        .as_ref()
        .and_then(|d| review.dir_index.get(&d.id))
        .map(|&i| &review.session.directory.users[i]);
    if which != Action::Open && entry.is_none() {
        fail(app, "only directory entries can be linked or renamed");
        return;
    }
    let mode = match which {
        Action::Link => ResolveMode::Picker(Picker::new(
            item,
            entry,
            &review.session.ftrack,
            &review.session.policy.protected_users,
            &linked_elsewhere(review, &key),
        )),
        Action::Rename => {
            ResolveMode::Rename(RenameInput::new(&review.plan, index, &review.session))
        }
        _ => ResolveMode::Menu,
    };
    app.overlay = Overlay::Resolve(Box::new(Resolve {
        key,
        index,
        mode,
        from_dialog,
        scroll: 0,
    }));
}

/// What a key does in the conflict dialog, the picker, the rename input or the take-over
/// question.
pub(super) fn act(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    let Overlay::Resolve(mut dialog) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    let key = dialog.key.clone();
    let back = |app: &mut App, mut dialog: Box<Resolve>| {
        if dialog.from_dialog {
            dialog.mode = ResolveMode::Menu;
            app.overlay = Overlay::Resolve(dialog);
        }
    };
    match (&mut dialog.mode, action) {
        (ResolveMode::Menu, Action::Link | Action::Rename) => {
            app.overlay = Overlay::Resolve(dialog);
            open_resolve(app, action, true);
        }
        (ResolveMode::Menu, Action::Ignore) => {
            let effects = change(app, vec![(key, Some(Decision::Ignore))], now);
            note(app, "ignored from now on (u undoes)");
            return effects;
        }
        (ResolveMode::Menu, Action::Skip) => {
            let effects = change(app, vec![(key, Some(Decision::Skip))], now);
            note(app, "skipped this time");
            next_undecided(app);
            return effects;
        }
        (ResolveMode::Menu, Action::Up | Action::Down | Action::PageUp | Action::PageDown) => {
            // The explanation scrolls; the view stops it at its last line.
            dialog.scroll = match action {
                Action::Up => dialog.scroll.saturating_sub(1),
                Action::Down => dialog.scroll.saturating_add(1),
                Action::PageUp => dialog.scroll.saturating_sub(10),
                _ => dialog.scroll.saturating_add(10),
            };
            app.overlay = Overlay::Resolve(dialog);
        }
        (ResolveMode::Menu, _) => {}
        (ResolveMode::Picker(_) | ResolveMode::Rename(_), Action::Cancel) => back(app, dialog),
        (
            ResolveMode::Picker(picker),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown,
        ) => {
            let page = 10;
            picker.step(match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page,
                _ => page,
            });
            app.overlay = Overlay::Resolve(dialog);
        }
        (ResolveMode::Picker(_), Action::Submit) => return pick(app, dialog, &key, now),
        (ResolveMode::TakeOver(take), Action::Submit) => {
            let (ftrack_id, username) = (take.ftrack_id.clone(), take.username.clone());
            return link(app, &key, ftrack_id, &username, now);
        }
        (ResolveMode::TakeOver(take), Action::Cancel) => {
            let picker = std::mem::replace(&mut take.picker, Picker::empty());
            dialog.mode = ResolveMode::Picker(picker);
            app.overlay = Overlay::Resolve(dialog);
        }
        (ResolveMode::Rename(input), Action::NextSuggestion) => {
            if !input.take_suggestion() {
                fail(app, "no suggestion: the entry has no usable name or email");
            }
            app.overlay = Overlay::Resolve(dialog);
        }
        (ResolveMode::Rename(_), Action::Submit) => return rename(app, dialog, &key, now),
        _ => app.overlay = Overlay::Resolve(dialog),
    }
    Vec::new()
}

/// Enter in the picker: links to the highlighted user, or asks first when another entry is
/// linked to it.
fn pick(app: &mut App, mut dialog: Box<Resolve>, key: &ItemKey, now: Timestamp) -> Vec<Effect> {
    let ResolveMode::Picker(picker) = &mut dialog.mode else {
        return Vec::new();
    };
    let chosen = app
        .review
        .as_ref()
        .and_then(|r| picker.chosen(&r.session.ftrack))
        .map(|u| (u.id.clone(), u.username.clone()));
    let Some((ftrack_id, username)) = chosen else {
        fail(app, "no ftrack user matches the search");
        app.overlay = Overlay::Resolve(dialog);
        return Vec::new();
    };
    let Some(other) = picker.chosen_entry().and_then(|r| r.linked_to.clone()) else {
        return link(app, key, ftrack_id, &username, now);
    };
    let consequence = consequence_of_link(app, key, &ftrack_id, &other);
    let picker = std::mem::replace(picker, Picker::empty());
    dialog.mode = ResolveMode::TakeOver(Box::new(TakeOver {
        picker,
        ftrack_id,
        username,
        other,
        consequence,
    }));
    app.overlay = Overlay::Resolve(dialog);
    Vec::new()
}

/// Enter in the rename input: renames when the username can be used, else says why.
fn rename(app: &mut App, dialog: Box<Resolve>, key: &ItemKey, now: Timestamp) -> Vec<Effect> {
    let ResolveMode::Rename(input) = &dialog.mode else {
        return Vec::new();
    };
    if let Some(error) = input.error.clone() {
        fail(app, error);
        app.overlay = Overlay::Resolve(dialog);
        return Vec::new();
    }
    let username = Username::new(input.input.text());
    let effects = change(
        app,
        vec![(
            key.clone(),
            Some(Decision::Rename {
                username: username.clone(),
            }),
        )],
        now,
    );
    let went = follow(app, key);
    note(app, format!("renamed to {username}; now: {went}"));
    effects
}

/// Links the entry to the ftrack user and says where the row went.
fn link(
    app: &mut App,
    key: &ItemKey,
    ftrack_id: FtrackId,
    username: &Username,
    now: Timestamp,
) -> Vec<Effect> {
    let effects = change(
        app,
        vec![(key.clone(), Some(Decision::Link { ftrack_id }))],
        now,
    );
    let went = follow(app, key);
    note(
        app,
        format!("linked to ftrack user {username}; now: {went}"),
    );
    effects
}

/// ftrack ids linked to directory entries other than `key`'s, with who that entry is.
fn linked_elsewhere(review: &Review, key: &ItemKey) -> HashMap<FtrackId, String> {
    review
        .session
        .links
        .iter()
        .filter(|(dir, _)| key.directory_id() != Some(dir))
        .map(|(dir, ftrack)| {
            let who = review
                .dir_index
                .get(dir)
                .and_then(|&i| review.session.directory.users[i].username.as_ref())
                .map_or_else(
                    || format!("an entry no longer read ({dir})"),
                    Username::to_string,
                );
            (ftrack.clone(), who)
        })
        .collect()
}

/// What linking `key` to `ftrack_id` would do to the entry linked to it now, in words:
/// the session is planned with the link to find out.
fn consequence_of_link(app: &App, key: &ItemKey, ftrack_id: &FtrackId, other: &str) -> String {
    let Some(review) = &app.review else {
        return String::new();
    };
    let mut decisions = app.decisions.clone();
    decisions.decisions.insert(
        key.clone(),
        Decision::Link {
            ftrack_id: ftrack_id.clone(),
        },
    );
    let plan = plan_session(&review.session, &decisions);
    let other_key = review
        .session
        .links
        .iter()
        .find(|(dir, f)| *f == ftrack_id && key.directory_id() != Some(dir))
        .map(|(dir, _)| ItemKey::Directory(dir.clone()));
    let item = other_key.and_then(|k| plan.items.iter().find(|i| item_key(i).as_ref() == Some(&k)));
    match item {
        Some(item) => format!(
            "{other} would become: {}{}",
            item.action.name(),
            item.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
        None => format!("{other} would lose its link"),
    }
}

/// After a resolution re-planned an item: the cursor stays in its list, on the row that took
/// the resolved one's place (the next conflict, when resolving conflicts); returns where the
/// item went, in words ("update (in Update)").
fn follow(app: &mut App, key: &ItemKey) -> String {
    let Some(review) = &mut app.review else {
        return String::new();
    };
    let Some(index) = review.index_of(key) else {
        return String::new();
    };
    let action = review.plan.items[index].action;
    review.rebuild_view();
    app.scroll_list_to_cursor();
    format!("{} (in {})", action.name(), bucket::label(action))
}
