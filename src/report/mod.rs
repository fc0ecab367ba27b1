//! Rendering plans and reports for people and programs.

pub mod audit;
pub mod export;
pub mod metrics;
pub mod model;
pub mod plan_text;
