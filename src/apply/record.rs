//! What every apply records as it goes, whoever drives it (the `apply` command or the console):
//! each batch's intent before it is sent, identity links saved after each batch, and one audit
//! event per finished change.

use crate::apply::engine::RecordError;
use crate::apply::outcome::{ItemOutcome, RunInfo};
use crate::ids::{DirectoryId, FtrackId, Username};
use crate::reconcile::plan::PlanItem;
use crate::report::audit::AuditLog;
use crate::state::{LinkRecord, StateDir};
use anyhow::Context;

/// Keeps links and the audit log up to date during an apply.
pub(crate) struct RunRecorder {
    state: StateDir,
    records: Vec<LinkRecord>,
    unsaved: bool,
    /// The open audit log.
    pub(crate) audit: AuditLog,
    /// The first audit write that failed, if any.
    pub(crate) audit_error: Option<String>,
    run: RunInfo,
}

impl RunRecorder {
    /// Loads the current links; `audit` must already be open.
    pub(crate) fn new(state: StateDir, audit: AuditLog, run: RunInfo) -> anyhow::Result<Self> {
        let records = state
            .load_link_records()
            .context("cannot read the identity links")?;
        Ok(Self {
            state,
            records,
            unsaved: false,
            audit,
            audit_error: None,
            run,
        })
    }

    /// Writes the audit event of a finished item.
    pub(crate) fn finished(&mut self, outcome: &ItemOutcome) {
        if let Err(e) = self.audit.change(&self.run, outcome) {
            self.audit_error.get_or_insert(e.to_string());
        }
    }

    /// Records the intent of a batch before it is sent, durably.
    pub(crate) fn sending(&mut self, batch: usize, users: &[&PlanItem]) -> Result<(), RecordError> {
        if let Some(error) = &self.audit_error {
            return Err(RecordError::Audit(error.clone()));
        }
        self.audit
            .batch_intent(&self.run, batch, users)
            .map_err(|e| {
                let error = e.to_string();
                self.audit_error.get_or_insert(error.clone());
                RecordError::Audit(error)
            })
    }

    /// Notes a link, to be saved at the next checkpoint.
    pub(crate) fn linked(
        &mut self,
        directory_id: &DirectoryId,
        ftrack_id: &FtrackId,
        username: &Username,
    ) {
        let known = self
            .records
            .iter()
            .any(|r| &r.directory_id == directory_id && &r.ftrack_id == ftrack_id);
        if known {
            return;
        }
        self.records.retain(|r| &r.directory_id != directory_id);
        self.records.push(LinkRecord {
            directory_id: directory_id.clone(),
            ftrack_id: ftrack_id.clone(),
            username: Some(username.clone()),
        });
        self.unsaved = true;
    }

    /// Saves the links noted since the last checkpoint; fails when the audit log cannot be
    /// written, because a change that is not recorded must not be followed by more.
    pub(crate) fn checkpoint(&mut self) -> Result<(), RecordError> {
        if let Some(error) = &self.audit_error {
            return Err(RecordError::Audit(error.clone()));
        }
        if self.unsaved {
            self.state
                .save_links(self.records.clone())
                .map_err(|e| RecordError::Links(e.to_string()))?;
            self.unsaved = false;
        }
        Ok(())
    }
}
