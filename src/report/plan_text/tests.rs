//! The text plan: conflicts, escaping, role changes and seats.

use super::*;
use crate::access::RoleScope;
use crate::reconcile::plan::{DirectoryRef, Field, FtrackRef, GroupChanges, Inputs};
use crate::reconcile::roles::RoleChange;

#[test]
fn a_conflict_names_the_ftrack_user_its_entry_is_paired_with() {
    let item = PlanItem {
        action: Action::Conflict,
        username: "ana".into(),
        name: "Ana Lima".to_string(),
        directory: Some(DirectoryRef {
            dn: "uid=ana,dc=x".into(),
            id: "id-ana".into(),
        }),
        ftrack: Some(FtrackRef {
            id: "f-ana".into(),
            username: "ana.l".into(),
        }),
        matched_by: Some(MatchedBy::Link),
        changes: Vec::new(),
        groups: GroupChanges::default(),
        reason: Some("the directory entry has no email address".to_string()),
        conflict: None,
        needs: Vec::new(),
        grace: None,
        roles: Vec::new(),
        custom: Vec::new(),
        skip: None,
        decided: None,
    };
    let plan = Plan::new(vec![item], Inputs::default());
    let text = render_plan_text(&plan, TextOptions::default());
    assert!(
        text.contains("    entry: uid=ana,dc=x\n    ftrack user: ana.l (linked to the entry)\n"),
        "{text}"
    );
}

#[test]
fn control_characters_are_escaped() {
    assert_eq!(printable("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\\n");
    assert_eq!(printable("山田 太郎"), "山田 太郎");
}

/// An update that changes a field, a group and three roles.
fn lead() -> PlanItem {
    PlanItem {
        action: Action::Update,
        username: "jdoe".into(),
        name: "Jane Doe".to_string(),
        directory: Some(DirectoryRef {
            dn: "uid=jdoe,dc=x".into(),
            id: "id-jdoe".into(),
        }),
        ftrack: Some(FtrackRef {
            id: "f-jdoe".into(),
            username: "jdoe".into(),
        }),
        matched_by: Some(MatchedBy::Link),
        changes: vec![FieldChange {
            field: Field::LastName,
            from: Some(FieldValue::Text("Do".into())),
            to: Some(FieldValue::Text("Doe".into())),
        }],
        groups: GroupChanges {
            add: vec!["Leads".into()],
            remove: Vec::new(),
        },
        reason: None,
        conflict: None,
        needs: Vec::new(),
        grace: None,
        roles: vec![
            RoleChange::Grant {
                role: "Project Manager".into(),
                scope: RoleScope::AllOpenProjects,
                because: "group cn=leads,dc=x".into(),
            },
            RoleChange::Revoke {
                role: "Supervisor\u{1b}[2J".into(),
                scope: RoleScope::projects(["ADS"]),
            },
            RoleChange::Rescope {
                role: "User".into(),
                from: RoleScope::projects(["ADS", "SHOW"]),
                to: RoleScope::projects(["SHOW"]),
                because: "group cn=show,dc=x".into(),
            },
        ],
        custom: Vec::new(),
        skip: None,
        decided: None,
    }
}

#[test]
fn role_changes_are_listed_under_the_item_with_their_reasons() {
    let plan = Plan::new(vec![lead()], Inputs::default());
    let text = render_plan_text(&plan, TextOptions::default());
    assert_eq!(
        text,
        "~ jdoe  Jane Doe\n    last_name: \"Do\" -> \"Doe\"\n    groups: +Leads\n    \
         + role Project Manager on all open projects (group cn=leads,dc=x)\n    \
         - role Supervisor\\u{1b}[2J on projects ADS (no directory group gives it)\n    \
         ~ role User: projects ADS, SHOW -> projects SHOW (group cn=show,dc=x)\n"
    );
}

#[test]
fn role_changes_that_take_access_away_are_red_in_colour() {
    let plan = Plan::new(vec![lead()], Inputs::default());
    let color = TextOptions {
        all: false,
        color: true,
    };
    let text = render_plan_text(&plan, color);
    let red = |line: &str| format!("\n    {}\n", paint(color, bold_red(), line));
    assert!(
        text.contains("\n    + role Project Manager on all open projects (group cn=leads,dc=x)\n")
    );
    assert!(text.contains(&red(
        "- role Supervisor\\u{1b}[2J on projects ADS (no directory group gives it)"
    )));
    assert!(text.contains(&red(
        "~ role User: projects ADS, SHOW -> projects SHOW (group cn=show,dc=x)"
    )));
}

#[test]
fn seats_end_the_text_and_the_summary_line() {
    let mut plan = Plan::new(vec![lead()], Inputs::default());
    let elapsed = std::time::Duration::from_millis(10);
    assert!(!render_plan_text(&plan, TextOptions::default()).contains("active users"));
    assert!(!summary_line(&plan, elapsed).contains("active users"));
    plan.seats = Seats {
        active_before: 282,
        active_after: 300,
        limit: None,
    };
    let text = render_plan_text(&plan, TextOptions::default());
    assert!(text.ends_with("\nactive users: 282 -> 300\n"), "{text}");
    plan.seats.limit = Some(320);
    let text = render_plan_text(&plan, TextOptions::default());
    assert!(
        text.ends_with("\nactive users: 282 -> 300 (limit 320)\n"),
        "{text}"
    );
    assert_eq!(
        summary_line(&plan, elapsed),
        "Plan: 0 to create, 1 to update, 0 to reactivate, 0 to deactivate, 0 conflicts, \
         0 to leave alone, 0 unchanged; active users 282 -> 300, limit 320 (0.01 s)"
    );
}
