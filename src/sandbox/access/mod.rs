//! Security roles and project access in the sandbox: the roles every server starts with, the
//! role a user created through the API gets, the five security-role actions, and roles and
//! projects in snapshot files.
//!
//! ftrack stores a user's role as a `UserSecurityRole` (user, role, and
//! `is_all_open_projects`, also readable under its deprecated name `is_all_projects`) and each
//! project it is granted on by name as a `UserSecurityRoleProject`. Clients change them with
//! the actions, not by writing those entities (see `action`).

mod action;
mod builtin;
mod changes;
mod grants;
mod snapshot;

pub use action::{RemovalAction, RoleAction, RoleFields, RoleRequest, run_role_action};
pub use builtin::{DEFAULT_ROLE, built_in_roles, choose_default_role, give_default_role, role_row};
pub use grants::Grants;
pub use snapshot::{AccessSeed, projects_of, roles_of, user_roles};
