//! The pure reconciliation core: from two snapshots, links and policy to a plan. No I/O.

pub mod policy;
