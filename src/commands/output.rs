//! Where command output goes: data to stdout or a file, messages to stderr.

use crate::cli::{Cli, ColorChoice, Format, OutputArgs};
use crate::exit;
use crate::reconcile::Plan;
use crate::report::plan_text::{TextOptions, render_plan_text, summary_line};
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Message settings shared by every command.
pub struct Console {
    quiet: bool,
    verbose: bool,
    color: ColorChoice,
    no_color_env: bool,
}

impl Console {
    /// Settings from the global flags and NO_COLOR.
    pub fn new(cli: &Cli) -> Self {
        Self {
            quiet: cli.quiet,
            verbose: cli.verbose,
            color: cli.color,
            no_color_env: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }

    /// Prints a message to stderr unless quiet.
    pub fn say(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// Prints a warning to stderr, even when quiet: warnings are about safety.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }

    /// Prints a detail to stderr when verbose.
    pub fn detail(&self, message: &str) {
        if self.verbose {
            eprintln!("{message}");
        }
    }

    fn color_for_stdout(&self) -> bool {
        self.color_for(std::io::stdout().is_terminal())
    }

    /// Whether messages and log lines on stderr may carry colour.
    pub fn color_for_stderr(&self) -> bool {
        self.color_for(std::io::stderr().is_terminal())
    }

    fn color_for(&self, terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !self.no_color_env && terminal,
        }
    }
}

/// Writes the plan in the asked format; JSON goes out as it is encoded, never whole in memory.
fn write_plan(
    plan: &Plan,
    args: &OutputArgs,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, plan).map_err(std::io::Error::other)?;
            out.write_all(b"\n")
        }
        Format::Text => {
            let options = TextOptions {
                all: args.all,
                color,
            };
            out.write_all(render_plan_text(plan, options).as_bytes())
        }
    }
}

/// Writes a plan in the requested format, prints the summary line and returns the exit code.
pub fn emit_plan(
    plan: &Plan,
    args: &OutputArgs,
    console: &Console,
    started: Instant,
) -> anyhow::Result<i32> {
    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    let color = to_stdout && console.color_for_stdout();
    let write = |out: &mut dyn Write| write_plan(plan, args, color, out);
    match args.output.as_deref().filter(|_| !to_stdout) {
        Some(path) => crate::atomic_file::write_atomically_with(path, write)
            .with_context(|| format!("cannot write the plan to {}", path.display()))?,
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut stdout)
                .and_then(|()| stdout.flush())
                .context("cannot write to stdout")?;
        }
    }
    if let Some(reason) = &plan.blocked {
        // A safety message: printed even with -q.
        console.warn(&format!(
            "this plan is blocked for unattended apply: {reason}"
        ));
    }
    console.say(&summary_line(plan, started.elapsed()));
    Ok(if args.fail_on_conflict && plan.summary.conflict > 0 {
        exit::CONFLICTS
    } else if args.detailed_exitcode && plan.has_changes() {
        exit::CHANGES_PRESENT
    } else {
        exit::OK
    })
}
