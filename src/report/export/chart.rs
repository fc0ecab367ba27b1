//! The summary as a small inline SVG bar chart for the HTML report: no script, no external
//! asset, nothing to fetch, so it shows in print and in a mail client that blocks remote
//! images. Every bar carries its marker, its words and its number as text, so it reads
//! without colour; a `<title>` and `<desc>` give screen readers the same.
//!
//! A plan's chart has one bar per category; an apply's one bar per phase (creations,
//! updates, reactivations, deactivations), split into what was applied, failed, blocked
//! and skipped.

use super::words::{count, label, marker, summary_categories};
use crate::reconcile::plan::Action;
use crate::report::model::{Category, Report, ReportKind};
use std::fmt::Write;

const LABEL_WIDTH: usize = 230;
const BAR_WIDTH: usize = 260;
const VALUE_WIDTH: usize = 250;
const ROW: usize = 24;
const FONT: &str =
    "font-family=\"Segoe UI, Helvetica Neue, Arial, Noto Sans, sans-serif\" font-size=\"13\"";

/// One bar: its words and its segments (count and colour), drawn left to right.
struct Bar {
    label: String,
    segments: Vec<(usize, &'static str)>,
    value: String,
}

/// The chart of a report, or `None` when it would have no bar.
pub(super) fn render(report: &Report) -> Option<String> {
    let (bars, note) = match report.kind {
        ReportKind::Plan => (plan_bars(report), unchanged_note(report)),
        ReportKind::Apply => (phase_bars(report), None),
    };
    if bars.is_empty() {
        return None;
    }
    Some(draw(report, &bars, note))
}

/// One bar per category of the summary; the unchanged users, usually most of them, are a
/// note rather than a bar that would flatten the others.
fn plan_bars(report: &Report) -> Vec<Bar> {
    summary_categories(report)
        .filter(|&c| c != Category::Unchanged)
        .map(|c| {
            let n = count(report, c);
            Bar {
                label: format!("{} {}", marker(c), label(report.kind, c)),
                segments: vec![(n, colour(c))],
                value: n.to_string(),
            }
        })
        .collect()
}

fn unchanged_note(report: &Report) -> Option<String> {
    Some(format!(
        "= unchanged: {} (not drawn)",
        report.summary.unchanged
    ))
}

/// The parts of a phase's bar, with their colours.
const PARTS: [(&str, &str); 4] = [
    ("applied", "#1b7f3b"),
    ("failed", "#b00020"),
    ("blocked", "#8a6100"),
    ("skipped", "#8c8c8c"),
];

/// One bar per phase of an apply that had anything planned.
fn phase_bars(report: &Report) -> Vec<Bar> {
    let phases = [
        (Action::Create, Category::Created, "+ creations"),
        (Action::Update, Category::Updated, "~ updates"),
        (Action::Reactivate, Category::Reactivated, "^ reactivations"),
        (Action::Deactivate, Category::Deactivated, "- deactivations"),
    ];
    phases
        .into_iter()
        .filter_map(|(action, done, name)| {
            let mut tally = [0usize; 4];
            for row in report.rows.iter().filter(|r| r.planned == Some(action)) {
                let part = match row.category {
                    c if c == done => 0,
                    Category::Failed => 1,
                    Category::Blocked => 2,
                    _ => 3,
                };
                tally[part] += 1;
            }
            let value: Vec<String> = PARTS
                .iter()
                .zip(tally)
                .filter(|(_, n)| *n > 0)
                .map(|((part, _), n)| format!("{n} {part}"))
                .collect();
            (!value.is_empty()).then(|| Bar {
                label: name.to_string(),
                segments: PARTS.iter().zip(tally).map(|((_, c), n)| (n, *c)).collect(),
                value: value.join(" · "),
            })
        })
        .collect()
}

fn colour(category: Category) -> &'static str {
    match category {
        Category::Failed | Category::Deactivated => "#b00020",
        Category::Conflicted => "#8e24aa",
        Category::Blocked | Category::Pending | Category::Updated => "#8a6100",
        Category::Created => "#1b7f3b",
        Category::Reactivated => "#00708a",
        Category::Skipped | Category::Unchanged => "#8c8c8c",
    }
}

fn draw(report: &Report, bars: &[Bar], note: Option<String>) -> String {
    let width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
    let rows = bars.len() + usize::from(note.is_some());
    let height = rows * ROW + 8;
    let most = bars
        .iter()
        .map(|b| b.segments.iter().map(|(n, _)| n).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (title, words) = match report.kind {
        ReportKind::Plan => ("Summary of the plan", "users"),
        ReportKind::Apply => ("Outcome per phase", "changes"),
    };
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.value))
        .collect();
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">"
    );
    let _ = writeln!(
        svg,
        "<title id=\"chart-title\">{title} ({words})</title>\n<desc id=\"chart-desc\">{}{}</desc>",
        desc.join("; "),
        note.as_deref()
            .map(|n| format!("; {n}"))
            .unwrap_or_default()
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let text_y = y + 16;
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{text_y}\" {FONT} fill=\"#1a1a1a\">{}</text>",
            bar.label
        );
        let mut x = LABEL_WIDTH;
        for &(n, fill) in &bar.segments {
            if n == 0 {
                continue;
            }
            let w = (n * BAR_WIDTH / most).max(2);
            let _ = writeln!(
                svg,
                "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"{fill}\" stroke=\"#1a1a1a\" stroke-width=\"0.5\"/>",
                y + 3
            );
            x += w;
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{text_y}\" {FONT} fill=\"#1a1a1a\">{}</text>",
            x + 6,
            bar.value
        );
    }
    if let Some(note) = note {
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{}\" {FONT} fill=\"#444444\">{note}</text>",
            bars.len() * ROW + 20
        );
    }
    svg.push_str("</svg>\n");
    svg
}
