//! What a planned change needs from the rest of the plan: a username that another user's
//! rename frees, or a managed group the run creates. The plan records these edges so that a
//! commit of some rows can pull in what they need, or hold a row back and say why.

use super::decision::item_key;
use super::plan::{Action, ConflictInfo, ConflictKind, Field, FieldValue, Plan, PlanItem, Summary};
use crate::ids::{ItemKey, Username};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Something a planned change needs first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Need {
    /// The username it takes is held by another ftrack user, whose rename in the same plan
    /// frees it.
    Rename {
        /// The key of the renamed user's item (its directory id, or `ftrack:<id>`).
        key: ItemKey,
        /// The username the rename gives up.
        from: Username,
        /// The username the rename takes.
        to: Username,
    },
    /// A managed group it joins does not exist yet; the run creates it first.
    Group {
        /// The group's name.
        name: String,
    },
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rename { from, to, .. } => write!(f, "rename {from} -> {to}"),
            Self::Group { name } => write!(f, "group {name} (created by the run)"),
        }
    }
}

/// The username a change gives its ftrack user: a new user's, or a rename's new one.
pub fn username_taken(item: &PlanItem) -> Option<&str> {
    match item.action {
        Action::Create => Some(&item.username),
        _ if item.action.is_change() => renamed_to(item),
        _ => None,
    }
}

/// The new username of an item that renames its ftrack user.
fn renamed_to(item: &PlanItem) -> Option<&str> {
    item.changes
        .iter()
        .find(|c| c.field == Field::Username)
        .and_then(|c| match &c.to {
            Some(FieldValue::Text(to)) => Some(to.as_str()),
            _ => None,
        })
}

/// Records on each change what it needs from the rest of the plan. A change whose username
/// stays held (its holder's rename is held back, e.g. ignored) becomes a conflict that says so.
pub fn link_needs(plan: &mut Plan) {
    let holders: HashMap<String, usize> = plan
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((item.ftrack.as_ref()?.username.to_lowercase(), i)))
        .collect();
    let created: HashSet<&str> = plan.groups_to_create.iter().map(String::as_str).collect();
    let mut needs = Vec::with_capacity(plan.items.len());
    let mut kept_by = Vec::new();
    for (i, item) in plan.items.iter().enumerate() {
        let mut found = Vec::new();
        if let Some(wanted) = username_taken(item)
            && let Some(&h) = holders.get(&wanted.to_lowercase())
            && h != i
        {
            let holder = &plan.items[h];
            let rename = renamed_to(holder)
                .filter(|to| holder.action.is_change() && !to.eq_ignore_ascii_case(wanted))
                .zip(item_key(holder))
                .zip(holder.ftrack.as_ref());
            match rename {
                Some(((to, key), ftrack)) => found.push(Need::Rename {
                    key,
                    from: ftrack.username.clone(),
                    to: Username::new(to),
                }),
                None => kept_by.push((i, wanted.to_string(), holder.username.clone())),
            }
        }
        if item.action.is_change() {
            found.extend(
                item.groups
                    .add
                    .iter()
                    .filter(|g| created.contains(g.as_str()))
                    .map(|g| Need::Group { name: g.clone() }),
            );
        }
        needs.push(found);
    }
    for (item, found) in plan.items.iter_mut().zip(needs) {
        item.needs = found;
    }
    for (i, wanted, holder) in kept_by {
        hold_back(&mut plan.items[i], &wanted, &holder);
    }
    plan.summary = Summary::count(&plan.items);
}

/// Turns a change into a conflict: the username it takes stays with another ftrack user.
fn hold_back(item: &mut PlanItem, wanted: &str, holder: &str) {
    item.action = Action::Conflict;
    item.reason = Some(format!(
        "the username {wanted:?} belongs to ftrack user {holder}, who keeps it in this plan (its rename is held back)"
    ));
    item.needs.clear();
    item.changes.clear();
    item.groups = Default::default();
    item.conflict = Some(Box::new(ConflictInfo {
        kind: ConflictKind::UsernameTaken,
        candidates: Vec::new(),
        other_entries: Vec::new(),
    }));
}
