//! ldap2ftrack: keeps the users of an ftrack server in sync with LDAP or Active Directory.

pub mod config;
pub mod model;
pub mod reconcile;
pub mod source;
pub mod state;
