//! The header: the plan's warnings on a line of their own when there are any, then the
//! bucket tabs as words with their counts, the active users before and after the plan, then
//! the target ftrack server's host and the scope of the run, flowed over one to three lines.
//! The other screens get a title, and during and after a commit the warnings after it.

use super::roles::{seats_piece, seats_style};
use crate::reconcile::Scope;
use crate::reconcile::plan::Summary;
use crate::reconcile::policy::DeactivateNow;
use crate::tui::app::bucket;
use crate::tui::app::{App, Bucket, Review, Screen};
use crate::tui::text::{truncate, width};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The gap between tabs.
const GAP: &str = "  ";
/// The most lines the header takes (80 columns need three: tabs, more tabs and the active
/// users, the context).
const MAX_LINES: usize = 3;

fn count(summary: &Summary, bucket: Bucket) -> usize {
    match bucket {
        Bucket::Create => summary.create,
        Bucket::Update => summary.update,
        Bucket::Conflict => summary.conflict,
        Bucket::Deactivate => summary.deactivate,
        Bucket::Reactivate => summary.reactivate,
        Bucket::Unchanged => summary.unchanged,
        Bucket::Skip => summary.skip,
        Bucket::Pending => summary.pending,
    }
}

/// The host of a server URL (`https://studio.ftrackapp.com/x` -> `studio.ftrackapp.com`).
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The run's scope in words: `all users`, or what narrows it.
pub fn scope_words(scope: &Scope) -> String {
    let mut parts = Vec::new();
    if !scope.only_users.is_empty() {
        parts.push(format!("users {}", scope.only_users.join(",")));
    }
    if !scope.only_groups.is_empty() {
        parts.push(format!("groups {}", scope.only_groups.join(",")));
    }
    if let Some(filter) = &scope.ldap_filter {
        parts.push(format!("filter {filter}"));
    }
    if let Some(limit) = scope.limit {
        parts.push(format!("first {limit}"));
    }
    for (off, what) in [
        (scope.no_create, "no creates"),
        (scope.no_update, "no updates"),
        (scope.no_deactivate, "no deactivations"),
    ] {
        if off {
            parts.push(what.to_string());
        }
    }
    if scope.deactivate_now == DeactivateNow::Everyone {
        parts.push("no grace (--now)".to_string());
    }
    if parts.is_empty() {
        "all users".to_string()
    } else {
        parts.join(" · ")
    }
}

/// What the header says after the tabs: the server's host, the scope, the live filter.
fn context(review: &Review) -> String {
    let mut text = format!(
        "ftrack {} · scope: {}",
        host(&review.session.server),
        scope_words(&review.session.scope)
    );
    if !review.filter.is_empty() {
        text.push_str(&format!(" · /{}", review.filter));
    }
    text
}

/// The header's pieces: each tab, the active users when the plan counts them, then the
/// context.
fn pieces(review: &Review) -> Vec<String> {
    let summary = &review.plan.summary;
    let mut pieces: Vec<String> = bucket::in_use(review.has_grace())
        .iter()
        .map(|&b| {
            format!(
                "{}{}{} {}",
                bucket::key(b),
                b.marker(),
                bucket::label(b),
                count(summary, b)
            )
        })
        .collect();
    pieces.extend(seats_piece(&review.plan.seats));
    pieces.push(format!("│ {}", context(review)));
    pieces
}

/// The pieces laid out on lines of `cells`: as many per line as fit.
fn flow(pieces: &[String], cells: usize) -> Vec<Vec<usize>> {
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 1;
    for (i, piece) in pieces.iter().enumerate() {
        let cost = width(piece) + GAP.len();
        if used + cost > cells + GAP.len() && !lines.last().is_some_and(Vec::is_empty) {
            lines.push(Vec::new());
            used = 1;
        }
        used += cost;
        if let Some(line) = lines.last_mut() {
            line.push(i);
        }
    }
    lines
}

/// Lines the header takes at this width: one, or up to [`MAX_LINES`] when the tabs, the
/// active users and the context need them, and one more for the plan's warnings.
pub fn height(app: &App, cells: u16) -> u16 {
    match review_shown(app) {
        Some(review) => {
            let lines = flow(&pieces(review), usize::from(cells))
                .len()
                .min(MAX_LINES)
                + usize::from(!review.warnings.is_empty());
            u16::try_from(lines).unwrap_or(1)
        }
        None => 1,
    }
}

fn review_shown(app: &App) -> Option<&Review> {
    app.review
        .as_deref()
        .filter(|_| matches!(app.screen, Screen::Review))
}

/// Draws the header.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(review) = review_shown(app) else {
        title(frame, area, app, theme);
        return;
    };
    let cells = usize::from(area.width);
    let mut lines: Vec<Line> = super::warnings::indicator(review, cells, true, theme)
        .map(Line::from)
        .into_iter()
        .collect();
    let pieces = pieces(review);
    let summary = &review.plan.summary;
    let style_of = |i: usize| -> Style {
        match bucket::in_use(review.has_grace()).get(i) {
            Some(b) if *b == review.bucket || review.lane.contains(b) => theme.selected,
            Some(b) if count(summary, *b) == 0 => theme.dim,
            Some(b) => theme.action(*b),
            // Between the tabs and the context: the active users.
            None if i + 1 < pieces.len() => seats_style(&review.plan.seats, theme),
            None => theme.dim,
        }
    };
    let room = usize::from(area.height).saturating_sub(lines.len());
    lines.extend(
        flow(&pieces, cells)
            .into_iter()
            .take(room)
            .map(|members| pieces_line(&pieces, &members, cells, &style_of)),
    );
    frame.render_widget(Paragraph::new(lines), area);
}

/// The header of the other screens: their title, and while a commit runs and after it, the
/// plan's warnings (`!` lists them on the results).
fn title(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = match app.screen {
        Screen::Loading(_) | Screen::LoadFailed(_) => " ldap2ftrack · loading",
        Screen::Applying(_) => " ldap2ftrack · applying",
        Screen::Results(_) => " ldap2ftrack · results",
        Screen::Review => " ldap2ftrack",
    };
    let mut spans = vec![Span::styled(title, theme.title)];
    let committed = matches!(app.screen, Screen::Applying(_) | Screen::Results(_));
    if let Some(review) = app.review.as_deref().filter(|_| committed) {
        let room = usize::from(area.width).saturating_sub(width(title) + 1);
        let with_key = matches!(app.screen, Screen::Results(_));
        spans.push(Span::raw(" "));
        spans.extend(super::warnings::indicator(review, room, with_key, theme));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One line of the header: these pieces, each in its style, cut to the cells left.
fn pieces_line(
    pieces: &[String],
    members: &[usize],
    cells: usize,
    style_of: &impl Fn(usize) -> Style,
) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for &i in members {
        let text = truncate(&pieces[i], cells.saturating_sub(used));
        used += width(&text) + GAP.len();
        spans.push(Span::styled(text, style_of(i)));
        spans.push(Span::raw(GAP));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_and_the_scope_in_words() {
        assert_eq!(
            host("https://studio.ftrackapp.com/api?x=1"),
            "studio.ftrackapp.com"
        );
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(scope_words(&Scope::default()), "all users");
        let scope = Scope {
            only_groups: vec!["fx".into(), "comp".into()],
            ldap_filter: Some("(dept=fx)".into()),
            no_deactivate: true,
            ..Scope::default()
        };
        assert_eq!(
            scope_words(&scope),
            "groups fx,comp · filter (dept=fx) · no deactivations"
        );
        let now = Scope {
            deactivate_now: DeactivateNow::Everyone,
            ..Scope::default()
        };
        assert_eq!(scope_words(&now), "no grace (--now)");
    }

    #[test]
    fn pieces_flow_onto_as_many_lines_as_they_need() {
        let pieces: Vec<String> = ["aaaa", "bbbb", "cccc"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(flow(&pieces, 40), [vec![0, 1, 2]]);
        assert_eq!(flow(&pieces, 12), [vec![0, 1], vec![2]]);
    }
}
