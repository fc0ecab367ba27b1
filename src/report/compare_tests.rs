//! Comparing plans and runs: who appeared, left and changed, matched by identity.

use super::*;
use crate::apply::outcome::{ItemOutcome, RunInfo};
use crate::reconcile::plan::{Action, DirectoryRef, FtrackRef};

fn item(action: Action, username: &str, dir_id: Option<&str>) -> PlanItem {
    let mut item = PlanItem::bare(action, username.into());
    item.name = format!("{username} Example");
    item.directory = dir_id.map(|id| DirectoryRef {
        dn: format!("uid={username},ou=people").into(),
        id: id.into(),
    });
    item
}

fn plan(items: Vec<PlanItem>) -> Plan {
    Plan::new(items, Default::default())
}

#[test]
fn users_who_appear_leave_or_change_are_listed_and_the_rest_counted() {
    let mut ann = item(Action::Unchanged, "ann", Some("d1"));
    let bob = item(Action::Create, "bob", Some("d2"));
    let cat = item(Action::Unchanged, "cat", Some("d3"));
    let a = plan(vec![ann.clone(), bob.clone(), cat.clone()]);
    ann.groups.add = vec!["Lighting".into()];
    ann.action = Action::Update;
    let mut renamed = bob.clone();
    renamed.username = "bob.b".into();
    let dan = item(Action::Create, "dan", Some("d4"));
    let b = plan(vec![ann, renamed, dan]);
    let comparison = compare(Side::Plan(&a), "a.json", Side::Plan(&b), "b.json");
    assert_eq!(comparison.a.label, "a.json");
    assert_eq!((comparison.a.kind, comparison.b.users), ("plan", 3));
    assert_eq!(comparison.appeared.len(), 1);
    assert_eq!(comparison.appeared[0].username, "dan");
    assert_eq!(comparison.appeared[0].state, "create");
    assert_eq!(comparison.left.len(), 1);
    assert_eq!(comparison.left[0].username, "cat");
    assert_eq!(comparison.same, 0);
    let names: Vec<&str> = comparison
        .changed
        .iter()
        .map(|c| c.username.as_str())
        .collect();
    assert_eq!(names, ["ann", "bob.b"]);
    assert_eq!(
        comparison.changed[0].differences,
        vec![
            Difference::State {
                from: "unchanged".into(),
                to: "update".into()
            },
            Difference::Groups {
                from: GroupChanges::default(),
                to: GroupChanges {
                    add: vec!["Lighting".into()],
                    remove: Vec::new()
                }
            }
        ]
    );
    assert_eq!(
        comparison.changed[1].differences,
        vec![Difference::Username {
            from: "bob".into(),
            to: "bob.b".into()
        }]
    );
}

#[test]
fn runs_compare_results_and_users_without_a_directory_side_match_by_ftrack_id() {
    let mut leaver = item(Action::Deactivate, "eve", None);
    leaver.ftrack = Some(FtrackRef {
        id: "f-eve".into(),
        username: "eve".into(),
    });
    let run = |status: ItemStatus, started: &str| {
        let info = RunInfo {
            started_at: started.into(),
            ..RunInfo::default()
        };
        Outcome::new(
            info,
            vec![ItemOutcome {
                item: leaver.clone(),
                status,
                created_id: None,
            }],
        )
    };
    let failed = ItemStatus::Failed {
        error: "503".into(),
    };
    let a = run(failed, "2026-03-01T02:00:00Z");
    let b = run(ItemStatus::Applied, "2026-03-02T02:00:00Z");
    let comparison = compare(Side::Run(&a), "@2", Side::Run(&b), "@1");
    assert_eq!(comparison.b.when, "2026-03-02T02:00:00Z");
    assert!(comparison.appeared.is_empty() && comparison.left.is_empty());
    assert_eq!(
        comparison.changed[0].differences,
        vec![Difference::State {
            from: "deactivate: failed".into(),
            to: "deactivate: applied".into()
        }]
    );
    let same = compare(Side::Run(&b), "x", Side::Run(&b), "y");
    assert_eq!((same.same, same.changed.len()), (1, 0));
}
