//! Roles and custom attribute values for the users a run created, set once they exist.
//!
//! A server may give a user it creates a role of its own (ftrack's "User" on new accounts), so
//! the roles of a new user are set only after the user exists and its roles have been read:
//! the steps then start from what the server gave, and never add a role twice. A new user's
//! custom attribute values exist once the user does (one per user attribute), so they too
//! are set then, with updates.

use super::ledger::Ledger;
use super::{ApplyListener, ApplyOptions};
use crate::apply::access::LiveAccess;
use crate::apply::api::FtrackApi;
use crate::apply::custom::LiveCustom;
use crate::apply::operations::OperationsError;
use crate::apply::outcome::{ItemOutcome, ItemStatus};
use crate::ftrack::batch::{OnDuplicate, OperationOutcome};
use crate::ftrack::error::FtrackError;
use crate::ftrack::wire::Operation;
use crate::ids::FtrackId;
use crate::reconcile::plan::{Action, Plan, PlanItem};
use futures_util::StreamExt;
use futures_util::stream;

/// What the follow-up reads from ftrack: roles only when a new user gets roles, custom
/// attributes only when one gets values.
#[derive(Default)]
struct Read {
    access: Option<LiveAccess>,
    custom: Option<LiveCustom>,
}

/// Sets the roles and custom attribute values of the users this run created; a user whose
/// roles or values could not be set is reported as failed, saying that it was created.
pub(super) async fn follow_up_created(
    api: &dyn FtrackApi,
    plan: &Plan,
    options: &ApplyOptions,
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) {
    let items = &plan.items;
    let created: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].action == Action::Create && has_follow_up(&items[i]))
        .filter(|&i| matches!(ledger.statuses[i], Some(ItemStatus::Applied)))
        .filter(|&i| ledger.created[i].is_some())
        .collect();
    if created.is_empty() {
        return;
    }
    let ids: Vec<FtrackId> = created
        .iter()
        .filter_map(|&i| ledger.created[i].clone())
        .collect();
    let read = match read(api, items, &created, &ids).await {
        Ok(read) => read,
        Err(error) => {
            for &i in &created {
                fail(i, &error.to_string(), items, listener, ledger);
            }
            return;
        }
    };
    let mut pending: Vec<(usize, Vec<Operation>)> = Vec::new();
    for &i in &created {
        let id = ledger.created[i].clone().unwrap_or_default();
        match operations(&read, &items[i], &id, &plan.managed_roles) {
            Ok(operations) => pending.push((i, operations)),
            Err(error) => fail(i, &error.to_string(), items, listener, ledger),
        }
    }
    // Each batch holds whole users, none depending on another: up to the concurrency of
    // them are in flight at once, and they settle in order.
    let mut sent = stream::iter(batches(pending, options.batch_size.max(1)))
        .map(|chunk| async move {
            let outcomes = write(api, &chunk).await;
            (chunk, outcomes)
        })
        .buffered(options.concurrency.max(1));
    while let Some((chunk, outcomes)) = sent.next().await {
        settle(&chunk, outcomes, items, listener, ledger);
    }
}

/// True when a new user has roles or values to be set once it exists.
fn has_follow_up(item: &PlanItem) -> bool {
    !item.roles.is_empty() || !item.custom.is_empty()
}

/// Reads what the follow-ups of the `created` items need.
async fn read(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    created: &[usize],
    ids: &[FtrackId],
) -> Result<Read, FtrackError> {
    let mut read = Read::default();
    if created.iter().any(|&i| !items[i].roles.is_empty()) {
        read.access = Some(LiveAccess::new(api.access(ids).await?));
    }
    if created.iter().any(|&i| !items[i].custom.is_empty()) {
        read.custom = Some(LiveCustom::new(api.custom_attributes().await?));
    }
    Ok(read)
}

/// A new user's role operations (taking away any `managed` role the server gave it that the
/// plan does not grant), then its custom attribute updates.
fn operations(
    read: &Read,
    item: &PlanItem,
    id: &FtrackId,
    managed: &[String],
) -> Result<Vec<Operation>, OperationsError> {
    let mut operations = Vec::new();
    if let Some(access) = read.access.as_ref().filter(|_| !item.roles.is_empty()) {
        operations.extend(access.created_operations(item, id, managed)?);
    }
    if let Some(custom) = read.custom.as_ref().filter(|_| !item.custom.is_empty()) {
        operations.extend(custom.operations(item, id)?);
    }
    Ok(operations)
}

/// Whole users' operations, up to `size` operations a batch (a user with more goes alone).
fn batches(
    pending: Vec<(usize, Vec<Operation>)>,
    size: usize,
) -> Vec<Vec<(usize, Vec<Operation>)>> {
    let mut batches: Vec<Vec<(usize, Vec<Operation>)>> = Vec::new();
    let mut count = 0;
    for entry in pending {
        if batches.is_empty() || count + entry.1.len() > size {
            batches.push(Vec::new());
            count = 0;
        }
        count += entry.1.len();
        batches
            .last_mut()
            .expect("a batch was just pushed")
            .push(entry);
    }
    batches
}

/// Sends one batch of follow-ups.
async fn write(api: &dyn FtrackApi, chunk: &[(usize, Vec<Operation>)]) -> Vec<OperationOutcome> {
    let operations: Vec<Operation> = chunk.iter().flat_map(|(_, ops)| ops.clone()).collect();
    api.write(&operations, OnDuplicate::Report).await
}

/// Fails the users of a batch whose follow-ups were refused.
fn settle(
    chunk: &[(usize, Vec<Operation>)],
    outcomes: Vec<OperationOutcome>,
    items: &[PlanItem],
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) {
    let mut outcomes = outcomes.into_iter();
    for (i, ops) in chunk {
        let errors: Vec<String> = outcomes
            .by_ref()
            .take(ops.len())
            .filter_map(|outcome| outcome.err().map(|e| e.to_string()))
            .collect();
        if let Some(error) = errors.first() {
            fail(*i, error, items, listener, ledger);
        }
    }
}

/// What a new user's follow-up sets, in words.
fn follow_up_words(item: &PlanItem) -> &'static str {
    match (item.roles.is_empty(), item.custom.is_empty()) {
        (false, false) => "security roles and custom attributes",
        (true, false) => "custom attributes",
        _ => "security roles",
    }
}

fn fail(
    i: usize,
    error: &str,
    items: &[PlanItem],
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) {
    let what = follow_up_words(&items[i]);
    let status = ItemStatus::Failed {
        error: format!("created, but its {what} were not set: {error}"),
    };
    ledger.statuses[i] = Some(status.clone());
    listener.finished(&ItemOutcome {
        item: items[i].clone(),
        status,
        created_id: ledger.created[i].clone(),
    });
}
