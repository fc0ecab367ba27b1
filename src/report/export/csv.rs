//! The report as CSV (RFC 4180, CRLF line ends): a header row, then one row per user.
//!
//! Spreadsheets run cells that start with `=`, `+`, `-` or `@` (and some that start with a
//! tab or carriage return) as formulas, so such cells are neutralised with a leading `'`:
//! a hostile directory value cannot run anything on the reader's machine.
//!
//! The header speaks in the report's tense: a plan's first column is the `action` it would
//! take (`create`, `deactivate`, ...) and its groups are `groups_to_add`; an apply's is the
//! `result` (`created`, `failed`, ...) with `groups_added`. New users list their values once
//! (`email: x`), not as changes from nothing. Columns are only ever added at the end, so
//! readers that go by position keep working.

use super::ReportError;
use super::columns::{change_lines, role_text};
use crate::reconcile::plan::{Action, Field, SkipKind};
use crate::report::model::{Category, Report, ReportKind, ReportRow};

/// The number of columns.
const COLUMNS: usize = 16;

/// The header row of a plan's report.
pub(super) const PLAN_HEADER: [&str; COLUMNS] = [
    "action",
    "username",
    "name",
    "dn",
    "ftrack_id",
    "changes",
    "groups_to_add",
    "groups_to_remove",
    "reason",
    "error",
    "candidates",
    "roles",
    "skip_reason",
    "decided_by",
    "decided_at",
    "what_to_do",
];

/// The header row of an apply's report.
pub(super) const APPLY_HEADER: [&str; COLUMNS] = [
    "result",
    "username",
    "name",
    "dn",
    "ftrack_id",
    "changes",
    "groups_added",
    "groups_removed",
    "reason",
    "error",
    "candidates",
    "roles",
    "skip_reason",
    "decided_by",
    "decided_at",
    "what_to_do",
];

/// The UTF-8 byte-order mark Excel looks for.
const BOM: &str = "\u{feff}";

/// Renders the report as CSV, optionally starting with a byte-order mark.
pub(super) fn render(report: &Report, bom: bool) -> Result<String, ReportError> {
    let encode = |e: &dyn std::fmt::Display| ReportError::Encode {
        format: "CSV",
        message: e.to_string(),
    };
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = match report.kind {
        ReportKind::Plan => PLAN_HEADER,
        ReportKind::Apply => APPLY_HEADER,
    };
    writer.write_record(header).map_err(|e| encode(&e))?;
    for row in &report.rows {
        writer
            .write_record(cells(report.kind, row).iter().map(|c| neutralise(c)))
            .map_err(|e| encode(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| encode(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| encode(&e))?;
    Ok(if bom { format!("{BOM}{text}") } else { text })
}

/// The first cell: what a plan would do to the user, or what an apply did.
pub(super) fn first_cell(kind: ReportKind, category: Category) -> &'static str {
    match (kind, category) {
        (ReportKind::Apply, c) => c.name(),
        (ReportKind::Plan, Category::Created) => "create",
        (ReportKind::Plan, Category::Updated) => "update",
        (ReportKind::Plan, Category::Reactivated) => "reactivate",
        (ReportKind::Plan, Category::Deactivated) => "deactivate",
        (ReportKind::Plan, Category::Conflicted) => "conflict",
        (ReportKind::Plan, Category::Skipped) => "skip",
        (ReportKind::Plan, c) => c.name(),
    }
}

fn cells(kind: ReportKind, row: &ReportRow) -> [String; COLUMNS] {
    let new_user = row.category == Category::Created || row.planned == Some(Action::Create);
    let changes = if new_user {
        new_values(row)
    } else {
        change_lines(row, false, "->")
    };
    let candidates: Vec<&str> = row.candidates.iter().map(|c| c.username.as_str()).collect();
    let roles: Vec<String> = row.roles.iter().map(role_text).collect();
    let decided = row.decided.as_ref();
    [
        first_cell(kind, row.category).to_string(),
        row.username.clone(),
        row.name.clone(),
        row.dn.clone().unwrap_or_default(),
        row.ftrack_id.clone().unwrap_or_default(),
        changes.join("; "),
        row.groups.add.join(";"),
        row.groups.remove.join(";"),
        row.reason.clone().unwrap_or_default(),
        row.error.clone().unwrap_or_default(),
        candidates.join(";"),
        roles.join("; "),
        row.skip
            .map(SkipKind::label)
            .unwrap_or_default()
            .to_string(),
        decided.map(|d| d.by.clone()).unwrap_or_default(),
        decided.map(|d| d.at.clone()).unwrap_or_default(),
        row.advice.clone().unwrap_or_default(),
    ]
}

/// A new user's values, once each: `email: x` (the username and name have their own
/// columns, and a new user is active), then custom attributes.
fn new_values(row: &ReportRow) -> Vec<String> {
    let fields = row
        .changes
        .iter()
        .filter(|c| !matches!(c.field, Field::Username | Field::IsActive))
        .map(|c| format!("{}: {}", c.field.name(), super::columns::value_text(&c.to)));
    fields.chain(change_lines(row, true, "->")).collect()
}

/// Prefixes `'` to a cell a spreadsheet would read as a formula.
pub(super) fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}
