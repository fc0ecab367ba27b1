//! Background work for the console: loading both sides and applying, each on its own thread
//! with its own async runtime, reporting back as [`Msg`]s so the screen never waits on I/O.

use super::app::{LoadStage, Msg, Session};
use crate::apply::engine::{Applied, ApplyListener, ApplyOptions, ApplyProgress, Ending, Refusal};
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, RunMode};
use crate::apply::run::{Recorded, Records, apply_and_record};
use crate::clock::Clock;
use crate::config::Config;
use crate::ftrack::planning::read_for_planning;
use crate::history::RunHistory;
use crate::inputs::{
    DirectorySource, change_request, ftrack_client, links_and_policy, load_directory_changes,
    protected_usernames,
};
use crate::model::{DirectorySnapshot, FtrackSnapshot};
use crate::reconcile::Scope;
use crate::reconcile::decision::{ApprovedPlan, Decisions};
use crate::source::ldap::ReadProgress;
use crate::source::ldap::changes::ChangesRead;
use crate::state::StateDir;
use anyhow::Context;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

/// What the workers need, shared by every load and apply of one console session.
#[derive(Debug, Clone)]
pub struct WorkerSetup {
    /// The effective configuration (LDAP, mapping, ftrack, policy).
    pub config: Config,
    /// The directory source.
    pub directory: DirectorySource,
    /// The rollout scope (its `ldap_filter` also narrows the directory read).
    pub scope: Scope,
    /// The state directory.
    pub state: StateDir,
    /// Where the time comes from (account expiry, watermarks).
    pub clock: Clock,
    /// `--changed`: read only the entries changed since the watermark, when it can be trusted.
    pub changed: bool,
    /// The watermark the last load leaves, saved by a commit that applies every change.
    pub changes: Arc<Mutex<Option<ChangesRead>>>,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Loads both sides in the background; ends with `Loaded` or `LoadFailed`.
pub fn spawn_load(setup: WorkerSetup, tx: Sender<Msg>) {
    std::thread::spawn(move || {
        let message = match load(&setup, &tx) {
            Ok(session) => Msg::Loaded(Box::new(session)),
            Err(error) => Msg::LoadFailed {
                error: crate::exit::message_for(&error),
                code: crate::exit::code_for(&error),
            },
        };
        let _ = tx.send(message);
    });
}

fn load(setup: &WorkerSetup, tx: &Sender<Msg>) -> anyhow::Result<Session> {
    let config = &setup.config;
    warn_about_transport(config);
    let ftrack = load_ftrack(config, tx)?;
    let (directory, directory_source) = load_directory_reporting(setup, tx)?;
    let group_search = directory.groups_found.is_some();
    let (links, policy) = links_and_policy(config, &setup.state, setup.clock.now())?;
    Ok(Session {
        directory,
        ftrack,
        links,
        policy,
        scope: setup.scope.clone(),
        server: config.ftrack.server.clone().unwrap_or_default(),
        api_user: config.ftrack.api_user.clone().unwrap_or_default(),
        directory_source,
        mapping: config.mapping.clone(),
        group_search,
    })
}

/// Warns (in the log) about settings that let secrets cross the network unencrypted.
fn warn_about_transport(config: &Config) {
    if let Some(warning) = crate::inputs::plain_http_warning(config) {
        tracing::warn!("{warning}");
    }
    if config.ldap.allow_insecure {
        tracing::warn!(
            "[ldap] allow_insecure = true: the bind password may cross the network unencrypted"
        );
    }
}

/// Reads ftrack's users, telling the console about retries and the count read.
fn load_ftrack(config: &Config, tx: &Sender<Msg>) -> anyhow::Result<FtrackSnapshot> {
    let runtime = runtime()?;
    let retries = tx.clone();
    let client = ftrack_client(config)?.with_retry_observer(Box::new(move |attempt, reason| {
        let _ = retries.send(Msg::LoadRetrying {
            stage: LoadStage::Ftrack,
            attempt,
            reason: reason.to_string(),
        });
    }));
    progress(tx, LoadStage::Ftrack, 0, 0);
    let ftrack = runtime
        .block_on(read_for_planning(
            &client,
            &crate::inputs::planning_reads(config),
        ))
        .context("cannot read ftrack's users")?;
    progress(tx, LoadStage::Ftrack, ftrack.users.len(), 1);
    Ok(ftrack)
}

/// Reads the directory, telling the console about pages, retries and the count read.
fn load_directory_reporting(
    setup: &WorkerSetup,
    tx: &Sender<Msg>,
) -> anyhow::Result<(DirectorySnapshot, String)> {
    let request = match setup.changed {
        true => Some(change_request(&setup.config, setup.clock)?),
        false => None,
    };
    let loaded = load_directory_changes(
        &setup.config,
        &setup.directory,
        setup.scope.ldap_filter.as_deref(),
        setup.clock.today(),
        request.as_ref(),
        &mut |event| match event {
            ReadProgress::Users { read, pages } => {
                progress(tx, LoadStage::Directory, read, pages);
            }
            ReadProgress::Retrying {
                attempt, reason, ..
            } => {
                let _ = tx.send(Msg::LoadRetrying {
                    stage: LoadStage::Directory,
                    attempt,
                    reason,
                });
            }
            _ => {}
        },
    )?;
    progress(tx, LoadStage::Directory, loaded.directory.users.len(), 1);
    if let Ok(mut slot) = setup.changes.lock() {
        *slot = loaded.changes;
    }
    if setup.changed {
        tracing::info!("{}", loaded.directory.read.describe());
    }
    Ok((loaded.directory, loaded.name))
}

fn progress(tx: &Sender<Msg>, stage: LoadStage, read: usize, pages: u32) {
    let _ = tx.send(Msg::LoadProgress { stage, read, pages });
}

/// What a commit carries out.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The plan and the items approved for this commit.
    pub approved: ApprovedPlan,
    /// The standing decisions in force once the commit is made, recorded before anything is
    /// applied so that the next run keeps what this one does (a rename stays a rename).
    pub standing: Decisions,
}

/// Records the commit's standing decisions, then applies its approved items in the
/// background, reporting progress and each finished user; ends with `Applied`. Setting
/// `cancel` stops it after the batch in flight.
pub fn spawn_apply(
    setup: WorkerSetup,
    commit: Commit,
    cancel: Arc<AtomicBool>,
    tx: Sender<Msg>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let config = &setup.config;
        let run = RunInfo::start(
            RunMode::Console,
            config.ftrack.server.as_deref().unwrap_or_default(),
            config.ftrack.api_user.as_deref().unwrap_or_default(),
            "",
        );
        let applied = match apply(&setup, &commit, cancel, &tx, run.clone()) {
            Ok(applied) => applied,
            Err(error) => refused(&commit.approved, run, crate::exit::message_for(&error)),
        };
        let _ = tx.send(Msg::Applied(Box::new(applied)));
    })
}

fn apply(
    setup: &WorkerSetup,
    commit: &Commit,
    cancel: Arc<AtomicBool>,
    tx: &Sender<Msg>,
    run: RunInfo,
) -> anyhow::Result<Applied> {
    let config = &setup.config;
    let runtime = runtime()?;
    let client = ftrack_client(config)?;
    let lock = setup.state.lock(&format!(
        "ldap2ftrack console (pid {}, {}@{})",
        std::process::id(),
        run.operator,
        run.host
    ))?;
    let options = ApplyOptions {
        batch_size: config.ftrack.batch_size,
        concurrency: config.ftrack.concurrency,
        exact: false,
        protected: protected_usernames(config),
        cancel,
    };
    let changes = setup.changes.lock().ok().and_then(|slot| slot.clone());
    let records = Records {
        state: &setup.state,
        lock: &lock,
        audit_log: &setup.state.path().join("audit.jsonl"),
        standing: Some(&commit.standing),
        scope: &setup.scope,
        changes: changes.as_ref(),
    };
    let mut listener = ChannelListener {
        tx: tx.clone(),
        standing: &commit.standing,
    };
    let recorded = runtime.block_on(apply_and_record(
        &commit.approved,
        &client,
        &options,
        records,
        &mut listener,
        run,
    ))?;
    if let Some(error) = &recorded.audit_error {
        tracing::warn!("the audit log could not record every change: {error}");
    }
    keep_in_history(setup, &recorded);
    if let Some(kept) = &recorded.watermark {
        tracing::info!("watermark after the commit: {kept:?}");
    }
    Ok(recorded.applied)
}

/// Keeps the commit in the run history with the exit code `apply` would have given it.
fn keep_in_history(setup: &WorkerSetup, recorded: &Recorded) {
    let applied = &recorded.applied;
    let mut code = crate::exit::for_apply(&applied.outcome, &applied.ending, false);
    if recorded.audit_error.is_some() && code == crate::exit::OK {
        code = crate::exit::PARTIAL_FAILURE;
    }
    if let Err(error) = RunHistory::of(&setup.state).record(&applied.outcome, code) {
        tracing::warn!("the run history could not keep this commit: {error}");
    }
}

/// An outcome in which nothing was attempted, for a run that could not start.
fn refused(approved: &ApprovedPlan, run: RunInfo, reason: String) -> Applied {
    let items = approved
        .plan
        .items
        .iter()
        .map(|item| ItemOutcome {
            item: item.clone(),
            status: ItemStatus::NotAttempted {
                reason: reason.clone(),
            },
            created_id: None,
        })
        .collect();
    let mut outcome = Outcome::new(run, items);
    outcome.stopped = Some(reason.clone());
    Applied {
        outcome,
        ending: Ending::Refused(Refusal::Unavailable(reason)),
    }
}

/// Sends the recorded decisions, progress and finished users to the console.
struct ChannelListener<'a> {
    tx: Sender<Msg>,
    standing: &'a Decisions,
}

impl ApplyListener for ChannelListener<'_> {
    fn decisions_recorded(&mut self) {
        let _ = self.tx.send(Msg::Recorded(self.standing.clone()));
    }

    fn progress(&mut self, progress: &ApplyProgress) {
        let _ = self.tx.send(Msg::ApplyProgress(progress.clone()));
    }

    fn finished(&mut self, outcome: &ItemOutcome) {
        let _ = self.tx.send(Msg::ItemFinished(outcome.clone()));
    }
}
