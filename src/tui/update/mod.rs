//! `update`: the one place the console's state changes. Keys become [`Action`]s through the
//! key table; worker results arrive as [`Msg`]s; the runtime carries out the [`Effect`]s.
//! The time comes in with each message, so `update` is a function of the state, the message
//! and the time, and nothing else.
//!
//! By job: `load` (reading both sides), `navigation` (cursor, buckets, board), `list`
//! (the list's keys and marks), `filter`, `detail` (the full-screen detail and the help),
//! `decide` (approve, skip, ignore), `history` (every decision change, undo and redo),
//! `resolve` (conflict dialog, link picker, rename), `commit`, `apply` (progress and
//! results), `export` (reports), `save` (saving, quitting, the earlier autosave),
//! `warnings` (the plan's warnings).

mod apply;
mod commit;
mod decide;
mod detail;
mod export;
mod filter;
mod history;
mod list;
mod load;
mod navigation;
mod resolve;
mod save;
mod warnings;

use super::action::{Action, Context, action_for};
use super::app::{App, Effect, Msg, Note, Overlay, ResolveMode};
use super::input::TextInput;
use crossterm::event::KeyEvent;
use jiff::Timestamp;

/// Applies one message, arrived at `now`, to the state and says what the runtime must do.
pub fn update(app: &mut App, msg: Msg, now: Timestamp) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => return key_pressed(app, key, now),
        Msg::Paste(text) => return edit_text(app, |input| input.insert(&text)),
        Msg::Resize(width, height) => navigation::resized(app, width, height),
        Msg::LoadProgress { stage, read, pages } => load::progressed(app, stage, read, pages),
        Msg::LoadRetrying {
            stage,
            attempt,
            reason,
        } => load::retrying(app, stage, attempt, reason),
        Msg::Loaded(session) => load::loaded(app, session),
        Msg::LoadFailed { error, code } => load::failed(app, error, code),
        Msg::ApplyProgress(progress) => apply::progressed(app, progress),
        Msg::ItemFinished(outcome) => apply::item_finished(app, outcome),
        Msg::Applied(applied) => apply::applied(app, applied),
        Msg::Recorded(standing) => apply::recorded(app, standing),
        Msg::DecisionsSaved { path } => save::decisions_saved(app, &path),
        Msg::ReportWritten { path } => export::written(app, &path),
        Msg::WriteFailed { writing, error } => save::write_failed(app, writing, error),
        Msg::Tick => app.tick = app.tick.wrapping_add(1),
    }
    Vec::new()
}

/// A key: the action it means where the focus is, carried out there.
fn key_pressed(app: &mut App, key: KeyEvent, now: Timestamp) -> Vec<Effect> {
    let Some(action) = action_for(app.context(), key) else {
        return Vec::new();
    };
    app.note = None;
    act(app, action, now)
}

fn act(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    if app.context().edits_text() {
        match action {
            Action::Insert(c) => return edit_text(app, |input| input.insert(&c.to_string())),
            Action::Edit(edit) => return edit_text(app, |input| input.edit(edit)),
            _ => {}
        }
    }
    match app.context() {
        Context::Loading => load::act(app, action),
        Context::List => list::act(app, action, now),
        Context::Filter => filter::act(app, action),
        Context::Detail => detail::act(app, action, now),
        Context::Help => detail::help(app, action),
        Context::Warnings => warnings::act(app, action),
        Context::Dialog | Context::Picker | Context::Rename | Context::TakeOver => {
            resolve::act(app, action, now)
        }
        Context::Confirm => decide::confirm(app, action, now),
        Context::Commit => commit::act(app, action),
        Context::Progress => apply::progress(app, action),
        Context::Results => apply::results(app, action, now),
        Context::Export => export::act(app, action),
        Context::Restore => save::restore(app, action, now),
        Context::QuitConfirm => save::quit_confirm(app, action),
    }
}

/// Edits the text input that has the keyboard, then does what its text drives: the filter
/// narrows the list, the search the picker, the rename is checked again.
fn edit_text(app: &mut App, change: impl FnOnce(&mut TextInput)) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let ftrack = &review.session.ftrack;
    let mut filter = None;
    match &mut app.overlay {
        Overlay::Filter(input) => {
            change(input);
            filter = Some(input.text().to_string());
        }
        Overlay::Export { path } => change(path),
        Overlay::Resolve(dialog) => match &mut dialog.mode {
            ResolveMode::Picker(picker) => {
                change(&mut picker.query);
                picker.search(ftrack);
            }
            ResolveMode::Rename(rename) => {
                change(&mut rename.input);
                rename.validate();
            }
            _ => {}
        },
        _ => {}
    }
    if let Some(text) = filter {
        filter::set_filter(app, text);
    }
    Vec::new()
}

/// Opens the help of a context.
fn open_help(app: &mut App, context: Context) {
    app.overlay = Overlay::Help { context, scroll: 0 };
}

/// Says something in the status bar.
fn note(app: &mut App, text: impl Into<String>) {
    app.note = Some(Note {
        text: text.into(),
        error: false,
    });
}

/// Says in the status bar, as an error, what did not work.
fn fail(app: &mut App, text: impl Into<String>) {
    app.note = Some(Note {
        text: text.into(),
        error: true,
    });
}
