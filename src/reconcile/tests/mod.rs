//! Tests of the planner: table tests per outcome and conflict kind, and property invariants.

mod custom;
mod decisions;
mod fixtures;
mod missing_groups;
mod needs;
mod outcomes;
mod properties;
mod roles;
mod seats;
