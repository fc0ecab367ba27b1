//! The report as one self-contained HTML page for email and printing: inline CSS, no
//! scripts, no external assets or fonts, plain tables (no flex or grid), so it reads the
//! same in a browser, a mail client and on paper.
//!
//! Every value is HTML-escaped and control characters are spelled out, and a
//! Content-Security-Policy forbids scripts, so a hostile directory value shows as text.
//! Colour marks the categories but the markers (`+ ~ ^ - ! # . x`) and words carry the
//! meaning. What needs a person comes first, then deactivations, then the rest; the summary is
//! also drawn as an inline SVG chart (see [`super::chart`]).

use super::chart;
use super::columns::{Columns, seats_text};
use super::words::{
    attention_line, blocked_label, commit_texts, count, heading, label, marker, rows_of, run_facts,
    skip_groups, skip_heading, skipped_by_line, subtitle, summary_categories, title, visible,
};
use crate::report::model::{Category, Report, ReportKind, ReportRow, SessionLog};
use std::fmt::Write;

const STYLE: &str = r#"
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Noto Sans", "Noto Sans CJK JP", "Microsoft YaHei", sans-serif; color: #1a1a1a; background: #ffffff; margin: 1.5em; line-height: 1.4; }
h1 { font-size: 1.5em; margin: 0 0 0.3em 0; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.4em 0; padding-bottom: 0.15em; border-bottom: 2px solid #cccccc; }
table { border-collapse: collapse; margin: 0.3em 0 1em 0; }
th, td { border: 1px solid #bbbbbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td { overflow-wrap: anywhere; word-break: break-word; }
td.n { text-align: right; }
.mark { font-family: Consolas, "DejaVu Sans Mono", monospace; font-weight: bold; text-align: center; }
.banner { border: 2px solid #b00020; background: #fdecea; padding: 0.5em 0.8em; }
.attention { border-left: 4px solid #8e24aa; padding: 0.2em 0.8em; font-weight: bold; }
svg.chart { display: block; margin: 0.5em 0 1em 0; max-width: 100%; height: auto; }
.note { color: #444444; }
.created { color: #1b7f3b; }
.updated { color: #8a6100; }
.reactivated { color: #00708a; }
.deactivated { color: #b00020; }
.pending { color: #8a6100; }
.conflicted { color: #8e24aa; }
.skipped { color: #555555; }
.failed { color: #b00020; }
.blocked { color: #8a6100; }
.unchanged { color: #555555; }
@media print {
  body { margin: 0; font-size: 10pt; color: #000000; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { background: #eeeeee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .banner, svg.chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Renders the report as a complete HTML document.
pub(super) fn render(report: &Report) -> String {
    let title = title(report);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>"
    );
    let _ = writeln!(out, "<h1>{title}</h1>");
    let _ = writeln!(out, "<p class=\"note\">{}</p>", subtitle(report));
    out.push_str("<table class=\"facts\">\n<tbody>\n");
    for (label, value) in run_facts(report) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th><td>{}</td></tr>",
            escape(&value)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    summary(&mut out, report);
    if let Some(reason) = &report.blocked {
        let _ = writeln!(
            out,
            "<p class=\"banner\"><strong>{}</strong> {}</p>",
            blocked_label(report),
            escape(reason)
        );
    }
    if !report.warnings.is_empty() {
        out.push_str("<h2>Warnings</h2>\n<ul>\n");
        for warning in &report.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(warning));
        }
        out.push_str("</ul>\n");
    }
    for category in Category::ALL {
        let rows = rows_of(report, category);
        if rows.is_empty() {
            continue;
        }
        if category == Category::Skipped {
            skipped(&mut out, report.kind, &rows);
        } else {
            section(&mut out, report.kind, category, &rows);
        }
    }
    if let Some(log) = &report.session {
        session(&mut out, log);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The console session: every decision with who and when, then every commit.
fn session(out: &mut String, log: &SessionLog) {
    let _ = writeln!(
        out,
        "<h2 id=\"session\">Console session</h2>\n<h3>Decisions ({})</h3>",
        log.decisions.len()
    );
    if log.decisions.is_empty() {
        out.push_str("<p class=\"note\">No decision was taken.</p>\n");
    } else {
        out.push_str("<table>\n<thead><tr><th>Time</th><th>Operator</th><th>User</th><th>Decision</th></tr></thead>\n<tbody>\n");
        for d in &log.decisions {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&d.at),
                escape(&d.operator),
                escape(&d.username),
                escape(&d.decision)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(out, "<h3>Commits ({})</h3>", log.commits.len());
    for (n, c) in log.commits.iter().enumerate() {
        let (heading, counts) = commit_texts(n + 1, c);
        let _ = writeln!(out, "<h4>{}</h4>\n<p>{counts}</p>", escape(&heading));
        if let Some(stopped) = &c.stopped {
            let _ = writeln!(out, "<p class=\"banner\">Stopped: {}</p>", escape(stopped));
        }
        if !c.users.is_empty() {
            out.push_str("<table>\n<thead><tr><th>User</th><th>Result</th><th>Detail</th></tr></thead>\n<tbody>\n");
            for (user, status, detail) in &c.users {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(user),
                    escape(status),
                    escape(detail)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
    }
}

fn summary(out: &mut String, report: &Report) {
    out.push_str("<h2>Summary</h2>\n");
    if let Some(line) = attention_line(report) {
        let _ = writeln!(out, "<p class=\"attention\">{}</p>", escape(&line));
    }
    if let Some(svg) = chart::render(report) {
        out.push_str(&svg);
    }
    out.push_str("<table class=\"summary\">\n<thead><tr><th></th><th>Users</th><th>Count</th></tr></thead>\n<tbody>\n");
    for category in summary_categories(report) {
        let _ = writeln!(
            out,
            "<tr><td class=\"mark {name}\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&marker(category).to_string()),
            label(report.kind, category),
            count(report, category),
            name = category.name(),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if let Some(line) = skipped_by_line(report) {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} by reason: {}</p>",
            heading(report.kind, Category::Skipped),
            escape(&line)
        );
    }
    if let Some(seats) = seats_text(report) {
        let _ = writeln!(out, "<p class=\"seats\">{}</p>", escape(&seats));
    }
}

fn section(out: &mut String, kind: ReportKind, category: Category, rows: &[&ReportRow]) {
    let _ = writeln!(
        out,
        "<h2 id=\"{name}\"><span class=\"mark {name}\">{}</span> {} ({})</h2>",
        escape(&marker(category).to_string()),
        heading(kind, category),
        rows.len(),
        name = category.name(),
    );
    table(out, category, rows);
}

/// The skipped rows, one table per reason.
fn skipped(out: &mut String, kind: ReportKind, rows: &[&ReportRow]) {
    let category = Category::Skipped;
    let _ = writeln!(
        out,
        "<h2 id=\"skipped\"><span class=\"mark skipped\">{}</span> {} ({})</h2>",
        escape(&marker(category).to_string()),
        heading(kind, category),
        rows.len(),
    );
    for (reason, group) in skip_groups(rows) {
        let _ = writeln!(out, "<h3>{} ({})</h3>", skip_heading(reason), group.len());
        table(out, category, &group);
    }
}

fn table(out: &mut String, category: Category, rows: &[&ReportRow]) {
    let columns = Columns::of(category, rows);
    out.push_str("<table>\n<thead><tr>");
    for name in columns.header() {
        let _ = write!(out, "<th>{name}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for lines in columns.cells(row) {
            let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
            let _ = write!(out, "<td>{}</td>", escaped.join("<br>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Escapes text for HTML content and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
