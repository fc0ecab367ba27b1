//! Applies a plan to in-memory snapshots, as a perfect ftrack server would.
//!
//! Used by property tests (apply then plan again gives no changes) and by benchmarks; the real
//! engine talks to ftrack over HTTP but must end in the same state.

use super::plan::{Action, Field, FieldChange, FieldValue, Plan, PlanItem};
use super::roles::RoleChange;
use crate::access::UserRole;
use crate::ids::{FtrackId, Username};
use crate::model::{FtrackGroup, FtrackSnapshot, FtrackUser, Links};

/// Applies every change item of a plan and records the links that applying would record.
pub fn apply_in_memory(plan: &Plan, ftrack: &mut FtrackSnapshot, links: &mut Links) {
    for name in &plan.groups_to_create {
        ftrack.groups.push(FtrackGroup {
            id: format!("group:{name}"),
            name: name.clone(),
        });
    }
    for item in &plan.items {
        match item.action {
            Action::Create => create(item, ftrack, links),
            Action::Update | Action::Reactivate | Action::Deactivate | Action::Unchanged => {
                modify(item, ftrack, links)
            }
            Action::Conflict | Action::Pending | Action::Skip => {}
        }
    }
}

fn create(item: &PlanItem, ftrack: &mut FtrackSnapshot, links: &mut Links) {
    let Some(dir) = &item.directory else { return };
    let id = FtrackId::new(format!("created:{}", dir.id));
    let mut user = FtrackUser {
        id: id.clone(),
        username: Username::default(),
        first_name: String::new(),
        last_name: String::new(),
        email: None,
        is_active: false,
        groups: item.groups.add.clone(),
        user_type: None,
        roles: Vec::new(),
        custom: Default::default(),
    };
    for change in &item.changes {
        set_field(&mut user, change);
    }
    set_roles(&mut user.roles, &item.roles);
    set_custom(&mut user, item);
    ftrack.users.push(user);
    links.insert(dir.id.clone(), id);
}

fn modify(item: &PlanItem, ftrack: &mut FtrackSnapshot, links: &mut Links) {
    let Some(target) = &item.ftrack else { return };
    let Some(user) = ftrack.users.iter_mut().find(|u| u.id == target.id) else {
        return;
    };
    for change in &item.changes {
        set_field(user, change);
    }
    set_custom(user, item);
    user.groups.retain(|g| !item.groups.remove.contains(g));
    for g in &item.groups.add {
        if !user.groups.contains(g) {
            user.groups.push(g.clone());
        }
    }
    set_roles(&mut user.roles, &item.roles);
    if let Some(dir) = &item.directory {
        links.insert(dir.id.clone(), user.id.clone());
    }
}

/// Applies role changes as the server ends up after them.
fn set_roles(held: &mut Vec<UserRole>, changes: &[RoleChange]) {
    for change in changes {
        held.retain(|h| h.role != change.role());
        match change {
            RoleChange::Grant { role, scope, .. }
            | RoleChange::Rescope {
                role, to: scope, ..
            } => held.push(UserRole {
                role: role.clone(),
                scope: scope.clone(),
            }),
            RoleChange::Revoke { .. } => {}
        }
    }
}

fn set_custom(user: &mut FtrackUser, item: &PlanItem) {
    for change in &item.custom {
        user.custom.insert(change.key.clone(), change.to.clone());
    }
}

fn set_field(user: &mut FtrackUser, change: &FieldChange) {
    let text = match &change.to {
        Some(FieldValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    match change.field {
        Field::Username => user.username = Username::new(text.unwrap_or_default()),
        Field::FirstName => user.first_name = text.unwrap_or_default(),
        Field::LastName => user.last_name = text.unwrap_or_default(),
        Field::Email => user.email = text,
        Field::IsActive => user.is_active = matches!(change.to, Some(FieldValue::Flag(true))),
    }
}
