//! Console benchmark: time to the first frame, and time to render one frame of a 100,000-item
//! plan at 80x24 and 120x40 (targets: first frame under 200 ms, a frame under 5 ms).
//! Run with `cargo bench --bench console`.

use ldap2ftrack::model::{DirectorySnapshot, DirectoryUser, FtrackSnapshot, FtrackUser, Links};
use ldap2ftrack::reconcile::policy::MaxDeactivate;
use ldap2ftrack::reconcile::{Policy, Scope};
use ldap2ftrack::tui::{App, AppOptions, Msg, Session, render, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const USERS: usize = 100_000;

fn session() -> Session {
    let mut links = Links::new();
    let directory = (0..USERS)
        .map(|n| DirectoryUser {
            id: format!("dir-{n}").into(),
            dn: format!("uid=artist{n},ou=people,dc=studio,dc=test").into(),
            username: Some(format!("artist{n}").into()),
            email: Some(format!("artist{n}@studio.test")),
            first_name: Some(format!("Artist{n}")),
            last_name: Some("Studio".into()),
            display_name: None,
            groups: Vec::new(),
            active: true,
            disabled_reason: None,
            problems: Vec::new(),
            custom: Default::default(),
        })
        .collect();
    // Half of them exist in ftrack with an old last name: 50,000 updates and 50,000 creates.
    let ftrack = (0..USERS / 2)
        .map(|n| {
            let id = format!("ft-{n}");
            links.insert(format!("dir-{n}").into(), id.clone().into());
            FtrackUser {
                id: id.into(),
                username: format!("artist{n}").into(),
                first_name: format!("Artist{n}"),
                last_name: "Old".into(),
                email: Some(format!("artist{n}@studio.test")),
                is_active: true,
                ..FtrackUser::default()
            }
        })
        .collect();
    Session {
        directory: DirectorySnapshot {
            users: directory,
            complete: true,
            warnings: Vec::new(),
            incomplete: Vec::new(),
            groups_found: None,
            read: Default::default(),
        },
        ftrack: FtrackSnapshot {
            users: ftrack,
            groups: Vec::new(),
            ..Default::default()
        },
        links,
        policy: Policy {
            max_deactivate: MaxDeactivate::Count(1_000),
            ..Policy::default()
        },
        scope: Scope::default(),
        server: "https://studio.ftrackapp.com".into(),
        api_user: "ldap2ftrack".into(),
        directory_source: "synthetic".into(),
        mapping: Default::default(),
        group_search: false,
    }
}

fn key(code: crossterm::event::KeyCode) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    ))
}

fn frame_time(app: &App, width: u16, height: u16) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut best = Duration::MAX;
    for _ in 0..50 {
        let start = Instant::now();
        terminal.draw(|frame| render(frame, app)).unwrap();
        best = best.min(start.elapsed());
    }
    best
}

fn main() {
    let start = Instant::now();
    let app = App::new(AppOptions::default());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| render(frame, &app)).unwrap();
    let first = start.elapsed();
    println!(
        "first frame (the loading screen) {:.2} ms after the console starts (target < 200 ms: {})",
        first.as_secs_f64() * 1000.0,
        if first < Duration::from_millis(200) {
            "OK"
        } else {
            "MISSED"
        }
    );
    let mut app = app;
    let session = session();
    let loaded = Instant::now();
    update(
        &mut app,
        Msg::Loaded(Box::new(session)),
        jiff::Timestamp::now(),
    );
    println!(
        "planning {USERS} users when they arrive: {:.0} ms (once, on the UI thread)",
        loaded.elapsed().as_secs_f64() * 1000.0
    );
    for (width, height) in [(80, 24), (120, 40)] {
        let top = frame_time(&app, width, height);
        // Deep in the list, and with the filter narrowing 100,000 rows.
        update(
            &mut app,
            key(crossterm::event::KeyCode::Char('G')),
            jiff::Timestamp::now(),
        );
        let bottom = frame_time(&app, width, height);
        update(
            &mut app,
            key(crossterm::event::KeyCode::Char('g')),
            jiff::Timestamp::now(),
        );
        let worst = top.max(bottom);
        println!(
            "one frame of {USERS} plan items at {width}x{height}: {:.3} ms at the top, {:.3} ms at the end (target < 5 ms: {})",
            top.as_secs_f64() * 1000.0,
            bottom.as_secs_f64() * 1000.0,
            if worst < Duration::from_millis(5) {
                "OK"
            } else {
                "MISSED"
            }
        );
    }
}
