//! The layout a studio lead reads: golden files of the apply report in every format (the plan's
//! are in the parent module), the tense of each kind, what needs a person first, skips split
//! by reason, new users listed once, the run facts of a saved plan and the summary chart.

use super::*;
use crate::report::model::Category;

#[test]
fn apply_goldens() {
    let report = apply_report();
    insta::assert_snapshot!("report_json_apply", rendered(&report, ReportFormat::Json));
    let csv = rendered(&report, ReportFormat::Csv).replace("\r\n", "⏎\n");
    insta::assert_snapshot!("report_csv_apply", csv);
    insta::assert_snapshot!("report_html_apply", rendered(&report, ReportFormat::Html));
}

/// The words of the change categories in a plan, which must never read as done.
const PAST: [&str; 4] = ["created", "updated", "reactivated", "deactivated"];

#[test]
fn a_plan_speaks_of_what_it_would_do_and_an_apply_of_what_it_did() {
    let plan = plan_report();
    let markdown = rendered(&plan, ReportFormat::Markdown);
    let html = rendered(&plan, ReportFormat::Html);
    for text in [&markdown, &html] {
        for word in ["to create", "to update", "to reactivate", "to deactivate"] {
            assert!(text.contains(word), "{word}");
        }
    }
    // Past tense only inside values (none in the fixture), never as a label or heading.
    for word in PAST {
        let lower = markdown.to_lowercase();
        assert!(
            !lower.contains(&format!("| {word} |")),
            "{word} in\n{markdown}"
        );
        assert!(
            !lower.contains(&format!(" {word} (")),
            "{word} in\n{markdown}"
        );
        assert!(!html.contains(&format!("<td>{word}</td>")), "{word}");
    }
    let csv = rendered(&plan, ReportFormat::Csv);
    assert!(
        csv.starts_with(
            "action,username,name,dn,ftrack_id,changes,groups_to_add,groups_to_remove,"
        )
    );
    let apply = apply_report();
    let markdown = rendered(&apply, ReportFormat::Markdown);
    assert!(markdown.contains("| + | created | 2 |"), "{markdown}");
    assert!(!markdown.contains("to create"));
    let csv = rendered(&apply, ReportFormat::Csv);
    assert!(
        csv.starts_with("result,username,name,dn,ftrack_id,changes,groups_added,groups_removed,")
    );
}

/// The section headings of a Markdown report, in order.
fn headings(markdown: &str) -> Vec<&str> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
        .collect()
}

#[test]
fn what_needs_a_person_comes_first_then_deactivations_then_the_rest() {
    let markdown = rendered(&plan_report(), ReportFormat::Markdown);
    assert_eq!(
        headings(&markdown),
        [
            "Summary",
            "Warnings",
            "! Conflicts to resolve (1)",
            "# Blocked (1)",
            "- To deactivate (1)",
            "+ To create (2)",
            "~ To update (1)",
            "^ To reactivate (1)",
            ". To leave alone (3)",
            "Protected (1)",
            "Out of scope (1)",
            "Skipped by an admin (1)",
        ]
    );
    assert!(markdown.contains("**2 need a person first (conflicts to resolve 1, blocked 1)**"));
    let apply = rendered(&apply_report(), ReportFormat::Markdown);
    let order = headings(&apply);
    assert_eq!(
        order[..4],
        [
            "Summary",
            "x Failed (1)",
            "! Conflicts left unresolved (1)",
            "# Blocked (2)"
        ]
    );
    let html = rendered(&plan_report(), ReportFormat::Html);
    let conflicts = html.find("id=\"conflicted\"").unwrap();
    let deactivations = html.find("id=\"deactivated\"").unwrap();
    let creations = html.find("id=\"created\"").unwrap();
    assert!(conflicts < deactivations && deactivations < creations);
}

#[test]
fn conflicts_and_blocked_items_say_what_to_do() {
    let report = plan_report();
    let conflict = report
        .rows
        .iter()
        .find(|r| r.category == Category::Conflicted)
        .unwrap();
    assert_eq!(conflict.candidates.len(), 2);
    assert!(conflict.advice.as_deref().unwrap().contains("link them"));
    let held = report
        .rows
        .iter()
        .find(|r| r.category == Category::Blocked)
        .unwrap();
    assert!(held.advice.as_deref().unwrap().contains("max_active_users"));
    let html = rendered(&report, ReportFormat::Html);
    assert!(html.contains("<th>What to do</th>"));
    assert!(html.contains("+sneaky (@lee@studio.example, active)"));
}

#[test]
fn unchanged_users_are_counted_and_listed_only_when_asked() {
    let plan = fixture_plan();
    let counted = report_from_plan(&plan, run_info(RunMode::Plan), Listing::default());
    assert_eq!(counted.summary.unchanged, 1);
    assert!(
        counted
            .rows
            .iter()
            .all(|r| r.category != Category::Unchanged)
    );
    let listed = report_from_plan(&plan, run_info(RunMode::Plan), Listing { unchanged: true });
    assert_eq!(
        listed.summary, counted.summary,
        "the same counts either way"
    );
    let last = listed.rows.last().unwrap();
    assert_eq!(
        (last.category, last.username.as_str()),
        (Category::Unchanged, "steady")
    );
    let markdown = rendered(&listed, ReportFormat::Markdown);
    assert!(markdown.contains("## = Unchanged (1)"), "{markdown}");
}

#[test]
fn new_users_list_their_values_once_and_updates_keep_old_and_new() {
    let html = rendered(&plan_report(), ReportFormat::Html);
    let created = &html[html.find("id=\"created\"").unwrap()..html.find("id=\"updated\"").unwrap()];
    assert!(!created.contains("(none)"), "{created}");
    assert!(created.contains("<th>Email</th>"));
    assert!(
        created.contains("<td>t.yamada@studio.example</td><td>Compositing</td>"),
        "{created}"
    );
    let updated = &html[html.find("id=\"updated\"").unwrap()..];
    assert!(updated.contains("first_name: Jane → Janet"));
}

#[test]
fn skips_are_split_by_reason_and_a_persons_decision_says_who_and_when() {
    let report = plan_report();
    let by: Vec<(SkipKind, usize)> = report.summary.skipped_by.clone().into_iter().collect();
    assert_eq!(
        by,
        [
            (SkipKind::Protected, 1),
            (SkipKind::OutOfScope, 1),
            (SkipKind::ByAdmin, 1)
        ]
    );
    let markdown = rendered(&report, ReportFormat::Markdown);
    assert!(
        markdown.contains(
            "To leave alone by reason: protected 1, out of scope 1, skipped by an admin 1"
        )
    );
    assert!(
        markdown.contains("ignore (standing), by lead at 2025-01-01T09:30:00Z"),
        "{markdown}"
    );
    let apply = rendered(&apply_report(), ReportFormat::Html);
    assert!(
        apply.contains("skip this time, by lead at 2025-01-02T03:00:00Z"),
        "{apply}"
    );
}

#[test]
fn a_report_of_a_saved_plan_shows_the_plans_run_and_when_it_was_made() {
    let markdown = rendered(&plan_report(), ReportFormat::Markdown);
    for line in [
        "| Computed | 2025-01-02T03:04:05Z |",
        "| Computed by | admin |",
        "| Host | sync01 |",
        "| ftrack | https://studio.ftrackapp.com (API user ldap2ftrack-api) |",
        "| User filter | (objectClass=inetOrgPerson) |",
        "| Scope | everyone |",
        "| Report made | 2025-01-03T08:00:00Z from plan.json |",
    ] {
        assert!(markdown.contains(line), "{line} in\n{markdown}");
    }
    assert!(
        !markdown.contains("Run id"),
        "a plan is not a run that changed anything"
    );
}

#[test]
fn the_summary_chart_is_inline_text_readable_svg() {
    let html = rendered(&plan_report(), ReportFormat::Html);
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title id=\"chart-title\">Summary of the plan (users)</title>"));
    for bar in [
        "+ to create",
        "- to deactivate",
        "! conflicts to resolve",
        "# blocked",
    ] {
        assert!(svg.contains(&format!(">{bar}</text>")), "{bar} in {svg}");
    }
    assert!(svg.contains("= unchanged: 1 (not drawn)"));
    let apply = rendered(&apply_report(), ReportFormat::Html);
    let svg = &apply[apply.find("<svg").unwrap()..apply.find("</svg>").unwrap()];
    assert!(svg.contains("Outcome per phase"));
    assert!(svg.contains(">+ creations</text>"), "{svg}");
    assert!(svg.contains(">2 applied</text>"), "{svg}");
    assert!(svg.contains(">1 failed</text>"), "{svg}");
    assert!(svg.contains(">1 blocked</text>"), "{svg}");
    assert!(svg.contains(">1 skipped</text>"), "{svg}");
}
