//! The bundled demo studio, embedded in the binary so `demo` works from anywhere.

use crate::config::Config;
use crate::ftrack::snapshot::parse_snapshot;
use crate::model::{DirectorySnapshot, FtrackSnapshot};
use crate::reconcile::{Plan, Scope, compute_plan};
use crate::source::ldif::parse_ldif;
use crate::source::offline::{LdifSelection, read_entries};
use crate::state::LinkRecord;
use jiff::civil::Date;
use serde::Deserialize;
use std::path::Path;

/// The demo configuration (managed groups and policy).
pub const CONFIG: &str = include_str!("../assets/demo/config.toml");
/// The demo directory, an LDIF export.
pub const DIRECTORY: &str = include_str!("../assets/demo/directory.ldif");
/// The demo ftrack snapshot.
pub const FTRACK: &str = include_str!("../assets/demo/ftrack.json");
/// The identity links an earlier run recorded.
pub const LINKS: &str = include_str!("../assets/demo/links.json");

#[derive(Deserialize)]
struct LinksFile {
    links: Vec<LinkRecord>,
}

/// The demo studio's "today": account-expiry rules count from it, so the demo's plan is the
/// same whatever the date.
pub const TODAY: Date = Date::constant(2026, 6, 1);

/// The demo directory, read and mapped with the demo configuration.
pub fn directory(config: &Config) -> anyhow::Result<DirectorySnapshot> {
    let selection = LdifSelection::from_config(&config.ldap, None)?;
    let entries = parse_ldif("assets/demo/directory.ldif", DIRECTORY.as_bytes())?;
    Ok(read_entries(entries, &selection, &config.mapping, TODAY)?)
}

/// The demo ftrack server's users and groups.
pub fn ftrack() -> anyhow::Result<FtrackSnapshot> {
    Ok(parse_snapshot(
        Path::new("assets/demo/ftrack.json"),
        FTRACK,
    )?)
}

/// The identity links an earlier run recorded.
pub fn link_records() -> anyhow::Result<Vec<LinkRecord>> {
    let links: LinksFile = serde_json::from_str(LINKS)?;
    Ok(links.links)
}

/// Plans the demo directory against the demo ftrack snapshot.
pub fn plan(config: &Config) -> anyhow::Result<Plan> {
    let directory = directory(config)?;
    let ftrack = ftrack()?;
    let links = link_records()?
        .into_iter()
        .map(|r| (r.directory_id, r.ftrack_id))
        .collect();
    let policy = config.policy(Some(API_USER));
    Ok(compute_plan(
        &directory,
        &ftrack,
        &links,
        &policy,
        &Scope::default(),
    ))
}

/// The API user of the demo's ftrack server.
pub const API_USER: &str = "ldap2ftrack-api";
