//! What a console session did, for the report it exports: every decision with who took it and
//! when, and every commit.

use super::model::planned_category;
use crate::apply::outcome::{ItemStatus, Outcome, OutcomeSummary};
use serde::{Deserialize, Serialize};

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
                let status = match &o.status {
                    ItemStatus::Applied => planned_category(o.item.action).name().to_string(),
                    other => other.name().to_string(),
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
