//! Moving around: the filter, buckets, paging, the detail and the help, the text inputs,
//! and the board.

use super::*;
use crate::reconcile::decision::{Decision, Decisions};
use crate::tui::Msg;
use crate::tui::action::Context;
use crate::tui::app::{App, Bucket, Overlay};
use crossterm::event::KeyCode;

#[test]
fn the_filter_narrows_the_view_and_esc_clears_it() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.context(), Context::Filter);
    // Letters that are keys in the list are typed into the filter.
    typed(&mut app, "YAM");
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.review.as_ref().unwrap().filter, "YA");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::List);
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    // Y on the filtered view covers only the matching rows.
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.decisions().decisions.len(), 1);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.review.as_ref().unwrap().view.len(), 2);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zzz");
    assert!(app.review.as_ref().unwrap().view.is_empty());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.review.as_ref().unwrap().filter, "");
    // The email shown beside a user is searched too.
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "tyamada@studio");
    assert_eq!(app.review.as_ref().unwrap().view.len(), 1);
    press(&mut app, KeyCode::Esc);
}

#[test]
fn buckets_switch_by_number_tab_and_brackets() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(bucket(&app), Bucket::Deactivate);
    assert_eq!(current_username(&app), "gone");
    press(&mut app, KeyCode::Tab);
    assert_eq!(bucket(&app), Bucket::Reactivate);
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(bucket(&app), Bucket::Skip);
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(bucket(&app), Bucket::Create);
    press(&mut app, KeyCode::Char('['));
    assert_eq!(bucket(&app), Bucket::Skip);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(bucket(&app), Bucket::Unchanged);
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(current_username(&app), "zdirector");
}

#[test]
fn moving_pages_and_ends() {
    let mut s = session();
    for n in 0..100 {
        s.directory.users.push(super::entry(
            &format!("d-n{n:03}"),
            &format!("n{n:03}"),
            "N",
            &format!("{n}"),
            Some(&format!("n{n:03}@studio.example")),
        ));
    }
    let mut app = loaded_with(s, Decisions::default());
    let height = app.list_height();
    assert_eq!(
        height, 19,
        "24 rows less three of header (tabs, tabs and active users, server and scope), the status and the hints"
    );
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.review.as_ref().unwrap().cursor, height);
    press(&mut app, KeyCode::Char('G'));
    let review = app.review.as_ref().unwrap();
    assert_eq!(review.cursor, review.view.len() - 1);
    assert_eq!(review.offset, review.view.len() - height);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(
        app.review.as_ref().unwrap().cursor,
        review_len(&app) - 1 - height
    );
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.review.as_ref().unwrap().cursor, 0);
    assert_eq!(app.review.as_ref().unwrap().offset, 0);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.review.as_ref().unwrap().cursor, 1);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.review.as_ref().unwrap().cursor, 0);
    // A smaller terminal pages by fewer rows.
    send(&mut app, Msg::Resize(80, 16));
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.review.as_ref().unwrap().cursor, 11);
}

fn review_len(app: &App) -> usize {
    app.review.as_ref().unwrap().view.len()
}

#[test]
fn enter_opens_the_detail_where_y_and_n_work_and_esc_closes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Detail);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(decision(&app, "d-evil"), Some(Decision::Approve));
    assert_eq!(app.context(), Context::Detail);
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(current_username(&app), "evil");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::List);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.context(), Context::List);
}

#[test]
fn help_is_shown_and_closed() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.overlay, Overlay::Help { scroll: 1, .. }));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::List);
}

#[test]
fn help_and_detail_stop_at_their_end_and_page() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('?'));
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('j'));
    }
    let limit = crate::tui::view::help_scroll_limit(&app, Context::List);
    assert!(limit > 0, "the list's help is longer than 80x24");
    assert!(matches!(app.overlay, Overlay::Help { scroll, .. } if scroll == limit));
    press(&mut app, KeyCode::Char('k'));
    assert!(matches!(app.overlay, Overlay::Help { scroll, .. } if scroll == limit - 1));
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(app.overlay, Overlay::Help { scroll: 0, .. }));
    press(&mut app, KeyCode::Esc);
    // The detail at 60x16 is longer than the screen: PgDn pages to its end and stops.
    send(&mut app, Msg::Resize(60, 16));
    press(&mut app, KeyCode::Enter);
    let limit = crate::tui::view::detail_scroll_limit(&app);
    assert!(limit > 0);
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
    }
    assert!(matches!(app.overlay, Overlay::Detail { scroll } if scroll == limit));
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(app.overlay, Overlay::Detail { scroll } if scroll < limit));
}

#[test]
fn text_inputs_edit_at_the_cursor_and_take_pastes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "tymada");
    for _ in 0..4 {
        press(&mut app, KeyCode::Left);
    }
    typed(&mut app, "a");
    assert_eq!(app.review.as_ref().unwrap().filter, "tyamada");
    ctrl(&mut app, 'a');
    press(&mut app, KeyCode::Delete);
    assert_eq!(app.review.as_ref().unwrap().filter, "yamada");
    ctrl(&mut app, 'e');
    ctrl(&mut app, 'w');
    assert_eq!(app.review.as_ref().unwrap().filter, "");
    send(&mut app, Msg::Paste("jane\n".into()));
    assert_eq!(app.review.as_ref().unwrap().filter, "jane");
    assert_eq!(
        app.review.as_ref().unwrap().view.len(),
        0,
        "no create matches jane"
    );
    // The help lists the editing keys of a text input.
    let help = crate::tui::action::help_lines(Context::Filter, false);
    assert!(
        help.iter()
            .any(|l| l.keys == "Ctrl-w" || l.keys.contains("Ctrl-w")),
        "{help:?}"
    );
}

fn board() -> App {
    let mut app = loaded();
    send(&mut app, Msg::Resize(200, 50));
    assert!(
        app.board_columns().is_some(),
        "the board is on from 160 columns"
    );
    app
}

#[test]
fn on_the_board_each_column_keeps_its_cursor_and_decisions_work_as_in_the_list() {
    let mut app = board();
    assert_eq!(bucket(&app), Bucket::Create);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(current_username(&app), "tyamada");
    press(&mut app, KeyCode::Right);
    assert_eq!(bucket(&app), Bucket::Update);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(decision(&app, "d-jdoe"), Some(Decision::Approve));
    // Back on Create, the cursor is where it was left.
    press(&mut app, KeyCode::Left);
    assert_eq!(bucket(&app), Bucket::Create);
    assert_eq!(current_username(&app), "tyamada");
    // Tab cycles the five columns; Reactivate has one of its own at this width.
    for expected in [
        Bucket::Update,
        Bucket::Conflict,
        Bucket::Deactivate,
        Bucket::Reactivate,
        Bucket::Create,
    ] {
        press(&mut app, KeyCode::Tab);
        assert_eq!(bucket(&app), expected);
    }
    // Unchanged and Skipped are not on the board: they show as a list.
    press(&mut app, KeyCode::Char('6'));
    assert!(app.board_columns().is_none());
    press(&mut app, KeyCode::Char('1'));
    assert!(app.board_columns().is_some());
}

#[test]
fn b_turns_the_board_off_and_on_where_it_fits_and_says_when_it_does_not() {
    let mut app = board();
    press(&mut app, KeyCode::Char('b'));
    assert!(app.board_columns().is_none());
    press(&mut app, KeyCode::Char('b'));
    assert!(app.board_columns().is_some());
    // Narrower than 160: off by default, on with b, Reactivate's rows in Create's column.
    let mut app = loaded();
    send(&mut app, Msg::Resize(130, 40));
    assert!(app.board_columns().is_none());
    press(&mut app, KeyCode::Char('b'));
    let columns = app.board_columns().expect("on with b");
    assert_eq!(columns.len(), 4);
    assert_eq!(
        app.review.as_ref().unwrap().lane,
        [Bucket::Create, Bucket::Reactivate]
    );
    // Too narrow: a note says so.
    let mut app = loaded();
    press(&mut app, KeyCode::Char('b'));
    assert!(app.board_columns().is_none());
    assert!(
        note(&app).contains("the board needs 120 columns"),
        "{}",
        note(&app)
    );
}
