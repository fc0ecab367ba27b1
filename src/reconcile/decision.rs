//! Decisions an admin takes on plan items, and what they do to the next plan.
//!
//! A decision is keyed by the directory entry's stable id, or `ftrack:<id>` for an ftrack user
//! with no directory entry. `approve`, `skip` and `deactivate_now` concern one run. `ignore`, `link` and `rename`
//! are standing: they are kept in the state directory and honoured by every later run.
//! A link or a rename changes the planner's inputs, so the item is planned again and checked
//! like any other (a rename to a taken username is still a conflict).

use super::compute::compute_plan;
use super::needs::link_needs;
use super::plan::{Action, DecisionMark, Plan, PlanItem, SkipKind};
use super::policy::{DeactivateNow, Policy, Scope};
use super::prerequisites::{Settled, settle};
use crate::ids::{FtrackId, ItemKey, Username};
use crate::model::{DirectorySnapshot, FtrackSnapshot, Links};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Version of the decisions file's JSON layout.
pub const DECISIONS_FORMAT_VERSION: u32 = 1;

/// What an admin decided for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "lowercase")]
pub enum Decision {
    /// Apply this change.
    Approve,
    /// Leave it alone this time.
    Skip,
    /// Leave this entry alone on every run from now on.
    Ignore,
    /// This directory entry is that existing ftrack user.
    Link {
        /// The ftrack user's id.
        ftrack_id: FtrackId,
    },
    /// Create or update the user with this ftrack username instead of the mapped one.
    Rename {
        /// The ftrack username to use.
        username: Username,
    },
    /// Deactivate this user in this run, without waiting for its grace period to end.
    #[serde(rename = "deactivate_now")]
    DeactivateNow,
}

impl Decision {
    /// True for decisions that plan the item anew (standing ones, and a deactivation brought
    /// forward), rather than only approving or skipping it.
    pub fn changes_plan(&self) -> bool {
        self.is_standing() || *self == Self::DeactivateNow
    }

    /// True for decisions that last beyond one run.
    pub fn is_standing(&self) -> bool {
        matches!(self, Self::Ignore | Self::Link { .. } | Self::Rename { .. })
    }

    /// The decision in a few words, for reports.
    pub fn words(&self) -> String {
        match self {
            Self::Approve => "approve".to_string(),
            Self::Skip => "skip this time".to_string(),
            Self::Ignore => "ignore (standing)".to_string(),
            Self::Link { ftrack_id } => format!("link to ftrack user {ftrack_id} (standing)"),
            Self::Rename { username } => format!("rename to {username} (standing)"),
            Self::DeactivateNow => "deactivate now (grace cut short)".to_string(),
        }
    }
}

/// Who took a decision and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taken {
    /// The operating-system user who took it.
    pub by: String,
    /// When (UTC, RFC 3339).
    pub at: String,
}

/// The key of an item: its directory id, or `ftrack:<id>` for an ftrack-only user.
pub fn item_key(item: &PlanItem) -> Option<ItemKey> {
    match (&item.directory, &item.ftrack) {
        (Some(dir), _) => Some(ItemKey::Directory(dir.id.clone())),
        (None, Some(ftrack)) => Some(ItemKey::FtrackOnly(ftrack.id.clone())),
        (None, None) => None,
    }
}

/// A set of decisions, as written by the console and read by `apply --decisions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// Layout version ([`DECISIONS_FORMAT_VERSION`]).
    pub format_version: u32,
    /// Item key -> decision.
    #[serde(default)]
    pub decisions: BTreeMap<ItemKey, Decision>,
    /// Item key -> who took its decision and when, where that was recorded (files written
    /// before it was lack it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub taken: BTreeMap<ItemKey, Taken>,
}

impl Default for Decisions {
    fn default() -> Self {
        Self::of(BTreeMap::new())
    }
}

/// The reason given to items an ignore decision holds back.
pub const IGNORED: &str = "ignored by an admin decision (standing)";

impl Decisions {
    /// These decisions, with nothing recorded about who took them.
    pub fn of(decisions: BTreeMap<ItemKey, Decision>) -> Self {
        Self {
            format_version: DECISIONS_FORMAT_VERSION,
            decisions,
            taken: BTreeMap::new(),
        }
    }

    /// Sets (or with `None` removes) the decision for a key, recording who took it and when.
    pub fn set_taken(&mut self, key: &ItemKey, decision: Option<Decision>, taken: Taken) {
        match decision {
            Some(d) => {
                self.decisions.insert(key.clone(), d);
                self.taken.insert(key.clone(), taken);
            }
            None => {
                self.decisions.remove(key);
                self.taken.remove(key);
            }
        }
    }

    /// The decision on an item with who took it and when, when that was recorded.
    pub fn mark(&self, item: &PlanItem) -> Option<DecisionMark> {
        let key = item_key(item)?;
        let decision = self.decisions.get(&key)?;
        let taken = self.taken.get(&key)?;
        Some(DecisionMark {
            decision: decision.words(),
            by: taken.by.clone(),
            at: taken.at.clone(),
        })
    }

    /// Writes on each item the decision taken on it, with who and when, where recorded.
    pub fn mark_items(&self, items: &mut [PlanItem]) {
        if self.taken.is_empty() {
            return;
        }
        for item in items {
            if let Some(mark) = self.mark(item) {
                item.decided = Some(mark);
            }
        }
    }

    /// The decision for an item, if any.
    pub fn for_item(&self, item: &PlanItem) -> Option<&Decision> {
        self.decisions.get(&item_key(item)?)
    }

    /// Records a decision for an item (replacing an earlier one).
    pub fn decide(&mut self, item: &PlanItem, decision: Decision) {
        if let Some(key) = item_key(item) {
            self.decisions.insert(key, decision);
        }
    }

    /// Only the decisions that last beyond one run.
    pub fn standing(&self) -> Decisions {
        let decisions: BTreeMap<ItemKey, Decision> = self
            .decisions
            .iter()
            .filter(|(_, d)| d.is_standing())
            .map(|(k, d)| (k.clone(), d.clone()))
            .collect();
        let taken = self
            .taken
            .iter()
            .filter(|(k, _)| decisions.contains_key(*k))
            .map(|(k, t)| (k.clone(), t.clone()))
            .collect();
        Decisions {
            taken,
            ..Decisions::of(decisions)
        }
    }

    /// These decisions with `newer` laid over them (newer wins per key).
    pub fn overlaid(&self, newer: &Decisions) -> Decisions {
        let mut merged = self.clone();
        for (key, decision) in &newer.decisions {
            merged.decisions.insert(key.clone(), decision.clone());
            match newer.taken.get(key) {
                Some(taken) => merged.taken.insert(key.clone(), taken.clone()),
                None => merged.taken.remove(key),
            };
        }
        merged
    }

    /// These decisions with those of `newer` taken over for every key `in_scope` accepts:
    /// added, changed or removed there, left as they are elsewhere.
    pub fn updated_for(&self, newer: &Decisions, in_scope: impl Fn(&ItemKey) -> bool) -> Decisions {
        let mut updated = self.clone();
        updated.decisions.retain(|key, _| !in_scope(key));
        updated.taken.retain(|key, _| !in_scope(key));
        let mut newer = newer.clone();
        newer.decisions.retain(|key, _| in_scope(key));
        newer.taken.retain(|key, _| in_scope(key));
        updated.decisions.append(&mut newer.decisions);
        updated.taken.append(&mut newer.taken);
        updated
    }

    /// The planner's inputs with renames and links applied: renamed entries carry their new
    /// username, and linked entries point at the chosen ftrack user. The inputs are copied
    /// only when a decision renames or links.
    pub fn adjust_inputs<'a>(
        &self,
        directory: &'a DirectorySnapshot,
        links: &'a Links,
    ) -> (Cow<'a, DirectorySnapshot>, Cow<'a, Links>) {
        let changes_inputs = self
            .decisions
            .values()
            .any(|d| matches!(d, Decision::Rename { .. } | Decision::Link { .. }));
        if !changes_inputs {
            return (Cow::Borrowed(directory), Cow::Borrowed(links));
        }
        let mut directory = directory.clone();
        let mut links = links.clone();
        for user in &mut directory.users {
            match self.decisions.get(&ItemKey::Directory(user.id.clone())) {
                Some(Decision::Rename { username }) => user.username = Some(username.clone()),
                Some(Decision::Link { ftrack_id }) => {
                    // One directory entry per ftrack user: an older link to it gives way.
                    links.retain(|dir, linked| linked != ftrack_id || dir == &user.id);
                    links.insert(user.id.clone(), ftrack_id.clone());
                }
                _ => {}
            }
        }
        (Cow::Owned(directory), Cow::Owned(links))
    }

    /// The scope with the users an admin chose to deactivate now added to those it cuts the
    /// grace of; copied only when there are some.
    pub fn adjust_scope<'a>(&self, scope: &'a Scope) -> Cow<'a, Scope> {
        let now: BTreeSet<ItemKey> = self
            .decisions
            .iter()
            .filter(|(_, d)| matches!(d, Decision::DeactivateNow))
            .map(|(key, _)| key.clone())
            .collect();
        if now.is_empty() || scope.deactivate_now == DeactivateNow::Everyone {
            return Cow::Borrowed(scope);
        }
        let mut scope = scope.clone();
        scope.deactivate_now = match scope.deactivate_now {
            DeactivateNow::Only(mut keys) => {
                keys.extend(now);
                DeactivateNow::Only(keys)
            }
            _ => DeactivateNow::Only(now),
        };
        Cow::Owned(scope)
    }

    /// Marks the plan's items as the decisions say: ignored items become skips, and a link that
    /// the planner could not honour turns its item into a conflict that says so.
    pub fn apply_to_plan(&self, plan: &mut Plan) {
        for item in &mut plan.items {
            match self.for_item(item) {
                Some(Decision::Ignore) if item.action != Action::Unchanged => {
                    item.action = Action::Skip;
                    item.skip = Some(SkipKind::ByAdmin);
                    item.reason = Some(IGNORED.to_string());
                }
                Some(Decision::Link { ftrack_id })
                    if item.action != Action::Conflict
                        && item.ftrack.as_ref().map(|f| &f.id) != Some(ftrack_id) =>
                {
                    item.action = Action::Conflict;
                    item.reason = Some(format!(
                        "the decision links this entry to ftrack user {ftrack_id}, which does not exist or cannot be paired with it"
                    ));
                }
                _ => {}
            }
        }
        self.mark_items(&mut plan.items);
        plan.summary = super::plan::Summary::count(&plan.items);
    }
}

/// Plans with decisions: renames and links change the inputs, ignores hold items back.
pub fn plan_with_decisions(
    directory: &DirectorySnapshot,
    ftrack: &FtrackSnapshot,
    links: &Links,
    policy: &Policy,
    scope: &Scope,
    decisions: &Decisions,
) -> Plan {
    let (directory, links) = decisions.adjust_inputs(directory, links);
    let scope = decisions.adjust_scope(scope);
    let mut plan = compute_plan(&directory, ftrack, &links, policy, &scope);
    decisions.apply_to_plan(&mut plan);
    // Decisions can hold back a rename that another change needed.
    link_needs(&mut plan);
    plan
}

/// Which items of a plan may be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedPlan {
    /// The plan, with decisions applied.
    pub plan: Plan,
    /// Per item: may it be applied?
    pub approved: Vec<bool>,
    /// Changes added because approved ones need them, and approved ones held back because
    /// what they need cannot come along.
    pub settled: Settled,
}

impl ApprovedPlan {
    /// The approved items, completed by what they need (see [`settle`]).
    pub fn settled(plan: Plan, mut approved: Vec<bool>, decisions: &Decisions) -> Self {
        let settled = settle_decided(&plan, &mut approved, decisions);
        Self {
            plan,
            approved,
            settled,
        }
    }

    /// Why an item was held back, if it was.
    pub fn held_back(&self, item: usize) -> Option<&str> {
        self.settled
            .held_back
            .iter()
            .find(|h| h.item == item)
            .map(|h| h.reason.as_str())
    }
}

/// Completes a selection of `plan`'s items by what they need; a change skipped or ignored by
/// a decision is never pulled in, and what needs it is held back.
pub fn settle_decided(plan: &Plan, selected: &mut [bool], decisions: &Decisions) -> Settled {
    settle(plan, selected, |i| {
        refusal(decisions.for_item(&plan.items[i]))
    })
}

/// Why a change may not be pulled into a commit because of its decision.
fn refusal(decision: Option<&Decision>) -> Option<String> {
    match decision {
        Some(Decision::Skip) => Some("was skipped".to_string()),
        Some(Decision::Ignore) => Some("is ignored".to_string()),
        _ => None,
    }
}

/// How items without an explicit decision are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Every change that is not a conflict is approved (`apply --auto-approve`).
    Automatic,
    /// Only items explicitly approved (the console).
    Explicit,
}

/// Selects the items to apply: changes approved explicitly (or automatically), never
/// conflicts, never skipped or ignored ones; then what they need comes along, or they are
/// held back.
pub fn approve(mut plan: Plan, decisions: &Decisions, approval: Approval) -> ApprovedPlan {
    decisions.mark_items(&mut plan.items);
    for item in &mut plan.items {
        if item.action.is_change() && decisions.for_item(item) == Some(&Decision::Skip) {
            // Left out by a person, not merely unapproved: reports tell the two apart.
            item.skip = Some(SkipKind::ByAdmin);
        }
    }
    let approved = plan
        .items
        .iter()
        .map(|item| item.action.is_change() && approves(decisions.for_item(item), approval))
        .collect();
    ApprovedPlan::settled(plan, approved, decisions)
}

/// The approval rule, the same for `apply` and the console: may a change with this decision
/// be applied?
pub fn approves(decision: Option<&Decision>, approval: Approval) -> bool {
    match decision {
        Some(Decision::Skip | Decision::Ignore) => false,
        Some(Decision::Approve) => true,
        // A link, a rename or a deactivation brought forward is itself a considered decision
        // about this entry.
        Some(Decision::Link { .. } | Decision::Rename { .. } | Decision::DeactivateNow) => true,
        None => approval == Approval::Automatic,
    }
}
