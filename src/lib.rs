//! ldap2ftrack: keeps the users of an ftrack server in sync with LDAP or Active Directory.
//!
//! The pipeline: a directory source and an ftrack source give two snapshots; the pure
//! [`reconcile`] core turns them, with the stored identity links and the policy, into a
//! [`reconcile::Plan`]; commands print or apply it.

#![forbid(unsafe_code)]

pub mod access;
pub mod apply;
pub mod atomic_file;
pub mod characters;
pub mod cli;
pub mod clock;
mod commands;
pub mod config;
pub mod custom;
pub mod demo_data;
pub mod dn;
pub mod exit;
pub mod ftrack;
pub mod history;
pub mod ids;
pub mod incremental;
pub mod inputs;
pub mod logging;
pub mod model;
pub mod notify;
pub mod reconcile;
pub mod report;
pub mod sandbox;
pub mod setup;
pub mod source;
pub mod state;
pub mod tui;

pub use commands::run;
