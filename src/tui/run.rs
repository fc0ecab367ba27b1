//! The console's event loop: input, ticks, worker messages and signals all arrive on one
//! channel; `update` turns each into state changes and effects; the runtime carries out the
//! effects and draws. Nothing here blocks on the network.

use super::app::RestoreOffer;
use super::app::{App, AppOptions, Effect, Msg, Writing};
use super::autosave::{Autosave, Target, read_autosave, retire_autosave, write_autosave};
use super::terminal::ConsoleTerminal;
use super::worker::{Commit, WorkerSetup, spawn_apply, spawn_load};
use super::{render, update};
use crate::atomic_file::write_json_atomically;
use crate::inputs::DirectorySource;
use crate::reconcile::decision::Decisions;
use crate::report::export::{RenderOptions, ReportFormat, write_report};
use anyhow::Context;
use crossterm::event::{self, Event, KeyEventKind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// Exit code when SIGTERM or SIGHUP ended the console.
const TERMINATED: i32 = 130;

/// Everything the console needs to run.
pub struct ConsoleSetup {
    /// For the workers.
    pub worker: WorkerSetup,
    /// Monochrome theme (NO_COLOR or `--color never`).
    pub monochrome: bool,
    /// Show the demo banner.
    pub demo: bool,
    /// Decisions to start with: the standing ones, or the autosaved ones with `--resume`.
    pub decisions: Decisions,
    /// The standing decisions in force (the state directory's).
    pub recorded: Decisions,
    /// True when `decisions` came from the autosave (`--resume`): the session carries it on.
    pub resumed: bool,
    /// Where `w` writes the decisions file.
    pub decisions_file: PathBuf,
}

impl ConsoleSetup {
    /// The server and directory this session reviews.
    fn target(&self) -> Target {
        let config = &self.worker.config;
        let directory = match &self.worker.directory {
            DirectorySource::Ldap => format!(
                "{} {}",
                config.ldap.uri.as_deref().unwrap_or_default(),
                config.ldap.user_base_dn.as_deref().unwrap_or_default()
            ),
            DirectorySource::Ldif(path) => std::path::absolute(path)
                .unwrap_or_else(|_| path.clone())
                .display()
                .to_string(),
            DirectorySource::Loaded(_, name) => name.clone(),
        };
        Target {
            server: config.ftrack.server.clone().unwrap_or_default(),
            directory,
        }
    }

    /// The autosave of an unfinished session on the same server and directory, to offer.
    fn restore_offer(&self) -> Option<RestoreOffer> {
        if self.resumed {
            return None;
        }
        let autosave = match read_autosave(self.worker.state.path()) {
            Ok(autosave) => autosave?,
            Err(error) => {
                tracing::warn!(%error, "the console's autosave is not offered");
                return None;
            }
        };
        let decisions = autosave.decisions();
        (autosave.is_for(&self.target())
            && !decisions.decisions.is_empty()
            && decisions != self.decisions)
            .then_some(RestoreOffer {
                decisions,
                saved_at: autosave.saved_at,
            })
    }
}

/// Runs the console until the admin quits; returns the exit code.
pub fn run_console(setup: ConsoleSetup) -> anyhow::Result<i32> {
    let (tx, rx) = channel::<Msg>();
    let stop_input = Arc::new(AtomicBool::new(false));
    let terminated = Arc::new(AtomicBool::new(false));
    spawn_input(tx.clone(), Arc::clone(&stop_input));
    spawn_signal_watch(tx.clone(), Arc::clone(&terminated));
    let mut console = ConsoleTerminal::enter().context("cannot take over the terminal")?;
    let mut app = App::new(AppOptions {
        monochrome: setup.monochrome,
        demo: setup.demo,
        decisions: setup.decisions.clone(),
        recorded: setup.recorded.clone(),
        restore: setup.restore_offer(),
        operator: crate::apply::outcome::operator(),
    });
    // The screen's size before any resize event, so paging and the layout fit it from the start.
    if let Ok((width, height)) = crossterm::terminal::size() {
        update(
            &mut app,
            Msg::Resize(width, height),
            setup.worker.clock.now(),
        );
    }
    let mut runtime = Runtime {
        setup: &setup,
        target: setup.target(),
        tx,
        cancel: Arc::new(AtomicBool::new(false)),
        applying: None,
        autosave_claimed: setup.resumed,
    };
    runtime.carry_out(Effect::Load);
    let result = event_loop(&mut console, &mut app, &mut runtime, &rx, &terminated);
    stop_input.store(true, Ordering::SeqCst);
    // A run in flight is stopped after its batch and waited for, so its links are saved.
    if let Some(apply) = runtime.applying.take() {
        runtime.cancel.store(true, Ordering::SeqCst);
        let _ = apply.join();
    }
    let terminated = terminated.load(Ordering::SeqCst);
    let kept = runtime.finish_autosave(&app, terminated);
    drop(console);
    result?;
    if let Err(error) = kept {
        eprintln!(
            "warning: the console's autosave could not be kept: {}",
            crate::exit::message_for(&error)
        );
    }
    Ok(if terminated {
        TERMINATED
    } else {
        app.exit_code()
    })
}

fn event_loop(
    console: &mut ConsoleTerminal,
    app: &mut App,
    runtime: &mut Runtime<'_>,
    rx: &Receiver<Msg>,
    terminated: &AtomicBool,
) -> anyhow::Result<()> {
    loop {
        console
            .terminal
            .draw(|frame| render(frame, app))
            .context("cannot draw the console")?;
        let Ok(msg) = rx.recv() else {
            return Ok(());
        };
        if terminated.load(Ordering::SeqCst) {
            return Ok(());
        }
        if matches!(msg, Msg::Applied(_)) {
            runtime.applying = None;
        }
        for effect in update(app, msg, runtime.setup.worker.clock.now()) {
            runtime.carry_out(effect);
        }
        if app.should_quit() {
            return Ok(());
        }
    }
}

struct Runtime<'s> {
    setup: &'s ConsoleSetup,
    target: Target,
    tx: Sender<Msg>,
    cancel: Arc<AtomicBool>,
    applying: Option<JoinHandle<()>>,
    /// True once the autosave file is this session's (resumed, restored, or the earlier one
    /// moved aside); until then an earlier session's autosave is left as it is.
    autosave_claimed: bool,
}

impl Runtime<'_> {
    fn carry_out(&mut self, effect: Effect) {
        let setup = self.setup;
        match effect {
            Effect::Load => spawn_load(setup.worker.clone(), self.tx.clone()),
            Effect::Apply { approved, standing } => {
                self.cancel = Arc::new(AtomicBool::new(false));
                self.applying = Some(spawn_apply(
                    setup.worker.clone(),
                    Commit {
                        approved: *approved,
                        standing,
                    },
                    Arc::clone(&self.cancel),
                    self.tx.clone(),
                ));
            }
            Effect::CancelApply => self.cancel.store(true, Ordering::SeqCst),
            Effect::SaveDecisions(decisions) => {
                let message = match write_decisions(&setup.decisions_file, &decisions)
                    .and_then(|()| keep_standing(setup, &decisions))
                {
                    Ok(()) => Msg::DecisionsSaved {
                        path: setup.decisions_file.clone(),
                    },
                    Err(e) => Msg::WriteFailed {
                        writing: Writing::Decisions,
                        error: crate::exit::message_for(&e),
                    },
                };
                let _ = self.tx.send(message);
            }
            Effect::Autosave(decisions) => {
                if let Err(e) = self.autosave(&decisions) {
                    let _ = self.tx.send(Msg::WriteFailed {
                        writing: Writing::Autosave,
                        error: crate::exit::message_for(&e),
                    });
                }
            }
            Effect::ContinueAutosave => self.autosave_claimed = true,
            Effect::SetAutosaveAside => {
                if let Err(e) = self.claim_autosave() {
                    let _ = self.tx.send(Msg::WriteFailed {
                        writing: Writing::AutosaveAside,
                        error: crate::exit::message_for(&e),
                    });
                }
            }
            Effect::ExportReport { report, path } => {
                let written = ReportFormat::resolve(None, Some(&path)).and_then(|format| {
                    write_report(&path, &report, format, &RenderOptions::default())
                });
                let message = match written {
                    Ok(()) => Msg::ReportWritten { path },
                    Err(e) => Msg::WriteFailed {
                        writing: Writing::Report,
                        error: e.to_string(),
                    },
                };
                let _ = self.tx.send(message);
            }
            Effect::Quit => {}
        }
    }
}

fn write_decisions(path: &std::path::Path, decisions: &Decisions) -> anyhow::Result<()> {
    write_json_atomically(path, decisions)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Puts the standing decisions (ignore, link, rename) in force for every run.
fn keep_standing(setup: &ConsoleSetup, decisions: &Decisions) -> anyhow::Result<()> {
    setup
        .worker
        .state
        .save_decisions(decisions)
        .context("cannot save the standing decisions")
}

impl Runtime<'_> {
    /// Makes the autosave file this session's, moving an earlier session's aside first.
    fn claim_autosave(&mut self) -> anyhow::Result<()> {
        if !self.autosave_claimed {
            retire_autosave(self.setup.worker.state.path())
                .context("cannot move the earlier autosave aside")?;
            self.autosave_claimed = true;
        }
        Ok(())
    }

    /// Writes every decision of the session for crash recovery; nothing runs from it.
    fn autosave(&mut self, decisions: &Decisions) -> anyhow::Result<()> {
        self.claim_autosave()?;
        let state = self.setup.worker.state.path();
        let saved_at = self.setup.worker.clock.now_rfc3339();
        write_autosave(state, &Autosave::new(&self.target, decisions, saved_at))
            .with_context(|| format!("cannot write the autosave in {}", state.display()))
    }

    /// At the end: a session ended by a signal keeps its autosave for the next start to
    /// offer; one the admin quit moves its own aside, so nothing offers it again.
    fn finish_autosave(&mut self, app: &App, terminated: bool) -> anyhow::Result<()> {
        if terminated {
            if app.unsaved() {
                self.autosave(app.decisions())?;
            }
        } else if self.autosave_claimed {
            retire_autosave(self.setup.worker.state.path())
                .context("cannot move the autosave aside")?;
        }
        Ok(())
    }
}

/// Reads keys and resizes on a thread of its own, with a tick every 250 ms.
fn spawn_input(tx: Sender<Msg>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            let message = match event::poll(Duration::from_millis(250)) {
                Ok(true) => match event::read() {
                    Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Msg::Key(key),
                    Ok(Event::Resize(width, height)) => Msg::Resize(width, height),
                    Ok(Event::Paste(text)) => Msg::Paste(text),
                    Ok(_) => continue,
                    Err(_) => return,
                },
                Ok(false) => Msg::Tick,
                Err(_) => return,
            };
            if tx.send(message).is_err() {
                return;
            }
        }
    });
}

/// SIGTERM and SIGHUP (a dropped SSH session) end the console cleanly.
fn spawn_signal_watch(tx: Sender<Msg>, terminated: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut hup)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
            ) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            terminated.store(true, Ordering::SeqCst);
            let _ = tx.send(Msg::Tick);
        });
    });
}
