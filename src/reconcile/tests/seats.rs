//! The seat limit: creates and reactivations beyond `max_active_users` are held back.

use super::fixtures::{Case, actions, dir, ft, item};
use crate::reconcile::plan::Action;

/// Three active ftrack users in sync, two newcomers and one returning user.
fn hiring() -> Case {
    let mut returning = ft("carol");
    returning.is_active = false;
    let mut case = Case::new(
        vec![
            dir("ann"),
            dir("bob"),
            dir("carol"),
            dir("dave"),
            dir("erin"),
            dir("zed"),
        ],
        vec![ft("ann"), ft("bob"), returning, ft("zed")],
    );
    case = case
        .link("ann", "ann")
        .link("bob", "bob")
        .link("carol", "carol");
    case.link("zed", "zed")
}

#[test]
fn without_a_limit_seats_are_counted_only() {
    let plan = hiring().plan();
    assert_eq!(plan.seats.active_before, 3);
    assert_eq!(plan.seats.active_after, 6);
    assert_eq!(plan.seats.limit, None);
    assert_eq!(plan.summary.create, 2);
    assert_eq!(plan.summary.reactivate, 1);
}

#[test]
fn a_limit_holds_newcomers_after_returning_users_in_username_order() {
    let mut case = hiring();
    case.policy.max_active_users = Some(5);
    let plan = case.plan();
    assert_eq!(item(&plan, "carol").action, Action::Reactivate);
    assert_eq!(item(&plan, "dave").action, Action::Create);
    let held = item(&plan, "erin");
    assert_eq!(held.action, Action::Skip);
    assert!(held.changes.is_empty());
    let reason = held.reason.as_deref().unwrap();
    assert!(reason.contains("max_active_users = 5"), "{reason}");
    assert!(reason.contains("create held back"), "{reason}");
    assert_eq!(plan.seats.active_after, 5);
    assert_eq!(plan.seats.limit, Some(5));
    // The same inputs in another order hold the same user.
    case.dir.reverse();
    case.ftrack.reverse();
    assert_eq!(actions(&case.plan()), actions(&plan));
}

#[test]
fn deactivations_free_seats_for_newcomers() {
    let mut case = hiring();
    case.policy.max_active_users = Some(5);
    case.dir.retain(|u| u.username.as_deref() != Some("zed"));
    let plan = case.plan();
    assert_eq!(item(&plan, "zed").action, Action::Deactivate);
    assert_eq!(plan.summary.create, 2, "zed's seat goes to erin");
    assert_eq!(plan.seats.active_after, 5);
}

#[test]
fn a_limit_below_the_active_count_holds_every_newcomer_but_changes_nobody_else() {
    let mut case = hiring();
    case.policy.max_active_users = Some(1);
    case.dir[0].last_name = Some("Changed".into());
    let plan = case.plan();
    assert_eq!(plan.summary.create + plan.summary.reactivate, 0);
    assert_eq!(plan.summary.skip, 3);
    assert_eq!(item(&plan, "ann").action, Action::Update);
    assert_eq!(plan.seats.active_after, 3);
}
