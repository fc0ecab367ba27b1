//! The apply: a gauge, the ETA and the users as they finish.

use crate::apply::outcome::ItemStatus;
use crate::tui::app::{App, ApplyState};
use crate::tui::text::fit;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph};

fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Draws the progress screen.
pub fn render(frame: &mut Frame, area: Rect, state: &ApplyState, app: &App, theme: &Theme) {
    let [title, gauge, figures, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let target = app
        .review
        .as_ref()
        .map(|r| r.session.server.clone())
        .unwrap_or_default();
    let heading = if state.cancelling {
        Span::styled(" Stopping after the current batch…", theme.warn)
    } else {
        Span::styled(
            format!(" Applying {} users to {target}", state.total),
            theme.title,
        )
    };
    frame.render_widget(Paragraph::new(heading), title);
    frame.render_widget(operations_gauge(state, theme), gauge);
    frame.render_widget(Paragraph::new(figures_line(state, theme)), figures);
    let lines = finished_lines(state, list.height as usize, list.width as usize, theme);
    frame.render_widget(Paragraph::new(lines), list);
}

/// The operations done out of all, or that ftrack is being checked before the first batch.
fn operations_gauge<'a>(state: &ApplyState, theme: &Theme) -> Gauge<'a> {
    let (done, total) = state
        .progress
        .as_ref()
        .map_or((0, 0), |p| (p.done, p.total));
    let ratio = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    };
    Gauge::default()
        .block(Block::default().borders(Borders::ALL))
        .gauge_style(theme.ok)
        .ratio(ratio)
        .label(if total == 0 {
            "preparing: checking ftrack before the first batch".to_string()
        } else {
            format!("{done}/{total} operations")
        })
}

/// Users applied and failed so far, and the time left.
fn figures_line(state: &ApplyState, theme: &Theme) -> Line<'static> {
    let (applied, failed, eta) = state
        .progress
        .as_ref()
        .map_or((0, 0, None), |p| (p.applied, p.failed, p.eta));
    let eta = eta.map_or_else(|| "estimating".to_string(), |d| clock(d.as_secs()));
    Line::from(vec![
        Span::styled(format!(" applied {applied}"), theme.ok),
        Span::raw(" · "),
        Span::styled(
            format!("failed {failed}"),
            if failed > 0 { theme.error } else { theme.text },
        ),
        Span::raw(format!(" · ETA {eta}")),
    ])
}

/// The latest users finished, as many as fit in `height` rows.
fn finished_lines(
    state: &ApplyState,
    height: usize,
    cells: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let start = state.finished.len().saturating_sub(height);
    state.finished[start..]
        .iter()
        .map(|o| {
            let (mark, style) = match &o.status {
                ItemStatus::Applied => ("✓", theme.ok),
                ItemStatus::Failed { .. } => ("✗", theme.error),
                _ => ("·", theme.dim),
            };
            let text = format!(
                " {mark} {} {} {}",
                o.item.action.marker(),
                o.item.username,
                o.status.detail().unwrap_or("")
            );
            Line::from(Span::styled(fit(&text, cells), style))
        })
        .collect()
}
