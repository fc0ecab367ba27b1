//! Reports (`x`): the path input (a dated default), the report of the results or of the
//! plan as decided so far, with the session's journal, and the dialog closing once written.

use super::{fail, note};
use crate::apply::outcome::{RunInfo, RunMode};
use crate::clock::Clock;
use crate::reconcile::decision::{Decision, Decisions};
use crate::reconcile::plan::{Plan, Summary};
use crate::report::model::{Listing, Report, report_from_outcome, report_from_plan};
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, Overlay, Review, Screen};
use crate::tui::input::TextInput;
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// `x`: the path input, holding a file name with today's date.
pub(super) fn open(app: &mut App, now: Timestamp) {
    app.overlay = Overlay::Export {
        path: TextInput::new(&default_report_path(now)),
    };
}

/// `ldap2ftrack-report-<today>.html`, today in UTC.
fn default_report_path(now: Timestamp) -> String {
    format!("ldap2ftrack-report-{}.html", Clock::Fixed(now).today())
}

/// What a key does in the path input.
pub(super) fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Export { path } = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Cancel => return Vec::new(),
        Action::Submit if path.text().trim().is_empty() => {
            fail(app, "type a file name for the report")
        }
        Action::Submit => {
            let Some(mut report) = report(app) else {
                return Vec::new();
            };
            report.session = Some(app.session_log());
            note(app, format!("writing {}…", path.text()));
            let target = PathBuf::from(path.text());
            // The dialog stays open until the report is written: a failure leaves the path
            // as typed, to correct.
            app.overlay = Overlay::Export { path };
            return vec![Effect::ExportReport {
                report: Box::new(report),
                path: target,
            }];
        }
        _ => {}
    }
    app.overlay = Overlay::Export { path };
    Vec::new()
}

/// The report to export: of the results when an apply finished, else of the plan as
/// decided so far.
fn report(app: &App) -> Option<Report> {
    match (&app.screen, &app.review) {
        (Screen::Results(state), _) => Some(report_from_outcome(
            &state.applied.outcome,
            Listing::default(),
        )),
        (_, Some(review)) => {
            let s = &review.session;
            let run = RunInfo::start(
                RunMode::Console,
                &s.server,
                &s.api_user,
                &s.directory_source,
            );
            Some(report_from_plan(
                &plan_as_decided(review, app.decisions()),
                run,
                Listing::default(),
            ))
        }
        _ => None,
    }
}

/// The report was written: the dialog closes.
pub(super) fn written(app: &mut App, path: &Path) {
    if matches!(app.overlay, Overlay::Export { .. }) {
        app.overlay = Overlay::None;
    }
    note(app, format!("report written to {}", path.display()));
}

/// The review's plan with the admin's decisions so far: changes skipped in the console are
/// reported as skipped, changes still waiting for a decision say so.
fn plan_as_decided(review: &Review, decisions: &Decisions) -> Plan {
    let mut plan = review.plan.clone();
    decisions.mark_items(&mut plan.items);
    for (item, key) in plan.items.iter_mut().zip(&review.keys) {
        if !item.action.is_change() {
            continue;
        }
        match key.as_ref().and_then(|k| decisions.decisions.get(k)) {
            Some(Decision::Skip) => {
                item.skip_because(
                    crate::reconcile::plan::SkipKind::ByAdmin,
                    "skipped in the console for this run".to_string(),
                );
            }
            Some(_) => {}
            None => {
                let waiting = "awaiting a decision in the console";
                item.reason = Some(match item.reason.take() {
                    Some(reason) => format!("{reason}; {waiting}"),
                    None => waiting.to_string(),
                });
            }
        }
    }
    plan.summary = Summary::count(&plan.items);
    plan
}
