//! What an apply did, user by user: a plain value that serialises to JSON and feeds reports.

use crate::clock::Clock;
use crate::ids::FtrackId;
use crate::reconcile::facts::RunFacts;
use crate::reconcile::plan::{Action, PlanItem};
use crate::reconcile::seats::Seats;
use serde::{Deserialize, Serialize};

/// Version of the outcome's JSON layout.
pub const OUTCOME_FORMAT_VERSION: u32 = 1;

/// What happened to one plan item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ItemStatus {
    /// Every operation of the item was applied.
    Applied,
    /// The server refused an operation; nothing or part of the item was applied.
    Failed {
        /// The server's message.
        error: String,
    },
    /// ftrack changed since the plan was made, so the item was left alone.
    Stale {
        /// What changed.
        reason: String,
    },
    /// Not applied by choice: skipped or ignored by a decision, outside the commit, or unchanged.
    Skipped {
        /// Why.
        reason: String,
        /// Why, as a value (outcomes saved before it was recorded read as `Unrecorded`).
        #[serde(default, skip_serializing_if = "SkipCause::is_unrecorded")]
        cause: SkipCause,
    },
    /// A conflict left for a person to resolve.
    Parked {
        /// The conflict, in words.
        reason: String,
    },
    /// The run stopped (Ctrl-C or an error) before reaching the item.
    NotAttempted {
        /// Why the run stopped.
        reason: String,
    },
}

/// Why an item was skipped, for code that sorts skips; the words are in the status's reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipCause {
    /// Approved, but held back because something it needs is not applied.
    HeldBack,
    /// A change that was not approved (or not in the commit).
    NotApproved,
    /// Already in sync: nothing to do.
    InSync,
    /// The plan left it alone (out of scope, not managed, ...).
    Plan,
    /// A protected account, which is never changed.
    Protected,
    /// Read back from an outcome saved before causes were recorded.
    #[default]
    Unrecorded,
}

impl SkipCause {
    /// True when the cause is not known.
    pub fn is_unrecorded(&self) -> bool {
        *self == Self::Unrecorded
    }
}

impl ItemStatus {
    /// The status name used in JSON, CSV and text.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Failed { .. } => "failed",
            Self::Stale { .. } => "stale",
            Self::Skipped { .. } => "skipped",
            Self::Parked { .. } => "parked",
            Self::NotAttempted { .. } => "not_attempted",
        }
    }

    /// The error or reason, if any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Applied => None,
            Self::Failed { error } => Some(error),
            Self::Stale { reason }
            | Self::Skipped { reason, .. }
            | Self::Parked { reason }
            | Self::NotAttempted { reason } => Some(reason),
        }
    }
}

/// One plan item and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemOutcome {
    /// The item as planned (after decisions such as a rename or link).
    pub item: PlanItem,
    /// What happened.
    pub status: ItemStatus,
    /// The ftrack id of a user created by this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_id: Option<FtrackId>,
}

/// What kind of run it was; written as `plan`, `apply` or `console`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunMode {
    /// A plan: computed, nothing changed.
    #[default]
    Plan,
    /// `apply`, headless.
    Apply,
    /// A commit from the reconciliation console.
    Console,
}

impl RunMode {
    /// The name files and messages use.
    pub fn as_str(self) -> &'static str {
        match self {
            RunMode::Plan => "plan",
            RunMode::Apply => "apply",
            RunMode::Console => "console",
        }
    }
}

impl std::fmt::Display for RunMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and by whom a run was made: for reports and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Unique id of the run (also in every audit event).
    pub run_id: String,
    /// Plan, apply or console.
    pub mode: RunMode,
    /// Start, UTC RFC 3339.
    pub started_at: String,
    /// End, UTC RFC 3339 (empty for a plan).
    #[serde(default)]
    pub finished_at: String,
    /// Host name of the machine that ran it.
    pub host: String,
    /// Operating-system user that ran it.
    pub operator: String,
    /// ftrack server URL (or snapshot file).
    pub ftrack: String,
    /// ftrack API user.
    #[serde(default)]
    pub api_user: String,
    /// Where the directory was read (LDAP URI or LDIF file).
    pub directory: String,
    /// The LDAP user filter in force, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub filter: String,
    /// The rollout scope in words, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

/// Counts of an outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    /// Users created.
    pub created: usize,
    /// Users updated.
    pub updated: usize,
    /// Users reactivated.
    pub reactivated: usize,
    /// Users deactivated.
    pub deactivated: usize,
    /// Items whose operations failed.
    pub failed: usize,
    /// Items left alone because ftrack changed since planning.
    pub stale: usize,
    /// Items skipped.
    pub skipped: usize,
    /// Conflicts parked for a person.
    pub parked: usize,
    /// Items not reached before the run stopped.
    pub not_attempted: usize,
}

impl OutcomeSummary {
    /// Counts the items.
    pub fn count(items: &[ItemOutcome]) -> Self {
        let mut s = Self::default();
        for outcome in items {
            let slot = match (&outcome.status, outcome.item.action) {
                (ItemStatus::Applied, Action::Create) => &mut s.created,
                (ItemStatus::Applied, Action::Update) => &mut s.updated,
                (ItemStatus::Applied, Action::Reactivate) => &mut s.reactivated,
                (ItemStatus::Applied, Action::Deactivate) => &mut s.deactivated,
                (ItemStatus::Applied, _) => continue,
                (ItemStatus::Failed { .. }, _) => &mut s.failed,
                (ItemStatus::Stale { .. }, _) => &mut s.stale,
                (ItemStatus::Skipped { .. }, _) => &mut s.skipped,
                (ItemStatus::Parked { .. }, _) => &mut s.parked,
                (ItemStatus::NotAttempted { .. }, _) => &mut s.not_attempted,
            };
            *slot += 1;
        }
        s
    }

    /// Changes that took effect.
    pub fn applied(&self) -> usize {
        self.created + self.updated + self.reactivated + self.deactivated
    }
}

/// The result of one apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Layout version ([`OUTCOME_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The run.
    pub run: RunInfo,
    /// Counts.
    pub summary: OutcomeSummary,
    /// ftrack groups this run created.
    pub groups_created: Vec<String>,
    /// Why the run stopped early, if it did (interrupted, a refused plan, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// HTTP requests sent to ftrack.
    pub requests: usize,
    /// How often the run sent fewer batches at once because ftrack said it was overloaded
    /// (429 or 503).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub slowed_down: usize,
    /// Active users before the run and after what it applied, when its plan counted them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<Seats>,
    /// Every plan item (unchanged ones included) with what became of it.
    pub items: Vec<ItemOutcome>,
}

impl Outcome {
    /// Active users before the run (as planned) and after what the run applied.
    pub fn seats_applied(&self, planned: &Seats) -> Option<Seats> {
        if *planned == Seats::default() {
            return None;
        }
        let s = &self.summary;
        let after =
            (planned.active_before + s.created + s.reactivated).saturating_sub(s.deactivated);
        Some(Seats {
            active_after: after,
            ..*planned
        })
    }

    /// An outcome with its summary counted from the items.
    pub fn new(run: RunInfo, items: Vec<ItemOutcome>) -> Self {
        Self {
            format_version: OUTCOME_FORMAT_VERSION,
            summary: OutcomeSummary::count(&items),
            run,
            groups_created: Vec::new(),
            stopped: None,
            requests: 0,
            slowed_down: 0,
            seats: None,
            items,
        }
    }
}

impl RunInfo {
    /// A new run now, by this process's user on this host.
    pub fn start(mode: RunMode, ftrack: &str, api_user: &str, directory: &str) -> Self {
        Self {
            run_id: uuid::Uuid::new_v4().to_string(),
            mode,
            started_at: Clock::System.now_rfc3339(),
            finished_at: String::new(),
            host: host(),
            operator: operator(),
            ftrack: ftrack.to_string(),
            api_user: api_user.to_string(),
            directory: directory.to_string(),
            filter: String::new(),
            scope: String::new(),
        }
    }

    /// The run that computed a plan, as the plan recorded it: no run id (a plan changes
    /// nothing) and no end.
    pub fn of_plan(facts: &RunFacts) -> Self {
        Self {
            run_id: String::new(),
            mode: RunMode::Plan,
            started_at: facts.computed_at.clone(),
            finished_at: String::new(),
            host: facts.host.clone(),
            operator: facts.operator.clone(),
            ftrack: facts.ftrack.clone(),
            api_user: facts.api_user.clone(),
            directory: facts.directory.clone(),
            filter: facts.filter.clone(),
            scope: facts.scope.clone(),
        }
    }
}

/// This machine's host name.
pub fn host() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// The operating-system user running this process, for the audit trail: the account name of
/// the real uid, looked up through the system's name services (NSS: local files, sssd, LDAP),
/// which the environment cannot fake. An account no name service knows is named by its uid.
/// Under sudo, the user who ran sudo is added.
pub fn operator() -> String {
    let uid = nix::unistd::getuid();
    let name = match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    };
    match std::env::var("SUDO_USER") {
        Ok(by) if uid.is_root() && !by.is_empty() => format!("{name} (sudo by {by})"),
        _ => name,
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[cfg(test)]
mod operator_tests {
    use super::operator;

    #[test]
    fn the_operator_is_the_account_name_id_reports() {
        let out = std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap();
        let name = String::from_utf8(out.stdout).unwrap();
        // Not under sudo in tests; `id` asks the same name services.
        assert_eq!(operator(), name.trim());
    }
}
