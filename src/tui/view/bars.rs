//! The one-line bars: demo banner, bucket header, filter line, status and hints.

use crate::reconcile::plan::Summary;
use crate::tui::action::help_lines;
use crate::tui::app::{App, Bucket, Overlay, Screen};
use crate::tui::text::{fit, sanitize, truncate, width};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The demo banner.
pub fn banner(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = fit(
        " DEMO · bundled sample studio on an in-process sandbox · nothing real changes",
        area.width as usize,
    );
    frame.render_widget(Paragraph::new(Span::styled(text, theme.banner)), area);
}

fn count(summary: &Summary, bucket: Bucket) -> usize {
    match bucket {
        Bucket::Create => summary.create,
        Bucket::Update => summary.update,
        Bucket::Conflict => summary.conflict,
        Bucket::Deactivate => summary.deactivate,
        Bucket::Reactivate => summary.reactivate,
        Bucket::Unchanged => summary.unchanged,
        Bucket::Skipped => summary.skip,
    }
}

/// The bucket bar: `[1]+Create 12  [2]~Update 40 …`, shortened to fit.
pub fn header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(review) = app
        .review
        .as_ref()
        .filter(|_| matches!(app.screen, Screen::Review))
    else {
        let title = match app.screen {
            Screen::Loading(_) | Screen::LoadFailed(_) => " ldap2ftrack · loading",
            Screen::Applying(_) => " ldap2ftrack · applying",
            Screen::Results(_) => " ldap2ftrack · results",
            Screen::Review => " ldap2ftrack",
        };
        frame.render_widget(Paragraph::new(Span::styled(title, theme.title)), area);
        return;
    };
    let summary = &review.plan.summary;
    let styles: [fn(Bucket, usize) -> String; 4] = [
        |b: Bucket, n: usize| {
            format!(
                "[{}]{}{} {n}",
                b.index() + 1,
                b.action().marker(),
                b.label()
            )
        },
        |b: Bucket, n: usize| format!("{}{}{} {n}", b.index() + 1, b.action().marker(), b.label()),
        |b: Bucket, n: usize| {
            format!(
                "{}{}{} {n}",
                b.index() + 1,
                b.action().marker(),
                &b.label()[..3]
            )
        },
        |b: Bucket, n: usize| format!("{}{}{n}", b.index() + 1, b.action().marker()),
    ];
    for (round, style) in styles.iter().enumerate() {
        let labels: Vec<String> = Bucket::ALL
            .iter()
            .map(|&b| style(b, count(summary, b)))
            .collect();
        let gap = if round == 0 { "  " } else { " " };
        let total: usize = labels.iter().map(|l| width(l) + gap.len()).sum::<usize>() + 1;
        if total > area.width as usize && round + 1 < styles.len() {
            continue;
        }
        let mut spans = vec![Span::raw(" ")];
        for (b, label) in Bucket::ALL.iter().zip(labels) {
            let style = if *b == review.bucket {
                theme.selected
            } else if count(summary, *b) == 0 {
                theme.dim
            } else {
                theme.action(b.action())
            };
            spans.push(Span::styled(label, style));
            spans.push(Span::raw(gap));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
}

/// The filter line above the list.
pub fn filter(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let typing = matches!(app.overlay, Overlay::Filter);
    let cursor = if typing { "▏" } else { "" };
    let shown = format!(
        "{}{} ({} of {})",
        sanitize(&review.filter),
        cursor,
        review.view.len(),
        review
            .lane
            .iter()
            .map(|b| review.buckets[b.index()].len())
            .sum::<usize>()
    );
    let line = Line::from(vec![
        Span::styled(" / ", theme.key),
        Span::raw(truncate(&shown, (area.width as usize).saturating_sub(3))),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// `12 create, 40 update, …` for the non-zero counts.
pub fn plan_counts(summary: &Summary) -> String {
    let parts: Vec<String> = [
        (summary.create, "create"),
        (summary.update, "update"),
        (summary.conflict, "conflict"),
        (summary.deactivate, "deactivate"),
        (summary.reactivate, "reactivate"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join(", ")
    }
}

/// The status bar: a note when there is one, else the plan and the decisions.
pub fn status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cells = area.width as usize;
    let (text, style) = if let Some(note) = &app.note {
        (
            format!(" {}", note.text),
            if note.error { theme.error } else { theme.bar },
        )
    } else if let Some(review) = &app.review {
        (review_status(app, review, cells), theme.bar)
    } else {
        (" reading the directory and ftrack…".to_string(), theme.bar)
    };
    frame.render_widget(Paragraph::new(Span::styled(fit(&text, cells), style)), area);
}

/// `Plan: … · approved N · skipped N · pending N · ftrack: <server>`, with the plan's counts
/// as markers when the words do not fit.
fn review_status(app: &App, review: &crate::tui::app::Review, cells: usize) -> String {
    let c = review.counts;
    let marks = if review.marks.is_empty() {
        String::new()
    } else {
        format!(" · marked {}", review.marks.len())
    };
    let unsaved = if app.unsaved() { " · unsaved" } else { "" };
    let decisions = format!(
        "approved {} · skipped {} · pending {}{marks}{unsaved}",
        c.approved, c.skipped, c.pending
    );
    let server = &review.session.server;
    let full = format!(
        " Plan: {} · {decisions} · ftrack: {server}",
        plan_counts(&review.plan.summary)
    );
    if width(&full) <= cells {
        return full;
    }
    let s = &review.plan.summary;
    format!(
        " Plan +{} ~{} !{} -{} ^{} · {decisions} · ftrack: {server}",
        s.create, s.update, s.conflict, s.deactivate, s.reactivate
    )
}

/// The hint bar, from the key table; hints that do not fit are left out.
pub fn hints(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let hints = help_lines(app.context(), true);
    let need = |gap: usize| -> usize {
        hints
            .iter()
            .map(|l| width(&l.keys) + 1 + width(l.help) + gap)
            .sum::<usize>()
            + 1
    };
    let gap = if need(2) <= area.width as usize + 2 {
        "  "
    } else {
        " "
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for line in hints {
        let cost = width(&line.keys) + 1 + width(line.help);
        if used + cost > area.width as usize {
            break;
        }
        used += cost + gap.len();
        spans.push(Span::styled(line.keys, theme.key));
        spans.push(Span::raw(format!(" {}{gap}", line.help)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
