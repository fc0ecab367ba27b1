//! The report as Markdown for tickets: title, run facts, a summary table, then one table
//! per non-empty category, what needs a person first (skipped users one table per reason).
//!
//! Every value from the directory or ftrack is escaped: `|`, backticks and the characters
//! that start Markdown or inline HTML get a backslash, and newlines and other control
//! characters are spelled out, so a hostile value cannot break a table or inject markup.

use super::columns::{Columns, seats_text};
use super::words::{
    attention_line, blocked_label, commit_texts, count, heading, label, marker, rows_of, run_facts,
    skip_groups, skip_heading, skipped_by_line, subtitle, summary_categories, title, visible,
};
use crate::report::model::{Category, Report, ReportRow, SessionLog};
use std::fmt::Write;

/// Renders the report as Markdown.
pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", title(report));
    let _ = writeln!(out, "{}\n", subtitle(report));
    out.push_str("| Run | |\n|---|---|\n");
    for (label, value) in run_facts(report) {
        let _ = writeln!(out, "| {label} | {} |", escape(&value));
    }
    out.push_str("\n## Summary\n\n");
    if let Some(line) = attention_line(report) {
        let _ = writeln!(out, "**{}**\n", escape(&line));
    }
    out.push_str("| | Users | Count |\n|---|---|--:|\n");
    for category in summary_categories(report) {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            marker(category),
            label(report.kind, category),
            count(report, category)
        );
    }
    if let Some(line) = skipped_by_line(report) {
        let _ = writeln!(
            out,
            "\n{} by reason: {}",
            heading(report.kind, Category::Skipped),
            escape(&line)
        );
    }
    if let Some(seats) = seats_text(report) {
        let _ = writeln!(out, "\n{}", escape(&seats));
    }
    if let Some(reason) = &report.blocked {
        let _ = writeln!(out, "\n**{}** {}", blocked_label(report), escape(reason));
    }
    if !report.warnings.is_empty() {
        out.push_str("\n## Warnings\n\n");
        for warning in &report.warnings {
            let _ = writeln!(out, "- {}", escape_line(warning));
        }
    }
    for category in Category::ALL {
        let rows = rows_of(report, category);
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n## {} {} ({})",
            marker(category),
            heading(report.kind, category),
            rows.len()
        );
        if category == Category::Skipped {
            for (reason, group) in skip_groups(&rows) {
                let _ = writeln!(out, "\n### {} ({})", skip_heading(reason), group.len());
                table(&mut out, category, &group);
            }
        } else {
            table(&mut out, category, &rows);
        }
    }
    if let Some(log) = &report.session {
        session(&mut out, log);
    }
    out
}

/// The console session: every decision with who and when, then every commit.
fn session(out: &mut String, log: &SessionLog) {
    let _ = writeln!(
        out,
        "\n## Console session\n\n### Decisions ({})\n",
        log.decisions.len()
    );
    if log.decisions.is_empty() {
        out.push_str("No decision was taken.\n");
    } else {
        out.push_str("| Time | Operator | User | Decision |\n|---|---|---|---|\n");
        for d in &log.decisions {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&d.at),
                escape(&d.operator),
                escape(&d.username),
                escape(&d.decision)
            );
        }
    }
    let _ = writeln!(out, "\n### Commits ({})", log.commits.len());
    for (n, c) in log.commits.iter().enumerate() {
        let (heading, counts) = commit_texts(n + 1, c);
        let _ = writeln!(out, "\n#### {}\n\n{counts}\n", escape(&heading));
        if let Some(stopped) = &c.stopped {
            let _ = writeln!(out, "Stopped: {}\n", escape(stopped));
        }
        if !c.users.is_empty() {
            out.push_str("| User | Result | Detail |\n|---|---|---|\n");
            for (user, status, detail) in &c.users {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    escape(user),
                    escape(status),
                    escape(detail)
                );
            }
        }
    }
}

fn table(out: &mut String, category: Category, rows: &[&ReportRow]) {
    let columns = Columns::of(category, rows);
    let header = columns.header();
    let _ = writeln!(out, "\n| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let cells: Vec<String> = columns
            .cells(row)
            .iter()
            .map(|lines| {
                let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
                escaped.join("; ")
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// Escapes a value for a table cell or a line of text.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        if matches!(
            c,
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a value that starts a line of text (a list item): also what would begin a
/// nested list, a code block or a heading there.
fn escape_line(text: &str) -> String {
    let escaped = escape(text.trim_start());
    let digits = escaped.chars().take_while(char::is_ascii_digit).count();
    match escaped[digits..].chars().next() {
        Some('-' | '+' | '=') if digits == 0 => format!("\\{escaped}"),
        Some(c @ ('.' | ')')) if digits > 0 => {
            format!("{}\\{c}{}", &escaped[..digits], &escaped[digits + 1..])
        }
        _ => escaped,
    }
}
