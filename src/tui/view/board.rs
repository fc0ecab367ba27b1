//! The board: a column per change bucket, each with its count, cursor and scroll, and the
//! focused row's detail in a drawer below.

use super::detail;
use super::list::{Rows, row_lines};
use crate::tui::app::bucket;
use crate::tui::app::{App, Bucket, Review};
use crate::tui::text::truncate;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The columns' area and the drawer's, from the body.
pub fn split(body: Rect) -> (Rect, Rect) {
    let drawer = (body.height * 2 / 5)
        .max(8)
        .min(body.height.saturating_sub(6));
    let [columns, drawer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(drawer)]).areas(body);
    (columns, drawer)
}

/// Rows a column shows in a body of this size.
pub fn column_height(body: Rect) -> usize {
    usize::from(split(body).0.height.saturating_sub(2))
}

/// Draws the board.
pub fn render(frame: &mut Frame, body: Rect, app: &App, columns: &[Vec<Bucket>], theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let (area, drawer) = split(body);
    let constraints = vec![Constraint::Ratio(1, columns.len() as u32); columns.len()];
    let rects = Layout::horizontal(constraints).split(area);
    for (lane, rect) in columns.iter().zip(rects.iter()) {
        column(frame, *rect, app, review, lane, theme);
    }
    let title = " detail · Enter full screen ";
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(title, theme.title));
    let lines = review
        .current()
        .map(|i| detail::lines(app, i, false, drawer.width, theme))
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        drawer,
    );
}

/// One column: its title with the count, then its rows.
fn column(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    review: &Review,
    lane: &[Bucket],
    theme: &Theme,
) {
    let focused = lane.contains(&review.bucket);
    let own;
    let (items, cursor, offset) = if focused {
        (&review.view[..], review.cursor, review.offset)
    } else {
        own = review.rows_of(lane);
        let (cursor, offset) = review.spots.get(&lane[0]).copied().unwrap_or((0, 0));
        (&own[..], cursor.min(own.len().saturating_sub(1)), offset)
    };
    let title: Vec<String> = lane
        .iter()
        .map(|b| {
            let marker = b.marker();
            format!("{marker}{} {}", bucket::label(*b), review.buckets.len(*b))
        })
        .collect();
    let title = truncate(
        &format!(" {} ", title.join(" ")),
        usize::from(area.width.saturating_sub(2)),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.key } else { theme.dim })
        .title(Span::styled(
            title,
            if focused { theme.selected } else { theme.title },
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if items.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("  nothing here", theme.dim)),
            inner,
        );
        return;
    }
    let rows = Rows {
        items,
        cursor,
        offset,
        focused,
    };
    let lines = row_lines(
        app,
        review,
        &rows,
        usize::from(inner.width),
        usize::from(inner.height),
        theme,
    );
    frame.render_widget(Paragraph::new(lines), inner);
}
