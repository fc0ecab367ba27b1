//! Rendering plans and reports for people and programs.

pub mod model;
pub mod plan_text;
