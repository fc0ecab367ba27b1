//! Applying an approved plan to ftrack: batched, resumable, safe; and what came of it.

pub mod outcome;
