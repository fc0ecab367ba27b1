//! The report as CSV (RFC 4180, CRLF line ends): a header row, then one row per user.
//!
//! Spreadsheets run cells that start with `=`, `+`, `-` or `@` (and some that start with a
//! tab or carriage return) as formulas, so such cells are neutralised with a leading `'`:
//! a hostile directory value cannot run anything on the reader's machine.
//!
//! Columns are only ever added at the end (`roles` came last), so readers that go by
//! position keep working.

use super::{ReportError, change_text, custom_text, role_text};
use crate::report::model::{Report, ReportRow};

/// The header row.
pub(super) const HEADER: [&str; 12] = [
    "category",
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
    writer.write_record(HEADER).map_err(|e| encode(&e))?;
    for row in &report.rows {
        writer
            .write_record(cells(row).iter().map(|c| neutralise(c)))
            .map_err(|e| encode(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| encode(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| encode(&e))?;
    Ok(if bom { format!("{BOM}{text}") } else { text })
}

fn cells(row: &ReportRow) -> [String; 12] {
    let mut changes: Vec<String> = row.changes.iter().map(|c| change_text(c, "->")).collect();
    changes.extend(row.custom.iter().map(|c| custom_text(c, "->")));
    let candidates: Vec<&str> = row.candidates.iter().map(|c| c.username.as_str()).collect();
    let roles: Vec<String> = row.roles.iter().map(role_text).collect();
    [
        row.category.name().to_string(),
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
    ]
}

/// Prefixes `'` to a cell a spreadsheet would read as a formula.
pub(super) fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}
