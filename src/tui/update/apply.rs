//! The running apply and its results: progress from the engine, Ctrl-C, the outcome joining
//! the session's, and the results screen (retry the failed users, export, back).

use super::load::reload;
use super::save::request_quit;
use super::{export, note, open_help, warnings};
use crate::apply::engine::{Applied, ApplyProgress};
use crate::apply::outcome::{ItemOutcome, ItemStatus};
use crate::ids::ItemKey;
use crate::reconcile::decision::{Decisions, item_key};
use crate::report::model::CommitLog;
use crate::tui::action::{Action, Context};
use crate::tui::app::{App, Effect, Overlay, ResultsState, Screen};
use jiff::Timestamp;

/// The engine finished a batch.
pub(super) fn progressed(app: &mut App, progress: ApplyProgress) {
    if let Screen::Applying(state) = &mut app.screen {
        state.progress = Some(progress);
    }
}

/// One user was finished (applied or failed).
pub(super) fn item_finished(app: &mut App, outcome: ItemOutcome) {
    if let Screen::Applying(state) = &mut app.screen {
        state.finished.push(outcome);
    }
}

/// The commit's standing decisions are in force: what it covers counts as saved.
pub(super) fn recorded(app: &mut App, standing: Decisions) {
    app.recorded = standing;
    if let Screen::Applying(state) = &app.screen {
        app.saved = state.saved_after.clone();
    }
}

/// The commit finished: its outcome joins the session's, and the results are shown.
pub(super) fn applied(app: &mut App, applied: Box<Applied>) {
    app.commits.push(CommitLog::of(&applied.outcome));
    app.last_commit = Some(crate::exit::for_apply(
        &applied.outcome,
        &applied.ending,
        false,
    ));
    let left_out = match &app.screen {
        Screen::Applying(state) => state.left_out,
        _ => 0,
    };
    app.screen = Screen::Results(ResultsState {
        applied,
        scroll: 0,
        left_out,
    });
    app.overlay = Overlay::None;
}

/// Ctrl-C while applying: the engine stops after the current batch.
pub(super) fn progress(app: &mut App, action: Action) -> Vec<Effect> {
    if action != Action::CancelApply {
        return Vec::new();
    }
    if let Screen::Applying(state) = &mut app.screen {
        state.cancelling = true;
    }
    note(app, "stopping after the current batch…");
    vec![Effect::CancelApply]
}

/// What a key does on the results screen.
pub(super) fn results(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    match action {
        Action::Export => export::open(app, now),
        Action::Retry => return retry_failed(app),
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
        Action::Help => open_help(app, Context::Results),
        Action::ShowWarnings => warnings::open(app),
        _ => {}
    }
    Vec::new()
}

/// `r`: reads both sides again and marks the users that failed, their approvals kept.
fn retry_failed(app: &mut App) -> Vec<Effect> {
    let failed: Vec<ItemKey> = match &app.screen {
        Screen::Results(state) => state
            .applied
            .outcome
            .items
            .iter()
            .filter(|o| matches!(o.status, ItemStatus::Failed { .. }))
            .filter_map(|o| item_key(&o.item))
            .collect(),
        _ => Vec::new(),
    };
    if failed.is_empty() {
        note(app, "nothing to retry: no user failed");
        return Vec::new();
    }
    app.mark_after_load = failed;
    reload(app)
}
