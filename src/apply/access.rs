//! From planned role changes to the steps that carry them out on ftrack's role actions.
//!
//! Steps are worked out from where the user stands: the roles read from ftrack just before
//! applying when there are some (a server may give new users a role of its own, or an admin
//! may have changed roles since the plan), else the roles the plan saw. A role the user holds
//! already is not added again, and a role it lacks is not removed, so the steps can be
//! repeated safely.

use crate::access::{RoleScope, UserRole};
use crate::ftrack::access::Access;
use crate::ftrack::wire::{Operation, ProjectAccess};
use crate::ids::FtrackId;
use crate::reconcile::plan::PlanItem;
use crate::reconcile::roles::RoleChange;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One call to ftrack's role actions, by role and project names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessStep {
    /// `add_user_security_role`.
    Add { role: String },
    /// `remove_user_security_role`.
    Remove { role: String },
    /// `update_user_security_role`: one role for another, keeping where it applies.
    Replace { role: String, by: String },
    /// `grant_user_security_role_project` with `all_open_projects`.
    GrantAllOpen { role: String },
    /// `revoke_user_security_role_project` with `all_open_projects`.
    RevokeAllOpen { role: String },
    /// `grant_user_security_role_project` with a `project_id`.
    GrantProject { role: String, project: String },
    /// `revoke_user_security_role_project` with a `project_id`.
    RevokeProject { role: String, project: String },
}

/// The steps that take a user from `now` (the roles read from ftrack, or `None` for the
/// plan's view) to what `changes` want.
pub fn access_steps(changes: &[RoleChange], now: Option<&[UserRole]>) -> Vec<AccessStep> {
    let (replaced, changes) = replacements(changes, now);
    let mut steps = replaced;
    for change in &changes {
        let role = change.role();
        let held = match now {
            Some(now) => now.iter().find(|h| h.role == role).map(|h| h.scope.clone()),
            None => planned_before(change),
        };
        match (held, wanted(change)) {
            (None, Some(to)) => {
                steps.push(AccessStep::Add { role: role.into() });
                steps.extend(scope_steps(
                    role,
                    &RoleScope::Projects(BTreeSet::new()),
                    &to,
                ));
            }
            (Some(from), Some(to)) => steps.extend(scope_steps(role, &from, &to)),
            (Some(_), None) => steps.push(AccessStep::Remove { role: role.into() }),
            (None, None) => {}
        }
    }
    steps
}

/// A revocation and a grant on the same scope become one replacement, so the user keeps
/// project access without a moment without the role; returns the replacements and the changes
/// left.
fn replacements(
    changes: &[RoleChange],
    now: Option<&[UserRole]>,
) -> (Vec<AccessStep>, Vec<RoleChange>) {
    let held = |role: &str| match now {
        Some(now) => now.iter().find(|h| h.role == role).map(|h| h.scope.clone()),
        None => changes
            .iter()
            .find(|c| c.role() == role)
            .and_then(planned_before),
    };
    let mut rest: Vec<RoleChange> = changes.to_vec();
    let mut steps = Vec::new();
    for change in changes {
        let RoleChange::Grant {
            role: to, scope, ..
        } = change
        else {
            continue;
        };
        let freed = rest.iter().position(
            |c| matches!(c, RoleChange::Revoke { role, .. } if held(role).as_ref() == Some(scope)),
        );
        if held(to).is_none()
            && let Some(position) = freed
        {
            let from = rest.remove(position).role().to_string();
            rest.retain(|c| c.role() != to);
            steps.push(AccessStep::Replace {
                role: from,
                by: to.clone(),
            });
        }
    }
    (steps, rest)
}

/// Where the plan saw the user hold the role.
fn planned_before(change: &RoleChange) -> Option<RoleScope> {
    match change {
        RoleChange::Grant { .. } => None,
        RoleChange::Revoke { scope, .. } => Some(scope.clone()),
        RoleChange::Rescope { from, .. } => Some(from.clone()),
    }
}

/// Where the change wants the user to hold the role; `None` for a revocation.
fn wanted(change: &RoleChange) -> Option<RoleScope> {
    match change {
        RoleChange::Grant { scope, .. } => Some(scope.clone()),
        RoleChange::Rescope { to, .. } => Some(to.clone()),
        RoleChange::Revoke { .. } => None,
    }
}

/// Grants and revocations that move a held role from one scope to another. Projects named
/// under "all open projects" are left as they are (they may be private ones granted by hand).
fn scope_steps(role: &str, from: &RoleScope, to: &RoleScope) -> Vec<AccessStep> {
    let role = role.to_string();
    let named = |scope: &RoleScope| match scope {
        RoleScope::Projects(names) => names.clone(),
        RoleScope::AllOpenProjects => BTreeSet::new(),
    };
    let mut steps = Vec::new();
    match (from, to) {
        (RoleScope::AllOpenProjects, RoleScope::AllOpenProjects) => return steps,
        (RoleScope::AllOpenProjects, RoleScope::Projects(_)) => {
            steps.push(AccessStep::RevokeAllOpen { role: role.clone() })
        }
        (RoleScope::Projects(_), RoleScope::AllOpenProjects) => {
            steps.push(AccessStep::GrantAllOpen { role: role.clone() })
        }
        (RoleScope::Projects(_), RoleScope::Projects(_)) => {}
    }
    let (before, after) = (named(from), named(to));
    let mut moves: BTreeMap<&String, bool> = BTreeMap::new();
    moves.extend(after.difference(&before).map(|p| (p, true)));
    if matches!(to, RoleScope::Projects(_)) {
        moves.extend(before.difference(&after).map(|p| (p, false)));
    }
    steps.extend(moves.into_iter().map(|(project, grant)| {
        let (role, project) = (role.clone(), project.clone());
        if grant {
            AccessStep::GrantProject { role, project }
        } else {
            AccessStep::RevokeProject { role, project }
        }
    }));
    steps
}

/// A step that names a role or project ftrack does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MissingAccess {
    /// No security role has this name.
    #[error("ftrack has no security role named {0:?}")]
    Role(String),
    /// No project has this name.
    #[error("ftrack has no project named {0:?}")]
    Project(String),
}

/// ftrack's roles and projects and its users' roles, read just before applying.
#[derive(Debug, Clone, Default)]
pub struct LiveAccess {
    ids: AccessIds,
    user_roles: HashMap<FtrackId, Vec<UserRole>>,
}

impl LiveAccess {
    /// Keeps what the steps need from a read.
    pub fn new(access: Access) -> Self {
        Self {
            ids: AccessIds::new(&access),
            user_roles: access.user_roles,
        }
    }

    /// The role operations of an item for its user, from the roles the user holds now.
    pub fn operations(
        &self,
        item: &PlanItem,
        user_id: &FtrackId,
    ) -> Result<Vec<Operation>, MissingAccess> {
        self.operations_for(&item.roles, user_id)
    }

    /// The role operations of a user this run created: the plan's grants, and the removal of
    /// any managed role the server gave the new user that the plan does not grant.
    pub fn created_operations(
        &self,
        item: &PlanItem,
        user_id: &FtrackId,
        managed: &[String],
    ) -> Result<Vec<Operation>, MissingAccess> {
        let now = self.user_roles.get(user_id).map_or(&[][..], Vec::as_slice);
        let granted = |role: &str| item.roles.iter().any(|c| c.role() == role);
        let mut changes = item.roles.clone();
        changes.extend(
            now.iter()
                .filter(|held| managed.contains(&held.role) && !granted(&held.role))
                .map(|held| RoleChange::Revoke {
                    role: held.role.clone(),
                    scope: held.scope.clone(),
                }),
        );
        self.operations_for(&changes, user_id)
    }

    fn operations_for(
        &self,
        changes: &[RoleChange],
        user_id: &FtrackId,
    ) -> Result<Vec<Operation>, MissingAccess> {
        let now = self.user_roles.get(user_id).map_or(&[][..], Vec::as_slice);
        access_steps(changes, Some(now))
            .iter()
            .map(|step| self.ids.operation(step, user_id))
            .collect()
    }
}

/// The ids of the server's roles and projects, by name.
#[derive(Debug, Clone, Default)]
pub struct AccessIds {
    roles: HashMap<String, String>,
    projects: HashMap<String, String>,
}

impl AccessIds {
    /// Indexes what was read from ftrack.
    pub fn new(access: &Access) -> Self {
        Self {
            roles: access
                .roles
                .iter()
                .map(|r| (r.name.clone(), r.id.clone()))
                .collect(),
            projects: access
                .projects
                .iter()
                .map(|p| (p.name.clone(), p.id.clone()))
                .collect(),
        }
    }

    fn role(&self, name: &str) -> Result<String, MissingAccess> {
        self.roles
            .get(name)
            .cloned()
            .ok_or_else(|| MissingAccess::Role(name.into()))
    }

    fn project(&self, name: &str) -> Result<String, MissingAccess> {
        self.projects
            .get(name)
            .cloned()
            .ok_or_else(|| MissingAccess::Project(name.into()))
    }

    /// A role on one project, or on all open projects (`None`).
    fn on(
        &self,
        user_id: String,
        role: &str,
        project: Option<&String>,
    ) -> Result<ProjectAccess, MissingAccess> {
        Ok(ProjectAccess {
            user_id,
            role_id: self.role(role)?,
            project_id: project.map(|p| self.project(p)).transpose()?,
            all_open_projects: project.is_none(),
        })
    }

    /// The wire operation for a step on this user.
    pub fn operation(
        &self,
        step: &AccessStep,
        user_id: &FtrackId,
    ) -> Result<Operation, MissingAccess> {
        let user_id = user_id.to_string();
        Ok(match step {
            AccessStep::Add { role } => Operation::AddUserSecurityRole {
                user_id,
                role_id: self.role(role)?,
            },
            AccessStep::Remove { role } => Operation::RemoveUserSecurityRole {
                user_id,
                role_id: self.role(role)?,
            },
            AccessStep::Replace { role, by } => Operation::UpdateUserSecurityRole {
                user_id,
                role_id: self.role(role)?,
                new_role_id: self.role(by)?,
            },
            AccessStep::GrantAllOpen { role } => {
                Operation::GrantUserSecurityRoleProject(self.on(user_id, role, None)?)
            }
            AccessStep::RevokeAllOpen { role } => {
                Operation::RevokeUserSecurityRoleProject(self.on(user_id, role, None)?)
            }
            AccessStep::GrantProject { role, project } => {
                Operation::GrantUserSecurityRoleProject(self.on(user_id, role, Some(project))?)
            }
            AccessStep::RevokeProject { role, project } => {
                Operation::RevokeUserSecurityRoleProject(self.on(user_id, role, Some(project))?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: &str, scope: RoleScope) -> RoleChange {
        RoleChange::Grant {
            role: role.into(),
            scope,
            because: "group x".into(),
        }
    }

    fn held(role: &str, scope: RoleScope) -> UserRole {
        UserRole {
            role: role.into(),
            scope,
        }
    }

    #[test]
    fn a_grant_adds_the_role_then_its_scope() {
        let steps = access_steps(&[grant("User", RoleScope::projects(["B", "A"]))], None);
        assert_eq!(
            steps,
            [
                AccessStep::Add {
                    role: "User".into()
                },
                AccessStep::GrantProject {
                    role: "User".into(),
                    project: "A".into()
                },
                AccessStep::GrantProject {
                    role: "User".into(),
                    project: "B".into()
                },
            ]
        );
        let steps = access_steps(&[grant("PM", RoleScope::AllOpenProjects)], None);
        assert_eq!(
            steps,
            [
                AccessStep::Add { role: "PM".into() },
                AccessStep::GrantAllOpen { role: "PM".into() },
            ]
        );
    }

    #[test]
    fn a_role_the_server_gave_already_is_not_added_again() {
        let now = [held("User", RoleScope::AllOpenProjects)];
        let steps = access_steps(&[grant("User", RoleScope::projects(["A"]))], Some(&now));
        assert_eq!(
            steps,
            [
                AccessStep::RevokeAllOpen {
                    role: "User".into()
                },
                AccessStep::GrantProject {
                    role: "User".into(),
                    project: "A".into()
                },
            ]
        );
        let in_place = access_steps(&[grant("User", RoleScope::AllOpenProjects)], Some(&now));
        assert!(in_place.is_empty());
    }

    #[test]
    fn a_role_swapped_for_another_on_the_same_projects_is_one_replacement() {
        let changes = [
            RoleChange::Revoke {
                role: "User".into(),
                scope: RoleScope::projects(["A"]),
            },
            grant("Project Manager", RoleScope::projects(["A"])),
        ];
        let now = [held("User", RoleScope::projects(["A"]))];
        let replace = AccessStep::Replace {
            role: "User".into(),
            by: "Project Manager".into(),
        };
        assert_eq!(
            access_steps(&changes, Some(&now)),
            std::slice::from_ref(&replace)
        );
        assert_eq!(access_steps(&changes, None), [replace]);
        // On other projects it is a removal and a grant.
        let elsewhere = [held("User", RoleScope::projects(["B"]))];
        let steps = access_steps(&changes, Some(&elsewhere));
        assert_eq!(steps.len(), 3, "{steps:?}");
    }

    #[test]
    fn a_revocation_of_a_role_already_gone_does_nothing() {
        let revoke = RoleChange::Revoke {
            role: "PM".into(),
            scope: RoleScope::AllOpenProjects,
        };
        assert_eq!(
            access_steps(std::slice::from_ref(&revoke), None),
            [AccessStep::Remove { role: "PM".into() }]
        );
        assert!(access_steps(&[revoke], Some(&[])).is_empty());
    }

    #[test]
    fn a_rescope_moves_between_projects_and_keeps_hand_granted_private_ones_under_all_open() {
        let rescope = RoleChange::Rescope {
            role: "User".into(),
            from: RoleScope::projects(["A", "B"]),
            to: RoleScope::projects(["B", "C"]),
            because: "group x".into(),
        };
        assert_eq!(
            access_steps(&[rescope], None),
            [
                AccessStep::RevokeProject {
                    role: "User".into(),
                    project: "A".into()
                },
                AccessStep::GrantProject {
                    role: "User".into(),
                    project: "C".into()
                },
            ]
        );
        let widen = RoleChange::Rescope {
            role: "User".into(),
            from: RoleScope::projects(["VAULT"]),
            to: RoleScope::AllOpenProjects,
            because: "group x".into(),
        };
        assert_eq!(
            access_steps(&[widen], None),
            [AccessStep::GrantAllOpen {
                role: "User".into()
            }]
        );
    }
}
