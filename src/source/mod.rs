//! Directory sources: raw entries from LDIF (and, later, LDAP) and their mapping to users.

pub mod entry;
pub mod filter;
pub mod ldif;
pub mod mapping;
pub mod mapping_rules;
pub mod offline;
