//! Applying an approved plan to ftrack: batched, resumable, safe; and what came of it.

pub mod access;
pub mod api;
pub mod custom;
pub mod engine;
pub mod operations;
pub mod outcome;
pub mod preflight;
pub(crate) mod record;
pub mod run;
mod taken;
pub mod watermark;
