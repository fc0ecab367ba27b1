//! The five security-role actions as requests: their names, their fields, and the checks a
//! server makes on them before anything changes.
//!
//! ftrack's operation pages give one request model for all five (`user_id`, `role_id`,
//! `project_id`, `all_open_projects`, `new_role_id`, all optional); each action reads the
//! fields it needs and ignores the others. `revoke_user_security_role` is no action (a typo
//! in ftrack's old documentation) and is answered like any unknown action.
//!
//! What a real server answers is not documented. The sandbox answers
//! `{"action": <name>, "data": <the UserSecurityRole, encoded like a created entity>}`, and
//! `"data": true` for `remove_user_security_role`; ftrack's Python client returns the answer
//! unread, and clients must not rely on it: re-read roles with a query instead.

use super::changes::{Place, add, grant, remove, revoke, update};
use super::grants::{Grants, text};
use crate::sandbox::store::{Row, Store, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};
use std::fmt;

/// A security-role action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleAction {
    /// `add_user_security_role`: gives a user a role, on no project yet.
    Add,
    /// `remove_user_security_role`: takes a role from a user, with its project access.
    Remove,
    /// `update_user_security_role`: replaces a user's role by another, keeping its access.
    Update,
    /// `grant_user_security_role_project`: a role on one project, or on all open projects.
    GrantProject,
    /// `revoke_user_security_role_project`: takes back what the grant gave.
    RevokeProject,
}

/// The name a server gives the action that takes a role from a user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RemovalAction {
    /// `remove_user_security_role`, ftrack's name.
    #[default]
    Remove,
    /// `revoke_user_security_role`, a name some documentation gives it.
    Revoke,
}

impl RemovalAction {
    /// The action's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Self::Remove => "remove_user_security_role",
            Self::Revoke => "revoke_user_security_role",
        }
    }

    /// The role action a wire name means on a server using this name, if any: the removal
    /// under its name here; the other removal name is no action at all.
    pub fn read(self, name: &str) -> Option<RoleAction> {
        if name == self.name() {
            return Some(RoleAction::Remove);
        }
        RoleAction::from_name(name).filter(|action| *action != RoleAction::Remove)
    }
}

impl RoleAction {
    const ALL: [Self; 5] = [
        Self::Add,
        Self::Remove,
        Self::Update,
        Self::GrantProject,
        Self::RevokeProject,
    ];

    /// The action's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Self::Add => "add_user_security_role",
            Self::Remove => "remove_user_security_role",
            Self::Update => "update_user_security_role",
            Self::GrantProject => "grant_user_security_role_project",
            Self::RevokeProject => "revoke_user_security_role_project",
        }
    }

    /// The action with this wire name, if it is one of the five.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.name() == name)
    }
}

/// The fields of ftrack's request model for the security-role actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RoleFields {
    /// The user.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The role the user holds (or is to hold).
    #[serde(default)]
    pub role_id: Option<String>,
    /// A project, for grants and revocations on one project.
    #[serde(default)]
    pub project_id: Option<String>,
    /// `true` for grants and revocations on all open projects.
    #[serde(default)]
    pub all_open_projects: Option<bool>,
    /// The replacing role, for `update_user_security_role`.
    #[serde(default)]
    pub new_role_id: Option<String>,
}

/// A security-role action as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRequest {
    /// Which action.
    pub action: RoleAction,
    /// Its fields.
    pub fields: RoleFields,
}

impl RoleRequest {
    /// Reads an operation object already known to name `action`.
    pub fn decode(action: RoleAction, operation: Value) -> Result<Self, serde_json::Error> {
        let fields = serde_json::from_value(operation)?;
        Ok(Self { action, fields })
    }
}

/// An entity an action names, with its id and a name for messages.
pub struct Named {
    /// Its id.
    pub id: String,
    /// Its attributes when the action was checked.
    pub row: Row,
    name: String,
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.name)
    }
}

/// Runs one security-role action in a batch; errors name the action.
pub fn run_role_action(grants: &mut Grants, request: &RoleRequest) -> Result<Value, StoreError> {
    let action = request.action;
    run(grants, request).map_err(|error| StoreError {
        exception: error.exception,
        message: format!("{}: {}", action.name(), error.message),
    })
}

fn run(grants: &mut Grants, request: &RoleRequest) -> Result<Value, StoreError> {
    let fields = &request.fields;
    let user = named(
        grants.store(),
        "user_id",
        &fields.user_id,
        "User",
        "username",
    )?;
    let role = named(
        grants.store(),
        "role_id",
        &fields.role_id,
        "SecurityRole",
        "name",
    )?;
    let grant_id = match request.action {
        RoleAction::Add => add(grants, &user, &role)?,
        RoleAction::Remove => {
            remove(grants, &user, &role)?;
            return Ok(json!({"action": request.action.name(), "data": true}));
        }
        RoleAction::Update => {
            let new_id = &fields.new_role_id;
            let new_role = named(
                grants.store(),
                "new_role_id",
                new_id,
                "SecurityRole",
                "name",
            )?;
            update(grants, &user, &role, &new_role)?
        }
        RoleAction::GrantProject => {
            let place = place(grants.store(), fields)?;
            grant(grants, &user, &role, &place)?
        }
        RoleAction::RevokeProject => {
            let place = place(grants.store(), fields)?;
            revoke(grants, &user, &role, &place)?
        }
    };
    Ok(json!({"action": request.action.name(), "data": grants.encoded(&grant_id)}))
}

/// The entity a field names: a missing field is a `ValidationError`, an id of no such entity
/// a `NoResultFoundError`.
fn named(
    store: &Store,
    field: &str,
    id: &Option<String>,
    entity_type: &str,
    name_attribute: &str,
) -> Result<Named, StoreError> {
    let Some(id) = id else {
        return Err(StoreError {
            exception: "ValidationError",
            message: format!("{field} is required"),
        });
    };
    let row = store.get(entity_type, id).ok_or_else(|| StoreError {
        exception: "NoResultFoundError",
        message: format!("{field} {id:?} is not the id of any {entity_type}"),
    })?;
    Ok(Named {
        id: id.clone(),
        name: text(row, name_attribute).unwrap_or(id).to_string(),
        row: row.clone(),
    })
}

/// Where a grant or revocation applies: exactly one of `project_id` and
/// `all_open_projects: true`.
fn place(store: &Store, fields: &RoleFields) -> Result<Place, StoreError> {
    let all_open = fields.all_open_projects == Some(true);
    match (&fields.project_id, all_open) {
        (Some(_), true) => Err(StoreError {
            exception: "ValidationError",
            message: "give project_id or all_open_projects: true, not both".to_string(),
        }),
        (Some(_), false) => Ok(Place::Project(named(
            store,
            "project_id",
            &fields.project_id,
            "Project",
            "name",
        )?)),
        (None, true) => Ok(Place::AllOpenProjects),
        (None, false) => Err(StoreError {
            exception: "ValidationError",
            message: "project_id or all_open_projects: true is required".to_string(),
        }),
    }
}
