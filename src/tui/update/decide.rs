//! Approving and skipping: `y`/`n` on the row or the marked rows, `Y`/`N` on the view after
//! a count, what an approved row needs, and `i` (ignore from now on).

use super::history::change;
use super::{fail, note};
use crate::ids::ItemKey;
use crate::reconcile::Action as Planned;
use crate::reconcile::PlanItem;
use crate::reconcile::decision::{Decision, settle_decided};
use crate::tui::action::Action;
use crate::tui::app::{App, Confirm, Effect, Overlay, Review, needs_decision};
use jiff::Timestamp;

/// The rows `y`/`n` decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rows {
    /// The marked rows when any, else the row under the cursor (the list).
    MarkedOrCurrent,
    /// The row under the cursor (the detail).
    Current,
}

/// What becomes of a decision asked for on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The decision is taken.
    Taken,
    /// Nothing to do: the item is linked or renamed, which approves it already.
    AlreadyApproved,
    /// The decision does not fit the item.
    Refused(Refusal),
}

/// Why a decision does not fit an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// A conflict is resolved, not approved.
    Conflict,
    /// The row changes nothing, so there is nothing to approve.
    NothingToApprove,
    /// The entry is linked or renamed: skipping it would drop that.
    LinkedOrRenamed,
    /// The row changes nothing, so there is nothing to skip.
    NothingToSkip,
}

impl Refusal {
    /// The reason, with what to do instead.
    fn reason(self) -> &'static str {
        match self {
            Self::Conflict => "resolve the conflict first: Enter opens the dialog",
            Self::NothingToApprove => "nothing to approve: this row changes nothing",
            Self::LinkedOrRenamed => "this entry is linked or renamed: u undoes that, i ignores it",
            Self::NothingToSkip => "nothing to skip: this row changes nothing",
        }
    }
}

/// Whether `decision` can be taken on an item that has `current`.
fn verdict(item: &PlanItem, current: Option<&Decision>, decision: &Decision) -> Verdict {
    let linked = matches!(
        current,
        Some(Decision::Link { .. } | Decision::Rename { .. })
    );
    let brought_forward = current == Some(&Decision::DeactivateNow);
    match decision {
        Decision::Approve if item.action.is_change() && (linked || brought_forward) => {
            Verdict::AlreadyApproved
        }
        Decision::Approve if item.action.is_change() => Verdict::Taken,
        Decision::Approve if item.action == Planned::Conflict => {
            Verdict::Refused(Refusal::Conflict)
        }
        Decision::Approve => Verdict::Refused(Refusal::NothingToApprove),
        _ if linked => Verdict::Refused(Refusal::LinkedOrRenamed),
        _ if needs_decision(item.action) => Verdict::Taken,
        _ => Verdict::Refused(Refusal::NothingToSkip),
    }
}

/// The plan positions `y`/`n` act on, and whether they are the marked rows.
fn targets(review: &Review, rows: Rows) -> (Vec<usize>, bool) {
    if rows == Rows::MarkedOrCurrent && !review.marks.is_empty() {
        let marked = (0..review.plan.items.len())
            .filter(|&i| {
                review.keys[i]
                    .as_ref()
                    .is_some_and(|k| review.marks.contains(k))
            })
            .collect();
        return (marked, true);
    }
    (review.current().into_iter().collect(), false)
}

/// `y`/`n`: the marked rows when any (from the list), else the current row, then the next
/// undecided row.
pub(super) fn decide(app: &mut App, decision: Decision, rows: Rows, now: Timestamp) -> Vec<Effect> {
    let Some(review) = &app.review else {
        return Vec::new();
    };
    let (targets, marked) = targets(review, rows);
    let mut entries = Vec::new();
    let mut refused = None;
    for i in targets {
        let Some(key) = review.keys[i].clone() else {
            continue;
        };
        let current = app.decisions.decisions.get(&key);
        match verdict(&review.plan.items[i], current, &decision) {
            Verdict::Taken => entries.push((key, Some(decision.clone()))),
            Verdict::AlreadyApproved => {}
            Verdict::Refused(why) => refused = Some(why),
        }
    }
    let count = entries.len();
    let approved_one = (decision == Decision::Approve && !marked && count == 1)
        .then(|| review.current())
        .flatten();
    let effects = change(app, entries, now);
    if let Some(i) = approved_one {
        offer_what_it_needs(app, i);
    }
    let verb = past_tense(&decision);
    if marked {
        if let Some(review) = &mut app.review {
            review.marks.clear();
        }
        match refused {
            Some(why) => note(
                app,
                format!("{verb} {count} marked rows; others left: {}", why.reason()),
            ),
            None => note(app, format!("{verb} {count} marked rows")),
        }
    } else if let Some(why) = refused {
        fail(app, why.reason());
        return effects;
    }
    next_undecided(app);
    effects
}

/// "approved" or "skipped".
fn past_tense(decision: &Decision) -> &'static str {
    if *decision == Decision::Approve {
        "approved"
    } else {
        "skipped"
    }
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
            needed_by: Some(review.plan.items[item].username.to_string()),
        });
    }
}

/// Moves the cursor to the next row that waits for a decision, else one row down.
pub(super) fn next_undecided(app: &mut App) {
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
    app.scroll_list_to_cursor();
}

/// `Y`/`N`: asks to confirm the decision on every row of the view that can take it.
pub(super) fn ask_view(app: &mut App, decision: Decision) {
    let Some(review) = &app.review else {
        return;
    };
    let items: Vec<usize> = review
        .view
        .iter()
        .copied()
        .filter(|&i| {
            let Some(key) = &review.keys[i] else {
                return false;
            };
            let current = app.decisions.decisions.get(key);
            verdict(&review.plan.items[i], current, &decision) == Verdict::Taken
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

/// The answer to a count confirmation: Enter takes the decision on its rows.
pub(super) fn confirm(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
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
    let entries: Vec<(ItemKey, Option<Decision>)> = question
        .items
        .iter()
        .filter_map(|&i| review.keys.get(i).cloned().flatten())
        .map(|k| (k, Some(question.decision.clone())))
        .collect();
    let count = entries.len();
    let effects = change(app, entries, now);
    note(
        app,
        format!("{} {count} rows", past_tense(&question.decision)),
    );
    effects
}

/// The current row's item and its decision key, when there is a row that takes decisions.
fn current_row(app: &App) -> Option<(&PlanItem, ItemKey)> {
    let review = app.review.as_ref()?;
    let i = review.current()?;
    Some((&review.plan.items[i], review.keys[i].clone()?))
}

/// `D`: deactivates the row's pending user in this commit, without waiting for its grace
/// period; on a user already brought forward, lets it wait again.
pub(super) fn deactivate_now(app: &mut App, now: Timestamp) -> Vec<Effect> {
    let Some((item, key)) = current_row(app) else {
        return Vec::new();
    };
    let name = item.username.clone();
    let brought_forward = app.decisions.decisions.get(&key) == Some(&Decision::DeactivateNow);
    if !brought_forward && item.action != Planned::Pending {
        fail(
            app,
            "only a user waiting out its grace period (bucket 8) can be deactivated now",
        );
        return Vec::new();
    }
    let effects = change(
        app,
        vec![(key, (!brought_forward).then_some(Decision::DeactivateNow))],
        now,
    );
    if brought_forward {
        note(app, format!("{name} waits out its grace period again"));
    } else {
        note(
            app,
            format!("{name} is deactivated by the next commit (approved; u undoes)"),
        );
    }
    effects
}

/// `i`: ignores the row's entry from now on, or stops ignoring it.
pub(super) fn ignore(app: &mut App, now: Timestamp) -> Vec<Effect> {
    let Some((item, key)) = current_row(app) else {
        return Vec::new();
    };
    let name = item.username.clone();
    let ignored = app.decisions.decisions.get(&key) == Some(&Decision::Ignore);
    let effects = change(
        app,
        vec![(key, (!ignored).then_some(Decision::Ignore))],
        now,
    );
    if ignored {
        note(app, format!("{name} is no longer ignored"));
    } else {
        note(app, format!("{name} ignored from now on (u undoes)"));
    }
    app.overlay = Overlay::None;
    effects
}
