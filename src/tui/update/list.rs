//! The keys of the list, the main screen, and the marks (Space, T, U).

use super::decide::{Rows, ask_view, deactivate_now, decide, ignore};
use super::history::{HistoryStep, step_history};
use super::navigation::{move_cursor, next_bucket, show_bucket, toggle_board};
use super::resolve::open_resolve;
use super::save::{request_quit, save_decisions};
use super::{commit, export, filter, load, note, open_help, warnings};
use crate::ids::ItemKey;
use crate::reconcile::Action as Planned;
use crate::reconcile::decision::Decision;
use crate::tui::action::{Action, Context};
use crate::tui::app::bucket::Direction;
use crate::tui::app::{App, Effect, Overlay};
use jiff::Timestamp;

/// What a key does in the list.
pub(super) fn act(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_cursor(app, action),
        Action::ShowBucket(bucket) => show_bucket(app, bucket),
        Action::NextBucket => next_bucket(app, Direction::Next),
        Action::PrevBucket => next_bucket(app, Direction::Previous),
        Action::ToggleBoard => toggle_board(app),
        Action::Open => open(app),
        Action::Back => return back(app),
        Action::ClearFilter => filter::set_filter(app, String::new()),
        Action::StartFilter => filter::start(app),
        Action::Approve => return decide(app, Decision::Approve, Rows::MarkedOrCurrent, now),
        Action::Skip => return decide(app, Decision::Skip, Rows::MarkedOrCurrent, now),
        Action::ApproveView => ask_view(app, Decision::Approve),
        Action::SkipView => ask_view(app, Decision::Skip),
        Action::ToggleMark => toggle_mark(app),
        Action::MarkView => mark_view(app),
        Action::ClearMarks => clear_marks(app),
        Action::Link | Action::Rename => open_resolve(app, action, false),
        Action::Ignore => return ignore(app, now),
        Action::DeactivateNow => return deactivate_now(app, now),
        Action::Undo => return step_history(app, HistoryStep::Undo, now),
        Action::Redo => return step_history(app, HistoryStep::Redo, now),
        Action::Commit => commit::open(app),
        Action::Save => return save_decisions(app),
        Action::Export => export::open(app, now),
        Action::Reload => return load::reload(app),
        Action::Help => open_help(app, Context::List),
        Action::ShowWarnings => warnings::open(app),
        Action::Quit => return request_quit(app),
        _ => {}
    }
    Vec::new()
}

/// Esc: clears the filter when there is one, else quits.
fn back(app: &mut App) -> Vec<Effect> {
    if app.review.as_ref().is_some_and(|r| !r.filter.is_empty()) {
        filter::set_filter(app, String::new());
        Vec::new()
    } else {
        request_quit(app)
    }
}

/// Enter: the conflict dialog on a conflict, else the full-screen detail.
fn open(app: &mut App) {
    let Some(review) = &app.review else {
        return;
    };
    let Some(i) = review.current() else {
        return;
    };
    if review.plan.items[i].action == Planned::Conflict {
        open_resolve(app, Action::Open, false);
    } else {
        app.overlay = Overlay::Detail { scroll: 0 };
    }
}

/// Space: marks or unmarks the row, then moves down.
fn toggle_mark(app: &mut App) {
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
    app.scroll_list_to_cursor();
}

/// `T`: marks every row of the view.
fn mark_view(app: &mut App) {
    if let Some(review) = &mut app.review {
        let keys: Vec<ItemKey> = review
            .view
            .iter()
            .filter_map(|&i| review.keys[i].clone())
            .collect();
        let count = keys.len();
        review.marks.extend(keys);
        note(app, format!("marked {count} rows"));
    }
}

/// `U`: clears every mark.
fn clear_marks(app: &mut App) {
    if let Some(review) = &mut app.review {
        review.marks.clear();
        note(app, "marks cleared");
    }
}
