//! The apply's results: counts, why it stopped, and every failure with the server's message.

use crate::apply::engine::Refusal;
use crate::apply::outcome::ItemStatus;
use crate::tui::app::ResultsState;
use crate::tui::text::{sanitize, truncate};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the results.
pub fn render(frame: &mut Frame, area: Rect, state: &ResultsState, theme: &Theme) {
    let outcome = &state.applied.outcome;
    let s = outcome.summary;
    let cells = area.width as usize;
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " Applied: {} of the approved changes, on {}",
                s.applied(),
                outcome.run.ftrack
            ),
            theme.title,
        )),
        Line::from(vec![Span::styled(
            format!(
                " created {} · updated {} · reactivated {} · deactivated {}",
                s.created, s.updated, s.reactivated, s.deactivated
            ),
            theme.ok,
        )]),
        Line::from(vec![
            Span::styled(
                format!(" failed {}", s.failed),
                if s.failed > 0 {
                    theme.error
                } else {
                    theme.text
                },
            ),
            Span::raw(format!(
                " · stale {} · skipped {} · conflicts {} · not attempted {}",
                s.stale, s.skipped, s.parked, s.not_attempted
            )),
        ]),
    ];
    if let Some(refusal) = &state.applied.refused {
        let text = match refusal {
            Refusal::Safety(r) => format!("refused by a safety rule: {r}"),
            Refusal::Stale(r) => format!("refused, ftrack changed: {r}"),
            Refusal::Unavailable(r) => format!("refused, ftrack could not be read: {r}"),
        };
        lines.push(Line::from(Span::styled(
            truncate(&format!(" {text}"), cells),
            theme.error,
        )));
    } else if state.applied.interrupted {
        lines.push(Line::from(Span::styled(
            " stopped by Ctrl-C after a batch",
            theme.warn,
        )));
    } else if let Some(stopped) = &outcome.stopped {
        lines.push(Line::from(Span::styled(
            truncate(&format!(" stopped: {stopped}"), cells),
            theme.warn,
        )));
    }
    lines.push(Line::raw(""));
    let failures: Vec<_> = outcome
        .items
        .iter()
        .filter_map(|o| match &o.status {
            ItemStatus::Failed { error } => Some((o, error)),
            _ => None,
        })
        .collect();
    if failures.is_empty() {
        lines.push(Line::from(Span::styled(" No failures.", theme.ok)));
    } else {
        lines.push(Line::from(Span::styled(
            format!(" Failures ({}), r retries them:", failures.len()),
            theme.error,
        )));
        let room = (area.height as usize).saturating_sub(lines.len());
        let start = state.scroll.min(failures.len().saturating_sub(1));
        for (o, error) in failures.iter().skip(start).take(room) {
            lines.push(Line::raw(truncate(
                &format!(
                    " ✗ {} {}: {}",
                    o.item.action.marker(),
                    o.item.username,
                    sanitize(error)
                ),
                cells,
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
