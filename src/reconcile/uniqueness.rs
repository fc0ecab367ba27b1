//! Makes sure the plan never gives two ftrack users one username or one email.
//!
//! The check works on the state ftrack would be in after the plan: every user keeps its
//! current values unless an item changes them, and created users are added. Where two users
//! would end up sharing a value, the items that introduce it (creates, renames, email changes)
//! become conflicts; users that already hold it keep it. Converting an item can make a value
//! stay taken that another item relied on being freed, so the check repeats until stable.
//! Working on the final state lets a user take a username or email that another user gives up
//! in the same plan, so the plan converges in one run. Usernames compare without case in both
//! modes: in sensitive mode case-only differences are conflicts too.
//!
//! Only introduced values are examined, so the cost follows the number of changes, not users.

use super::conflict::info;
use super::identity::{FtrackIndex, TextIndex, fold};
use super::plan::{Action, ConflictKind, Field, FieldValue, PlanItem};
use crate::model::FtrackUser;
use foldhash::HashSet;
use std::borrow::Cow;

/// A value two users would share: who keeps it and which items introduce it.
struct Clash {
    value: String,
    keepers: Vec<usize>,
    introducers: Vec<usize>,
}

/// Converts items that would duplicate a username or an email into conflicts.
///
/// `changes` are the positions of every item that changes ftrack, in increasing order: only
/// they introduce values, so no round reads the other items.
pub fn settle_unique_values(items: &mut [PlanItem], changes: &[usize], index: &FtrackIndex) {
    debug_assert!(changes.is_sorted());
    debug_assert!(
        items
            .iter()
            .enumerate()
            .all(|(i, item)| !item.action.is_change() || changes.binary_search(&i).is_ok())
    );
    loop {
        let usernames = clashes(items, changes, index, Field::Username);
        let emails = clashes(items, changes, index, Field::Email);
        if usernames.is_empty() && emails.is_empty() {
            return;
        }
        convert(
            items,
            index.users,
            &usernames,
            ConflictKind::UsernameTaken,
            "username",
        );
        convert(
            items,
            index.users,
            &emails,
            ConflictKind::EmailTaken,
            "email",
        );
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

/// Values that `changes` (the positions of items that change ftrack) would make shared.
fn clashes(items: &[PlanItem], changes: &[usize], index: &FtrackIndex, field: Field) -> Vec<Clash> {
    let mut introduced = TextIndex::default();
    let mut changing: HashSet<usize> = HashSet::default();
    for &i in changes {
        let item = &items[i];
        let Some(value) = new_value(item, field) else {
            continue;
        };
        if let Some(f) = item.ftrack.as_ref().and_then(|r| index.by_id(&r.id)) {
            changing.insert(f);
        }
        introduced.insert(Cow::Owned(fold(value).into_owned()), i);
    }
    let emails = match field {
        Field::Email => index.with_emails(&introduced),
        _ => Default::default(),
    };
    introduced
        .iter()
        .filter_map(|(key, introducers)| {
            let holders = match field {
                Field::Username => index.with_folded_username(key),
                _ => emails.get(key).map_or(&[][..], Vec::as_slice),
            };
            let keepers: Vec<usize> = holders
                .iter()
                .copied()
                .filter(|f| !changing.contains(f))
                .collect();
            (introducers.len() > 1 || !keepers.is_empty()).then(|| Clash {
                // The smallest spelling, so that the reason does not depend on input order.
                value: introducers
                    .iter()
                    .filter_map(|&i| new_value(&items[i], field))
                    .min()
                    .unwrap_or(key)
                    .to_string(),
                keepers,
                introducers: introducers.to_vec(),
            })
        })
        .collect()
}

fn convert(
    items: &mut [PlanItem],
    ftrack: &[FtrackUser],
    clashes: &[Clash],
    kind: ConflictKind,
    what: &str,
) {
    for clash in clashes {
        let keepers: Vec<&FtrackUser> = clash.keepers.iter().map(|&f| &ftrack[f]).collect();
        let dns: Vec<String> = clash
            .introducers
            .iter()
            .filter_map(|&i| items[i].directory.as_ref().map(|d| d.dn.to_string()))
            .collect();
        for &i in &clash.introducers {
            let value = &clash.value;
            let reason = if keepers.is_empty() {
                format!(
                    "{what} {value:?} would be given to {} directory entries",
                    clash.introducers.len()
                )
            } else {
                let mut names: Vec<&str> = keepers.iter().map(|u| u.username.as_str()).collect();
                names.sort_unstable();
                format!(
                    "{what} {value:?} is already used by ftrack user {}",
                    names.join(", ")
                )
            };
            let own_dn = items[i].directory.as_ref().map(|d| d.dn.to_string());
            let others = dns
                .iter()
                .filter(|dn| Some(*dn) != own_dn.as_ref())
                .cloned()
                .collect();
            let item = &mut items[i];
            item.action = Action::Conflict;
            item.reason = Some(reason);
            item.conflict = Some(Box::new(info(kind, &keepers, others)));
            item.drop_operations();
        }
    }
}
