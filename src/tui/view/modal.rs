//! Small dialogs: the Y/N count confirmation, the report path and quitting unsaved.

use super::{centered, modal_box};
use crate::reconcile::decision::Decision;
use crate::reconcile::needs::Need;
use crate::tui::app::bucket;
use crate::tui::app::{App, Confirm, RestoreOffer};
use crate::tui::input::TextInput;
use crate::tui::text::plural;
use crate::tui::text::truncate;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn keys(pairs: &[(&'static str, &'static str)], theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, what) in pairs {
        spans.push(Span::styled(*key, theme.key));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}

/// Y/N on the whole filtered view.
pub fn confirm(frame: &mut Frame, area: Rect, app: &App, question: &Confirm, theme: &Theme) {
    let verb = if question.decision == Decision::Approve {
        "Approve"
    } else {
        "Skip"
    };
    let (bucket, filter) = app
        .review
        .as_ref()
        .map(|r| (bucket::label(r.bucket), r.filter.clone()))
        .unwrap_or_default();
    let scope = if filter.is_empty() {
        format!("in {bucket}")
    } else {
        format!("in {bucket} matching \"{filter}\"")
    };
    if let Some(by) = &question.needed_by {
        return needed(frame, area, app, by, &question.items, theme);
    }
    let inner = modal_box(frame, centered(area, 56, 6), "Confirm", theme);
    let lines = vec![
        Line::raw(truncate(
            &format!("{verb} {} rows {scope}?", question.items.len()),
            inner.width as usize,
        )),
        Line::raw(""),
        keys(&[("y", "yes"), ("n", "no")], theme),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// A row was approved that needs pending changes: approve them too?
fn needed(frame: &mut Frame, area: Rect, app: &App, by: &str, items: &[usize], theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    const WIDTH: u16 = 64;
    let cells = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let mut lines = vec![Line::raw(truncate(
        &format!("{by} needs what these pending rows do:"),
        cells,
    ))];
    for &i in items.iter().take(6) {
        let item = &review.plan.items[i];
        let what = review
            .plan
            .items
            .iter()
            .flat_map(|it| &it.needs)
            .find(|n| matches!(n, Need::Rename { key, .. } if Some(key) == review.keys[i].as_ref()))
            .map_or_else(|| item.username.to_string(), ToString::to_string);
        lines.push(Line::raw(truncate(&format!("  {what}"), cells)));
    }
    if items.len() > 6 {
        lines.push(Line::raw(format!("  and {} more", items.len() - 6)));
    }
    lines.push(Line::raw(truncate(
        "Approve them too? (A commit of this row brings them anyway.)",
        cells,
    )));
    lines.push(Line::raw(""));
    lines.push(keys(&[("y", "approve them too"), ("n", "not now")], theme));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let inner = modal_box(frame, centered(area, WIDTH, height), "Needed", theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The report path input.
pub fn export(frame: &mut Frame, area: Rect, path: &TextInput, theme: &Theme) {
    let inner = modal_box(frame, centered(area, 64, 7), "Export report", theme);
    let cells = inner.width as usize;
    let lines = vec![
        Line::raw("File (.html, .json, .csv or .md):"),
        Line::from(vec![
            Span::styled("> ", theme.key),
            Span::raw(path.view(cells.saturating_sub(2))),
        ]),
        Line::raw(""),
        keys(&[("Enter", "write"), ("Esc", "cancel")], theme),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Quitting with decisions that were neither saved nor committed: which, and what to do.
pub fn quit(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    const WIDTH: u16 = 66;
    let cells = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let line = |text: String| Line::raw(truncate(&text, cells));
    let standing = app.unrecorded_standing();
    let one_run = app.unsaved_one_run();
    let room = usize::from(area.height.saturating_sub(9)).max(1);
    let mut lines = Vec::new();
    if !standing.is_empty() {
        lines.push(line(
            "Not in force until saved (w) or committed:".to_string(),
        ));
        let shown = if standing.len() > room {
            room - 1
        } else {
            standing.len()
        };
        lines.extend(standing.iter().take(shown).map(|s| line(format!("  {s}"))));
        if standing.len() > shown {
            lines.push(line(format!("  and {} more", standing.len() - shown)));
        }
    }
    if one_run > 0 {
        let s = plural(one_run);
        lines.push(line(format!(
            "{one_run} approval{s} or skip{s} for this run not saved."
        )));
    }
    lines.push(line(
        if app.demo {
            "The demo keeps nothing once you quit."
        } else {
            "Discarded ones stay in console-decisions.previous.json."
        }
        .to_string(),
    ));
    lines.push(Line::raw(""));
    lines.push(keys(
        &[
            ("w", "save & quit"),
            ("d", "discard & quit"),
            ("Esc", "back"),
        ],
        theme,
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let inner = modal_box(
        frame,
        centered(area, WIDTH, height),
        "Unsaved decisions",
        theme,
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Restore the autosave of a session that did not end cleanly?
pub fn restore(frame: &mut Frame, area: Rect, offer: &RestoreOffer, theme: &Theme) {
    let count = offer.decisions.decisions.len();
    let when = offer
        .saved_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map_or_else(
            || "an earlier session".to_string(),
            |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        );
    let inner = modal_box(frame, centered(area, 64, 8), "Unfinished session", theme);
    let cells = inner.width as usize;
    let lines = vec![
        Line::raw(truncate(
            &format!("Restore {count} decision{} from {when}?", plural(count)),
            cells,
        )),
        Line::raw(
            "That session did not end cleanly. Restored decisions are not in force until committed or saved (w).",
        ),
        Line::raw(""),
        keys(&[("y", "restore"), ("n", "start afresh")], theme),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
