//! Small dialogs: the Y/N count confirmation, the report path and quitting unsaved.

use super::{centered, modal_box};
use crate::reconcile::decision::Decision;
use crate::tui::app::{App, Confirm};
use crate::tui::text::truncate;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn keys(pairs: &[(&'static str, &'static str)], theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, what) in pairs {
        spans.push(Span::styled(*key, theme.key));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}

/// Y/N on the whole filtered view.
pub fn confirm(frame: &mut Frame, area: Rect, app: &App, question: &Confirm, theme: &Theme) {
    let verb = if question.decision == Decision::Approve {
        "Approve"
    } else {
        "Skip"
    };
    let (bucket, filter) = app
        .review
        .as_ref()
        .map(|r| (r.bucket.label(), r.filter.clone()))
        .unwrap_or_default();
    let scope = if filter.is_empty() {
        format!("in {bucket}")
    } else {
        format!("in {bucket} matching \"{filter}\"")
    };
    let inner = modal_box(frame, centered(area, 56, 6), "Confirm", theme);
    let lines = vec![
        Line::raw(truncate(
            &format!("{verb} {} rows {scope}?", question.items.len()),
            inner.width as usize,
        )),
        Line::raw(""),
        keys(&[("y", "yes"), ("n", "no")], theme),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The report path input.
pub fn export(frame: &mut Frame, area: Rect, path: &str, theme: &Theme) {
    let inner = modal_box(frame, centered(area, 64, 7), "Export report", theme);
    let cells = inner.width as usize;
    let lines = vec![
        Line::raw("File (.html, .json, .csv or .md):"),
        Line::from(vec![
            Span::styled("> ", theme.key),
            Span::raw(truncate(&format!("{path}▏"), cells.saturating_sub(2))),
        ]),
        Line::raw(""),
        keys(&[("Enter", "write"), ("Esc", "cancel")], theme),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Quitting with decisions that the decisions file has not received.
pub fn quit(frame: &mut Frame, area: Rect, theme: &Theme) {
    let inner = modal_box(frame, centered(area, 60, 7), "Unsaved decisions", theme);
    let lines = vec![
        Line::raw("Decisions changed since the last save (w)."),
        Line::raw("They are autosaved; review --resume restores them."),
        Line::raw(""),
        keys(
            &[("w", "save & quit"), ("Q", "quit"), ("Esc", "stay")],
            theme,
        ),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}
