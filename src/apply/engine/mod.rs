//! Applies an approved plan: check, prepare, then send in batches in a safe order, recording
//! links as creates land, reporting progress, stopping cleanly when asked.
//!
//! Order: missing managed groups, then renames (they free usernames), then creates with their
//! memberships, then updates and reactivations, then deactivations, so a failure early on never
//! leaves people deactivated before their replacements exist. A failed batch is split to
//! isolate the failing users; everyone else is still applied. A partial failure is data in the
//! [`Outcome`], not an error.

mod batches;
mod check;
mod follow;
mod ledger;
mod limiter;
mod send;
mod work;

use super::api::FtrackApi;
use super::outcome::{ItemOutcome, Outcome, RunInfo};
use crate::ftrack::error::FtrackError;
use crate::ids::{DirectoryId, FtrackId, Username};
use crate::reconcile::decision::ApprovedPlan;
use crate::reconcile::plan::{Action, PlanItem};
use ledger::Ledger;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Operations per request.
    pub batch_size: usize,
    /// Batches in flight at once, at most (1 sends them one after the other); fewer while
    /// ftrack throttles.
    pub concurrency: usize,
    /// A saved plan is applied exactly or not at all: any stale item refuses the whole plan.
    pub exact: bool,
    /// ftrack usernames that must never be changed (the API user included), case-folded.
    pub protected: Vec<String>,
    /// Set (e.g. by Ctrl-C) to stop before the next batch; batches in flight settle.
    pub cancel: Arc<AtomicBool>,
}

/// Progress of an apply, after each batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyProgress {
    /// Operations sent so far.
    pub done: usize,
    /// Operations in all.
    pub total: usize,
    /// Items applied so far.
    pub applied: usize,
    /// Items failed so far.
    pub failed: usize,
    /// Estimated time left.
    pub eta: Option<Duration>,
}

/// Something the run must keep could not be kept, so it stops before its next batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The audit log cannot be written (a full disk, say).
    #[error("the audit log cannot be written: {0}")]
    Audit(String),
    /// The identity links cannot be saved.
    #[error("an identity link could not be recorded: {0}")]
    Links(String),
}

/// Receives what happens while applying: progress, finished items, links to record.
pub trait ApplyListener {
    /// After each batch.
    fn progress(&mut self, _progress: &ApplyProgress) {}
    /// Before batch number `batch` (from 1) is sent, with the users it changes. An error
    /// stops the run before the batch: a change whose intent cannot be recorded is not made.
    fn sending(&mut self, _batch: usize, _users: &[&PlanItem]) -> Result<(), RecordError> {
        Ok(())
    }
    /// The standing decisions of the run were recorded in the state directory.
    fn decisions_recorded(&mut self) {}
    /// When an item is finished (applied or failed), in the order items finish.
    fn finished(&mut self, _outcome: &ItemOutcome) {}
    /// A directory entry is now known to be this ftrack user (kept until `checkpoint`).
    fn linked(&mut self, _directory_id: &DirectoryId, _ftrack_id: &FtrackId, _username: &Username) {
    }
    /// Makes the links reported so far durable; called before the first write and after each
    /// batch. An error stops the run.
    fn checkpoint(&mut self) -> Result<(), RecordError> {
        Ok(())
    }
}

/// ftrack could not be read while checking and preparing the plan, so nothing is sent.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    /// The users the plan touches could not be read.
    #[error("could not read ftrack to check the plan before applying it: {0}")]
    Users(FtrackError),
    /// The groups could not be read.
    #[error("could not read ftrack's groups: {0}")]
    Groups(FtrackError),
    /// The security roles, projects or users' roles could not be read.
    #[error("could not read ftrack's security roles and projects: {0}")]
    Access(FtrackError),
    /// The user custom attributes could not be read.
    #[error("could not read ftrack's user custom attributes: {0}")]
    Custom(FtrackError),
}

/// Why an apply was refused as a whole before anything was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A safety rule blocked the plan (exit 4).
    Safety(String),
    /// The saved plan no longer matches ftrack (exit 5).
    Stale(String),
    /// ftrack could not be read to check the plan (exit 69).
    Unavailable(String),
}

impl Refusal {
    /// The reason, in words.
    pub fn reason(&self) -> &str {
        match self {
            Self::Safety(r) | Self::Stale(r) | Self::Unavailable(r) => r,
        }
    }
}

/// Why a run stopped before the end of its work; what was sent before stays applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    /// Every operation of a batch failed to reach ftrack, retries included.
    #[error(
        "stopped: ftrack stopped answering ({0}); the rest was not attempted, run again once it answers"
    )]
    ServerGone(String),
    /// The audit log or the links could not be written.
    #[error("stopped: {0}; the rest was not attempted")]
    NotRecorded(RecordError),
    /// Usernames this run gives out were taken while it ran.
    #[error("{}", taken_message(*.0))]
    UsernamesTaken(usize),
}

fn taken_message(taken: usize) -> String {
    let users = if taken == 1 {
        "1 username this run was giving out was".to_string()
    } else {
        format!("{taken} usernames this run was giving out were")
    };
    format!(
        "stopped: {users} taken in ftrack while it was applying; another sync seems to be writing to this server. Make sure only one ldap2ftrack (one state directory) syncs it, then plan again"
    )
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Every approved item was attempted.
    Finished,
    /// Nothing was attempted: the plan was refused whole.
    Refused(Refusal),
    /// Ctrl-C or SIGTERM: stopped after the batches in flight.
    Interrupted,
    /// Stopped early for a reason of its own.
    Stopped(Stop),
}

impl Ending {
    /// What the outcome says of how the run ended, when it did not simply finish.
    pub fn message(&self) -> Option<String> {
        match self {
            Self::Finished => None,
            Self::Refused(refusal) => Some(refusal.reason().to_string()),
            Self::Interrupted => {
                Some("interrupted: stopped after the batches in flight".to_string())
            }
            Self::Stopped(stop) => Some(stop.to_string()),
        }
    }

    /// The refusal, when nothing was attempted.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }
}

/// The result of an apply: the outcome, and how the run ended.
#[derive(Debug, Clone)]
pub struct Applied {
    /// Per-item results and counts.
    pub outcome: Outcome,
    /// How the run ended.
    pub ending: Ending,
}

/// Applies the approved items of a plan.
pub async fn apply_plan(
    approved: &ApprovedPlan,
    api: &dyn FtrackApi,
    options: &ApplyOptions,
    listener: &mut dyn ApplyListener,
    run: RunInfo,
) -> Applied {
    let mut ledger = Ledger::new(approved);
    let ending = match prepare_and_send(approved, api, options, listener, &mut ledger).await {
        Ok(ending) | Err(ending) => ending,
    };
    let mut applied = ledger.into_applied(&approved.plan.items, ending, run, api.requests());
    applied.outcome.seats = applied.outcome.seats_applied(&approved.plan.seats);
    applied
}

/// Checks the plan against ftrack as it is now, turns it into operations and sends them.
/// `Err` is a refusal: nothing was sent.
async fn prepare_and_send(
    approved: &ApprovedPlan,
    api: &dyn FtrackApi,
    options: &ApplyOptions,
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) -> Result<Ending, Ending> {
    let items = &approved.plan.items;
    let refused = |refusal| Ending::Refused(refusal);
    let unavailable = |error: ReadError| refused(Refusal::Unavailable(error.to_string()));
    if let Some(reason) = &approved.plan.blocked
        && approved.approved.iter().any(|a| *a)
    {
        return Err(refused(Refusal::Safety(reason.clone())));
    }
    let todo = ledger.todo();
    let live = check::read_live(api, items, &todo)
        .await
        .map_err(unavailable)?;
    let stale = check::against_live(items, &todo, &live, &options.protected, ledger);
    if options.exact && stale > 0 {
        return Err(refused(Refusal::Stale(check::stale_plan(stale))));
    }
    // Pairs found by username become links now: no write is needed to know them.
    for item in items.iter().filter(|i| i.action == Action::Unchanged) {
        record_match(item, listener);
    }
    let recorded = listener.checkpoint();
    let work = work::prepare(api, &approved.plan, &todo, &live, ledger)
        .await
        .map_err(unavailable)?;
    ledger.report_final(items, &todo, listener);
    if let Err(error) = recorded {
        return Ok(Ending::Stopped(Stop::NotRecorded(error)));
    }
    let ending = send::send_all(api, items, &work, options, listener, ledger).await;
    if ending == Ending::Finished {
        follow::follow_up_created(api, &approved.plan, options, listener, ledger).await;
    }
    Ok(ending)
}

/// Records the link of a paired item (found by username, or chosen by a decision).
fn record_match(item: &PlanItem, listener: &mut dyn ApplyListener) {
    // Links chosen by a decision are recorded too, so they outlive the decision.
    if let (Some(dir), Some(ftrack), Some(_)) = (&item.directory, &item.ftrack, item.matched_by) {
        listener.linked(&dir.id, &ftrack.id, &item.username);
    }
}
