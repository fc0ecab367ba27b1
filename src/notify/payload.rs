//! What a run tells: the run's JSON (webhook body and hook stdin) with a one- or two-line
//! `text` for Slack and Teams, and one JSON per user created or deactivated.

use crate::apply::engine::Ending;
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, OutcomeSummary, RunInfo, RunMode};
use crate::ids::FtrackId;
use crate::reconcile::plan::{Action, PlanItem};
use serde::Serialize;
use std::path::Path;

/// Failures listed by name in the run's JSON; the rest are counted.
const LISTED_FAILURES: usize = 50;

/// How a run ended, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Refused whole (a safety limit, a stale saved plan, ftrack unreadable): nothing applied.
    Blocked,
    /// Stopped early (a signal, ftrack gone): part applied.
    Stopped,
    /// Finished, but some users failed.
    Failed,
    /// Finished and changed something.
    Changed,
    /// Finished with nothing to change.
    Unchanged,
    /// Failed before anything was applied (the directory or ftrack unreachable, ...).
    Error,
}

/// Everything a notification needs to know of a finished apply.
pub struct RunEnd<'a> {
    /// What became of every item.
    pub outcome: &'a Outcome,
    /// How the run ended.
    pub ending: &'a Ending,
    /// The process exit code.
    pub exit_code: i32,
    /// The report written with `--report`, if any.
    pub report: Option<&'a Path>,
    /// Where the outcome was saved in the state directory.
    pub outcome_path: &'a Path,
}

/// One user who failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// ftrack username.
    pub username: String,
    /// What was tried.
    pub action: &'static str,
    /// The server's message.
    pub error: String,
}

/// The run's JSON: the webhook's body and the stdin of `on_run` and `on_blocked`.
#[derive(Debug, Clone, Serialize)]
pub struct RunNotice {
    /// One or two lines for a chat channel (Slack and Teams read this field).
    pub text: String,
    /// How the run ended.
    pub status: RunStatus,
    /// The process exit code (as UX.md lists them).
    pub exit_code: i32,
    /// `apply` (the only kind of run that notifies).
    pub mode: RunMode,
    /// Unique id of the run, as in the audit log.
    pub run_id: String,
    /// Host that ran it.
    pub host: String,
    /// Start, UTC RFC 3339.
    pub started_at: String,
    /// End, UTC RFC 3339.
    pub finished_at: String,
    /// The ftrack server.
    pub ftrack: String,
    /// Where the directory was read.
    pub directory: String,
    /// Counts per action and status.
    pub counts: OutcomeSummary,
    /// Why nothing was applied, when the run was refused whole.
    pub blocked: Option<String>,
    /// What needs a person, in words; empty when nothing does.
    pub attention: Vec<String>,
    /// Users who failed (the first 50).
    pub failures: Vec<Failure>,
    /// Failures past those listed.
    pub failures_not_listed: usize,
    /// The report written with `--report`, if any.
    pub report: Option<String>,
    /// The outcome saved in the state directory (empty when the run failed before applying).
    pub outcome: String,
}

impl RunNotice {
    /// True when the run needs a person (`on_blocked` runs).
    pub fn needs_attention(&self) -> bool {
        !self.attention.is_empty()
    }

    /// True when the run changed something in ftrack.
    pub fn changed(&self) -> bool {
        self.counts.applied() > 0
    }
}

/// The run's JSON for `end`.
pub fn run_notice(end: &RunEnd) -> RunNotice {
    let outcome = end.outcome;
    let status = status_of(end);
    let blocked = match end.ending {
        Ending::Refused(refusal) => Some(refusal.reason().to_string()),
        _ => None,
    };
    let failures: Vec<Failure> = outcome.items.iter().filter_map(failure).collect();
    let failures_not_listed = failures.len().saturating_sub(LISTED_FAILURES);
    let run = &outcome.run;
    let mut notice = RunNotice {
        text: String::new(),
        status,
        exit_code: end.exit_code,
        mode: run.mode,
        run_id: run.run_id.clone(),
        host: run.host.clone(),
        started_at: run.started_at.clone(),
        finished_at: run.finished_at.clone(),
        ftrack: run.ftrack.clone(),
        directory: run.directory.clone(),
        counts: outcome.summary,
        attention: attention(end, blocked.as_deref()),
        blocked,
        failures: failures.into_iter().take(LISTED_FAILURES).collect(),
        failures_not_listed,
        report: end.report.map(|p| p.display().to_string()),
        outcome: end.outcome_path.display().to_string(),
    };
    notice.text = text(&notice);
    notice
}

/// The run's JSON for a run that failed before applying anything, with its error message.
pub fn error_notice(run: &RunInfo, message: &str, exit_code: i32) -> RunNotice {
    let mut notice = RunNotice {
        text: String::new(),
        status: RunStatus::Error,
        exit_code,
        mode: run.mode,
        run_id: run.run_id.clone(),
        host: run.host.clone(),
        started_at: run.started_at.clone(),
        finished_at: String::new(),
        ftrack: run.ftrack.clone(),
        directory: run.directory.clone(),
        counts: OutcomeSummary::default(),
        blocked: None,
        attention: vec![format!("failed before applying anything: {message}")],
        failures: Vec::new(),
        failures_not_listed: 0,
        report: None,
        outcome: String::new(),
    };
    notice.text = chat_safe(&format!(
        "ldap2ftrack {} on {}: failed before applying anything: {message} (exit {exit_code})",
        notice.mode, notice.host
    ));
    notice
}

fn status_of(end: &RunEnd) -> RunStatus {
    match end.ending {
        Ending::Refused(_) => RunStatus::Blocked,
        Ending::Interrupted | Ending::Stopped(_) => RunStatus::Stopped,
        Ending::Finished if end.outcome.summary.failed > 0 => RunStatus::Failed,
        Ending::Finished if end.outcome.summary.applied() > 0 => RunStatus::Changed,
        Ending::Finished => RunStatus::Unchanged,
    }
}

fn failure(item: &ItemOutcome) -> Option<Failure> {
    match &item.status {
        ItemStatus::Failed { error } => Some(Failure {
            username: item.item.username.to_string(),
            action: item.item.action.name(),
            error: error.clone(),
        }),
        _ => None,
    }
}

/// What needs a person: a refusal, a run cut short, failures, conflicts waiting.
fn attention(end: &RunEnd, blocked: Option<&str>) -> Vec<String> {
    let counts = &end.outcome.summary;
    let mut reasons = Vec::new();
    if let Some(reason) = blocked {
        reasons.push(format!("nothing applied: {reason}"));
    } else if let Some(reason) = end.ending.message() {
        reasons.push(format!("stopped early: {reason}"));
    }
    if counts.failed > 0 {
        reasons.push(format!("{} failed", plural(counts.failed, "user")));
    }
    if counts.parked > 0 {
        reasons.push(format!(
            "{} waiting for a decision",
            plural(counts.parked, "conflict")
        ));
    }
    reasons
}

/// `ldap2ftrack apply on HOST: 3 created, 1 deactivated (exit 0)`, and the report on a second
/// line when one was written.
fn text(notice: &RunNotice) -> String {
    let c = &notice.counts;
    let what = match &notice.blocked {
        Some(reason) => format!("blocked, nothing applied: {reason}"),
        None => {
            let parts: Vec<String> = [
                (c.created, "created".to_string()),
                (c.updated, "updated".to_string()),
                (c.reactivated, "reactivated".to_string()),
                (c.deactivated, "deactivated".to_string()),
                (c.failed, "failed".to_string()),
                (c.parked, format!("{} waiting", noun(c.parked, "conflict"))),
                (c.not_attempted, "not attempted".to_string()),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, words)| format!("{n} {words}"))
            .collect();
            if parts.is_empty() {
                "no changes".to_string()
            } else {
                parts.join(", ")
            }
        }
    };
    let mut text = format!(
        "ldap2ftrack {} on {}: {what} (exit {})",
        notice.mode, notice.host, notice.exit_code
    );
    text = chat_safe(&text);
    if let Some(report) = &notice.report {
        text.push('\n');
        text.push_str(&chat_safe(&format!("Report: {report}")));
    }
    text
}

/// Text as Slack asks for it (`&`, `<` and `>` escaped, which Teams shows as the characters),
/// with hidden characters from directory values made visible.
fn chat_safe(text: &str) -> String {
    crate::characters::printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {}", noun(n, word))
}

fn noun(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Which per-user hook a user's change calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserEvent {
    /// A user was created.
    Create,
    /// A user was deactivated.
    Deactivate,
}

/// One user's JSON, the stdin of `on_create` and `on_deactivate`.
#[derive(Debug, Clone, Serialize)]
pub struct UserNotice<'a> {
    /// What happened to the user.
    pub event: UserEvent,
    /// The run that did it.
    pub run_id: &'a str,
    /// ftrack username.
    pub username: String,
    /// Display name.
    pub name: &'a str,
    /// The user's ftrack id.
    pub ftrack_id: Option<&'a FtrackId>,
    /// The directory entry's DN, if any.
    pub dn: Option<&'a str>,
    /// The item as applied: field, group and role changes.
    pub item: &'a PlanItem,
}

/// The users this run created or deactivated, each with its JSON.
pub fn user_notices(outcome: &Outcome) -> Vec<UserNotice<'_>> {
    outcome
        .items
        .iter()
        .filter(|o| o.status == ItemStatus::Applied)
        .filter_map(|o| {
            let event = match o.item.action {
                Action::Create => UserEvent::Create,
                Action::Deactivate => UserEvent::Deactivate,
                _ => return None,
            };
            Some(UserNotice {
                event,
                run_id: &outcome.run.run_id,
                username: o.item.username.to_string(),
                name: &o.item.name,
                ftrack_id: o
                    .created_id
                    .as_ref()
                    .or(o.item.ftrack.as_ref().map(|f| &f.id)),
                dn: o.item.directory.as_ref().map(|d| d.dn.as_str()),
                item: &o.item,
            })
        })
        .collect()
}
