//! Security roles and seats in the console's words: the detail's role lines, the list's
//! brief, and the header's active users.
//!
//! What takes access away is spelled in capitals (`REVOKE`, `NARROW`) beside its `-` or `~`
//! marker, so it stands out without colour.

use super::detail::{LABEL, label};
use crate::access::UserRole;
use crate::reconcile::plan::PlanItem;
use crate::reconcile::roles::RoleChange;
use crate::reconcile::seats::Seats;
use crate::tui::text::{sanitize, width};
use crate::tui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Between what changes and why.
const GAP: &str = "  ";

/// One role change in words: what happens, why (the group that gives it), and the style of
/// what happens.
fn change_words(change: &RoleChange, theme: &Theme) -> (String, String, Style) {
    let (what, why, style) = match change {
        RoleChange::Grant {
            role,
            scope,
            because,
        } => (
            format!("+ grant {role} on {scope}"),
            format!("<- {because}"),
            theme.added,
        ),
        RoleChange::Revoke { role, scope } => (
            format!("- REVOKE {role} on {scope}"),
            "(no directory group gives it)".to_string(),
            theme.error,
        ),
        RoleChange::Rescope {
            role,
            from,
            to,
            because,
        } => {
            let (verb, style) = if change.takes_away() {
                ("NARROW", theme.error)
            } else {
                ("rescope", theme.warn)
            };
            (
                format!("~ {verb} {role}: {from} -> {to}"),
                format!("<- {because}"),
                style,
            )
        }
    };
    (
        sanitize(&what).into_owned(),
        sanitize(&why).into_owned(),
        style,
    )
}

/// The item's role changes, one per line with the group that gives each, or with the group
/// on a line of its own below when both do not fit in `cells`; without changes, the roles
/// the ftrack user holds; else nothing.
pub(super) fn lines(
    item: &PlanItem,
    held: &[UserRole],
    cells: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if item.roles.is_empty() {
        return held_line(held, theme).into_iter().collect();
    }
    let mut out = Vec::new();
    for (i, change) in item.roles.iter().enumerate() {
        let name = if i == 0 { "roles" } else { "" };
        let (what, why, style) = change_words(change, theme);
        let one_line = LABEL + width(&what) + GAP.len() + width(&why) <= cells;
        let mut first = vec![label(name, theme), Span::styled(what, style)];
        if one_line {
            first.push(Span::styled(format!("{GAP}{why}"), theme.dim));
            out.push(Line::from(first));
        } else {
            out.push(Line::from(first));
            out.push(Line::from(vec![
                label("", theme),
                Span::styled(format!("{GAP}{why}"), theme.dim),
            ]));
        }
    }
    out
}

/// The roles an ftrack user holds, dimmed, when there are any.
fn held_line(held: &[UserRole], theme: &Theme) -> Option<Line<'static>> {
    if held.is_empty() {
        return None;
    }
    let roles: Vec<String> = held
        .iter()
        .map(|r| format!("{} on {}", r.role, r.scope))
        .collect();
    Some(Line::from(vec![
        label("roles", theme),
        Span::styled(sanitize(&roles.join(", ")).into_owned(), theme.dim),
    ]))
}

/// The list's word for an item's role changes: `roles`, or `roles (REVOKE)` / `roles
/// (NARROW)` when they take access away; `None` without role changes.
pub(super) fn brief(item: &PlanItem) -> Option<&'static str> {
    let roles = &item.roles;
    if roles.iter().any(|c| matches!(c, RoleChange::Revoke { .. })) {
        Some("roles (REVOKE)")
    } else if roles.iter().any(RoleChange::takes_away) {
        Some("roles (NARROW)")
    } else if roles.is_empty() {
        None
    } else {
        Some("roles")
    }
}

/// `│ active users 282 -> 300 (limit 320)` for the header; `None` for a plan that does not
/// count its seats.
pub(super) fn seats_piece(seats: &Seats) -> Option<String> {
    seats.words().map(|words| format!("│ active users {words}"))
}

/// The seats piece's style: a warning once the plan fills every seat the limit allows.
pub(super) fn seats_style(seats: &Seats, theme: &Theme) -> Style {
    match seats.limit {
        Some(limit) if seats.active_after >= limit => theme.warn,
        _ => theme.dim,
    }
}
