//! The reconciliation report's content, built from a plan (what would happen) or an apply
//! outcome (what happened). Every export format renders this one value.

use super::advice;
pub use super::session::{CommitLog, DecisionEvent, SessionLog};
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, SkipCause};
use crate::reconcile::custom::CustomChange;
use crate::reconcile::grace::GraceState;
use crate::reconcile::plan::{
    Action, Candidate, DecisionMark, FieldChange, GroupChanges, Plan, PlanItem, SkipKind,
};
use crate::reconcile::roles::RoleChange;
use crate::reconcile::seats::Seats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the report's JSON layout. Version 2 added role changes per row and seats; version
/// 3 the blocked and unchanged categories, skip kinds, decisions, advice, the planned action of
/// an apply's rows and when the report was made. All are optional: older reports still read.
pub const REPORT_FORMAT_VERSION: u32 = 3;

/// Whether the report describes a plan or a finished apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// What would happen (dry run).
    Plan,
    /// What happened.
    Apply,
}

/// The section a row belongs to. The order is the report's: what needs a person first
/// (failures, conflicts, blocked items), then deactivations, then the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The server refused the change.
    Failed,
    /// Needs a person; nothing changed.
    Conflicted,
    /// Held back (a safety rule, a change it needs, ftrack changed since planning, the run
    /// stopped first); a person has to act before it can go ahead.
    Blocked,
    /// Deactivated (never deleted).
    Deactivated,
    /// Waits out a grace period before deactivation; nothing changed.
    Pending,
    /// A new ftrack user.
    Created,
    /// Fields or groups changed.
    Updated,
    /// Activated again.
    Reactivated,
    /// Left alone with a reason.
    Skipped,
    /// Already in sync (listed only when asked for).
    Unchanged,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 10] = [
        Self::Failed,
        Self::Conflicted,
        Self::Blocked,
        Self::Deactivated,
        Self::Pending,
        Self::Created,
        Self::Updated,
        Self::Reactivated,
        Self::Skipped,
        Self::Unchanged,
    ];

    /// The identifier used in JSON, CSV and HTML classes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Conflicted => "conflicted",
            Self::Blocked => "blocked",
            Self::Deactivated => "deactivated",
            Self::Pending => "pending",
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Reactivated => "reactivated",
            Self::Skipped => "skipped",
            Self::Unchanged => "unchanged",
        }
    }

    /// True for the sections that need a person before anything more can happen.
    pub fn needs_a_person(self) -> bool {
        matches!(self, Self::Failed | Self::Conflicted | Self::Blocked)
    }
}

/// One user in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    /// Section.
    pub category: Category,
    /// ftrack username (after the change).
    pub username: String,
    /// Display name.
    pub name: String,
    /// Directory DN, when the user is in the directory.
    pub dn: Option<String>,
    /// ftrack user id, when known.
    pub ftrack_id: Option<String>,
    /// Field changes, old -> new.
    pub changes: Vec<FieldChange>,
    /// Managed-group changes.
    pub groups: GroupChanges,
    /// Managed security role changes, each with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleChange>,
    /// Custom attribute changes, old -> new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<CustomChange>,
    /// Why (skips, conflicts, deactivations, stale items).
    pub reason: Option<String>,
    /// The server's error (failed rows).
    pub error: Option<String>,
    /// Existing ftrack users a conflict could be resolved to.
    pub candidates: Vec<Candidate>,
    /// Where a pending (or grace-deactivated) user stands in its grace period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace: Option<GraceState>,
    /// What the run would have done (apply reports): create, update, reactivate or deactivate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned: Option<Action>,
    /// Why a skipped or blocked row was left alone, as a kind (absent when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<SkipKind>,
    /// The decision a person took on it, with who and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided: Option<DecisionMark>,
    /// What a person should do next (conflicts, blocked and failed rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// Counts per category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Created users.
    pub created: usize,
    /// Updated users.
    pub updated: usize,
    /// Reactivated users.
    pub reactivated: usize,
    /// Deactivated users.
    pub deactivated: usize,
    /// Users waiting out a grace period before deactivation.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pending: usize,
    /// Conflicts.
    pub conflicted: usize,
    /// Skipped users.
    pub skipped: usize,
    /// Failed users.
    pub failed: usize,
    /// Users already in sync (listed as rows only when asked for).
    pub unchanged: usize,
    /// Items held back until a person acts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blocked: usize,
    /// Skipped users by reason (those whose reason has no kind are not counted here).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped_by: BTreeMap<SkipKind, usize>,
}

/// A complete reconciliation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version ([`REPORT_FORMAT_VERSION`]).
    pub format_version: u32,
    /// Plan or apply.
    pub kind: ReportKind,
    /// The run behind the report: for a plan, when, where and by whom it was computed.
    pub run: RunInfo,
    /// When the report itself was made (UTC, RFC 3339), when not at the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
    /// The file the report was made from, when it was made from a saved one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_from: Option<String>,
    /// Counts.
    pub summary: ReportSummary,
    /// Why nothing was applied, when a safety rule blocked the plan or the run stopped.
    pub blocked: Option<String>,
    /// Warnings of the read (incomplete directory, DN identities, ...).
    pub warnings: Vec<String>,
    /// Active ftrack users before and after the plan, and the seat limit (plan reports only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<Seats>,
    /// Rows in category order (skipped rows by reason), then by username.
    pub rows: Vec<ReportRow>,
    /// What a console session did (every decision and commit), for a report it exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionLog>,
}

/// What rows a report lists beyond the changes and the items that need a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listing {
    /// Also list users already in sync (otherwise only counted).
    pub unchanged: bool,
}

fn row(item: &PlanItem, category: Category) -> ReportRow {
    ReportRow {
        category,
        username: item.username.to_string(),
        name: item.name.clone(),
        dn: item.directory.as_ref().map(|d| d.dn.to_string()),
        ftrack_id: item.ftrack.as_ref().map(|f| f.id.to_string()),
        changes: item.changes.clone(),
        groups: item.groups.clone(),
        roles: item.roles.clone(),
        custom: item.custom.clone(),
        reason: item.reason.clone(),
        error: None,
        candidates: item
            .conflict
            .as_ref()
            .map(|c| c.candidates.clone())
            .unwrap_or_default(),
        grace: item.grace,
        planned: None,
        skip: None,
        decided: item.decided.clone(),
        advice: None,
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub(super) fn planned_category(action: Action) -> Category {
    match action {
        Action::Create => Category::Created,
        Action::Update => Category::Updated,
        Action::Reactivate => Category::Reactivated,
        Action::Deactivate => Category::Deactivated,
        Action::Pending => Category::Pending,
        Action::Conflict => Category::Conflicted,
        Action::Skip => Category::Skipped,
        Action::Unchanged => Category::Unchanged,
    }
}

/// The row of a plan item: a skip held back by a safety rule is blocked, not skipped.
fn plan_row(item: &PlanItem) -> ReportRow {
    let skip = (item.action == Action::Skip).then(|| skip_kind(item));
    let category = match skip {
        Some(Some(SkipKind::Held)) => Category::Blocked,
        _ => planned_category(item.action),
    };
    let mut r = row(item, category);
    r.skip = skip.flatten();
    r.advice = advice::for_plan_item(item, category);
    r
}

/// Why a skipped item was left alone: the kind the plan recorded, else the one its words
/// tell (plans saved before kinds were recorded).
fn skip_kind(item: &PlanItem) -> Option<SkipKind> {
    item.skip
        .or_else(|| advice::skip_kind_of(item.reason.as_deref().unwrap_or_default()))
}

fn finish(
    kind: ReportKind,
    run: RunInfo,
    blocked: Option<String>,
    warnings: Vec<String>,
    mut rows: Vec<ReportRow>,
    unchanged: usize,
) -> Report {
    rows.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| a.skip.cmp(&b.skip))
            .then_with(|| a.username.to_lowercase().cmp(&b.username.to_lowercase()))
            .then_with(|| a.username.cmp(&b.username))
    });
    let mut summary = ReportSummary {
        unchanged,
        ..ReportSummary::default()
    };
    for r in &rows {
        let slot = match r.category {
            Category::Created => &mut summary.created,
            Category::Updated => &mut summary.updated,
            Category::Reactivated => &mut summary.reactivated,
            Category::Deactivated => &mut summary.deactivated,
            Category::Pending => &mut summary.pending,
            Category::Conflicted => &mut summary.conflicted,
            Category::Blocked => &mut summary.blocked,
            Category::Skipped => &mut summary.skipped,
            Category::Failed => &mut summary.failed,
            // Counted by the caller, listed or not.
            Category::Unchanged => continue,
        };
        *slot += 1;
        if let (Category::Skipped, Some(kind)) = (r.category, r.skip) {
            *summary.skipped_by.entry(kind).or_default() += 1;
        }
    }
    Report {
        format_version: REPORT_FORMAT_VERSION,
        kind,
        run,
        made_at: None,
        made_from: None,
        summary,
        blocked,
        warnings,
        seats: None,
        rows,
        session: None,
    }
}

/// The report of a plan: what would happen.
pub fn report_from_plan(plan: &Plan, run: RunInfo, listing: Listing) -> Report {
    let rows = plan
        .items
        .iter()
        .filter(|item| listing.unchanged || item.action != Action::Unchanged)
        .map(plan_row)
        .collect();
    let mut report = finish(
        ReportKind::Plan,
        run,
        plan.blocked.clone(),
        plan.warnings.clone(),
        rows,
        plan.summary.unchanged,
    );
    // A plan saved before plans counted seats has none to report.
    report.seats = (plan.seats != Seats::default()).then_some(plan.seats);
    report
}

/// The section of an item of an apply, by what became of it.
fn outcome_category(o: &ItemOutcome) -> Category {
    match &o.status {
        ItemStatus::Applied => planned_category(o.item.action),
        ItemStatus::Failed { .. } => Category::Failed,
        ItemStatus::Parked { .. } => Category::Conflicted,
        ItemStatus::Stale { .. } | ItemStatus::NotAttempted { .. } => Category::Blocked,
        ItemStatus::Skipped { cause, .. } => match (cause, o.item.action) {
            (SkipCause::InSync, _) | (_, Action::Unchanged) => Category::Unchanged,
            (_, Action::Pending) => Category::Pending,
            _ if outcome_skip_kind(o) == Some(SkipKind::Held) => Category::Blocked,
            _ => Category::Skipped,
        },
    }
}

/// Why an item of an apply was skipped, as a kind.
fn outcome_skip_kind(o: &ItemOutcome) -> Option<SkipKind> {
    let ItemStatus::Skipped { cause, reason } = &o.status else {
        return None;
    };
    match cause {
        SkipCause::HeldBack => Some(SkipKind::Held),
        SkipCause::Protected => Some(SkipKind::Protected),
        SkipCause::NotApproved if o.item.skip == Some(SkipKind::ByAdmin) => Some(SkipKind::ByAdmin),
        SkipCause::NotApproved => Some(SkipKind::NotApproved),
        SkipCause::InSync => None,
        SkipCause::Plan | SkipCause::Unrecorded => {
            o.item.skip.or_else(|| advice::skip_kind_of(reason))
        }
    }
}

/// The report of an apply: what happened.
pub fn report_from_outcome(outcome: &Outcome, listing: Listing) -> Report {
    let mut unchanged = 0;
    let mut rows = Vec::new();
    for o in &outcome.items {
        let category = outcome_category(o);
        if category == Category::Unchanged {
            unchanged += 1;
            if !listing.unchanged {
                continue;
            }
        }
        let mut r = row(&o.item, category);
        r.planned = o.item.action.is_change().then_some(o.item.action);
        r.skip = outcome_skip_kind(o);
        if let Some(id) = &o.created_id {
            r.ftrack_id = Some(id.to_string());
        }
        match &o.status {
            ItemStatus::Failed { error } => r.error = Some(error.clone()),
            ItemStatus::Stale { reason } => r.reason = Some(format!("stale: {reason}")),
            ItemStatus::NotAttempted { reason } => {
                r.reason = Some(format!("not attempted: {reason}"))
            }
            ItemStatus::Skipped { reason, .. } | ItemStatus::Parked { reason } => {
                r.reason = Some(reason.clone())
            }
            ItemStatus::Applied => {}
        }
        r.advice = advice::for_outcome(o, category);
        rows.push(r);
    }
    let mut report = finish(
        ReportKind::Apply,
        outcome.run.clone(),
        outcome.stopped.clone(),
        Vec::new(),
        rows,
        unchanged,
    );
    report.seats = outcome.seats;
    report
}
