//! `report --history` (the runs kept in the state directory) and `report --compare A B`
//! (what changed between two plans or runs, each a file or a run of the history).

use super::output::Console;
use super::plan::overrides;
use super::report::{Saved, read_document};
use crate::apply::outcome::Outcome;
use crate::cli::{Cli, ReportArgs};
use crate::config;
use crate::exit;
use crate::history::{RunHistory, is_history_reference};
use crate::reconcile::Plan;
use crate::report::compare::{Side, compare as compare_sides};
use crate::report::export::{ReportFormat, render_comparison, render_history, write_text};
use crate::state::StateDir;
use anyhow::bail;
use std::path::Path;

/// The history of the configured state directory.
fn run_history(cli: &Cli, args: &ReportArgs) -> anyhow::Result<RunHistory> {
    let flags = overrides(args.state_dir.as_deref(), None);
    let config = config::load_from_process(cli.config.as_deref(), &flags)?;
    Ok(RunHistory::of(&StateDir::at(&config.state.dir)))
}

/// Writes the list of the runs kept.
pub fn history(
    cli: &Cli,
    args: &ReportArgs,
    output: &Path,
    format: ReportFormat,
    console: &Console,
) -> anyhow::Result<i32> {
    let history = run_history(cli, args)?;
    let entries = history.entries()?;
    write_text(output, &render_history(&entries, format)?)?;
    console.say(&format!(
        "{} runs kept in {}{}",
        entries.len(),
        history.path().display(),
        written_to(output)
    ));
    Ok(exit::OK)
}

/// One side of a comparison, read whole.
enum Loaded {
    Plan(Box<Plan>),
    Run(Box<Outcome>),
}

impl Loaded {
    fn side(&self) -> Side<'_> {
        match self {
            Self::Plan(plan) => Side::Plan(plan),
            Self::Run(outcome) => Side::Run(outcome),
        }
    }
}

/// Reads a side: a run of the history (`@N`, `run:ID`) or a saved plan or outcome file.
fn load(reference: &str, history: Option<&RunHistory>) -> anyhow::Result<Loaded> {
    if let Some(history) = history.filter(|_| is_history_reference(reference)) {
        let entry = history.find(reference)?;
        return Ok(Loaded::Run(Box::new(history.outcome(&entry)?)));
    }
    Ok(match read_document(Path::new(reference))? {
        Saved::Plan(plan) => Loaded::Plan(plan),
        Saved::Outcome(outcome) => Loaded::Run(outcome),
        Saved::Report(_) => bail!(
            "{reference} is a JSON report, which keeps no identities to compare by; give the plan or outcome it was made from"
        ),
    })
}

/// Writes what changed from the first side to the second.
pub fn compare(
    cli: &Cli,
    args: &ReportArgs,
    sides: &[String],
    output: &Path,
    format: ReportFormat,
    console: &Console,
) -> anyhow::Result<i32> {
    let [a, b] = sides else {
        bail!("--compare takes two plans or runs: A and B");
    };
    let needs_history = sides.iter().any(|s| is_history_reference(s));
    let history = needs_history.then(|| run_history(cli, args)).transpose()?;
    let (first, second) = (load(a, history.as_ref())?, load(b, history.as_ref())?);
    let comparison = compare_sides(first.side(), a, second.side(), b);
    write_text(output, &render_comparison(&comparison, format)?)?;
    console.say(&format!(
        "Compared {a} with {b}: {} appeared, {} left, {} changed{}",
        comparison.appeared.len(),
        comparison.left.len(),
        comparison.changed.len(),
        written_to(output)
    ));
    Ok(exit::OK)
}

fn written_to(output: &Path) -> String {
    if crate::report::export::is_stdout(output) {
        String::new()
    } else {
        format!("; written to {}", output.display())
    }
}
