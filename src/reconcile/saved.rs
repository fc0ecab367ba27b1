//! A saved plan is applied exactly, so it is checked again before it is: its digest (an edited
//! plan is refused), and the safety rules and policy of today, which a hand-edited or old
//! plan could otherwise slip past.

use super::plan::{Action, Plan};
use super::policy::{DeactivateMissing, Policy};
use super::safety::users_losing_memberships;
use crate::ids::FtrackId;
use crate::model::Links;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The digest of a plan's items (SHA-256 of their JSON, in hex), stored in a saved plan.
pub fn digest(plan: &Plan) -> String {
    // Hashed as it is encoded: the same bytes as the JSON text, never held whole in memory.
    let mut hasher = Sha256::new();
    if serde_json::to_writer(&mut hasher, &plan.items).is_err() {
        hasher = Sha256::new();
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a saved plan's items are not what was saved, or `None` when they are (or the plan is
/// from a version that did not store a digest).
pub fn edited(plan: &Plan) -> Option<String> {
    let stored = plan.digest.as_deref()?;
    (stored != digest(plan)).then(|| {
        "its items were changed after it was saved (the digest does not match); plan again"
            .to_string()
    })
}

/// Why today's rules refuse a saved plan, or `None`: the safety limit on deactivations and
/// membership removals, an incomplete or shrunken directory read, and every deactivation
/// against today's links, protected users and policy.
pub fn refusal(plan: &Plan, policy: &Policy, links: &Links) -> Option<String> {
    let mut reasons = Vec::new();
    let deactivations = plan.items.iter().filter(|i| i.action == Action::Deactivate);
    let limit = policy.max_deactivate.limit(plan.inputs.ftrack_users);
    let count = deactivations.clone().count();
    if count as u64 > limit {
        reasons.push(format!(
            "{count} deactivations exceed the safety limit of {limit} (max_deactivate = {})",
            policy.max_deactivate
        ));
    }
    let losing = users_losing_memberships(plan);
    if losing as u64 > limit {
        reasons.push(format!(
            "{losing} users would lose managed group memberships, over the safety limit of {limit}"
        ));
    }
    if !plan.inputs.directory_complete && count + losing > 0 {
        reasons.push("the directory read behind it was incomplete".to_string());
    }
    if let Some(previous) = policy.previous_directory_count
        && (plan.inputs.directory_users as f64) < (previous as f64) * 0.5
    {
        reasons.push(format!(
            "its directory read had {} users, far fewer than the {previous} of the last run",
            plan.inputs.directory_users
        ));
    }
    let linked: HashSet<&str> = links.values().map(FtrackId::as_str).collect();
    let protected: HashSet<String> = policy
        .protected_users
        .iter()
        .map(|u| u.to_lowercase())
        .collect();
    for item in deactivations {
        let Some(user) = &item.ftrack else {
            reasons.push(format!(
                "it deactivates {}, who has no ftrack user",
                item.username
            ));
            continue;
        };
        if protected.contains(&user.username.to_lowercase()) {
            reasons.push(format!(
                "it deactivates the protected user {}",
                user.username
            ));
        } else if policy.deactivate_missing == DeactivateMissing::Never && item.directory.is_none()
        {
            reasons.push(format!(
                "it deactivates {}, missing from the directory, under deactivate_missing = \"never\"",
                user.username
            ));
        } else if policy.deactivate_missing == DeactivateMissing::Linked
            && item.directory.is_none()
            && !linked.contains(user.id.as_str())
        {
            reasons.push(format!(
                "it deactivates {}, whom no directory entry is linked to",
                user.username
            ));
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}
