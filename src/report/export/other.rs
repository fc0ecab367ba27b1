//! The two other documents `report` writes, in every format: the run history
//! (`report --history`) and the comparison of two plans or runs (`report --compare A B`).
//! Values are escaped as in the reports (HTML, Markdown) and neutralised against spreadsheet
//! formulas (CSV).

use super::csv::neutralise;
use super::{ReportError, ReportFormat, html, markdown};
use crate::history::HistoryEntry;
use crate::reconcile::plan::GroupChanges;
use crate::report::compare::{ChangedUser, Comparison, Difference, UserLine};
use std::fmt::Write;

/// The run history as a document in `format`, latest run first.
pub fn render_history(
    entries: &[HistoryEntry],
    format: ReportFormat,
) -> Result<String, ReportError> {
    let latest_first: Vec<&HistoryEntry> = entries.iter().rev().collect();
    let rows: Vec<Vec<String>> = latest_first
        .iter()
        .enumerate()
        .map(|(n, e)| history_row(n + 1, e))
        .collect();
    let title = format!("ldap2ftrack run history ({} runs)", entries.len());
    match format {
        ReportFormat::Json => json(&latest_first),
        _ => Ok(table_document(
            format,
            &title,
            &[("", &HISTORY_COLUMNS, &rows)],
        )),
    }
}

const HISTORY_COLUMNS: [&str; 13] = [
    "ref",
    "started (UTC)",
    "mode",
    "operator",
    "host",
    "created",
    "updated",
    "reactivated",
    "deactivated",
    "failed",
    "skipped",
    "exit",
    "run id",
];

fn history_row(position: usize, e: &HistoryEntry) -> Vec<String> {
    let s = e.summary;
    let mut exit = e.exit_code.to_string();
    if let Some(why) = &e.stopped {
        let _ = write!(exit, " (stopped: {why})");
    }
    vec![
        format!("@{position}"),
        e.started_at.clone(),
        e.mode.to_string(),
        e.operator.clone(),
        e.host.clone(),
        s.created.to_string(),
        s.updated.to_string(),
        s.reactivated.to_string(),
        s.deactivated.to_string(),
        s.failed.to_string(),
        s.skipped.to_string(),
        exit,
        e.run_id.clone(),
    ]
}

/// A comparison as a document in `format`.
pub fn render_comparison(
    comparison: &Comparison,
    format: ReportFormat,
) -> Result<String, ReportError> {
    if format == ReportFormat::Json {
        return json(comparison);
    }
    let side = |s: &crate::report::compare::SideFacts| {
        let when = if s.when.is_empty() {
            "time not recorded".to_string()
        } else {
            s.when.clone()
        };
        format!("{} ({}, {when}, {} users)", s.label, s.kind, s.users)
    };
    let title = format!(
        "ldap2ftrack comparison: {} → {}",
        comparison.a.label, comparison.b.label
    );
    let facts = vec![
        vec!["A".to_string(), side(&comparison.a)],
        vec!["B".to_string(), side(&comparison.b)],
        vec![
            "Counts".to_string(),
            format!(
                "{} appeared, {} left, {} changed, {} the same",
                comparison.appeared.len(),
                comparison.left.len(),
                comparison.changed.len(),
                comparison.same
            ),
        ],
    ];
    if format == ReportFormat::Csv {
        return Ok(comparison_csv(comparison));
    }
    let appeared = user_rows(&comparison.appeared);
    let left = user_rows(&comparison.left);
    let changed: Vec<Vec<String>> = comparison.changed.iter().map(changed_row).collect();
    let sections: [Section; 4] = [
        ("", &["", ""], &facts),
        ("Appeared (in B, not in A)", &USER_COLUMNS, &appeared),
        ("Left (in A, not in B)", &USER_COLUMNS, &left),
        ("Changed", &CHANGED_COLUMNS, &changed),
    ];
    Ok(table_document(format, &title, &sections))
}

const USER_COLUMNS: [&str; 3] = ["username", "name", "action"];
const CHANGED_COLUMNS: [&str; 3] = ["username", "name", "what changed (A → B)"];

fn user_rows(lines: &[UserLine]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| vec![l.username.clone(), l.name.clone(), l.state.clone()])
        .collect()
}

fn changed_row(user: &ChangedUser) -> Vec<String> {
    let what: Vec<String> = user.differences.iter().map(describe).collect();
    vec![user.username.clone(), user.name.clone(), what.join("; ")]
}

/// One difference in words.
pub fn describe(difference: &Difference) -> String {
    match difference {
        Difference::State { from, to } => format!("action {from} → {to}"),
        Difference::Username { from, to } => format!("username {from} → {to}"),
        Difference::Name { from, to } => format!("name {from} → {to}"),
        Difference::Groups { from, to } => {
            format!("groups {} → {}", groups(from), groups(to))
        }
    }
}

fn groups(changes: &GroupChanges) -> String {
    if changes.is_empty() {
        return "no change".to_string();
    }
    let signed = changes
        .add
        .iter()
        .map(|g| format!("+{g}"))
        .chain(changes.remove.iter().map(|g| format!("-{g}")));
    signed.collect::<Vec<_>>().join(" ")
}

fn comparison_csv(comparison: &Comparison) -> String {
    let mut out = String::from("change,username,name,detail\r\n");
    let mut row = |cells: [&str; 4]| {
        let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    for l in &comparison.appeared {
        row(["appeared", &l.username, &l.name, &l.state]);
    }
    for l in &comparison.left {
        row(["left", &l.username, &l.name, &l.state]);
    }
    for c in &comparison.changed {
        row(["changed", &c.username, &c.name, &changed_row(c)[2]]);
    }
    out
}

fn csv_cell(text: &str) -> String {
    format!("\"{}\"", neutralise(text).replace('"', "\"\""))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, ReportError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| ReportError::Encode {
        format: "json",
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

type Section<'a> = (&'a str, &'a [&'a str], &'a Vec<Vec<String>>);

/// Sections of tables as Markdown, HTML or CSV (CSV: the first section's table only).
fn table_document(format: ReportFormat, title: &str, sections: &[Section]) -> String {
    match format {
        ReportFormat::Html => html_document(title, sections),
        ReportFormat::Csv => {
            let (_, columns, rows) = sections[0];
            let mut out = columns
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(",");
            out.push_str("\r\n");
            for row in rows {
                out.push_str(
                    &row.iter()
                        .map(|c| csv_cell(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push_str("\r\n");
            }
            out
        }
        _ => markdown_document(title, sections),
    }
}

fn markdown_document(title: &str, sections: &[Section]) -> String {
    let mut out = format!("# {}\n", markdown::escape(title));
    for (heading, columns, rows) in sections {
        if !heading.is_empty() {
            let _ = write!(out, "\n## {} ({})\n", markdown::escape(heading), rows.len());
        }
        out.push('\n');
        if rows.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        let header: Vec<String> = columns.iter().map(|c| markdown::escape(c)).collect();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
        for row in rows.iter() {
            let cells: Vec<String> = row.iter().map(|c| markdown::escape(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    out
}

fn html_document(title: &str, sections: &[Section]) -> String {
    let title = html::escape(title);
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    let _ = writeln!(
        out,
        "<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>"
    );
    for (heading, columns, rows) in sections {
        if !heading.is_empty() {
            let _ = writeln!(out, "<h2>{} ({})</h2>", html::escape(heading), rows.len());
        }
        if rows.is_empty() {
            out.push_str("<p>None.</p>\n");
            continue;
        }
        out.push_str("<table>\n<thead><tr>");
        for c in columns.iter() {
            let _ = write!(out, "<th>{}</th>", html::escape(c));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in rows.iter() {
            out.push_str("<tr>");
            for c in row {
                let _ = write!(out, "<td>{}</td>", html::escape(c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

const STYLE: &str = "body { font-family: Arial, \"Noto Sans\", sans-serif; margin: 1.5em; color: #1a1a1a; } \
table { border-collapse: collapse; margin: 0.3em 0 1em 0; } \
th, td { border: 1px solid #bbbbbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; } \
th { background: #f0f0f0; } td { overflow-wrap: anywhere; }";

#[cfg(test)]
#[path = "other_tests.rs"]
mod tests;
