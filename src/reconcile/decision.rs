//! Decisions an admin takes on plan items, and what they do to the next plan.
//!
//! A decision is keyed by the directory entry's stable id, or `ftrack:<id>` for an ftrack user
//! with no directory entry. `approve` and `skip` concern one run. `ignore`, `link` and `rename`
//! are standing: they are kept in the state directory and honoured by every later run.
//! A link or a rename changes the planner's inputs, so the item is planned again and checked
//! like any other (a rename to a taken username is still a conflict).

use super::compute::compute_plan;
use super::needs::link_needs;
use super::plan::{Action, Plan, PlanItem};
use super::policy::{Policy, Scope};
use super::prerequisites::{Settled, settle};
use crate::ids::{FtrackId, ItemKey, Username};
use crate::model::{DirectorySnapshot, FtrackSnapshot, Links};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

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
}

impl Decision {
    /// True for decisions that last beyond one run.
    pub fn is_standing(&self) -> bool {
        matches!(self, Self::Ignore | Self::Link { .. } | Self::Rename { .. })
    }
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
}

impl Default for Decisions {
    fn default() -> Self {
        Self {
            format_version: DECISIONS_FORMAT_VERSION,
            decisions: BTreeMap::new(),
        }
    }
}

/// The reason given to items an ignore decision holds back.
pub const IGNORED: &str = "ignored by an admin decision (standing)";

impl Decisions {
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
        Decisions {
            format_version: DECISIONS_FORMAT_VERSION,
            decisions: self
                .decisions
                .iter()
                .filter(|(_, d)| d.is_standing())
                .map(|(k, d)| (k.clone(), d.clone()))
                .collect(),
        }
    }

    /// These decisions with `newer` laid over them (newer wins per key).
    pub fn overlaid(&self, newer: &Decisions) -> Decisions {
        let mut merged = self.clone();
        merged
            .decisions
            .extend(newer.decisions.iter().map(|(k, d)| (k.clone(), d.clone())));
        merged
    }

    /// These decisions with those of `newer` taken over for every key `in_scope` accepts:
    /// added, changed or removed there, left as they are elsewhere.
    pub fn updated_for(&self, newer: &Decisions, in_scope: impl Fn(&ItemKey) -> bool) -> Decisions {
        let mut updated = self.clone();
        updated.decisions.retain(|key, _| !in_scope(key));
        updated.decisions.extend(
            newer
                .decisions
                .iter()
                .filter(|(key, _)| in_scope(key))
                .map(|(k, d)| (k.clone(), d.clone())),
        );
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

    /// Marks the plan's items as the decisions say: ignored items become skips, and a link that
    /// the planner could not honour turns its item into a conflict that says so.
    pub fn apply_to_plan(&self, plan: &mut Plan) {
        for item in &mut plan.items {
            match self.for_item(item) {
                Some(Decision::Ignore) if item.action != Action::Unchanged => {
                    item.action = Action::Skip;
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
    let mut plan = compute_plan(&directory, ftrack, &links, policy, scope);
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
pub fn approve(plan: Plan, decisions: &Decisions, approval: Approval) -> ApprovedPlan {
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
        // A link or rename is itself a considered decision about this entry.
        Some(Decision::Link { .. } | Decision::Rename { .. }) => true,
        None => approval == Approval::Automatic,
    }
}
