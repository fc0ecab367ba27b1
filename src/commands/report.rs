//! `ldap2ftrack report`: a reconciliation report from a saved plan or apply outcome; and the
//! report `plan --report` writes next to the plan.

use super::output::Console;
use crate::apply::outcome::{OUTCOME_FORMAT_VERSION, Outcome, RunInfo, RunMode};
use crate::cli::{Cli, PlanArgs, PlanningArgs, ReportArgs};
use crate::clock::Clock;
use crate::exit;
use crate::reconcile::Plan;
use crate::reconcile::plan::PLAN_FORMAT_VERSION;
use crate::report::export::{RenderOptions, ReportFormat, is_stdout, write_report};
use crate::report::model::{
    Listing, REPORT_FORMAT_VERSION, Report, ReportKind, report_from_outcome, report_from_plan,
};
use anyhow::{Context, bail};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// Runs `report`.
pub fn run(cli: &Cli, args: &ReportArgs, console: &Console) -> anyhow::Result<i32> {
    let output = args.output.as_deref().unwrap_or(Path::new("-"));
    let format = ReportFormat::resolve(args.format, Some(output))?;
    let from = match (&args.from, &args.compare) {
        (Some(from), _) => from,
        (None, Some(sides)) => {
            return super::report_runs::compare(cli, args, sides, output, format, console);
        }
        (None, None) => return super::report_runs::history(cli, args, output, format, console),
    };
    let listing = Listing {
        unchanged: args.unchanged,
    };
    let mut report = read_saved(from, listing)?;
    report.made_at = Some(Clock::System.now_rfc3339());
    report.made_from = Some(from.display().to_string());
    write_report(
        output,
        &report,
        format,
        &RenderOptions { csv_bom: args.bom },
    )?;
    console.say(&summary_line(&report, format, output));
    Ok(exit::OK)
}

/// The format of `plan --report`, checked before anything is read: `None` without `--report`.
pub fn plan_report_format(args: &PlanArgs) -> anyhow::Result<Option<ReportFormat>> {
    let Some(path) = args.planning.report.as_deref() else {
        return Ok(None);
    };
    if is_stdout(path) && args.output.output.as_deref().is_none_or(is_stdout) {
        bail!(
            "--report - would mix the report with the plan on stdout; give the report a file name, or the plan one with -o FILE"
        );
    }
    Ok(checked_report(&args.planning)?.map(|(_, format)| format))
}

/// The report a run will write, checked before anything is read or applied: its format known
/// and its folder there. `None` without `--report`.
pub fn checked_report(args: &PlanningArgs) -> anyhow::Result<Option<(PathBuf, ReportFormat)>> {
    let Some(path) = &args.report else {
        return Ok(None);
    };
    let format = ReportFormat::resolve(args.report_format, Some(path))
        .with_context(|| format!("--report {}", path.display()))?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(folder) = folder.filter(|f| !f.is_dir()) {
        bail!(
            "--report {}: the folder {} does not exist",
            path.display(),
            folder.display()
        );
    }
    Ok(Some((path.clone(), format)))
}

/// Writes the report of a plan for `plan --report FILE`, in the format
/// [`plan_report_format`] chose.
pub fn write_plan_report(
    plan: &Plan,
    path: &Path,
    format: ReportFormat,
    console: &Console,
) -> anyhow::Result<()> {
    let report = report_of_plan(plan, Listing::default());
    write_report(path, &report, format, &RenderOptions::default())?;
    if !is_stdout(path) {
        console.say(&format!(
            "wrote the plan report ({}) to {}",
            format.name(),
            path.display()
        ));
    }
    Ok(())
}

/// The report of a plan, with the facts of the run that computed it (plans saved before
/// plans recorded them say so).
fn report_of_plan(plan: &Plan, listing: Listing) -> Report {
    let run = match &plan.facts {
        Some(facts) => RunInfo::of_plan(facts),
        None => RunInfo {
            mode: RunMode::Plan,
            started_at: "not recorded (the plan was saved by an older ldap2ftrack)".to_string(),
            ..RunInfo::default()
        },
    };
    report_from_plan(plan, run, listing)
}

/// The one line `report` ends with.
fn summary_line(report: &Report, format: ReportFormat, output: &Path) -> String {
    format!(
        "Report {} ({}): {}{}",
        match report.kind {
            ReportKind::Plan => "of a plan",
            ReportKind::Apply => "of an apply",
        },
        format.name(),
        counts_in_words(report),
        if is_stdout(output) {
            String::new()
        } else {
            format!("; written to {}", output.display())
        }
    )
}

/// The counts of a report in its tense: "26 to create, 10 to deactivate, ..." for a plan,
/// "26 created, ..." for an apply.
pub fn counts_in_words(report: &Report) -> String {
    let s = &report.summary;
    let plan = report.kind == ReportKind::Plan;
    let word = |planned: &'static str, done: &'static str| if plan { planned } else { done };
    let mut parts = vec![
        format!("{} {}", s.created, word("to create", "created")),
        format!("{} {}", s.updated, word("to update", "updated")),
        format!("{} {}", s.reactivated, word("to reactivate", "reactivated")),
        format!("{} {}", s.deactivated, word("to deactivate", "deactivated")),
        format!(
            "{} {}",
            s.conflicted,
            word("conflicts to resolve", "conflicts left")
        ),
    ];
    if s.blocked > 0 {
        parts.push(format!("{} blocked", s.blocked));
    }
    parts.push(format!(
        "{} {}",
        s.skipped,
        word("to leave alone", "skipped")
    ));
    if !plan || s.failed > 0 {
        parts.push(format!("{} failed", s.failed));
    }
    parts.push(format!("{} unchanged", s.unchanged));
    parts.join(", ")
}

/// What `report --from` accepts, for error messages.
const ACCEPTED: &str = "give a plan saved with `plan --out FILE` or `plan --format json -o FILE`, or an apply outcome (`apply --outcome FILE`)";

/// What a saved JSON file holds, told apart by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plan,
    Outcome,
    Report,
}

impl Shape {
    fn of(value: &serde_json::Value) -> Option<Self> {
        let has = |key: &str| value.get(key).is_some();
        if has("kind") && has("rows") && has("run") {
            Some(Self::Report)
        } else if has("run") && has("items") {
            Some(Self::Outcome)
        } else if has("items") && has("summary") && (has("inputs") || has("groups_to_create")) {
            Some(Self::Plan)
        } else {
            None
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Plan => "saved plan",
            Self::Outcome => "apply outcome",
            Self::Report => "report",
        }
    }

    fn newest_version(self) -> u64 {
        u64::from(match self {
            Self::Plan => PLAN_FORMAT_VERSION,
            Self::Outcome => OUTCOME_FORMAT_VERSION,
            Self::Report => REPORT_FORMAT_VERSION,
        })
    }
}

/// Reads a saved plan, apply outcome or JSON report and makes its report.
fn read_saved(path: &Path, listing: Listing) -> anyhow::Result<Report> {
    Ok(match read_document(path)? {
        Saved::Plan(plan) => report_of_plan(&plan, listing),
        Saved::Outcome(outcome) => report_from_outcome(&outcome, listing),
        Saved::Report(report) => *report,
    })
}

/// What a saved JSON file holds.
pub(super) enum Saved {
    /// A saved plan.
    Plan(Box<Plan>),
    /// An apply outcome.
    Outcome(Box<Outcome>),
    /// A JSON report.
    Report(Box<Report>),
}

/// Reads a saved plan, apply outcome or JSON report, told apart by its shape.
pub(super) fn read_document(path: &Path) -> anyhow::Result<Saved> {
    let shown = path.display();
    let text = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    let value: serde_json::Value = serde_json::from_slice(&text)
        .with_context(|| format!("{shown} is not JSON; {ACCEPTED}"))?;
    let Some(shape) = Shape::of(&value) else {
        bail!("{shown} is neither a saved plan nor an apply outcome; {ACCEPTED}");
    };
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version.is_some_and(|v| v > shape.newest_version()) {
        bail!(
            "{shown} is a {} of format_version {}, newer than this ldap2ftrack reads ({}); use a newer ldap2ftrack",
            shape.describe(),
            version.unwrap_or_default(),
            shape.newest_version()
        );
    }
    Ok(match shape {
        Shape::Plan => Saved::Plan(parse(value, path, shape)?),
        Shape::Outcome => Saved::Outcome(parse(value, path, shape)?),
        Shape::Report => Saved::Report(parse(value, path, shape)?),
    })
}

fn parse<T: DeserializeOwned>(
    value: serde_json::Value,
    path: &Path,
    shape: Shape,
) -> anyhow::Result<T> {
    serde_json::from_value(value).with_context(|| {
        format!(
            "{} looks like a {} but cannot be read; was it edited, or written by another version?",
            path.display(),
            shape.describe()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_are_told_apart() {
        let plan = json!({"format_version": 1, "summary": {}, "inputs": {}, "items": []});
        let outcome = json!({"format_version": 1, "run": {}, "summary": {}, "items": []});
        let report = json!({"format_version": 1, "kind": "plan", "run": {}, "rows": []});
        assert_eq!(Shape::of(&plan), Some(Shape::Plan));
        assert_eq!(Shape::of(&outcome), Some(Shape::Outcome));
        assert_eq!(Shape::of(&report), Some(Shape::Report));
        assert_eq!(Shape::of(&json!({"users": []})), None);
        assert_eq!(Shape::of(&json!([1, 2])), None);
    }
}
