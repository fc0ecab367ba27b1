//! The pure reconciliation core: from two snapshots, links and policy to a plan. No I/O.

mod claims;
pub mod compute;
pub mod conflict;
pub mod custom;
pub mod decision;
pub mod diff;
pub mod facts;
pub mod grace;
pub mod identity;
pub mod missing_groups;
pub mod needs;
pub mod plan;
pub mod policy;
pub mod prerequisites;
pub mod roles;
mod safety;
pub mod saved;
mod scope;
pub mod seats;
pub mod simulate;
mod uniqueness;

pub use compute::compute_plan;
pub use plan::{Action, Plan, PlanItem};
pub use policy::{Policy, Scope};
pub use safety::sets_size_baseline;

#[cfg(test)]
mod tests;
