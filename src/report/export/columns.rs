//! The table of a section, shared by Markdown and HTML: which columns it has and each row's
//! cells as text (unescaped; each format escapes its own way).
//!
//! A section of new users lists their values once (email, groups, attributes); sections of
//! existing users show each change as old → new.

use super::words::decided_text;
use crate::reconcile::custom::CustomChange;
use crate::reconcile::plan::{Candidate, Field, FieldChange, FieldValue};
use crate::reconcile::roles::RoleChange;
use crate::report::model::{Category, Report, ReportRow};

/// The columns of a section's table: username and name, then those some row of the
/// section has a value for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns {
    /// New users: their values, not changes.
    new_values: bool,
    email: bool,
    dn: bool,
    changes: bool,
    groups: bool,
    roles: bool,
    reason: bool,
    error: bool,
    candidates: bool,
    advice: bool,
    decided: bool,
}

impl Columns {
    /// The columns for the rows of one section.
    pub(super) fn of(category: Category, rows: &[&ReportRow]) -> Self {
        let new_values = category == Category::Created;
        let custom = rows.iter().any(|r| !r.custom.is_empty());
        Self {
            new_values,
            email: new_values && rows.iter().any(|r| new_email(r).is_some()),
            dn: rows.iter().any(|r| r.dn.is_some()),
            changes: if new_values {
                custom
            } else {
                custom || rows.iter().any(|r| !r.changes.is_empty())
            },
            groups: rows.iter().any(|r| !r.groups.is_empty()),
            roles: rows.iter().any(|r| !r.roles.is_empty()),
            reason: rows.iter().any(|r| r.reason.is_some()),
            error: rows.iter().any(|r| r.error.is_some()),
            candidates: rows.iter().any(|r| !r.candidates.is_empty()),
            advice: rows.iter().any(|r| r.advice.is_some()),
            decided: rows.iter().any(|r| r.decided.is_some()),
        }
    }

    /// The column headings.
    pub(super) fn header(self) -> Vec<&'static str> {
        let optional = [
            (self.email, "Email"),
            (self.error, "Error"),
            (self.reason, "Reason"),
            (self.candidates, "Candidates"),
            (self.advice, "What to do"),
            (
                self.changes,
                if self.new_values {
                    "Attributes"
                } else {
                    "Changes"
                },
            ),
            (self.groups, "Groups"),
            (self.roles, "Roles"),
            (self.decided, "Decision"),
            (self.dn, "DN"),
        ];
        let mut header = vec!["Username", "Name"];
        header.extend(optional.iter().filter(|(on, _)| *on).map(|(_, name)| *name));
        header
    }

    /// A row's cells, unescaped, each as its lines (one per change, group or candidate).
    pub(super) fn cells(self, row: &ReportRow) -> Vec<Vec<String>> {
        let one = |text: Option<&str>| vec![text.unwrap_or_default().to_string()];
        let mut cells = vec![one(Some(&row.username)), one(Some(&row.name))];
        let optional: [(bool, &dyn Fn() -> Vec<String>); 10] = [
            (self.email, &|| one(new_email(row))),
            (self.error, &|| one(row.error.as_deref())),
            (self.reason, &|| one(row.reason.as_deref())),
            (self.candidates, &|| {
                row.candidates.iter().map(candidate_text).collect()
            }),
            (self.advice, &|| one(row.advice.as_deref())),
            (self.changes, &|| change_lines(row, self.new_values, "→")),
            (self.groups, &|| group_lines(row, self.new_values)),
            (self.roles, &|| row.roles.iter().map(role_text).collect()),
            (self.decided, &|| {
                vec![row.decided.as_ref().map(decided_text).unwrap_or_default()]
            }),
            (self.dn, &|| one(row.dn.as_deref())),
        ];
        cells.extend(
            optional
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, cell)| cell()),
        );
        cells
    }
}

/// The email a new user gets.
fn new_email(row: &ReportRow) -> Option<&str> {
    row.changes
        .iter()
        .find(|c| c.field == Field::Email)
        .and_then(|c| match &c.to {
            Some(FieldValue::Text(email)) => Some(email.as_str()),
            _ => None,
        })
}

/// A row's changes, one per line: old → new, or for a new user only the custom attributes'
/// values (its other values have columns of their own).
pub(super) fn change_lines(row: &ReportRow, new_values: bool, arrow: &str) -> Vec<String> {
    if new_values {
        return row
            .custom
            .iter()
            .map(|c| format!("{}: {}", c.key, c.to))
            .collect();
    }
    let mut lines: Vec<String> = row.changes.iter().map(|c| change_text(c, arrow)).collect();
    lines.extend(row.custom.iter().map(|c| custom_text(c, arrow)));
    lines
}

/// A row's groups: the ones a new user joins, or `+joined` and `-left` for others.
fn group_lines(row: &ReportRow, new_values: bool) -> Vec<String> {
    if new_values {
        return row.groups.add.clone();
    }
    let added = row.groups.add.iter().map(|g| format!("+{g}"));
    let removed = row.groups.remove.iter().map(|g| format!("-{g}"));
    added.chain(removed).collect()
}

/// A field value as text: `(none)` for null.
pub(super) fn value_text(value: &Option<FieldValue>) -> String {
    match value {
        None => "(none)".to_string(),
        Some(FieldValue::Flag(flag)) => flag.to_string(),
        Some(FieldValue::Text(text)) => text.clone(),
    }
}

/// One change as `field: old <arrow> new`.
pub(super) fn change_text(change: &FieldChange, arrow: &str) -> String {
    format!(
        "{}: {} {arrow} {}",
        change.field.name(),
        value_text(&change.from),
        value_text(&change.to)
    )
}

/// One role change as the text plan words it: `+ role Lead on all open projects (group x)`,
/// `- role ...` for a revocation, `~ role User: projects A -> projects B (group y)`.
pub(super) fn role_text(change: &RoleChange) -> String {
    change.to_string()
}

/// A custom attribute change as `custom key: old <arrow> new`.
pub(super) fn custom_text(change: &CustomChange, arrow: &str) -> String {
    let from = change.from.as_deref().unwrap_or("(none)");
    format!("custom {}: {from} {arrow} {}", change.key, change.to)
}

/// A candidate as `username (email, active)`.
pub(super) fn candidate_text(candidate: &Candidate) -> String {
    format!(
        "{} ({}, {})",
        candidate.username,
        candidate.email.as_deref().unwrap_or("no email"),
        if candidate.is_active {
            "active"
        } else {
            "inactive"
        }
    )
}

/// `Active users: 282 → 300 (limit 320)`, when the report knows them (values unescaped).
pub(super) fn seats_text(report: &Report) -> Option<String> {
    let seats = report.seats?;
    let limit = seats
        .limit
        .map(|limit| format!(" (limit {limit})"))
        .unwrap_or_default();
    Some(format!(
        "Active users: {} → {}{limit}",
        seats.active_before, seats.active_after
    ))
}
