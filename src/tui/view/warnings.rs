//! The plan's warnings: the header's one-line indicator, the `!` list in full and the
//! reminder in the commit summary of what the warnings hold back.

use super::{centered, modal_box};
use crate::tui::app::{PlanWarning, Review, WarningKind};
use crate::tui::text::{plural, truncate, width, wrap};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The widest the list's box gets, borders included.
const MAX_WIDTH: u16 = 100;
/// Lines a commit reminder takes at most before it is cut.
const REMINDER_LINES: usize = 2;

/// What an incomplete read holds back, in full and in short for narrow screens.
const INCOMPLETE_READ: [&str; 2] = [
    "incomplete directory read: nobody missing from it is deactivated, no membership removed",
    "incomplete read: nobody missing from it is deactivated",
];

/// What a read of changes holds back, in full and in short for narrow screens.
const CHANGES_ONLY: [&str; 2] = [
    "incremental read: only changed entries were read, nobody is deactivated",
    "incremental read: nobody is deactivated",
];

/// `N warnings`.
fn count_words(count: usize) -> String {
    format!("{count} warning{}", plural(count))
}

/// Names joined with commas, quoted as the plan's warnings quote them.
fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the most important warning means, in a few words for a header of `room` cells.
fn headline(review: &Review, warning: &PlanWarning, room: usize) -> String {
    let plan = &review.plan;
    match warning.kind {
        WarningKind::IncompleteRead => INCOMPLETE_READ
            .into_iter()
            .find(|text| width(text) <= room)
            .unwrap_or(INCOMPLETE_READ[1])
            .to_string(),
        WarningKind::ChangesOnly => CHANGES_ONLY
            .into_iter()
            .find(|text| width(text) <= room)
            .unwrap_or(CHANGES_ONLY[1])
            .to_string(),
        WarningKind::MissingGroups => {
            let s = plural(plan.missing_groups.len());
            format!(
                "managed group{s} missing: nobody leaves ftrack group{s} {}",
                names(plan.missing_groups.iter().map(|g| &g.ftrack))
            )
        }
        WarningKind::MissingRoleGroups => {
            let s = plural(plan.missing_role_groups.len());
            format!(
                "role rule group{s} missing: nobody loses role{s} {}",
                names(plan.missing_role_groups.iter().map(|g| &g.role))
            )
        }
        WarningKind::Other => warning.text.clone(),
    }
}

/// The header's words when the plan has warnings: how many, the key that lists them where
/// it works (`with_key`) and the most important one, e.g. `! 3 warnings (!) · incomplete
/// read: ...`, cut to `cells`.
pub fn indicator(
    review: &Review,
    cells: usize,
    with_key: bool,
    theme: &Theme,
) -> Option<Span<'static>> {
    let first = review.warnings.first()?;
    let key = if with_key { " (!)" } else { "" };
    let count = format!(" ! {}{key} · ", count_words(review.warnings.len()));
    let room = cells.saturating_sub(width(&count));
    let text = format!("{count}{}", headline(review, first, room));
    Some(Span::styled(truncate(&text, cells), theme.warn))
}

/// One warning wrapped to `cells` under a `!`, its next lines indented, a cell left free on
/// the right; cut at `max` lines, the last one then ending in `…`.
fn warning_lines(text: &str, cells: usize, max: usize, theme: &Theme) -> Vec<Line<'static>> {
    let room = cells.saturating_sub(4);
    let mut parts = wrap(text, room);
    if parts.len() > max {
        parts.truncate(max);
        if let Some(last) = parts.last_mut() {
            *last = truncate(&format!("{last} …"), room);
        }
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 { " ! " } else { "   " };
            Line::from(vec![Span::styled(lead, theme.warn), Span::raw(part)])
        })
        .collect()
}

/// Every warning, wrapped to `cells`: first those that hold changes back, then the others,
/// each group under a heading.
pub(super) fn list_lines(review: &Review, cells: usize, theme: &Theme) -> Vec<Line<'static>> {
    let sections = [
        (true, "Held back this run: committing does not do these"),
        (false, "Also to know"),
    ];
    let mut lines = Vec::new();
    for (holds_back, heading) in sections {
        let members: Vec<&PlanWarning> = review
            .warnings
            .iter()
            .filter(|w| w.kind.holds_back() == holds_back)
            .collect();
        if members.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(
            truncate(&format!(" {heading}"), cells),
            theme.title,
        )));
        for warning in members {
            lines.extend(warning_lines(&warning.text, cells, usize::MAX, theme));
        }
    }
    lines
}

/// Where the list's box goes inside `full`: as wide as the screen up to [`MAX_WIDTH`], as
/// tall as its lines up to the screen.
fn box_rect(review: &Review, full: Rect, theme: &Theme) -> Rect {
    let width = full.width.min(MAX_WIDTH);
    let lines = list_lines(review, usize::from(width.saturating_sub(2)), theme).len();
    let height = u16::try_from(lines + 2).unwrap_or(u16::MAX);
    centered(full, width, height)
}

/// Rows inside the list's box (how many lines there are does not depend on the theme).
fn inner_rows(review: &Review, full: Rect) -> u16 {
    box_rect(review, full, &Theme::mono())
        .height
        .saturating_sub(2)
}

/// How far the list scrolls before its last line is at the bottom of its box.
pub(super) fn scroll_limit(review: &Review, full: Rect) -> u16 {
    let width = full.width.min(MAX_WIDTH).saturating_sub(2);
    let lines = list_lines(review, usize::from(width), &Theme::mono()).len();
    let rows = usize::from(inner_rows(review, full));
    u16::try_from(lines.saturating_sub(rows)).unwrap_or(u16::MAX)
}

/// Rows a page of the list moves.
pub(super) fn page(review: &Review, full: Rect) -> u16 {
    inner_rows(review, full).max(1)
}

/// Draws every warning in full, scrolled by `scroll` lines (at most to the last line).
pub fn render(frame: &mut Frame, full: Rect, review: &Review, scroll: u16, theme: &Theme) {
    let area = box_rect(review, full, theme);
    let title = format!(
        "Warnings ({}) · j/k, PgUp/PgDn scroll · Esc closes",
        review.warnings.len()
    );
    let inner = modal_box(
        frame,
        area,
        &truncate(&title, usize::from(area.width.saturating_sub(4))),
        theme,
    );
    let lines = list_lines(review, usize::from(inner.width), theme);
    // A terminal grown since the last scroll may need less of it.
    let limit = lines.len().saturating_sub(usize::from(inner.height));
    let scroll = scroll.min(u16::try_from(limit).unwrap_or(u16::MAX));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// What a kind of warning holds back, in words for the commit summary; `None` for warnings
/// that do not change what committing does.
fn held_back(review: &Review, kind: WarningKind) -> Option<String> {
    let plan = &review.plan;
    match kind {
        WarningKind::IncompleteRead => Some(
            "The directory read was incomplete: nobody missing from it is deactivated and no managed group membership is removed."
                .to_string(),
        ),
        WarningKind::ChangesOnly => Some(
            "Only the directory entries changed since the last run were read: nobody is deactivated; the next full read finds leavers."
                .to_string(),
        ),
        WarningKind::MissingGroups => {
            let s = plural(plan.missing_groups.len());
            Some(format!(
                "Managed group{s} not found in the directory: nobody is removed from ftrack group{s} {}.",
                names(plan.missing_groups.iter().map(|g| &g.ftrack))
            ))
        }
        WarningKind::MissingRoleGroups => {
            let s = plural(plan.missing_role_groups.len());
            Some(format!(
                "Role rule group{s} not found in the directory: nobody loses role{s} {}.",
                names(plan.missing_role_groups.iter().map(|g| &g.role))
            ))
        }
        WarningKind::Other => None,
    }
}

/// The commit summary's reminder: one entry per kind of warning that holds changes back
/// (cut at [`REMINDER_LINES`] lines each), then how many warnings there are and how to read
/// them; nothing when the plan has no warnings.
pub fn commit_reminder(review: &Review, cells: usize, theme: &Theme) -> Vec<Line<'static>> {
    if review.warnings.is_empty() {
        return Vec::new();
    }
    let mut kinds: Vec<WarningKind> = review.warnings.iter().map(|w| w.kind).collect();
    kinds.dedup();
    let mut lines = Vec::new();
    for text in kinds.into_iter().filter_map(|k| held_back(review, k)) {
        lines.extend(warning_lines(&text, cells, REMINDER_LINES, theme));
    }
    lines.push(Line::from(Span::styled(
        truncate(
            &format!(
                " {} in all: Esc, then ! lists them",
                count_words(review.warnings.len())
            ),
            cells,
        ),
        theme.dim,
    )));
    lines
}
