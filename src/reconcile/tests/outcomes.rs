//! One table test per outcome and per conflict kind.

use super::fixtures::{Case, actions, dir, ft, item};
use crate::reconcile::plan::{Action, ConflictKind, Field, FieldValue, MatchedBy};
use crate::reconcile::policy::{DeactivateMissing, MaxDeactivate, UsernameCase};

fn text(s: &str) -> Option<FieldValue> {
    Some(FieldValue::Text(s.to_string()))
}

fn kind(plan: &crate::reconcile::Plan, username: &str) -> ConflictKind {
    let it = item(plan, username);
    assert_eq!(it.action, Action::Conflict, "{it:#?}");
    it.conflict.as_ref().expect("conflict details").kind
}

#[test]
fn synced_linked_pair_is_unchanged() {
    let plan = Case::new(vec![dir("jdoe")], vec![ft("jdoe")])
        .link("jdoe", "jdoe")
        .plan();
    let it = item(&plan, "jdoe");
    assert_eq!(it.action, Action::Unchanged);
    assert_eq!(it.matched_by, Some(MatchedBy::Link));
    assert!(!plan.has_changes());
}

#[test]
fn new_directory_user_is_created_with_every_field() {
    let mut case = Case::new(vec![dir("new")], vec![]);
    case.policy.managed_groups.insert("fx".into(), "FX".into());
    case.dir[0].groups = vec![
        "cn=fx,ou=groups,dc=example".into(),
        "cn=other,dc=example".into(),
    ];
    case.groups = vec!["FX"];
    let plan = case.plan();
    let it = item(&plan, "new");
    assert_eq!(it.action, Action::Create);
    let fields: Vec<Field> = it.changes.iter().map(|c| c.field).collect();
    assert_eq!(
        fields,
        [
            Field::Username,
            Field::FirstName,
            Field::LastName,
            Field::Email,
            Field::IsActive
        ]
    );
    assert!(it.changes.iter().all(|c| c.from.is_none()));
    assert_eq!(it.groups.add, vec!["FX"]);
    assert!(plan.groups_to_create.is_empty());
}

#[test]
fn missing_managed_group_is_planned_for_creation() {
    let mut case = Case::new(vec![dir("new")], vec![]);
    case.policy.managed_groups.insert("fx".into(), "FX".into());
    case.dir[0].groups = vec!["fx".into()];
    assert_eq!(case.plan().groups_to_create, vec!["FX"]);
}

#[test]
fn changed_field_is_an_update_with_old_and_new_values() {
    let mut f = ft("jdoe");
    f.last_name = "Smith".into();
    let plan = Case::new(vec![dir("jdoe")], vec![f])
        .link("jdoe", "jdoe")
        .plan();
    let it = item(&plan, "jdoe");
    assert_eq!(it.action, Action::Update);
    assert_eq!(it.changes.len(), 1);
    assert_eq!(it.changes[0].field, Field::LastName);
    assert_eq!(it.changes[0].from, text("Smith"));
    assert_eq!(it.changes[0].to, text("Ljdoe"));
}

#[test]
fn linked_user_with_new_username_is_renamed_not_recreated() {
    let mut d = dir("jane.new");
    d.id = "id-jane".into();
    let mut case = Case::new(vec![d], vec![ft("jane")]);
    case.links.insert("id-jane".into(), "f-jane".into());
    let plan = case.plan();
    assert_eq!(plan.items.len(), 1, "{:#?}", plan.items);
    let it = item(&plan, "jane.new");
    assert_eq!(it.action, Action::Update);
    let rename = it
        .changes
        .iter()
        .find(|c| c.field == Field::Username)
        .expect("rename");
    assert_eq!(
        (rename.from.clone(), rename.to.clone()),
        (text("jane"), text("jane.new"))
    );
}

#[test]
fn rename_onto_an_existing_username_is_a_conflict() {
    let mut d = dir("bob");
    d.id = "id-jane".into();
    d.email = Some("jane@studio.example".into());
    let mut case = Case::new(vec![d], vec![ft("jane"), ft("bob")]);
    case.links.insert("id-jane".into(), "f-jane".into());
    let plan = case.plan();
    let it = plan
        .items
        .iter()
        .find(|i| i.action == Action::Conflict)
        .expect("conflict");
    assert_eq!(
        it.conflict.as_ref().unwrap().kind,
        ConflictKind::UsernameTaken
    );
    // The other ftrack user is not managed, so it is left alone.
    let other = plan
        .items
        .iter()
        .find(|i| i.ftrack.as_ref().is_some_and(|f| f.id == "f-bob") && i.directory.is_none());
    assert_eq!(other.map(|i| i.action), Some(Action::Skip));
}

#[test]
fn same_username_without_link_is_matched_and_will_be_linked() {
    let plan = Case::new(vec![dir("jdoe")], vec![ft("jdoe")]).plan();
    let it = item(&plan, "jdoe");
    assert_eq!(it.action, Action::Unchanged);
    assert_eq!(it.matched_by, Some(MatchedBy::Username));
}

#[test]
fn case_only_difference_is_not_churn_when_insensitive() {
    let mut f = ft("jdoe");
    f.first_name = "FJDoe".into();
    f.last_name = "LJDoe".into();
    let plan = Case::new(vec![dir("JDoe")], vec![f]).plan();
    assert_eq!(
        actions(&plan),
        vec![("JDoe".to_string(), Action::Unchanged)]
    );
}

#[test]
fn case_only_difference_with_ftrack_is_a_conflict_when_sensitive() {
    let mut case = Case::new(vec![dir("JDoe")], vec![ft("jdoe")]);
    case.policy.username_case = UsernameCase::Sensitive;
    let plan = case.plan();
    assert_eq!(kind(&plan, "JDoe"), ConflictKind::CaseOnlyDifference);
    assert_eq!(
        plan.items.len(),
        1,
        "the ftrack user is claimed, not listed again"
    );
}

#[test]
fn disabled_account_deactivates_its_active_ftrack_user() {
    let mut d = dir("leaver");
    d.active = false;
    d.disabled_reason = Some("locked (nsAccountLock: TRUE)".into());
    let plan = Case::new(vec![d], vec![ft("leaver")])
        .link("leaver", "leaver")
        .plan();
    let it = item(&plan, "leaver");
    assert_eq!(it.action, Action::Deactivate);
    assert!(it.reason.as_deref().unwrap().contains("nsAccountLock"));
    assert_eq!(it.changes[0].to, Some(FieldValue::Flag(false)));
}

#[test]
fn disabled_account_already_inactive_is_unchanged() {
    let mut d = dir("gone");
    d.active = false;
    let mut f = ft("gone");
    f.is_active = false;
    let plan = Case::new(vec![d], vec![f]).link("gone", "gone").plan();
    assert_eq!(item(&plan, "gone").action, Action::Unchanged);
}

#[test]
fn disabled_account_without_ftrack_user_is_not_created() {
    let mut d = dir("never");
    d.active = false;
    let plan = Case::new(vec![d], vec![]).plan();
    let it = item(&plan, "never");
    assert_eq!(it.action, Action::Skip);
    assert!(it.reason.as_deref().unwrap().contains("not created"));
}

#[test]
fn missing_users_follow_the_deactivation_policy() {
    let table = [
        (DeactivateMissing::Linked, Action::Deactivate, Action::Skip),
        (
            DeactivateMissing::All,
            Action::Deactivate,
            Action::Deactivate,
        ),
        (DeactivateMissing::Never, Action::Skip, Action::Skip),
    ];
    for (policy, linked_outcome, unlinked_outcome) in table {
        let mut case =
            Case::new(vec![], vec![ft("linked"), ft("stranger")]).link("linked", "linked");
        case.dir.push(dir("someone"));
        case.policy.deactivate_missing = policy;
        let plan = case.plan();
        assert_eq!(item(&plan, "linked").action, linked_outcome, "{policy:?}");
        assert_eq!(
            item(&plan, "stranger").action,
            unlinked_outcome,
            "{policy:?}"
        );
    }
}

#[test]
fn inactive_linked_user_active_in_directory_is_reactivated() {
    let mut f = ft("back");
    f.is_active = false;
    f.first_name = "Old".into();
    let plan = Case::new(vec![dir("back")], vec![f])
        .link("back", "back")
        .plan();
    let it = item(&plan, "back");
    assert_eq!(it.action, Action::Reactivate);
    let fields: Vec<Field> = it.changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, [Field::FirstName, Field::IsActive]);
}

#[test]
fn protected_accounts_are_never_touched() {
    let mut case = Case::new(vec![dir("admin"), dir("x")], vec![ft("api"), ft("admin")]);
    case.dir[0].last_name = Some("Changed".into());
    case.policy.protected_users = vec!["API".into(), "admin".into()];
    case.policy.deactivate_missing = DeactivateMissing::All;
    let plan = case.plan();
    assert_eq!(item(&plan, "api").action, Action::Skip);
    assert_eq!(item(&plan, "admin").action, Action::Skip);
    assert!(
        item(&plan, "admin")
            .reason
            .as_deref()
            .unwrap()
            .contains("protected")
    );
}

#[test]
fn two_entries_with_one_username_are_both_conflicts() {
    let mut b = dir("jdoe");
    b.id = "id-other".into();
    b.dn = "uid=jdoe,ou=contractors,dc=example".into();
    b.email = Some("other@studio.example".into());
    let plan = Case::new(vec![dir("jdoe"), b], vec![]).plan();
    assert_eq!(plan.summary.conflict, 2);
    for it in &plan.items {
        let c = it.conflict.as_ref().unwrap();
        assert_eq!(c.kind, ConflictKind::DuplicateUsername);
        assert_eq!(c.other_entries.len(), 1);
    }
}

#[test]
fn directory_usernames_differing_in_case_are_conflicts() {
    let plan = Case::new(vec![dir("MChen"), dir("mchen")], vec![]).plan();
    assert_eq!(kind(&plan, "MChen"), ConflictKind::CaseOnlyDifference);
    assert_eq!(kind(&plan, "mchen"), ConflictKind::CaseOnlyDifference);
}

#[test]
fn a_case_conflict_names_each_spelling_once_in_the_order_of_the_entries() {
    let mut second = dir("mchen");
    second.id = "id-mchen-2".into();
    second.email = Some("mchen2@studio.example".into());
    let plan = Case::new(
        vec![dir("mchen"), dir("MChen"), second, dir("MCHEN")],
        vec![],
    )
    .plan();
    let reasons: std::collections::BTreeSet<&str> = plan
        .items
        .iter()
        .filter_map(|i| i.reason.as_deref())
        .collect();
    assert_eq!(
        reasons.into_iter().collect::<Vec<_>>(),
        [r#"directory usernames "MCHEN", "MChen" and "mchen" differ only in letter case"#]
    );
}

#[test]
fn linked_entry_keeps_its_username_against_a_newcomer() {
    let mut newcomer = dir("jdoe");
    newcomer.id = "id-newcomer".into();
    newcomer.email = Some("newcomer@studio.example".into());
    let plan = Case::new(vec![dir("jdoe"), newcomer], vec![ft("jdoe")])
        .link("jdoe", "jdoe")
        .plan();
    let by_id = |id: &str| {
        plan.items
            .iter()
            .find(|i| i.directory.as_ref().unwrap().id == id)
            .unwrap()
    };
    assert_eq!(by_id("id-jdoe").action, Action::Unchanged);
    assert_eq!(
        by_id("id-newcomer").conflict.as_ref().unwrap().kind,
        ConflictKind::UsernameTaken
    );
}

#[test]
fn username_of_user_linked_to_a_departed_entry_is_a_conflict() {
    let mut case = Case::new(vec![dir("ppatel")], vec![ft("ppatel")]);
    case.links
        .insert("id-somebody-else".into(), "f-ppatel".into());
    let plan = case.plan();
    assert_eq!(kind(&plan, "ppatel"), ConflictKind::UsernameTaken);
    assert_eq!(
        plan.items.len(),
        1,
        "the ftrack user stays claimed and is not deactivated"
    );
}

#[test]
fn email_of_another_ftrack_user_is_a_conflict() {
    let mut d = dir("new");
    d.email = Some("Freelancer@Studio.example".into());
    let plan = Case::new(vec![d], vec![ft("freelancer")]).plan();
    assert_eq!(kind(&plan, "new"), ConflictKind::EmailTaken);
    let c = item(&plan, "new").conflict.clone().unwrap();
    assert_eq!(c.candidates[0].username, "freelancer");
}

#[test]
fn email_held_in_capitals_by_an_ftrack_user_is_a_conflict() {
    let mut holder = ft("freelancer");
    holder.email = Some("Freelancer@STUDIO.example".into());
    let mut without = ft("service");
    without.email = None;
    let mut d = dir("new");
    d.email = Some("freelancer@studio.example".into());
    let plan = Case::new(vec![d], vec![holder, without]).plan();
    assert_eq!(kind(&plan, "new"), ConflictKind::EmailTaken);
    let c = item(&plan, "new").conflict.clone().unwrap();
    let names: Vec<&str> = c.candidates.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["freelancer"]);
}

#[test]
fn one_new_email_for_two_entries_is_a_conflict_for_both() {
    let mut a = dir("a");
    let mut b = dir("b");
    a.email = Some("shared@studio.example".into());
    b.email = Some("SHARED@studio.example".into());
    let plan = Case::new(vec![a, b], vec![]).plan();
    assert_eq!(kind(&plan, "a"), ConflictKind::EmailTaken);
    assert_eq!(kind(&plan, "b"), ConflictKind::EmailTaken);
}

#[test]
fn missing_and_invalid_values_are_conflicts() {
    let mut no_mail = dir("nomail");
    no_mail.email = None;
    let mut spaced = dir("anna k");
    spaced.id = "id-anna".into();
    let mut bad_mail = dir("badmail");
    bad_mail.email = Some("not-an-address".into());
    let mut unreadable = dir("unreadable");
    unreadable.problems = vec!["email (mail) is not readable text".into()];
    let mut no_name = dir("x");
    no_name.username = None;
    let plan = Case::new(vec![no_mail, spaced, bad_mail, unreadable, no_name], vec![]).plan();
    assert_eq!(kind(&plan, "nomail"), ConflictKind::MissingValue);
    assert_eq!(kind(&plan, "anna k"), ConflictKind::InvalidValue);
    assert_eq!(kind(&plan, "badmail"), ConflictKind::InvalidValue);
    assert_eq!(kind(&plan, "unreadable"), ConflictKind::InvalidValue);
    let nameless = plan.items.iter().find(|i| i.username.is_empty()).unwrap();
    assert_eq!(
        nameless.conflict.as_ref().unwrap().kind,
        ConflictKind::MissingValue
    );
}

#[test]
fn shared_identity_is_a_conflict() {
    let mut b = dir("b");
    b.id = "id-a".into();
    let plan = Case::new(vec![dir("a"), b], vec![]).plan();
    assert_eq!(kind(&plan, "a"), ConflictKind::DuplicateIdentity);
    assert_eq!(kind(&plan, "b"), ConflictKind::DuplicateIdentity);
}

#[test]
fn managed_groups_are_added_and_removed_others_untouched() {
    let mut case = Case::new(vec![dir("mover")], vec![ft("mover")]).link("mover", "mover");
    case.policy
        .managed_groups
        .insert("lighting".into(), "Lighting".into());
    case.policy
        .managed_groups
        .insert("cn=comp,ou=groups,dc=example".into(), "Compositing".into());
    case.groups = vec!["Lighting", "Compositing", "Clients"];
    case.dir[0].groups = vec!["cn=comp,ou=groups,dc=example".into()];
    case.ftrack[0].groups = vec!["Lighting".into(), "Clients".into()];
    let plan = case.plan();
    let it = item(&plan, "mover");
    assert_eq!(it.action, Action::Update);
    assert_eq!(it.groups.add, vec!["Compositing"]);
    assert_eq!(it.groups.remove, vec!["Lighting"]);
    assert!(it.changes.is_empty());
}

/// `n` linked users who are all in Lighting in ftrack and in no group in the directory.
fn leaving_lighting(n: usize) -> Case {
    let names: Vec<String> = (0..n).map(|i| format!("u{i:02}")).collect();
    let mut case = Case::new(
        names.iter().map(|u| dir(u)).collect(),
        names.iter().map(|u| ft(u)).collect(),
    );
    for u in &names {
        case = case.link(u, u);
    }
    case.policy
        .managed_groups
        .insert("lighting".into(), "Lighting".into());
    case.groups = vec!["Lighting"];
    for user in &mut case.ftrack {
        user.groups = vec!["Lighting".into()];
    }
    case
}

#[test]
fn an_incomplete_read_removes_no_membership_but_still_adds() {
    let mut case = leaving_lighting(2);
    case.policy
        .managed_groups
        .insert("comp".into(), "Compositing".into());
    case.dir[0].groups = vec!["comp".into()];
    case.incomplete = true;
    let plan = case.plan();
    assert_eq!(item(&plan, "u00").groups.add, ["Compositing"]);
    assert!(item(&plan, "u00").groups.remove.is_empty());
    assert_eq!(
        item(&plan, "u01").action,
        Action::Unchanged,
        "nothing but a removal"
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("no managed group membership is removed"))
    );
    assert_eq!(
        plan.incomplete_read,
        [crate::reconcile::compute::INCOMPLETE_READ_WARNING],
        "the planner's own line is kept apart from the other warnings"
    );
    // Read whole, the same directory takes both out of Lighting.
    case.incomplete = false;
    let whole = case.plan();
    assert_eq!(whole.summary.update, 2);
    assert!(whole.incomplete_read.is_empty());
}

#[test]
fn taking_many_users_out_of_managed_groups_is_capped_like_deactivations() {
    let mut case = leaving_lighting(30);
    case.policy.max_deactivate = crate::reconcile::policy::MaxDeactivate::Count(25);
    let plan = case.plan();
    let blocked = plan.blocked.as_deref().expect("over the limit");
    assert!(
        blocked
            .contains("30 users would lose managed group memberships, over the safety limit of 25"),
        "{blocked}"
    );
    let mut fewer = leaving_lighting(25);
    fewer.policy.max_deactivate = crate::reconcile::policy::MaxDeactivate::Count(25);
    assert_eq!(fewer.plan().blocked, None);
}

#[test]
fn scope_limits_users_and_never_deactivates_outside_it() {
    let mut case =
        Case::new(vec![dir("a"), dir("b"), dir("c")], vec![ft("gone")]).link("gone", "gone");
    case.scope.only_users = vec!["B".into()];
    let plan = case.plan();
    assert_eq!(item(&plan, "b").action, Action::Create);
    for name in ["a", "c", "gone"] {
        let it = item(&plan, name);
        assert_eq!(it.action, Action::Skip, "{name}");
        assert!(it.reason.as_deref().unwrap().contains("--only-user"));
    }
}

#[test]
fn a_paired_user_whose_entry_lost_its_email_is_a_conflict_naming_its_ftrack_user() {
    let mut entry = dir("a");
    entry.email = None;
    let plan = Case::new(vec![entry], vec![ft("a")]).link("a", "a").plan();
    let conflict = item(&plan, "a");
    assert_eq!(conflict.action, Action::Conflict);
    assert_eq!(conflict.matched_by, Some(MatchedBy::Link));
    assert_eq!(conflict.ftrack.as_ref().unwrap().id, "f-a");
}

#[test]
fn a_filtered_read_never_deactivates_users_it_did_not_read() {
    let mut case = Case::new(vec![dir("a")], vec![ft("a"), ft("gone")])
        .link("a", "a")
        .link("gone", "gone");
    let plan = case.plan();
    assert_eq!(item(&plan, "gone").action, Action::Deactivate);
    case.scope.ldap_filter = Some("(departmentNumber=fx)".into());
    // One entry read where the last full run saw ten: expected of a filter, so not blocked.
    case.policy.previous_directory_count = Some(10);
    let plan = case.plan();
    let gone = item(&plan, "gone");
    assert_eq!(gone.action, Action::Skip);
    assert!(gone.reason.as_deref().unwrap().contains("--ldap-filter"));
    assert_eq!(item(&plan, "a").action, Action::Unchanged);
    assert_eq!(plan.blocked, None);
}

#[test]
fn scope_by_group_and_first_n() {
    let mut case = Case::new(vec![dir("c"), dir("a"), dir("b"), dir("d")], vec![]);
    for d in &mut case.dir[..3] {
        d.groups = vec!["cn=FX,ou=groups,dc=example".into()];
    }
    case.scope.only_groups = vec!["fx".into()];
    case.scope.limit = Some(2);
    let plan = case.plan();
    let created: Vec<&str> = plan
        .items
        .iter()
        .filter(|i| i.action == Action::Create)
        .map(|i| i.username.as_str())
        .collect();
    assert_eq!(created, ["a", "b"]);
    assert_eq!(plan.summary.skip, 2);
}

#[test]
fn operation_switches_turn_changes_into_skips() {
    let mut f = ft("upd");
    f.last_name = "Old".into();
    let mut case = Case::new(vec![dir("new"), dir("upd")], vec![f, ft("gone")])
        .link("upd", "upd")
        .link("gone", "gone");
    case.scope.no_create = true;
    case.scope.no_update = true;
    case.scope.no_deactivate = true;
    let plan = case.plan();
    assert_eq!(plan.summary.skip, 3);
    assert!(!plan.has_changes());
    assert!(
        item(&plan, "new")
            .reason
            .as_deref()
            .unwrap()
            .contains("--no-create")
    );
    assert!(
        item(&plan, "upd")
            .reason
            .as_deref()
            .unwrap()
            .contains("--no-update")
    );
    assert!(
        item(&plan, "gone")
            .reason
            .as_deref()
            .unwrap()
            .contains("--no-deactivate")
    );
}

#[test]
fn too_many_deactivations_block_the_plan() {
    let mut case = Case::new(
        vec![dir("stay")],
        vec![ft("stay"), ft("a"), ft("b"), ft("c")],
    )
    .link("a", "a")
    .link("b", "b")
    .link("c", "c");
    case.policy.max_deactivate = MaxDeactivate::Count(2);
    let blocked = case.plan().blocked.expect("blocked");
    assert!(
        blocked.contains("3 deactivations exceed the safety limit of 2"),
        "{blocked}"
    );
    case.policy.max_deactivate = MaxDeactivate::Percent(75.0);
    assert_eq!(case.plan().blocked, None);
    case.policy.max_deactivate = MaxDeactivate::Percent(50.0);
    assert!(case.plan().blocked.is_some());
}

#[test]
fn empty_or_shrunken_directory_blocks_the_plan() {
    let empty = Case::new(vec![], vec![ft("a")]).link("a", "a");
    assert!(empty.plan().blocked.unwrap().contains("no users"));
    let mut shrunk = Case::new(vec![dir("a")], vec![ft("a")]);
    shrunk.policy.previous_directory_count = Some(10);
    assert!(shrunk.plan().blocked.unwrap().contains("far fewer"));
    shrunk.policy.previous_directory_count = Some(2);
    assert_eq!(shrunk.plan().blocked, None);
}

#[test]
fn incomplete_read_never_deactivates_missing_users() {
    let mut disabled = dir("locked");
    disabled.active = false;
    let mut case = Case::new(vec![disabled], vec![ft("locked"), ft("missing")])
        .link("locked", "locked")
        .link("missing", "missing");
    case.incomplete = true;
    let plan = case.plan();
    assert_eq!(item(&plan, "missing").action, Action::Skip);
    assert!(
        item(&plan, "missing")
            .reason
            .as_deref()
            .unwrap()
            .contains("incomplete")
    );
    assert_eq!(
        item(&plan, "locked").action,
        Action::Deactivate,
        "a disabled account is positive evidence"
    );
    assert!(plan.warnings.iter().any(|w| w.contains("incomplete")));
}

#[test]
fn items_are_ordered_by_action_then_username() {
    let mut f = ft("b-upd");
    f.last_name = "x".into();
    let plan = Case::new(
        vec![dir("z-new"), dir("a-new"), dir("b-upd")],
        vec![f, ft("gone")],
    )
    .link("gone", "gone")
    .plan();
    let order: Vec<(String, Action)> = actions(&plan);
    assert_eq!(
        order,
        vec![
            ("a-new".to_string(), Action::Create),
            ("z-new".to_string(), Action::Create),
            ("b-upd".to_string(), Action::Update),
            ("gone".to_string(), Action::Deactivate),
        ]
    );
}
