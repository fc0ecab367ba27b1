//! The full-screen boxes: the detail of one row (which also takes the row's decisions) and
//! the help, both scrolled up to their last line.

use super::decide::{Rows, deactivate_now, decide, ignore};
use super::history::{HistoryStep, step_history};
use super::navigation::move_cursor;
use super::open_help;
use super::resolve::open_resolve;
use super::save::request_quit;
use crate::reconcile::Action as Planned;
use crate::reconcile::decision::Decision;
use crate::tui::action::{Action, Context};
use crate::tui::app::{App, Effect, Overlay};
use crate::tui::view;
use jiff::Timestamp;

/// What a key does in the detail.
pub(super) fn act(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    match action {
        Action::Back => app.overlay = Overlay::None,
        Action::PageDown | Action::PageUp => page(app, action),
        Action::Up | Action::Down => {
            move_cursor(app, action);
            app.overlay = Overlay::Detail { scroll: 0 };
        }
        Action::Approve => return decide(app, Decision::Approve, Rows::Current, now),
        Action::Skip => return decide(app, Decision::Skip, Rows::Current, now),
        Action::Open if on_conflict(app) => open_resolve(app, Action::Open, false),
        Action::Link | Action::Rename => open_resolve(app, action, false),
        Action::Ignore => return ignore(app, now),
        Action::DeactivateNow => return deactivate_now(app, now),
        Action::Undo => return step_history(app, HistoryStep::Undo, now),
        Action::Help => open_help(app, Context::Detail),
        Action::Quit => return request_quit(app),
        _ => {}
    }
    Vec::new()
}

/// True when the cursor is on a conflict.
fn on_conflict(app: &App) -> bool {
    app.review.as_ref().is_some_and(|r| {
        r.current()
            .is_some_and(|i| r.plan.items[i].action == Planned::Conflict)
    })
}

/// PgUp/PgDn in the detail, stopping at its last line.
fn page(app: &mut App, action: Action) {
    let page = view::box_page(app);
    let limit = view::detail_scroll_limit(app);
    if let Overlay::Detail { scroll } = &mut app.overlay {
        *scroll = if action == Action::PageDown {
            scroll.saturating_add(page).min(limit)
        } else {
            scroll.saturating_sub(page)
        };
    }
}

/// The help scrolls with the arrows and the page keys, up to its last line; any other key
/// closes it.
pub(super) fn help(app: &mut App, action: Action) -> Vec<Effect> {
    let page = view::box_page(app);
    if let Overlay::Help { context, scroll } = &app.overlay {
        let limit = view::help_scroll_limit(app, *context);
        let moved = match action {
            Action::Down => Some(scroll.saturating_add(1)),
            Action::Up => Some(scroll.saturating_sub(1)),
            Action::PageDown => Some(scroll.saturating_add(page)),
            Action::PageUp => Some(scroll.saturating_sub(page)),
            _ => None,
        };
        app.overlay = match moved {
            Some(to) => Overlay::Help {
                context: *context,
                scroll: to.min(limit),
            },
            None => Overlay::None,
        };
    }
    Vec::new()
}
