//! The bundled demo studio, embedded in the binary so `demo` works from anywhere.

use crate::config::Config;
use crate::ftrack::snapshot::parse_snapshot;
use crate::reconcile::{Plan, Scope, compute_plan};
use crate::source::ldif::parse_ldif;
use crate::source::mapping::map_entries;
use crate::source::offline::{select_entries, today, user_filter};
use crate::state::LinkRecord;
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

/// Plans the demo directory against the demo ftrack snapshot.
pub fn plan(config: &Config) -> anyhow::Result<Plan> {
    let filter = user_filter(&config.ldap.user_filter, None)?;
    let entries = select_entries(
        parse_ldif("assets/demo/directory.ldif", DIRECTORY.as_bytes())?,
        &filter,
    )?;
    let directory = map_entries(&entries, &config.mapping, today());
    let ftrack = parse_snapshot(Path::new("assets/demo/ftrack.json"), FTRACK)?;
    let links: LinksFile = serde_json::from_str(LINKS)?;
    let links = links
        .links
        .into_iter()
        .map(|r| (r.directory_id, r.ftrack_id))
        .collect();
    let policy = config.policy(Some("ldap2ftrack-api"));
    Ok(compute_plan(
        &directory,
        &ftrack,
        &links,
        &policy,
        &Scope::default(),
    ))
}
