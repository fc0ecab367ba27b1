//! Security roles, projects and users' roles in the snapshot format: loading them into the
//! store and reading them back out.
//!
//! A snapshot that lists security roles lists all of the server's roles: they replace the
//! built-in ones. One without any keeps the built-in roles. A user's role held on all open
//! projects is a grant with `is_all_open_projects`; one held on named projects is a grant with
//! a `UserSecurityRoleProject` per project. A grant that holds on all open projects and also
//! names projects is read back as all open projects: the snapshot format has no room for both.

use super::grants::{GRANT, GRANT_PROJECT, text};
use crate::access::{Project, RoleKind, RoleScope, SecurityRole, UserRole};
use crate::ftrack::wire::EntityKey;
use crate::model::{FtrackSnapshot, FtrackUser};
use crate::sandbox::store::{Row, Store, Write};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The ids of the roles and projects a seed knows by name, to write users' grants with.
pub struct AccessSeed {
    roles: HashMap<String, String>,
    projects: HashMap<String, String>,
}

impl AccessSeed {
    /// Adds to `writes` the snapshot's roles (in place of the store's, when it lists any) and
    /// its projects.
    pub fn new(store: &Store, snapshot: &FtrackSnapshot, writes: &mut Vec<Write>) -> Self {
        let roles = if snapshot.security_roles.is_empty() {
            roles_of(store)
        } else {
            replace_roles(store, &snapshot.security_roles, writes);
            snapshot.security_roles.clone()
        };
        for project in &snapshot.projects {
            writes.push(create("Project", project_row(project)));
        }
        Self {
            roles: roles.into_iter().map(|r| (r.name, r.id)).collect(),
            projects: (snapshot.projects.iter())
                .map(|p| (p.name.clone(), p.id.clone()))
                .collect(),
        }
    }

    /// Adds to `writes` the grants of one user (written after the user). A role or project
    /// that only a user names is created: a project role, an open project.
    pub fn user_grants(&mut self, user: &FtrackUser, writes: &mut Vec<Write>) {
        for (role, scope) in merged(&user.roles) {
            let role_id = self.role_id(role, writes);
            let grant_id = uuid::Uuid::new_v4().to_string();
            let all_open = scope == RoleScope::AllOpenProjects;
            writes.push(create(
                GRANT,
                json!({"id": grant_id, "user_id": user.id, "security_role_id": role_id,
                       "is_all_open_projects": all_open}),
            ));
            let RoleScope::Projects(names) = scope else {
                continue;
            };
            for name in names {
                let project_id = self.project_id(&name, writes);
                writes.push(create(
                    GRANT_PROJECT,
                    json!({"user_security_role_id": grant_id, "project_id": project_id}),
                ));
            }
        }
    }

    fn role_id(&mut self, name: &str, writes: &mut Vec<Write>) -> String {
        self.roles
            .entry(name.to_string())
            .or_insert_with(|| {
                let id = format!("securityrole-{}", uuid::Uuid::new_v4());
                let row = json!({"id": id, "name": name, "type": RoleKind::Project.server_value()});
                writes.push(create("SecurityRole", row));
                id
            })
            .clone()
    }

    fn project_id(&mut self, name: &str, writes: &mut Vec<Write>) -> String {
        self.projects
            .entry(name.to_string())
            .or_insert_with(|| {
                let project = Project {
                    id: format!("project-{}", uuid::Uuid::new_v4()),
                    name: name.to_string(),
                    full_name: name.to_string(),
                    is_private: false,
                };
                writes.push(create("Project", project_row(&project)));
                project.id
            })
            .clone()
    }
}

/// A user's roles with each role once: scopes of the same role merged, first-seen order kept.
fn merged(roles: &[UserRole]) -> Vec<(&str, RoleScope)> {
    let mut out: Vec<(&str, RoleScope)> = Vec::new();
    for role in roles {
        match out.iter_mut().find(|(name, _)| *name == role.role) {
            Some((_, scope)) => *scope = scope.clone().merged(role.scope.clone()),
            None => out.push((&role.role, role.scope.clone())),
        }
    }
    out
}

/// Writes that make the store's roles exactly `roles` (matched by id).
fn replace_roles(store: &Store, roles: &[SecurityRole], writes: &mut Vec<Write>) {
    let wanted: HashSet<&str> = roles.iter().map(|r| r.id.as_str()).collect();
    for old in store.rows("SecurityRole") {
        if let Some(id) = text(old, "id").filter(|id| !wanted.contains(id)) {
            writes.push(Write::Delete {
                entity_type: "SecurityRole".to_string(),
                key: EntityKey::Single(id.to_string()),
            });
        }
    }
    for role in roles {
        let row = super::role_row(role);
        if store.get("SecurityRole", &role.id).is_some() {
            writes.push(Write::Update {
                entity_type: "SecurityRole".to_string(),
                key: EntityKey::Single(role.id.clone()),
                data: row,
            });
        } else {
            writes.push(Write::Create {
                entity_type: "SecurityRole".to_string(),
                key: None,
                data: row,
            });
        }
    }
}

fn project_row(project: &Project) -> Value {
    json!({"id": project.id, "name": project.name, "full_name": project.full_name,
           "is_private": project.is_private, "status": "active", "context_type": "show"})
}

fn create(entity_type: &str, data: Value) -> Write {
    Write::Create {
        entity_type: entity_type.to_string(),
        key: None,
        data: match data {
            Value::Object(map) => map,
            _ => Row::new(),
        },
    }
}

/// The store's security roles, in the order they were added.
pub fn roles_of(store: &Store) -> Vec<SecurityRole> {
    store
        .rows("SecurityRole")
        .map(|row| SecurityRole {
            id: text(row, "id").unwrap_or_default().to_string(),
            name: text(row, "name").unwrap_or_default().to_string(),
            kind: RoleKind::from_server(text(row, "type").unwrap_or_default()),
        })
        .collect()
}

/// The store's projects, in the order they were added.
pub fn projects_of(store: &Store) -> Vec<Project> {
    store
        .rows("Project")
        .map(|row| Project {
            id: text(row, "id").unwrap_or_default().to_string(),
            name: text(row, "name").unwrap_or_default().to_string(),
            full_name: text(row, "full_name").unwrap_or_default().to_string(),
            is_private: row.get("is_private") == Some(&Value::Bool(true)),
        })
        .collect()
}

/// The roles a user holds, each with where it holds.
pub fn user_roles(store: &Store, user_id: &str) -> Vec<UserRole> {
    store
        .referring(GRANT, "user_id", user_id)
        .into_iter()
        .filter_map(|grant| {
            let role = store.get("SecurityRole", text(grant, "security_role_id")?)?;
            Some(UserRole {
                role: text(role, "name")?.to_string(),
                scope: scope(store, grant),
            })
        })
        .collect()
}

fn scope(store: &Store, grant: &Row) -> RoleScope {
    if grant.get("is_all_open_projects") == Some(&Value::Bool(true)) {
        return RoleScope::AllOpenProjects;
    }
    let grant_id = text(grant, "id").unwrap_or_default();
    let names: BTreeSet<String> = store
        .referring(GRANT_PROJECT, "user_security_role_id", grant_id)
        .into_iter()
        .filter_map(|row| store.get("Project", text(row, "project_id")?))
        .filter_map(|project| text(project, "name").map(str::to_string))
        .collect();
    RoleScope::Projects(names)
}
