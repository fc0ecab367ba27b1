//! `ldap2ftrack completions SHELL`: a completion script on stdout.

use crate::cli::{Cli, CompletionsArgs};
use clap::CommandFactory;

/// Prints the completion script for the shell asked for.
pub fn run(args: &CompletionsArgs) -> anyhow::Result<i32> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "ldap2ftrack", &mut script);
    super::man::to_stdout(&script, "the completion script")?;
    Ok(crate::exit::OK)
}
