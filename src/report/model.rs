//! The reconciliation report's content, built from a plan (what would happen) or an apply
//! outcome (what happened). Every export format renders this one value.

use crate::apply::outcome::{ItemStatus, Outcome, OutcomeSummary, RunInfo};
use crate::reconcile::custom::CustomChange;
use crate::reconcile::plan::{Action, Candidate, FieldChange, GroupChanges, Plan, PlanItem};
use crate::reconcile::roles::RoleChange;
use crate::reconcile::seats::Seats;
use serde::{Deserialize, Serialize};

/// Version of the report's JSON layout. Version 2 added role changes per row and seats, both
/// optional: version 1 reports read as reports without them.
pub const REPORT_FORMAT_VERSION: u32 = 2;

/// Whether the report describes a plan or a finished apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// What would happen (dry run).
    Plan,
    /// What happened.
    Apply,
}

/// The section a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A new ftrack user.
    Created,
    /// Fields or groups changed.
    Updated,
    /// Activated again.
    Reactivated,
    /// Deactivated (never deleted).
    Deactivated,
    /// Needs a person; nothing changed.
    Conflicted,
    /// Left alone with a reason (also stale items and items not reached).
    Skipped,
    /// The server refused the change.
    Failed,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 7] = [
        Self::Created,
        Self::Updated,
        Self::Reactivated,
        Self::Deactivated,
        Self::Conflicted,
        Self::Skipped,
        Self::Failed,
    ];

    /// The name used in every format.
    pub fn name(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Reactivated => "reactivated",
            Self::Deactivated => "deactivated",
            Self::Conflicted => "conflicted",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
        }
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
}

/// Counts per category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Created users.
    pub created: usize,
    /// Updated users.
    pub updated: usize,
    /// Reactivated users.
    pub reactivated: usize,
    /// Deactivated users.
    pub deactivated: usize,
    /// Conflicts.
    pub conflicted: usize,
    /// Skipped users.
    pub skipped: usize,
    /// Failed users.
    pub failed: usize,
    /// Users already in sync (not listed as rows).
    pub unchanged: usize,
}

/// A complete reconciliation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version ([`REPORT_FORMAT_VERSION`]).
    pub format_version: u32,
    /// Plan or apply.
    pub kind: ReportKind,
    /// Time, sources and operator.
    pub run: RunInfo,
    /// Counts.
    pub summary: ReportSummary,
    /// Why nothing was applied, when a safety rule blocked the plan or the run stopped.
    pub blocked: Option<String>,
    /// Warnings of the read (incomplete directory, DN identities, ...).
    pub warnings: Vec<String>,
    /// Active ftrack users before and after the plan, and the seat limit (plan reports only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<Seats>,
    /// Rows in category order, then by username.
    pub rows: Vec<ReportRow>,
    /// What a console session did (every decision and commit), for a report it exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionLog>,
}

/// What a console session did: every decision, by whom and when, and every commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLog {
    /// Decisions in the order they were taken (undos included).
    pub decisions: Vec<DecisionEvent>,
    /// Commits in the order they ran.
    pub commits: Vec<CommitLog>,
}

/// One decision taken in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionEvent {
    /// When (UTC, RFC 3339).
    pub at: String,
    /// The operating-system user running the console.
    pub operator: String,
    /// Who it concerns (the entry's username).
    pub username: String,
    /// What was decided, in words ("approve", "rename to jdoe2", "undo: ignore").
    pub decision: String,
}

/// One commit of a console session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitLog {
    /// The run's id, as in the audit log.
    pub run_id: String,
    /// When it started and finished (UTC, RFC 3339).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
    /// Counts.
    pub summary: OutcomeSummary,
    /// Why it stopped early, if it did.
    pub stopped: Option<String>,
    /// The users it changed, failed or found stale: `(username, status, detail)`.
    pub users: Vec<(String, String, String)>,
}

impl CommitLog {
    /// The log of one commit's outcome.
    pub fn of(outcome: &Outcome) -> Self {
        let users = outcome
            .items
            .iter()
            .filter(|o| {
                matches!(
                    o.status,
                    ItemStatus::Applied | ItemStatus::Failed { .. } | ItemStatus::Stale { .. }
                ) && o.item.action.is_change()
            })
            .map(|o| {
                let status = match (&o.status, planned_category(o.item.action)) {
                    (ItemStatus::Applied, Some(category)) => category.name().to_string(),
                    (other, _) => other.name().to_string(),
                };
                let detail = o.status.detail().unwrap_or_default().to_string();
                (o.item.username.to_string(), status, detail)
            })
            .collect();
        Self {
            run_id: outcome.run.run_id.clone(),
            started_at: outcome.run.started_at.clone(),
            finished_at: outcome.run.finished_at.clone(),
            summary: outcome.summary,
            stopped: outcome.stopped.clone(),
            users,
        }
    }
}

fn row(item: &PlanItem, category: Category) -> ReportRow {
    ReportRow {
        category,
        username: item.username.to_string(),
        name: item.name.clone(),
        dn: item.directory.as_ref().map(|d| d.dn.clone()),
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
    }
}

fn planned_category(action: Action) -> Option<Category> {
    match action {
        Action::Create => Some(Category::Created),
        Action::Update => Some(Category::Updated),
        Action::Reactivate => Some(Category::Reactivated),
        Action::Deactivate => Some(Category::Deactivated),
        Action::Conflict => Some(Category::Conflicted),
        Action::Skip => Some(Category::Skipped),
        Action::Unchanged => None,
    }
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
            .then_with(|| a.username.to_lowercase().cmp(&b.username.to_lowercase()))
            .then_with(|| a.username.cmp(&b.username))
    });
    let mut summary = ReportSummary {
        unchanged,
        ..ReportSummary::default()
    };
    for r in &rows {
        *match r.category {
            Category::Created => &mut summary.created,
            Category::Updated => &mut summary.updated,
            Category::Reactivated => &mut summary.reactivated,
            Category::Deactivated => &mut summary.deactivated,
            Category::Conflicted => &mut summary.conflicted,
            Category::Skipped => &mut summary.skipped,
            Category::Failed => &mut summary.failed,
        } += 1;
    }
    Report {
        format_version: REPORT_FORMAT_VERSION,
        kind,
        run,
        summary,
        blocked,
        warnings,
        seats: None,
        rows,
        session: None,
    }
}

/// The report of a plan: what would happen.
pub fn report_from_plan(plan: &Plan, run: RunInfo) -> Report {
    let rows = plan
        .items
        .iter()
        .filter_map(|item| planned_category(item.action).map(|c| row(item, c)))
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

/// The report of an apply: what happened.
pub fn report_from_outcome(outcome: &Outcome) -> Report {
    let mut unchanged = 0;
    let mut rows = Vec::new();
    for o in &outcome.items {
        let category = match &o.status {
            ItemStatus::Applied => planned_category(o.item.action),
            ItemStatus::Failed { .. } => Some(Category::Failed),
            ItemStatus::Parked { .. } => Some(Category::Conflicted),
            ItemStatus::Skipped { .. } if o.item.action == Action::Unchanged => None,
            ItemStatus::Stale { .. }
            | ItemStatus::Skipped { .. }
            | ItemStatus::NotAttempted { .. } => Some(Category::Skipped),
        };
        let Some(category) = category else {
            unchanged += 1;
            continue;
        };
        let mut r = row(&o.item, category);
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
