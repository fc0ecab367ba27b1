//! `update`: the one place the console's state changes. Keys become [`Action`]s through the
//! key table; worker results arrive as [`Msg`]s; the runtime carries out the [`Effect`]s.

use super::action::{Action, Context, action_for};
use super::app::{
    App, ApplyState, Bucket, CommitModal, CommitScope, Confirm, LoadState, Note, Overlay, Resolve,
    ResolveMode, ResultsState, Review, Screen, needs_decision,
};
use super::app::{Effect, LoadStage, Msg};
use super::resolve::{Picker, RenameInput};
use crate::apply::outcome::{ItemStatus, RunInfo};
use crate::reconcile::decision::{ApprovedPlan, Decision};
use crate::reconcile::plan::Summary;
use crate::report::model::{report_from_outcome, report_from_plan};
use std::collections::HashSet;
use std::path::PathBuf;

/// Applies one message to the state and says what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            let Some(action) = action_for(app.context(), key) else {
                return Vec::new();
            };
            app.note = None;
            act(app, action)
        }
        Msg::Resize(width, height) => {
            app.size = (width, height);
            let height = app.list_height();
            if let Some(review) = &mut app.review {
                review.scroll_to_cursor(height);
            }
            Vec::new()
        }
        Msg::LoadProgress { stage, read, pages } => {
            if let Screen::Loading(state) = &mut app.screen {
                let slot = match stage {
                    LoadStage::Directory => &mut state.directory,
                    LoadStage::Ftrack => &mut state.ftrack,
                };
                *slot = Some((read, pages));
            }
            Vec::new()
        }
        Msg::Loaded(session) => {
            loaded(app, session);
            Vec::new()
        }
        Msg::LoadFailed { error } => {
            app.screen = Screen::LoadFailed(error);
            app.overlay = Overlay::None;
            Vec::new()
        }
        Msg::ApplyProgress(progress) => {
            if let Screen::Applying(state) = &mut app.screen {
                state.progress = Some(progress);
            }
            Vec::new()
        }
        Msg::ItemFinished(outcome) => {
            if let Screen::Applying(state) = &mut app.screen {
                state.finished.push(outcome);
            }
            Vec::new()
        }
        Msg::Applied(applied) => {
            app.screen = Screen::Results(ResultsState { applied, scroll: 0 });
            app.overlay = Overlay::None;
            Vec::new()
        }
        Msg::Saved { what } => {
            if what.contains("decision")
                && let Some(saved) = app.saving.take()
            {
                app.saved = saved;
            }
            note(app, what);
            Vec::new()
        }
        Msg::Failed { what } => {
            app.saving = None;
            fail(app, what);
            Vec::new()
        }
        Msg::Tick => {
            app.tick = app.tick.wrapping_add(1);
            Vec::new()
        }
    }
}

fn note(app: &mut App, text: impl Into<String>) {
    app.note = Some(Note {
        text: text.into(),
        error: false,
    });
}

fn fail(app: &mut App, text: impl Into<String>) {
    app.note = Some(Note {
        text: text.into(),
        error: true,
    });
}

fn loaded(app: &mut App, session: Box<super::app::Session>) {
    let old = app.review.take();
    let mut review = Review::new(session, &app.decisions);
    if let Some(old) = old {
        let current = old.current().and_then(|i| old.keys[i].clone());
        review.bucket = old.bucket;
        review.filter = old.filter;
        review.marks = old.marks;
        review.rebuild_view();
        if let Some(pos) = current.and_then(|k| review.position_of(&k)) {
            review.cursor = pos;
        }
    }
    if !app.mark_after_load.is_empty() {
        let count = app.mark_after_load.len();
        review.marks.extend(app.mark_after_load.drain(..));
        app.note = Some(Note {
            text: format!("{count} failed users marked: c commits just them"),
            error: false,
        });
    } else if let Some(reason) = &review.plan.blocked {
        app.note = Some(Note {
            text: format!("plan blocked: {reason}"),
            error: true,
        });
    }
    app.review = Some(Box::new(review));
    app.screen = Screen::Review;
    app.overlay = Overlay::None;
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        review.scroll_to_cursor(height);
    }
}

fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match app.context() {
        Context::Loading => match action {
            Action::Reload => reload(app),
            Action::Quit => request_quit(app),
            _ => Vec::new(),
        },
        Context::List => list(app, action),
        Context::Filter => filter(app, action),
        Context::Detail => detail(app, action),
        Context::Dialog | Context::Picker | Context::Rename => resolve(app, action),
        Context::Confirm => confirm(app, action),
        Context::Commit => commit(app, action),
        Context::Progress => progress(app, action),
        Context::Results => results(app, action),
        Context::Export => export(app, action),
        Context::Help => {
            if let Overlay::Help { scroll, .. } = &mut app.overlay {
                match action {
                    Action::Down => *scroll = scroll.saturating_add(1),
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    _ => app.overlay = Overlay::None,
                }
            }
            Vec::new()
        }
        Context::QuitConfirm => match action {
            Action::SaveAndQuit => {
                app.quit = true;
                vec![Effect::SaveDecisions(app.decisions.clone()), Effect::Quit]
            }
            Action::QuitAnyway => {
                app.quit = true;
                vec![Effect::Quit]
            }
            _ => {
                app.overlay = Overlay::None;
                Vec::new()
            }
        },
    }
}

fn reload(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Loading(LoadState::default());
    app.overlay = Overlay::None;
    vec![Effect::Load]
}

fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.unsaved() {
        app.overlay = Overlay::QuitConfirm;
        Vec::new()
    } else {
        app.quit = true;
        vec![Effect::Quit]
    }
}

fn list(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_cursor(app, action),
        Action::ShowBucket(bucket) => show_bucket(app, bucket),
        Action::NextBucket | Action::PrevBucket => {
            if let Some(review) = &app.review {
                let step = if action == Action::NextBucket { 1 } else { 6 };
                let next = Bucket::ALL[(review.bucket.index() + step) % 7];
                show_bucket(app, next);
            }
        }
        Action::Open => open(app),
        Action::Back => {
            if app.review.as_ref().is_some_and(|r| !r.filter.is_empty()) {
                set_filter(app, String::new());
            } else {
                return request_quit(app);
            }
        }
        Action::ClearFilter => set_filter(app, String::new()),
        Action::Quit => return request_quit(app),
        Action::Approve => return decide(app, Decision::Approve, true),
        Action::Skip => return decide(app, Decision::Skip, true),
        Action::ApproveView => ask_view(app, Decision::Approve),
        Action::SkipView => ask_view(app, Decision::Skip),
        Action::ToggleMark => toggle_mark(app),
        Action::MarkView => {
            if let Some(review) = &mut app.review {
                let keys: Vec<String> = review
                    .view
                    .iter()
                    .filter_map(|&i| review.keys[i].clone())
                    .collect();
                let count = keys.len();
                review.marks.extend(keys);
                note(app, format!("marked {count} rows"));
            }
        }
        Action::ClearMarks => {
            if let Some(review) = &mut app.review {
                review.marks.clear();
                note(app, "marks cleared");
            }
        }
        Action::Link => open_resolve(app, Action::Link, false),
        Action::Rename => open_resolve(app, Action::Rename, false),
        Action::Ignore => return ignore(app),
        Action::Undo => return undo(app, true),
        Action::Redo => return undo(app, false),
        Action::StartFilter if app.review.is_some() => app.overlay = Overlay::Filter,
        Action::Commit => open_commit(app),
        Action::Save => {
            app.saving = Some(app.decisions.clone());
            note(app, "saving decisions…");
            return vec![Effect::SaveDecisions(app.decisions.clone())];
        }
        Action::Export => {
            app.overlay = Overlay::Export {
                path: default_report_path(),
            }
        }
        Action::Reload => return reload(app),
        Action::Help => {
            app.overlay = Overlay::Help {
                context: Context::List,
                scroll: 0,
            }
        }
        _ => {}
    }
    Vec::new()
}

/// `ldap2ftrack-report-<today>.html`.
pub(crate) fn default_report_path() -> String {
    format!(
        "ldap2ftrack-report-{}.html",
        jiff::Timestamp::now().strftime("%Y-%m-%d")
    )
}

fn move_cursor(app: &mut App, action: Action) {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return;
    };
    let last = review.view.len().saturating_sub(1);
    review.cursor = match action {
        Action::Up => review.cursor.saturating_sub(1),
        Action::Down => (review.cursor + 1).min(last),
        Action::PageUp => review.cursor.saturating_sub(height.max(1)),
        Action::PageDown => (review.cursor + height.max(1)).min(last),
        Action::Top => 0,
        _ => last,
    };
    review.scroll_to_cursor(height);
}

fn show_bucket(app: &mut App, bucket: Bucket) {
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        review.bucket = bucket;
        review.cursor = 0;
        review.offset = 0;
        review.view.clear();
        review.rebuild_view();
        review.scroll_to_cursor(height);
    }
}

fn set_filter(app: &mut App, text: String) {
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        review.filter = text;
        review.cursor = 0;
        review.offset = 0;
        review.view.clear();
        review.rebuild_view();
        review.scroll_to_cursor(height);
    }
}

fn open(app: &mut App) {
    let Some(review) = &app.review else {
        return;
    };
    let Some(i) = review.current() else {
        return;
    };
    if review.plan.items[i].action == crate::reconcile::Action::Conflict {
        open_resolve(app, Action::Open, false);
    } else {
        app.overlay = Overlay::Detail { scroll: 0 };
    }
}

fn filter(app: &mut App, action: Action) -> Vec<Effect> {
    let current = app
        .review
        .as_ref()
        .map(|r| r.filter.clone())
        .unwrap_or_default();
    match action {
        Action::Insert(c) => set_filter(app, format!("{current}{c}")),
        Action::DeleteChar => {
            let mut text = current;
            text.pop();
            set_filter(app, text);
        }
        Action::Submit => app.overlay = Overlay::None,
        Action::Cancel => {
            set_filter(app, String::new());
            app.overlay = Overlay::None;
        }
        _ => {}
    }
    Vec::new()
}

fn detail(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.overlay = Overlay::None,
        Action::Up | Action::Down => {
            move_cursor(app, action);
            app.overlay = Overlay::Detail { scroll: 0 };
        }
        Action::Approve => return decide(app, Decision::Approve, false),
        Action::Skip => return decide(app, Decision::Skip, false),
        Action::Open => {
            let conflict = app.review.as_ref().and_then(|r| {
                r.current()
                    .map(|i| r.plan.items[i].action == crate::reconcile::Action::Conflict)
            });
            if conflict == Some(true) {
                open_resolve(app, Action::Open, false);
            }
        }
        Action::Link | Action::Rename => open_resolve(app, action, false),
        Action::Ignore => return ignore(app),
        Action::Undo => return undo(app, true),
        Action::Help => {
            app.overlay = Overlay::Help {
                context: Context::Detail,
                scroll: 0,
            }
        }
        Action::Quit => return request_quit(app),
        _ => {}
    }
    Vec::new()
}

/// Records a set of decision changes as one undo step; re-plans when a standing decision
/// changed; autosaves.
fn change(app: &mut App, entries: Vec<(String, Option<Decision>)>) -> Vec<Effect> {
    let mut record = Vec::new();
    for (key, new) in entries {
        let old = app.decisions.decisions.get(&key).cloned();
        if old == new {
            continue;
        }
        set(app, &key, new.clone());
        record.push((key, old, new));
    }
    if record.is_empty() {
        return Vec::new();
    }
    let standing = record
        .iter()
        .any(|(_, old, new)| is_standing(old) || is_standing(new));
    app.undo.push(record);
    app.redo.clear();
    changed(app, standing)
}

fn is_standing(decision: &Option<Decision>) -> bool {
    decision.as_ref().is_some_and(Decision::is_standing)
}

fn set(app: &mut App, key: &str, decision: Option<Decision>) {
    match decision {
        Some(d) => {
            app.decisions.decisions.insert(key.to_string(), d);
        }
        None => {
            app.decisions.decisions.remove(key);
        }
    }
}

fn changed(app: &mut App, standing: bool) -> Vec<Effect> {
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        if standing {
            review.replan(&app.decisions);
            review.rebuild_view();
            review.scroll_to_cursor(height);
        } else {
            review.recount(&app.decisions);
        }
    }
    vec![Effect::Autosave(app.decisions.clone())]
}

fn undo(app: &mut App, backwards: bool) -> Vec<Effect> {
    let popped = if backwards {
        app.undo.pop()
    } else {
        app.redo.pop()
    };
    let Some(record) = popped else {
        note(
            app,
            if backwards {
                "nothing to undo"
            } else {
                "nothing to redo"
            },
        );
        return Vec::new();
    };
    let standing = record
        .iter()
        .any(|(_, old, new)| is_standing(old) || is_standing(new));
    for (key, old, new) in &record {
        set(app, key, if backwards { old.clone() } else { new.clone() });
    }
    let count = record.len();
    if backwards {
        app.redo.push(record);
    } else {
        app.undo.push(record);
    }
    let effects = changed(app, standing);
    note(
        app,
        format!(
            "{} {count} decision{}",
            if backwards { "undid" } else { "redid" },
            if count == 1 { "" } else { "s" }
        ),
    );
    effects
}

/// Why a decision cannot be taken on an item, or `None` when it can (`Some("")`: already so).
fn refusal(
    item: &crate::reconcile::PlanItem,
    current: Option<&Decision>,
    decision: &Decision,
) -> Option<&'static str> {
    let linked = matches!(
        current,
        Some(Decision::Link { .. } | Decision::Rename { .. })
    );
    match decision {
        Decision::Approve if item.action.is_change() && linked => Some(""),
        Decision::Approve if item.action.is_change() => None,
        Decision::Approve if item.action == crate::reconcile::Action::Conflict => {
            Some("resolve the conflict first: Enter opens the dialog")
        }
        Decision::Approve => Some("nothing to approve: this row changes nothing"),
        _ if linked => Some("this entry is linked or renamed: u undoes that, i ignores it"),
        _ if needs_decision(item.action) => None,
        _ => Some("nothing to skip: this row changes nothing"),
    }
}

/// `y`/`n`: the marked rows when any (from the list), else the current row, then the next
/// undecided row.
fn decide(app: &mut App, decision: Decision, use_marks: bool) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let marked = use_marks && !review.marks.is_empty();
    let targets: Vec<usize> = if marked {
        (0..review.plan.items.len())
            .filter(|&i| {
                review.keys[i]
                    .as_ref()
                    .is_some_and(|k| review.marks.contains(k))
            })
            .collect()
    } else {
        review.current().into_iter().collect()
    };
    let mut entries = Vec::new();
    let mut refused = None;
    for i in targets {
        let Some(key) = review.keys[i].clone() else {
            continue;
        };
        let current = app.decisions.decisions.get(&key);
        match refusal(&review.plan.items[i], current, &decision) {
            None => entries.push((key, Some(decision.clone()))),
            Some("") => {}
            Some(reason) => refused = Some(reason),
        }
    }
    let count = entries.len();
    let effects = change(app, entries);
    let verb = if decision == Decision::Approve {
        "approved"
    } else {
        "skipped"
    };
    if marked {
        if let Some(review) = &mut app.review {
            review.marks.clear();
        }
        match refused {
            Some(reason) => note(
                app,
                format!("{verb} {count} marked rows; others left: {reason}"),
            ),
            None => note(app, format!("{verb} {count} marked rows")),
        }
    } else if let Some(reason) = refused {
        fail(app, reason);
        return effects;
    }
    next_undecided(app);
    effects
}

fn next_undecided(app: &mut App) {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return;
    };
    let start = review.cursor + 1;
    let found = review.view.iter().skip(start).position(|&i| {
        needs_decision(review.plan.items[i].action)
            && review.keys[i]
                .as_ref()
                .is_none_or(|k| !app.decisions.decisions.contains_key(k))
    });
    review.cursor = match found {
        Some(offset) => start + offset,
        None => (review.cursor + 1).min(review.view.len().saturating_sub(1)),
    };
    review.scroll_to_cursor(height);
}

fn ask_view(app: &mut App, decision: Decision) {
    let Some(review) = &app.review else {
        return;
    };
    let items: Vec<usize> = review
        .view
        .iter()
        .copied()
        .filter(|&i| {
            let current = review.keys[i]
                .as_ref()
                .and_then(|k| app.decisions.decisions.get(k));
            review.keys[i].is_some() && refusal(&review.plan.items[i], current, &decision).is_none()
        })
        .collect();
    if items.is_empty() {
        fail(app, "no row in this view can take that decision");
        return;
    }
    app.overlay = Overlay::Confirm(Confirm { decision, items });
}

fn confirm(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Confirm(question) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    if action != Action::Submit {
        note(app, "nothing changed");
        return Vec::new();
    }
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let entries: Vec<(String, Option<Decision>)> = question
        .items
        .iter()
        .filter_map(|&i| review.keys.get(i).cloned().flatten())
        .map(|k| (k, Some(question.decision.clone())))
        .collect();
    let count = entries.len();
    let effects = change(app, entries);
    let verb = if question.decision == Decision::Approve {
        "approved"
    } else {
        "skipped"
    };
    note(app, format!("{verb} {count} rows"));
    effects
}

fn toggle_mark(app: &mut App) {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return;
    };
    let Some(key) = review.current().and_then(|i| review.keys[i].clone()) else {
        return;
    };
    if !review.marks.remove(&key) {
        review.marks.insert(key);
    }
    review.cursor = (review.cursor + 1).min(review.view.len().saturating_sub(1));
    review.scroll_to_cursor(height);
}

fn ignore(app: &mut App) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let Some(i) = review.current() else {
        return Vec::new();
    };
    let Some(key) = review.keys[i].clone() else {
        return Vec::new();
    };
    let name = review.plan.items[i].username.clone();
    let ignored = app.decisions.decisions.get(&key) == Some(&Decision::Ignore);
    let effects = change(app, vec![(key, (!ignored).then_some(Decision::Ignore))]);
    if ignored {
        note(app, format!("{name} is no longer ignored"));
    } else {
        note(app, format!("{name} ignored from now on (u undoes)"));
    }
    app.overlay = Overlay::None;
    effects
}

/// Opens the conflict dialog (`Open`), the link picker (`Link`) or the rename input (`Rename`).
fn open_resolve(app: &mut App, which: Action, from_dialog: bool) {
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
        Action::Link => ResolveMode::Picker(Picker::new(item, entry, &review.session.ftrack)),
        Action::Rename => ResolveMode::Rename(RenameInput::new(
            &review.plan,
            index,
            &review.session.ftrack,
        )),
        _ => ResolveMode::Menu,
    };
    app.overlay = Overlay::Resolve(Box::new(Resolve {
        key,
        index,
        mode,
        from_dialog,
    }));
}

fn resolve(app: &mut App, action: Action) -> Vec<Effect> {
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
            let effects = change(app, vec![(key, Some(Decision::Ignore))]);
            note(app, "ignored from now on (u undoes)");
            return effects;
        }
        (ResolveMode::Menu, Action::Skip) => {
            let effects = change(app, vec![(key, Some(Decision::Skip))]);
            note(app, "skipped this time");
            next_undecided(app);
            return effects;
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
        (ResolveMode::Picker(picker), Action::Insert(_) | Action::DeleteChar) => {
            let mut query = picker.query.clone();
            if let Action::Insert(c) = action {
                query.push(c);
            } else {
                query.pop();
            }
            if let Some(review) = &app.review {
                picker.set_query(query, &review.session.ftrack);
            }
            app.overlay = Overlay::Resolve(dialog);
        }
        (ResolveMode::Picker(picker), Action::Submit) => {
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
            let effects = change(app, vec![(key.clone(), Some(Decision::Link { ftrack_id }))]);
            let now = follow(app, &key);
            note(app, format!("linked to ftrack user {username}; now: {now}"));
            return effects;
        }
        (ResolveMode::Rename(input), Action::Insert(_) | Action::DeleteChar) => {
            if let Action::Insert(c) = action {
                input.input.push(c);
            } else {
                input.input.pop();
            }
            input.validate();
            app.overlay = Overlay::Resolve(dialog);
        }
        (ResolveMode::Rename(input), Action::Submit) => {
            if let Some(error) = input.error.clone() {
                fail(app, error);
                app.overlay = Overlay::Resolve(dialog);
                return Vec::new();
            }
            let username = input.input.clone();
            let effects = change(
                app,
                vec![(
                    key.clone(),
                    Some(Decision::Rename {
                        username: username.clone(),
                    }),
                )],
            );
            let now = follow(app, &key);
            note(app, format!("renamed to {username}; now: {now}"));
            return effects;
        }
        _ => app.overlay = Overlay::Resolve(dialog),
    }
    Vec::new()
}

/// Puts the cursor on an item wherever the re-plan put it; returns its new action's name.
fn follow(app: &mut App, key: &str) -> &'static str {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return "";
    };
    let Some(index) = review.index_of(key) else {
        return "";
    };
    let action = review.plan.items[index].action;
    review.bucket = Bucket::of(action);
    review.view.clear();
    review.rebuild_view();
    if review.position_of(key).is_none() {
        review.filter.clear();
        review.rebuild_view();
    }
    review.cursor = review.position_of(key).unwrap_or(0);
    review.scroll_to_cursor(height);
    action.name()
}

/// The items a commit covers and their counts.
pub(crate) fn selection(app: &App, scope: CommitScope) -> (Vec<bool>, Summary) {
    let Some(review) = &app.review else {
        return (Vec::new(), Summary::default());
    };
    let in_view: HashSet<usize> = match scope {
        CommitScope::View => review.view.iter().copied().collect(),
        _ => HashSet::new(),
    };
    let mut counts = Summary::default();
    let approved: Vec<bool> = review
        .plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = review.keys[i].as_ref();
            let decided = key
                .and_then(|k| app.decisions.decisions.get(k))
                .is_some_and(|d| {
                    matches!(
                        d,
                        Decision::Approve | Decision::Link { .. } | Decision::Rename { .. }
                    )
                });
            let chosen = match scope {
                CommitScope::All => true,
                CommitScope::Marked => key.is_some_and(|k| review.marks.contains(k)),
                CommitScope::View => in_view.contains(&i),
            };
            let ok = item.action.is_change() && decided && chosen;
            if ok {
                *match item.action {
                    crate::reconcile::Action::Create => &mut counts.create,
                    crate::reconcile::Action::Update => &mut counts.update,
                    crate::reconcile::Action::Reactivate => &mut counts.reactivate,
                    _ => &mut counts.deactivate,
                } += 1;
            }
            ok
        })
        .collect();
    (approved, counts)
}

fn open_commit(app: &mut App) {
    let Some(review) = &app.review else {
        return;
    };
    if review.counts.approved == 0 {
        fail(
            app,
            "nothing approved yet: y approves a row, Y the whole view",
        );
        return;
    }
    let scope = if review.marks.is_empty() {
        CommitScope::All
    } else {
        CommitScope::Marked
    };
    let (approved, counts) = selection(app, scope);
    app.overlay = Overlay::Commit(Box::new(CommitModal {
        scope,
        approved,
        counts,
        typed: String::new(),
    }));
}

fn commit(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Commit(mut modal) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Cancel => return Vec::new(),
        Action::CycleScope => {
            modal.scope = match modal.scope {
                CommitScope::All => CommitScope::Marked,
                CommitScope::Marked => CommitScope::View,
                CommitScope::View => CommitScope::All,
            };
            let (approved, counts) = selection(app, modal.scope);
            modal.approved = approved;
            modal.counts = counts;
            modal.typed.clear();
        }
        Action::Insert(c) if c.is_ascii_digit() && modal.typed.len() < 9 => modal.typed.push(c),
        Action::DeleteChar => {
            modal.typed.pop();
        }
        Action::Submit => {
            let deactivations = modal.counts.deactivate;
            let blocked = app.review.as_ref().and_then(|r| r.plan.blocked.clone());
            if modal.counts.changes() == 0 {
                fail(
                    app,
                    "nothing approved in this selection: Tab chooses another",
                );
            } else if let Some(reason) = blocked {
                fail(
                    app,
                    format!("the plan is blocked and would be refused: {reason}"),
                );
            } else if deactivations > 0 && modal.typed != deactivations.to_string() {
                fail(
                    app,
                    format!("type {deactivations} to confirm the deactivations"),
                );
            } else if let Some(review) = &app.review {
                let total = modal.approved.iter().filter(|a| **a).count();
                let approved = ApprovedPlan {
                    plan: review.plan.clone(),
                    approved: modal.approved,
                };
                app.screen = Screen::Applying(ApplyState {
                    total,
                    progress: None,
                    finished: Vec::new(),
                    cancelling: false,
                });
                return vec![Effect::Apply(Box::new(approved))];
            }
        }
        _ => {}
    }
    app.overlay = Overlay::Commit(modal);
    Vec::new()
}

fn progress(app: &mut App, action: Action) -> Vec<Effect> {
    if action != Action::CancelApply {
        return Vec::new();
    }
    if let Screen::Applying(state) = &mut app.screen {
        state.cancelling = true;
    }
    note(app, "stopping after the current batch…");
    vec![Effect::CancelApply]
}

fn results(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Export => {
            app.overlay = Overlay::Export {
                path: default_report_path(),
            }
        }
        Action::Retry => {
            if let Screen::Results(state) = &app.screen {
                app.mark_after_load = state
                    .applied
                    .outcome
                    .items
                    .iter()
                    .filter(|o| matches!(o.status, ItemStatus::Failed { .. }))
                    .filter_map(|o| crate::reconcile::decision::item_key(&o.item))
                    .collect();
            }
            return reload(app);
        }
        Action::Back => return reload(app),
        Action::Quit => return request_quit(app),
        Action::Up | Action::Down => {
            if let Screen::Results(state) = &mut app.screen {
                state.scroll = if action == Action::Up {
                    state.scroll.saturating_sub(1)
                } else {
                    state.scroll + 1
                };
            }
        }
        Action::Help => {
            app.overlay = Overlay::Help {
                context: Context::Results,
                scroll: 0,
            }
        }
        _ => {}
    }
    Vec::new()
}

fn export(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Export { mut path } = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Insert(c) => path.push(c),
        Action::DeleteChar => {
            path.pop();
        }
        Action::Cancel => return Vec::new(),
        Action::Submit if path.trim().is_empty() => fail(app, "type a file name for the report"),
        Action::Submit => {
            let report = match (&app.screen, &app.review) {
                (Screen::Results(state), _) => report_from_outcome(&state.applied.outcome),
                (_, Some(review)) => {
                    let s = &review.session;
                    let run =
                        RunInfo::start("console", &s.server, &s.api_user, &s.directory_source);
                    report_from_plan(&review.plan, run)
                }
                _ => return Vec::new(),
            };
            note(app, format!("writing {path}…"));
            return vec![Effect::ExportReport {
                report: Box::new(report),
                path: PathBuf::from(path),
            }];
        }
        _ => {}
    }
    app.overlay = Overlay::Export { path };
    Vec::new()
}
