//! The apply's results: who was created, updated, reactivated and deactivated, every user that
//! failed (with the server's message), went stale or was not attempted, and why the rest was
//! left alone. Scrolls with j/k.

use crate::apply::engine::{Ending, Refusal};
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, SkipCause};
use crate::reconcile::decision::{Decision, item_key};
use crate::tui::app::{App, ResultsState};
use crate::tui::text::{sanitize, truncate, wrap};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Where an item ended up, for the sections of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Created,
    Updated,
    Reactivated,
    Deactivated,
    Failed,
    Stale,
    NotAttempted,
    HeldBack,
    SkippedByYou,
    NotApproved,
    LeftAlone,
    Unchanged,
    Parked,
}

/// Draws the results.
pub fn render(frame: &mut Frame, area: Rect, app: &App, state: &ResultsState, theme: &Theme) {
    let cells = area.width as usize;
    let lines = result_lines(app, state, cells, theme);
    let room = area.height as usize;
    let last = lines.len().saturating_sub(room);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(state.scroll.min(last))
        .take(room)
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
}

/// Every line of the results, before scrolling.
fn result_lines(
    app: &App,
    state: &ResultsState,
    cells: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let outcome = &state.applied.outcome;
    let mut lines = count_lines(outcome, cells, theme);
    lines.extend(stop_lines(state, cells, theme));
    lines.push(verdict(state, theme));
    let sorted: Vec<(Section, &ItemOutcome)> =
        outcome.items.iter().map(|o| (section(app, o), o)).collect();
    lines.extend(section_lines(&sorted, cells, theme));
    lines.push(Line::raw(""));
    lines.extend(
        wrap(&left_alone(&sorted), cells.saturating_sub(1))
            .into_iter()
            .map(|line| Line::from(Span::styled(format!(" {line}"), theme.dim))),
    );
    lines
}

/// The title and the counts of what was applied, failed, went stale or was not attempted.
fn count_lines(outcome: &Outcome, cells: usize, theme: &Theme) -> Vec<Line<'static>> {
    let s = outcome.summary;
    vec![
        Line::from(Span::styled(
            truncate(
                &format!(
                    " Applied {} change{} on {}",
                    s.applied(),
                    crate::tui::text::plural(s.applied()),
                    outcome.run.ftrack
                ),
                cells,
            ),
            theme.title,
        )),
        Line::from(Span::styled(
            format!(
                " created {} · updated {} · reactivated {} · deactivated {}",
                s.created, s.updated, s.reactivated, s.deactivated
            ),
            theme.ok,
        )),
        Line::from(Span::styled(
            format!(
                " failed {} · stale {} · not attempted {}",
                s.failed, s.stale, s.not_attempted
            ),
            if s.failed > 0 {
                theme.error
            } else {
                theme.text
            },
        )),
    ]
}

/// The sections that list users one per line (failures first), each with its title and
/// count; empty sections are left out.
fn section_lines(
    sorted: &[(Section, &ItemOutcome)],
    cells: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let sections = [
        (Section::Failed, "Failed (r retries them)", theme.error),
        (
            Section::Stale,
            "Stale: ftrack changed since the plan (q plans again)",
            theme.warn,
        ),
        (Section::NotAttempted, "Not attempted", theme.warn),
        (
            Section::HeldBack,
            "Held back: what they need was not applied",
            theme.warn,
        ),
        (Section::Created, "Created", theme.ok),
        (Section::Updated, "Updated", theme.ok),
        (Section::Reactivated, "Reactivated", theme.ok),
        (Section::Deactivated, "Deactivated", theme.ok),
    ];
    let mut lines = Vec::new();
    for (which, title, style) in sections {
        let members: Vec<&ItemOutcome> = sorted
            .iter()
            .filter(|(s, _)| *s == which)
            .map(|(_, o)| *o)
            .collect();
        if members.is_empty() {
            continue;
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            truncate(&format!(" {title} ({})", members.len()), cells),
            style,
        )));
        lines.extend(members.iter().map(|o| member_line(o, cells)));
    }
    lines
}

/// Why the run stopped early, when it did: the whole reason, over a few lines.
fn stop_lines(state: &ResultsState, cells: usize, theme: &Theme) -> Vec<Line<'static>> {
    let text = match &state.applied.ending {
        Ending::Refused(Refusal::Safety(r)) => format!("refused by a safety rule: {r}"),
        Ending::Refused(Refusal::Stale(r)) => format!("refused, ftrack changed: {r}"),
        Ending::Refused(Refusal::Unavailable(r)) => {
            format!("refused, ftrack could not be read: {r}")
        }
        Ending::Interrupted => "stopped by Ctrl-C after a batch".to_string(),
        Ending::Stopped(stop) => stop.to_string(),
        Ending::Finished => return Vec::new(),
    };
    let style = if state.applied.ending.refusal().is_some() {
        theme.error
    } else {
        theme.warn
    };
    wrap(&text, cells.saturating_sub(1))
        .into_iter()
        .take(6)
        .map(|line| Line::from(Span::styled(format!(" {line}"), style)))
        .collect()
}

/// "Every approved change was applied" only when it is true: nothing failed, went stale,
/// was held back or left unattempted, and no approved row stayed out of the commit.
fn verdict(state: &ResultsState, theme: &Theme) -> Line<'static> {
    let s = state.applied.outcome.summary;
    let held = state
        .applied
        .outcome
        .items
        .iter()
        .filter(|o| {
            matches!(
                o.status,
                ItemStatus::Skipped {
                    cause: SkipCause::HeldBack,
                    ..
                }
            )
        })
        .count();
    let clean = state.applied.ending == Ending::Finished
        && s.failed + s.stale + s.not_attempted + held == 0;
    match (clean, state.left_out) {
        (true, 0) => Line::from(Span::styled(
            " Every approved change was applied.",
            theme.ok,
        )),
        (true, n) => Line::from(Span::styled(
            format!(" Every change in this commit was applied; {n} approved ones were not in it."),
            theme.warn,
        )),
        (false, _) => Line::from(Span::styled(
            " Not every approved change was applied: see below.",
            theme.warn,
        )),
    }
}

/// The section of one user's outcome.
fn section(app: &App, outcome: &ItemOutcome) -> Section {
    use crate::reconcile::Action;
    match &outcome.status {
        ItemStatus::Applied => match outcome.item.action {
            Action::Create => Section::Created,
            Action::Update => Section::Updated,
            Action::Reactivate => Section::Reactivated,
            _ => Section::Deactivated,
        },
        ItemStatus::Failed { .. } => Section::Failed,
        ItemStatus::Stale { .. } => Section::Stale,
        ItemStatus::NotAttempted { .. } => Section::NotAttempted,
        ItemStatus::Parked { .. } => Section::Parked,
        ItemStatus::Skipped {
            cause: SkipCause::HeldBack,
            ..
        } => Section::HeldBack,
        ItemStatus::Skipped {
            cause: SkipCause::NotApproved,
            ..
        } => {
            let decision = item_key(&outcome.item).and_then(|k| app.decisions.decisions.get(&k));
            if decision == Some(&Decision::Skip) {
                Section::SkippedByYou
            } else {
                Section::NotApproved
            }
        }
        ItemStatus::Skipped { .. } if outcome.item.action == Action::Unchanged => {
            Section::Unchanged
        }
        ItemStatus::Skipped { .. } => Section::LeftAlone,
    }
}

/// `  + ahaddad  Amira Haddad: why`, the why only where there is one to tell.
fn member_line(outcome: &ItemOutcome, cells: usize) -> Line<'static> {
    let why = match &outcome.status {
        ItemStatus::Failed { error } => format!(": {error}"),
        ItemStatus::Stale { reason }
        | ItemStatus::NotAttempted { reason }
        | ItemStatus::Skipped { reason, .. } => format!(": {reason}"),
        _ => String::new(),
    };
    let item = &outcome.item;
    let text = format!(
        "   {} {}  {}{why}",
        item.action.marker(),
        item.username,
        item.name
    );
    Line::from(Span::styled(
        truncate(&sanitize(&text), cells),
        Style::default(),
    ))
}

/// The users left alone, counted by why: not approved, skipped by the admin, out of scope or
/// otherwise left alone by the plan, conflicts, unchanged.
fn left_alone(sorted: &[(Section, &ItemOutcome)]) -> String {
    let count = |which: Section| sorted.iter().filter(|(s, _)| *s == which).count();
    format!(
        "Left alone: {} not approved · {} skipped by you · {} out of scope or not managed · {} conflicts · {} unchanged",
        count(Section::NotApproved),
        count(Section::SkippedByYou),
        count(Section::LeftAlone),
        count(Section::Parked),
        count(Section::Unchanged),
    )
}
