//! Rendering plans and reports for people and programs.

mod advice;
pub mod audit;
pub mod compare;
pub mod export;
pub mod metrics;
pub mod model;
pub mod plan_text;
pub mod session;
