//! Reading both sides: progress, retries, the loaded session (decisions, filter, marks and
//! cursor kept across a reload), a failed read, and `R`.

use super::save::request_quit;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, LoadStage, LoadState, Note, Overlay, Review, Screen, Session};

/// The keys of the loading screen (and of a failed read).
pub(super) fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Reload => reload(app),
        Action::Quit => request_quit(app),
        _ => Vec::new(),
    }
}

/// Reads both sides again; decisions are kept.
pub(super) fn reload(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Loading(LoadState::default());
    app.overlay = Overlay::None;
    vec![Effect::Load]
}

/// Entries read so far on one side.
pub(super) fn progressed(app: &mut App, stage: LoadStage, read: usize, pages: u32) {
    if let Screen::Loading(state) = &mut app.screen {
        let slot = match stage {
            LoadStage::Directory => &mut state.directory,
            LoadStage::Ftrack => &mut state.ftrack,
        };
        *slot = Some((read, pages));
    }
}

/// A side is being read again.
pub(super) fn retrying(app: &mut App, stage: LoadStage, attempt: u32, reason: String) {
    if let Screen::Loading(state) = &mut app.screen {
        state.retrying = Some((stage, attempt, reason));
    }
}

/// A side could not be read: the error is shown, and quitting now reports it.
pub(super) fn failed(app: &mut App, error: String, code: i32) {
    app.load_failure = Some(code);
    app.screen = Screen::LoadFailed(error);
    close_overlay_unless_restoring(app);
}

/// Both sides were read: the plan is shown where the admin left the previous one.
pub(super) fn loaded(app: &mut App, session: Box<Session>) {
    app.load_failure = None;
    let mut review = Review::new(session, &app.decisions);
    if let Some(old) = app.review.take() {
        carry_over(&mut review, *old);
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
    close_overlay_unless_restoring(app);
    app.scroll_list_to_cursor();
}

/// A reload keeps the focused bucket, the filter, the marks and the cursor's item.
fn carry_over(review: &mut Review, old: Review) {
    let current = old.current().and_then(|i| old.keys[i].clone());
    review.bucket = old.bucket;
    review.lane = old.lane;
    review.spots = old.spots;
    review.filter = old.filter;
    review.marks = old.marks;
    review.rebuild_view();
    if let Some(pos) = current.and_then(|k| review.position_of(&k)) {
        review.cursor = pos;
    }
}

/// A new screen closes dialogs, except the question about restoring an unfinished session,
/// which waits for its answer whatever arrives.
pub(super) fn close_overlay_unless_restoring(app: &mut App) {
    if !matches!(app.overlay, Overlay::Restore(_)) {
        app.overlay = Overlay::None;
    }
}
