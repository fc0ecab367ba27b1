//! Role changes and seats in the reports: shown in every format, absent from plans and
//! reports that have none.

use super::{fixture_plan, plan_report, rendered, run_info};
use crate::access::RoleScope;
use crate::apply::outcome::RunMode;
use crate::reconcile::roles::RoleChange;
use crate::reconcile::seats::Seats;
use crate::report::export::ReportFormat;
use crate::report::model::{Listing, Report, report_from_plan};

/// A grant from a hostile group name, a revocation and a rescope that narrows.
pub(super) fn role_changes() -> Vec<RoleChange> {
    let projects =
        |names: &[&str]| RoleScope::Projects(names.iter().map(|n| n.to_string()).collect());
    vec![
        RoleChange::Grant {
            role: "Project Manager".into(),
            scope: RoleScope::AllOpenProjects,
            because: "group cn=<b>leads</b>|x,ou=groups".into(),
        },
        RoleChange::Revoke {
            role: "Supervisor".into(),
            scope: projects(&["ADS"]),
        },
        RoleChange::Rescope {
            role: "User".into(),
            from: projects(&["ADS", "SHOW"]),
            to: projects(&["SHOW"]),
            because: "group cn=show,ou=groups".into(),
        },
    ]
}

#[test]
fn role_changes_and_seats_show_in_markdown_and_html() {
    let report = plan_report();
    let md = rendered(&report, ReportFormat::Markdown);
    assert!(md.contains("| Groups | Roles |"), "{md}");
    assert!(
        md.contains("\nActive users: 282 → 300 (limit 320)\n"),
        "{md}"
    );
    assert!(md.contains(
        r"+ role Project Manager on all open projects (group cn=\<b\>leads\</b\>\|x,ou=groups); - role Supervisor on projects ADS (no directory group gives it); \~ role User"
    ));
    let html = rendered(&report, ReportFormat::Html);
    assert!(html.contains("<th>Groups</th><th>Roles</th>"));
    assert!(html.contains("<p class=\"seats\">Active users: 282 → 300 (limit 320)</p>"));
    assert!(html.contains(
        "(group cn=&lt;b&gt;leads&lt;/b&gt;|x,ou=groups)<br>- role Supervisor on projects ADS"
    ));
}

#[test]
fn a_plan_without_roles_or_seats_reports_neither() {
    let mut plan = fixture_plan();
    plan.seats = Seats::default();
    for item in &mut plan.items {
        item.roles.clear();
    }
    let report = report_from_plan(&plan, run_info(RunMode::Plan), Listing::default());
    assert_eq!(report.seats, None, "a plan saved before plans had seats");
    let json = rendered(&report, ReportFormat::Json);
    assert!(!json.contains("\"seats\"") && !json.contains("\"roles\""));
    for format in [ReportFormat::Markdown, ReportFormat::Html] {
        let text = rendered(&report, format);
        assert!(!text.contains("Active users") && !text.contains("Roles"));
    }
}

#[test]
fn a_version_1_report_reads_as_one_without_roles_or_seats() {
    let mut value = serde_json::to_value(plan_report()).unwrap();
    value["format_version"] = 1.into();
    value.as_object_mut().unwrap().remove("seats");
    for row in value["rows"].as_array_mut().unwrap() {
        row.as_object_mut().unwrap().remove("roles");
    }
    let report: Report = serde_json::from_value(value).unwrap();
    assert_eq!(report.seats, None);
    assert!(report.rows.iter().all(|r| r.roles.is_empty()));
}
