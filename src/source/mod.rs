//! Directory sources: raw entries from LDIF or a live LDAP server and their mapping to users.

pub mod entry;
pub mod filter;
pub mod group_search;
pub mod ldap;
pub mod ldif;
pub mod mapping;
pub mod mapping_rules;
pub mod offline;
pub mod subtree;
