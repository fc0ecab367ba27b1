//! Decisions: links and renames re-plan an entry, ignores hold it back, approvals select.

use super::fixtures::{Case, dir, ft, item};
use crate::model::DirectoryUser;
use crate::reconcile::decision::{Approval, Decision, Decisions, IGNORED, approve};
use crate::reconcile::plan::Action;
use crate::reconcile::{Plan, compute_plan};

/// Plans the case with the decisions, as `apply` and the console do.
fn plan_with(case: &Case, decisions: &Decisions) -> Plan {
    let (directory, ftrack) = case.snapshots();
    let (directory, links) = decisions.adjust_inputs(&directory, &case.links);
    let mut plan = compute_plan(&directory, &ftrack, &links, &case.policy, &case.scope);
    decisions.apply_to_plan(&mut plan);
    plan
}

fn decided(key: &str, decision: Decision) -> Decisions {
    let mut decisions = Decisions::default();
    decisions.decisions.insert(key.into(), decision);
    decisions
}

/// Two directory entries that map to the username `jdoe`, which ftrack already has.
fn duplicate_case() -> Case {
    let duplicate = DirectoryUser {
        id: "id-dup".into(),
        username: Some("jdoe".into()),
        ..dir("dup")
    };
    Case::new(
        vec![dir("jdoe"), duplicate, dir("jane")],
        vec![ft("jdoe"), ft("jane")],
    )
    .link("jane", "jane")
}

fn by_id<'p>(plan: &'p Plan, id: &str) -> &'p crate::reconcile::PlanItem {
    plan.items
        .iter()
        .find(|i| i.directory.as_ref().is_some_and(|d| d.id == id))
        .unwrap_or_else(|| panic!("no item for {id}: {:#?}", plan.items))
}

#[test]
fn a_rename_turns_a_username_conflict_into_a_create() {
    let case = duplicate_case();
    assert_eq!(by_id(&case.plan(), "id-dup").action, Action::Conflict);
    let decisions = decided(
        "id-dup",
        Decision::Rename {
            username: "jdoe2".into(),
        },
    );
    let plan = plan_with(&case, &decisions);
    assert_eq!(item(&plan, "jdoe2").action, Action::Create);
    assert_eq!(by_id(&plan, "id-jdoe").action, Action::Unchanged);
    // A rename to a username another entry uses is checked like any other: still a conflict.
    let taken = decided(
        "id-dup",
        Decision::Rename {
            username: "jane".into(),
        },
    );
    assert_eq!(
        by_id(&plan_with(&case, &taken), "id-dup").action,
        Action::Conflict
    );
}

#[test]
fn a_link_pairs_the_entry_with_the_chosen_user() {
    let case = Case::new(vec![dir("newbie")], vec![ft("old.login")]);
    assert_eq!(by_id(&case.plan(), "id-newbie").action, Action::Create);
    let decisions = decided(
        "id-newbie",
        Decision::Link {
            ftrack_id: "f-old.login".into(),
        },
    );
    let plan = plan_with(&case, &decisions);
    let linked = by_id(&plan, "id-newbie");
    assert_eq!(
        linked.ftrack.as_ref().map(|f| f.id.as_str()),
        Some("f-old.login")
    );
    assert_eq!(linked.action, Action::Update, "{linked:?}");
    // A link to a user that does not exist is reported, not guessed around.
    let broken = decided(
        "id-newbie",
        Decision::Link {
            ftrack_id: "f-nobody".into(),
        },
    );
    let plan = plan_with(&case, &broken);
    let item = by_id(&plan, "id-newbie");
    assert_eq!(item.action, Action::Conflict);
    assert!(
        item.reason
            .as_deref()
            .is_some_and(|r| r.contains("f-nobody"))
    );
}

#[test]
fn ignore_holds_an_entry_back_on_every_run_and_approval_selects() {
    let case = Case::new(vec![dir("new1"), dir("new2"), dir("new3")], Vec::new());
    let mut decisions = decided("id-new1", Decision::Ignore);
    decisions
        .decisions
        .insert("id-new2".into(), Decision::Approve);
    let plan = plan_with(&case, &decisions);
    assert_eq!(item(&plan, "new1").action, Action::Skip);
    assert_eq!(item(&plan, "new1").reason.as_deref(), Some(IGNORED));
    assert_eq!(plan.summary.skip, 1);
    let explicit = approve(plan.clone(), &decisions, Approval::Explicit);
    let chosen: Vec<&str> = explicit
        .plan
        .items
        .iter()
        .zip(&explicit.approved)
        .filter(|(_, a)| **a)
        .map(|(i, _)| i.username.as_str())
        .collect();
    assert_eq!(chosen, ["new2"]);
    let automatic = approve(plan, &decisions, Approval::Automatic);
    assert_eq!(automatic.approved.iter().filter(|a| **a).count(), 2);
    // Only ignore, link and rename are kept for later runs.
    assert_eq!(decisions.standing().decisions.len(), 1);
}

#[test]
fn conflicts_are_never_approved() {
    let case = duplicate_case();
    let plan = case.plan();
    let decisions = decided("id-jdoe", Decision::Approve);
    let approved = approve(plan, &decisions, Approval::Automatic);
    for (item, ok) in approved.plan.items.iter().zip(&approved.approved) {
        if item.action == Action::Conflict {
            assert!(!ok, "{item:?}");
        }
    }
}

#[test]
fn who_took_a_decision_and_when_follows_it_onto_the_plan_and_through_merges() {
    use crate::reconcile::decision::Taken;
    use crate::reconcile::plan::SkipKind;
    let case = Case::new(vec![dir("new1"), dir("new2")], Vec::new());
    let taken = |by: &str| Taken {
        by: by.into(),
        at: "2025-02-03T04:05:06Z".into(),
    };
    let mut decisions = Decisions::default();
    decisions.set_taken(&"id-new1".into(), Some(Decision::Ignore), taken("lead"));
    decisions.set_taken(&"id-new2".into(), Some(Decision::Skip), taken("admin"));
    let plan = plan_with(&case, &decisions);
    let ignored = item(&plan, "new1");
    assert_eq!(
        (ignored.action, ignored.skip),
        (Action::Skip, Some(SkipKind::ByAdmin))
    );
    let mark = ignored.decided.as_ref().unwrap();
    assert_eq!(
        (mark.decision.as_str(), mark.by.as_str(), mark.at.as_str()),
        ("ignore (standing)", "lead", "2025-02-03T04:05:06Z")
    );
    // A change skipped for this run stays a create in the plan; approving marks it as left
    // out by a person, not merely unapproved.
    let approved = approve(plan, &decisions, Approval::Automatic);
    let skipped = item(&approved.plan, "new2");
    assert_eq!(
        (skipped.action, skipped.skip),
        (Action::Create, Some(SkipKind::ByAdmin))
    );
    assert_eq!(skipped.decided.as_ref().unwrap().by, "admin");
    // Only standing decisions are kept for later runs, with who took them.
    let standing = decisions.standing();
    assert_eq!(
        standing.taken.keys().collect::<Vec<_>>(),
        [&"id-new1".into()]
    );
    // A newer decision without a record replaces the older one's record too.
    let newer = decided("id-new1", Decision::Approve);
    assert!(
        !decisions
            .overlaid(&newer)
            .taken
            .contains_key(&"id-new1".into())
    );
    // A decisions file written before records were kept still reads, without them.
    let old: Decisions = serde_json::from_str(
        r#"{"format_version": 1, "decisions": {"id-a": {"decision": "skip"}}}"#,
    )
    .unwrap();
    assert!(old.taken.is_empty());
    let written = serde_json::to_string(&old).unwrap();
    assert!(!written.contains("taken"), "{written}");
}
