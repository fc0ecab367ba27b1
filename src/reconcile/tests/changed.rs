//! Plans of a read of changes only: nobody is deactivated, for absence or otherwise, and the
//! checks that compare the read's size with a full directory stay quiet.

use super::fixtures::{Case, dir, ft, item};
use crate::model::ReadScope;
use crate::reconcile::plan::Action;
use crate::reconcile::{Scope, sets_size_baseline};

fn changes() -> ReadScope {
    ReadScope::Changed {
        marker: "modifyTimestamp".into(),
        since: "2026-12-02T10:25:00Z".into(),
    }
}

#[test]
fn users_missing_from_a_read_of_changes_are_unchanged_not_leavers() {
    let mut case = Case::new(
        vec![dir("ann"), dir("new")],
        vec![ft("ann"), ft("bob"), ft("cat")],
    )
    .link("ann", "ann")
    .link("bob", "bob")
    .link("cat", "cat");
    case.dir[0].last_name = Some("Changed".into());
    case.read = changes();
    case.policy.previous_directory_count = Some(1000);
    let plan = case.plan();
    assert_eq!(item(&plan, "ann").action, Action::Update);
    assert_eq!(item(&plan, "new").action, Action::Create);
    for gone in ["bob", "cat"] {
        let left = item(&plan, gone);
        assert_eq!(left.action, Action::Unchanged, "{gone}");
        assert!(left.changes.is_empty());
    }
    assert_eq!(plan.summary.deactivate, 0);
    assert_eq!(
        plan.blocked, None,
        "a small read of changes is not a shrunken directory"
    );
    assert_eq!(plan.directory_read, changes());
    assert!(!sets_size_baseline(&plan, &Scope::default()));

    case.read = ReadScope::default();
    let full = case.plan();
    assert_eq!(item(&full, "bob").action, Action::Deactivate);
    assert!(
        full.blocked.is_some(),
        "the shrink check still guards full reads"
    );
}

#[test]
fn an_empty_read_of_changes_is_a_quiet_plan() {
    let mut case = Case::new(Vec::new(), vec![ft("ann")]).link("ann", "ann");
    case.read = changes();
    let plan = case.plan();
    assert_eq!(plan.blocked, None);
    assert!(!plan.has_changes());
    case.read = ReadScope::Full {
        why: Some("no watermark".into()),
    };
    let full = case.plan();
    assert!(full.blocked.is_some(), "an empty full read stays suspect");
}

#[test]
fn a_disabled_account_in_a_read_of_changes_waits_for_the_full_read() {
    let mut case = Case::new(vec![dir("ann")], vec![ft("ann")]).link("ann", "ann");
    case.dir[0].active = false;
    case.dir[0].disabled_reason = Some("nsAccountLock".into());
    case.read = changes();
    let plan = case.plan();
    let ann = item(&plan, "ann");
    assert_eq!(ann.action, Action::Skip);
    assert!(
        ann.reason
            .as_deref()
            .unwrap()
            .contains("the next full read"),
        "{ann:?}"
    );
    case.read = ReadScope::default();
    assert_eq!(item(&case.plan(), "ann").action, Action::Deactivate);
}
