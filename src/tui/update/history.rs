//! Every decision change goes through here: one undo step per action, a line in the
//! session's journal (who, when, what), a re-plan when a standing decision changed, and an
//! autosave.

use super::note;
use crate::clock::Clock;
use crate::ids::ItemKey;
use crate::reconcile::decision::{Decision, Taken};
use crate::report::model::DecisionEvent;
use crate::tui::app::{App, DecisionChange, Effect, UndoStep};
use crate::tui::text::plural;
use jiff::Timestamp;

/// Which way through the history `u` and Ctrl-r go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HistoryStep {
    /// Back to the decisions before the last change.
    Undo,
    /// Forward again, to what was undone.
    Redo,
}

/// Records a set of decision changes as one undo step; re-plans when a standing decision
/// changed; autosaves.
pub(super) fn change(
    app: &mut App,
    entries: Vec<(ItemKey, Option<Decision>)>,
    now: Timestamp,
) -> Vec<Effect> {
    let mut step: UndoStep = Vec::new();
    for (key, after) in entries {
        let before = app.decisions.decisions.get(&key).cloned();
        if before == after {
            continue;
        }
        set(app, &key, after.clone(), now);
        step.push(DecisionChange { key, before, after });
    }
    if step.is_empty() {
        return Vec::new();
    }
    for changed in &step {
        log_decision(app, &changed.key, changed.after.as_ref(), "", now);
    }
    let standing = touches_standing(&step);
    app.undo.push(step);
    app.redo.clear();
    changed(app, standing)
}

/// `u` / Ctrl-r: takes back the last change, or makes again the last one taken back.
pub(super) fn step_history(app: &mut App, way: HistoryStep, now: Timestamp) -> Vec<Effect> {
    let popped = match way {
        HistoryStep::Undo => app.undo.pop(),
        HistoryStep::Redo => app.redo.pop(),
    };
    let Some(step) = popped else {
        note(
            app,
            match way {
                HistoryStep::Undo => "nothing to undo",
                HistoryStep::Redo => "nothing to redo",
            },
        );
        return Vec::new();
    };
    let (prefix, done) = match way {
        HistoryStep::Undo => ("undo: ", "undid"),
        HistoryStep::Redo => ("redo: ", "redid"),
    };
    for changed in &step {
        let decision = match way {
            HistoryStep::Undo => changed.before.clone(),
            HistoryStep::Redo => changed.after.clone(),
        };
        log_decision(app, &changed.key, decision.as_ref(), prefix, now);
        set(app, &changed.key, decision, now);
    }
    let standing = touches_standing(&step);
    let count = step.len();
    match way {
        HistoryStep::Undo => app.redo.push(step),
        HistoryStep::Redo => app.undo.push(step),
    }
    let effects = changed(app, standing);
    note(app, format!("{done} {count} decision{}", plural(count)));
    effects
}

/// Adds a decision to the session's journal, with who took it and when.
fn log_decision(
    app: &mut App,
    key: &ItemKey,
    decision: Option<&Decision>,
    prefix: &str,
    now: Timestamp,
) {
    let words = match decision {
        None => "no decision".to_string(),
        Some(Decision::Approve) => "approve".to_string(),
        Some(Decision::Skip) => "skip this time".to_string(),
        Some(Decision::Ignore) => "ignore (standing)".to_string(),
        Some(Decision::Rename { username }) => format!("rename to {username} (standing)"),
        Some(Decision::DeactivateNow) => "deactivate now (grace cut short)".to_string(),
        Some(Decision::Link { ftrack_id }) => {
            format!(
                "link to ftrack user {} (standing)",
                app.ftrack_username(ftrack_id)
            )
        }
    };
    let username = app.username_of(key);
    journal(app, username, format!("{prefix}{words}"), now);
}

/// Adds a line to the session's journal.
pub(super) fn journal(app: &mut App, username: String, decision: String, now: Timestamp) {
    app.journal.push(DecisionEvent {
        at: Clock::Fixed(now).now_rfc3339(),
        operator: app.operator.clone(),
        username,
        decision,
    });
}

/// True when a decision that changes the plan (ignore, link, rename, deactivate now) is
/// among the changes.
fn touches_standing(step: &[DecisionChange]) -> bool {
    let standing = |d: &Option<Decision>| d.as_ref().is_some_and(Decision::changes_plan);
    step.iter()
        .any(|c| standing(&c.before) || standing(&c.after))
}

fn set(app: &mut App, key: &ItemKey, decision: Option<Decision>, now: Timestamp) {
    let taken = Taken {
        by: app.operator.clone(),
        at: Clock::Fixed(now).now_rfc3339(),
    };
    app.decisions.set_taken(key, decision, taken);
}

/// After decisions changed: plans again when a standing one changed, else counts again;
/// autosaves.
fn changed(app: &mut App, standing: bool) -> Vec<Effect> {
    if let Some(review) = &mut app.review {
        if standing {
            review.replan(&app.decisions);
            review.rebuild_view();
        } else {
            review.recount(&app.decisions);
        }
    }
    if standing {
        app.scroll_list_to_cursor();
    }
    vec![Effect::Autosave(app.decisions.clone())]
}
