//! The reconciliation report as a file: JSON (automation), CSV (spreadsheets), Markdown
//! (tickets) and one self-contained HTML page (email). Every format renders the same
//! [`Report`]; this module is the only writer of report files.

mod csv;
mod html;
mod json;
mod markdown;

#[cfg(test)]
mod tests;

use super::model::{Category, CommitLog, Report, ReportKind, ReportRow};
use crate::atomic_file::write_atomically;
use crate::reconcile::custom::CustomChange;
use crate::reconcile::plan::{Candidate, FieldChange, FieldValue};
use crate::reconcile::roles::RoleChange;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// The report as JSON with `format_version`.
    Json,
    /// One row per user (RFC 4180), formula-like cells neutralised.
    Csv,
    /// Markdown tables, for tickets.
    #[value(name = "md", alias = "markdown")]
    Markdown,
    /// One self-contained HTML page, for email and printing.
    Html,
}

/// A report that could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Neither `--format` nor a known file extension says which format to write.
    #[error(
        "cannot tell the report format from the file name {}: name it .json, .csv, .md or .html, or give the format (json, csv, md, html)",
        path.display()
    )]
    UnknownFormat {
        /// The report file.
        path: PathBuf,
    },
    /// The report could not be encoded (never expected; the report is plain data).
    #[error("cannot encode the report as {format}: {message}")]
    Encode {
        /// The format's name.
        format: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The file (or stdout) could not be written.
    #[error("cannot write the report to {}: {cause}; check that the directory exists and is writable", path.display())]
    Write {
        /// Where the report was going (`-` for stdout).
        path: PathBuf,
        /// The operating system's error.
        cause: io::Error,
    },
}

impl ReportFormat {
    /// The format for a `--format` name: `json`, `csv`, `md` or `markdown`, `html`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" => Some(Self::Html),
            _ => None,
        }
    }

    /// The format a file name implies: `.json`, `.csv`, `.md`, `.html` or `.htm`.
    pub fn from_path(path: &Path) -> Result<Self, ReportError> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::from_name)
            .ok_or_else(|| ReportError::UnknownFormat {
                path: path.to_path_buf(),
            })
    }

    /// The explicit format if given, else the one `path` implies, else Markdown
    /// (no path, or `-` for stdout).
    pub fn resolve(explicit: Option<Self>, path: Option<&Path>) -> Result<Self, ReportError> {
        match (explicit, path) {
            (Some(format), _) => Ok(format),
            (None, Some(path)) if !is_stdout(path) => Self::from_path(path),
            (None, _) => Ok(Self::Markdown),
        }
    }

    /// The format's short name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Markdown => "md",
            Self::Html => "html",
        }
    }
}

/// Options that change the bytes of a report but not its content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Start CSV with a UTF-8 byte-order mark, so Excel reads the encoding right.
    pub csv_bom: bool,
}

/// Renders a report in a format.
pub fn render(
    report: &Report,
    format: ReportFormat,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    match format {
        ReportFormat::Json => json::render(report),
        ReportFormat::Csv => csv::render(report, options.csv_bom),
        ReportFormat::Markdown => Ok(markdown::render(report)),
        ReportFormat::Html => Ok(html::render(report)),
    }
}

/// Writes a report to `path` atomically (a temporary file in the same directory, synced,
/// then renamed over the target), or to stdout when `path` is `-`.
pub fn write_report(
    path: &Path,
    report: &Report,
    format: ReportFormat,
    options: &RenderOptions,
) -> Result<(), ReportError> {
    let text = render(report, format, options)?;
    let written = if is_stdout(path) {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
    } else {
        write_atomically(path, text.as_bytes())
    };
    written.map_err(|cause| ReportError::Write {
        path: path.to_path_buf(),
        cause,
    })
}

/// True for `-`, which means stdout.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A commit's heading and its counts, for the session part of a report (values unescaped).
fn commit_texts(n: usize, commit: &CommitLog) -> (String, String) {
    let s = commit.summary;
    (
        format!(
            "Commit {n}: run {}, {} to {}",
            commit.run_id, commit.started_at, commit.finished_at
        ),
        format!(
            "created {} · updated {} · reactivated {} · deactivated {} · failed {} · stale {} · not attempted {}",
            s.created, s.updated, s.reactivated, s.deactivated, s.failed, s.stale, s.not_attempted
        ),
    )
}

/// The report's title.
fn title(report: &Report) -> &'static str {
    match report.kind {
        ReportKind::Plan => "ldap2ftrack plan report",
        ReportKind::Apply => "ldap2ftrack apply report",
    }
}

/// The label of [`Report::blocked`]: a plan is refused, an apply stopped.
fn blocked_label(report: &Report) -> &'static str {
    match report.kind {
        ReportKind::Plan => "Blocked for unattended apply:",
        ReportKind::Apply => "Stopped early:",
    }
}

/// The marker of a category, as in the text plan (`x` for failures), so colour is never
/// the only signal.
fn marker(category: Category) -> char {
    match category {
        Category::Created => '+',
        Category::Updated => '~',
        Category::Reactivated => '^',
        Category::Deactivated => '-',
        Category::Conflicted => '!',
        Category::Skipped => '.',
        Category::Failed => 'x',
    }
}

/// The count of a category in the summary.
fn count(report: &Report, category: Category) -> usize {
    let s = &report.summary;
    match category {
        Category::Created => s.created,
        Category::Updated => s.updated,
        Category::Reactivated => s.reactivated,
        Category::Deactivated => s.deactivated,
        Category::Conflicted => s.conflicted,
        Category::Skipped => s.skipped,
        Category::Failed => s.failed,
    }
}

/// The run facts as label/value pairs, in display order (empty values left out).
fn run_facts(report: &Report) -> Vec<(&'static str, String)> {
    let run = &report.run;
    let ftrack = if run.api_user.is_empty() {
        run.ftrack.clone()
    } else {
        format!("{} (API user {})", run.ftrack, run.api_user)
    };
    [
        ("Run id", run.run_id.clone()),
        ("Started", run.started_at.clone()),
        ("Finished", run.finished_at.clone()),
        ("Mode", run.mode.clone()),
        ("Operator", run.operator.clone()),
        ("Host", run.host.clone()),
        ("ftrack", ftrack),
        ("Directory", run.directory.clone()),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .collect()
}

/// A field value as text: `(none)` for null.
fn value_text(value: &Option<FieldValue>) -> String {
    match value {
        None => "(none)".to_string(),
        Some(FieldValue::Flag(flag)) => flag.to_string(),
        Some(FieldValue::Text(text)) => text.clone(),
    }
}

/// One change as `field: old <arrow> new`.
fn change_text(change: &FieldChange, arrow: &str) -> String {
    format!(
        "{}: {} {arrow} {}",
        change.field.name(),
        value_text(&change.from),
        value_text(&change.to)
    )
}

/// One role change as the text plan words it: `+ role Lead on all open projects (group x)`,
/// `- role ...` for a revocation, `~ role User: projects A -> projects B (group y)`.
fn role_text(change: &RoleChange) -> String {
    change.to_string()
}

/// `Active users: 282 → 300 (limit 320)`, when the report knows them (values unescaped).
fn seats_text(report: &Report) -> Option<String> {
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

/// A custom attribute change as `custom key: old <arrow> new`.
fn custom_text(change: &CustomChange, arrow: &str) -> String {
    let from = change.from.as_deref().unwrap_or("(none)");
    format!("custom {}: {from} {arrow} {}", change.key, change.to)
}

/// A candidate as `username (email, active)`.
fn candidate_text(candidate: &Candidate) -> String {
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

/// The columns of a section's table: username and name, then those some row of the
/// section has a value for.
#[derive(Debug, Clone, Copy)]
struct Columns {
    dn: bool,
    changes: bool,
    groups: bool,
    roles: bool,
    reason: bool,
    error: bool,
    candidates: bool,
}

impl Columns {
    fn of(rows: &[&ReportRow]) -> Self {
        Self {
            dn: rows.iter().any(|r| r.dn.is_some()),
            changes: rows
                .iter()
                .any(|r| !r.changes.is_empty() || !r.custom.is_empty()),
            groups: rows.iter().any(|r| !r.groups.is_empty()),
            roles: rows.iter().any(|r| !r.roles.is_empty()),
            reason: rows.iter().any(|r| r.reason.is_some()),
            error: rows.iter().any(|r| r.error.is_some()),
            candidates: rows.iter().any(|r| !r.candidates.is_empty()),
        }
    }

    /// The column headings.
    fn header(self) -> Vec<&'static str> {
        let optional = [
            (self.dn, "DN"),
            (self.changes, "Changes"),
            (self.groups, "Groups"),
            (self.roles, "Roles"),
            (self.reason, "Reason"),
            (self.error, "Error"),
            (self.candidates, "Candidates"),
        ];
        let mut header = vec!["Username", "Name"];
        header.extend(optional.iter().filter(|(on, _)| *on).map(|(_, name)| *name));
        header
    }

    /// A row's cells, unescaped, each as its lines (one per change, group or candidate).
    fn cells(self, row: &ReportRow) -> Vec<Vec<String>> {
        let one = |text: Option<&str>| vec![text.unwrap_or_default().to_string()];
        let mut cells = vec![one(Some(&row.username)), one(Some(&row.name))];
        if self.dn {
            cells.push(one(row.dn.as_deref()));
        }
        if self.changes {
            cells.push(row.changes.iter().map(|c| change_text(c, "→")).collect());
            if let Some(lines) = cells.last_mut() {
                lines.extend(row.custom.iter().map(|c| custom_text(c, "→")));
            }
        }
        if self.groups {
            let added = row.groups.add.iter().map(|g| format!("+{g}"));
            let removed = row.groups.remove.iter().map(|g| format!("-{g}"));
            cells.push(added.chain(removed).collect());
        }
        if self.roles {
            cells.push(row.roles.iter().map(role_text).collect());
        }
        if self.reason {
            cells.push(one(row.reason.as_deref()));
        }
        if self.error {
            cells.push(one(row.error.as_deref()));
        }
        if self.candidates {
            cells.push(row.candidates.iter().map(candidate_text).collect());
        }
        cells
    }
}

/// The rows of a category, in report order.
fn rows_of(report: &Report, category: Category) -> Vec<&ReportRow> {
    report
        .rows
        .iter()
        .filter(|r| r.category == category)
        .collect()
}

/// A section's heading: what was done for an apply, what would be done for a plan (whose
/// report must never read as if ftrack had already changed).
fn heading(kind: ReportKind, category: Category) -> String {
    let planned = match (kind, category) {
        (ReportKind::Plan, Category::Created) => Some("To create"),
        (ReportKind::Plan, Category::Updated) => Some("To update"),
        (ReportKind::Plan, Category::Reactivated) => Some("To reactivate"),
        (ReportKind::Plan, Category::Deactivated) => Some("To deactivate"),
        _ => None,
    };
    if let Some(planned) = planned {
        return planned.to_string();
    }
    let name = category.name();
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Control and bidirectional-formatting characters spelled out (`\n`, `\u{202e}`), so
/// directory values can neither break a layout nor reorder what a reader sees.
fn visible(text: &str) -> String {
    let hidden = crate::characters::is_hidden;
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
