//! Roles for the users a run created, set once they exist.
//!
//! A server may give a user it creates a role of its own (ftrack's "User" on new accounts), so
//! the roles of a new user are set only after the user exists and its roles have been read:
//! the steps then start from what the server gave, and never add a role twice.

use super::ledger::Ledger;
use super::{ApplyListener, ApplyOptions};
use crate::apply::access::LiveAccess;
use crate::apply::api::FtrackApi;
use crate::apply::outcome::{ItemOutcome, ItemStatus};
use crate::ftrack::batch::OnDuplicate;
use crate::ftrack::wire::Operation;
use crate::ids::FtrackId;
use crate::reconcile::plan::{Action, Plan, PlanItem};

/// Sets the roles of the users this run created; a user whose roles could not be set is
/// reported as failed, saying that it was created.
pub(super) async fn set_created_roles(
    api: &dyn FtrackApi,
    plan: &Plan,
    options: &ApplyOptions,
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) {
    let items = &plan.items;
    let created: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].action == Action::Create && !items[i].roles.is_empty())
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
    let access = match api.access(&ids).await {
        Ok(access) => LiveAccess::new(access),
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
        match access.created_operations(&items[i], &id, &plan.managed_roles) {
            Ok(operations) => pending.push((i, operations)),
            Err(error) => fail(i, &error.to_string(), items, listener, ledger),
        }
    }
    for chunk in batches(pending, options.batch_size.max(1)) {
        send(api, &chunk, items, listener, ledger).await;
    }
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

async fn send(
    api: &dyn FtrackApi,
    chunk: &[(usize, Vec<Operation>)],
    items: &[PlanItem],
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) {
    let operations: Vec<Operation> = chunk.iter().flat_map(|(_, ops)| ops.clone()).collect();
    let mut outcomes = api
        .write(&operations, OnDuplicate::Report)
        .await
        .into_iter();
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

fn fail(
    i: usize,
    error: &str,
    items: &[PlanItem],
    listener: &mut dyn ApplyListener,
    ledger: &mut Ledger,
) {
    let status = ItemStatus::Failed {
        error: format!("created, but its security roles were not set: {error}"),
    };
    ledger.statuses[i] = Some(status.clone());
    listener.finished(&ItemOutcome {
        item: items[i].clone(),
        status,
        created_id: ledger.created[i].clone(),
    });
}
