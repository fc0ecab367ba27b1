//! Integration tests: one binary, one module per area.

mod active_directory;
mod apply_concurrency_e2e;
mod apply_e2e;
mod architecture;
mod cli_plan;
mod console_e2e;
mod custom_e2e;
mod demo;
mod ftrack_client;
mod ftrack_client_paging;
mod ftrack_custom;
mod ldap_dn;
mod ldap_source;
mod ldif_groups;
mod missing_groups_e2e;
mod python_conformance;
mod report_cli;
mod roles_e2e;
mod sandbox_cli;
mod slapd_harness;
mod support;
mod two_syncs;
