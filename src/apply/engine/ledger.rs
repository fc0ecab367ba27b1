//! What has become of each item so far, and the outcome made from it at the end.

use super::{Applied, ApplyListener, Ending};
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, SkipCause};
use crate::clock::Clock;
use crate::ids::FtrackId;
use crate::reconcile::decision::ApprovedPlan;
use crate::reconcile::plan::{Action, PlanItem, SkipKind};

/// Per item: its final status once known, and the id of the user it created.
pub(super) struct Ledger {
    pub(super) statuses: Vec<Option<ItemStatus>>,
    pub(super) created: Vec<Option<FtrackId>>,
    /// Managed groups this run created.
    pub(super) groups_created: Vec<String>,
    /// How often the run sent fewer batches at once because ftrack was overloaded.
    pub(super) slowed_down: usize,
}

impl Ledger {
    /// Items that are not approved are final from the start: skipped, held back or parked.
    pub(super) fn new(approved: &ApprovedPlan) -> Self {
        let items = &approved.plan.items;
        let statuses = items
            .iter()
            .zip(&approved.approved)
            .enumerate()
            .map(|(i, (item, ok))| {
                (!ok).then(|| match approved.held_back(i) {
                    Some(reason) => ItemStatus::Skipped {
                        reason: format!("held back: {reason}"),
                        cause: SkipCause::HeldBack,
                    },
                    None => not_approved(item),
                })
            })
            .collect();
        Self {
            statuses,
            created: vec![None; items.len()],
            groups_created: Vec::new(),
            slowed_down: 0,
        }
    }

    /// The items still to be done.
    pub(super) fn todo(&self) -> Vec<usize> {
        (0..self.statuses.len())
            .filter(|&i| self.statuses[i].is_none())
            .collect()
    }

    /// True when the item has no final status yet.
    pub(super) fn open(&self, item: usize) -> bool {
        self.statuses[item].is_none()
    }

    /// Gives an open item its final status; a final one keeps its own.
    pub(super) fn settle(&mut self, item: usize, status: ItemStatus) {
        self.statuses[item].get_or_insert(status);
    }

    /// Tells the listener of the items among `todo` that are final before anything is sent:
    /// stale ones, and those that could not be turned into operations.
    pub(super) fn report_final(
        &self,
        items: &[PlanItem],
        todo: &[usize],
        listener: &mut dyn ApplyListener,
    ) {
        for &i in todo {
            if let Some(status @ (ItemStatus::Stale { .. } | ItemStatus::Failed { .. })) =
                &self.statuses[i]
            {
                listener.finished(&ItemOutcome {
                    item: items[i].clone(),
                    status: status.clone(),
                    created_id: None,
                });
            }
        }
    }

    /// The outcome of every item; items never reached say why.
    pub(super) fn into_applied(
        self,
        items: &[PlanItem],
        ending: Ending,
        mut run: RunInfo,
        requests: usize,
    ) -> Applied {
        run.finished_at = Clock::System.now_rfc3339();
        let stopped = ending.message();
        let unfinished = stopped
            .clone()
            .unwrap_or_else(|| "the run ended first".to_string());
        let outcomes = items
            .iter()
            .zip(self.statuses)
            .zip(self.created)
            .map(|((item, status), created_id)| ItemOutcome {
                item: item.clone(),
                status: status.unwrap_or_else(|| ItemStatus::NotAttempted {
                    reason: unfinished.clone(),
                }),
                created_id,
            })
            .collect();
        let mut outcome = Outcome::new(run, outcomes);
        outcome.groups_created = self.groups_created;
        outcome.stopped = stopped;
        outcome.requests = requests;
        outcome.slowed_down = self.slowed_down;
        Applied { outcome, ending }
    }
}

/// The status of an item that will not be applied in this run.
fn not_approved(item: &PlanItem) -> ItemStatus {
    match item.action {
        Action::Conflict => ItemStatus::Parked {
            reason: item
                .reason
                .clone()
                .unwrap_or_else(|| "a conflict needs a decision".to_string()),
        },
        Action::Unchanged => ItemStatus::Skipped {
            reason: "already in sync".to_string(),
            cause: SkipCause::InSync,
        },
        Action::Skip | Action::Pending => ItemStatus::Skipped {
            reason: item.reason.clone().unwrap_or_else(|| "skipped".to_string()),
            cause: SkipCause::Plan,
        },
        _ if item.skip == Some(SkipKind::ByAdmin) => ItemStatus::Skipped {
            reason: "skipped by an admin's decision".to_string(),
            cause: SkipCause::NotApproved,
        },
        _ => ItemStatus::Skipped {
            reason: "not approved".to_string(),
            cause: SkipCause::NotApproved,
        },
    }
}
