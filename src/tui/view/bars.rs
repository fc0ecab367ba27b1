//! The one-line bars: demo banner, bucket header, filter line, status and hints.

use crate::tui::action::{Action, Context, HelpLine, help_lines};
use crate::tui::app::{App, Overlay, needs_decision};
use crate::tui::text::{fit, truncate, width};
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

/// The filter line above the list.
pub fn filter(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let counts = format!(
        "  ({} of {})",
        review.view.len(),
        review
            .lane
            .iter()
            .map(|b| review.buckets.len(*b))
            .sum::<usize>()
    );
    let room = (area.width as usize).saturating_sub(3 + width(&counts));
    let text = match &app.overlay {
        Overlay::Filter(input) => input.view(room),
        _ => truncate(&review.filter, room),
    };
    let line = Line::from(vec![
        Span::styled(" / ", theme.key),
        Span::raw(text),
        Span::styled(counts, theme.dim),
    ]);
    frame.render_widget(Paragraph::new(line), area);
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
        (review_status(app, review), theme.bar)
    } else {
        (" reading the directory and ftrack…".to_string(), theme.bar)
    };
    frame.render_widget(Paragraph::new(Span::styled(fit(&text, cells), style)), area);
}

/// `row 3 of 26 · approved N · skipped N · pending N · marked N · unsaved` (the plan's counts
/// are on the tabs, the server in the header).
fn review_status(app: &App, review: &crate::tui::app::Review) -> String {
    let c = review.counts;
    let position = if review.view.is_empty() {
        "no rows".to_string()
    } else {
        format!("row {} of {}", review.cursor + 1, review.view.len())
    };
    let marks = if review.marks.is_empty() {
        String::new()
    } else {
        format!(" · marked {}", review.marks.len())
    };
    let unsaved = if app.unsaved() { " · unsaved" } else { "" };
    format!(
        " {position} · approved {} · skipped {} · pending {}{marks}{unsaved}",
        c.approved, c.skipped, c.pending
    )
}

/// The hint bar, from the key table: the keys that work on this row and screen, in the
/// table's order, as many as fit; `?` always has room.
pub fn hints(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (help, others): (Vec<HelpLine>, Vec<HelpLine>) = help_lines(app.context(), true)
        .into_iter()
        .filter(|line| works(app, line.action))
        .partition(|line| line.action == Action::Help);
    let help_keys: Vec<Action> = help.iter().map(|l| l.action).collect();
    let cost = |line: &HelpLine| width(&line.keys) + 1 + width(line.help);
    let cells = area.width as usize;
    let reserved: usize = help.iter().map(|l| cost(l) + 2).sum();
    let all: usize = others.iter().map(|l| cost(l) + 2).sum::<usize>() + reserved;
    let gap = if all < cells { "  " } else { " " };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1 + reserved;
    let mut shown: Vec<&HelpLine> = Vec::new();
    for line in &others {
        if used + cost(line) > cells {
            break;
        }
        used += cost(line) + gap.len();
        shown.push(line);
    }
    // In the table's order, `?` included wherever the table puts it.
    for line in help_lines(app.context(), true) {
        if help_keys.contains(&line.action) || shown.iter().any(|s| s.action == line.action) {
            push_hint(&mut spans, &line, gap, theme);
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn push_hint(spans: &mut Vec<Span<'static>>, line: &HelpLine, gap: &str, theme: &Theme) {
    spans.push(Span::styled(line.keys.clone(), theme.key));
    spans.push(Span::raw(format!(" {}{gap}", line.help)));
}

/// True when an action does something on the current row and screen (the hint bar leaves the
/// others out; the help lists every key).
fn works(app: &App, action: Action) -> bool {
    if app.context() != Context::List {
        return true;
    }
    let Some(review) = &app.review else {
        return false;
    };
    let item = review.current().map(|i| &review.plan.items[i]);
    match action {
        Action::Approve => item.is_some_and(|i| i.action.is_change()),
        Action::Skip => item.is_some_and(|i| needs_decision(i.action)),
        Action::Open => item.is_some(),
        Action::Link | Action::Rename => item.is_some_and(|i| i.directory.is_some()),
        Action::Commit => review.counts.approved > 0,
        _ => true,
    }
}
