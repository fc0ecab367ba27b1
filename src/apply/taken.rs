//! Usernames taken while a run applies: when a batch is refused because a user it creates or
//! renames exists already, the usernames are read again instead of splitting the batch down to
//! single users. Those now held by someone else are stale; two syncs writing to one server
//! from different state directories is the usual cause.

use super::api::FtrackApi;
use super::preflight::new_username;
use crate::reconcile::plan::{Action, PlanItem};
use std::collections::HashMap;

/// The username an item gives its ftrack user, if it sets one (a create or a rename).
fn wanted_username(item: &PlanItem) -> Option<String> {
    match item.action {
        Action::Create => Some(new_username(item).unwrap_or_else(|| item.username.to_string())),
        _ => new_username(item),
    }
}

/// The items among `owners` whose wanted username another ftrack user holds now, each with
/// the reason it is stale. `None` when ftrack could not be asked.
pub(super) async fn taken_usernames(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    owners: &[usize],
) -> Option<Vec<(usize, String)>> {
    let wanted: Vec<(usize, String)> = owners
        .iter()
        .filter_map(|&i| wanted_username(&items[i]).map(|name| (i, name)))
        .collect();
    if wanted.is_empty() {
        return Some(Vec::new());
    }
    let names: Vec<String> = wanted.iter().map(|(_, name)| name.clone()).collect();
    let live = api.users_where("username", &names).await.ok()?;
    let holders: HashMap<String, &str> = live
        .iter()
        .map(|user| (user.username.to_lowercase(), user.id.as_str()))
        .collect();
    let taken = wanted
        .into_iter()
        .filter_map(|(i, name)| {
            let holder = holders.get(&name.to_lowercase())?;
            let own = items[i].ftrack.as_ref().map(|f| f.id.as_str());
            (Some(*holder) != own).then(|| {
                (
                    i,
                    format!("username {name} was taken in ftrack while this run was applying"),
                )
            })
        })
        .collect();
    Some(taken)
}
