//! The console's event loop: input, ticks, worker messages and signals all arrive on one
//! channel; `update` turns each into state changes and effects; the runtime carries out the
//! effects and draws. Nothing here blocks on the network.

use super::app::{App, AppOptions, Effect, Msg};
use super::terminal::ConsoleTerminal;
use super::worker::{WorkerSetup, spawn_apply, spawn_load};
use super::{render, update};
use crate::atomic_file::write_json_atomically;
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
/// The file of every decision taken in the console (approvals included), for `review --resume`.
pub const AUTOSAVE_FILE: &str = "console-decisions.json";

/// Everything the console needs to run.
pub struct ConsoleSetup {
    /// For the workers.
    pub worker: WorkerSetup,
    /// Monochrome theme (NO_COLOR or `--color never`).
    pub monochrome: bool,
    /// Show the demo banner.
    pub demo: bool,
    /// Decisions to start with (standing ones, or the autosaved ones with `--resume`).
    pub decisions: Decisions,
    /// Where `w` writes the decisions file.
    pub decisions_file: PathBuf,
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
        clock: setup.worker.clock,
    });
    let mut runtime = Runtime {
        setup: &setup,
        tx,
        cancel: Arc::new(AtomicBool::new(false)),
        applying: None,
    };
    runtime.carry_out(Effect::Load);
    let result = event_loop(&mut console, &mut app, &mut runtime, &rx, &terminated);
    stop_input.store(true, Ordering::SeqCst);
    // A run in flight is stopped after its batch and waited for, so its links are saved.
    if let Some(apply) = runtime.applying.take() {
        runtime.cancel.store(true, Ordering::SeqCst);
        let _ = apply.join();
    }
    let saved = autosave(&setup, app.decisions());
    drop(console);
    result?;
    if let Err(error) = saved {
        eprintln!(
            "warning: the console's decisions could not be saved: {}",
            crate::exit::message_for(&error)
        );
    }
    Ok(if terminated.load(Ordering::SeqCst) {
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
        for effect in update(app, msg) {
            runtime.carry_out(effect);
        }
        if app.should_quit() {
            return Ok(());
        }
    }
}

struct Runtime<'s> {
    setup: &'s ConsoleSetup,
    tx: Sender<Msg>,
    cancel: Arc<AtomicBool>,
    applying: Option<JoinHandle<()>>,
}

impl Runtime<'_> {
    fn carry_out(&mut self, effect: Effect) {
        let setup = self.setup;
        match effect {
            Effect::Load => spawn_load(setup.worker.clone(), self.tx.clone()),
            Effect::Apply(approved) => {
                self.cancel = Arc::new(AtomicBool::new(false));
                self.applying = Some(spawn_apply(
                    setup.worker.clone(),
                    *approved,
                    Arc::clone(&self.cancel),
                    self.tx.clone(),
                ));
            }
            Effect::CancelApply => self.cancel.store(true, Ordering::SeqCst),
            Effect::SaveDecisions(decisions) => {
                let message = match write_decisions(&setup.decisions_file, &decisions)
                    .and_then(|()| keep_standing(setup, &decisions))
                {
                    Ok(()) => Msg::Saved {
                        what: format!("decisions saved to {}", setup.decisions_file.display()),
                    },
                    Err(e) => Msg::Failed {
                        what: crate::exit::message_for(&e),
                    },
                };
                let _ = self.tx.send(message);
            }
            Effect::Autosave(decisions) => {
                if let Err(e) = autosave(setup, &decisions) {
                    let _ = self.tx.send(Msg::Failed {
                        what: format!("autosave failed: {}", crate::exit::message_for(&e)),
                    });
                }
            }
            Effect::ExportReport { report, path } => {
                let written = ReportFormat::resolve(None, Some(&path)).and_then(|format| {
                    write_report(&path, &report, format, &RenderOptions::default())
                });
                let message = match written {
                    Ok(()) => Msg::Saved {
                        what: format!("report written to {}", path.display()),
                    },
                    Err(e) => Msg::Failed {
                        what: e.to_string(),
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

/// Keeps the standing decisions (ignore, link, rename) for unattended runs.
fn keep_standing(setup: &ConsoleSetup, decisions: &Decisions) -> anyhow::Result<()> {
    setup
        .worker
        .state
        .save_decisions(decisions)
        .context("cannot save the standing decisions")
}

/// Saves every decision for `--resume`, and the standing ones for unattended runs.
fn autosave(setup: &ConsoleSetup, decisions: &Decisions) -> anyhow::Result<()> {
    let state = setup.worker.state.path();
    std::fs::create_dir_all(state)
        .with_context(|| format!("cannot create the state directory {}", state.display()))?;
    write_decisions(&state.join(AUTOSAVE_FILE), decisions)?;
    keep_standing(setup, decisions)
}

/// Reads keys and resizes on a thread of its own, with a tick every 250 ms.
fn spawn_input(tx: Sender<Msg>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            let message = match event::poll(Duration::from_millis(250)) {
                Ok(true) => match event::read() {
                    Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Msg::Key(key),
                    Ok(Event::Resize(width, height)) => Msg::Resize(width, height),
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
