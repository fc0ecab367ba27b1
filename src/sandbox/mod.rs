//! The ftrack sandbox: an emulator of the ftrack JSON API (in progress).

mod compare;
pub mod dispatch;
pub mod evaluate;
pub mod faults;
pub mod normalise;
pub mod order_cache;
mod python_json;
pub mod query;
pub mod schema;
pub mod seed;
pub mod server;
pub mod store;
#[cfg(test)]
mod tests;
