//! What keys mean: the [`Action`]s of the console and the one key table that drives key
//! handling, the hint bar and the `?` help.

use super::app::Bucket;
use super::input::Edit;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where the keyboard focus is; the same key means different things in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Both sides are being read, or the read failed.
    Loading,
    /// The bucket list (the main screen).
    List,
    /// Typing a filter.
    Filter,
    /// The full-screen detail of one item.
    Detail,
    /// The conflict dialog.
    Dialog,
    /// The link picker (search as you type).
    Picker,
    /// The rename input.
    Rename,
    /// A yes/no question with a count (Y/N on the filtered view).
    Confirm,
    /// The commit summary.
    Commit,
    /// The apply is running.
    Progress,
    /// The apply finished.
    Results,
    /// Typing the path of a report to export.
    Export,
    /// The help screen.
    Help,
    /// The plan's warnings.
    Warnings,
    /// Quitting with unsaved decisions.
    QuitConfirm,
    /// Restoring the autosave of an unfinished session.
    Restore,
    /// Linking to an ftrack user another entry is linked to.
    TakeOver,
}

impl Context {
    /// True where printable keys are typed into a text input.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Self::Filter | Self::Picker | Self::Rename | Self::Commit | Self::Export
        )
    }
}

/// Something the admin asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Previous row.
    Up,
    /// Next row.
    Down,
    /// A screen up.
    PageUp,
    /// A screen down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Show one bucket.
    ShowBucket(Bucket),
    /// The next bucket.
    NextBucket,
    /// The previous bucket.
    PrevBucket,
    /// Show or hide the board (the change buckets side by side).
    ToggleBoard,
    /// Open the detail, or the conflict dialog on a conflict.
    Open,
    /// Close the current screen or dialog.
    Back,
    /// Leave the console.
    Quit,
    /// Approve the row (or the marked rows), then go to the next undecided row.
    Approve,
    /// Skip the row (or the marked rows) this time, then go to the next undecided row.
    Skip,
    /// Approve every row of the filtered view, after a count confirmation.
    ApproveView,
    /// Skip every row of the filtered view, after a count confirmation.
    SkipView,
    /// Mark or unmark the row.
    ToggleMark,
    /// Mark every row of the filtered view.
    MarkView,
    /// Clear every mark.
    ClearMarks,
    /// Link the directory entry to an existing ftrack user.
    Link,
    /// Use another ftrack username.
    Rename,
    /// Leave this entry alone from now on.
    Ignore,
    /// Deactivate a user waiting out its grace period in this commit, or stop doing so.
    DeactivateNow,
    /// Undo the last decision change.
    Undo,
    /// Redo what was undone.
    Redo,
    /// Type a filter.
    StartFilter,
    /// Clear the filter.
    ClearFilter,
    /// Open the commit summary.
    Commit,
    /// Write the decisions file.
    Save,
    /// Export a report.
    Export,
    /// Read both sides again, keeping decisions.
    Reload,
    /// Show the keys.
    Help,
    /// Show the plan's warnings in full.
    ShowWarnings,
    /// Accept the input or the dialog.
    Submit,
    /// Leave the input or dialog without acting.
    Cancel,
    /// Delete the character before the cursor.
    DeleteChar,
    /// Type a character.
    Insert(char),
    /// Move the cursor of a text input or edit around it.
    Edit(Edit),
    /// Choose what to commit: everything approved, the marked rows or the filtered view.
    CycleScope,
    /// Stop the apply after the current batch.
    CancelApply,
    /// Read both sides again and review the failed users (decisions kept).
    Retry,
    /// Put the next suggested username in the rename input.
    NextSuggestion,
    /// Save the decisions, then quit.
    SaveAndQuit,
    /// Quit without saving.
    QuitAnyway,
}

/// One key binding: in this context, this key does that.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Where it applies.
    pub context: Context,
    /// The key.
    pub code: KeyCode,
    /// Modifiers that must be held (Shift is folded into the character).
    pub mods: KeyModifiers,
    /// What it does.
    pub action: Action,
    /// Help text.
    pub help: &'static str,
    /// The short label in the hint bar; empty when the key is only in the help.
    pub hint: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn bind(
    context: Context,
    code: KeyCode,
    mods: KeyModifiers,
    action: Action,
    help: &'static str,
    hint: &'static str,
) -> Binding {
    Binding {
        context,
        code,
        mods,
        action,
        help,
        hint,
    }
}

const fn ch(c: char) -> KeyCode {
    KeyCode::Char(c)
}

use Action as A;
use Context as C;

/// Every key of the console.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    // Loading.
    bind(C::Loading, ch('R'), NONE, A::Reload, "retry the read", "retry"),
    bind(C::Loading, ch('q'), NONE, A::Quit, "quit", "quit"),
    bind(C::Loading, ch('Q'), NONE, A::Quit, "quit", ""),
    bind(C::Loading, ch('c'), CTRL, A::Quit, "quit", ""),
    // The list.
    bind(C::List, ch('y'), NONE, A::Approve, "approve (marked rows when any), then next undecided", "approve"),
    bind(C::List, ch('n'), NONE, A::Skip, "skip this time (marked rows when any), then next undecided", "skip"),
    bind(C::List, KeyCode::Enter, NONE, A::Open, "diff / detail; on a conflict the resolve dialog", "diff"),
    bind(C::List, ch('/'), NONE, A::StartFilter, "filter: username, name, DN, email, group", "filter"),
    bind(C::List, ch('m'), NONE, A::Link, "link to an existing ftrack user", "link"),
    bind(C::List, ch('r'), NONE, A::Rename, "rename the ftrack username", "rename"),
    bind(C::List, ch('c'), NONE, A::Commit, "commit: summary, then apply", "commit"),
    bind(C::List, ch('?'), NONE, A::Help, "help", "help"),
    bind(C::List, ch('q'), NONE, A::Back, "back / quit", "quit"),
    bind(C::List, ch('j'), NONE, A::Down, "next row", ""),
    bind(C::List, KeyCode::Down, NONE, A::Down, "next row", ""),
    bind(C::List, ch('k'), NONE, A::Up, "previous row", ""),
    bind(C::List, KeyCode::Up, NONE, A::Up, "previous row", ""),
    bind(C::List, ch('g'), NONE, A::Top, "first row", ""),
    bind(C::List, KeyCode::Home, NONE, A::Top, "first row", ""),
    bind(C::List, ch('G'), NONE, A::Bottom, "last row", ""),
    bind(C::List, KeyCode::End, NONE, A::Bottom, "last row", ""),
    bind(C::List, KeyCode::PageUp, NONE, A::PageUp, "a screen up", ""),
    bind(C::List, KeyCode::PageDown, NONE, A::PageDown, "a screen down", ""),
    bind(C::List, ch('1'), NONE, A::ShowBucket(Bucket::Create), "bucket: create", ""),
    bind(C::List, ch('2'), NONE, A::ShowBucket(Bucket::Update), "bucket: update", ""),
    bind(C::List, ch('3'), NONE, A::ShowBucket(Bucket::Conflict), "bucket: conflict", ""),
    bind(C::List, ch('4'), NONE, A::ShowBucket(Bucket::Deactivate), "bucket: deactivate", ""),
    bind(C::List, ch('5'), NONE, A::ShowBucket(Bucket::Reactivate), "bucket: reactivate", ""),
    bind(C::List, ch('6'), NONE, A::ShowBucket(Bucket::Unchanged), "bucket: unchanged", ""),
    bind(C::List, ch('7'), NONE, A::ShowBucket(Bucket::Skip), "bucket: skipped", ""),
    bind(C::List, ch('8'), NONE, A::ShowBucket(Bucket::Pending), "bucket: grace (pending deactivation, with the time or runs left)", ""),
    bind(C::List, ch(']'), NONE, A::NextBucket, "next bucket", ""),
    bind(C::List, KeyCode::Tab, NONE, A::NextBucket, "next bucket", ""),
    bind(C::List, ch('['), NONE, A::PrevBucket, "previous bucket", ""),
    bind(C::List, KeyCode::Right, NONE, A::NextBucket, "next bucket (board: next column)", ""),
    bind(C::List, KeyCode::Left, NONE, A::PrevBucket, "previous bucket (board: previous column)", ""),
    bind(C::List, ch('b'), NONE, A::ToggleBoard, "board: create, update, conflict, deactivate side by side", ""),
    bind(C::List, KeyCode::BackTab, NONE, A::PrevBucket, "previous bucket", ""),
    bind(C::List, ch('Y'), NONE, A::ApproveView, "approve every row in the filtered view (asks)", ""),
    bind(C::List, ch('N'), NONE, A::SkipView, "skip every row in the filtered view (asks)", ""),
    bind(C::List, ch(' '), NONE, A::ToggleMark, "mark / unmark the row", ""),
    bind(C::List, ch('T'), NONE, A::MarkView, "mark every row in the filtered view", ""),
    bind(C::List, ch('U'), NONE, A::ClearMarks, "clear the marks", ""),
    bind(C::List, ch('i'), NONE, A::Ignore, "ignore this entry from now on (saved)", ""),
    bind(C::List, ch('D'), NONE, A::DeactivateNow, "deactivate a pending user now, without waiting for its grace period (again: wait)", ""),
    bind(C::List, ch('u'), NONE, A::Undo, "undo a decision", ""),
    bind(C::List, ch('r'), CTRL, A::Redo, "redo a decision", ""),
    bind(C::List, KeyCode::Esc, NONE, A::ClearFilter, "clear the filter", ""),
    bind(C::List, ch('w'), NONE, A::Save, "save the decisions file", ""),
    bind(C::List, ch('x'), NONE, A::Export, "export a report of the plan", ""),
    bind(C::List, ch('R'), NONE, A::Reload, "reload both sides, keeping decisions", ""),
    bind(C::List, ch('!'), NONE, A::ShowWarnings, "the plan's warnings: what this run holds back and why", ""),
    bind(C::List, ch('Q'), NONE, A::Quit, "quit (asks when decisions are unsaved)", ""),
    bind(C::List, ch('c'), CTRL, A::Quit, "quit (asks when decisions are unsaved)", ""),
    // Typing a filter.
    bind(C::Filter, KeyCode::Enter, NONE, A::Submit, "keep the filter", "keep"),
    bind(C::Filter, KeyCode::Esc, NONE, A::Cancel, "clear the filter", "clear"),
    bind(C::Filter, KeyCode::Backspace, NONE, A::Edit(Edit::DeleteBack), "delete a character", ""),
    bind(C::Filter, ch('c'), CTRL, A::Cancel, "clear the filter", ""),
    // The detail.
    bind(C::Detail, KeyCode::Esc, NONE, A::Back, "close", "close"),
    bind(C::Detail, ch('q'), NONE, A::Back, "close", ""),
    bind(C::Detail, ch('y'), NONE, A::Approve, "approve, then next undecided", "approve"),
    bind(C::Detail, ch('n'), NONE, A::Skip, "skip this time, then next undecided", "skip"),
    bind(C::Detail, KeyCode::Enter, NONE, A::Open, "resolve (conflicts)", "resolve"),
    bind(C::Detail, ch('m'), NONE, A::Link, "link to an existing ftrack user", "link"),
    bind(C::Detail, ch('r'), NONE, A::Rename, "rename the ftrack username", "rename"),
    bind(C::Detail, ch('i'), NONE, A::Ignore, "ignore from now on", ""),
    bind(C::Detail, ch('D'), NONE, A::DeactivateNow, "deactivate a pending user now (again: wait)", ""),
    bind(C::Detail, ch('u'), NONE, A::Undo, "undo a decision", ""),
    bind(C::Detail, ch('j'), NONE, A::Down, "next row", ""),
    bind(C::Detail, KeyCode::Down, NONE, A::Down, "next row", ""),
    bind(C::Detail, ch('k'), NONE, A::Up, "previous row", ""),
    bind(C::Detail, KeyCode::Up, NONE, A::Up, "previous row", ""),
    bind(C::Detail, KeyCode::PageDown, NONE, A::PageDown, "scroll the detail a page down", ""),
    bind(C::Detail, KeyCode::PageUp, NONE, A::PageUp, "scroll the detail a page up", ""),
    bind(C::Detail, ch('?'), NONE, A::Help, "help", "help"),
    bind(C::Detail, ch('c'), CTRL, A::Quit, "quit", ""),
    // The conflict dialog.
    bind(C::Dialog, ch('m'), NONE, A::Link, "link to an existing ftrack user", "link"),
    bind(C::Dialog, ch('r'), NONE, A::Rename, "use another ftrack username", "rename"),
    bind(C::Dialog, ch('i'), NONE, A::Ignore, "ignore this entry from now on", "ignore"),
    bind(C::Dialog, ch('n'), NONE, A::Skip, "skip this time", "skip"),
    bind(C::Dialog, ch('j'), NONE, A::Down, "scroll the explanation down", "scroll"),
    bind(C::Dialog, KeyCode::Down, NONE, A::Down, "scroll down", ""),
    bind(C::Dialog, ch('k'), NONE, A::Up, "scroll the explanation up", ""),
    bind(C::Dialog, KeyCode::Up, NONE, A::Up, "scroll up", ""),
    bind(C::Dialog, KeyCode::PageDown, NONE, A::PageDown, "a page down", ""),
    bind(C::Dialog, KeyCode::PageUp, NONE, A::PageUp, "a page up", ""),
    bind(C::Dialog, KeyCode::Esc, NONE, A::Back, "close", "close"),
    bind(C::Dialog, ch('q'), NONE, A::Back, "close", ""),
    bind(C::Dialog, ch('c'), CTRL, A::Back, "close", ""),
    // The link picker.
    bind(C::Picker, KeyCode::Enter, NONE, A::Submit, "link to the selected user", "link"),
    bind(C::Picker, KeyCode::Up, NONE, A::Up, "previous candidate", "move"),
    bind(C::Picker, KeyCode::Down, NONE, A::Down, "next candidate", ""),
    bind(C::Picker, KeyCode::PageUp, NONE, A::PageUp, "a screen up", ""),
    bind(C::Picker, KeyCode::PageDown, NONE, A::PageDown, "a screen down", ""),
    bind(C::Picker, KeyCode::Esc, NONE, A::Cancel, "cancel", "cancel"),
    bind(C::Picker, KeyCode::Backspace, NONE, A::Edit(Edit::DeleteBack), "delete a character", ""),
    bind(C::Picker, ch('c'), CTRL, A::Cancel, "cancel", ""),
    // Taking over a linked ftrack user.
    bind(C::TakeOver, ch('y'), NONE, A::Submit, "link anyway: the other entry loses the link", "link anyway"),
    bind(C::TakeOver, ch('n'), NONE, A::Cancel, "back to the list of users", "back"),
    bind(C::TakeOver, KeyCode::Esc, NONE, A::Cancel, "back to the list of users", ""),
    bind(C::TakeOver, ch('c'), CTRL, A::Cancel, "back to the list of users", ""),
    // The rename input.
    bind(C::Rename, KeyCode::Enter, NONE, A::Submit, "use this username", "rename"),
    bind(C::Rename, KeyCode::Tab, NONE, A::NextSuggestion, "the next suggested username", "suggest"),
    bind(C::Rename, KeyCode::Esc, NONE, A::Cancel, "cancel", "cancel"),
    bind(C::Rename, KeyCode::Backspace, NONE, A::Edit(Edit::DeleteBack), "delete a character", ""),

    bind(C::Rename, ch('c'), CTRL, A::Cancel, "cancel", ""),
    // A count confirmation.
    bind(C::Confirm, ch('y'), NONE, A::Submit, "yes", "yes"),
    bind(C::Confirm, KeyCode::Enter, NONE, A::Submit, "yes", ""),
    bind(C::Confirm, ch('n'), NONE, A::Cancel, "no", "no"),
    bind(C::Confirm, KeyCode::Esc, NONE, A::Cancel, "no", ""),
    bind(C::Confirm, ch('c'), CTRL, A::Cancel, "no", ""),
    // The commit summary.
    bind(C::Commit, KeyCode::Enter, NONE, A::Submit, "apply", "apply"),
    bind(C::Commit, KeyCode::Tab, NONE, A::CycleScope, "what to commit: approved / marked / view", "scope"),
    bind(C::Commit, KeyCode::Esc, NONE, A::Cancel, "cancel", "cancel"),
    bind(C::Commit, KeyCode::Backspace, NONE, A::DeleteChar, "delete a digit", ""),
    bind(C::Commit, ch('c'), CTRL, A::Cancel, "cancel", ""),
    // The apply.
    bind(C::Progress, ch('c'), CTRL, A::CancelApply, "stop after the current batch", "stop"),
    bind(C::Progress, ch('q'), NONE, A::CancelApply, "stop after the current batch", ""),
    // The results.
    bind(C::Results, ch('x'), NONE, A::Export, "export the report", "export"),
    bind(C::Results, ch('r'), NONE, A::Retry, "retry failures: reload, failed users marked", "retry"),
    bind(C::Results, ch('q'), NONE, A::Back, "back to the review (reloads)", "back"),
    bind(C::Results, ch('Q'), NONE, A::Quit, "quit", "quit"),
    bind(C::Results, ch('c'), CTRL, A::Quit, "quit", ""),
    bind(C::Results, ch('j'), NONE, A::Down, "scroll down", ""),
    bind(C::Results, KeyCode::Down, NONE, A::Down, "scroll down", ""),
    bind(C::Results, ch('k'), NONE, A::Up, "scroll up", ""),
    bind(C::Results, KeyCode::Up, NONE, A::Up, "scroll up", ""),
    bind(C::Results, ch('?'), NONE, A::Help, "help", ""),
    bind(C::Results, ch('!'), NONE, A::ShowWarnings, "the plan's warnings: what this run held back and why", ""),
    // The export input.
    bind(C::Export, KeyCode::Enter, NONE, A::Submit, "write the report", "write"),
    bind(C::Export, KeyCode::Esc, NONE, A::Cancel, "cancel", "cancel"),
    bind(C::Export, KeyCode::Backspace, NONE, A::Edit(Edit::DeleteBack), "delete a character", ""),

    bind(C::Export, ch('c'), CTRL, A::Cancel, "cancel", ""),
    // Help.
    bind(C::Help, KeyCode::Esc, NONE, A::Back, "close", "close"),
    bind(C::Help, ch('q'), NONE, A::Back, "close", ""),
    bind(C::Help, ch('?'), NONE, A::Back, "close", ""),
    bind(C::Help, ch('j'), NONE, A::Down, "scroll down", ""),
    bind(C::Help, KeyCode::Down, NONE, A::Down, "scroll down", ""),
    bind(C::Help, ch('k'), NONE, A::Up, "scroll up", ""),
    bind(C::Help, KeyCode::Up, NONE, A::Up, "scroll up", ""),
    bind(C::Help, KeyCode::PageDown, NONE, A::PageDown, "a page down", ""),
    bind(C::Help, KeyCode::PageUp, NONE, A::PageUp, "a page up", ""),
    // The plan's warnings.
    bind(C::Warnings, KeyCode::Esc, NONE, A::Back, "close", "close"),
    bind(C::Warnings, ch('q'), NONE, A::Back, "close", ""),
    bind(C::Warnings, ch('!'), NONE, A::Back, "close", ""),
    bind(C::Warnings, ch('j'), NONE, A::Down, "scroll down", "scroll"),
    bind(C::Warnings, KeyCode::Down, NONE, A::Down, "scroll down", ""),
    bind(C::Warnings, ch('k'), NONE, A::Up, "scroll up", ""),
    bind(C::Warnings, KeyCode::Up, NONE, A::Up, "scroll up", ""),
    bind(C::Warnings, KeyCode::PageDown, NONE, A::PageDown, "a page down", ""),
    bind(C::Warnings, KeyCode::PageUp, NONE, A::PageUp, "a page up", ""),
    bind(C::Warnings, ch('c'), CTRL, A::Quit, "quit (asks when decisions are unsaved)", ""),
    // Quitting with unsaved decisions.
    bind(C::QuitConfirm, ch('w'), NONE, A::SaveAndQuit, "save the decisions (standing ones in force), then quit", "save & quit"),
    bind(C::QuitConfirm, ch('d'), NONE, A::QuitAnyway, "discard them and quit: nothing is in force", "discard & quit"),
    bind(C::QuitConfirm, ch('Q'), NONE, A::QuitAnyway, "discard them and quit", ""),
    bind(C::QuitConfirm, ch('c'), CTRL, A::QuitAnyway, "discard them and quit (a second Ctrl-C)", ""),
    bind(C::QuitConfirm, KeyCode::Esc, NONE, A::Cancel, "back to the console", "back"),
    bind(C::QuitConfirm, ch('n'), NONE, A::Cancel, "back to the console", ""),
    // Restoring an unfinished session's autosave.
    bind(C::Restore, ch('y'), NONE, A::Submit, "restore its decisions (none in force until committed or saved)", "restore"),
    bind(C::Restore, ch('n'), NONE, A::Cancel, "start afresh; it is kept as console-decisions.previous.json", "start afresh"),
    bind(C::Restore, ch('c'), CTRL, A::Quit, "quit", ""),
];

/// The editing keys of every text input (filter, search, rename, report path), as in a shell.
pub const EDIT_KEYS: &[(KeyCode, KeyModifiers, Edit, &str)] = &[
    (KeyCode::Left, NONE, Edit::Left, "cursor left"),
    (KeyCode::Right, NONE, Edit::Right, "cursor right"),
    (KeyCode::Home, NONE, Edit::Home, "to the start"),
    (KeyCode::Char('a'), CTRL, Edit::Home, "to the start"),
    (KeyCode::End, NONE, Edit::End, "to the end"),
    (KeyCode::Char('e'), CTRL, Edit::End, "to the end"),
    (
        KeyCode::Delete,
        NONE,
        Edit::DeleteForward,
        "delete the character under the cursor",
    ),
    (
        KeyCode::Char('w'),
        CTRL,
        Edit::DeleteWord,
        "delete the word before the cursor",
    ),
    (
        KeyCode::Char('u'),
        CTRL,
        Edit::DeleteToStart,
        "delete everything before the cursor",
    ),
];

impl Context {
    /// True for the text inputs that take the editing keys.
    pub fn edits_text(self) -> bool {
        matches!(
            self,
            Self::Filter | Self::Picker | Self::Rename | Self::Export
        )
    }
}

/// The action of a key in a context; release events and unknown keys give `None`.
pub fn action_for(context: Context, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let (code, mods) = normalise(key);
    if let Some(b) = KEYMAP
        .iter()
        .find(|b| b.context == context && b.code == code && b.mods == mods)
    {
        return Some(b.action);
    }
    if context.edits_text()
        && let Some((.., edit, _)) = EDIT_KEYS.iter().find(|(c, m, ..)| *c == code && *m == mods)
    {
        return Some(Action::Edit(*edit));
    }
    match code {
        KeyCode::Char(c) if context.takes_text() && mods.is_empty() => Some(Action::Insert(c)),
        _ => None,
    }
}

/// Shift is folded into the character (`Y`, `?`), and Ctrl combinations into lower case.
fn normalise(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    let mut mods =
        key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    let code = match key.code {
        KeyCode::Char(c) => {
            mods.remove(KeyModifiers::SHIFT);
            if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
        KeyCode::BackTab => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::BackTab
        }
        other => other,
    };
    (code, mods)
}

/// How a key is written in the hint bar and help.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Backspace => "Bksp".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// One line of help: the keys of an action joined with `/`, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    /// What the keys do, as an action.
    pub action: Action,
    /// The keys, e.g. `j/↓`.
    pub keys: String,
    /// What they do.
    pub help: &'static str,
}

/// The actions of a context with all their keys, in table order; `hints_only` keeps the
/// hint-bar ones.
pub fn help_lines(context: Context, hints_only: bool) -> Vec<HelpLine> {
    let mut lines: Vec<(Action, HelpLine)> = Vec::new();
    for b in KEYMAP.iter().filter(|b| b.context == context) {
        if hints_only && b.hint.is_empty() {
            continue;
        }
        let label = key_label(b.code, b.mods);
        match lines.iter_mut().find(|(a, _)| *a == b.action) {
            Some((_, line)) => {
                line.keys.push('/');
                line.keys.push_str(&label);
            }
            None => lines.push((
                b.action,
                HelpLine {
                    action: b.action,
                    keys: label,
                    help: if hints_only { b.hint } else { b.help },
                },
            )),
        }
    }
    let mut lines: Vec<HelpLine> = lines.into_iter().map(|(_, l)| l).collect();
    if context.edits_text() && !hints_only {
        for (code, mods, edit, help) in EDIT_KEYS {
            let label = key_label(*code, *mods);
            match lines.iter_mut().find(|l| l.action == Action::Edit(*edit)) {
                Some(line) => {
                    line.keys.push('/');
                    line.keys.push_str(&label);
                }
                None => lines.push(HelpLine {
                    action: Action::Edit(*edit),
                    keys: label,
                    help,
                }),
            }
        }
    }
    lines
}
