//! Seats: ftrack bills per active user. With `max_active_users` set, the creates and
//! reactivations that would take the active count past it are held back, returning users
//! first and then by username, so the same inputs always hold the same users.

use super::identity::fold;
use super::plan::{Action, PlanItem};
use serde::{Deserialize, Serialize};

/// Active ftrack users before and after a plan, and the limit it was held to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seats {
    /// Active users now.
    pub active_before: usize,
    /// Active users once the plan is applied whole.
    pub active_after: usize,
    /// The seat limit (`max_active_users`), when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

impl Seats {
    /// `282 -> 300 (limit 320)`; `None` for a plan that does not count its seats (one saved
    /// before plans had seats).
    pub fn words(&self) -> Option<String> {
        if *self == Seats::default() {
            return None;
        }
        let limit = self
            .limit
            .map(|limit| format!(" (limit {limit})"))
            .unwrap_or_default();
        Some(format!(
            "{} -> {}{limit}",
            self.active_before, self.active_after
        ))
    }
}

/// Counts the seats a plan takes and turns the creates and reactivations beyond `limit`
/// into skips that say why.
pub fn hold_over_limit(
    items: &mut [PlanItem],
    active_before: usize,
    limit: Option<usize>,
) -> Seats {
    let count = |action: Action| items.iter().filter(|i| i.action == action).count();
    let leaving = count(Action::Deactivate);
    let staying = active_before.saturating_sub(leaving);
    let wanted = staying + count(Action::Create) + count(Action::Reactivate);
    let Some(limit) = limit.filter(|&l| wanted > l) else {
        return Seats {
            active_before,
            active_after: wanted,
            limit,
        };
    };
    let mut joining: Vec<usize> = (0..items.len())
        .filter(|&i| matches!(items[i].action, Action::Create | Action::Reactivate))
        .collect();
    joining.sort_by_cached_key(|&i| {
        let item = &items[i];
        let returning = item.action == Action::Reactivate;
        let dir = item.directory.as_ref().map(|d| d.id.to_string());
        (
            !returning,
            fold(&item.username).into_owned(),
            item.username.to_string(),
            dir,
        )
    });
    let free = limit.saturating_sub(staying);
    for &i in joining.iter().skip(free) {
        hold(&mut items[i], limit, wanted);
    }
    Seats {
        active_before,
        active_after: staying + free.min(joining.len()),
        limit: Some(limit),
    }
}

fn hold(item: &mut PlanItem, limit: usize, wanted: usize) {
    item.skip_because(
        super::plan::SkipKind::Held,
        format!(
        "{} held back by the seat limit: max_active_users = {limit}, and the plan would make {wanted} users active",
        item.action.name()
    ));
}
