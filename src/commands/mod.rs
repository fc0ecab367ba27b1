//! One module per command; each returns the process exit code.

mod apply;
mod check;
mod config_cmd;
mod demo;
mod output;
mod plan;
mod report;
mod sandbox;

use crate::cli::{Cli, Command};

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let console = output::Console::new(&cli);
    crate::logging::log_to_stderr(cli.verbose, cli.quiet);
    match &cli.command {
        Command::Plan(args) => plan::run(&cli, args, &console),
        Command::Apply(args) => apply::run(&cli, args, &console),
        Command::Report(args) => report::run(args, &console),
        Command::Check => check::run(&cli, &console),
        Command::Demo(args) => demo::run(args, &console),
        Command::Sandbox(args) => sandbox::run(args, &console),
        Command::Config(command) => config_cmd::run(&cli, command, &console),
    }
}
