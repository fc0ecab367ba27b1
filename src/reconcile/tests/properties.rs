//! Property tests: invariants named after what they check.
