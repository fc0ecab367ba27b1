//! The commit summary: what will be applied, where and as whom.

use super::{centered, modal_box};
use crate::tui::app::{App, CommitModal, CommitScope};
use crate::tui::text::truncate;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the summary.
pub fn render(frame: &mut Frame, area: Rect, app: &App, modal: &CommitModal, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let outer = centered(area, 64, 16);
    let inner = modal_box(frame, outer, "Commit", theme);
    let cells = inner.width as usize;
    let session = &review.session;
    let scope = |s: CommitScope, text: String| {
        if modal.scope == s {
            Span::styled(format!("[{text}]"), theme.selected)
        } else {
            Span::styled(format!(" {text} "), theme.text)
        }
    };
    let c = modal.counts;
    let mut lines = vec![
        Line::raw(truncate(&format!("Target  {}", session.server), cells)),
        Line::raw(truncate(&format!("As      {}", session.api_user), cells)),
        Line::from(vec![
            Span::raw("Commit  "),
            scope(CommitScope::All, "all approved".into()),
            Span::raw(" "),
            scope(
                CommitScope::Marked,
                format!("marked ({})", review.marks.len()),
            ),
            Span::raw(" "),
            scope(CommitScope::View, "this view".into()),
        ]),
        Line::raw(""),
    ];
    for (marker, what, n) in [
        ('+', "create", c.create),
        ('~', "update", c.update),
        ('^', "reactivate", c.reactivate),
        ('-', "deactivate", c.deactivate),
    ] {
        let style = if n == 0 { theme.dim } else { theme.text };
        lines.push(Line::from(Span::styled(
            format!("  {marker} {what:<11}{n:>7}"),
            style,
        )));
    }
    let left = review.counts.approved.saturating_sub(c.changes());
    lines.push(Line::from(Span::styled(
        format!("  approved, not in this commit: {left} (stay pending)"),
        theme.dim,
    )));
    if let Some(reason) = &review.plan.blocked {
        lines.push(Line::from(Span::styled(
            truncate(&format!("Blocked: {reason}"), cells),
            theme.error,
        )));
    }
    lines.push(Line::raw(""));
    if c.deactivate > 0 {
        lines.push(Line::from(vec![
            Span::styled(
                format!("Type {} to confirm the deactivations: ", c.deactivate),
                theme.warn,
            ),
            Span::raw(format!("{}▏", modal.typed)),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled("Enter", theme.key),
        Span::raw(" apply  "),
        Span::styled("Tab", theme.key),
        Span::raw(" what to commit  "),
        Span::styled("Esc", theme.key),
        Span::raw(" cancel"),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}
