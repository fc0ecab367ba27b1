//! The reconciliation console: state ([`app`]), keys ([`action`]), the `update` function and
//! pure views. The runtime (terminal, event loop, workers) feeds `update` with messages and
//! carries out the effects it returns.

pub mod action;
pub mod app;
pub mod autosave;
pub mod board;
pub mod input;
pub mod resolve;
pub mod text;
pub mod theme;
pub mod update;
pub mod view;
// The runtime's modules (terminal setup, event loop, workers).
pub mod run;
pub mod terminal;
pub mod worker;

pub use app::{App, AppOptions, Effect, LoadStage, Msg, Session, Writing};
pub use update::update;
pub use view::render;

#[cfg(test)]
mod tests;
