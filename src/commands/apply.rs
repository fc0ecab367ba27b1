//! `ldap2ftrack apply`: apply a saved plan exactly, or plan afresh and apply what is approved.
//!
//! Conflicts are never applied: they are parked and listed. Every change is written to the
//! audit log, links are saved after each batch, and Ctrl-C or SIGTERM stop after the batch
//! in flight. The run ends with one summary line and the exit code of UX.md.

use super::apply_lines::{
    CliProgress, attention_lines, incomplete_read_warnings, say_what_was_settled, summary_line,
    tell_watermark,
};
use super::apply_notify as notify;
use super::output::Console;
use super::plan::{plan_with_state, planning_config, read_directory, scope_from, side_by_side};
use crate::apply::engine::ApplyOptions;
use crate::apply::outcome::{RunInfo, RunMode};
use crate::apply::run::{Recorded, Records, apply_and_record};
use crate::atomic_file::write_json_atomically;
use crate::cli::{ApplyArgs, Cli};
use crate::config::Config;
use crate::exit;
use crate::ftrack::client::FtrackClient;
use crate::ftrack::planning::read_for_planning;
use crate::history::RunHistory;
use crate::inputs::{ftrack_client, plain_http_warning, protected_usernames};
use crate::model::ReadScope;
use crate::notify::payload::RunEnd;
use crate::reconcile::Plan;
use crate::reconcile::decision::{Approval, ApprovedPlan, Decisions, approve};
use crate::reconcile::facts::{combined_filter, describe_scope};
use crate::reconcile::missing_groups::missing_warning;
use crate::report::export::{RenderOptions, ReportFormat, write_report};
use crate::report::metrics::{RunMetrics, write_metrics};
use crate::report::model::{Listing, report_from_outcome};
use crate::source::ldap::changes::ChangesRead;
use crate::state::{RunLock, StateDir};
use anyhow::{Context, bail};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Runs `apply`.
pub fn run(cli: &Cli, args: &ApplyArgs, console: &Console) -> anyhow::Result<i32> {
    let end = run_once(cli, args, console)?;
    if let Some(line) = &end.summary {
        console.say(line);
    }
    Ok(end.code)
}

/// What one apply came to: its exit code, and for a run that applied, its summary line, the
/// kind of directory read and whether the watermark moved.
#[derive(Debug, Clone, Default)]
pub struct ApplyEnd {
    /// The exit code.
    pub code: i32,
    /// The summary line, when the run applied.
    pub summary: Option<String>,
    /// How the directory was read, when it was.
    pub read: Option<ReadScope>,
    /// Whether a `--changed` run saved its watermark.
    pub watermark_saved: bool,
}

impl ApplyEnd {
    fn code(code: i32) -> Self {
        Self {
            code,
            ..Self::default()
        }
    }
}

/// One apply, as `apply` and `watch` make it. A run that fails before applying (ftrack or LDAP
/// unreachable, a bad config) still writes `--metrics-file`, so an alert on the exit code fires.
pub fn run_once(cli: &Cli, args: &ApplyArgs, console: &Console) -> anyhow::Result<ApplyEnd> {
    let started = Instant::now();
    let result = apply(cli, args, console);
    if let Err(error) = &result {
        notify::tell_of_error(cli, args, error, console);
    }
    if let (Err(error), Some(path)) = (&result, &args.metrics_file) {
        let metrics = RunMetrics {
            finished_at: jiff::Timestamp::now().as_second(),
            duration_secs: started.elapsed().as_secs_f64(),
            exit_code: exit::code_for(error),
            summary: Default::default(),
            directory_complete: None,
        };
        if let Err(e) = write_metrics(path, &metrics) {
            console.warn(&format!(
                "cannot write the metrics file {}: {e}",
                path.display()
            ));
        }
    }
    result
}

fn apply(cli: &Cli, args: &ApplyArgs, console: &Console) -> anyhow::Result<ApplyEnd> {
    let report = match checked_report(args) {
        Ok(report) => report,
        Err(code) => return Ok(ApplyEnd::code(code)),
    };
    let started = Instant::now();
    let setup = Setup::open(cli, args, console)?;
    let planned = match setup.plan(args, console)? {
        Ok(planned) => planned,
        Err(code) => return Ok(ApplyEnd::code(code)),
    };
    let approval = match approval(cli, args, &setup, &planned.plan, console)? {
        Ok(approval) => approval,
        Err(code) => return Ok(ApplyEnd::code(code)),
    };
    let read = planned.plan.directory_read.clone();
    let approved = approve(planned.plan, &setup.decisions, approval);
    say_what_was_settled(&approved, console);
    // Even with -q: cron mails stderr, and a partial read or a missing group silently holds
    // back removals.
    for warning in incomplete_read_warnings(&approved.plan) {
        console.warn(&warning);
    }
    if let Some(warning) = missing_warning(&approved.plan.missing_groups) {
        console.warn(&warning);
    }
    let (filter, scope) = match &approved.plan.facts {
        Some(facts) if planned.exact => (facts.filter.clone(), facts.scope.clone()),
        _ => {
            let scope = scope_from(&args.planning.scope);
            let extra = scope.ldap_filter.as_deref();
            let filter = combined_filter(&setup.config.ldap.user_filter, extra);
            (filter, describe_scope(&scope))
        }
    };
    let run = RunInfo {
        directory: planned.directory_source,
        filter,
        scope,
        ..setup.run.clone()
    };
    let changes = planned.changes.as_ref();
    let recorded = setup.apply(args, &approved, planned.exact, run, changes, console)?;
    let watermark_saved = match (changes, &recorded.watermark) {
        (Some(changes), Some(kept)) => tell_watermark(changes, kept, console),
        _ => false,
    };
    let finished = Finished {
        approved: &approved,
        recorded,
        report,
        started,
        setup: &setup,
    };
    let (code, summary) = finished.tell(args, console)?;
    Ok(ApplyEnd {
        code,
        summary: Some(summary),
        read: Some(read),
        watermark_saved,
    })
}

/// The flags checked before anything is read: a saved plan takes no planning flags, and the
/// report must be one that can be written. `Err` is the exit code.
fn checked_report(args: &ApplyArgs) -> Result<Option<(PathBuf, ReportFormat)>, i32> {
    if let Some(path) = &args.plan_file {
        let ignored = planning_flags(args);
        if !ignored.is_empty() {
            let (verb, them) = if ignored.len() == 1 {
                ("shapes", "it")
            } else {
                ("shape", "them")
            };
            eprintln!(
                "error: {} {verb} a new plan, but {} is applied exactly as it was made and checked; give {them} to `plan --out` instead",
                ignored.join(", "),
                path.display()
            );
            return Err(exit::USAGE);
        }
    }
    // A report that could not be written is found out before anything is applied.
    super::report::checked_report(&args.planning).map_err(|error| {
        eprintln!("error: {error:#}");
        exit::USAGE
    })
}

/// What a run holds from start to end: its configuration, the state directory and its lock,
/// the ftrack client and the decisions in force.
struct Setup {
    config: Config,
    state: StateDir,
    lock: RunLock,
    run: RunInfo,
    client: FtrackClient,
    runtime: tokio::runtime::Runtime,
    /// The decisions file given with --decisions.
    given: Option<Decisions>,
    /// The standing decisions overlaid with the given ones.
    decisions: Decisions,
}

/// The plan to apply, where it came from, whether it must be applied exactly, and the
/// watermark of a `--changed` read.
struct Planned {
    plan: Plan,
    directory_source: String,
    exact: bool,
    changes: Option<ChangesRead>,
}

impl Setup {
    fn open(cli: &Cli, args: &ApplyArgs, console: &Console) -> anyhow::Result<Self> {
        let config = planning_config(cli, &args.planning)?;
        let state = StateDir::at(&config.state.dir);
        let run = RunInfo::start(
            RunMode::Apply,
            config.ftrack.server.as_deref().unwrap_or_default(),
            config.ftrack.api_user.as_deref().unwrap_or_default(),
            "",
        );
        let lock = state.lock(&format!(
            "ldap2ftrack apply (pid {}, {}@{}, since {})",
            std::process::id(),
            run.operator,
            run.host,
            run.started_at
        ))?;
        let client = ftrack_client(&config)?;
        if let Some(warning) = plain_http_warning(&config) {
            console.warn(&warning);
        }
        let given = args.decisions.as_deref().map(read_decisions).transpose()?;
        let standing = state
            .load_decisions()
            .context("cannot read the standing decisions")?;
        let decisions = match &given {
            Some(given) => standing.overlaid(given),
            None => standing,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        Ok(Self {
            config,
            state,
            lock,
            run,
            client,
            runtime,
            given,
            decisions,
        })
    }

    /// The saved plan, checked against today's rules, or a fresh one. `Err` is the exit code
    /// of a saved plan that was edited.
    fn plan(&self, args: &ApplyArgs, console: &Console) -> anyhow::Result<Result<Planned, i32>> {
        let Some(path) = &args.plan_file else {
            let reads = crate::inputs::planning_reads(&self.config);
            // ftrack and the directory are read side by side; ftrack's error comes first.
            let (ftrack, directory) = side_by_side(
                || {
                    self.runtime
                        .block_on(read_for_planning(&self.client, &reads))
                },
                || read_directory(&self.config, &args.planning, console),
            );
            let ftrack = ftrack?;
            let loaded = directory?;
            if args.planning.changed {
                console.say(&format!("read: {}", loaded.directory.read.describe()));
            }
            let plan = plan_with_state(
                &self.config,
                &loaded.directory,
                &ftrack,
                &args.planning.scope,
                &self.decisions,
            )?;
            return Ok(Ok(Planned {
                plan,
                directory_source: loaded.name,
                exact: false,
                changes: loaded.changes,
            }));
        };
        let plan = read_plan(path)?;
        if let Some(why) = crate::reconcile::saved::edited(&plan) {
            console.warn(&format!(
                "the saved plan {} is refused: {why}",
                path.display()
            ));
            return Ok(Err(exit::STALE_PLAN));
        }
        Ok(Ok(Planned {
            plan: recheck(plan, &self.config, &self.state)?,
            directory_source: format!("saved plan {}", path.display()),
            exact: true,
            changes: None,
        }))
    }

    /// Applies and records, showing progress; Ctrl-C or SIGTERM stop after the batch in flight.
    fn apply(
        &self,
        args: &ApplyArgs,
        approved: &ApprovedPlan,
        exact: bool,
        run: RunInfo,
        changes: Option<&ChangesRead>,
        console: &Console,
    ) -> anyhow::Result<Recorded> {
        let audit_log = args
            .audit_log
            .clone()
            .unwrap_or_else(|| self.state.path().join("audit.jsonl"));
        let cancel = Arc::new(AtomicBool::new(false));
        let options = ApplyOptions {
            batch_size: self.config.ftrack.batch_size,
            concurrency: self.config.ftrack.concurrency,
            exact,
            protected: protected_usernames(&self.config),
            cancel: Arc::clone(&cancel),
        };
        let gives_standing = self
            .given
            .as_ref()
            .is_some_and(|g| !g.standing().decisions.is_empty());
        let records = Records {
            state: &self.state,
            lock: &self.lock,
            audit_log: &audit_log,
            standing: gives_standing.then_some(&self.decisions),
            scope: &scope_from(&args.planning.scope),
            changes,
        };
        let mut progress = CliProgress::new(console);
        let recorded = self.runtime.block_on(async {
            watch_for_stop(Arc::clone(&cancel));
            apply_and_record(
                approved,
                &self.client,
                &options,
                records,
                &mut progress,
                run,
            )
            .await
        })?;
        if let Some(bar) = progress.bar {
            bar.finish_and_clear();
        }
        Ok(recorded)
    }
}

/// How items without a decision are treated: approved when asked to or when a saved plan is
/// applied, explicitly with a decisions file, or after asking on a terminal. `Err` is the
/// exit code when nothing is to be applied.
fn approval(
    cli: &Cli,
    args: &ApplyArgs,
    setup: &Setup,
    plan: &Plan,
    console: &Console,
) -> anyhow::Result<Result<Approval, i32>> {
    if args.auto_approve || args.plan_file.is_some() {
        return Ok(Ok(Approval::Automatic));
    }
    if setup.given.is_some() {
        return Ok(Ok(Approval::Explicit));
    }
    if !cli.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        if !confirm(plan, &setup.config)? {
            console.say("nothing applied");
            return Ok(Err(exit::OK));
        }
        return Ok(Ok(Approval::Automatic));
    }
    eprintln!(
        "error: nobody is here to confirm: give --auto-approve to apply every change that is not a conflict, or --decisions FILE"
    );
    Ok(Err(exit::USAGE))
}

/// A run that was applied, to be told: files, exit code, metrics, and lines for the admin.
struct Finished<'a> {
    approved: &'a ApprovedPlan,
    recorded: Recorded,
    report: Option<(PathBuf, ReportFormat)>,
    started: Instant,
    /// For `[notify]` and the runtime its webhook and hooks run on.
    setup: &'a Setup,
}

impl Finished<'_> {
    /// Writes the run's files and says who needs a look; gives the exit code and summary line.
    fn tell(self, args: &ApplyArgs, console: &Console) -> anyhow::Result<(i32, String)> {
        let Recorded {
            applied,
            audit_error,
            outcome_path,
            ..
        } = self.recorded;
        let outcome = applied.outcome;
        if let Some(error) = &audit_error {
            console.warn(&format!(
                "the audit log could not record every change: {error}"
            ));
        }
        console.detail(&format!("outcome saved to {}", outcome_path.display()));
        if let Some(path) = &args.outcome {
            write_json_atomically(path, &outcome)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if let Some((path, format)) = &self.report {
            let report = report_from_outcome(&outcome, Listing::default());
            write_report(path, &report, *format, &RenderOptions::default())?;
        }
        let complete = self.approved.plan.inputs.directory_complete;
        let mut code = exit::for_apply(&outcome, &applied.ending, args.fail_on_conflict);
        if audit_error.is_some() && code == exit::OK {
            code = exit::PARTIAL_FAILURE;
        }
        if !complete && args.fail_on_incomplete && code == exit::OK {
            code = exit::INCOMPLETE;
        }
        if let Err(error) = RunHistory::of(&self.setup.state).record(&outcome, code) {
            console.warn(&format!("the run history could not keep this run: {error}"));
        }
        if let Some(path) = &args.metrics_file {
            let metrics = RunMetrics {
                finished_at: jiff::Timestamp::now().as_second(),
                duration_secs: self.started.elapsed().as_secs_f64(),
                exit_code: code,
                summary: outcome.summary,
                directory_complete: Some(complete),
            };
            write_metrics(path, &metrics)
                .with_context(|| format!("cannot write the metrics file {}", path.display()))?;
        }
        if let Some(reason) = &outcome.stopped {
            console.warn(reason);
        }
        // Who needs a look, by name, even with -q: cron mails stderr to the admin.
        for line in attention_lines(&outcome) {
            eprintln!("{line}");
        }
        let end = RunEnd {
            outcome: &outcome,
            ending: &applied.ending,
            exit_code: code,
            report: self.report.as_ref().map(|(path, _)| path.as_path()),
            outcome_path: &outcome_path,
        };
        notify::tell_everyone(&self.setup.config, &self.setup.runtime, &end, console);
        Ok((code, summary_line(&outcome, self.started)))
    }
}

fn read_decisions(path: &Path) -> anyhow::Result<Decisions> {
    let text = std::fs::read(path)
        .with_context(|| format!("cannot read the decisions file {}", path.display()))?;
    let decisions: Decisions = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} is not a decisions file (JSON with format_version and decisions)",
            path.display()
        )
    })?;
    if decisions.format_version != crate::reconcile::decision::DECISIONS_FORMAT_VERSION {
        bail!(
            "{}: decisions format_version {} is not supported",
            path.display(),
            decisions.format_version
        );
    }
    // A rename is checked like every username, before anything is kept or applied.
    for (key, decision) in &decisions.decisions {
        if let crate::reconcile::decision::Decision::Rename { username } = decision
            && let Err(why) = crate::reconcile::conflict::check_username(username)
        {
            bail!(
                "{}: the rename of {} cannot be used: {why}",
                path.display(),
                crate::report::plan_text::printable(&key.to_string())
            );
        }
    }
    Ok(decisions)
}

fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text =
        std::fs::read(path).with_context(|| format!("cannot read the plan {}", path.display()))?;
    let plan: Plan = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} is not a saved plan (write one with `ldap2ftrack plan --out FILE`)",
            path.display()
        )
    })?;
    use crate::reconcile::plan::{OLDEST_PLAN_FORMAT_VERSION, PLAN_FORMAT_VERSION};
    if !(OLDEST_PLAN_FORMAT_VERSION..=PLAN_FORMAT_VERSION).contains(&plan.format_version) {
        bail!(
            "{}: plan format_version {} is not supported",
            path.display(),
            plan.format_version
        );
    }
    Ok(plan)
}

/// A saved plan blocked by any of today's rules it breaks (the safety limits, the directory
/// read behind it, today's links, protected users and policy), so that it is refused whole.
fn recheck(mut plan: Plan, config: &Config, state: &StateDir) -> anyhow::Result<Plan> {
    let now = crate::clock::Clock::System.now();
    let (links, policy) = crate::inputs::links_and_policy(config, state, now)?;
    if let Some(why) = crate::reconcile::saved::refusal(&plan, &policy, &links) {
        plan.blocked = Some(match plan.blocked.take() {
            Some(before) => format!("{before}; {why}"),
            None => why,
        });
    }
    Ok(plan)
}

/// Asks on the terminal; deactivations must be confirmed by typing their number.
fn confirm(plan: &Plan, config: &Config) -> anyhow::Result<bool> {
    let s = plan.summary;
    let server = config.ftrack.server.as_deref().unwrap_or_default();
    eprintln!(
        "About to apply to {server}: {} to create, {} to update, {} to reactivate, {} to deactivate ({} conflicts parked).",
        s.create, s.update, s.reactivate, s.deactivate, s.conflict
    );
    if s.pending > 0 {
        eprintln!(
            "{} more wait out their grace period before deactivation (--now deactivates them).",
            s.pending
        );
    }
    if let Some(reason) = &plan.blocked {
        eprintln!("The plan is blocked by a safety rule: {reason}");
        return Ok(false);
    }
    let expected = if s.deactivate > 0 {
        eprint!(
            "Type the number of deactivations ({}) to go on: ",
            s.deactivate
        );
        s.deactivate.to_string()
    } else {
        eprint!("Type yes to go on: ");
        "yes".to_string()
    };
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == expected)
}

/// Sets `cancel` on Ctrl-C or SIGTERM; the engine stops after the batch in flight.
fn watch_for_stop(cancel: Arc<AtomicBool>) {
    tokio::spawn(async move {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
        cancel.store(true, Ordering::SeqCst);
        eprintln!("stopping after the batches in flight...");
    });
}

/// The flags given that only shape a fresh plan (the directory source, the safety limit, the
/// scope), which a saved plan cannot honour.
fn planning_flags(args: &ApplyArgs) -> Vec<&'static str> {
    let scope = &args.planning.scope;
    [
        (args.planning.ldif.is_some(), "--ldif"),
        (args.planning.max_deactivate.is_some(), "--max-deactivate"),
        (args.planning.changed, "--changed"),
        (!scope.only_users.is_empty(), "--only-user"),
        (!scope.only_groups.is_empty(), "--only-group"),
        (scope.ldap_filter.is_some(), "--ldap-filter"),
        (scope.limit.is_some(), "--limit"),
        (scope.no_create, "--no-create"),
        (scope.no_update, "--no-update"),
        (scope.no_deactivate, "--no-deactivate"),
        (scope.now, "--now"),
    ]
    .into_iter()
    .filter_map(|(given, flag)| given.then_some(flag))
    .collect()
}
