//! The `?` help, built from the key table.

use super::modal_box;
use crate::tui::action::{Context, help_lines};
use crate::tui::text::{fit, truncate};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the keys of a context.
pub fn render(frame: &mut Frame, area: Rect, context: Context, scroll: u16, theme: &Theme) {
    let inner = modal_box(
        frame,
        area,
        "Keys · j/k, PgUp/PgDn scroll · Esc closes",
        theme,
    );
    let entries = help_lines(context, false);
    let keys = entries
        .iter()
        .map(|l| crate::tui::text::width(&l.keys))
        .max()
        .unwrap_or(0)
        .min(18);
    let cells = inner.width as usize;
    let lines: Vec<Line> = entries
        .iter()
        .skip(scroll as usize)
        .map(|l| {
            Line::from(vec![
                Span::styled(format!(" {}", fit(&l.keys, keys)), theme.key),
                Span::raw(format!(
                    "  {}",
                    truncate(l.help, cells.saturating_sub(keys + 3))
                )),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
