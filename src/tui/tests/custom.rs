//! Custom attribute changes in the console's detail: one line each under the fields, with
//! directory values escaped like every other.

use super::{loaded_with, press, send, session};
use crate::custom::CustomAttribute;
use crate::reconcile::decision::Decisions;
use crate::tui::{Msg, render};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[test]
fn the_detail_lists_each_custom_change_under_the_fields() {
    let mut session = session();
    session.policy.custom_attributes = vec!["phone".into(), "room".into()];
    session.ftrack.custom_attributes = ["phone", "room"]
        .map(|key| CustomAttribute {
            id: format!("c-{key}"),
            key: key.into(),
            label: String::new(),
            kind: "text".into(),
        })
        .to_vec();
    let evil = session
        .directory
        .users
        .iter_mut()
        .find(|u| u.dn.starts_with("uid=evil,"));
    let evil = evil.expect("the studio has evil");
    evil.custom.insert("phone".into(), "+46 7".into());
    evil.custom.insert("room".into(), "B\u{1b}[2J".into());
    let mut app = loaded_with(session, Decisions::default());
    press(&mut app, KeyCode::Enter);
    send(&mut app, Msg::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal.draw(|frame| render(frame, &app)).expect("draw");
    let screen: Vec<String> = terminal
        .backend()
        .buffer()
        .content
        .chunks(120)
        .map(|row| row.iter().map(|cell| cell.symbol()).collect())
        .collect();
    let line = |text: &str| screen.iter().position(|row| row.contains(text));
    let phone = line("custom     phone: (none) -> +46 7").expect("the phone line");
    let room = line("custom     room: (none) -> B\\x1b[2J").expect("the room line, escaped");
    let groups = line("groups     + Compositing").expect("the groups line");
    assert_eq!((phone, room), (groups + 1, groups + 2), "{screen:#?}");
}
