//! What an apply did, user by user: a plain value that serialises to JSON and feeds reports.

use crate::clock::Clock;
use crate::reconcile::plan::{Action, PlanItem};
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
            | Self::Skipped { reason }
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
    pub created_id: Option<String>,
}

/// Where and by whom a run was made: for reports and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Unique id of the run (also in every audit event).
    pub run_id: String,
    /// `plan`, `apply` or `console`.
    pub mode: String,
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
    /// Every plan item (unchanged ones included) with what became of it.
    pub items: Vec<ItemOutcome>,
}

impl Outcome {
    /// An outcome with its summary counted from the items.
    pub fn new(run: RunInfo, items: Vec<ItemOutcome>) -> Self {
        Self {
            format_version: OUTCOME_FORMAT_VERSION,
            summary: OutcomeSummary::count(&items),
            run,
            groups_created: Vec::new(),
            stopped: None,
            requests: 0,
            items,
        }
    }
}

impl RunInfo {
    /// A new run now, by this process's user on this host.
    pub fn start(mode: &str, ftrack: &str, api_user: &str, directory: &str) -> Self {
        Self {
            run_id: uuid::Uuid::new_v4().to_string(),
            mode: mode.to_string(),
            started_at: Clock::System.now_rfc3339(),
            finished_at: String::new(),
            host: gethostname::gethostname().to_string_lossy().into_owned(),
            operator: operator(),
            ftrack: ftrack.to_string(),
            api_user: api_user.to_string(),
            directory: directory.to_string(),
        }
    }
}

/// The operating-system user running this process, for the audit trail: the account name of
/// the real uid (from /etc/passwd), which the environment cannot fake. Accounts that only a
/// directory service knows are named by `$USER` with the real uid beside it. Under sudo, the
/// user who ran sudo is added.
pub fn operator() -> String {
    let env_name = ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    let Some(uid) = real_uid() else {
        return env_name.unwrap_or_else(|| "unknown".to_string());
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = match (account_name(&passwd, uid), env_name) {
        (Some(name), _) => name,
        (None, Some(env)) => format!("{env} (uid {uid})"),
        (None, None) => format!("uid {uid}"),
    };
    match std::env::var("SUDO_USER") {
        Ok(by) if uid == 0 && !by.is_empty() => format!("{name} (sudo by {by})"),
        _ => name,
    }
}

/// The real uid of this process, from /proc (Linux).
fn real_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uids = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    uids.split_whitespace().next()?.parse().ok()
}

/// The name of the account with this uid in passwd(5) text.
fn account_name(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id = fields.nth(1)?;
        (id.parse() == Ok(uid) && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod operator_tests {
    use super::account_name;

    #[test]
    fn the_account_of_a_uid_is_read_from_passwd() {
        let passwd =
            "root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1001:1001::/home/alice:/bin/sh\n";
        assert_eq!(account_name(passwd, 1001).as_deref(), Some("alice"));
        assert_eq!(account_name(passwd, 0).as_deref(), Some("root"));
        assert_eq!(account_name(passwd, 1002), None);
    }
}
