//! Sending the work batch by batch: each batch's intent recorded first, its results settled
//! item by item after, links saved, progress reported; stopping when asked, when ftrack is
//! gone, when records cannot be kept, or when another sync takes usernames under this one.
//!
//! Up to the concurrency batches of one stage are in flight at once (see [`super::batches`]);
//! they settle in the order they were sent, and a stage starts once the one before has
//! settled. A stop or Ctrl-C sends no new batch; those in flight settle.

use super::batches::{Stage, stages};
use super::ledger::Ledger;
use super::limiter::{Change, Limiter};
use super::work::Work;
use super::{ApplyListener, ApplyOptions, ApplyProgress, Ending, Stop, record_match};
use crate::apply::api::FtrackApi;
use crate::apply::outcome::{ItemOutcome, ItemStatus};
use crate::apply::taken::taken_usernames;
use crate::ftrack::batch::{OnDuplicate, OperationOutcome};
use crate::ftrack::error::FtrackError;
use crate::ftrack::wire::Operation;
use crate::reconcile::plan::PlanItem;
use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Where the sending stands.
struct Sending<'a> {
    items: &'a [PlanItem],
    work: &'a Work,
    started: Instant,
    done: usize,
    batches: usize,
    applied: usize,
    failed: usize,
    /// Positions of group creates the server refused.
    failed_groups: HashSet<usize>,
    /// How many batches may be in flight.
    limiter: Limiter,
    /// ftrack's overloaded answers counted when the last batch settled.
    throttled: usize,
}

/// What a sent batch came back with: its results, and the items found taken.
type Sent = (Vec<OperationOutcome>, Vec<(usize, String)>);

/// Sends every batch of `work` and says how the run ended.
pub(super) async fn send_all(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    work: &Work,
    options: &ApplyOptions,
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) -> Ending {
    let mut sending = Sending {
        items,
        work,
        started: Instant::now(),
        done: 0,
        batches: 0,
        applied: 0,
        // Items that could not become operations have failed already.
        failed: ledger
            .statuses
            .iter()
            .filter(|s| matches!(s, Some(ItemStatus::Failed { .. })))
            .count(),
        failed_groups: HashSet::new(),
        limiter: Limiter::new(options.concurrency),
        throttled: api.throttled(),
    };
    let mut ending = Ending::Finished;
    for stage in stages(work, options.batch_size, options.concurrency) {
        ending = sending
            .send_stage(api, stage, options, listener, ledger)
            .await;
        if ending != Ending::Finished {
            break;
        }
    }
    sending.close(ledger, &ending);
    ending
}

impl Sending<'_> {
    /// Sends the batches of one stage, as many at once as the limiter allows, and settles
    /// them in order; a stop sends no new batch, and the batches in flight still settle.
    async fn send_stage(
        &mut self,
        api: &dyn FtrackApi,
        stage: Stage,
        options: &ApplyOptions,
        listener: &mut dyn ApplyListener,
        ledger: &mut Ledger,
    ) -> Ending {
        let (items, work) = (self.items, self.work);
        let mut waiting = stage.into_iter();
        let mut in_flight = FuturesOrdered::new();
        let mut ending = Ending::Finished;
        loop {
            while ending == Ending::Finished && in_flight.len() < self.limiter.allowed() {
                let Some(batch) = waiting.next() else { break };
                if options.cancel.load(Ordering::SeqCst) {
                    ending = Ending::Interrupted;
                } else if let Err(error) = self.announce(&batch, listener) {
                    ending = Ending::Stopped(Stop::NotRecorded(error));
                } else {
                    let sent = send_batch(api, items, work, batch.clone());
                    in_flight.push_back(async move { (batch, sent.await) });
                }
            }
            let Some((batch, sent)) = in_flight.next().await else {
                return ending;
            };
            self.pace(api.throttled());
            let stop = self.settle_batch(batch, sent, listener, ledger);
            if let (Some(stop), Ending::Finished) = (stop, &ending) {
                ending = Ending::Stopped(stop);
            }
        }
    }

    /// Records the intent of the next batch, before it is sent.
    fn announce(
        &mut self,
        batch: &Range<usize>,
        listener: &mut dyn ApplyListener,
    ) -> Result<(), super::RecordError> {
        self.batches += 1;
        let users: Vec<&PlanItem> = self
            .work
            .owners_between(batch.start, batch.end)
            .into_iter()
            .map(|i| &self.items[i])
            .collect();
        listener.sending(self.batches, &users)
    }

    /// Tells the limiter a batch settled, and whether ftrack throttled since the last one.
    fn pace(&mut self, throttled: usize) {
        let change = self.limiter.settled(throttled > self.throttled);
        self.throttled = throttled;
        match change {
            Change::Lowered(allowed) => tracing::warn!(
                allowed,
                "ftrack is overloaded (429 or 503); fewer batches at once"
            ),
            Change::Raised(allowed) => tracing::info!(allowed, "more batches at once again"),
            Change::Kept => {}
        }
    }

    /// Settles one batch's results, saves links and reports progress; `Some` stops the run.
    fn settle_batch(
        &mut self,
        batch: Range<usize>,
        (results, taken): Sent,
        listener: &mut dyn ApplyListener,
        ledger: &mut Ledger,
    ) -> Option<Stop> {
        let (start, end) = (batch.start, batch.end);
        let taken_count = taken.len();
        for (i, reason) in taken {
            self.settle_taken(i, reason, listener, ledger);
        }
        let gone = server_gone(&results);
        let refused = results.iter().filter(|r| r.is_err()).count();
        tracing::info!(
            from = start,
            to = end,
            total = self.work.len(),
            refused,
            "batch sent"
        );
        self.settle_results(start, results, listener, ledger);
        self.finish_items(start..end, listener, ledger);
        self.done = end;
        let recorded = listener.checkpoint();
        listener.progress(&self.progress());
        if let Err(error) = recorded {
            return Some(Stop::NotRecorded(error));
        }
        match (gone, taken_count) {
            (Some(error), _) => Some(Stop::ServerGone(error)),
            (None, 0) => None,
            (None, taken) => Some(Stop::UsernamesTaken(taken)),
        }
    }

    fn settle_taken(
        &self,
        item: usize,
        reason: String,
        listener: &mut dyn ApplyListener,
        ledger: &mut Ledger,
    ) {
        let status = ItemStatus::Stale { reason };
        listener.finished(&ItemOutcome {
            item: self.items[item].clone(),
            status: status.clone(),
            created_id: None,
        });
        ledger.settle(item, status);
    }

    /// Fails the items whose operations were refused, and records the link of each user whose
    /// create landed (its first operation).
    fn settle_results(
        &mut self,
        start: usize,
        results: Vec<OperationOutcome>,
        listener: &mut dyn ApplyListener,
        ledger: &mut Ledger,
    ) {
        for (offset, result) in results.into_iter().enumerate() {
            let position = start + offset;
            let owner = self.work.owners[position];
            match (result, owner) {
                (Err(error), Some(i)) => ledger.settle(
                    i,
                    ItemStatus::Failed {
                        error: error.to_string(),
                    },
                ),
                (Err(_), None) => {
                    self.failed_groups.insert(position);
                }
                (Ok(_), Some(i)) if self.work.first_of(i) == Some(position) => {
                    if let (Some(id), Some(dir)) = (&ledger.created[i], &self.items[i].directory) {
                        listener.linked(&dir.id, id, &self.items[i].username);
                    }
                }
                (Ok(_), _) => {}
            }
        }
    }

    /// Settles and reports the items whose last operation was in `positions`.
    fn finish_items(
        &mut self,
        positions: Range<usize>,
        listener: &mut dyn ApplyListener,
        ledger: &mut Ledger,
    ) {
        for i in self.work.finished_between(positions.start, positions.end) {
            if ledger.open(i) {
                ledger.settle(i, ItemStatus::Applied);
                if ledger.created[i].is_none() {
                    record_match(&self.items[i], listener);
                }
            }
            let Some(status) = ledger.statuses[i].clone() else {
                continue;
            };
            match status {
                // Reported when found taken.
                ItemStatus::Stale { .. } => continue,
                ItemStatus::Applied => self.applied += 1,
                ItemStatus::Failed { .. } => self.failed += 1,
                _ => {}
            }
            listener.finished(&ItemOutcome {
                item: self.items[i].clone(),
                status,
                created_id: ledger.created[i].clone(),
            });
        }
    }

    fn progress(&self) -> ApplyProgress {
        let total = self.work.len();
        let eta = (self.done > 0 && self.done < total).then(|| {
            self.started
                .elapsed()
                .mul_f64((total - self.done) as f64 / self.done as f64)
        });
        ApplyProgress {
            done: self.done,
            total,
            applied: self.applied,
            failed: self.failed,
            eta,
        }
    }

    /// Items with no operations (every membership already in place) are done without a write
    /// when the run finished; the groups whose create landed are noted.
    fn close(&self, ledger: &mut Ledger, ending: &Ending) {
        if *ending == Ending::Finished {
            for i in 0..ledger.statuses.len() {
                if ledger.open(i) && self.work.first_of(i).is_none() {
                    ledger.settle(i, ItemStatus::Applied);
                }
            }
        }
        ledger.slowed_down = self.limiter.times_lowered();
        ledger.groups_created = self
            .work
            .groups
            .iter()
            .filter(|(position, _)| !self.failed_groups.contains(position))
            .map(|(_, name)| name.clone())
            .collect();
    }
}

/// When every operation of the batch failed to reach ftrack, retries included, the server is
/// gone: sending the other batches would only repeat that for each of them.
fn server_gone(results: &[OperationOutcome]) -> Option<String> {
    let all_transient = results
        .iter()
        .all(|r| r.as_ref().is_err_and(FtrackError::is_retryable));
    all_transient
        .then(|| results.first()?.as_ref().err().map(ToString::to_string))
        .flatten()
}

/// Sends the operations at `positions`. When the server refuses the whole batch because an
/// entity it creates exists already, the usernames it gives out are read again: the items
/// whose username someone else took meanwhile are returned as taken, with the reason, and the
/// rest of the batch is sent again (split as usual if refused again).
async fn send_batch(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    work: &Work,
    positions: Range<usize>,
) -> Sent {
    let batch = &work.operations[positions.clone()];
    let mut results = api.write(batch, OnDuplicate::Report).await;
    let refused_as_duplicate = batch.len() > 1
        && results
            .iter()
            .all(|r| r.as_ref().is_err_and(FtrackError::is_duplicate));
    if !refused_as_duplicate {
        return (results, Vec::new());
    }
    let owners = work.owners_between(positions.start, positions.end);
    let taken = taken_usernames(api, items, &owners)
        .await
        .unwrap_or_default();
    let kept: Vec<usize> = positions
        .clone()
        .filter(|&p| work.owners[p].is_none_or(|owner| taken.iter().all(|(i, _)| *i != owner)))
        .collect();
    let resend: Vec<Operation> = kept.iter().map(|&p| work.operations[p].clone()).collect();
    let again = api.write(&resend, OnDuplicate::Split).await;
    for (p, result) in kept.into_iter().zip(again) {
        results[p - positions.start] = result;
    }
    (results, taken)
}
