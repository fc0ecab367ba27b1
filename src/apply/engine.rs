//! Applies an approved plan: preflight, then batches in a safe order, recording links as
//! creates land, reporting progress, stopping cleanly when asked.
//!
//! Order: missing managed groups, then creates (with their memberships), then updates and
//! reactivations, then deactivations, so a failure early on never leaves people deactivated
//! before their replacements exist. A failed batch is split to isolate the failing users;
//! everyone else is still applied. A partial failure is data in the [`Outcome`], not an error.

use super::api::FtrackApi;
use super::operations::{ItemOperations, create_group, item_operations};
use super::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo};
use super::preflight::{LiveState, new_username, staleness};
use super::taken::{another_sync, taken_usernames};
use crate::clock::Clock;
use crate::ftrack::batch::{OnDuplicate, OperationOutcome};
use crate::ftrack::error::FtrackError;
use crate::ftrack::wire::Operation;
use crate::reconcile::decision::ApprovedPlan;
use crate::reconcile::plan::{Action, PlanItem};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Operations per request.
    pub batch_size: usize,
    /// A saved plan is applied exactly or not at all: any stale item refuses the whole plan.
    pub exact: bool,
    /// ftrack usernames that must never be changed (the API user included), case-folded.
    pub protected: Vec<String>,
    /// Set (e.g. by Ctrl-C) to stop after the current batch.
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

/// Receives what happens while applying: progress, finished items, links to record.
pub trait ApplyListener {
    /// After each batch.
    fn progress(&mut self, _progress: &ApplyProgress) {}
    /// Before batch number `batch` (from 1) is sent, with the users it changes. An error
    /// stops the run before the batch: a change whose intent cannot be recorded is not made.
    fn sending(&mut self, _batch: usize, _users: &[&PlanItem]) -> Result<(), String> {
        Ok(())
    }
    /// The standing decisions of the run were recorded in the state directory.
    fn decisions_recorded(&mut self) {}
    /// When an item is finished (applied or failed), in the order items finish.
    fn finished(&mut self, _outcome: &ItemOutcome) {}
    /// A directory entry is now known to be this ftrack user (kept until `checkpoint`).
    fn linked(&mut self, _directory_id: &str, _ftrack_id: &str, _username: &str) {}
    /// Makes the links reported so far durable; called before the first write and after each
    /// batch. An error stops the run.
    fn checkpoint(&mut self) -> Result<(), String> {
        Ok(())
    }
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

/// The result of an apply: the outcome, and the refusal if nothing was attempted.
#[derive(Debug, Clone)]
pub struct Applied {
    /// Per-item results and counts.
    pub outcome: Outcome,
    /// Set when the whole plan was refused.
    pub refused: Option<Refusal>,
    /// True when the run was stopped by the cancel flag.
    pub interrupted: bool,
}

/// Applies the approved items of a plan.
pub async fn apply_plan(
    approved: &ApprovedPlan,
    api: &dyn FtrackApi,
    options: &ApplyOptions,
    listener: &mut dyn ApplyListener,
    run: RunInfo,
) -> Applied {
    let items = &approved.plan.items;
    let mut statuses: Vec<Option<ItemStatus>> = items
        .iter()
        .zip(&approved.approved)
        .enumerate()
        .map(|(i, (item, ok))| {
            (!ok).then(|| match approved.held_back(i) {
                Some(reason) => ItemStatus::Skipped {
                    reason: format!("held back: {reason}"),
                },
                None => not_approved(item),
            })
        })
        .collect();
    let mut created: Vec<Option<String>> = vec![None; items.len()];
    let refuse = |refusal: Refusal, statuses: Vec<Option<ItemStatus>>| {
        let reason = match &refusal {
            Refusal::Safety(r) | Refusal::Stale(r) | Refusal::Unavailable(r) => r.clone(),
        };
        let mut outcome = finish(
            items,
            statuses,
            vec![None; items.len()],
            run.clone(),
            &reason,
        );
        outcome.stopped = Some(reason);
        outcome.requests = api.requests();
        Applied {
            outcome,
            refused: Some(refusal),
            interrupted: false,
        }
    };
    if let Some(reason) = &approved.plan.blocked
        && approved.approved.iter().any(|a| *a)
    {
        return refuse(Refusal::Safety(reason.clone()), statuses);
    }
    let todo: Vec<usize> = (0..items.len())
        .filter(|i| statuses[*i].is_none())
        .collect();
    let live = match read_live(api, items, &todo).await {
        Ok(live) => live,
        Err(reason) => return refuse(Refusal::Unavailable(reason), statuses),
    };
    let mut stale = 0;
    // Users this run renames give up their old usernames, which other items may then take.
    let leaving: HashSet<&str> = todo
        .iter()
        .filter(|&&i| renames(&items[i]))
        .filter_map(|&i| items[i].ftrack.as_ref().map(|f| f.id.as_str()))
        .collect();
    for &i in &todo {
        if let Some(reason) = protected(&items[i], &options.protected) {
            statuses[i] = Some(ItemStatus::Skipped { reason });
        } else if let Some(reason) = staleness(&items[i], &live, &leaving) {
            statuses[i] = Some(ItemStatus::Stale { reason });
            stale += 1;
        }
    }
    if options.exact && stale > 0 {
        return refuse(
            Refusal::Stale(format!(
                "{} of the saved plan changed in ftrack since it was made; plan again",
                if stale == 1 {
                    "1 item".to_string()
                } else {
                    format!("{stale} items")
                }
            )),
            statuses,
        );
    }
    // Pairs found by username become links now: no write is needed to know them.
    for item in items.iter().filter(|i| i.action == Action::Unchanged) {
        record_match(item, listener);
    }
    let mut record_error = listener.checkpoint().err();
    let mut work = Work::default();
    let group_ids = match prepare_groups(
        api,
        &approved.plan.groups_to_create,
        items,
        &statuses,
        &mut work,
    )
    .await
    {
        Ok(ids) => ids,
        Err(reason) => return refuse(Refusal::Unavailable(reason), statuses),
    };
    for phase in [
        Phase::Renames,
        Phase::Creates,
        Phase::Updates,
        Phase::Deactivations,
    ] {
        let mut members: Vec<usize> = todo
            .iter()
            .copied()
            .filter(|&i| statuses[i].is_none() && Phase::of(&items[i]) == Some(phase))
            .collect();
        if phase == Phase::Renames {
            members = rename_order(items, members);
        }
        for i in members {
            let live_user = items[i].ftrack.as_ref().and_then(|f| live.by_id.get(&f.id));
            match item_operations(&items[i], live_user, &group_ids) {
                Ok(ItemOperations {
                    operations,
                    created_id,
                }) => {
                    created[i] = created_id;
                    work.add(Some(i), operations);
                }
                Err(error) => statuses[i] = Some(ItemStatus::Failed { error }),
            }
        }
    }
    // Stale items and items that could not be turned into operations are final already.
    for &i in &todo {
        if let Some(status @ (ItemStatus::Stale { .. } | ItemStatus::Failed { .. })) = &statuses[i]
        {
            listener.finished(&ItemOutcome {
                item: items[i].clone(),
                status: status.clone(),
                created_id: None,
            });
        }
    }
    let total = work.operations.len();
    let started = Instant::now();
    let mut interrupted = false;
    let mut server_gone: Option<String> = None;
    let mut failed_groups: HashMap<usize, String> = HashMap::new();
    let mut done = 0;
    let mut batches = 0;
    let mut taken_under_us = 0;
    // Running counts for progress; items that could not become operations have failed already.
    let mut applied = 0;
    let mut failed = statuses
        .iter()
        .filter(|s| matches!(s, Some(ItemStatus::Failed { .. })))
        .count();
    while done < total {
        if options.cancel.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        if record_error.is_some() {
            break;
        }
        let end = (done + options.batch_size.max(1)).min(total);
        batches += 1;
        if let Err(e) = listener.sending(batches, &work.users_between(items, done, end)) {
            record_error = Some(e);
            break;
        }
        let (results, taken) = send_batch(api, items, &work, done..end).await;
        for (i, reason) in &taken {
            let status = ItemStatus::Stale {
                reason: reason.clone(),
            };
            listener.finished(&ItemOutcome {
                item: items[*i].clone(),
                status: status.clone(),
                created_id: None,
            });
            statuses[*i] = Some(status);
        }
        taken_under_us += taken.len();
        let refused = results.iter().filter(|r| r.is_err()).count();
        // Every operation of the batch failed to reach ftrack, retries included: the server
        // is gone, and sending the other batches would only repeat that for each of them.
        let gone = if results
            .iter()
            .all(|r| r.as_ref().is_err_and(|e| e.is_retryable()))
        {
            results
                .first()
                .and_then(|r| r.as_ref().err())
                .map(ToString::to_string)
        } else {
            None
        };
        tracing::info!(from = done, to = end, total, refused, "batch sent");
        for (offset, result) in results.into_iter().enumerate() {
            let position = done + offset;
            let owner = work.owners[position];
            if let Err(error) = result {
                let message = error.to_string();
                match owner {
                    Some(i) => {
                        if statuses[i].is_none() {
                            statuses[i] = Some(ItemStatus::Failed { error: message });
                        }
                    }
                    None => {
                        failed_groups.insert(position, message);
                    }
                }
                continue;
            }
            // The user's own create is its first operation: once it lands, record the link.
            if let Some(i) = owner
                && work.first_of(i) == Some(position)
                && let (Some(id), Some(dir)) = (&created[i], &items[i].directory)
            {
                listener.linked(&dir.id, id, &items[i].username);
            }
        }
        for i in work.finished_between(done, end) {
            if statuses[i].is_none() {
                statuses[i] = Some(ItemStatus::Applied);
                if created[i].is_none() {
                    record_match(&items[i], listener);
                }
            }
            if let Some(status) = statuses[i]
                .as_ref()
                .filter(|s| !matches!(s, ItemStatus::Stale { .. }))
            {
                match status {
                    ItemStatus::Applied => applied += 1,
                    ItemStatus::Failed { .. } => failed += 1,
                    _ => {}
                }
                listener.finished(&ItemOutcome {
                    item: items[i].clone(),
                    status: status.clone(),
                    created_id: created[i].clone(),
                });
            }
        }
        done = end;
        if let Err(e) = listener.checkpoint() {
            record_error.get_or_insert(e);
        }
        let eta = (done > 0 && done < total).then(|| {
            started
                .elapsed()
                .mul_f64((total - done) as f64 / done as f64)
        });
        listener.progress(&ApplyProgress {
            done,
            total,
            applied,
            failed,
            eta,
        });
        if gone.is_some() {
            server_gone = gone;
            break;
        }
        if taken_under_us > 0 {
            break;
        }
    }
    let stop_reason = if interrupted {
        Some("interrupted: stopped after the current batch".to_string())
    } else if taken_under_us > 0 {
        Some(another_sync(taken_under_us))
    } else if let Some(error) = server_gone {
        Some(format!(
            "stopped: ftrack stopped answering ({error}); the rest was not attempted, run again once it answers"
        ))
    } else {
        record_error.map(|e| format!("stopped: {e}; the rest was not attempted"))
    };
    let unfinished = stop_reason.clone().unwrap_or_default();
    // Items with no operations (every membership already in place) are done without a write.
    for &i in &todo {
        if statuses[i].is_none() && work.first_of(i).is_none() && stop_reason.is_none() {
            statuses[i] = Some(ItemStatus::Applied);
        }
    }
    let mut outcome = finish(items, statuses, created, run, &unfinished);
    outcome.groups_created = work
        .groups
        .iter()
        .filter(|(position, _)| !failed_groups.contains_key(position))
        .map(|(_, name)| name.clone())
        .collect();
    outcome.stopped = stop_reason;
    outcome.requests = api.requests();
    Applied {
        outcome,
        refused: None,
        interrupted,
    }
}

/// Sends the operations at `positions`. When the server refuses the whole batch because an
/// entity it creates exists already, the usernames it gives out are read again: the items
/// whose username someone else took meanwhile are returned as taken, with the reason, and the
/// rest of the batch is sent again (split as usual if refused again).
async fn send_batch(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    work: &Work,
    positions: std::ops::Range<usize>,
) -> (Vec<OperationOutcome>, Vec<(usize, String)>) {
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

/// Operations in the order they will be sent, each with the item that owns it.
#[derive(Default)]
struct Work {
    operations: Vec<Operation>,
    owners: Vec<Option<usize>>,
    /// Item -> (first, last) operation position.
    spans: HashMap<usize, (usize, usize)>,
    /// Position of each group create, and the group's name.
    groups: Vec<(usize, String)>,
}

impl Work {
    fn add(&mut self, owner: Option<usize>, operations: Vec<Operation>) {
        for operation in operations {
            let position = self.operations.len();
            if let Some(i) = owner {
                let span = self.spans.entry(i).or_insert((position, position));
                span.1 = position;
            }
            self.operations.push(operation);
            self.owners.push(owner);
        }
    }

    /// The items with operations in `start..end`, each once, in order.
    fn users_between<'a>(
        &self,
        items: &'a [PlanItem],
        start: usize,
        end: usize,
    ) -> Vec<&'a PlanItem> {
        self.owners_between(start, end)
            .into_iter()
            .map(|i| &items[i])
            .collect()
    }

    /// The items owning operations in `start..end`, each once, in order (an item's
    /// operations are contiguous).
    fn owners_between(&self, start: usize, end: usize) -> Vec<usize> {
        let mut owners: Vec<usize> = self.owners[start..end].iter().flatten().copied().collect();
        owners.dedup();
        owners
    }

    fn first_of(&self, item: usize) -> Option<usize> {
        self.spans.get(&item).map(|s| s.0)
    }

    /// Items whose last operation lies in `start..end`, in order.
    fn finished_between(&self, start: usize, end: usize) -> Vec<usize> {
        let mut items: Vec<(usize, usize)> = self
            .spans
            .iter()
            .filter(|(_, (_, last))| (start..end).contains(last))
            .map(|(item, (_, last))| (*last, *item))
            .collect();
        items.sort_unstable();
        items.into_iter().map(|(_, item)| item).collect()
    }
}

/// The order of the work: renames first, because they free usernames that creates and other
/// renames may take; deactivations last, so nobody loses access before their changes land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Renames,
    Creates,
    Updates,
    Deactivations,
}

impl Phase {
    fn of(item: &PlanItem) -> Option<Self> {
        match item.action {
            Action::Create => Some(Self::Creates),
            Action::Update | Action::Reactivate if renames(item) => Some(Self::Renames),
            Action::Update | Action::Reactivate => Some(Self::Updates),
            Action::Deactivate => Some(Self::Deactivations),
            _ => None,
        }
    }
}

/// True for an update that gives an existing user a new username.
fn renames(item: &PlanItem) -> bool {
    item.action != Action::Create && new_username(item).is_some()
}

/// Orders renames so that a user moves off a username before another takes it (`b -> c`
/// before `a -> b`). Cycles cannot be ordered; they keep their order and the server decides.
fn rename_order(items: &[PlanItem], mut pending: Vec<usize>) -> Vec<usize> {
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let held: HashSet<String> = pending
            .iter()
            .filter_map(|&i| items[i].ftrack.as_ref().map(|f| f.username.to_lowercase()))
            .collect();
        let (free, blocked): (Vec<usize>, Vec<usize>) = pending.iter().partition(|&&i| {
            new_username(&items[i]).is_none_or(|name| !held.contains(&name.to_lowercase()))
        });
        if free.is_empty() {
            ordered.extend(blocked);
            break;
        }
        ordered.extend(free);
        pending = blocked;
    }
    ordered
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
        },
        Action::Skip => ItemStatus::Skipped {
            reason: item.reason.clone().unwrap_or_else(|| "skipped".to_string()),
        },
        _ => ItemStatus::Skipped {
            reason: "not approved".to_string(),
        },
    }
}

fn protected(item: &PlanItem, protected: &[String]) -> Option<String> {
    let username = item.ftrack.as_ref()?.username.to_lowercase();
    protected.contains(&username).then(|| {
        format!(
            "{} is a protected account and is never changed",
            item.ftrack.as_ref().map_or("", |f| f.username.as_str())
        )
    })
}

/// Records the link of a paired item (found by username, or chosen by a decision).
fn record_match(item: &PlanItem, listener: &mut dyn ApplyListener) {
    // Links chosen by a decision are recorded too, so they outlive the decision.
    if let (Some(dir), Some(ftrack), Some(_)) = (&item.directory, &item.ftrack, item.matched_by) {
        listener.linked(&dir.id, &ftrack.id, &item.username);
    }
}

/// Reads the ftrack users the approved items touch, by id and by the usernames they need.
async fn read_live(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    todo: &[usize],
) -> Result<LiveState, String> {
    let ids: Vec<String> = todo
        .iter()
        .filter_map(|&i| items[i].ftrack.as_ref().map(|f| f.id.clone()))
        .collect();
    let usernames: Vec<String> = todo
        .iter()
        .filter_map(|&i| new_username(&items[i]))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let fail = |e: crate::ftrack::error::FtrackError| {
        format!("could not read ftrack to check the plan before applying it: {e}")
    };
    let mut users = api.users_where("id", &ids).await.map_err(fail)?;
    users.extend(
        api.users_where("username", &usernames)
            .await
            .map_err(fail)?,
    );
    Ok(LiveState::new(users))
}

/// Ids of every group the items need, adding creates for managed groups ftrack lacks.
async fn prepare_groups(
    api: &dyn FtrackApi,
    to_create: &[String],
    items: &[PlanItem],
    statuses: &[Option<ItemStatus>],
    work: &mut Work,
) -> Result<HashMap<String, String>, String> {
    let needed: HashSet<&String> = items
        .iter()
        .zip(statuses)
        .filter(|(_, s)| s.is_none())
        .flat_map(|(item, _)| &item.groups.add)
        .collect();
    if needed.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids: HashMap<String, String> = api
        .groups()
        .await
        .map_err(|e| format!("could not read ftrack's groups: {e}"))?
        .into_iter()
        .map(|g| (g.name, g.id))
        .collect();
    for name in to_create {
        if needed.contains(name) && !ids.contains_key(name) {
            let (id, operation) = create_group(name);
            work.groups.push((work.operations.len(), name.clone()));
            work.add(None, vec![operation]);
            ids.insert(name.clone(), id);
        }
    }
    Ok(ids)
}

/// The outcome of every item; items never reached are marked with why.
fn finish(
    items: &[PlanItem],
    statuses: Vec<Option<ItemStatus>>,
    created: Vec<Option<String>>,
    mut run: RunInfo,
    unfinished: &str,
) -> Outcome {
    run.finished_at = Clock::System.now_rfc3339();
    let outcomes = items
        .iter()
        .zip(statuses)
        .zip(created)
        .map(|((item, status), created_id)| ItemOutcome {
            item: item.clone(),
            status: status.unwrap_or_else(|| ItemStatus::NotAttempted {
                reason: if unfinished.is_empty() {
                    "the run ended first".to_string()
                } else {
                    unfinished.to_string()
                },
            }),
            created_id,
        })
        .collect();
    Outcome::new(run, outcomes)
}
