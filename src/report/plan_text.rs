//! The human-readable plan: one line per user with a marker, details indented below.
//!
//! Markers (`+ ~ - ^ ! = .`, and `?` for a deactivation waiting out its grace period) carry the meaning, so colour is an extra, never the only signal.
//! Every value from the directory or ftrack is escaped, so control characters never reach
//! the terminal.

use crate::reconcile::plan::{Action, FieldChange, FieldValue, MatchedBy, Plan, PlanItem};
use crate::reconcile::seats::Seats;
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

/// Options for the text rendering.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Also list unchanged and skipped users.
    pub all: bool,
    /// Use ANSI colours.
    pub color: bool,
}

/// Renders a plan as text.
pub fn render_plan_text(plan: &Plan, options: TextOptions) -> String {
    let mut out = String::new();
    if let Some(reason) = &plan.blocked {
        let _ = writeln!(
            out,
            "{}",
            paint(
                options,
                bold_red(),
                &format!("BLOCKED for unattended apply: {reason}")
            )
        );
        out.push('\n');
    }
    if !plan.directory_read.is_plain() {
        let _ = writeln!(
            out,
            "read: {}\n",
            printable(&plan.directory_read.describe())
        );
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "warning: {}", printable(warning));
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
    }
    let mut hidden = 0;
    for item in &plan.items {
        if !options.all && matches!(item.action, Action::Unchanged | Action::Skip) {
            hidden += 1;
            continue;
        }
        render_item(&mut out, item, options);
    }
    if !plan.groups_to_create.is_empty() {
        let names: Vec<String> = plan.groups_to_create.iter().map(|g| printable(g)).collect();
        let _ = writeln!(out, "+ groups to create: {}", names.join(", "));
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "({} unchanged and {} left alone are not listed; --all lists them)",
            plan.summary.unchanged, plan.summary.skip
        );
    }
    if let Some(seats) = plan.seats.words() {
        let _ = writeln!(out, "active users: {seats}");
    }
    out
}

/// The one summary line every run ends with.
pub fn summary_line(plan: &Plan, elapsed: std::time::Duration) -> String {
    let s = plan.summary;
    let seats = match plan.seats {
        seats if seats == Seats::default() => String::new(),
        Seats {
            active_before,
            active_after,
            limit,
        } => {
            let limit = limit.map(|l| format!(", limit {l}")).unwrap_or_default();
            format!("; active users {active_before} -> {active_after}{limit}")
        }
    };
    // Only a grace period makes users wait: without one the line stays as it always was.
    let pending = match s.pending {
        0 => String::new(),
        n => format!(", {n} pending deactivation"),
    };
    format!(
        "Plan: {} to create, {} to update, {} to reactivate, {} to deactivate{pending}, {} conflicts, {} to leave alone, {} unchanged{seats}{} ({:.2} s)",
        s.create,
        s.update,
        s.reactivate,
        s.deactivate,
        s.conflict,
        s.skip,
        s.unchanged,
        if plan.blocked.is_some() {
            "; BLOCKED"
        } else {
            ""
        },
        elapsed.as_secs_f64()
    )
}

fn render_item(out: &mut String, item: &PlanItem, options: TextOptions) {
    render_heading(out, item, options);
    if let Some(reason) = &item.reason {
        let label = if item.action == Action::Conflict {
            "conflict: "
        } else {
            ""
        };
        let _ = writeln!(out, "    {label}{}", printable(reason));
    }
    if item.action == Action::Conflict {
        render_conflict(out, item);
    }
    render_changes(out, item);
    for custom in &item.custom {
        let _ = writeln!(out, "    custom {}", printable(&custom.to_string()));
    }
    if !item.groups.is_empty() {
        let added = item.groups.add.iter().map(|g| format!("+{}", printable(g)));
        let removed = item
            .groups
            .remove
            .iter()
            .map(|g| format!("-{}", printable(g)));
        let parts: Vec<String> = added.chain(removed).collect();
        let _ = writeln!(out, "    groups: {}", parts.join(" "));
    }
    render_roles(out, item, options);
    for need in &item.needs {
        let _ = writeln!(out, "    needs: {}", printable(&need.to_string()));
    }
}

/// The role changes one per line, each with its reason; those that take access away in red
/// (their `-` or narrowed scope says so without colour).
fn render_roles(out: &mut String, item: &PlanItem, options: TextOptions) {
    for change in &item.roles {
        let style = if change.takes_away() {
            bold_red()
        } else {
            Style::new()
        };
        let text = printable(&change.to_string());
        let _ = writeln!(out, "    {}", paint(options, style, &text));
    }
}

/// The item's first line: its marker, username and name.
fn render_heading(out: &mut String, item: &PlanItem, options: TextOptions) {
    let marker = item.action.marker().to_string();
    let name = if item.name.is_empty() {
        String::new()
    } else {
        format!("  {}", printable(&item.name))
    };
    let username = if item.username.is_empty() {
        "(no username)".to_string()
    } else {
        printable(&item.username)
    };
    let _ = writeln!(
        out,
        "{} {}{}",
        paint(options, style_for(item.action), &marker),
        paint(options, Style::new().bold(), &username),
        name
    );
}

/// Who a conflict is between: the entry, the ftrack user, the candidates, other entries.
fn render_conflict(out: &mut String, item: &PlanItem) {
    if let Some(dir) = &item.directory {
        let _ = writeln!(out, "    entry: {}", printable(&dir.dn));
    }
    if let Some(ftrack) = &item.ftrack {
        let how = match item.matched_by {
            Some(MatchedBy::Link) => " (linked to the entry)",
            Some(MatchedBy::Username) => " (same username)",
            None => "",
        };
        let _ = writeln!(out, "    ftrack user: {}{how}", printable(&ftrack.username));
    }
    let Some(details) = &item.conflict else {
        return;
    };
    for c in &details.candidates {
        let email = c
            .email
            .as_deref()
            .map(printable)
            .unwrap_or_else(|| "no email".to_string());
        let state = if c.is_active { "active" } else { "inactive" };
        let _ = writeln!(
            out,
            "    candidate: {} ({email}, {state})",
            printable(&c.username)
        );
    }
    for dn in &details.other_entries {
        let _ = writeln!(out, "    also: {}", printable(dn));
    }
}

/// A create's fields on one line; a change's fields, one line each, before and after.
fn render_changes(out: &mut String, item: &PlanItem) {
    if item.action == Action::Create {
        let fields: Vec<String> = item
            .changes
            .iter()
            .filter(|c| !matches!(c.to, Some(FieldValue::Flag(_))))
            .map(|c| format!("{} {}", c.field.name(), value(&c.to)))
            .collect();
        let _ = writeln!(out, "    {}", fields.join(", "));
        return;
    }
    if !item.action.is_change() {
        return;
    }
    let shown = item
        .changes
        .iter()
        .filter(|c| !is_activity(c) || item.action == Action::Update);
    for change in shown {
        let _ = writeln!(
            out,
            "    {}: {} -> {}",
            change.field.name(),
            value(&change.from),
            value(&change.to)
        );
    }
}

fn is_activity(change: &FieldChange) -> bool {
    matches!(change.to, Some(FieldValue::Flag(_)))
}

fn value(v: &Option<FieldValue>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(FieldValue::Flag(b)) => b.to_string(),
        Some(FieldValue::Text(t)) => format!("{t:?}"),
    }
}

pub use crate::characters::printable;

fn style_for(action: Action) -> Style {
    let color = match action {
        Action::Create => AnsiColor::Green,
        Action::Update => AnsiColor::Yellow,
        Action::Reactivate => AnsiColor::Cyan,
        Action::Deactivate => AnsiColor::Red,
        Action::Pending => AnsiColor::Yellow,
        Action::Conflict => AnsiColor::Magenta,
        Action::Skip | Action::Unchanged => AnsiColor::BrightBlack,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn bold_red() -> Style {
    Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
}

fn paint(options: TextOptions, style: Style, text: &str) -> String {
    if options.color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests;
