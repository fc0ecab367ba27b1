//! Makes sure the plan never gives two ftrack users one username or one email.
//!
//! The check works on the state ftrack would be in after the plan: every user keeps its
//! current values unless an item changes them, and created users are added. Where two users
//! would end up sharing a value, the items that introduce it (creates, renames, email changes)
//! become conflicts; users that already hold it keep it. Converting an item can make a value
//! stay taken that another item relied on being freed, so the check repeats until stable.
//! Working on the final state lets a user take a username or email that another user gives up
//! in the same plan, so the plan converges in one run.

use super::conflict::info;
use super::plan::{Action, ConflictKind, Field, FieldValue, GroupChanges, PlanItem};
use crate::model::FtrackUser;
use std::collections::HashMap;

/// Who would hold a value after the plan: an item that sets it, or an ftrack user keeping it.
#[derive(Clone, Copy)]
enum Holder {
    Introduced(usize),
    Kept(usize),
}

/// Converts items that would duplicate a username or an email into conflicts.
pub fn settle_unique_values(items: &mut [PlanItem], ftrack: &[FtrackUser]) {
    let position: HashMap<&str, usize> = ftrack
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    loop {
        // Case-only differences count as clashes in both modes: in sensitive mode they are
        // conflicts too, and many ftrack logins treat them as one name.
        let usernames = holders(
            items,
            ftrack,
            &position,
            Field::Username,
            |u| Some(u.username.to_lowercase()),
            str::to_lowercase,
        );
        let emails = holders(
            items,
            ftrack,
            &position,
            Field::Email,
            |u| {
                u.email
                    .as_deref()
                    .filter(|e| !e.is_empty())
                    .map(str::to_lowercase)
            },
            str::to_lowercase,
        );
        let mut converted = convert(
            items,
            ftrack,
            &usernames,
            ConflictKind::UsernameTaken,
            "username",
        );
        converted |= convert(items, ftrack, &emails, ConflictKind::EmailTaken, "email");
        if !converted {
            return;
        }
    }
}

fn new_value(item: &PlanItem, field: Field) -> Option<&str> {
    if !item.action.is_change() {
        return None;
    }
    item.changes
        .iter()
        .find(|c| c.field == field)
        .and_then(|c| match &c.to {
            Some(FieldValue::Text(t)) if !t.is_empty() => Some(t.as_str()),
            _ => None,
        })
}

fn holders(
    items: &[PlanItem],
    ftrack: &[FtrackUser],
    position: &HashMap<&str, usize>,
    field: Field,
    current: impl Fn(&FtrackUser) -> Option<String>,
    key: impl Fn(&str) -> String,
) -> HashMap<String, Vec<Holder>> {
    let mut changed = vec![false; ftrack.len()];
    let mut by_value: HashMap<String, Vec<Holder>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let Some(value) = new_value(item, field) else {
            continue;
        };
        if let Some(&f) = item
            .ftrack
            .as_ref()
            .and_then(|r| position.get(r.id.as_str()))
        {
            changed[f] = true;
        }
        by_value
            .entry(key(value))
            .or_default()
            .push(Holder::Introduced(i));
    }
    for (f, user) in ftrack.iter().enumerate() {
        if let Some(value) = current(user).filter(|_| !changed[f]) {
            by_value.entry(value).or_default().push(Holder::Kept(f));
        }
    }
    by_value.retain(|_, h| h.len() > 1 && h.iter().any(|h| matches!(h, Holder::Introduced(_))));
    by_value
}

fn convert(
    items: &mut [PlanItem],
    ftrack: &[FtrackUser],
    shared: &HashMap<String, Vec<Holder>>,
    kind: ConflictKind,
    what: &str,
) -> bool {
    let mut converted = false;
    for holders in shared.values() {
        let keepers: Vec<&FtrackUser> = holders
            .iter()
            .filter_map(|h| match h {
                Holder::Kept(f) => Some(&ftrack[*f]),
                Holder::Introduced(_) => None,
            })
            .collect();
        let introducers: Vec<usize> = holders
            .iter()
            .filter_map(|h| match h {
                Holder::Introduced(i) => Some(*i),
                Holder::Kept(_) => None,
            })
            .collect();
        let dns: Vec<String> = introducers
            .iter()
            .filter_map(|&i| items[i].directory.as_ref().map(|d| d.dn.clone()))
            .collect();
        for &i in &introducers {
            let value = new_value(
                &items[i],
                if kind == ConflictKind::UsernameTaken {
                    Field::Username
                } else {
                    Field::Email
                },
            )
            .unwrap_or_default()
            .to_string();
            let reason = if keepers.is_empty() {
                format!(
                    "{what} {value:?} would be given to {} directory entries",
                    introducers.len()
                )
            } else {
                let mut names: Vec<&str> = keepers.iter().map(|u| u.username.as_str()).collect();
                names.sort_unstable();
                format!(
                    "{what} {value:?} is already used by ftrack user {}",
                    names.join(", ")
                )
            };
            let own_dn = items[i].directory.as_ref().map(|d| d.dn.clone());
            let others = dns
                .iter()
                .filter(|dn| Some(*dn) != own_dn.as_ref())
                .cloned()
                .collect();
            let item = &mut items[i];
            item.action = Action::Conflict;
            item.reason = Some(reason);
            item.conflict = Some(info(kind, &keepers, others));
            item.changes.clear();
            item.groups = GroupChanges::default();
            converted = true;
        }
    }
    converted
}
