//! What each security-role action changes, once its fields are checked.
//!
//! Where ftrack's behaviour is not documented, the sandbox makes these choices (each a
//! plausible server's, and strict where a client could otherwise hide a mistake):
//! - adding a role the user holds is a `DuplicateEntryError`; removing, updating or revoking
//!   a role the user does not hold is a `NoResultFoundError`;
//! - a grant gives the user the role first when the user lacks it, so that one action is
//!   enough for a new user; granting what is already granted changes nothing and is no error;
//! - revoking what was not granted (a project the role has no row for, or all open projects
//!   when the role does not hold on them) is a `NoResultFoundError`;
//! - a role of type `ASSIGNED` cannot be granted on a private project (ftrack's documentation
//!   says so of the Restricted User role).

use super::action::Named;
use super::grants::{GRANT, GRANT_PROJECT, Grants, text};
use crate::sandbox::store::StoreError;
use serde_json::{Value, json};

/// Where a grant or revocation applies.
pub enum Place {
    /// Every open (not private) project.
    AllOpenProjects,
    /// One project, by name.
    Project(Named),
}

fn not_found(message: String) -> StoreError {
    StoreError {
        exception: "NoResultFoundError",
        message,
    }
}

fn duplicate(message: String) -> StoreError {
    StoreError {
        exception: "DuplicateEntryError",
        message,
    }
}

/// The user's grant of the role; an error when the user does not hold it.
fn holding(grants: &Grants, user: &Named, role: &Named) -> Result<String, StoreError> {
    grants.held(&user.id, &role.id).ok_or_else(|| {
        not_found(format!(
            "user {user} does not have the security role {role}"
        ))
    })
}

/// `add_user_security_role`: the role on no project yet; returns the new grant's id.
pub fn add(grants: &mut Grants, user: &Named, role: &Named) -> Result<String, StoreError> {
    if grants.held(&user.id, &role.id).is_some() {
        return Err(duplicate(format!(
            "user {user} already has the security role {role}"
        )));
    }
    grants.create(&user.id, &role.id, false)
}

/// `remove_user_security_role`: the grant goes, and its project rows with it.
pub fn remove(grants: &mut Grants, user: &Named, role: &Named) -> Result<(), StoreError> {
    let grant_id = holding(grants, user, role)?;
    grants.delete(GRANT, &grant_id)
}

/// `update_user_security_role`: the grant keeps its project access under the new role.
pub fn update(
    grants: &mut Grants,
    user: &Named,
    role: &Named,
    new_role: &Named,
) -> Result<String, StoreError> {
    let grant_id = holding(grants, user, role)?;
    if new_role.id != role.id {
        if grants.held(&user.id, &new_role.id).is_some() {
            return Err(duplicate(format!(
                "user {user} already has the security role {new_role}"
            )));
        }
        grants.update(&grant_id, json!({"security_role_id": new_role.id}))?;
    }
    Ok(grant_id)
}

/// `grant_user_security_role_project`: adds the role when the user lacks it, then the
/// project (or all open projects); what is already granted stays as it is.
pub fn grant(
    grants: &mut Grants,
    user: &Named,
    role: &Named,
    place: &Place,
) -> Result<String, StoreError> {
    if let Place::Project(project) = place {
        check_assignable(role, project)?;
    }
    let grant_id = match grants.held(&user.id, &role.id) {
        Some(grant_id) => grant_id,
        None => grants.create(&user.id, &role.id, false)?,
    };
    match place {
        Place::AllOpenProjects if !grants.is_all_open(&grant_id) => {
            grants.update(&grant_id, json!({"is_all_open_projects": true}))?;
        }
        Place::Project(project) if grants.project_row(&grant_id, &project.id).is_none() => {
            grants.add_project(&grant_id, &project.id)?;
        }
        _ => {}
    }
    Ok(grant_id)
}

/// `revoke_user_security_role_project`: clears all open projects, or deletes the project's row.
pub fn revoke(
    grants: &mut Grants,
    user: &Named,
    role: &Named,
    place: &Place,
) -> Result<String, StoreError> {
    let grant_id = holding(grants, user, role)?;
    match place {
        Place::AllOpenProjects if grants.is_all_open(&grant_id) => {
            grants.update(&grant_id, json!({"is_all_open_projects": false}))?;
        }
        Place::AllOpenProjects => {
            return Err(not_found(format!(
                "user {user} does not have the security role {role} on all open projects"
            )));
        }
        Place::Project(project) => match grants.project_row(&grant_id, &project.id) {
            Some(row_id) => grants.delete(GRANT_PROJECT, &row_id)?,
            None => {
                return Err(not_found(format!(
                    "user {user} does not have the security role {role} on project {project}"
                )));
            }
        },
    }
    Ok(grant_id)
}

/// Refuses an `ASSIGNED` role on a private project.
fn check_assignable(role: &Named, project: &Named) -> Result<(), StoreError> {
    let assigned = text(&role.row, "type") == Some("ASSIGNED");
    let private = project.row.get("is_private") == Some(&Value::Bool(true));
    if assigned && private {
        return Err(StoreError {
            exception: "ValidationError",
            message: format!(
                "the security role {role} is of type ASSIGNED and cannot give access to the private project {project}"
            ),
        });
    }
    Ok(())
}
