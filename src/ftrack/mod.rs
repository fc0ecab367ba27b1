//! The ftrack side: the HTTP client, the wire format, query building and snapshot files.

pub mod access;
pub mod batch;
pub mod client;
pub mod custom;
mod entities;
pub mod error;
pub mod many;
pub mod planning;
pub mod query;
pub mod read;
pub mod removal;
pub mod snapshot;
mod user_rows;
pub mod wire;
