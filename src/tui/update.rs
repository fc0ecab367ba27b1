//! `update`: the one place the console's state changes. Keys become [`Action`]s through the
//! key table; worker results arrive as [`Msg`]s; the runtime carries out the [`Effect`]s.

use super::action::{Action, Context, action_for};
use super::app::{
    App, Bucket, Confirm, LoadState, Note, Overlay, ResultsState, Review, Screen, needs_decision,
};
use super::app::{Effect, LoadStage, Msg};
use commit::{commit, export, open_commit, progress, results};
use resolve::{open_resolve, resolve};

mod commit;
mod resolve;

use super::app::ResolveMode;
use super::input::TextInput;
use crate::clock::Clock;
use crate::reconcile::decision::{Decision, settle_decided};
use crate::report::model::{CommitLog, DecisionEvent};

/// Applies one message to the state and says what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            let Some(action) = action_for(app.context(), key) else {
                return Vec::new();
            };
            app.note = None;
            act(app, action)
        }
        Msg::Paste(text) => {
            edit_text(app, |input| input.insert(&text));
            Vec::new()
        }
        Msg::Resize(width, height) => {
            app.size = (width, height);
            relane(app);
            Vec::new()
        }
        Msg::LoadProgress { stage, read, pages } => {
            if let Screen::Loading(state) = &mut app.screen {
                let slot = match stage {
                    LoadStage::Directory => &mut state.directory,
                    LoadStage::Ftrack => &mut state.ftrack,
                };
                *slot = Some((read, pages));
            }
            Vec::new()
        }
        Msg::LoadRetrying {
            stage,
            attempt,
            reason,
        } => {
            if let Screen::Loading(state) = &mut app.screen {
                state.retrying = Some((stage, attempt, reason));
            }
            Vec::new()
        }
        Msg::Loaded(session) => {
            app.load_failure = None;
            loaded(app, session);
            Vec::new()
        }
        Msg::LoadFailed { error, code } => {
            app.load_failure = Some(code);
            app.screen = Screen::LoadFailed(error);
            close_overlay_unless_restoring(app);
            Vec::new()
        }
        Msg::ApplyProgress(progress) => {
            if let Screen::Applying(state) = &mut app.screen {
                state.progress = Some(progress);
            }
            Vec::new()
        }
        Msg::ItemFinished(outcome) => {
            if let Screen::Applying(state) = &mut app.screen {
                state.finished.push(outcome);
            }
            Vec::new()
        }
        Msg::Applied(applied) => {
            applied_msg(app, applied);
            Vec::new()
        }
        Msg::DecisionsSaved { path } => {
            decisions_saved(app, &path);
            Vec::new()
        }
        Msg::Recorded(standing) => {
            app.recorded = standing;
            if let Screen::Applying(state) = &app.screen {
                app.saved = state.saved_after.clone();
            }
            Vec::new()
        }
        Msg::Saved { what } => {
            if matches!(app.overlay, Overlay::Export { .. }) {
                app.overlay = Overlay::None;
            }
            note(app, what);
            Vec::new()
        }
        Msg::Failed { what } => {
            app.saving = None;
            fail(app, what);
            Vec::new()
        }
        Msg::Tick => {
            app.tick = app.tick.wrapping_add(1);
            Vec::new()
        }
    }
}

/// The commit finished: its outcome joins the session's, and the results are shown.
fn applied_msg(app: &mut App, applied: Box<crate::apply::engine::Applied>) {
    app.commits.push(CommitLog::of(&applied.outcome));
    app.last_commit = Some(crate::exit::for_apply(
        &applied.outcome,
        &applied.ending,
        false,
    ));
    let left_out = match &app.screen {
        Screen::Applying(state) => state.left_out,
        _ => 0,
    };
    app.screen = Screen::Results(ResultsState {
        applied,
        scroll: 0,
        left_out,
    });
    app.overlay = Overlay::None;
}

/// `w` wrote the decisions file: what it holds counts as saved, its standing decisions as in
/// force.
fn decisions_saved(app: &mut App, path: &std::path::Path) {
    if let Some(saved) = app.saving.take() {
        app.recorded = saved.standing();
        app.saved = saved;
    }
    note(
        app,
        format!(
            "decisions saved to {}; standing ones are in force",
            path.display()
        ),
    );
}

/// A new screen closes dialogs, except the question about restoring an unfinished session,
/// which waits for its answer whatever arrives.
fn close_overlay_unless_restoring(app: &mut App) {
    if !matches!(app.overlay, Overlay::Restore(_)) {
        app.overlay = Overlay::None;
    }
}

fn note(app: &mut App, text: impl Into<String>) {
    app.note = Some(Note {
        text: text.into(),
        error: false,
    });
}

fn fail(app: &mut App, text: impl Into<String>) {
    app.note = Some(Note {
        text: text.into(),
        error: true,
    });
}

fn loaded(app: &mut App, session: Box<super::app::Session>) {
    let old = app.review.take();
    let mut review = Review::new(session, &app.decisions);
    if let Some(old) = old {
        let current = old.current().and_then(|i| old.keys[i].clone());
        review.bucket = old.bucket;
        review.lane = old.lane;
        review.spots = old.spots;
        review.filter = old.filter;
        review.marks = old.marks;
        review.rebuild_view();
        if let Some(pos) = current.and_then(|k| review.position_of(&k)) {
            review.cursor = pos;
        }
    }
    if !app.mark_after_load.is_empty() {
        let count = app.mark_after_load.len();
        review.marks.extend(app.mark_after_load.drain(..));
        app.note = Some(Note {
            text: format!("{count} failed users marked: c commits just them"),
            error: false,
        });
    } else if let Some(reason) = &review.plan.blocked {
        app.note = Some(Note {
            text: format!("plan blocked: {reason}"),
            error: true,
        });
    }
    app.review = Some(Box::new(review));
    app.screen = Screen::Review;
    close_overlay_unless_restoring(app);
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        review.scroll_to_cursor(height);
    }
}

fn act(app: &mut App, action: Action) -> Vec<Effect> {
    if app.context().edits_text() {
        match action {
            Action::Insert(c) => return edit_text(app, |input| input.insert(&c.to_string())),
            Action::Edit(edit) => return edit_text(app, |input| input.edit(edit)),
            _ => {}
        }
    }
    match app.context() {
        Context::Loading => match action {
            Action::Reload => reload(app),
            Action::Quit => request_quit(app),
            _ => Vec::new(),
        },
        Context::List => list(app, action),
        Context::Filter => filter(app, action),
        Context::Detail => detail(app, action),
        Context::Dialog | Context::Picker | Context::Rename | Context::TakeOver => {
            resolve(app, action)
        }
        Context::Confirm => confirm(app, action),
        Context::Commit => commit(app, action),
        Context::Progress => progress(app, action),
        Context::Results => results(app, action),
        Context::Export => export(app, action),
        Context::Help => {
            let page = crate::tui::view::box_page(app);
            if let Overlay::Help { context, scroll } = &app.overlay {
                let limit = crate::tui::view::help_scroll_limit(app, *context);
                let moved = match action {
                    Action::Down => Some(scroll.saturating_add(1)),
                    Action::Up => Some(scroll.saturating_sub(1)),
                    Action::PageDown => Some(scroll.saturating_add(page)),
                    Action::PageUp => Some(scroll.saturating_sub(page)),
                    _ => None,
                };
                app.overlay = match moved {
                    Some(to) => Overlay::Help {
                        context: *context,
                        scroll: to.min(limit),
                    },
                    None => Overlay::None,
                };
            }
            Vec::new()
        }
        Context::Restore => restore(app, action),
        Context::QuitConfirm => match action {
            Action::SaveAndQuit => {
                app.quit = true;
                app.saving = Some(app.decisions.clone());
                vec![Effect::SaveDecisions(app.decisions.clone()), Effect::Quit]
            }
            Action::QuitAnyway => {
                app.quit = true;
                vec![Effect::Quit]
            }
            _ => {
                app.overlay = Overlay::None;
                Vec::new()
            }
        },
    }
}

/// The answer to "restore the autosave of an unfinished session?".
fn restore(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Restore(offer) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Submit => {
            let count = offer.decisions.decisions.len();
            app.decisions = offer.decisions;
            app.journal.push(DecisionEvent {
                at: app.clock.now_rfc3339(),
                operator: app.operator.clone(),
                username: String::new(),
                decision: format!("restore {count} decisions of an unfinished session"),
            });
            let height = app.list_height();
            if let Some(review) = &mut app.review {
                review.replan(&app.decisions);
                review.rebuild_view();
                review.scroll_to_cursor(height);
            }
            note(
                app,
                format!(
                    "restored {count} decision{}: none is in force until committed or saved (w)",
                    plural(count)
                ),
            );
            vec![Effect::ContinueAutosave]
        }
        Action::Cancel => {
            note(
                app,
                "started afresh; the earlier autosave is kept as console-decisions.previous.json",
            );
            vec![Effect::SetAutosaveAside]
        }
        Action::Quit => request_quit(app),
        _ => {
            app.overlay = Overlay::Restore(offer);
            Vec::new()
        }
    }
}

/// "s" for counts other than one.
pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn reload(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Loading(LoadState::default());
    app.overlay = Overlay::None;
    vec![Effect::Load]
}

fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.unsaved() {
        app.overlay = Overlay::QuitConfirm;
        Vec::new()
    } else {
        app.quit = true;
        vec![Effect::Quit]
    }
}

fn list(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_cursor(app, action),
        Action::ShowBucket(bucket) => show_bucket(app, bucket),
        Action::NextBucket | Action::PrevBucket => next_bucket(app, action == Action::NextBucket),
        Action::ToggleBoard => toggle_board(app),
        Action::Open => open(app),
        Action::Back => {
            if app.review.as_ref().is_some_and(|r| !r.filter.is_empty()) {
                set_filter(app, String::new());
            } else {
                return request_quit(app);
            }
        }
        Action::ClearFilter => set_filter(app, String::new()),
        Action::Quit => return request_quit(app),
        Action::Approve => return decide(app, Decision::Approve, true),
        Action::Skip => return decide(app, Decision::Skip, true),
        Action::ApproveView => ask_view(app, Decision::Approve),
        Action::SkipView => ask_view(app, Decision::Skip),
        Action::ToggleMark => toggle_mark(app),
        Action::MarkView => {
            if let Some(review) = &mut app.review {
                let keys: Vec<String> = review
                    .view
                    .iter()
                    .filter_map(|&i| review.keys[i].clone())
                    .collect();
                let count = keys.len();
                review.marks.extend(keys);
                note(app, format!("marked {count} rows"));
            }
        }
        Action::ClearMarks => {
            if let Some(review) = &mut app.review {
                review.marks.clear();
                note(app, "marks cleared");
            }
        }
        Action::Link => open_resolve(app, Action::Link, false),
        Action::Rename => open_resolve(app, Action::Rename, false),
        Action::Ignore => return ignore(app),
        Action::Undo => return undo(app, true),
        Action::Redo => return undo(app, false),
        Action::StartFilter => {
            if let Some(review) = &app.review {
                app.overlay = Overlay::Filter(TextInput::new(&review.filter));
            }
        }
        Action::Commit => open_commit(app),
        Action::Save => {
            app.saving = Some(app.decisions.clone());
            note(app, "saving decisions…");
            return vec![Effect::SaveDecisions(app.decisions.clone())];
        }
        Action::Export => {
            app.overlay = Overlay::Export {
                path: TextInput::new(&default_report_path(app.clock)),
            }
        }
        Action::Reload => return reload(app),
        Action::Help => {
            app.overlay = Overlay::Help {
                context: Context::List,
                scroll: 0,
            }
        }
        _ => {}
    }
    Vec::new()
}

/// `ldap2ftrack-report-<today>.html`.
pub(crate) fn default_report_path(clock: Clock) -> String {
    format!("ldap2ftrack-report-{}.html", clock.today())
}

fn move_cursor(app: &mut App, action: Action) {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return;
    };
    let last = review.view.len().saturating_sub(1);
    review.cursor = match action {
        Action::Up => review.cursor.saturating_sub(1),
        Action::Down => (review.cursor + 1).min(last),
        Action::PageUp => review.cursor.saturating_sub(height.max(1)),
        Action::PageDown => (review.cursor + height.max(1)).min(last),
        Action::Top => 0,
        _ => last,
    };
    review.scroll_to_cursor(height);
}

/// Focuses a bucket (on the board, its column): its rows, where its cursor was left.
fn show_bucket(app: &mut App, bucket: Bucket) {
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
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        review.scroll_to_cursor(height);
    }
}

/// The next or previous bucket; on the board, the next or previous column.
fn next_bucket(app: &mut App, forward: bool) {
    let Some(review) = &app.review else {
        return;
    };
    let next = match app.board_columns() {
        Some(columns) => {
            let at = crate::tui::board::column_of(&columns, review.bucket).unwrap_or(0);
            let step = if forward { 1 } else { columns.len() - 1 };
            columns[(at + step) % columns.len()][0]
        }
        None => {
            let step = if forward { 1 } else { 6 };
            Bucket::ALL[(review.bucket.index() + step) % 7]
        }
    };
    show_bucket(app, next);
}

/// `b`: the board on or off, where it fits.
fn toggle_board(app: &mut App) {
    let width = app.size.0;
    if width < crate::tui::board::MIN_WIDTH {
        fail(
            app,
            format!(
                "the board needs {} columns; this terminal has {width}",
                crate::tui::board::MIN_WIDTH
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
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        if review.lane != lane {
            review.lane = lane;
            review.rebuild_view();
        }
        review.scroll_to_cursor(height);
    }
}

fn set_filter(app: &mut App, text: String) {
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        review.filter = text;
        review.cursor = 0;
        review.offset = 0;
        review.spots.clear();
        review.view.clear();
        review.rebuild_view();
        review.scroll_to_cursor(height);
    }
}

fn open(app: &mut App) {
    let Some(review) = &app.review else {
        return;
    };
    let Some(i) = review.current() else {
        return;
    };
    if review.plan.items[i].action == crate::reconcile::Action::Conflict {
        open_resolve(app, Action::Open, false);
    } else {
        app.overlay = Overlay::Detail { scroll: 0 };
    }
}

/// Edits the text input that has the keyboard, then does what its text drives: the filter
/// narrows the list, the search the picker, the rename is checked again.
fn edit_text(app: &mut App, change: impl FnOnce(&mut TextInput)) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let ftrack = &review.session.ftrack;
    let mut filter = None;
    match &mut app.overlay {
        Overlay::Filter(input) => {
            change(input);
            filter = Some(input.text().to_string());
        }
        Overlay::Export { path } => change(path),
        Overlay::Resolve(dialog) => match &mut dialog.mode {
            ResolveMode::Picker(picker) => {
                change(&mut picker.query);
                picker.search(ftrack);
            }
            ResolveMode::Rename(rename) => {
                change(&mut rename.input);
                rename.validate();
            }
            _ => {}
        },
        _ => {}
    }
    if let Some(text) = filter {
        set_filter(app, text);
    }
    Vec::new()
}

fn filter(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => app.overlay = Overlay::None,
        Action::Cancel => {
            set_filter(app, String::new());
            app.overlay = Overlay::None;
        }
        _ => {}
    }
    Vec::new()
}

fn detail(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => app.overlay = Overlay::None,
        Action::PageDown | Action::PageUp => {
            let page = crate::tui::view::box_page(app);
            let limit = crate::tui::view::detail_scroll_limit(app);
            if let Overlay::Detail { scroll } = &mut app.overlay {
                *scroll = if action == Action::PageDown {
                    scroll.saturating_add(page).min(limit)
                } else {
                    scroll.saturating_sub(page)
                };
            }
        }
        Action::Up | Action::Down => {
            move_cursor(app, action);
            app.overlay = Overlay::Detail { scroll: 0 };
        }
        Action::Approve => return decide(app, Decision::Approve, false),
        Action::Skip => return decide(app, Decision::Skip, false),
        Action::Open => {
            let conflict = app.review.as_ref().and_then(|r| {
                r.current()
                    .map(|i| r.plan.items[i].action == crate::reconcile::Action::Conflict)
            });
            if conflict == Some(true) {
                open_resolve(app, Action::Open, false);
            }
        }
        Action::Link | Action::Rename => open_resolve(app, action, false),
        Action::Ignore => return ignore(app),
        Action::Undo => return undo(app, true),
        Action::Help => {
            app.overlay = Overlay::Help {
                context: Context::Detail,
                scroll: 0,
            }
        }
        Action::Quit => return request_quit(app),
        _ => {}
    }
    Vec::new()
}

/// Records a set of decision changes as one undo step; re-plans when a standing decision
/// changed; autosaves.
fn change(app: &mut App, entries: Vec<(String, Option<Decision>)>) -> Vec<Effect> {
    let mut record = Vec::new();
    for (key, new) in entries {
        let old = app.decisions.decisions.get(&key).cloned();
        if old == new {
            continue;
        }
        set(app, &key, new.clone());
        record.push((key, old, new));
    }
    if record.is_empty() {
        return Vec::new();
    }
    for (key, _, new) in &record {
        log_decision(app, key, new.as_ref(), "");
    }
    let standing = record
        .iter()
        .any(|(_, old, new)| is_standing(old) || is_standing(new));
    app.undo.push(record);
    app.redo.clear();
    changed(app, standing)
}

/// Adds a decision to the session's journal, with who took it and when.
fn log_decision(app: &mut App, key: &str, decision: Option<&Decision>, prefix: &str) {
    let words = match decision {
        None => "no decision".to_string(),
        Some(Decision::Approve) => "approve".to_string(),
        Some(Decision::Skip) => "skip this time".to_string(),
        Some(Decision::Ignore) => "ignore (standing)".to_string(),
        Some(Decision::Rename { username }) => format!("rename to {username} (standing)"),
        Some(Decision::Link { ftrack_id }) => {
            format!(
                "link to ftrack user {} (standing)",
                app.ftrack_username(ftrack_id)
            )
        }
    };
    app.journal.push(DecisionEvent {
        at: app.clock.now_rfc3339(),
        operator: app.operator.clone(),
        username: app.username_of(key),
        decision: format!("{prefix}{words}"),
    });
}

fn is_standing(decision: &Option<Decision>) -> bool {
    decision.as_ref().is_some_and(Decision::is_standing)
}

fn set(app: &mut App, key: &str, decision: Option<Decision>) {
    match decision {
        Some(d) => {
            app.decisions.decisions.insert(key.to_string(), d);
        }
        None => {
            app.decisions.decisions.remove(key);
        }
    }
}

fn changed(app: &mut App, standing: bool) -> Vec<Effect> {
    let height = app.list_height();
    if let Some(review) = &mut app.review {
        if standing {
            review.replan(&app.decisions);
            review.rebuild_view();
            review.scroll_to_cursor(height);
        } else {
            review.recount(&app.decisions);
        }
    }
    vec![Effect::Autosave(app.decisions.clone())]
}

fn undo(app: &mut App, backwards: bool) -> Vec<Effect> {
    let popped = if backwards {
        app.undo.pop()
    } else {
        app.redo.pop()
    };
    let Some(record) = popped else {
        note(
            app,
            if backwards {
                "nothing to undo"
            } else {
                "nothing to redo"
            },
        );
        return Vec::new();
    };
    let standing = record
        .iter()
        .any(|(_, old, new)| is_standing(old) || is_standing(new));
    for (key, old, new) in &record {
        let now = if backwards { old.clone() } else { new.clone() };
        log_decision(
            app,
            key,
            now.as_ref(),
            if backwards { "undo: " } else { "redo: " },
        );
        set(app, key, now);
    }
    let count = record.len();
    if backwards {
        app.redo.push(record);
    } else {
        app.undo.push(record);
    }
    let effects = changed(app, standing);
    note(
        app,
        format!(
            "{} {count} decision{}",
            if backwards { "undid" } else { "redid" },
            plural(count)
        ),
    );
    effects
}

/// Why a decision cannot be taken on an item, or `None` when it can (`Some("")`: already so).
fn refusal(
    item: &crate::reconcile::PlanItem,
    current: Option<&Decision>,
    decision: &Decision,
) -> Option<&'static str> {
    let linked = matches!(
        current,
        Some(Decision::Link { .. } | Decision::Rename { .. })
    );
    match decision {
        Decision::Approve if item.action.is_change() && linked => Some(""),
        Decision::Approve if item.action.is_change() => None,
        Decision::Approve if item.action == crate::reconcile::Action::Conflict => {
            Some("resolve the conflict first: Enter opens the dialog")
        }
        Decision::Approve => Some("nothing to approve: this row changes nothing"),
        _ if linked => Some("this entry is linked or renamed: u undoes that, i ignores it"),
        _ if needs_decision(item.action) => None,
        _ => Some("nothing to skip: this row changes nothing"),
    }
}

/// `y`/`n`: the marked rows when any (from the list), else the current row, then the next
/// undecided row.
fn decide(app: &mut App, decision: Decision, use_marks: bool) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let marked = use_marks && !review.marks.is_empty();
    let targets: Vec<usize> = if marked {
        (0..review.plan.items.len())
            .filter(|&i| {
                review.keys[i]
                    .as_ref()
                    .is_some_and(|k| review.marks.contains(k))
            })
            .collect()
    } else {
        review.current().into_iter().collect()
    };
    let mut entries = Vec::new();
    let mut refused = None;
    for i in targets {
        let Some(key) = review.keys[i].clone() else {
            continue;
        };
        let current = app.decisions.decisions.get(&key);
        match refusal(&review.plan.items[i], current, &decision) {
            None => entries.push((key, Some(decision.clone()))),
            Some("") => {}
            Some(reason) => refused = Some(reason),
        }
    }
    let count = entries.len();
    let approved_one = (decision == Decision::Approve && !marked && count == 1)
        .then(|| review.current())
        .flatten();
    let effects = change(app, entries);
    let verb = if decision == Decision::Approve {
        "approved"
    } else {
        "skipped"
    };
    if let Some(i) = approved_one {
        offer_what_it_needs(app, i);
    }
    if marked {
        if let Some(review) = &mut app.review {
            review.marks.clear();
        }
        match refused {
            Some(reason) => note(
                app,
                format!("{verb} {count} marked rows; others left: {reason}"),
            ),
            None => note(app, format!("{verb} {count} marked rows")),
        }
    } else if let Some(reason) = refused {
        fail(app, reason);
        return effects;
    }
    next_undecided(app);
    effects
}

/// After a row is approved: offers to approve the pending changes it needs.
fn offer_what_it_needs(app: &mut App, item: usize) {
    let Some(review) = &app.review else {
        return;
    };
    let mut selected = vec![false; review.plan.items.len()];
    selected[item] = true;
    let settled = settle_decided(&review.plan, &mut selected, &app.decisions);
    let pending: Vec<usize> = settled
        .pulled_in
        .iter()
        .map(|p| p.item)
        .filter(|&j| {
            review.keys[j]
                .as_ref()
                .is_none_or(|k| !app.decisions.decisions.contains_key(k))
        })
        .collect();
    if !pending.is_empty() {
        app.overlay = Overlay::Confirm(Confirm {
            decision: Decision::Approve,
            items: pending,
            needed_by: Some(review.plan.items[item].username.clone()),
        });
    }
}

fn next_undecided(app: &mut App) {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return;
    };
    let start = review.cursor + 1;
    let found = review.view.iter().skip(start).position(|&i| {
        needs_decision(review.plan.items[i].action)
            && review.keys[i]
                .as_ref()
                .is_none_or(|k| !app.decisions.decisions.contains_key(k))
    });
    review.cursor = match found {
        Some(offset) => start + offset,
        None => (review.cursor + 1).min(review.view.len().saturating_sub(1)),
    };
    review.scroll_to_cursor(height);
}

fn ask_view(app: &mut App, decision: Decision) {
    let Some(review) = &app.review else {
        return;
    };
    let items: Vec<usize> = review
        .view
        .iter()
        .copied()
        .filter(|&i| {
            let current = review.keys[i]
                .as_ref()
                .and_then(|k| app.decisions.decisions.get(k));
            review.keys[i].is_some() && refusal(&review.plan.items[i], current, &decision).is_none()
        })
        .collect();
    if items.is_empty() {
        fail(app, "no row in this view can take that decision");
        return;
    }
    app.overlay = Overlay::Confirm(Confirm {
        decision,
        items,
        needed_by: None,
    });
}

fn confirm(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Confirm(question) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    if action != Action::Submit {
        match &question.needed_by {
            Some(by) => note(
                app,
                format!("{by} approved alone; committing it brings what it needs along"),
            ),
            None => note(app, "nothing changed"),
        }
        return Vec::new();
    }
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let entries: Vec<(String, Option<Decision>)> = question
        .items
        .iter()
        .filter_map(|&i| review.keys.get(i).cloned().flatten())
        .map(|k| (k, Some(question.decision.clone())))
        .collect();
    let count = entries.len();
    let effects = change(app, entries);
    let verb = if question.decision == Decision::Approve {
        "approved"
    } else {
        "skipped"
    };
    note(app, format!("{verb} {count} rows"));
    effects
}

fn toggle_mark(app: &mut App) {
    let height = app.list_height();
    let Some(review) = &mut app.review else {
        return;
    };
    let Some(key) = review.current().and_then(|i| review.keys[i].clone()) else {
        return;
    };
    if !review.marks.remove(&key) {
        review.marks.insert(key);
    }
    review.cursor = (review.cursor + 1).min(review.view.len().saturating_sub(1));
    review.scroll_to_cursor(height);
}

fn ignore(app: &mut App) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let Some(i) = review.current() else {
        return Vec::new();
    };
    let Some(key) = review.keys[i].clone() else {
        return Vec::new();
    };
    let name = review.plan.items[i].username.clone();
    let ignored = app.decisions.decisions.get(&key) == Some(&Decision::Ignore);
    let effects = change(app, vec![(key, (!ignored).then_some(Decision::Ignore))]);
    if ignored {
        note(app, format!("{name} is no longer ignored"));
    } else {
        note(app, format!("{name} ignored from now on (u undoes)"));
    }
    app.overlay = Overlay::None;
    effects
}
