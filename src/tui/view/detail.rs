//! The detail of one item: the directory entry against the ftrack user, field by field.

use super::list::decision_mark;
use crate::model::{DirectoryUser, FtrackUser};
use crate::reconcile::decision::Decision;
use crate::reconcile::grace::GraceState;
use crate::reconcile::needs::Need;
use crate::reconcile::plan::{ConflictKind, Field, FieldValue, MatchedBy, PlanItem};
use crate::tui::app::{App, Review};
use crate::tui::text::{fit, sanitize, truncate};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Cells of the label column.
pub(super) const LABEL: usize = 11;
/// From this width of the detail the fields show the directory and ftrack side by side.
const TWO_COLUMNS: u16 = 110;
/// The fields in the order they are shown.
const FIELDS: [Field; 5] = [
    Field::Username,
    Field::FirstName,
    Field::LastName,
    Field::Email,
    Field::IsActive,
];

/// A field label, padded to the label column.
pub(super) fn label(text: &str, theme: &Theme) -> Span<'static> {
    Span::styled(format!("{text:<LABEL$}"), theme.title)
}

fn value(v: &Option<FieldValue>) -> String {
    match v {
        None => "(none)".into(),
        Some(FieldValue::Text(t)) if t.is_empty() => "(empty)".into(),
        Some(FieldValue::Text(t)) => sanitize(t).into_owned(),
        Some(FieldValue::Flag(true)) => "active".into(),
        Some(FieldValue::Flag(false)) => "inactive".into(),
    }
}

fn current(
    field: Field,
    ftrack: Option<&FtrackUser>,
    entry: Option<&DirectoryUser>,
) -> Option<FieldValue> {
    if let Some(u) = ftrack {
        return Some(match field {
            Field::Username => FieldValue::Text(u.username.to_string()),
            Field::FirstName => FieldValue::Text(u.first_name.clone()),
            Field::LastName => FieldValue::Text(u.last_name.clone()),
            Field::Email => return u.email.clone().map(FieldValue::Text),
            Field::IsActive => FieldValue::Flag(u.is_active),
        });
    }
    let e = entry?;
    match field {
        Field::Username => e.username.as_ref().map(|u| FieldValue::Text(u.to_string())),
        Field::FirstName => e.first_name.clone().map(FieldValue::Text),
        Field::LastName => e.last_name.clone().map(FieldValue::Text),
        Field::Email => e.email.clone().map(FieldValue::Text),
        Field::IsActive => Some(FieldValue::Flag(e.active)),
    }
}

fn kind_words(kind: ConflictKind) -> &'static str {
    match kind {
        ConflictKind::DuplicateUsername => "two directory entries map to the same username",
        ConflictKind::CaseOnlyDifference => "usernames differ only in letter case",
        ConflictKind::UsernameTaken => {
            "the username belongs to an ftrack user linked to another entry"
        }
        ConflictKind::EmailTaken => "the email is already used by another user",
        ConflictKind::MissingValue => "a required value (username, email) is missing",
        ConflictKind::InvalidValue => "a value is present but unusable",
        ConflictKind::DuplicateIdentity => "two directory entries share one stable identity",
        ConflictKind::RoleRule => "a role rule for the user's groups cannot be used",
    }
}

/// Where a field's directory value comes from: the attribute and mapping rule, or the
/// admin's rename.
fn source_of(
    field: Field,
    session: &crate::tui::app::Session,
    entry: Option<&DirectoryUser>,
    decision: Option<&Decision>,
) -> String {
    let mapping = &session.mapping;
    match field {
        Field::Username if matches!(decision, Some(Decision::Rename { .. })) => format!(
            "your rename ({} gives {})",
            mapping.username,
            entry
                .and_then(|e| e.username.as_deref())
                .map_or_else(|| "nothing".to_string(), |u| sanitize(u).into_owned())
        ),
        Field::Username => mapping.username.to_string(),
        Field::Email => mapping.email.to_string(),
        Field::FirstName => format!(
            "{} (else {} split)",
            mapping.first_name, mapping.display_name
        ),
        Field::LastName => format!(
            "{} (else {} split)",
            mapping.last_name, mapping.display_name
        ),
        Field::IsActive => format!("account status: {}", mapping.active),
    }
}

/// `  <- attribute` after a field, when there is a directory entry to have read it from.
fn source_span(
    review: &Review,
    field: Field,
    entry: Option<&DirectoryUser>,
    decision: Option<&Decision>,
    theme: &Theme,
) -> Option<Span<'static>> {
    entry.map(|_| {
        Span::styled(
            format!(
                "  <- {}",
                source_of(field, &review.session, entry, decision)
            ),
            theme.dim,
        )
    })
}

/// The fields in two columns, the directory's value beside ftrack's (changed ones marked).
fn field_table(
    review: &Review,
    item: &PlanItem,
    (entry, ftrack): (Option<&DirectoryUser>, Option<&FtrackUser>),
    decision: Option<&Decision>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    const WIDTH: usize = 34;
    let mut out = vec![Line::from(Span::styled(
        format!(
            "{:<LABEL$}  {:<WIDTH$}  {:<WIDTH$}",
            "field", "directory", "ftrack now"
        ),
        theme.dim,
    ))];
    for field in FIELDS {
        let change = item.changes.iter().find(|c| c.field == field);
        let (directory, now) = match change {
            Some(c) => (value(&c.to), value(&c.from)),
            None => {
                let directory = match entry {
                    Some(e) => value(&current(field, None, Some(e))),
                    None => "(no entry)".to_string(),
                };
                let now = match ftrack {
                    Some(u) => value(&current(field, Some(u), None)),
                    None => "(no user)".to_string(),
                };
                (directory, now)
            }
        };
        let (mark, dir_style, now_style) = if change.is_some() {
            ("≠ ", theme.added, theme.removed)
        } else {
            ("  ", theme.text, theme.dim)
        };
        let mut line = vec![
            label(field.name(), theme),
            Span::styled(mark, theme.warn),
            Span::styled(fit(&directory, WIDTH), dir_style),
            Span::raw("  "),
            Span::styled(fit(&now, WIDTH), now_style),
        ];
        line.extend(source_span(review, field, entry, decision, theme));
        out.push(Line::from(line));
    }
    out
}

/// The fields one per line: `old -> new` where they change.
fn field_changes(
    review: &Review,
    item: &PlanItem,
    (entry, ftrack): (Option<&DirectoryUser>, Option<&FtrackUser>),
    decision: Option<&Decision>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        "field      ftrack -> directory",
        theme.dim,
    ))];
    for field in FIELDS {
        let name = label(field.name(), theme);
        let mut line = match item.changes.iter().find(|c| c.field == field) {
            Some(change) => vec![
                name,
                Span::styled(value(&change.from), theme.removed),
                Span::raw(" -> "),
                Span::styled(value(&change.to), theme.added),
            ],
            None => vec![
                name,
                Span::styled(value(&current(field, ftrack, entry)), theme.dim),
            ],
        };
        line.extend(source_span(review, field, entry, decision, theme));
        out.push(Line::from(line));
    }
    out
}

/// The item's decision in words.
fn decision_words(app: &App, item: &PlanItem, decision: Option<&Decision>) -> String {
    match decision {
        None if item.action == crate::reconcile::Action::Conflict => {
            "pending: resolve it (Enter: link, rename, ignore or skip)".to_string()
        }
        None if crate::tui::app::needs_decision(item.action) => {
            "pending (y approve, n skip)".to_string()
        }
        None => "none needed".to_string(),
        Some(Decision::Approve) => "approved".into(),
        Some(Decision::Skip) => "skipped this time".into(),
        Some(Decision::Ignore) => "ignored (standing)".into(),
        Some(Decision::Link { ftrack_id }) => format!(
            "linked to ftrack user {} (standing)",
            sanitize(&app.ftrack_username(ftrack_id))
        ),
        Some(Decision::Rename { username }) => {
            format!("renamed to {} (standing)", sanitize(username))
        }
        Some(Decision::DeactivateNow) => {
            "deactivate now, without waiting for the grace period".into()
        }
    }
}

/// The directory entry and the ftrack user the item pairs, and how they were paired.
fn sides(item: &PlanItem, decision: Option<&Decision>, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(d) = &item.directory {
        out.push(Line::from(vec![
            label("DN", theme),
            Span::raw(sanitize(&d.dn).into_owned()),
        ]));
        out.push(Line::from(vec![
            label("dir id", theme),
            Span::raw(sanitize(&d.id).into_owned()),
        ]));
    } else {
        out.push(Line::from(vec![
            label("directory", theme),
            Span::styled("no entry", theme.warn),
        ]));
    }
    let matched = match (item.matched_by, decision) {
        (Some(MatchedBy::Link), Some(Decision::Link { .. })) => ", linked by you (standing)",
        (Some(MatchedBy::Link), _) => ", matched by a recorded link",
        (Some(MatchedBy::Username), _) => ", matched by username",
        (None, _) => "",
    };
    match &item.ftrack {
        Some(f) => out.push(Line::from(vec![
            label("ftrack", theme),
            Span::raw(format!(
                "{} (id {}){matched}",
                sanitize(&f.username),
                sanitize(&f.id)
            )),
        ])),
        None => out.push(Line::from(vec![
            label("ftrack", theme),
            Span::styled("no user yet", theme.dim),
        ])),
    }
    out
}

/// The countdown of a pending item ("1d 17h and 2 more runs left; D deactivates now"), or
/// how a deactivated one got there.
fn grace_words(action: crate::reconcile::Action, grace: &GraceState) -> String {
    let since = grace.since_words();
    if action == crate::reconcile::Action::Pending {
        format!("{since}; {} left (D deactivates now)", grace.left_words())
    } else if grace.is_over() {
        format!("{since}; the grace period is over")
    } else {
        format!("{since}; cut short with {} left", grace.left_words())
    }
}

/// Why the item is what it is: the planner's reason, the account status, unreadable values
/// and the conflict with its candidates and other entries.
fn explain_lines(
    item: &PlanItem,
    entry: Option<&DirectoryUser>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut explain: Vec<Line<'static>> = Vec::new();
    if let Some(reason) = &item.reason {
        explain.push(Line::from(vec![
            label("why", theme),
            Span::styled(sanitize(reason).into_owned(), theme.warn),
        ]));
    }
    if let Some(grace) = &item.grace {
        explain.push(Line::from(vec![
            label("grace", theme),
            Span::raw(grace_words(item.action, grace)),
        ]));
    }
    if let Some(e) = entry {
        if let Some(reason) = &e.disabled_reason {
            explain.push(Line::from(vec![
                label("disabled", theme),
                Span::raw(sanitize(reason).into_owned()),
            ]));
        }
        for problem in &e.problems {
            explain.push(Line::from(vec![
                label("problem", theme),
                Span::styled(sanitize(problem).into_owned(), theme.error),
            ]));
        }
    }
    if let Some(conflict) = &item.conflict {
        explain.push(Line::from(vec![
            label("conflict", theme),
            Span::styled(kind_words(conflict.kind), theme.error),
        ]));
        for c in &conflict.candidates {
            explain.push(Line::from(vec![
                label("", theme),
                Span::raw(format!(
                    "ftrack {} <{}>{}",
                    sanitize(&c.username),
                    sanitize(c.email.as_deref().unwrap_or("no email")),
                    if c.is_active { "" } else { " (inactive)" }
                )),
            ]));
        }
        for dn in &conflict.other_entries {
            explain.push(Line::from(vec![
                label("", theme),
                Span::raw(format!("entry {}", sanitize(dn))),
            ]));
        }
    }
    explain
}

/// The detail lines of one plan item.
/// `width` is the detail's own width: from [`TWO_COLUMNS`] the fields are a two-column table.
pub fn lines(
    app: &App,
    index: usize,
    conflict_first: bool,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let item: &PlanItem = &review.plan.items[index];
    let entry = item
        .directory
        .as_ref()
        .and_then(|d| review.dir_index.get(&d.id))
        .map(|&i| &review.session.directory.users[i]);
    let ftrack = item
        .ftrack
        .as_ref()
        .and_then(|f| review.ftrack_index.get(&f.id))
        .map(|&i| &review.session.ftrack.users[i]);
    let decision = review.keys[index]
        .as_ref()
        .and_then(|k| app.decisions.decisions.get(k));
    let mut out = title_lines(app, item, decision, theme);
    out.extend(sides(item, decision, theme));
    if width >= TWO_COLUMNS {
        out.extend(field_table(review, item, (entry, ftrack), decision, theme));
    } else {
        out.extend(field_changes(
            review,
            item,
            (entry, ftrack),
            decision,
            theme,
        ));
    }
    out.extend(groups_line(review, item, ftrack, theme));
    let held = ftrack.map_or(&[][..], |u| u.roles.as_slice());
    // Inside the box's borders.
    let cells = usize::from(width.saturating_sub(2));
    out.extend(super::roles::lines(item, held, cells, theme));
    out.extend(super::custom::lines(item, theme));
    out.extend(need_lines(app, item, theme));
    let explain = explain_lines(item, entry, theme);
    if conflict_first {
        // The title, then why, then the rest.
        let rest = out.split_off(1);
        out.extend(explain);
        out.extend(rest);
    } else {
        out.extend(explain);
    }
    out
}

/// The item's action, name and username, then the admin's decision on it.
fn title_lines(
    app: &App,
    item: &PlanItem,
    decision: Option<&Decision>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let decision_text = decision_words(app, item, decision);
    vec![
        Line::from(vec![
            Span::styled(
                format!("{} {} ", item.action.marker(), item.action.name()),
                theme.action(item.action),
            ),
            Span::styled(sanitize(&item.name).into_owned(), theme.title),
            Span::raw(format!(" ({})", sanitize(&item.username))),
        ]),
        Line::from(vec![
            label("decision", theme),
            Span::raw(format!("{} {decision_text}", decision_mark(item, decision))),
        ]),
    ]
}

/// The groups the item adds and removes, with where they come from; else the ftrack user's
/// groups; else nothing.
fn groups_line(
    review: &Review,
    item: &PlanItem,
    ftrack: Option<&FtrackUser>,
    theme: &Theme,
) -> Option<Line<'static>> {
    if !item.groups.is_empty() {
        let mut spans = vec![label("groups", theme)];
        let from = if review.session.group_search {
            format!(
                "<- {} and the group search, nested",
                review.session.mapping.groups
            )
        } else {
            format!("<- {}", review.session.mapping.groups)
        };
        for g in &item.groups.add {
            spans.push(Span::styled(format!("+ {}  ", sanitize(g)), theme.added));
        }
        for g in &item.groups.remove {
            spans.push(Span::styled(format!("- {}  ", sanitize(g)), theme.removed));
        }
        spans.push(Span::styled(from, theme.dim));
        return Some(Line::from(spans));
    }
    let user = ftrack.filter(|u| !u.groups.is_empty())?;
    Some(Line::from(vec![
        label("groups", theme),
        Span::styled(sanitize(&user.groups.join(", ")).into_owned(), theme.dim),
    ]))
}

/// What the item needs from other rows, with where each stands.
fn need_lines(app: &App, item: &PlanItem, theme: &Theme) -> Vec<Line<'static>> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    item.needs
        .iter()
        .map(|need| {
            let state = match need {
                Need::Rename { key, .. } => match app.decisions.decisions.get(key) {
                    _ if review.index_of(key).is_none() => " (not in this plan)",
                    Some(Decision::Skip) => " (skipped: this row is held back)",
                    Some(Decision::Approve | Decision::Link { .. } | Decision::Rename { .. }) => {
                        " (approved)"
                    }
                    _ => " (pending: a commit of this row brings it along)",
                },
                Need::Group { .. } => "",
            };
            Line::from(vec![
                label("needs", theme),
                Span::styled(sanitize(&format!("{need}{state}")).into_owned(), theme.warn),
            ])
        })
        .collect()
}

fn block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme.title))
}

/// The pane beside the list (120 columns and wider).
pub fn pane(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(index) = app.review.as_ref().and_then(|r| r.current()) else {
        frame.render_widget(block(" detail ".into(), theme), area);
        return;
    };
    let title = format!(" {} ", truncate("detail", area.width as usize));
    frame.render_widget(
        Paragraph::new(lines(app, index, false, area.width, theme))
            .block(block(title, theme))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The full-screen detail (Enter), scrolled.
pub fn full(frame: &mut Frame, area: Rect, app: &App, scroll: u16, theme: &Theme) {
    let Some(index) = app.review.as_ref().and_then(|r| r.current()) else {
        return;
    };
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(
        Paragraph::new(lines(app, index, false, area.width, theme))
            .block(block(" detail · Esc closes ".into(), theme))
            .style(Style::default())
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}
