//! Sending many writes in few requests, and telling exactly which ones failed.
//!
//! Operations go out `batch_size` at a time. The server applies a batch whole or not at all, so
//! when one is refused for a reason that retrying cannot fix, it is split in halves and each half
//! sent again, until the operations at fault stand alone; every other operation is applied.
//! A create that carries its own id and is refused as a duplicate after a retried request is
//! checked: if that entity now exists, the earlier attempt landed and the create counts as done.
//! Likewise a delete of an entity that no longer exists counts as done.
//! A whole batch refused because something it creates exists already can be reported as it is
//! instead ([`OnDuplicate::Report`]): the caller reads again what is taken, rather than sending
//! every operation alone.

use super::client::{FtrackClient, RetryPolicy};
use super::error::FtrackError;
use super::query::Select;
use super::wire::Operation;
use serde_json::Value;

/// What happened to one operation.
pub type OperationOutcome = Result<Value, FtrackError>;

/// What to do with a batch refused as a whole because an entity it creates exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDuplicate {
    /// Halve it like any refusal, until the operations at fault stand alone.
    Split,
    /// Give every operation of the batch that refusal, so the caller can find out what is taken.
    Report,
}

/// Sends `operations` in batches and returns one outcome per operation, in order.
pub async fn write_in_batches(
    client: &FtrackClient,
    operations: &[Operation],
    batch_size: usize,
    policy: RetryPolicy,
    on_duplicate: OnDuplicate,
) -> Vec<OperationOutcome> {
    let mut outcomes = Vec::with_capacity(operations.len());
    for batch in operations.chunks(batch_size.max(1)) {
        outcomes.extend(send(client, batch, policy, on_duplicate).await);
    }
    outcomes
}

/// Sends one batch; on a refusal, halves it until the refused operations are isolated.
async fn send(
    client: &FtrackClient,
    batch: &[Operation],
    policy: RetryPolicy,
    on_duplicate: OnDuplicate,
) -> Vec<OperationOutcome> {
    // Iterative halving keeps the future small: a stack of (position, slice) still to send.
    let mut pending: Vec<(usize, &[Operation])> = vec![(0, batch)];
    let mut outcomes: Vec<(usize, OperationOutcome)> = Vec::with_capacity(batch.len());
    while let Some((start, part)) = pending.pop() {
        match client.call_with_retry(part, policy).await {
            Ok(results) => outcomes.extend(
                results
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (start + i, Ok(r))),
            ),
            Err(error)
                if on_duplicate == OnDuplicate::Report
                    && part.len() == batch.len()
                    && part.len() > 1
                    && error.is_duplicate() =>
            {
                return batch.iter().map(|_| Err(error.clone())).collect();
            }
            Err(error) if error.is_retryable() || part.len() == 1 => {
                let error = match (&error, part) {
                    (FtrackError::Validation { .. }, [create @ Operation::Create { .. }]) => {
                        already_created(client, create, policy).await.ok_or(error)
                    }
                    // Deleting what is gone already (an earlier attempt landed) is done.
                    (FtrackError::NotFound { .. }, [Operation::Delete { .. }]) => {
                        Ok(serde_json::Value::Bool(true))
                    }
                    _ => Err(error),
                };
                match error {
                    Ok(entity) => outcomes.push((start, Ok(entity))),
                    Err(error) => {
                        outcomes.extend((0..part.len()).map(|i| (start + i, Err(error.clone()))))
                    }
                }
            }
            Err(_) => {
                let middle = part.len() / 2;
                let (left, right) = part.split_at(middle);
                pending.push((start + middle, right));
                pending.push((start, left));
            }
        }
    }
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, o)| o).collect()
}

/// For a create carrying its own id that was refused: the entity, if it exists already (an
/// earlier attempt of the same request landed before the connection broke).
async fn already_created(
    client: &FtrackClient,
    create: &Operation,
    policy: RetryPolicy,
) -> Option<Value> {
    let Operation::Create {
        entity_type,
        entity_data,
        ..
    } = create
    else {
        return None;
    };
    let id = entity_data.get("id")?.as_str()?;
    // Compare every scalar the create set; references and lists are left to the caller.
    let scalars: Vec<&str> = entity_data
        .iter()
        .filter(|(k, v)| k.as_str() != "__entity_type__" && !v.is_object() && !v.is_array())
        .map(|(k, _)| k.as_str())
        .collect();
    let expression = Select::new(entity_type, &scalars)
        .where_is("id", id)
        .page(0, 1);
    let results = client
        .call_with_retry(&[Operation::Query { expression }], policy)
        .await
        .ok()?;
    let found = results.first()?.get("data")?.as_array()?.first()?.clone();
    // Only a create whose data all landed counts as done.
    let landed = scalars.iter().all(|k| found.get(*k) == entity_data.get(*k));
    landed.then_some(found)
}
