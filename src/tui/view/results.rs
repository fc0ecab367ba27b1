//! The apply's results: counts, why it stopped, and every failure with the server's message.

use crate::apply::engine::Refusal;
use crate::apply::outcome::ItemStatus;
use crate::tui::app::ResultsState;
use crate::tui::text::{sanitize, truncate, wrap};
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
        // The whole reason, over as many lines as it needs (a few at most).
        for line in wrap(&text, cells.saturating_sub(1)).into_iter().take(6) {
            lines.push(Line::from(Span::styled(format!(" {line}"), theme.error)));
        }
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
    // Users that need a look: failures (r retries them), then stale ones (ftrack changed
    // since the plan: q plans again).
    let attention: Vec<(String, bool)> = outcome
        .items
        .iter()
        .filter_map(|o| {
            let (mark, why, failed) = match &o.status {
                ItemStatus::Failed { error } => ("✗", error, true),
                ItemStatus::Stale { reason } => ("≠", reason, false),
                _ => return None,
            };
            let line = format!(
                " {mark} {} {}: {why}",
                o.item.action.marker(),
                o.item.username
            );
            Some((line, failed))
        })
        .collect();
    let failed = attention.iter().filter(|(_, failed)| *failed).count();
    let stale = attention.len() - failed;
    let finished_cleanly =
        state.applied.refused.is_none() && !state.applied.interrupted && outcome.stopped.is_none();
    if attention.is_empty() {
        if finished_cleanly {
            lines.push(Line::from(Span::styled(
                " Every approved change was applied.",
                theme.ok,
            )));
        }
    } else {
        let mut heading = Vec::new();
        if failed > 0 {
            heading.push(format!("{failed} failed (r retries them)"));
        }
        if stale > 0 {
            heading.push(format!(
                "{stale} stale: ftrack changed since the plan (q plans again)"
            ));
        }
        lines.push(Line::from(Span::styled(
            truncate(&format!(" {}:", heading.join("; ")), cells),
            if failed > 0 { theme.error } else { theme.warn },
        )));
        let room = (area.height as usize).saturating_sub(lines.len());
        let start = state.scroll.min(attention.len().saturating_sub(1));
        for (text, _) in attention.iter().skip(start).take(room) {
            lines.push(Line::raw(truncate(&sanitize(text), cells)));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
