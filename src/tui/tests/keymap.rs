use crate::tui::action::{Action, Context, KEYMAP, action_for, help_lines};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashSet;

#[test]
fn no_key_is_bound_twice_in_a_context() {
    let mut seen = HashSet::new();
    for b in KEYMAP {
        assert!(
            seen.insert((b.context, b.code, b.mods)),
            "{:?} {:?} {:?} is bound twice",
            b.context,
            b.code,
            b.mods
        );
    }
}

#[test]
fn every_binding_has_help_and_every_context_has_keys() {
    for b in KEYMAP {
        assert!(
            !b.help.trim().is_empty(),
            "{:?} in {:?} has no help",
            b.action,
            b.context
        );
    }
    for context in [
        Context::Loading,
        Context::List,
        Context::Filter,
        Context::Detail,
        Context::Dialog,
        Context::Picker,
        Context::Rename,
        Context::Confirm,
        Context::Commit,
        Context::Progress,
        Context::Results,
        Context::Export,
        Context::Help,
        Context::QuitConfirm,
        Context::Warnings,
    ] {
        assert!(
            !help_lines(context, true).is_empty(),
            "{context:?} has no hints"
        );
        // Every context has a way out.
        assert!(
            KEYMAP.iter().any(|b| b.context == context
                && matches!(
                    b.action,
                    Action::Back
                        | Action::Cancel
                        | Action::Quit
                        | Action::CancelApply
                        | Action::QuitAnyway
                )),
            "{context:?} has no way out"
        );
    }
}

#[test]
fn the_keys_of_ux_md_are_in_the_list() {
    let list = |c: char| {
        action_for(
            Context::List,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        )
    };
    for (c, action) in [
        ('y', Action::Approve),
        ('n', Action::Skip),
        ('Y', Action::ApproveView),
        ('N', Action::SkipView),
        (' ', Action::ToggleMark),
        ('T', Action::MarkView),
        ('U', Action::ClearMarks),
        ('m', Action::Link),
        ('r', Action::Rename),
        ('i', Action::Ignore),
        ('u', Action::Undo),
        ('c', Action::Commit),
        ('w', Action::Save),
        ('x', Action::Export),
        ('R', Action::Reload),
        ('?', Action::Help),
        ('q', Action::Back),
        ('Q', Action::Quit),
        ('/', Action::StartFilter),
        ('g', Action::Top),
        ('G', Action::Bottom),
        ('j', Action::Down),
        ('k', Action::Up),
        ('!', Action::ShowWarnings),
    ] {
        assert_eq!(list(c), Some(action), "key {c:?}");
    }
    let redo = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(action_for(Context::List, redo), Some(Action::Redo));
    // Text inputs take letters that are keys elsewhere.
    let y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(action_for(Context::Filter, y), Some(Action::Insert('y')));
    assert_eq!(action_for(Context::Rename, y), Some(Action::Insert('y')));
}

#[test]
fn the_hint_bar_follows_ux_md() {
    let hints: Vec<String> = help_lines(Context::List, true)
        .into_iter()
        .map(|l| format!("{} {}", l.keys, l.help))
        .collect();
    assert_eq!(
        hints.join("  "),
        "y approve  n skip  Enter diff  / filter  m link  r rename  c commit  ? help  q quit"
    );
    let help = help_lines(Context::List, false);
    let down = help.iter().find(|l| l.help == "next row").unwrap();
    assert_eq!(down.keys, "j/↓");
    // The warnings key is in the help, not in the hint bar (the header names it).
    let warnings = help.iter().find(|l| l.action == Action::ShowWarnings);
    assert_eq!(warnings.map(|l| l.keys.as_str()), Some("!"));
    let closes: Vec<String> = help_lines(Context::Warnings, false)
        .into_iter()
        .filter(|l| l.action == Action::Back)
        .map(|l| l.keys)
        .collect();
    assert_eq!(closes, ["Esc/q/!"]);
}
