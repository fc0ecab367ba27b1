//! One module per command; each returns the process exit code.

mod apply;
mod apply_lines;
mod apply_notify;
mod check;
mod check_lines;
mod completions;
mod config_cmd;
mod config_custom;
mod config_roles;
mod demo;
mod facts;
mod first_run;
mod init;
mod init_ask;
mod init_directory;
mod init_files;
mod init_probe;
mod man;
mod output;
mod plan;
mod report;
mod report_runs;
mod review;
mod sandbox;
mod watch;

use crate::cli::{Cli, Command};

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let console = output::Console::new(&cli);
    let review = crate::cli::Command::Review(crate::cli::ReviewArgs {
        decisions_file: "decisions.json".into(),
        ..Default::default()
    });
    let command = match &cli.command {
        Some(command) => command,
        None if first_run::unconfigured(&cli)? => return Ok(first_run::explain()),
        None if review::on_a_terminal() => &review,
        None => {
            eprintln!(
                "error: no command given; on a terminal this opens the console (`review`). See `ldap2ftrack --help`."
            );
            return Ok(crate::exit::USAGE);
        }
    };
    // The console owns the screen and logs to files; a log line on stderr would land in it.
    if !opens_console(command) {
        crate::logging::log_to_stderr(cli.verbose, cli.quiet, console.color_for_stderr());
    }
    match command {
        Command::Review(args) => review::run(&cli, args, &console),
        Command::Plan(args) => plan::run(&cli, args, &console),
        Command::Apply(args) => apply::run(&cli, args, &console),
        Command::Watch(args) => watch::run(&cli, args, &console),
        Command::Report(args) => report::run(&cli, args, &console),
        Command::Check => check::run(&cli, &console),
        Command::Demo(args) => demo::run(&cli, args, &console),
        Command::Sandbox(args) => sandbox::run(args, &console),
        Command::Config(command) => config_cmd::run(&cli, command, &console),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args, &console),
        Command::Init(args) => init::run(&cli, args, &console),
    }
}

/// True when the command will open the console on this terminal.
fn opens_console(command: &Command) -> bool {
    match command {
        Command::Review(_) => review::on_a_terminal(),
        Command::Demo(args) => demo::opens_console(args),
        _ => false,
    }
}
