//! Pure render functions: every view draws from `&App` and nothing else.

mod bars;
mod board;
mod commit;
mod conflict;
mod custom;
mod detail;
mod header;
mod help;
pub(crate) mod list;
mod loading;
mod modal;
mod progress;
mod results;
mod roles;
mod small;
mod warnings;

use super::app::{App, Overlay, Screen};
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Clear};

/// Below this the console shows a message instead of a screen.
pub const MIN_WIDTH: u16 = 60;
/// Below this the console shows a message instead of a screen.
pub const MIN_HEIGHT: u16 = 16;
/// From this width the detail pane sits beside the list.
pub const SIDE_BY_SIDE: u16 = 120;

/// The parts of the screen.
struct Areas {
    banner: Rect,
    header: Rect,
    filter: Rect,
    body: Rect,
    status: Rect,
    hint: Rect,
}

fn filter_shown(app: &App) -> bool {
    matches!(app.screen, Screen::Review)
        && (matches!(app.overlay, Overlay::Filter(_))
            || app.review.as_ref().is_some_and(|r| !r.filter.is_empty()))
}

fn areas(app: &App, area: Rect) -> Areas {
    let banner = u16::from(app.demo);
    let filter = u16::from(filter_shown(app));
    let [banner, header, filter, body, status, hint] = Layout::vertical([
        Constraint::Length(banner),
        Constraint::Length(header::height(app, area.width)),
        Constraint::Length(filter),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        banner,
        header,
        filter,
        body,
        status,
        hint,
    }
}

/// Rows of the list (or of a board column) for the terminal size the app last saw.
pub(crate) fn list_height(app: &App) -> usize {
    let (width, height) = app.size;
    let body = areas(app, Rect::new(0, 0, width, height)).body;
    if app.board_columns().is_some() {
        board::column_height(body)
    } else {
        body.height as usize
    }
}

/// Where dialogs and full-screen boxes go: from the header to the bottom of the body.
fn full_of(parts: &Areas) -> Rect {
    Rect {
        y: parts.header.y,
        height: parts.body.bottom().saturating_sub(parts.header.y),
        ..parts.body
    }
}

/// [`full_of`] the screen for the size the app last saw.
fn full_area(app: &App) -> Rect {
    let (width, height) = app.size;
    full_of(&areas(app, Rect::new(0, 0, width, height)))
}

/// Rows inside a full-screen box (help, detail) for the size the app last saw.
fn box_area(app: &App) -> Rect {
    Block::default().borders(Borders::ALL).inner(full_area(app))
}

/// How far the warnings scroll before their last line is at the bottom of their box.
pub(crate) fn warnings_scroll_limit(app: &App) -> u16 {
    app.review
        .as_ref()
        .map_or(0, |r| warnings::scroll_limit(r, full_area(app)))
}

/// Rows a page of the warnings moves.
pub(crate) fn warnings_page(app: &App) -> u16 {
    app.review
        .as_ref()
        .map_or(1, |r| warnings::page(r, full_area(app)))
}

/// How far the help of a context scrolls before its last line is at the bottom.
pub(crate) fn help_scroll_limit(app: &App, context: crate::tui::action::Context) -> u16 {
    let rows = usize::from(box_area(app).height);
    let lines = crate::tui::action::help_lines(context, false).len();
    u16::try_from(lines.saturating_sub(rows)).unwrap_or(u16::MAX)
}

/// How far the full-screen detail scrolls before its last line is at the bottom.
pub(crate) fn detail_scroll_limit(app: &App) -> u16 {
    let inner = box_area(app);
    let Some(index) = app.review.as_ref().and_then(|r| r.current()) else {
        return 0;
    };
    let theme = Theme::new(app.monochrome);
    let cells = usize::from(inner.width.max(1));
    // Laid out for the box's width, borders included, as `detail::full` draws it.
    let box_width = inner.width.saturating_add(2);
    let lines: usize = detail::lines(app, index, false, box_width, &theme)
        .iter()
        .map(|line| line.width().div_ceil(cells).max(1))
        .sum();
    u16::try_from(lines.saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX)
}

/// Rows a page of a full-screen box moves.
pub(crate) fn box_page(app: &App) -> u16 {
    box_area(app).height.max(1)
}

/// Draws the whole console.
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = Theme::new(app.monochrome);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        small::render(frame, area, &theme);
        return;
    }
    let parts = areas(app, area);
    if app.demo {
        bars::banner(frame, parts.banner, &theme);
    }
    header::render(frame, parts.header, app, &theme);
    match &app.screen {
        Screen::Loading(state) => loading::render(frame, parts.body, state, None, app, &theme),
        Screen::LoadFailed(error) => loading::render(
            frame,
            parts.body,
            &Default::default(),
            Some(error),
            app,
            &theme,
        ),
        Screen::Review => {
            if filter_shown(app) {
                bars::filter(frame, parts.filter, app, &theme);
            }
            review(frame, parts.body, app, &theme);
        }
        Screen::Applying(state) => progress::render(frame, parts.body, state, app, &theme),
        Screen::Results(state) => results::render(frame, parts.body, app, state, &theme),
    }
    let full = full_of(&parts);
    match &app.overlay {
        Overlay::Detail { scroll } => detail::full(frame, full, app, *scroll, &theme),
        Overlay::Help { context, scroll } => help::render(frame, full, *context, *scroll, &theme),
        Overlay::Warnings { scroll } => {
            if let Some(review) = &app.review {
                warnings::render(frame, full, review, *scroll, &theme);
            }
        }
        Overlay::Resolve(dialog) => conflict::render(frame, full, app, dialog, &theme),
        Overlay::Commit(modal) => commit::render(frame, full, app, modal, &theme),
        Overlay::Confirm(question) => modal::confirm(frame, full, app, question, &theme),
        Overlay::Export { path } => modal::export(frame, full, path, &theme),
        Overlay::QuitConfirm => modal::quit(frame, full, app, &theme),
        Overlay::Restore(offer) => modal::restore(frame, full, offer, &theme),
        Overlay::None | Overlay::Filter(_) => {}
    }
    bars::status(frame, parts.status, app, &theme);
    bars::hints(frame, parts.hint, app, &theme);
}

fn review(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    if let Some(columns) = app.board_columns() {
        board::render(frame, area, app, &columns, theme);
        return;
    }
    if area.width >= SIDE_BY_SIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        list::render(frame, left, app, review, theme);
        detail::pane(frame, right, app, theme);
    } else {
        list::render(frame, area, app, review, theme);
    }
}

/// A rectangle of at most `width` x `height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clears an area and draws a bordered box with a title; returns the inside.
fn modal_box(frame: &mut Frame, area: Rect, title: &str, theme: &Theme) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(ratatui::text::Span::styled(
            format!(" {title} "),
            theme.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}
