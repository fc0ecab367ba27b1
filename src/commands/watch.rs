//! `ldap2ftrack watch`: `apply --changed --auto-approve` again and again, for a systemd
//! `simple` service. Each run is exactly such an apply (lock, safety limits, audit, metrics,
//! decisions); the full reads come from the watermark's schedule. SIGTERM or Ctrl-C stop it
//! between runs (a run under way stops after the batches in flight, as `apply` does).

use super::apply::{ApplyEnd, run_once};
use super::output::Console;
use crate::cli::{ApplyArgs, Cli, PlanningArgs, WatchArgs};
use crate::exit;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// What waiting for the next run came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The next run is due.
    Due,
    /// Asked to stop.
    Stop,
}

/// Waits between runs; the real one wakes for SIGTERM and Ctrl-C, a test's at once.
pub trait Ticker {
    /// Waits up to `period`, or less when asked to stop.
    fn wait(&mut self, period: Duration) -> Wake;
}

/// Runs `once` (given the run's number, giving its exit code and whether watch must end) every
/// `interval` until the ticker says stop or `runs` runs were made; gives the exit code.
pub fn run_loop(
    ticker: &mut dyn Ticker,
    interval: Duration,
    runs: Option<u32>,
    once: &mut dyn FnMut(u32) -> (i32, bool),
) -> i32 {
    let mut number = 0;
    loop {
        number += 1;
        let started = Instant::now();
        let (code, fatal) = once(number);
        if fatal || runs.is_some_and(|runs| number >= runs) {
            return code;
        }
        if ticker.wait(interval.saturating_sub(started.elapsed())) == Wake::Stop {
            // An interrupted run says so; a stop between runs is a clean end.
            return if code == exit::INTERRUPTED {
                code
            } else {
                exit::OK
            };
        }
    }
}

/// Runs `watch`.
pub fn run(cli: &Cli, args: &WatchArgs, console: &Console) -> anyhow::Result<i32> {
    let apply = apply_args(args);
    let config = super::plan::planning_config(cli, &apply.planning)?;
    let interval = args.interval.unwrap_or(config.sync.interval).duration();
    let mut ticker = SignalTicker {
        stop: listen_for_stop()?,
    };
    eprintln!(
        "watch: an incremental apply every {}, a full read every {} (state in {})",
        args.interval.unwrap_or(config.sync.interval),
        config.sync.full_every,
        config.state.dir.display()
    );
    let mut once = |number: u32| {
        let result = run_once(cli, &apply, console);
        let code = match &result {
            Ok(end) => end.code,
            Err(error) => exit::code_for(error),
        };
        eprintln!("{}", run_line(number, &result, code));
        // A configuration or usage mistake will not mend itself by waiting.
        (code, matches!(code, exit::CONFIG | exit::USAGE))
    };
    Ok(run_loop(&mut ticker, interval, args.runs, &mut once))
}

/// The unattended apply every run makes.
fn apply_args(args: &WatchArgs) -> ApplyArgs {
    ApplyArgs {
        plan_file: None,
        auto_approve: true,
        decisions: None,
        fail_on_conflict: false,
        fail_on_incomplete: false,
        planning: PlanningArgs {
            state_dir: args.state_dir.clone(),
            max_deactivate: args.max_deactivate.clone(),
            changed: true,
            ..PlanningArgs::default()
        },
        outcome: None,
        audit_log: args.audit_log.clone(),
        metrics_file: args.metrics_file.clone(),
    }
}

/// The one line a run leaves in the log.
fn run_line(number: u32, result: &anyhow::Result<ApplyEnd>, code: i32) -> String {
    match result {
        Ok(end) => {
            let read = end
                .read
                .as_ref()
                .map_or_else(|| "not read".to_string(), |r| r.describe());
            let summary = end.summary.as_deref().unwrap_or("nothing applied");
            let watermark = if end.watermark_saved {
                "watermark saved"
            } else {
                "watermark kept"
            };
            format!("watch: run {number}: {read} · {summary} · {watermark} · exit {code}")
        }
        Err(error) => format!(
            "watch: run {number}: failed: {} · exit {code}",
            exit::message_for(error)
        ),
    }
}

/// Wakes for SIGTERM or Ctrl-C, delivered by [`listen_for_stop`].
struct SignalTicker {
    stop: Receiver<()>,
}

impl Ticker for SignalTicker {
    fn wait(&mut self, period: Duration) -> Wake {
        match self.stop.recv_timeout(period) {
            Err(RecvTimeoutError::Timeout) => Wake::Due,
            Ok(()) | Err(RecvTimeoutError::Disconnected) => Wake::Stop,
        }
    }
}

/// Listens for SIGTERM and SIGINT on a thread of its own from now on, for the whole watch.
fn listen_for_stop() -> anyhow::Result<Receiver<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Registered before the first run, so that a SIGTERM during it is caught, not fatal.
    let (mut term, mut int) = runtime.block_on(async {
        Ok::<_, std::io::Error>((
            signal(SignalKind::terminate())?,
            signal(SignalKind::interrupt())?,
        ))
    })?;
    let (stop_tx, stop_rx) = channel();
    std::thread::Builder::new()
        .name("watch-signals".into())
        .spawn(move || {
            runtime.block_on(async {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            });
            eprintln!("watch: stopping after the run under way");
            let _ = stop_tx.send(());
        })?;
    Ok(stop_rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Says the run is due `due` times, then stop; records the waits asked for.
    struct Scripted {
        due: u32,
        waits: Vec<Duration>,
    }

    impl Ticker for Scripted {
        fn wait(&mut self, period: Duration) -> Wake {
            self.waits.push(period);
            if self.due == 0 {
                return Wake::Stop;
            }
            self.due -= 1;
            Wake::Due
        }
    }

    #[test]
    fn runs_until_stopped_and_a_stop_between_runs_is_a_clean_end() {
        let mut ticker = Scripted {
            due: 2,
            waits: Vec::new(),
        };
        let mut made = Vec::new();
        let code = run_loop(&mut ticker, Duration::from_secs(300), None, &mut |n| {
            made.push(n);
            (exit::PARTIAL_FAILURE, false)
        });
        assert_eq!(made, [1, 2, 3]);
        assert_eq!(code, exit::OK);
        assert_eq!(ticker.waits.len(), 3);
        assert!(ticker.waits.iter().all(|w| *w <= Duration::from_secs(300)));
    }

    #[test]
    fn a_run_count_ends_it_with_the_last_code_and_a_fatal_run_at_once() {
        let mut ticker = Scripted {
            due: 10,
            waits: Vec::new(),
        };
        let code = run_loop(&mut ticker, Duration::ZERO, Some(2), &mut |n| {
            (
                if n == 2 {
                    exit::PARTIAL_FAILURE
                } else {
                    exit::OK
                },
                false,
            )
        });
        assert_eq!(code, exit::PARTIAL_FAILURE);
        assert_eq!(ticker.waits.len(), 1);
        let mut made = 0;
        let code = run_loop(&mut ticker, Duration::ZERO, None, &mut |_| {
            made += 1;
            (exit::CONFIG, true)
        });
        assert_eq!((code, made), (exit::CONFIG, 1));
    }

    #[test]
    fn a_stop_during_an_interrupted_run_keeps_its_code() {
        let mut ticker = Scripted {
            due: 0,
            waits: Vec::new(),
        };
        let code = run_loop(&mut ticker, Duration::ZERO, None, &mut |_| {
            (exit::INTERRUPTED, false)
        });
        assert_eq!(code, exit::INTERRUPTED);
    }
}
