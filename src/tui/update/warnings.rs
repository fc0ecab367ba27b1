//! The plan's warnings (`!`): opening the list, scrolling it up to its last line, closing it.

use super::note;
use super::save::request_quit;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, Overlay};
use crate::tui::view;

/// `!` in the list or on the results: the warnings in full, or a note that there are none.
pub(super) fn open(app: &mut App) {
    let none = app.review.as_ref().is_none_or(|r| r.warnings.is_empty());
    if none {
        note(app, "the plan has no warnings");
    } else {
        app.overlay = Overlay::Warnings { scroll: 0 };
    }
}

/// What a key does in the warnings: scroll, close or quit.
pub(super) fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Warnings { scroll } = app.overlay else {
        return Vec::new();
    };
    let page = view::warnings_page(app);
    let limit = view::warnings_scroll_limit(app);
    let to = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Back => {
            app.overlay = Overlay::None;
            return Vec::new();
        }
        Action::Quit => return request_quit(app),
        _ => scroll,
    };
    app.overlay = Overlay::Warnings {
        scroll: to.min(limit),
    };
    Vec::new()
}
