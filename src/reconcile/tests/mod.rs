//! Tests of the planner: table tests per outcome and conflict kind, and property invariants.

mod custom;
mod decisions;
mod fixtures;
mod needs;
mod outcomes;
mod properties;
mod roles;
mod seats;
