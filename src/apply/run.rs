//! One apply with everything kept around it, whoever drives it (the `apply` command or the
//! console): the standing decisions recorded first, the audit log, identity links saved after
//! each batch, the outcome, the baseline of the next run's shrink check, and the watermark of
//! a read of changes.

use super::api::FtrackApi;
use super::engine::{Applied, ApplyListener, ApplyOptions, ApplyProgress, RecordError, apply_plan};
use super::outcome::{ItemOutcome, RunInfo};
use super::record::RunRecorder;
use super::watermark::{WatermarkKept, keep_watermark};
use crate::ids::{DirectoryId, FtrackId, Username};
use crate::reconcile::decision::{ApprovedPlan, Decisions};
use crate::reconcile::plan::PlanItem;
use crate::reconcile::{Scope, sets_size_baseline};
use crate::report::audit::AuditLog;
use crate::source::ldap::changes::ChangesRead;
use crate::state::{LastRun, RunLock, StateDir};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Where an apply keeps its records.
pub struct Records<'a> {
    /// The state directory (links, outcome, decisions, last run).
    pub state: &'a StateDir,
    /// The state directory's lock, held by the caller for the whole run.
    pub lock: &'a RunLock,
    /// The audit log to append to.
    pub audit_log: &'a Path,
    /// Standing decisions to record before anything is applied, so the next run keeps what
    /// this one does (a rename stays a rename).
    pub standing: Option<&'a Decisions>,
    /// The rollout scope the plan was made for: a narrowed run never sets the shrink baseline.
    pub scope: &'a Scope,
    /// The watermark of a `--changed` read, kept when the run succeeds whole.
    pub changes: Option<&'a ChangesRead>,
}

/// An apply and what could not be recorded of it.
pub struct Recorded {
    /// What the engine did.
    pub applied: Applied,
    /// The first audit write that failed, if any (the run stopped before its next batch).
    pub audit_error: Option<String>,
    /// Where the outcome was saved in the state directory.
    pub outcome_path: PathBuf,
    /// What became of the watermark of a `--changed` read.
    pub watermark: Option<WatermarkKept>,
}

/// Applies `approved` and keeps its records. `observer` sees progress and finished users;
/// the records are written whatever it does.
pub async fn apply_and_record(
    approved: &ApprovedPlan,
    api: &dyn FtrackApi,
    options: &ApplyOptions,
    records: Records<'_>,
    observer: &mut dyn ApplyListener,
    run: RunInfo,
) -> anyhow::Result<Recorded> {
    let _held: &RunLock = records.lock;
    let state = records.state;
    if let Some(standing) = records.standing {
        state
            .save_decisions(standing)
            .context("cannot record the standing decisions")?;
        observer.decisions_recorded();
    }
    let mut audit = AuditLog::open(records.audit_log)?;
    audit.run_started(&run, &approved.plan)?;
    let recorder = RunRecorder::new(state.clone(), audit, run.clone())?;
    let mut both = Both { recorder, observer };
    let applied = apply_plan(approved, api, options, &mut both, run).await;
    let RunRecorder {
        mut audit,
        mut audit_error,
        ..
    } = both.recorder;
    // The outcome is saved even when the log cannot take the run's end.
    if let Err(e) = audit.run_ended(&applied.outcome) {
        audit_error.get_or_insert(e.to_string());
    }
    let outcome_path = state
        .save_last_outcome(&applied.outcome)
        .context("cannot save the outcome in the state directory")?;
    // A grace period counts runs that read the whole directory and went through; a saved
    // plan's marks are from when it was made.
    if let Some(marks) = &approved.plan.missing_marks
        && applied.ending.refusal().is_none()
        && !options.exact
    {
        state
            .save_missing_marks(marks)
            .context("cannot save the missing marks of the grace period")?;
    }
    if sets_baseline(approved, options, &applied, records.scope) {
        let inputs = approved.plan.inputs;
        state
            .save_last_run(&LastRun::now(
                inputs.directory_users,
                inputs.ftrack_users,
                approved.plan.summary,
            ))
            .context("cannot save the run's figures")?;
    }
    let watermark = records
        .changes
        .map(|changes| {
            keep_watermark(
                state,
                changes,
                &applied,
                audit_error.is_some(),
                records.scope,
            )
        })
        .transpose()
        .context("cannot save the watermark in the state directory")?;
    Ok(Recorded {
        applied,
        audit_error,
        outcome_path,
        watermark,
    })
}

/// Only a fresh, whole, unrefused run whose plan could deactivate sets the next run's shrink
/// baseline; a saved plan's figures are from when it was made.
fn sets_baseline(
    approved: &ApprovedPlan,
    options: &ApplyOptions,
    applied: &Applied,
    scope: &Scope,
) -> bool {
    applied.ending.refusal().is_none()
        && !options.exact
        && sets_size_baseline(&approved.plan, scope)
}

/// Passes every event to the recorder and to the caller's observer.
struct Both<'a> {
    recorder: RunRecorder,
    observer: &'a mut dyn ApplyListener,
}

impl ApplyListener for Both<'_> {
    fn progress(&mut self, progress: &ApplyProgress) {
        self.observer.progress(progress);
    }

    fn sending(&mut self, batch: usize, users: &[&PlanItem]) -> Result<(), RecordError> {
        self.recorder.sending(batch, users)
    }

    fn finished(&mut self, outcome: &ItemOutcome) {
        self.recorder.finished(outcome);
        self.observer.finished(outcome);
    }

    fn linked(&mut self, directory_id: &DirectoryId, ftrack_id: &FtrackId, username: &Username) {
        self.recorder.linked(directory_id, ftrack_id, username);
    }

    fn checkpoint(&mut self) -> Result<(), RecordError> {
        self.recorder.checkpoint()
    }
}
