//! The pending bucket of a grace period in every report format and the text plan.

use super::*;
use crate::reconcile::grace::{Absence, GraceState};

/// A plan with one user waiting out its grace period.
fn pending_plan() -> Plan {
    let pending = PlanItem {
        directory: None,
        reason: Some(
            "no longer in the directory; missing since 2025-01-01T00:00:00Z (2 runs); deactivated after 1d 17h and 1 more run"
                .into(),
        ),
        grace: Some(GraceState {
            absence: Absence::Missing,
            since: "2025-01-01T00:00:00Z".parse().unwrap(),
            runs: 2,
            seconds_left: Some(41 * 3600),
            runs_left: Some(1),
        }),
        ..item(Action::Pending, "leaver", "Lee Ver")
    };
    Plan::new(vec![pending], Inputs::default())
}

#[test]
fn every_format_lists_the_pending_bucket_with_the_time_and_runs_left() {
    let report = report_from_plan(&pending_plan(), run_info(RunMode::Plan), Listing::default());
    assert_eq!(report.summary.pending, 1);
    let left = "deactivated after 1d 17h and 1 more run";
    let json = rendered(&report, ReportFormat::Json);
    assert!(json.contains("\"category\": \"pending\""), "{json}");
    assert!(json.contains("\"seconds_left\": 147600") && json.contains("\"runs_left\": 1"));
    let csv = rendered(&report, ReportFormat::Csv);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("pending,leaver") && l.contains(left)),
        "{csv}"
    );
    let markdown = rendered(&report, ReportFormat::Markdown);
    assert!(
        markdown.contains("| ? | pending deactivation (grace period) | 1 |"),
        "{markdown}"
    );
    assert!(markdown.contains("Pending deactivation (grace period)") && markdown.contains(left));
    let html = rendered(&report, ReportFormat::Html);
    assert!(html.contains("Pending deactivation (grace period)") && html.contains(left));
}

#[test]
fn without_pending_users_the_summary_has_no_pending_line() {
    let markdown = rendered(&plan_report(), ReportFormat::Markdown);
    assert!(!markdown.contains("pending"), "{markdown}");
    let json = rendered(&plan_report(), ReportFormat::Json);
    assert!(!json.contains("pending"));
}

#[test]
fn the_text_plan_marks_pending_users_and_counts_them() {
    let plan = pending_plan();
    let text = crate::report::plan_text::render_plan_text(&plan, Default::default());
    assert!(
        text.contains("? Lee Ver (leaver)") || text.contains("? leaver"),
        "{text}"
    );
    assert!(
        text.contains("deactivated after 1d 17h and 1 more run"),
        "{text}"
    );
    let line = crate::report::plan_text::summary_line(&plan, std::time::Duration::ZERO);
    assert!(
        line.contains("0 to deactivate, 1 pending deactivation"),
        "{line}"
    );
}
