//! Needs: a change records what it needs from the rest of the plan.

use super::fixtures::{Case, dir, ft, item};
use crate::model::DirectoryUser;
use crate::reconcile::Plan;
use crate::reconcile::decision::{Approval, Decision, Decisions, approve, plan_with_decisions};
use crate::reconcile::needs::Need;
use crate::reconcile::plan::{Action, ConflictKind};
use crate::reconcile::prerequisites::{PulledIn, settle};

/// Priya, linked to ftrack user `ppatel`, is now `priya.patel` in the directory; a new
/// colleague, Pavan, gets the login `ppatel` that her rename frees.
fn freed_username() -> Case {
    let pavan = DirectoryUser {
        email: Some("pavan@studio.example".into()),
        ..dir("ppatel")
    };
    Case::new(vec![dir("priya.patel"), pavan], vec![ft("ppatel")]).link("priya.patel", "ppatel")
}

fn with(case: &Case, decisions: &Decisions) -> Plan {
    let (directory, ftrack) = case.snapshots();
    plan_with_decisions(
        &directory,
        &ftrack,
        &case.links,
        &case.policy,
        &case.scope,
        decisions,
    )
}

#[test]
fn a_create_needs_the_rename_that_frees_its_username() {
    let plan = freed_username().plan();
    assert_eq!(item(&plan, "priya.patel").action, Action::Update);
    let pavan = item(&plan, "ppatel");
    assert_eq!(pavan.action, Action::Create);
    assert_eq!(
        pavan.needs,
        [Need::Rename {
            key: "id-priya.patel".into(),
            from: "ppatel".into(),
            to: "priya.patel".into(),
        }]
    );
    assert_eq!(pavan.needs[0].to_string(), "rename ppatel -> priya.patel");
    assert!(item(&plan, "priya.patel").needs.is_empty());
    // The edge survives a saved plan.
    let text = serde_json::to_string(&plan).unwrap();
    assert!(
        text.contains(r#""needs":[{"kind":"rename","key":"id-priya.patel""#),
        "{text}"
    );
    let read: Plan = serde_json::from_str(&text).unwrap();
    assert_eq!(read, plan);
}

#[test]
fn a_held_back_rename_makes_the_create_a_conflict_that_says_why() {
    let mut ignored = Decisions::default();
    ignored
        .decisions
        .insert("id-priya.patel".into(), Decision::Ignore);
    let plan = with(&freed_username(), &ignored);
    assert_eq!(item(&plan, "priya.patel").action, Action::Skip);
    let pavan = item(&plan, "ppatel");
    assert_eq!(pavan.action, Action::Conflict);
    assert_eq!(
        pavan.conflict.as_ref().map(|c| c.kind),
        Some(ConflictKind::UsernameTaken)
    );
    let reason = pavan.reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains("\"ppatel\"") && reason.contains("held back"),
        "{reason}"
    );
    assert!(pavan.changes.is_empty() && pavan.needs.is_empty());
    assert_eq!(plan.summary.create, 0);
    assert_eq!(plan.summary.conflict, 1);
}

#[test]
fn a_membership_needs_the_group_the_run_creates() {
    let lighter = DirectoryUser {
        groups: vec!["cn=light,ou=groups,dc=example".into()],
        ..dir("ann")
    };
    let mut case = Case::new(vec![lighter, dir("bob")], vec![ft("bob")]).link("bob", "bob");
    case.policy.managed_groups = [(
        "cn=light,ou=groups,dc=example".to_string(),
        "Lighting".to_string(),
    )]
    .into_iter()
    .collect();
    let plan = case.plan();
    assert_eq!(plan.groups_to_create, ["Lighting"]);
    assert_eq!(
        item(&plan, "ann").needs,
        [Need::Group {
            name: "Lighting".into()
        }]
    );
    assert!(item(&plan, "bob").needs.is_empty());
}

fn position(plan: &Plan, username: &str) -> usize {
    plan.items
        .iter()
        .position(|i| i.username == username)
        .unwrap()
}

#[test]
fn an_approved_change_brings_what_it_needs_unless_that_was_skipped() {
    let case = freed_username();
    let plan = case.plan();
    let (pavan, priya) = (position(&plan, "ppatel"), position(&plan, "priya.patel"));
    // Pavan alone approved: Priya's undecided rename comes along.
    let mut only_pavan = Decisions::default();
    only_pavan
        .decisions
        .insert("id-ppatel".into(), Decision::Approve);
    let approved = approve(plan.clone(), &only_pavan, Approval::Explicit);
    assert!(approved.approved[pavan] && approved.approved[priya]);
    assert_eq!(
        approved.settled.pulled_in,
        [PulledIn {
            item: priya,
            needed_by: pavan
        }]
    );
    assert!(approved.settled.held_back.is_empty());
    // Priya skipped: Pavan is held back, with the reason; nothing is pulled in.
    let mut skipped = only_pavan.clone();
    skipped
        .decisions
        .insert("id-priya.patel".into(), Decision::Skip);
    let approved = approve(plan.clone(), &skipped, Approval::Automatic);
    assert!(!approved.approved[pavan] && !approved.approved[priya]);
    assert_eq!(
        approved.held_back(pavan),
        Some("needs rename ppatel -> priya.patel, which was skipped")
    );
    assert!(approved.settled.pulled_in.is_empty());
}

#[test]
fn prerequisites_come_along_through_a_chain_and_holds_spread_along_it() {
    // Three logins move along a chain: ann takes bob's old login, bob takes cy's.
    let renamed = |uid: &str, now: &str| DirectoryUser {
        id: format!("id-{uid}").into(),
        username: Some(now.into()),
        email: Some(format!("{now}@studio.example")),
        ..dir(uid)
    };
    let case = Case::new(
        vec![
            renamed("ann", "bob"),
            renamed("bob", "cy"),
            renamed("cy", "dee"),
        ],
        vec![ft("ann"), ft("bob"), ft("cy")],
    )
    .link("ann", "ann")
    .link("bob", "bob")
    .link("cy", "cy");
    let plan = case.plan();
    let at = |now: &str| position(&plan, now);
    assert!(
        plan.items.iter().all(|i| i.action == Action::Update),
        "{plan:#?}"
    );
    let mut selected = vec![false; plan.items.len()];
    selected[at("bob")] = true;
    let settled = settle(&plan, &mut selected, |_| None);
    assert!(selected.iter().all(|s| *s), "the whole chain comes along");
    assert_eq!(settled.pulled_in.len(), 2);
    // The end of the chain refused: both changes before it are held back.
    let mut selected = vec![true; plan.items.len()];
    let dee = at("dee");
    let settled = settle(&plan, &mut selected, |i| {
        (i == dee).then(|| "was skipped".into())
    });
    assert_eq!(settled.held_back.len(), 2, "{settled:?}");
    assert!(selected[dee] && !selected[at("bob")] && !selected[at("cy")]);
    let bob = settled
        .held_back
        .iter()
        .find(|h| h.item == at("bob"))
        .unwrap();
    assert_eq!(bob.reason, "needs rename bob -> cy, which is held back too");
}
