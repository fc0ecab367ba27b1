//! A saved plan (`apply PLANFILE`, `report --from PLANFILE`) on arbitrary bytes: what `apply`
//! does before it talks to ftrack (the format version, the digest, today's rules, the
//! approval and what the approved items need) and the text and reports made from a plan.
#![no_main]

use fixtures::demo;
use ldap2ftrack::apply::outcome::{RunInfo, RunMode};
use ldap2ftrack::reconcile::Plan;
use ldap2ftrack::reconcile::decision::{Approval, Decisions, approve};
use ldap2ftrack::reconcile::plan::PLAN_FORMAT_VERSION;
use ldap2ftrack::reconcile::saved::{edited, refusal};
use ldap2ftrack::report::compare::{Side, compare};
use ldap2ftrack::report::export::{RenderOptions, ReportFormat, render, render_comparison};
use ldap2ftrack::report::model::{Listing, report_from_plan};
use ldap2ftrack::report::plan_text::{TextOptions, render_plan_text};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn run() -> RunInfo {
    static RUN: OnceLock<RunInfo> = OnceLock::new();
    RUN.get_or_init(|| RunInfo::start(RunMode::Plan, "(fuzz)", "", "(fuzz)"))
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut plan) = serde_json::from_slice::<Plan>(data) else {
        return;
    };
    if plan.format_version != PLAN_FORMAT_VERSION || edited(&plan).is_some() {
        return;
    }
    for all in [false, true] {
        let _ = render_plan_text(&plan, TextOptions { all, color: all });
    }
    let report = report_from_plan(&plan, run(), Listing { unchanged: true });
    let itself = compare(Side::Plan(&plan), "a", Side::Plan(&plan), "b");
    assert!(itself.appeared.is_empty() && itself.left.is_empty() && itself.changed.is_empty());
    for format in [
        ReportFormat::Json,
        ReportFormat::Csv,
        ReportFormat::Markdown,
        ReportFormat::Html,
    ] {
        let _ = render(&report, format, &RenderOptions::default());
        let _ = render_comparison(&itself, format);
    }
    let demo = demo();
    if let Some(why) = refusal(&plan, &demo.policy, &demo.links) {
        plan.blocked = Some(why);
    }
    let approved = approve(plan, &Decisions::default(), Approval::Automatic);
    assert_eq!(approved.approved.len(), approved.plan.items.len());
    for (i, item) in approved.plan.items.iter().enumerate() {
        assert!(
            !approved.approved[i] || item.action.is_change(),
            "only changes are approved: {item:?}"
        );
    }
});
