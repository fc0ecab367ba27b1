//! The ftrack side: snapshot files (and, later, the HTTP client).

pub mod query;
pub mod snapshot;
pub mod wire;
