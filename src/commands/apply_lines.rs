//! What `apply` says while and after it applies: progress, the summary line, the users who need
//! a look, and what the plan held back or pulled in.

use super::output::Console;
use crate::apply::engine::{ApplyListener, ApplyProgress};
use crate::apply::outcome::{ItemStatus, Outcome};
use crate::apply::watermark::WatermarkKept;
use crate::reconcile::Plan;
use crate::reconcile::decision::ApprovedPlan;
use crate::report::plan_text::printable;
use crate::source::ldap::changes::ChangesRead;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// One line per user that failed (with the server's message) or was left alone as stale
/// (with what changed in ftrack).
pub(super) fn attention_lines(outcome: &Outcome) -> Vec<String> {
    outcome
        .items
        .iter()
        .filter_map(|o| {
            let username = printable(&o.item.username);
            match &o.status {
                ItemStatus::Failed { error } => Some(format!(
                    "failed: {} {username}: {}",
                    o.item.action.name(),
                    printable(error)
                )),
                ItemStatus::Stale { reason } => Some(format!(
                    "stale: {} {username}: {} (plan again)",
                    o.item.action.name(),
                    printable(reason)
                )),
                _ => None,
            }
        })
        .collect()
}

pub(super) fn summary_line(outcome: &Outcome, started: Instant) -> String {
    let s = outcome.summary;
    let slowed = match outcome.slowed_down {
        0 => String::new(),
        1 => " · ftrack was overloaded: fewer batches at once, once".to_string(),
        n => format!(" · ftrack was overloaded: fewer batches at once, {n} times"),
    };
    format!(
        "Applied: {} created, {} updated, {} reactivated, {} deactivated · {} failed · {} stale · {} conflicts parked · {} not attempted ({} requests, {:.2} s){slowed}",
        s.created,
        s.updated,
        s.reactivated,
        s.deactivated,
        s.failed,
        s.stale,
        s.parked,
        s.not_attempted,
        outcome.requests,
        started.elapsed().as_secs_f64()
    )
}

/// Shows progress: a bar on a terminal, a line per batch with -v elsewhere.
pub(super) struct CliProgress<'a> {
    pub(super) bar: Option<ProgressBar>,
    console: &'a Console,
}

impl<'a> CliProgress<'a> {
    pub(super) fn new(console: &'a Console) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} operations · {msg} · ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self { bar, console }
    }
}

impl ApplyListener for CliProgress<'_> {
    fn progress(&mut self, progress: &ApplyProgress) {
        let message = format!("{} applied, {} failed", progress.applied, progress.failed);
        match &self.bar {
            Some(bar) => {
                bar.set_length(progress.total as u64);
                bar.set_position(progress.done as u64);
                bar.set_message(message);
            }
            None => self.console.detail(&format!(
                "{}/{} operations sent: {message}",
                progress.done, progress.total
            )),
        }
    }
}

/// Why the plan's directory read was incomplete and what that held back; nothing when whole.
pub(super) fn incomplete_read_warnings(plan: &Plan) -> Vec<String> {
    if plan.inputs.directory_complete {
        return Vec::new();
    }
    let reasons = plan.incomplete_read.clone();
    // Plans saved before the plan kept its reasons say only that the read was incomplete.
    if reasons.is_empty() {
        vec!["the directory read was incomplete: users missing from it are not deactivated and no managed group membership is removed this run".to_string()]
    } else {
        reasons
    }
}

/// Names the changes pulled in because approved ones need them, and those held back.
pub(super) fn say_what_was_settled(approved: &ApprovedPlan, console: &Console) {
    let items = &approved.plan.items;
    for pulled in &approved.settled.pulled_in {
        console.warn(&format!(
            "also applying {} ({}), which {} needs",
            items[pulled.item].username,
            items[pulled.item].action.name(),
            items[pulled.needed_by].username
        ));
    }
    for held in &approved.settled.held_back {
        console.warn(&format!(
            "held back {}: {}",
            items[held.item].username, held.reason
        ));
    }
}

/// Says what became of a `--changed` read's watermark; true when it was saved.
pub(super) fn tell_watermark(
    changes: &ChangesRead,
    kept: &WatermarkKept,
    console: &Console,
) -> bool {
    let key = &changes.key;
    match kept {
        WatermarkKept::Saved => {
            if let Some(next) = &changes.next {
                console.detail(&format!(
                    "watermark of {} {} saved: {} {}",
                    key.uri, key.base, next.marker, next.value
                ));
            }
            true
        }
        WatermarkKept::Held(why) => {
            console.warn(&format!(
                "the watermark of {} {} stays where it was ({why}): the next --changed run reads those changes again",
                key.uri, key.base
            ));
            false
        }
        WatermarkKept::NoMarker => {
            console.detail(&format!(
                "{} marks no changes (no modifyTimestamp, whenChanged or uSNChanged): every --changed run reads all",
                key.uri
            ));
            false
        }
    }
}
