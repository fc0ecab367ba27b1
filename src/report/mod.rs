//! Rendering plans and reports for people and programs.

pub mod plan_text;
