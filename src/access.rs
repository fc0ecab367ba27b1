//! Access in ftrack: security roles, where a user holds them (all open projects, or named
//! projects), and projects. Plain data shared by the reader, the planner and the writer.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// What kind of security role a role is; the server's `SecurityRole.type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// Grants rights on projects (User, Project Manager, Administrator, ...).
    Project,
    /// Grants rights on what a user is assigned to.
    Assigned,
    /// The role of API keys.
    Api,
    /// A type this tool does not know, as the server names it.
    Other(String),
}

impl RoleKind {
    /// Reads the server's `type` value (`"PROJECT"`, `"ASSIGNED"`, `"API"`; any case).
    pub fn from_server(value: &str) -> Self {
        match value.to_ascii_uppercase().as_str() {
            "PROJECT" => Self::Project,
            "ASSIGNED" => Self::Assigned,
            "API" => Self::Api,
            _ => Self::Other(value.to_string()),
        }
    }

    /// The server's `type` value.
    pub fn server_value(&self) -> &str {
        match self {
            Self::Project => "PROJECT",
            Self::Assigned => "ASSIGNED",
            Self::Api => "API",
            Self::Other(value) => value,
        }
    }
}

/// A security role on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityRole {
    /// The server's id.
    pub id: String,
    /// Its name, unique on the server ("Project Manager").
    pub name: String,
    /// Its kind.
    pub kind: RoleKind,
}

/// The name of ftrack's built-in role that administers the whole server.
pub const ADMINISTRATOR: &str = "Administrator";

impl SecurityRole {
    /// True for roles whose grant from the directory needs an explicit opt-in: the
    /// Administrator role, API roles, and any kind this tool does not know.
    pub fn is_privileged(&self) -> bool {
        self.name.eq_ignore_ascii_case(ADMINISTRATOR)
            || matches!(self.kind, RoleKind::Api | RoleKind::Other(_))
    }
}

/// A project on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The server's id.
    pub id: String,
    /// Its short name (code), unique on the server.
    pub name: String,
    /// Its full name.
    #[serde(default)]
    pub full_name: String,
    /// Private projects are seen only by users granted them by name.
    #[serde(default)]
    pub is_private: bool,
}

/// Where a user holds a role: on every open project, or on named projects only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleScope {
    /// Every open project (private ones are granted by name only).
    AllOpenProjects,
    /// These projects, by name.
    Projects(BTreeSet<String>),
}

impl RoleScope {
    /// These projects, by name.
    pub fn projects<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Self::Projects(names.into_iter().map(str::to_string).collect())
    }

    /// The scope holding both (all open projects wins; named projects add up).
    pub fn merged(self, other: RoleScope) -> RoleScope {
        match (self, other) {
            (Self::Projects(mut a), Self::Projects(b)) => {
                a.extend(b);
                Self::Projects(a)
            }
            _ => Self::AllOpenProjects,
        }
    }
}

impl fmt::Display for RoleScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AllOpenProjects => f.write_str("all open projects"),
            Self::Projects(names) if names.is_empty() => f.write_str("no project"),
            Self::Projects(names) => {
                let list: Vec<&str> = names.iter().map(String::as_str).collect();
                write!(f, "projects {}", list.join(", "))
            }
        }
    }
}

/// A role a user holds, by the role's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRole {
    /// The role's name.
    pub role: String,
    /// Where the user holds it.
    pub scope: RoleScope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_merge_towards_all_open_projects() {
        assert_eq!(
            RoleScope::projects(["A"]).merged(RoleScope::projects(["B"])),
            RoleScope::projects(["A", "B"])
        );
        assert_eq!(
            RoleScope::projects(["A"]).merged(RoleScope::AllOpenProjects),
            RoleScope::AllOpenProjects
        );
        assert_eq!(RoleScope::projects(["B", "A"]).to_string(), "projects A, B");
    }

    fn role(name: &str, kind: &str) -> SecurityRole {
        SecurityRole {
            id: name.to_lowercase(),
            name: name.to_string(),
            kind: RoleKind::from_server(kind),
        }
    }

    #[test]
    fn administrator_api_and_unknown_roles_are_privileged() {
        assert_eq!(RoleKind::from_server("project"), RoleKind::Project);
        assert!(!role("Project Manager", "PROJECT").is_privileged());
        assert!(!role("Restricted User", "ASSIGNED").is_privileged());
        assert!(role("Administrator", "PROJECT").is_privileged());
        assert!(role("API", "API").is_privileged());
        assert!(role("Custom", "SOMETHING_NEW").is_privileged());
        assert_eq!(RoleKind::from_server("Assigned").server_value(), "ASSIGNED");
    }

    #[test]
    fn scopes_serialize_plainly() {
        let json = serde_json::to_string(&RoleScope::AllOpenProjects).unwrap();
        assert_eq!(json, "\"all_open_projects\"");
        let json = serde_json::to_string(&RoleScope::projects(["SHOW"])).unwrap();
        assert_eq!(json, "{\"projects\":[\"SHOW\"]}");
    }
}
