//! The ftrack sandbox: an emulator of the ftrack JSON API (in progress).

pub mod access;
mod compare;
pub mod custom;
pub mod dispatch;
pub mod evaluate;
pub mod faults;
pub mod normalise;
pub mod order_cache;
mod projection;
mod python_json;
pub mod query;
pub mod request;
pub mod schema;
pub mod seed;
pub mod server;
pub mod store;
mod table;
#[cfg(test)]
mod tests;
pub mod traffic;
