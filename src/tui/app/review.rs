//! The review of a loaded plan: the items bucket by bucket, the filter, the rows on screen,
//! the cursor, the marks and the plan's warnings.

use super::bucket::{Bucket, BucketRows};
use super::session::{Session, plan_session};
use super::warnings::{PlanWarning, ranked};
use crate::ids::{DirectoryId, FtrackId, ItemKey};
use crate::reconcile::decision::{Decision, Decisions, item_key};
use crate::reconcile::plan::{FieldValue, PlanItem};
use crate::reconcile::roles::RoleChange;
use crate::reconcile::{Action, Plan};
use std::collections::{HashMap, HashSet};

/// The plan and everything derived from it for the list.
#[derive(Debug)]
pub(crate) struct Review {
    pub session: Box<Session>,
    pub plan: Plan,
    /// The plan's warnings, most important first.
    pub warnings: Vec<PlanWarning>,
    /// Decision key per item.
    pub keys: Vec<Option<ItemKey>>,
    /// Folded text searched by the filter, per item.
    pub haystack: Vec<String>,
    /// Item positions per bucket.
    pub buckets: BucketRows,
    /// Directory id -> position in the session's directory.
    pub dir_index: HashMap<DirectoryId, usize>,
    /// ftrack id -> position in the session's ftrack users.
    pub ftrack_index: HashMap<FtrackId, usize>,
    pub bucket: Bucket,
    /// The buckets whose rows the list shows: the bucket, and on a narrow board Reactivate
    /// with Create.
    pub lane: Vec<Bucket>,
    /// Where each bucket's cursor and scroll were when the focus left it.
    pub spots: HashMap<Bucket, (usize, usize)>,
    pub filter: String,
    /// The rows of the list: item positions in the lane matching the filter.
    pub view: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    /// Marked item keys.
    pub marks: HashSet<ItemKey>,
    pub counts: DecisionCounts,
}

/// Decisions on the items that need one (changes and conflicts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionCounts {
    /// Changes that will be applied on commit.
    pub approved: usize,
    /// Skipped this time.
    pub skipped: usize,
    /// Still waiting for a decision.
    pub pending: usize,
}

/// True for items that wait for an admin's decision.
pub(crate) fn needs_decision(action: Action) -> bool {
    action.is_change() || action == Action::Conflict
}

impl Review {
    /// The review of a freshly loaded session.
    pub fn new(session: Box<Session>, decisions: &Decisions) -> Self {
        let dir_index = session
            .directory
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let ftrack_index = session
            .ftrack
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let plan = plan_session(&session, decisions);
        let mut review = Self {
            session,
            plan,
            warnings: Vec::new(),
            keys: Vec::new(),
            haystack: Vec::new(),
            buckets: BucketRows::default(),
            dir_index,
            ftrack_index,
            bucket: Bucket::Create,
            lane: vec![Bucket::Create],
            spots: HashMap::new(),
            filter: String::new(),
            view: Vec::new(),
            cursor: 0,
            offset: 0,
            marks: HashSet::new(),
            counts: DecisionCounts::default(),
        };
        review.derive();
        review.bucket = review.buckets.first_filled().unwrap_or(Bucket::Create);
        review.lane = vec![review.bucket];
        review.recount(decisions);
        review.rebuild_view();
        review
    }

    /// Plans again after a standing decision changed. The cursor stays on its item while the
    /// item stays in the view, else on the row that took its place (the next conflict, when
    /// a conflict was resolved).
    pub fn replan(&mut self, decisions: &Decisions) {
        let current = self.current().and_then(|i| self.keys[i].clone());
        let row = self.cursor;
        self.set_plan(plan_session(&self.session, decisions), decisions);
        // The view holds positions in the old plan: rebuild it from nothing.
        self.view.clear();
        self.rebuild_view();
        self.cursor = current
            .and_then(|key| self.position_of(&key))
            .unwrap_or_else(|| row.min(self.view.len().saturating_sub(1)));
    }

    /// True when the grace bucket is in use: someone waits out a grace period, or it is shown.
    pub fn has_grace(&self) -> bool {
        self.plan.summary.pending > 0 || self.bucket == Bucket::Pending
    }

    /// Takes a new plan and derives the buckets, keys and counts from it.
    pub fn set_plan(&mut self, plan: Plan, decisions: &Decisions) {
        self.plan = plan;
        self.derive();
        self.recount(decisions);
    }

    fn derive(&mut self) {
        self.keys = self.plan.items.iter().map(item_key).collect();
        let haystack: Vec<String> = self
            .plan
            .items
            .iter()
            .map(|item| self.searchable_text(item))
            .collect();
        self.haystack = haystack;
        self.buckets = BucketRows::of(&self.plan.items);
        self.warnings = ranked(&self.plan);
    }

    /// What the filter searches for an item, folded: username, name, DN, both sides' emails
    /// and groups, the groups the item adds or removes, and the roles the ftrack user holds
    /// and the item changes.
    fn searchable_text(&self, item: &PlanItem) -> String {
        let mut parts: Vec<&str> = vec![&item.username, &item.name];
        if let Some(entry) = item
            .directory
            .as_ref()
            .and_then(|d| self.dir_index.get(&d.id))
            .map(|&i| &self.session.directory.users[i])
        {
            parts.push(&entry.dn);
            parts.extend(entry.email.as_deref());
            parts.extend(entry.groups.iter().map(|g| g.as_str()));
        }
        if let Some(user) = item
            .ftrack
            .as_ref()
            .and_then(|f| self.ftrack_index.get(&f.id))
            .map(|&i| &self.session.ftrack.users[i])
        {
            parts.extend(user.email.as_deref());
            parts.extend(user.groups.iter().map(String::as_str));
            parts.extend(user.roles.iter().map(|held| held.role.as_str()));
        }
        for change in &item.changes {
            if let Some(FieldValue::Text(value)) = &change.to {
                parts.push(value);
            }
        }
        parts.extend(item.groups.add.iter().map(String::as_str));
        parts.extend(item.groups.remove.iter().map(String::as_str));
        parts.extend(item.roles.iter().map(RoleChange::role));
        parts.join("\u{0}").to_lowercase()
    }

    /// Counts approved, skipped and pending items.
    pub fn recount(&mut self, decisions: &Decisions) {
        let mut counts = DecisionCounts::default();
        for (item, key) in self.plan.items.iter().zip(&self.keys) {
            if !needs_decision(item.action) {
                continue;
            }
            let decision = key.as_ref().and_then(|k| decisions.decisions.get(k));
            match decision {
                Some(Decision::Skip) => counts.skipped += 1,
                Some(
                    Decision::Approve
                    | Decision::Link { .. }
                    | Decision::Rename { .. }
                    | Decision::DeactivateNow,
                ) if item.action.is_change() => counts.approved += 1,
                _ => counts.pending += 1,
            }
        }
        self.counts = counts;
    }

    /// The rows of the current bucket that match the filter; the cursor stays on its item
    /// when it is still there.
    pub fn rebuild_view(&mut self) {
        let current = self
            .view
            .get(self.cursor)
            .and_then(|&i| self.keys[i].clone());
        self.view = self.rows_of(&self.lane);

        let found = current.and_then(|key| self.position_of(&key));
        self.cursor = found.unwrap_or(self.cursor.min(self.view.len().saturating_sub(1)));
    }

    /// The items of these buckets that match the filter, in plan order.
    pub fn rows_of(&self, buckets: &[Bucket]) -> Vec<usize> {
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<usize> = buckets
            .iter()
            .flat_map(|b| self.buckets.rows(*b))
            .copied()
            .filter(|&i| needle.is_empty() || self.haystack[i].contains(&needle))
            .collect();
        if buckets.len() > 1 {
            rows.sort_unstable();
        }
        rows
    }

    /// The row of an item in the view.
    pub fn position_of(&self, key: &ItemKey) -> Option<usize> {
        self.view
            .iter()
            .position(|&i| self.keys[i].as_ref() == Some(key))
    }

    /// The plan position of an item.
    pub fn index_of(&self, key: &ItemKey) -> Option<usize> {
        self.keys.iter().position(|k| k.as_ref() == Some(key))
    }

    /// The item under the cursor.
    pub fn current(&self) -> Option<usize> {
        self.view.get(self.cursor).copied()
    }

    /// Keeps the cursor row on screen.
    pub fn scroll_to_cursor(&mut self, height: usize) {
        self.offset = visible_range(self.view.len(), self.cursor, self.offset, height).start;
    }
}

/// The rows to draw: starts at `offset` unless that hides the cursor; at most `height` rows.
pub fn visible_range(
    len: usize,
    cursor: usize,
    offset: usize,
    height: usize,
) -> std::ops::Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let cursor = cursor.min(len - 1);
    let mut start = offset.min(len.saturating_sub(height));
    if cursor < start {
        start = cursor;
    } else if cursor >= start + height {
        start = cursor + 1 - height;
    }
    start..(start + height).min(len)
}
