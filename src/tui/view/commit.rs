//! The commit summary: what will be applied, where and as whom, and what the plan's warnings
//! hold back.

use super::{centered, modal_box};
use crate::reconcile::needs::Need;
use crate::tui::app::{App, CommitModal, CommitScope, Review};
use crate::tui::text::truncate;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The summary's width, borders included.
const WIDTH: u16 = 64;

/// Draws the summary.
pub fn render(frame: &mut Frame, area: Rect, app: &App, modal: &CommitModal, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let cells = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let mut lines = target_lines(review, modal, cells, theme);
    lines.extend(count_lines(modal, theme));
    lines.extend(access_loss_line(review, modal, cells, theme));
    let reminder = super::warnings::commit_reminder(review, cells, theme);
    let room = usize::from(area.height.saturating_sub(18))
        .saturating_sub(reminder.len())
        .max(2);
    lines.extend(settled_lines(review, modal, cells, room, theme));
    if let Some(reason) = &review.plan.blocked {
        lines.push(Line::from(Span::styled(
            truncate(&format!("Blocked: {reason}"), cells),
            theme.error,
        )));
    }
    lines.extend(reminder);
    lines.push(Line::raw(""));
    lines.extend(key_lines(modal, theme));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let inner = modal_box(frame, centered(area, WIDTH, height), "Commit", theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Where the commit goes, as whom, in which rollout scope, and what it covers.
fn target_lines(
    review: &Review,
    modal: &CommitModal,
    cells: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let session = &review.session;
    let scope = |s: CommitScope, text: String| {
        if modal.scope == s {
            Span::styled(format!("[{text}]"), theme.selected)
        } else {
            Span::styled(format!(" {text} "), theme.text)
        }
    };
    vec![
        Line::raw(truncate(&format!("Target  {}", session.server), cells)),
        Line::raw(truncate(&format!("As      {}", session.api_user), cells)),
        Line::raw(truncate(
            &format!("Scope   {}", super::header::scope_words(&session.scope)),
            cells,
        )),
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
    ]
}

/// How many users of the commit lose a security role or project access, when any do: these
/// count against the safety limit like deactivations.
fn access_loss_line(
    review: &Review,
    modal: &CommitModal,
    cells: usize,
    theme: &Theme,
) -> Option<Line<'static>> {
    let losing = review
        .plan
        .items
        .iter()
        .zip(&modal.approved)
        .filter(|(item, ok)| **ok && item.roles.iter().any(|r| r.takes_away()))
        .count();
    (losing > 0).then(|| {
        Line::from(Span::styled(
            truncate(
                &format!("  ! users losing a security role or project access: {losing}"),
                cells,
            ),
            theme.error,
        ))
    })
}

/// The changes the commit applies, by kind, and the approved ones it leaves pending.
fn count_lines(modal: &CommitModal, theme: &Theme) -> Vec<Line<'static>> {
    let c = modal.counts;
    let mut lines: Vec<Line<'static>> = [
        ('+', "create", c.create),
        ('~', "update", c.update),
        ('^', "reactivate", c.reactivate),
        ('-', "deactivate", c.deactivate),
    ]
    .into_iter()
    .map(|(marker, what, n)| {
        let style = if n == 0 { theme.dim } else { theme.text };
        Line::from(Span::styled(format!("  {marker} {what:<11}{n:>7}"), style))
    })
    .collect();
    lines.push(Line::from(Span::styled(
        format!(
            "  approved, not in this commit: {} (stay pending)",
            modal.left_out
        ),
        theme.dim,
    )));
    lines
}

/// The deactivation count to type, when there are deactivations, and the keys.
fn key_lines(modal: &CommitModal, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let deactivations = modal.counts.deactivate;
    if deactivations > 0 {
        lines.push(Line::from(vec![
            Span::styled(
                format!("Type {deactivations} to confirm the deactivations: "),
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
    lines
}

/// What the commit brings along because its rows need it, and the rows it holds back.
fn settled_lines(
    review: &Review,
    modal: &CommitModal,
    cells: usize,
    room: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let needed = &modal.settled.pulled_in;
    if !needed.is_empty() {
        lines.push(Line::from(Span::styled(
            truncate(
                &format!("Also applies what the commit needs ({}):", needed.len()),
                cells,
            ),
            theme.warn,
        )));
        for pulled in needed.iter().take(room) {
            let item = &review.plan.items[pulled.item];
            let by = &review.plan.items[pulled.needed_by];
            let what = by
                .needs
                .iter()
                .find(|n| matches!(n, Need::Rename { key, .. } if Some(key) == review.keys[pulled.item].as_ref()))
                .map_or_else(|| item.username.to_string(), ToString::to_string);
            lines.push(Line::raw(truncate(
                &format!("  {what}, needed by {}", by.username),
                cells,
            )));
        }
        more(&mut lines, needed.len(), room, cells);
    }
    let held = &modal.settled.held_back;
    if !held.is_empty() {
        lines.push(Line::from(Span::styled(
            truncate(&format!("Held back ({}):", held.len()), cells),
            theme.warn,
        )));
        for h in held.iter().take(room) {
            let who = &review.plan.items[h.item].username;
            lines.push(Line::raw(truncate(&format!("  {who} {}", h.reason), cells)));
        }
        more(&mut lines, held.len(), room, cells);
    }
    lines
}

/// "and N more" when a list was cut at `shown` lines.
fn more(lines: &mut Vec<Line<'static>>, total: usize, shown: usize, cells: usize) {
    if total > shown {
        lines.push(Line::raw(truncate(
            &format!("  and {} more", total - shown),
            cells,
        )));
    }
}
