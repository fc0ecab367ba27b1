use super::{
    approve_view_and_commit, ctrl, finished, loaded, loaded_with, press, send, session, typed,
};
use crate::apply::engine::{Applied, ApplyProgress, Ending, Refusal};
use crate::apply::outcome::{ItemStatus, Outcome, RunInfo, SkipCause};
use crate::reconcile::decision::{Decision, Decisions};
use crate::reconcile::plan::Plan;
use crate::tui::app::{App, AppOptions, Overlay, RestoreOffer};
use crate::tui::theme::Theme;
use crate::tui::view::list::list_lines;
use crate::tui::{Msg, Session, render};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::time::Duration;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

pub(super) fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    send(app, Msg::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| render(frame, app)).expect("draw");
    terminal.backend().buffer().clone()
}

pub(super) fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = crate::tui::text::width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

/// No cell holds a control character: directory data never reaches the terminal raw.
pub(super) fn assert_no_control_characters(buffer: &Buffer) {
    for cell in &buffer.content {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character in {:?}",
            cell.symbol()
        );
    }
}

/// The row whose first cell is the cursor marker `>`.
fn selected_row(buffer: &Buffer) -> Option<u16> {
    (0..buffer.area.height).find(|&y| buffer[(0, y)].symbol() == ">")
}

/// Draws a fresh `new_app()` after `setup` at one size, in colour and in monochrome, with no
/// control character on screen; the two texts, which must be the same.
pub(super) fn texts_in_both_themes(
    name: &str,
    (width, height): (u16, u16),
    new_app: impl Fn() -> App,
    setup: impl Fn(&mut App),
) -> [String; 2] {
    let texts = [false, true].map(|monochrome| {
        let mut app = new_app();
        app.monochrome = monochrome;
        setup(&mut app);
        let buffer = draw(&mut app, width, height);
        assert_no_control_characters(&buffer);
        text(&buffer)
    });
    assert_eq!(
        texts[0], texts[1],
        "{name}: colour and monochrome differ in text"
    );
    texts
}

/// Renders in colour and monochrome at both sizes: the text is the same in both themes and is
/// snapshotted once per size.
fn snapshot_views(name: &str, setup: impl Fn(&mut App)) {
    snapshot_views_of(name, session, setup);
}

/// Like [`snapshot_views`], on another session.
pub(super) fn snapshot_views_of(name: &str, session: fn() -> Session, setup: impl Fn(&mut App)) {
    for (width, height) in SIZES {
        let new_app = || loaded_with(session(), Decisions::default());
        let texts = texts_in_both_themes(name, (width, height), new_app, &setup);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), texts[0]);
    }
}

/// Snapshots one view at one size in both themes, the keys pressed at that size.
fn snapshot_at(name: &str, (width, height): (u16, u16), setup: impl Fn(&mut App)) {
    let at_size = |app: &mut App| {
        send(app, Msg::Resize(width, height));
        setup(app);
    };
    let texts = texts_in_both_themes(name, (width, height), loaded, at_size);
    insta::assert_snapshot!(format!("{name}_{width}x{height}"), texts[0]);
}

/// A setup that presses `keys` in order.
pub(super) fn pressing(keys: &'static [KeyCode]) -> impl Fn(&mut App) {
    move |app| {
        for &key in keys {
            press(app, key);
        }
    }
}

/// Sends the end of an apply run: `outcome`, ended by `ending`.
fn send_applied(app: &mut App, outcome: Outcome, ending: Ending) {
    send(app, Msg::Applied(Box::new(Applied { outcome, ending })));
}

#[test]
fn the_board_side_by_side_with_its_drawer() {
    snapshot_at(
        "board",
        (200, 50),
        pressing(&[KeyCode::Char('y'), KeyCode::Right, KeyCode::Right]),
    );
    // Narrower, on request: Reactivate joins Create's column.
    snapshot_at("board", (130, 40), pressing(&[KeyCode::Char('b')]));
}

#[test]
fn list_view() {
    snapshot_views("list", pressing(&[KeyCode::Char('y')]));
}

#[test]
fn list_view_with_filter_marks_and_demo_banner() {
    snapshot_views("list_filtered_demo", |app| {
        app.demo = true;
        press(app, KeyCode::Char('/'));
        typed(app, "a");
        press(app, KeyCode::Enter);
        press(app, KeyCode::Char(' '));
    });
}

#[test]
fn update_bucket_and_its_diff() {
    snapshot_views("update_bucket", pressing(&[KeyCode::Char('2')]));
}

#[test]
fn detail_view() {
    snapshot_views("detail", pressing(&[KeyCode::Enter]));
}

#[test]
fn conflict_dialog() {
    snapshot_views(
        "conflict_dialog",
        pressing(&[KeyCode::Char('3'), KeyCode::Enter]),
    );
}

#[test]
fn link_picker() {
    snapshot_views(
        "link_picker",
        pressing(&[KeyCode::Char('3'), KeyCode::Enter, KeyCode::Char('m')]),
    );
}

#[test]
fn rename_input() {
    snapshot_views("rename", |app| {
        press(app, KeyCode::Char('3'));
        press(app, KeyCode::Char('r'));
        typed(app, "!");
    });
}

#[test]
fn commit_modal_with_deactivations() {
    snapshot_views("commit", |app| {
        press(app, KeyCode::Char('Y'));
        press(app, KeyCode::Char('y'));
        press(app, KeyCode::Char('4'));
        press(app, KeyCode::Char('y'));
        press(app, KeyCode::Char('c'));
        typed(app, "1");
    });
}

#[test]
fn what_a_row_needs_in_the_list_the_detail_the_question_and_the_commit() {
    let freed = super::freed_username_session;
    snapshot_views_of("needs_detail", freed, pressing(&[KeyCode::Enter]));
    snapshot_views_of("needs_question", freed, pressing(&[KeyCode::Char('y')]));
    snapshot_views_of(
        "needs_commit",
        freed,
        pressing(&[
            KeyCode::Char('y'),
            KeyCode::Char('n'),
            KeyCode::Char('k'),
            KeyCode::Char(' '),
            KeyCode::Char('c'),
        ]),
    );
}

#[test]
fn confirm_export_quit_and_help() {
    snapshot_views("confirm", pressing(&[KeyCode::Char('Y')]));
    snapshot_views("export", |app| {
        app.overlay = Overlay::Export {
            path: crate::tui::input::TextInput::new("ldap2ftrack-report-2025-01-31.html"),
        };
    });
    snapshot_views(
        "quit",
        pressing(&[KeyCode::Char('i'), KeyCode::Char('y'), KeyCode::Char('Q')]),
    );
    snapshot_views("restore", |app| {
        let mut decisions = Decisions::default();
        for key in ["a", "b", "c", "d"] {
            decisions.decisions.insert(key.into(), Decision::Approve);
        }
        app.overlay = Overlay::Restore(RestoreOffer {
            decisions,
            saved_at: Some("2026-12-02T03:26:41Z".into()),
        });
    });
    snapshot_views("help", pressing(&[KeyCode::Char('?')]));
}

#[test]
fn progress_and_results() {
    let apply = |app: &mut App| {
        approve_view_and_commit(app);
        send(
            app,
            Msg::ApplyProgress(ApplyProgress {
                done: 3,
                total: 8,
                applied: 1,
                failed: 1,
                eta: Some(Duration::from_secs(75)),
            }),
        );
        let ok = finished(app, "tyamada", ItemStatus::Applied);
        let bad = finished(
            app,
            "evil",
            ItemStatus::Failed {
                error: "server said: \u{1b}[31mno\u{7}".into(),
            },
        );
        send(app, Msg::ItemFinished(ok.clone()));
        send(app, Msg::ItemFinished(bad.clone()));
        (ok, bad)
    };
    snapshot_views("progress", |app| {
        apply(app);
    });
    snapshot_views("results", |app| {
        let (ok, bad) = apply(app);
        let run = RunInfo {
            ftrack: "https://studio.ftrackapp.com".into(),
            ..RunInfo::default()
        };
        send_applied(app, Outcome::new(run, vec![ok, bad]), Ending::Finished);
    });
}

#[test]
fn results_name_stale_users_and_show_a_refusal_in_full() {
    let mut app = loaded();
    approve_view_and_commit(&mut app);
    let stale = finished(
        &app,
        "tyamada",
        ItemStatus::Stale {
            reason: "username tyamada is held by another ftrack user".into(),
        },
    );
    let outcome = Outcome::new(RunInfo::default(), vec![stale.clone()]);
    send_applied(&mut app, outcome, Ending::Finished);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("Stale: ftrack changed since the plan (q plans again) (1)")
            && screen.contains("tyamada  太郎 山田: username tyamada is held by another ftrack"),
        "{screen}"
    );
    assert!(!screen.contains("Every approved change"), "{screen}");

    let reason = "could not read ftrack's groups: ftrack server at https://studio.ftrackapp.com answered HTTP 503 three times; check the server and try again";
    let outcome = Outcome::new(RunInfo::default(), vec![stale]);
    let refusal = Ending::Refused(Refusal::Unavailable(reason.into()));
    send_applied(&mut app, outcome, refusal);
    let screen = text(&draw(&mut app, 80, 24));
    // Wrapped rather than cut: the reason's last words are on screen.
    assert!(
        screen.contains("answered HTTP 503") && screen.contains("server and try again"),
        "{screen}"
    );
    assert_eq!(app.exit_code(), crate::exit::UNAVAILABLE);
}

#[test]
fn loading_and_load_failed() {
    for (width, height) in SIZES {
        let mut app = App::new(AppOptions::default());
        send(
            &mut app,
            Msg::LoadProgress {
                stage: crate::tui::LoadStage::Directory,
                read: 1200,
                pages: 3,
            },
        );
        insta::assert_snapshot!(
            format!("loading_{width}x{height}"),
            text(&draw(&mut app, width, height))
        );
        send(
            &mut app,
            Msg::LoadFailed {
                error: "ldap: invalid credentials for cn=sync\n(bind)".into(),
                code: crate::exit::UNAVAILABLE,
            },
        );
        let buffer = draw(&mut app, width, height);
        assert_no_control_characters(&buffer);
        insta::assert_snapshot!(format!("load_failed_{width}x{height}"), text(&buffer));
    }
}

#[test]
fn too_small_terminals_get_a_message() {
    let mut app = loaded();
    let buffer = draw(&mut app, 50, 12);
    let shown = text(&buffer);
    assert!(shown.contains("Terminal too small"));
    insta::assert_snapshot!("too_small_50x12", shown);
    let buffer = draw(&mut app, 60, 16);
    assert!(!text(&buffer).contains("too small"));
}

#[test]
fn the_selected_row_is_visible_in_both_themes() {
    for monochrome in [false, true] {
        let mut app = loaded_with(session(), Decisions::default());
        app.monochrome = monochrome;
        let buffer = draw(&mut app, 80, 24);
        let row = selected_row(&buffer).expect("a selected row");
        let other = row + 1;
        for x in [0, 10, 79] {
            let cell = &buffer[(x, row)];
            let plain = &buffer[(x, other)];
            if monochrome {
                assert!(cell.modifier.contains(Modifier::REVERSED | Modifier::BOLD));
                assert!(!plain.modifier.contains(Modifier::REVERSED));
                assert_eq!(cell.fg, Color::Reset);
                assert_eq!(cell.bg, Color::Reset);
            } else {
                assert_eq!(cell.bg, Color::Blue);
                assert_ne!(plain.bg, Color::Blue);
            }
        }
        // No colour at all in monochrome.
        if monochrome {
            assert!(
                buffer
                    .content
                    .iter()
                    .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
            );
        }
    }
}

#[test]
fn wide_names_are_cut_by_display_width() {
    let mut s = session();
    s.directory.users[0].first_name =
        Some("山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田".into());
    s.directory.users[0].last_name = Some("👩‍👩‍👧‍👦🎬".into());
    let mut app = loaded_with(s, Decisions::default());
    press(&mut app, KeyCode::Char('j'));
    for (width, height) in SIZES {
        let buffer = draw(&mut app, width, height);
        let shown = text(&buffer);
        let line = shown
            .lines()
            .find(|l| l.contains("山田太郎"))
            .expect("the CJK row");
        assert!(line.contains('…'), "{line}");
        assert_no_control_characters(&buffer);
        for l in shown.lines() {
            assert!(crate::tui::text::width(l) <= width as usize + 2, "{l}");
        }
    }
}

/// A plan of `n` creates.
fn big_plan(app: &App, n: usize) -> Plan {
    let template = app
        .plan()
        .unwrap()
        .items
        .iter()
        .find(|i| i.username == "tyamada")
        .unwrap()
        .clone();
    let items = (0..n)
        .map(|i| {
            let mut item = template.clone();
            item.username = format!("user{i:06}").into();
            item.name = format!("User {i}");
            if let Some(d) = &mut item.directory {
                d.id = format!("d-{i:06}").into();
            }
            item
        })
        .collect();
    Plan::new(items, Default::default())
}

#[test]
fn a_frame_of_100000_items_formats_only_the_visible_rows() {
    let mut app = loaded();
    let plan = big_plan(&app, 100_000);
    let decisions = app.decisions().clone();
    let review = app.review.as_mut().unwrap();
    review.set_plan(plan, &decisions);
    review.rebuild_view();
    assert_eq!(review.view.len(), 100_000);
    press(&mut app, KeyCode::Char('G'));
    let review = app.review.as_ref().unwrap();
    let height = app.list_height();
    let theme = Theme::colour();
    let lines = list_lines(&app, review, 80, height, &theme);
    assert_eq!(lines.len(), height);
    let first: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(
        first.contains(&format!("user{:06}", 100_000 - height)),
        "{first}"
    );
    // The visible range never exceeds the height wherever the cursor is.
    for cursor in [0, 1, 50_000, 99_999] {
        let range = crate::tui::app::visible_range(100_000, cursor, 0, height);
        assert_eq!(range.len(), height);
        assert!(range.contains(&cursor));
    }
    let buffer = draw(&mut app, 80, 24);
    assert!(text(&buffer).contains("user099999"));
}

#[test]
fn results_list_who_changed_and_claim_success_only_when_every_approved_change_was_in() {
    let mut app = loaded();
    // Approve both creates, but commit only the marked one.
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Enter);
    let created = finished(&app, "evil", ItemStatus::Applied);
    let left = finished(
        &app,
        "tyamada",
        ItemStatus::Skipped {
            reason: "not approved".into(),
            cause: SkipCause::NotApproved,
        },
    );
    let outcome = Outcome::new(RunInfo::default(), vec![created, left]);
    send_applied(&mut app, outcome, Ending::Finished);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("Created (1)") && screen.contains("+ evil"),
        "{screen}"
    );
    assert!(
        screen.contains("Every change in this commit was applied; 1 approved ones were not in it."),
        "{screen}"
    );
    assert!(
        !screen.contains("Every approved change was applied"),
        "{screen}"
    );
    assert!(
        screen.contains("Left alone: 1 not approved · 0 skipped by you"),
        "{screen}"
    );
    // Nothing failed: r says there is nothing to retry, and stays.
    assert!(press(&mut app, KeyCode::Char('r')).is_empty());
    assert!(app.note.as_ref().unwrap().text.contains("nothing to retry"));
}

#[test]
fn a_held_back_change_is_listed_as_held_back_and_spoils_the_verdict() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('Y'));
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Enter);
    let created = finished(&app, "evil", ItemStatus::Applied);
    let held = finished(
        &app,
        "tyamada",
        ItemStatus::Skipped {
            reason: "held back: needs a rename, which was skipped".into(),
            cause: SkipCause::HeldBack,
        },
    );
    let outcome = Outcome::new(RunInfo::default(), vec![created, held]);
    send(
        &mut app,
        Msg::Applied(Box::new(Applied {
            outcome,
            ending: crate::apply::engine::Ending::Finished,
        })),
    );
    let screen = text(&draw(&mut app, 120, 40));
    assert!(
        screen.contains("Held back: what they need was not applied (1)")
            && screen.contains("tyamada"),
        "{screen}"
    );
    assert!(
        screen.contains("Not every approved change was applied"),
        "{screen}"
    );
    assert!(screen.contains("Left alone: 0 not approved"), "{screen}");
}

#[test]
fn the_hint_bar_shows_only_keys_that_work_here_and_always_help() {
    let last_line = |screen: &str| screen.lines().last().unwrap_or_default().to_string();
    let mut app = loaded();
    press(&mut app, KeyCode::Char('6'));
    let hints = last_line(&text(&draw(&mut app, 80, 24)));
    assert!(
        !hints.contains("approve") && !hints.contains("commit"),
        "{hints}"
    );
    assert!(
        hints.contains("Enter diff") && hints.contains("? help"),
        "{hints}"
    );
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('y'));
    let narrow = last_line(&text(&draw(&mut app, 60, 20)));
    assert!(narrow.contains("? help"), "{narrow}");
    assert!(narrow.starts_with(" y approve"), "{narrow}");
}

#[test]
fn the_header_names_the_server_and_the_scope_at_80x24() {
    let mut session = session();
    session.scope.only_groups = vec!["comp".into()];
    let mut app = loaded_with(session, Decisions::default());
    let screen = text(&draw(&mut app, 80, 24));
    let header: String = screen.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(
        header.contains("1+Create 2") && header.contains("7.Skipped"),
        "{header}"
    );
    assert!(
        header.contains("ftrack studio.ftrackapp.com · scope: groups comp"),
        "{header}"
    );
}

#[test]
fn a_renamed_row_says_its_username_is_the_admins_and_a_link_names_the_user() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('r'));
    ctrl(&mut app, 'u');
    typed(&mut app, "zoe.d");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('1'));
    while app
        .review
        .as_ref()
        .and_then(|r| r.current())
        .map(|i| app.plan().unwrap().items[i].username.clone())
        != Some("zoe.d".into())
    {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Enter);
    let screen = text(&draw(&mut app, 120, 40));
    assert!(screen.contains("your rename (uid gives zoe)"), "{screen}");
    assert!(screen.contains("✎ renamed to zoe.d (standing)"), "{screen}");
}
