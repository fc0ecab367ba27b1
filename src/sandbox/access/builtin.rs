//! The security roles a fresh ftrack server has, and the role a user created through the API
//! is given.

use super::grants::Grants;
use crate::access::{RoleKind, SecurityRole};
use crate::sandbox::store::{Row, Store, StoreError};
use serde_json::{Value, json};

/// The role users created through the API get on all open projects, unless the sandbox is
/// told otherwise ([`Store::set_default_role`](crate::sandbox::store::Store::set_default_role)).
///
/// ftrack documents this default for users created in its web interface ("By default, when a
/// new user is created, they are assigned the 'User' role", changeable under System settings);
/// whether the API does the same is not confirmed, so clients must not assume either way.
pub const DEFAULT_ROLE: &str = "User";

/// Name, kind and stable id of each built-in role (ftrack's defaults; the ids are the
/// sandbox's own, fixed so that tests and seeds can name them).
const BUILT_IN: [(&str, RoleKind, &str); 5] = [
    (
        "Restricted User",
        RoleKind::Assigned,
        "5ec0a001-0000-4000-8000-000000000001",
    ),
    (
        "User",
        RoleKind::Project,
        "5ec0a001-0000-4000-8000-000000000002",
    ),
    (
        "Project Manager",
        RoleKind::Project,
        "5ec0a001-0000-4000-8000-000000000003",
    ),
    (
        "Administrator",
        RoleKind::Project,
        "5ec0a001-0000-4000-8000-000000000004",
    ),
    ("API", RoleKind::Api, "5ec0a001-0000-4000-8000-000000000005"),
];

/// The roles a fresh sandbox has: Restricted User (ASSIGNED), User, Project Manager and
/// Administrator (PROJECT), and API (API).
pub fn built_in_roles() -> Vec<SecurityRole> {
    BUILT_IN
        .iter()
        .map(|(name, kind, id)| SecurityRole {
            id: (*id).to_string(),
            name: (*name).to_string(),
            kind: kind.clone(),
        })
        .collect()
}

/// A role as a `SecurityRole` row.
pub fn role_row(role: &SecurityRole) -> Row {
    let mut row = Row::new();
    row.insert("id".into(), json!(role.id));
    row.insert("name".into(), json!(role.name));
    row.insert("type".into(), json!(role.kind.server_value()));
    row
}

/// Gives a user just created through the API the store's default role on all open projects.
/// Nothing happens when there is no default role, or no role of that name any more.
pub fn give_default_role(grants: &mut Grants, user_id: &str) -> Result<(), StoreError> {
    let Some(name) = grants.store().default_role() else {
        return Ok(());
    };
    let role_id = grants
        .store()
        .unique_holder("SecurityRole", name)
        .and_then(|role| role.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string);
    match role_id {
        Some(role_id) => grants.create(user_id, &role_id, true).map(|_| ()),
        None => Ok(()),
    }
}

/// Chooses the role users created through the API get: with no choice, [`DEFAULT_ROLE`] when
/// the store has a role of that name (a seed may list roles without it), else none; `""`
/// for none; any other name must be one of the store's roles. Returns the role chosen.
pub fn choose_default_role(
    store: &mut Store,
    wanted: Option<&str>,
) -> Result<Option<String>, String> {
    let exists = |name: &str| store.unique_holder("SecurityRole", name).is_some();
    let chosen = match wanted {
        None => Some(DEFAULT_ROLE).filter(|name| exists(name)),
        Some("") => None,
        Some(name) if exists(name) => Some(name),
        Some(name) => {
            let roles: Vec<String> = super::roles_of(store).into_iter().map(|r| r.name).collect();
            return Err(format!(
                "there is no security role {name:?}; the roles are: {}",
                roles.join(", ")
            ));
        }
    };
    let chosen = chosen.map(str::to_string);
    store.set_default_role(chosen.clone());
    Ok(chosen)
}
