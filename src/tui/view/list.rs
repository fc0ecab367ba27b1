//! The bucket list. Virtualised: only the rows on screen are formatted.

use crate::reconcile::decision::Decision;
use crate::reconcile::plan::{Action, PlanItem};
use crate::reconcile::roles::RoleChange;
use crate::tui::app::{App, Review, needs_decision, visible_range};
use crate::tui::text::{fit, truncate, width};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The mark for an item's decision: ✓ approved, ✗ skipped, · pending, ⊘ ignored, ↔ linked,
/// ✎ renamed, ! deactivate now (grace cut short), blank when no decision is needed.
pub fn decision_mark(item: &PlanItem, decision: Option<&Decision>) -> char {
    match decision {
        Some(Decision::Approve) => '✓',
        Some(Decision::Skip) => '✗',
        Some(Decision::Ignore) => '⊘',
        Some(Decision::Link { .. }) => '↔',
        Some(Decision::Rename { .. }) => '✎',
        Some(Decision::DeactivateNow) => '!',
        None if needs_decision(item.action) => '·',
        None => ' ',
    }
}

/// A few words on what changes, for the right of a row; first what it needs, if anything.
fn brief(item: &PlanItem) -> String {
    if let Some(need) = item.needs.first() {
        return format!("needs {need}");
    }
    match item.action {
        Action::Update | Action::Reactivate => {
            let mut parts: Vec<&str> = item.changes.iter().map(|c| c.field.name()).collect();
            if !item.groups.is_empty() {
                parts.push("groups");
            }
            if let Some(roles) = super::roles::brief(item) {
                // Losing access goes first, where the narrow list still shows it.
                let at = if item.roles.iter().any(RoleChange::takes_away) {
                    0
                } else {
                    parts.len()
                };
                parts.insert(at, roles);
            }
            parts.join(", ")
        }
        Action::Create => item
            .changes
            .iter()
            .find(|c| c.field == crate::reconcile::plan::Field::Email)
            .and_then(|c| match &c.to {
                Some(crate::reconcile::plan::FieldValue::Text(t)) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_default(),
        // The countdown, where a narrow list still shows it.
        Action::Pending => item.grace.as_ref().map_or_else(
            || item.reason.clone().unwrap_or_default(),
            |grace| format!("in {} · {}", grace.left_words(), grace.since_words()),
        ),
        _ => item.reason.clone().unwrap_or_default(),
    }
}

/// Rows to draw: plan positions, where the cursor is, the scroll, and whether the keyboard is
/// here (a board column without the focus shows its cursor as `›`, not highlighted).
pub(crate) struct Rows<'r> {
    pub items: &'r [usize],
    pub cursor: usize,
    pub offset: usize,
    pub focused: bool,
}

/// The lines of the list's rows on screen: at most `height`, however long the list.
pub(crate) fn list_lines(
    app: &App,
    review: &Review,
    cells: usize,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let rows = Rows {
        items: &review.view,
        cursor: review.cursor,
        offset: review.offset,
        focused: true,
    };
    row_lines(app, review, &rows, cells, height, theme)
}

/// The lines of some rows on screen: at most `height`, however many rows there are.
pub(crate) fn row_lines(
    app: &App,
    review: &Review,
    rows: &Rows<'_>,
    cells: usize,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let range = visible_range(rows.items.len(), rows.cursor, rows.offset, height);
    let right = if cells >= 70 { cells * 2 / 5 } else { 0 };
    rows.items[range.clone()]
        .iter()
        .zip(range)
        .map(|(&i, row)| {
            let item = &review.plan.items[i];
            let key = review.keys[i].as_ref();
            let decision = key.and_then(|k| app.decisions.decisions.get(k));
            let marked = key.is_some_and(|k| review.marks.contains(k));
            let at_cursor = row == rows.cursor;
            let selected = at_cursor && rows.focused;
            let prefix = format!(
                "{}{}{} {} ",
                match (at_cursor, rows.focused) {
                    (true, true) => '>',
                    (true, false) => '›',
                    _ => ' ',
                },
                if marked { '*' } else { ' ' },
                item.action.marker(),
                decision_mark(item, decision)
            );
            let name = if item.name.trim().is_empty() || item.name == *item.username {
                item.username.to_string()
            } else {
                format!("{} ({})", item.name, item.username)
            };
            let left = cells.saturating_sub(width(&prefix) + right);
            let mut text = fit(&name, left);
            if right > 1 {
                text.push(' ');
                text.push_str(&fit(&brief(item), right - 1));
            }
            if selected {
                Line::from(Span::styled(format!("{prefix}{text}"), theme.selected))
            } else {
                Line::from(vec![
                    Span::styled(prefix, theme.action(item.action)),
                    Span::styled(truncate(&text, left + right), theme.text),
                ])
            }
        })
        .collect()
}

/// Draws the list.
pub fn render(frame: &mut Frame, area: Rect, app: &App, review: &Review, theme: &Theme) {
    if review.view.is_empty() {
        let what = if review.filter.is_empty() {
            "nothing in this bucket"
        } else {
            "no row matches the filter (Esc clears it)"
        };
        frame.render_widget(
            Paragraph::new(Span::styled(format!("  {what}"), theme.dim)),
            area,
        );
        return;
    }
    let lines = list_lines(
        app,
        review,
        area.width as usize,
        area.height as usize,
        theme,
    );
    frame.render_widget(Paragraph::new(lines), area);
}
