//! `ldap2ftrack demo`: the bundled studio, planned with no set-up and no network.

use super::output::{Console, emit_plan};
use crate::cli::OutputArgs;
use crate::config::load_text;
use crate::demo_data;
use std::path::Path;
use std::time::Instant;

/// Runs `demo`.
pub fn run(args: &OutputArgs, console: &Console) -> anyhow::Result<i32> {
    let started = Instant::now();
    console.say("ldap2ftrack demo: Northlight Studios (bundled LDIF directory and ftrack snapshot; nothing is contacted or changed)\n");
    let config = load_text(Path::new("assets/demo/config.toml"), demo_data::CONFIG)?;
    let plan = demo_data::plan(&config)?;
    emit_plan(&plan, args, console, started)
}
