//! The ftrack sandbox: an emulator of the ftrack JSON API (in progress).

pub mod query;
pub mod schema;
