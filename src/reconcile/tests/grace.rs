//! The grace period before deactivation, with an injected clock and the marks of earlier runs.

use super::fixtures::{Case, dir, ft, item};
use crate::ids::{FtrackId, ItemKey};
use crate::model::ReadScope;
use crate::reconcile::Action;
use crate::reconcile::decision::{Decision, Decisions, plan_with_decisions};
use crate::reconcile::grace::{Absence, Grace, GracePeriod, MissingMark, MissingMarks};
use crate::reconcile::policy::{DeactivateNow, MaxDeactivate};
use jiff::Timestamp;

const HOUR: u64 = 3600;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// `ana` is in the directory; `bob` (linked) is missing from it.
fn case(grace: Grace, now: &str) -> Case {
    let mut case = Case::new(vec![dir("ana")], vec![ft("ana"), ft("bob")])
        .link("ana", "ana")
        .link("bob", "bob");
    case.policy.grace = grace;
    case.policy.now = at(now);
    case
}

fn hours(n: u64) -> Grace {
    Grace {
        after: Some(GracePeriod::from_secs(n * HOUR)),
        ..Grace::default()
    }
}

fn runs(n: u32) -> Grace {
    Grace {
        after_runs: Some(n),
        ..Grace::default()
    }
}

fn mark(since: &str, runs: u32) -> MissingMark {
    MissingMark {
        since: at(since),
        runs,
    }
}

fn marks_of(id: &str, mark: MissingMark) -> MissingMarks {
    MissingMarks::from([(FtrackId::new(id), mark)])
}

#[test]
fn without_a_grace_period_a_missing_user_is_deactivated_and_nothing_is_recorded() {
    let plan = case(Grace::default(), "2026-03-01T00:00:00Z").plan();
    let bob = item(&plan, "bob");
    assert_eq!(bob.action, Action::Deactivate);
    assert_eq!(bob.reason.as_deref(), Some("no longer in the directory"));
    assert_eq!(bob.grace, None);
    assert_eq!(plan.missing_marks, None);
}

#[test]
fn missing_for_less_than_the_grace_time_is_pending_with_the_time_left() {
    let mut case = case(hours(72), "2026-03-02T07:00:00Z");
    case.policy.missing_marks = marks_of("f-bob", mark("2026-03-01T00:00:00Z", 1));
    let plan = case.plan();
    let bob = item(&plan, "bob");
    assert_eq!(bob.action, Action::Pending);
    assert!(bob.changes.is_empty(), "a pending item changes nothing");
    assert_eq!(
        bob.reason.as_deref(),
        Some(
            "no longer in the directory; missing since 2026-03-01T00:00:00Z (2 runs); deactivated after 1d 17h"
        )
    );
    let grace = bob.grace.unwrap();
    assert_eq!(grace.seconds_left, Some(41 * HOUR));
    assert_eq!(grace.absence, Absence::Missing);
    assert_eq!((plan.summary.pending, plan.summary.deactivate), (1, 0));
    assert!(!plan.has_changes());
    assert_eq!(
        plan.missing_marks,
        Some(marks_of("f-bob", mark("2026-03-01T00:00:00Z", 2)))
    );
}

#[test]
fn first_seen_missing_starts_the_clock_now() {
    let plan = case(hours(72), "2026-03-01T00:00:00Z").plan();
    assert_eq!(item(&plan, "bob").action, Action::Pending);
    assert_eq!(
        plan.missing_marks,
        Some(marks_of("f-bob", mark("2026-03-01T00:00:00Z", 1)))
    );
}

#[test]
fn missing_for_longer_than_the_grace_time_is_deactivated() {
    let mut case = case(hours(72), "2026-03-04T00:00:00Z");
    case.policy.missing_marks = marks_of("f-bob", mark("2026-03-01T00:00:00Z", 2));
    let plan = case.plan();
    let bob = item(&plan, "bob");
    assert_eq!(bob.action, Action::Deactivate);
    assert!(!bob.changes.is_empty());
    assert!(
        bob.reason
            .as_deref()
            .unwrap()
            .ends_with("the grace period is over"),
        "{:?}",
        bob.reason
    );
}

#[test]
fn a_number_of_runs_counts_this_run_and_deactivates_on_the_last() {
    let first = case(runs(3), "2026-03-01T00:00:00Z").plan();
    let bob = item(&first, "bob");
    assert_eq!(bob.action, Action::Pending);
    assert!(
        bob.reason
            .as_deref()
            .unwrap()
            .ends_with("after 2 more runs")
    );
    let mut second = case(runs(3), "2026-03-01T01:00:00Z");
    second.policy.missing_marks = first.missing_marks.clone().unwrap();
    let second = second.plan();
    assert_eq!(item(&second, "bob").action, Action::Pending);
    assert!(
        item(&second, "bob")
            .reason
            .as_deref()
            .unwrap()
            .ends_with("after 1 more run")
    );
    let mut third = case(runs(3), "2026-03-01T02:00:00Z");
    third.policy.missing_marks = second.missing_marks.clone().unwrap();
    assert_eq!(item(&third.plan(), "bob").action, Action::Deactivate);
}

#[test]
fn with_a_time_and_runs_both_must_have_passed() {
    let both = Grace {
        after: Some(GracePeriod::from_secs(24 * HOUR)),
        after_runs: Some(3),
        ..Grace::default()
    };
    let mut long_ago = case(both, "2026-03-10T00:00:00Z");
    long_ago.policy.missing_marks = marks_of("f-bob", mark("2026-03-01T00:00:00Z", 1));
    let plan = long_ago.plan();
    let bob = item(&plan, "bob");
    assert_eq!(bob.action, Action::Pending, "the time passed, the runs not");
    assert!(bob.reason.as_deref().unwrap().ends_with("after 1 more run"));
    let mut many_runs = case(both, "2026-03-01T12:00:00Z");
    many_runs.policy.missing_marks = marks_of("f-bob", mark("2026-03-01T00:00:00Z", 5));
    let plan = many_runs.plan();
    assert_eq!(item(&plan, "bob").action, Action::Pending);
    assert!(
        item(&plan, "bob")
            .reason
            .as_deref()
            .unwrap()
            .ends_with("after 12h")
    );
}

#[test]
fn a_user_who_comes_back_clears_the_mark() {
    let mut case = case(hours(72), "2026-03-02T00:00:00Z");
    case.dir.push(dir("bob"));
    case.policy.missing_marks = marks_of("f-bob", mark("2026-03-01T00:00:00Z", 1));
    let plan = case.plan();
    assert_eq!(item(&plan, "bob").action, Action::Unchanged);
    assert_eq!(plan.missing_marks, Some(MissingMarks::new()));
}

#[test]
fn marks_of_deactivated_and_vanished_users_are_dropped_and_unseen_ones_kept() {
    let mut case = case(hours(72), "2026-03-02T00:00:00Z");
    case.ftrack[1].is_active = false;
    case.ftrack.push(ft("cat"));
    case.policy.protected_users = vec!["cat".into()];
    case.policy.missing_marks = MissingMarks::from([
        (FtrackId::new("f-bob"), mark("2026-03-01T00:00:00Z", 4)),
        (FtrackId::new("f-cat"), mark("2026-03-01T00:00:00Z", 2)),
        (FtrackId::new("f-gone"), mark("2026-03-01T00:00:00Z", 2)),
    ]);
    let plan = case.plan();
    assert_eq!(
        plan.missing_marks,
        Some(marks_of("f-cat", mark("2026-03-01T00:00:00Z", 2))),
        "bob is inactive, gone is no ftrack user, cat was not looked at (protected)"
    );
}

#[test]
fn a_read_of_changes_neither_starts_nor_clears_a_mark() {
    let mut case = case(runs(3), "2026-03-02T00:00:00Z");
    case.ftrack.push(ft("cat"));
    case = case.link("cat", "cat");
    case.policy.missing_marks = marks_of("f-cat", mark("2026-03-01T00:00:00Z", 2));
    case.read = ReadScope::Changed {
        marker: "modifyTimestamp".into(),
        since: "2026-03-01T23:55:00Z".into(),
    };
    let plan = case.plan();
    for unseen in ["bob", "cat"] {
        assert_eq!(item(&plan, unseen).action, Action::Unchanged, "{unseen}");
    }
    assert_eq!(
        plan.missing_marks, None,
        "the saved marks stay as they were: cat still has 2 runs, bob none"
    );
    case.read = ReadScope::default();
    let full = case.plan();
    assert_eq!(
        item(&full, "cat").action,
        Action::Deactivate,
        "third full run"
    );
    assert_eq!(item(&full, "bob").action, Action::Pending);
}

#[test]
fn an_incomplete_read_records_no_marks() {
    let mut case = case(hours(72), "2026-03-02T00:00:00Z");
    case.incomplete = true;
    let plan = case.plan();
    assert_eq!(item(&plan, "bob").action, Action::Skip);
    assert_eq!(plan.missing_marks, None);
}

#[test]
fn a_disabled_account_is_deactivated_at_once_unless_told_to_wait() {
    let mut disabled = dir("ana");
    disabled.active = false;
    disabled.disabled_reason = Some("locked".into());
    let mut at_once = case(hours(72), "2026-03-01T00:00:00Z");
    at_once.dir = vec![disabled.clone()];
    let plan = at_once.plan();
    assert_eq!(item(&plan, "ana").action, Action::Deactivate);
    assert_eq!(item(&plan, "ana").grace, None);

    let mut waits = case(
        Grace {
            disabled_immediately: false,
            ..hours(72)
        },
        "2026-03-01T00:00:00Z",
    );
    waits.dir = vec![disabled];
    let plan = waits.plan();
    let ana = item(&plan, "ana");
    assert_eq!(ana.action, Action::Pending);
    assert_eq!(ana.grace.unwrap().absence, Absence::Disabled);
    assert!(
        ana.reason
            .as_deref()
            .unwrap()
            .starts_with("account disabled in the directory: locked; disabled since"),
        "{:?}",
        ana.reason
    );
    assert!(
        plan.missing_marks
            .unwrap()
            .contains_key(&FtrackId::new("f-ana"))
    );
}

#[test]
fn now_deactivates_pending_users_at_once() {
    let mut case = case(hours(72), "2026-03-01T00:00:00Z");
    case.scope.deactivate_now = DeactivateNow::Everyone;
    let plan = case.plan();
    let bob = item(&plan, "bob");
    assert_eq!(bob.action, Action::Deactivate);
    assert!(
        bob.reason
            .as_deref()
            .unwrap()
            .contains("deactivated before its grace period ended (3d left)"),
        "{:?}",
        bob.reason
    );
}

#[test]
fn a_deactivate_now_decision_cuts_one_users_grace_and_approves_it() {
    let mut case = case(hours(72), "2026-03-01T00:00:00Z");
    case.ftrack.push(ft("cat"));
    case = case.link("cat", "cat");
    let (directory, ftrack) = case.snapshots();
    let mut decisions = Decisions::default();
    decisions.decisions.insert(
        ItemKey::FtrackOnly(FtrackId::new("f-bob")),
        Decision::DeactivateNow,
    );
    let plan = plan_with_decisions(
        &directory,
        &ftrack,
        &case.links,
        &case.policy,
        &case.scope,
        &decisions,
    );
    assert_eq!(item(&plan, "bob").action, Action::Deactivate);
    assert_eq!(item(&plan, "cat").action, Action::Pending);
    let approved = crate::reconcile::decision::approve(
        plan,
        &decisions,
        crate::reconcile::decision::Approval::Explicit,
    );
    let bob = approved
        .plan
        .items
        .iter()
        .position(|i| i.username == "bob")
        .unwrap();
    assert!(
        approved.approved[bob],
        "the decision approves the deactivation"
    );
}

#[test]
fn the_safety_limit_still_caps_deactivations_after_a_grace() {
    let mut case = case(hours(1), "2026-03-02T00:00:00Z");
    case.ftrack.push(ft("cat"));
    case = case.link("cat", "cat");
    case.policy.max_deactivate = MaxDeactivate::Count(1);
    case.policy.missing_marks = MissingMarks::from([
        (FtrackId::new("f-bob"), mark("2026-03-01T00:00:00Z", 3)),
        (FtrackId::new("f-cat"), mark("2026-03-01T00:00:00Z", 3)),
    ]);
    let plan = case.plan();
    assert_eq!(plan.summary.deactivate, 2);
    assert!(
        plan.blocked.as_deref().unwrap().contains("max_deactivate"),
        "{:?}",
        plan.blocked
    );
    let mut brought_forward = self::case(hours(72), "2026-03-01T00:00:00Z");
    brought_forward.ftrack.push(ft("cat"));
    brought_forward = brought_forward.link("cat", "cat");
    brought_forward.policy.max_deactivate = MaxDeactivate::Count(1);
    brought_forward.scope.deactivate_now = DeactivateNow::Everyone;
    assert!(
        brought_forward.plan().blocked.is_some(),
        "--now is capped too"
    );
    brought_forward.scope.deactivate_now = DeactivateNow::Nobody;
    assert_eq!(
        brought_forward.plan().blocked,
        None,
        "pending users are not counted"
    );
}

mod properties {
    use super::super::properties::{plan, world};
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_grace_only_turns_deactivations_into_pending_items_that_change_nothing(
            w in world(),
            wait_disabled in any::<bool>(),
        ) {
            let without = plan(&w);
            let mut w = w;
            w.policy.grace = Grace {
                disabled_immediately: !wait_disabled,
                ..hours(72)
            };
            w.policy.now = at("2026-03-01T00:00:00Z");
            let with = plan(&w);
            for after in with.items.iter().filter(|i| i.action == Action::Pending) {
                prop_assert!(after.changes.is_empty() && after.groups.is_empty() && after.roles.is_empty() && after.custom.is_empty());
                prop_assert!(after.grace.is_some());
            }
            // Items move between buckets, so they are compared by what they are about.
            let about = |items: &[crate::reconcile::PlanItem]| {
                let mut all: Vec<_> = items
                    .iter()
                    .map(|i| {
                        let action = if i.action == Action::Pending { Action::Deactivate } else { i.action };
                        (i.directory.clone().map(|d| d.id), i.ftrack.clone().map(|f| f.id), i.username.clone(), action)
                    })
                    .collect();
                all.sort();
                all
            };
            prop_assert_eq!(about(&with.items), about(&without.items));
            prop_assert_eq!(with.summary.pending + with.summary.deactivate, without.summary.deactivate);
            w.scope.deactivate_now = DeactivateNow::Everyone;
            let now = plan(&w);
            prop_assert_eq!(now.summary, without.summary, "--now plans as if there were no grace");
        }
    }
}
