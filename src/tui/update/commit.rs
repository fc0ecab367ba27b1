//! Commit, apply progress, results and report export.

use super::{default_report_path, fail, note, reload, request_quit};
use crate::apply::outcome::{ItemStatus, RunInfo};
use crate::reconcile::decision::{
    Approval, ApprovedPlan, Decision, Decisions, approves, settle_decided,
};
use crate::reconcile::plan::{Action as Planned, GroupChanges, Plan, Summary};
use crate::reconcile::prerequisites::Settled;
use crate::report::model::{report_from_outcome, report_from_plan};
use crate::tui::Effect;
use crate::tui::action::{Action, Context};
use crate::tui::app::{App, ApplyState, CommitModal, CommitScope, Overlay, Review, Screen};
use crate::tui::input::TextInput;
use std::collections::HashSet;
use std::path::PathBuf;

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
fn scope_keys(review: &Review, scope: CommitScope) -> Option<HashSet<String>> {
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
pub(crate) fn committed(app: &App, scope: CommitScope) -> (Decisions, Decisions) {
    let keys = app.review.as_ref().and_then(|r| scope_keys(r, scope));
    let in_scope = |key: &str| keys.as_ref().is_none_or(|k| k.contains(key));
    (
        app.recorded
            .updated_for(&app.decisions.standing(), in_scope),
        app.saved.updated_for(&app.decisions, in_scope),
    )
}

pub(super) fn open_commit(app: &mut App) {
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

pub(super) fn commit(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Commit(mut modal) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Cancel => return Vec::new(),
        Action::CycleScope => {
            modal.scope = match modal.scope {
                CommitScope::All => CommitScope::Marked,
                CommitScope::Marked => CommitScope::View,
                CommitScope::View => CommitScope::All,
            };
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
        Action::Submit => {
            let deactivations = modal.counts.deactivate;
            let blocked = app.review.as_ref().and_then(|r| r.plan.blocked.clone());
            if modal.counts.changes() == 0 {
                fail(
                    app,
                    "nothing approved in this selection: Tab chooses another",
                );
            } else if let Some(reason) = blocked {
                fail(
                    app,
                    format!("the plan is blocked and would be refused: {reason}"),
                );
            } else if deactivations > 0 && modal.typed != deactivations.to_string() {
                fail(
                    app,
                    format!("type {deactivations} to confirm the deactivations"),
                );
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
        }
        _ => {}
    }
    app.overlay = Overlay::Commit(modal);
    Vec::new()
}

pub(super) fn progress(app: &mut App, action: Action) -> Vec<Effect> {
    if action != Action::CancelApply {
        return Vec::new();
    }
    if let Screen::Applying(state) = &mut app.screen {
        state.cancelling = true;
    }
    note(app, "stopping after the current batch…");
    vec![Effect::CancelApply]
}

pub(super) fn results(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Export => {
            app.overlay = Overlay::Export {
                path: TextInput::new(&default_report_path(app.clock)),
            }
        }
        Action::Retry => {
            let failed: Vec<String> = match &app.screen {
                Screen::Results(state) => state
                    .applied
                    .outcome
                    .items
                    .iter()
                    .filter(|o| matches!(o.status, ItemStatus::Failed { .. }))
                    .filter_map(|o| crate::reconcile::decision::item_key(&o.item))
                    .collect(),
                _ => Vec::new(),
            };
            if failed.is_empty() {
                note(app, "nothing to retry: no user failed");
                return Vec::new();
            }
            app.mark_after_load = failed;
            return reload(app);
        }
        Action::Back => return reload(app),
        Action::Quit => return request_quit(app),
        Action::Up | Action::Down => {
            if let Screen::Results(state) = &mut app.screen {
                state.scroll = if action == Action::Up {
                    state.scroll.saturating_sub(1)
                } else {
                    state.scroll + 1
                };
            }
        }
        Action::Help => {
            app.overlay = Overlay::Help {
                context: Context::Results,
                scroll: 0,
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn export(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Export { path } = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Cancel => return Vec::new(),
        Action::Submit if path.text().trim().is_empty() => {
            fail(app, "type a file name for the report")
        }
        Action::Submit => {
            let mut report = match (&app.screen, &app.review) {
                (Screen::Results(state), _) => report_from_outcome(&state.applied.outcome),
                (_, Some(review)) => {
                    let s = &review.session;
                    let run =
                        RunInfo::start("console", &s.server, &s.api_user, &s.directory_source);
                    report_from_plan(&plan_as_decided(review, app.decisions()), run)
                }
                _ => return Vec::new(),
            };
            report.session = Some(app.session_log());
            note(app, format!("writing {}…", path.text()));
            let target = PathBuf::from(path.text());
            // The dialog stays open until the report is written: a failure leaves the path
            // as typed, to correct.
            app.overlay = Overlay::Export { path };
            return vec![Effect::ExportReport {
                report: Box::new(report),
                path: target,
            }];
        }
        _ => {}
    }
    app.overlay = Overlay::Export { path };
    Vec::new()
}

/// The review's plan with the admin's decisions so far: changes skipped in the console are
/// reported as skipped, changes still waiting for a decision say so.
fn plan_as_decided(review: &Review, decisions: &Decisions) -> Plan {
    let mut plan = review.plan.clone();
    for (item, key) in plan.items.iter_mut().zip(&review.keys) {
        if !item.action.is_change() {
            continue;
        }
        match key.as_ref().and_then(|k| decisions.decisions.get(k)) {
            Some(Decision::Skip) => {
                item.action = Planned::Skip;
                item.reason = Some("skipped in the console for this run".to_string());
                item.changes.clear();
                item.groups = GroupChanges::default();
            }
            Some(_) => {}
            None => {
                let waiting = "awaiting a decision in the console";
                item.reason = Some(match item.reason.take() {
                    Some(reason) => format!("{reason}; {waiting}"),
                    None => waiting.to_string(),
                });
            }
        }
    }
    plan.summary = Summary::count(&plan.items);
    plan
}
