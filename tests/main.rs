//! Integration tests: one binary, one module per area.

mod architecture;
mod cli_plan;
mod demo;
mod python_conformance;
mod sandbox_cli;
mod support;
