//! Tests of the planner: table tests per outcome and conflict kind, and property invariants.

mod changed;
mod custom;
mod decisions;
mod fixtures;
mod grace;
mod missing_groups;
mod needs;
mod outcomes;
pub(super) mod properties;
mod roles;
mod seats;
