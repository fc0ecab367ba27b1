//! Moving around: the cursor, the buckets (on the board, its columns), the board itself, and
//! the list following the terminal's size.

use super::fail;
use crate::tui::action::Action;
use crate::tui::app::bucket::{self, Direction};
use crate::tui::app::{App, Bucket};
use crate::tui::board;

/// The terminal has a new size.
pub(super) fn resized(app: &mut App, width: u16, height: u16) {
    app.size = (width, height);
    relane(app);
}

/// Moves the cursor by a row, a page, or to either end.
pub(super) fn move_cursor(app: &mut App, action: Action) {
    let page = app.list_height().max(1);
    let Some(review) = &mut app.review else {
        return;
    };
    let last = review.view.len().saturating_sub(1);
    review.cursor = match action {
        Action::Up => review.cursor.saturating_sub(1),
        Action::Down => (review.cursor + 1).min(last),
        Action::PageUp => review.cursor.saturating_sub(page),
        Action::PageDown => (review.cursor + page).min(last),
        Action::Top => 0,
        _ => last,
    };
    app.scroll_list_to_cursor();
}

/// Focuses a bucket (on the board, its column): its rows, where its cursor was left.
pub(super) fn show_bucket(app: &mut App, bucket: Bucket) {
    let lane = app.lane_for(bucket);
    let Some(review) = &mut app.review else {
        return;
    };
    review
        .spots
        .insert(review.bucket, (review.cursor, review.offset));
    review.bucket = lane[0];
    review.lane = lane;
    let (cursor, offset) = review.spots.get(&review.bucket).copied().unwrap_or((0, 0));
    review.view.clear();
    review.rebuild_view();
    review.cursor = cursor.min(review.view.len().saturating_sub(1));
    review.offset = offset;
    app.scroll_list_to_cursor();
}

/// The next or previous bucket; on the board, the next or previous column.
pub(super) fn next_bucket(app: &mut App, direction: Direction) {
    let Some(focused) = app.review.as_ref().map(|r| r.bucket) else {
        return;
    };
    let next = match app.board_columns() {
        Some(columns) => {
            let at = board::column_of(&columns, focused).unwrap_or(0);
            bucket::cycle(&columns, at, direction).map_or(focused, |column| column[0])
        }
        None => bucket::neighbour(
            focused,
            direction,
            app.review.as_ref().is_some_and(|r| r.has_grace()),
        ),
    };
    show_bucket(app, next);
}

/// `b`: the board on or off, where it fits.
pub(super) fn toggle_board(app: &mut App) {
    let width = app.size.0;
    if width < board::MIN_WIDTH {
        fail(
            app,
            format!(
                "the board needs {} columns; this terminal has {width}",
                board::MIN_WIDTH
            ),
        );
        return;
    }
    let on = app.board_columns().is_some();
    app.board = Some(!on);
    if !on && app.board_columns().is_none() {
        // Focused on Unchanged or Skipped: the board opens on Create.
        show_bucket(app, Bucket::Create);
    }
    relane(app);
}

/// After the screen changed (size, board): the list shows the focused bucket's lane, the
/// cursor on the same item where it can be.
fn relane(app: &mut App) {
    let Some(bucket) = app.review.as_ref().map(|r| r.bucket) else {
        return;
    };
    let lane = app.lane_for(bucket);
    if let Some(review) = &mut app.review
        && review.lane != lane
    {
        review.lane = lane;
        review.rebuild_view();
    }
    app.scroll_list_to_cursor();
}
