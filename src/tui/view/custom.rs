//! An item's custom attribute changes in the detail: one line each, ftrack's value then the
//! directory's, like the field changes above them.

use crate::reconcile::plan::PlanItem;
use crate::tui::text::sanitize;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// The width of the label column, as in the rest of the detail.
const LABEL: usize = 11;

/// `custom     phone: "1" -> "2"` for each change of the item.
pub(super) fn lines(item: &PlanItem, theme: &Theme) -> Vec<Line<'static>> {
    let shown = |value: Option<&str>| match value {
        None => "(none)".to_string(),
        Some("") => "(empty)".to_string(),
        Some(text) => sanitize(text).into_owned(),
    };
    item.custom
        .iter()
        .map(|change| {
            Line::from(vec![
                Span::styled(format!("{:<LABEL$}", "custom"), theme.title),
                Span::raw(format!("{}: ", sanitize(&change.key))),
                Span::styled(shown(change.from.as_deref()), theme.removed),
                Span::raw(" -> "),
                Span::styled(shown(Some(&change.to)), theme.added),
            ])
        })
        .collect()
}
