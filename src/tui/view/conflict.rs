//! The conflict dialog, the link picker and the rename input.

use super::{centered, modal_box};
use crate::tui::app::{App, Resolve, ResolveMode, TakeOver, visible_range};
use crate::tui::resolve::{Match, Picker, RenameInput};
use crate::tui::text::{fit, sanitize, truncate};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Draws the dialog in its current mode.
pub fn render(frame: &mut Frame, area: Rect, app: &App, dialog: &Resolve, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let Some(item) = review.plan.items.get(dialog.index) else {
        return;
    };
    let who = format!("{} ({})", sanitize(&item.name), sanitize(&item.username));
    let outer = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    match &dialog.mode {
        ResolveMode::Menu => menu(frame, outer, app, dialog, &who, theme),
        ResolveMode::Picker(picker) => {
            let inner = modal_box(
                frame,
                outer,
                &truncate(&format!("Link {who} to"), outer.width as usize - 4),
                theme,
            );
            picker_view(frame, inner, app, picker, theme);
        }
        ResolveMode::TakeOver(take) => take_over(frame, area, outer, take, &who, theme),
        ResolveMode::Rename(input) => rename(frame, area, outer, input, &who, theme),
    }
}

/// The conflict's explanation and the ways to resolve it.
fn menu(frame: &mut Frame, outer: Rect, app: &App, dialog: &Resolve, who: &str, theme: &Theme) {
    let inner = modal_box(
        frame,
        outer,
        &truncate(&format!("Conflict: {who}"), outer.width as usize - 4),
        theme,
    );
    let options: Vec<Line> = [
        (
            "m",
            "link to an existing ftrack user (searchable, best matches first)",
        ),
        ("r", "use another ftrack username"),
        ("i", "ignore this entry from now on"),
        ("n", "skip it this time"),
        ("Esc", "close"),
    ]
    .into_iter()
    .map(|(key, what)| {
        Line::from(vec![
            Span::styled(format!(" {key:<4}"), theme.key),
            Span::raw(truncate(what, (inner.width as usize).saturating_sub(5))),
        ])
    })
    .collect();
    // The choices stay on screen however long the explanation is.
    let [explain, choices] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(options.len() as u16 + 1),
    ])
    .areas(inner);
    let lines = super::detail::lines(app, dialog.index, true, explain.width, theme);
    let last = u16::try_from(lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((dialog.scroll.min(last), 0)),
        explain,
    );
    let mut with_rule = vec![Line::styled("─".repeat(inner.width as usize), theme.dim)];
    with_rule.extend(options);
    frame.render_widget(Paragraph::new(with_rule), choices);
}

/// Taking over an ftrack user linked to another entry: what becomes of that entry.
fn take_over(
    frame: &mut Frame,
    area: Rect,
    outer: Rect,
    take: &TakeOver,
    who: &str,
    theme: &Theme,
) {
    let small = centered(area, outer.width.min(72), 9);
    let inner = modal_box(frame, small, "Linked to another entry", theme);
    let lines = vec![
        Line::raw(
            sanitize(&format!(
                "ftrack user {} is linked to {} now.",
                take.username, take.other
            ))
            .into_owned(),
        ),
        Line::raw(sanitize(&format!("Linking {who} to it takes it over:")).into_owned()),
        Line::from(Span::styled(
            sanitize(&take.consequence).into_owned(),
            theme.warn,
        )),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.key),
            Span::raw(" link anyway  "),
            Span::styled("n", theme.key),
            Span::raw(" back"),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The rename input, its verdict and the suggestions.
fn rename(
    frame: &mut Frame,
    area: Rect,
    outer: Rect,
    input: &RenameInput,
    who: &str,
    theme: &Theme,
) {
    let small = centered(area, outer.width, 9);
    let inner = modal_box(
        frame,
        small,
        &truncate(&format!("Rename {who}"), small.width as usize - 4),
        theme,
    );
    let cells = inner.width as usize;
    let verdict = match &input.error {
        Some(error) => Line::from(Span::styled(
            truncate(&format!("✗ {error}"), cells),
            theme.error,
        )),
        None => Line::from(Span::styled("✓ available", theme.ok)),
    };
    let lines = vec![
        Line::raw("New ftrack username (letters, digits, . _ - @ + '):"),
        Line::from(vec![
            Span::styled("> ", theme.key),
            Span::raw(input.input.view(cells.saturating_sub(2))),
        ]),
        verdict,
        suggestions(input, cells, theme),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Enter", theme.key),
            Span::raw(" rename  "),
            Span::styled("Tab", theme.key),
            Span::raw(" suggest  "),
            Span::styled("Esc", theme.key),
            Span::raw(" cancel"),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The usernames Tab offers, or why there are none.
fn suggestions(input: &RenameInput, cells: usize, theme: &Theme) -> Line<'static> {
    let text = if input.suggestions.is_empty() {
        "no suggestion from the entry's names or email".to_string()
    } else {
        format!("suggestions: {}", input.suggestions.join(" · "))
    };
    Line::from(Span::styled(truncate(&sanitize(&text), cells), theme.dim))
}

fn picker_view(frame: &mut Frame, area: Rect, app: &App, picker: &Picker, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let cells = area.width as usize;
    let count = format!("  ({} users)", picker.matches.len());
    let room = cells.saturating_sub(8 + count.len());
    let mut lines = vec![Line::from(vec![
        Span::styled("search: ", theme.key),
        Span::raw(picker.query.view(room)),
        Span::styled(count, theme.dim),
    ])];
    let height = (area.height as usize).saturating_sub(2);
    let range = visible_range(picker.matches.len(), picker.selected, 0, height);
    for row in range {
        let Some(ranked) = picker.entry(row) else {
            continue;
        };
        let user = &review.session.ftrack.users[ranked.index];
        let text = format!(
            "{} {}  {} {}  <{}>{}  {}",
            if row == picker.selected { '>' } else { ' ' },
            user.username,
            user.first_name,
            user.last_name,
            user.email.as_deref().unwrap_or("no email"),
            if user.is_active { "" } else { " inactive" },
            ranked.why.label()
        );
        let text = if ranked.candidate && ranked.why != Match::Involved {
            format!("{text} · in the conflict")
        } else {
            text
        };
        let text = match &ranked.linked_to {
            Some(other) => format!("{text}  · linked to {other}"),
            None => text,
        };
        let style = if row == picker.selected {
            theme.selected
        } else {
            theme.text
        };
        lines.push(Line::from(Span::styled(fit(&text, cells), style)));
    }
    if picker.matches.is_empty() {
        lines.push(Line::from(Span::styled(
            "no ftrack user matches",
            theme.dim,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
