//! `ldap2ftrack config show|validate`.

use super::output::Console;
use crate::cli::{Cli, ConfigCommand};
use crate::config::{self, Overrides, render_show};
use crate::exit;

/// Runs a `config` subcommand.
pub fn run(cli: &Cli, command: &ConfigCommand, console: &Console) -> anyhow::Result<i32> {
    let config = config::load_from_process(cli.config.as_deref(), &Overrides::default())?;
    match command {
        ConfigCommand::Show => print!("{}", render_show(&config)),
        ConfigCommand::Validate => {
            let source = cli
                .config
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "defaults and environment".to_string());
            console.say(&format!("configuration is valid ({source})"));
        }
    }
    Ok(exit::OK)
}
