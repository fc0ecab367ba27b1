//! The role removal under either name. ftrack's action is `remove_user_security_role`; some
//! documentation calls it `revoke_user_security_role`. A removal the server answers as an
//! unknown action is sent again under the other name, and the client remembers the name that
//! worked for the rest of the run.

use super::batch::{OnDuplicate, OperationOutcome, write_in_batches};
use super::client::{FtrackClient, RetryPolicy};
use super::wire::Operation;

/// Sends `operations` as [`write_in_batches`] does, with each role removal under the name
/// the server accepts.
pub async fn write_with_removal_name(
    client: &FtrackClient,
    operations: &[Operation],
    batch_size: usize,
    on_duplicate: OnDuplicate,
) -> Vec<OperationOutcome> {
    let retry = RetryPolicy::default();
    if client.revokes_roles() {
        let renamed: Vec<Operation> = operations.iter().map(as_revoke).collect();
        return write_in_batches(client, &renamed, batch_size, retry, on_duplicate).await;
    }
    let mut outcomes = write_in_batches(client, operations, batch_size, retry, on_duplicate).await;
    let unknown: Vec<usize> = (0..operations.len())
        .filter(|&i| is_remove(&operations[i]) && unknown_removal(&outcomes[i]))
        .collect();
    if unknown.is_empty() {
        return outcomes;
    }
    client.learn_revokes_roles();
    let again: Vec<Operation> = unknown.iter().map(|&i| as_revoke(&operations[i])).collect();
    let answers = write_in_batches(client, &again, batch_size, retry, on_duplicate).await;
    for (i, answer) in unknown.into_iter().zip(answers) {
        outcomes[i] = answer;
    }
    outcomes
}

fn is_remove(operation: &Operation) -> bool {
    matches!(operation, Operation::RemoveUserSecurityRole { .. })
}

/// True when the server refused a removal because it does not know the action's name.
fn unknown_removal(outcome: &OperationOutcome) -> bool {
    let Err(error) = outcome else { return false };
    let text = error.to_string();
    text.contains("remove_user_security_role")
        && (text.contains("unknown variant") || text.contains("Invalid action"))
}

fn as_revoke(operation: &Operation) -> Operation {
    match operation {
        Operation::RemoveUserSecurityRole { user_id, role_id } => {
            Operation::RevokeUserSecurityRole {
                user_id: user_id.clone(),
                role_id: role_id.clone(),
            }
        }
        other => other.clone(),
    }
}
