//! The filter: `/` types it (the list narrows as it is typed), Enter keeps it, Esc clears it.

use crate::tui::action::Action;
use crate::tui::app::{App, Effect, Overlay};
use crate::tui::input::TextInput;

/// `/`: the filter input, holding the filter in force.
pub(super) fn start(app: &mut App) {
    if let Some(review) = &app.review {
        app.overlay = Overlay::Filter(TextInput::new(&review.filter));
    }
}

/// The keys of the filter input that are not editing keys.
pub(super) fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => app.overlay = Overlay::None,
        Action::Cancel => {
            set_filter(app, String::new());
            app.overlay = Overlay::None;
        }
        _ => {}
    }
    Vec::new()
}

/// Shows the rows that match `text`, from the top; every bucket's cursor starts again.
pub(super) fn set_filter(app: &mut App, text: String) {
    if let Some(review) = &mut app.review {
        review.filter = text;
        review.cursor = 0;
        review.offset = 0;
        review.spots.clear();
        review.view.clear();
        review.rebuild_view();
    }
    app.scroll_list_to_cursor();
}
