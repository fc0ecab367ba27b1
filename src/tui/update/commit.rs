//! The commit summary (`c`): what a commit covers (everything approved, the marked rows or
//! the view, with what they need), the typed count for deactivations, and the start of the
//! apply.

use super::fail;
use crate::ids::ItemKey;
use crate::reconcile::decision::{Approval, ApprovedPlan, Decisions, approves, settle_decided};
use crate::reconcile::plan::Summary;
use crate::reconcile::prerequisites::Settled;
use crate::tui::action::Action;
use crate::tui::app::{App, ApplyState, CommitModal, CommitScope, Effect, Overlay, Review, Screen};
use std::collections::HashSet;

/// What a commit covers.
struct Selection {
    /// Per plan item: part of the commit.
    approved: Vec<bool>,
    counts: Summary,
    settled: Settled,
    /// Approved changes left pending.
    left_out: usize,
}

/// The items a commit covers (with what they need), their counts, and what was pulled in,
/// held back or left out.
fn selection(app: &App, scope: CommitScope) -> Selection {
    let Some(review) = &app.review else {
        return Selection {
            approved: Vec::new(),
            counts: Summary::default(),
            settled: Settled::default(),
            left_out: 0,
        };
    };
    let in_view: HashSet<usize> = match scope {
        CommitScope::View => review.view.iter().copied().collect(),
        _ => HashSet::new(),
    };
    let decided: Vec<bool> = review
        .plan
        .items
        .iter()
        .zip(&review.keys)
        .map(|(item, key)| {
            let decision = key.as_ref().and_then(|k| app.decisions.decisions.get(k));
            item.action.is_change() && approves(decision, Approval::Explicit)
        })
        .collect();
    let mut approved: Vec<bool> = decided
        .iter()
        .enumerate()
        .map(|(i, &ok)| {
            let key = review.keys[i].as_ref();
            ok && match scope {
                CommitScope::All => true,
                CommitScope::Marked => key.is_some_and(|k| review.marks.contains(k)),
                CommitScope::View => in_view.contains(&i),
            }
        })
        .collect();
    let settled = settle_decided(&review.plan, &mut approved, &app.decisions);
    let mut counts = Summary::default();
    for (item, _) in review.plan.items.iter().zip(&approved).filter(|(_, a)| **a) {
        counts.add(item.action);
    }
    let left_out = decided
        .iter()
        .zip(&approved)
        .filter(|(d, a)| **d && !**a)
        .count();
    Selection {
        approved,
        counts,
        settled,
        left_out,
    }
}

/// The item keys a commit covers; `None` for every item.
fn scope_keys(review: &Review, scope: CommitScope) -> Option<HashSet<ItemKey>> {
    match scope {
        CommitScope::All => None,
        CommitScope::Marked => Some(review.marks.clone()),
        CommitScope::View => Some(
            review
                .view
                .iter()
                .filter_map(|&i| review.keys[i].clone())
                .collect(),
        ),
    }
}

/// What a commit records: the standing decisions in force once it is made, and what counts
/// as saved then. Decisions outside its scope stay the session's until saved or committed.
fn committed(app: &App, scope: CommitScope) -> (Decisions, Decisions) {
    let keys = app.review.as_ref().and_then(|r| scope_keys(r, scope));
    let in_scope = |key: &ItemKey| keys.as_ref().is_none_or(|k| k.contains(key));
    (
        app.recorded
            .updated_for(&app.decisions.standing(), in_scope),
        app.saved.updated_for(&app.decisions, in_scope),
    )
}

/// `c`: the commit summary, of the marked rows when any, else of everything approved.
pub(super) fn open(app: &mut App) {
    let Some(review) = &app.review else {
        return;
    };
    if review.counts.approved == 0 {
        fail(
            app,
            "nothing approved yet: y approves a row, Y the whole view",
        );
        return;
    }
    let scope = if review.marks.is_empty() {
        CommitScope::All
    } else {
        CommitScope::Marked
    };
    let Selection {
        approved,
        counts,
        settled,
        left_out,
    } = selection(app, scope);
    app.overlay = Overlay::Commit(Box::new(CommitModal {
        scope,
        approved,
        counts,
        settled,
        left_out,
        typed: String::new(),
    }));
}

/// What a key does in the commit summary.
pub(super) fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Commit(mut modal) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Cancel => return Vec::new(),
        Action::Submit => return submit(app, modal),
        Action::CycleScope => {
            modal.scope = modal.scope.next();
            let chosen = selection(app, modal.scope);
            modal.approved = chosen.approved;
            modal.counts = chosen.counts;
            modal.settled = chosen.settled;
            modal.left_out = chosen.left_out;
            modal.typed.clear();
        }
        Action::Insert(c) if c.is_ascii_digit() && modal.typed.len() < 9 => modal.typed.push(c),
        Action::DeleteChar => {
            modal.typed.pop();
        }
        _ => {}
    }
    app.overlay = Overlay::Commit(modal);
    Vec::new()
}

/// Enter: starts the apply when the selection can be committed; else says why and the
/// summary stays open.
fn submit(app: &mut App, modal: Box<CommitModal>) -> Vec<Effect> {
    if let Some(why) = hold_up(app, &modal) {
        fail(app, why);
    } else if let Some(review) = &app.review {
        let total = modal.approved.iter().filter(|a| **a).count();
        let approved = ApprovedPlan {
            plan: review.plan.clone(),
            approved: modal.approved,
            settled: modal.settled,
        };
        let (standing, saved_after) = committed(app, modal.scope);
        app.screen = Screen::Applying(ApplyState {
            total,
            progress: None,
            finished: Vec::new(),
            cancelling: false,
            saved_after,
            left_out: modal.left_out,
        });
        return vec![Effect::Apply {
            approved: Box::new(approved),
            standing,
        }];
    }
    app.overlay = Overlay::Commit(modal);
    Vec::new()
}

/// Why the selection cannot be committed as it is, if it cannot.
fn hold_up(app: &App, modal: &CommitModal) -> Option<String> {
    let deactivations = modal.counts.deactivate;
    let blocked = app.review.as_ref().and_then(|r| r.plan.blocked.as_ref());
    if modal.counts.changes() == 0 {
        Some("nothing approved in this selection: Tab chooses another".to_string())
    } else if let Some(reason) = blocked {
        Some(format!(
            "the plan is blocked and would be refused: {reason}"
        ))
    } else if deactivations > 0 && modal.typed != deactivations.to_string() {
        Some(format!("type {deactivations} to confirm the deactivations"))
    } else {
        None
    }
}
