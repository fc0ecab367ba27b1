//! Before anything is sent: ftrack as it is now, for the users the plan touches, and which
//! items no longer apply (protected users, stale items).

use super::ReadError;
use super::ledger::Ledger;
use super::work::renames;
use crate::apply::api::FtrackApi;
use crate::apply::outcome::{ItemStatus, SkipCause};
use crate::apply::preflight::{LiveState, new_username, staleness};
use crate::reconcile::plan::PlanItem;
use std::collections::HashSet;

/// Reads the ftrack users the items in `todo` touch, by id and by the usernames they need.
pub(super) async fn read_live(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    todo: &[usize],
) -> Result<LiveState, ReadError> {
    let ids: Vec<String> = todo
        .iter()
        .filter_map(|&i| items[i].ftrack.as_ref().map(|f| f.id.to_string()))
        .collect();
    let usernames: Vec<String> = todo
        .iter()
        .filter_map(|&i| new_username(&items[i]))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut users = api
        .users_where("id", &ids)
        .await
        .map_err(ReadError::Users)?;
    users.extend(
        api.users_where("username", &usernames)
            .await
            .map_err(ReadError::Users)?,
    );
    Ok(LiveState::new(users))
}

/// Settles the items of `todo` that must not be applied: protected users are skipped, items
/// whose user changed since planning are stale. Returns how many are stale.
pub(super) fn against_live(
    items: &[PlanItem],
    todo: &[usize],
    live: &LiveState,
    protected_users: &[String],
    ledger: &mut Ledger,
) -> usize {
    // Users this run renames give up their old usernames, which other items may then take.
    let leaving: HashSet<&str> = todo
        .iter()
        .filter(|&&i| renames(&items[i]))
        .filter_map(|&i| items[i].ftrack.as_ref().map(|f| f.id.as_str()))
        .collect();
    let mut stale = 0;
    for &i in todo {
        if let Some(reason) = protected(&items[i], protected_users) {
            let cause = SkipCause::Protected;
            ledger.settle(i, ItemStatus::Skipped { reason, cause });
        } else if let Some(reason) = staleness(&items[i], live, &leaving) {
            ledger.settle(i, ItemStatus::Stale { reason });
            stale += 1;
        }
    }
    stale
}

/// Why a saved plan with `stale` stale items is refused.
pub(super) fn stale_plan(stale: usize) -> String {
    let items = if stale == 1 {
        "1 item".to_string()
    } else {
        format!("{stale} items")
    };
    format!("{items} of the saved plan changed in ftrack since it was made; plan again")
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
