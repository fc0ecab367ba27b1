//! Reading who may do what: the server's security roles and projects, and every user's roles
//! with where they hold them. Four flat queries, read concurrently, each page by page:
//!
//! - `SecurityRole`: `id, name, type` (`PROJECT`, `ASSIGNED` or `API`);
//! - `Project`: `id, name, full_name, is_private` (an open project is one that is not private);
//! - `UserSecurityRole`: `id, user_id, security_role_id, is_all_open_projects`;
//! - `UserSecurityRoleProject`: `user_security_role_id, project_id` (projects granted by name).

use super::client::FtrackClient;
use super::entities::text;
use super::error::FtrackError;
use super::many::{chunked, read_many};
use super::query::Select;
use crate::access::{Project, RoleKind, RoleScope, SecurityRole, UserRole};
use crate::ids::FtrackId;
use crate::model::FtrackSnapshot;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// The server's roles and projects, and the roles each user holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// Every security role.
    pub roles: Vec<SecurityRole>,
    /// Every project.
    pub projects: Vec<Project>,
    /// The roles of each user that holds any.
    pub user_roles: HashMap<FtrackId, Vec<UserRole>>,
}

impl Access {
    /// Puts the roles and projects into a snapshot, and each user's roles on the user.
    pub fn fill(mut self, snapshot: &mut FtrackSnapshot) {
        for user in &mut snapshot.users {
            user.roles = self.user_roles.remove(&user.id).unwrap_or_default();
        }
        snapshot.security_roles = self.roles;
        snapshot.projects = self.projects;
    }
}

/// One `UserSecurityRole` row, before its role and projects are named.
struct Holding {
    user: FtrackId,
    role_id: String,
    all_open: bool,
}

/// Reads the roles, projects and every user's roles: four queries, one request (and more only
/// for the pages beyond the first).
pub async fn read_access(client: &FtrackClient) -> Result<Access, FtrackError> {
    let selects = [
        roles_select(),
        projects_select(),
        holdings_select(),
        grants_select(),
    ];
    let [roles, projects, holdings, grants] = four(read_many(client, &selects).await?);
    Ok(access_of(&roles, &projects, &holdings, &grants))
}

/// Reads the roles and projects, and the roles of these users only: two requests (the roles
/// first, then where they are held), however many users, up to 10,000 per request.
pub async fn read_access_of(
    client: &FtrackClient,
    users: &[FtrackId],
) -> Result<Access, FtrackError> {
    let ids: Vec<String> = users.iter().map(ToString::to_string).collect();
    let mut selects = vec![roles_select(), projects_select()];
    selects.extend(chunked(holdings_select, "user_id", &ids));
    let mut found = read_many(client, &selects).await?.into_iter();
    let roles = found.next().unwrap_or_default();
    let projects = found.next().unwrap_or_default();
    let holdings: Vec<Map<String, Value>> = found.flatten().collect();
    let holding_ids: Vec<String> = holdings.iter().map(|h| text(h, "id")).collect();
    let grants_selects = chunked(grants_select, "user_security_role_id", &holding_ids);
    let grants: Vec<Map<String, Value>> = read_many(client, &grants_selects)
        .await?
        .into_iter()
        .flatten()
        .collect();
    Ok(access_of(&roles, &projects, &holdings, &grants))
}

fn access_of(
    roles: &[Map<String, Value>],
    projects: &[Map<String, Value>],
    holdings: &[Map<String, Value>],
    grants: &[Map<String, Value>],
) -> Access {
    let roles: Vec<SecurityRole> = roles.iter().map(security_role).collect();
    let projects: Vec<Project> = projects.iter().map(project).collect();
    let user_roles = user_roles(&roles, &projects, holdings, grants);
    Access {
        roles,
        projects,
        user_roles,
    }
}

fn four<T: Default>(found: Vec<T>) -> [T; 4] {
    let mut found = found.into_iter();
    std::array::from_fn(|_| found.next().unwrap_or_default())
}

fn roles_select() -> Select {
    Select::new("SecurityRole", &["id", "name", "type"]).order_by("id")
}

fn projects_select() -> Select {
    Select::new("Project", &["id", "name", "full_name", "is_private"]).order_by("id")
}

fn holdings_select() -> Select {
    Select::new(
        "UserSecurityRole",
        &["id", "user_id", "security_role_id", "is_all_open_projects"],
    )
    .order_by("id")
}

fn grants_select() -> Select {
    Select::new(
        "UserSecurityRoleProject",
        &["id", "user_security_role_id", "project_id"],
    )
    .order_by("id")
}

fn security_role(row: &Map<String, Value>) -> SecurityRole {
    SecurityRole {
        id: text(row, "id"),
        name: text(row, "name"),
        kind: RoleKind::from_server(&text(row, "type")),
    }
}

fn project(row: &Map<String, Value>) -> Project {
    Project {
        id: text(row, "id"),
        name: text(row, "name"),
        full_name: text(row, "full_name"),
        is_private: flag(row, "is_private"),
    }
}

fn flag(row: &Map<String, Value>, key: &str) -> bool {
    row.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Each user's roles, by role name, with the projects granted by name.
fn user_roles(
    roles: &[SecurityRole],
    projects: &[Project],
    holdings: &[Map<String, Value>],
    grants: &[Map<String, Value>],
) -> HashMap<FtrackId, Vec<UserRole>> {
    let role_names: HashMap<&str, &str> = roles
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect();
    let project_names: HashMap<&str, &str> = projects
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let mut granted: HashMap<String, BTreeSet<String>> = HashMap::new();
    for grant in grants {
        if let Some(name) = project_names.get(text(grant, "project_id").as_str()) {
            granted
                .entry(text(grant, "user_security_role_id"))
                .or_default()
                .insert(name.to_string());
        }
    }
    let mut by_user: HashMap<FtrackId, Vec<UserRole>> = HashMap::new();
    for row in holdings {
        let holding = Holding {
            user: FtrackId::new(text(row, "user_id")),
            role_id: text(row, "security_role_id"),
            all_open: flag(row, "is_all_open_projects"),
        };
        let Some(role) = role_names.get(holding.role_id.as_str()) else {
            continue;
        };
        let scope = if holding.all_open {
            RoleScope::AllOpenProjects
        } else {
            RoleScope::Projects(granted.remove(&text(row, "id")).unwrap_or_default())
        };
        by_user.entry(holding.user).or_default().push(UserRole {
            role: role.to_string(),
            scope,
        });
    }
    for held in by_user.values_mut() {
        held.sort_by(|a, b| a.role.cmp(&b.role));
    }
    by_user
}

/// Only the server's security roles and projects (no users), in a snapshot: one request.
pub async fn read_roles_and_projects(client: &FtrackClient) -> Result<FtrackSnapshot, FtrackError> {
    let found = read_many(client, &[roles_select(), projects_select()]).await?;
    let mut found = found.into_iter();
    let (roles, projects) = (
        found.next().unwrap_or_default(),
        found.next().unwrap_or_default(),
    );
    Ok(FtrackSnapshot {
        security_roles: roles.iter().map(security_role).collect(),
        projects: projects.iter().map(project).collect(),
        ..FtrackSnapshot::default()
    })
}
