//! The plan's warnings in the console: the header's indicator (present only when the plan has
//! warnings, the incomplete read named first), the `!` list in full, the commit summary's
//! reminder of what they hold back, and the keys that open, scroll and close the list.

use super::render::{draw, pressing, text, texts_in_both_themes};
use super::*;
use crate::tui::app::{Overlay, WarningKind};
use crate::tui::view;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// The sizes the warnings are checked at: the baseline and a wide terminal.
const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

const TLS: &str = "TLS certificate verification is off (tls_verify = false): anyone between this host and ldap.studio.example can read and change what the directory says";
const GROUP_SEARCH: &str = "incomplete directory read: the group search under ou=teams,dc=studio,dc=example found no groups";

/// The small studio, read incompletely (the group search found nothing under its base), with
/// a managed group, `cn=gone`, that the read did not find, and TLS verification off.
pub(crate) fn warned_session() -> Session {
    let mut session = session();
    let directory = &mut session.directory;
    directory.complete = false;
    directory.incomplete = vec![GROUP_SEARCH.into()];
    directory.warnings = vec![TLS.into(), GROUP_SEARCH.into()];
    directory.groups_found = Some(Vec::new());
    session.policy.managed_groups.insert(
        "cn=gone,ou=groups,dc=studio,dc=example".into(),
        "Lighting".into(),
    );
    session.group_search = true;
    session
}

fn warned() -> App {
    loaded_with(warned_session(), Decisions::default())
}

/// Snapshots a view of the warned studio at both sizes, the same text in colour and in
/// monochrome.
fn snapshot_warned(name: &str, setup: impl Fn(&mut App)) {
    for (width, height) in SIZES {
        let texts = texts_in_both_themes(name, (width, height), warned, &setup);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), texts[0]);
    }
}

/// The text inside the box titled `title`, its lines joined by single spaces, so that
/// wrapped sentences read whole.
fn box_text(buffer: &Buffer, title: &str) -> String {
    let area = buffer.area;
    let symbol = |x: u16, y: u16| buffer[(x, y)].symbol().to_string();
    let starts_title = |x: u16, y: u16| {
        symbol(x, y) == "┌"
            && (1..=title.len() as u16 + 1)
                .map(|dx| symbol(x + dx, y))
                .collect::<String>()
                == format!(" {title}")
    };
    let (left, top) = (0..area.height)
        .flat_map(|y| (0..area.width.saturating_sub(title.len() as u16 + 2)).map(move |x| (x, y)))
        .find(|&(x, y)| starts_title(x, y))
        .unwrap_or_else(|| panic!("no box titled {title}"));
    let right = (left + 1..area.width)
        .find(|&x| symbol(x, top) == "┐")
        .expect("the box's top right corner");
    let mut lines = Vec::new();
    for y in top + 1..area.height {
        if symbol(left, y) == "└" {
            break;
        }
        let line: String = (left + 1..right).map(|x| symbol(x, y)).collect();
        lines.push(line.trim().to_string());
    }
    lines.retain(|l| !l.is_empty());
    lines.join(" ")
}

#[test]
fn the_plan_ranks_the_incomplete_read_first() {
    let app = warned();
    let review = app.review.as_ref().unwrap();
    let kinds: Vec<WarningKind> = review.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [
            WarningKind::IncompleteRead,
            WarningKind::IncompleteRead,
            WarningKind::MissingGroups,
            WarningKind::Other,
        ]
    );
    assert_eq!(review.warnings.len(), review.plan.warnings.len());
}

#[test]
fn the_header_names_how_many_warnings_and_the_incomplete_read_first() {
    snapshot_warned("warnings_indicator", |_| {});
    for (width, height) in SIZES {
        let mut app = warned();
        let screen = text(&draw(&mut app, width, height));
        let first = screen.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(" ! 4 warnings (!) · incomplete")
                && first.contains("read: nobody missing from it is deactivated")
                && !first.contains('…'),
            "{first}"
        );
        // Where there is room, what it holds back in full.
        assert_eq!(
            first.contains("no membership removed"),
            width >= 120,
            "{first}"
        );
        // The rest of the header is still there: every tab, the server and the scope.
        assert!(
            screen.contains("7.Skipped") && screen.contains("ftrack studio.ftrackapp.com"),
            "{screen}"
        );
    }
}

#[test]
fn without_warnings_there_is_no_indicator_and_bang_says_so() {
    for (width, height) in SIZES {
        let mut app = loaded();
        let screen = text(&draw(&mut app, width, height));
        assert!(!screen.contains("warning"), "{screen}");
        assert!(screen.lines().next().unwrap().starts_with(" 1+Create"));
    }
    let mut app = loaded();
    press(&mut app, KeyCode::Char('!'));
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(note(&app), "the plan has no warnings");
}

#[test]
fn the_indicator_stays_readable_and_distinct_in_monochrome() {
    let mut app = warned();
    app.monochrome = true;
    let buffer = draw(&mut app, 80, 24);
    for x in 0..20 {
        let cell = &buffer[(x, 0)];
        assert!(
            cell.modifier.contains(Modifier::BOLD),
            "cell {x} is not bold"
        );
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
}

#[test]
fn bang_lists_every_warning_in_full() {
    snapshot_warned("warnings_list", pressing(&[KeyCode::Char('!')]));
    for (width, height) in SIZES {
        let mut app = warned();
        press(&mut app, KeyCode::Char('!'));
        let shown = box_text(&draw(&mut app, width, height), "Warnings (4)");
        // Wrapped, not cut: every warning reads whole, those that hold changes back first.
        let review = app.review.as_ref().unwrap();
        let mut last = 0;
        for warning in &review.warnings {
            let at = shown
                .find(&warning.text)
                .unwrap_or_else(|| panic!("{:?} missing at {width}:\n{shown}", warning.text));
            assert!(at >= last, "out of order at {width}:\n{shown}");
            last = at;
        }
        let held = shown.find("Held back this run").unwrap();
        let other = shown.find("Also to know").unwrap();
        assert!(held < shown.find(TLS).unwrap() && other < shown.find(TLS).unwrap());
        assert!(shown.find(GROUP_SEARCH).unwrap() < other, "{shown}");
    }
}

#[test]
fn the_list_closes_with_esc_q_and_bang_and_ctrl_c_asks_to_quit() {
    for key in [KeyCode::Esc, KeyCode::Char('q'), KeyCode::Char('!')] {
        let mut app = warned();
        press(&mut app, KeyCode::Char('!'));
        assert!(matches!(app.overlay, Overlay::Warnings { scroll: 0 }));
        assert_eq!(app.context(), crate::tui::action::Context::Warnings);
        press(&mut app, key);
        assert!(matches!(app.overlay, Overlay::None), "{key:?}");
        assert!(!app.should_quit());
    }
    let mut app = warned();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('!'));
    ctrl(&mut app, 'c');
    assert!(matches!(app.overlay, Overlay::QuitConfirm));
    // Keys of the list do nothing while the warnings are open.
    let mut app = warned();
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.review.as_ref().unwrap().counts.approved, 0);
}

/// The warned studio with `n` more warnings from the reader, so that the list is longer
/// than the screen.
fn many_warnings(n: usize) -> App {
    let mut session = warned_session();
    session
        .directory
        .warnings
        .extend((0..n).map(|i| format!("referral {i} to ldap{i}.elsewhere.example was not followed: entries under it were not read")));
    loaded_with(session, Decisions::default())
}

#[test]
fn a_long_list_scrolls_to_its_last_line_and_no_further() {
    let mut app = many_warnings(30);
    draw(&mut app, 80, 24);
    press(&mut app, KeyCode::Char('!'));
    let limit = view::warnings_scroll_limit(&app);
    assert!(limit > 0);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(!screen.contains("referral 29 "), "{screen}");
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.overlay, Overlay::Warnings { scroll: 1 }));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('k'));
    assert!(matches!(app.overlay, Overlay::Warnings { scroll: 0 }));
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
    }
    assert!(matches!(app.overlay, Overlay::Warnings { scroll } if scroll == limit));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("referral 29 "), "{screen}");
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(app.overlay, Overlay::Warnings { scroll } if scroll < limit));
}

#[test]
fn the_commit_summary_says_what_the_warnings_hold_back() {
    snapshot_warned("warnings_commit", |app| {
        press(app, KeyCode::Char('Y'));
        press(app, KeyCode::Char('y'));
        press(app, KeyCode::Char('c'));
    });
    for (width, height) in SIZES {
        let mut app = warned();
        press(&mut app, KeyCode::Char('y'));
        press(&mut app, KeyCode::Char('c'));
        let shown = box_text(&draw(&mut app, width, height), "Commit");
        for words in [
            "! The directory read was incomplete: nobody missing from it is deactivated and no managed group membership is removed.",
            "! Managed group not found in the directory: nobody is removed from ftrack group \"Lighting\".",
            "4 warnings in all: Esc, then ! lists them",
            "Enter apply",
        ] {
            assert!(shown.contains(words), "{words} at {width}:\n{shown}");
        }
    }
    // Without warnings the summary says nothing of them.
    let mut app = loaded();
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('c'));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(!screen.contains("warning"), "{screen}");
}

#[test]
fn while_a_commit_runs_and_after_it_the_title_keeps_the_warnings() {
    use crate::apply::engine::{Applied, Ending};
    use crate::apply::outcome::{Outcome, RunInfo};
    let mut app = warned();
    approve_view_and_commit(&mut app);
    let screen = text(&draw(&mut app, 80, 24));
    let title = screen.lines().next().unwrap_or_default();
    // `!` does nothing while the apply runs: the title does not offer it.
    assert!(
        title.starts_with(" ldap2ftrack · applying  ! 4 warnings · incomplete read"),
        "{title}"
    );
    let created = finished(&app, "evil", ItemStatus::Applied);
    let outcome = Outcome::new(RunInfo::default(), vec![created]);
    let ending = Ending::Finished;
    send(
        &mut app,
        Msg::Applied(Box::new(Applied { outcome, ending })),
    );
    let screen = text(&draw(&mut app, 80, 24));
    let title = screen.lines().next().unwrap_or_default();
    assert!(
        title.starts_with(" ldap2ftrack · results  ! 4 warnings (!) · incomplete read"),
        "{title}"
    );
    press(&mut app, KeyCode::Char('!'));
    assert!(matches!(app.overlay, Overlay::Warnings { .. }));
    let shown = box_text(&draw(&mut app, 80, 24), "Warnings (4)");
    assert!(shown.contains(TLS), "{shown}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), crate::tui::action::Context::Results);
}

#[test]
fn a_missing_group_alone_is_named_with_its_ftrack_group_and_held_back_in_the_commit() {
    let mut session = warned_session();
    session.directory.complete = true;
    session.directory.incomplete.clear();
    session.directory.warnings.clear();
    let mut app = loaded_with(session, Decisions::default());
    let screen = text(&draw(&mut app, 80, 24));
    let first = screen.lines().next().unwrap_or_default();
    // The ftrack group's name fits at 80 columns.
    assert_eq!(
        first.trim_end(),
        " ! 1 warning (!) · managed group missing: nobody leaves ftrack group \"Lighting\""
    );
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('c'));
    let shown = box_text(&draw(&mut app, 80, 24), "Commit");
    assert!(!shown.contains("incomplete"), "{shown}");
    assert!(
        shown.contains("nobody is removed from ftrack group \"Lighting\"."),
        "{shown}"
    );
    assert!(shown.contains("1 warning in all"), "{shown}");
}

#[test]
fn a_warning_that_holds_nothing_back_is_listed_but_not_in_the_commit_reminder() {
    let mut session = session();
    session.directory.warnings = vec![TLS.into()];
    let mut app = loaded_with(session, Decisions::default());
    let screen = text(&draw(&mut app, 200, 50));
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .starts_with(&format!(" ! 1 warning (!) · {TLS}")),
        "{screen}"
    );
    press(&mut app, KeyCode::Char('!'));
    let shown = box_text(&draw(&mut app, 80, 24), "Warnings (1)");
    assert_eq!(shown, format!("Also to know ! {TLS}"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('c'));
    let shown = box_text(&draw(&mut app, 80, 24), "Commit");
    assert!(!shown.contains("nobody"), "{shown}");
    assert!(
        shown.contains("1 warning in all: Esc, then ! lists them"),
        "{shown}"
    );
}

#[test]
fn a_list_scrolled_on_a_small_terminal_shows_its_last_lines_once_the_terminal_grows() {
    let mut app = many_warnings(30);
    draw(&mut app, 80, 24);
    press(&mut app, KeyCode::Char('!'));
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
    }
    let shown = box_text(&draw(&mut app, 200, 50), "Warnings (34)");
    assert!(shown.contains("referral 29 "), "{shown}");
    assert!(shown.contains("Also to know"), "{shown}");
}
