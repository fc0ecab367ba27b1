//! A managed group the directory read did not find holds back removals from its ftrack group.

use super::fixtures::{Case, dir, ft, item};
use crate::reconcile::Plan;
use crate::reconcile::missing_groups::MissingGroup;
use crate::reconcile::plan::Action;

const LIGHTING: &str = "cn=lighting,ou=groups,dc=example";
const COMP: &str = "cn=comp,ou=groups,dc=example";

/// ann and bob, linked, in Lighting in ftrack; ann is in comp in the directory, nobody in
/// lighting. `found`: what the group search found (`None`: no group search).
fn studio(found: Option<&[&str]>) -> Case {
    let mut case = Case::new(vec![dir("ann"), dir("bob")], vec![ft("ann"), ft("bob")])
        .link("ann", "ann")
        .link("bob", "bob");
    let managed = &mut case.policy.managed_groups;
    managed.insert(LIGHTING.into(), "Lighting".into());
    managed.insert("comp".into(), "Compositing".into());
    case.groups = vec!["Lighting", "Compositing"];
    for user in &mut case.ftrack {
        user.groups = vec!["Lighting".into()];
    }
    case.dir[0].groups = vec![COMP.into()];
    case.groups_found = found.map(|f| f.iter().map(|g| g.to_string()).collect());
    case
}

fn missing_lighting() -> Vec<MissingGroup> {
    vec![MissingGroup {
        directory: LIGHTING.into(),
        ftrack: "Lighting".into(),
    }]
}

#[test]
fn a_managed_group_the_group_search_did_not_find_loses_nobody() {
    let plan = studio(Some(&[COMP])).plan();
    let ann = item(&plan, "ann");
    assert_eq!(ann.action, Action::Update);
    assert_eq!(ann.groups.add, ["Compositing"], "found groups still add");
    assert!(ann.groups.remove.is_empty(), "{:?}", ann.groups);
    assert_eq!(item(&plan, "bob").action, Action::Unchanged);
    assert_eq!(plan.missing_groups, missing_lighting());
    let warned = plan.warnings.iter().any(|w| {
        w.contains("managed groups not found in the directory")
            && w.contains(LIGHTING)
            && w.contains("\"Lighting\"")
    });
    assert!(warned, "{:?}", plan.warnings);
    assert!(plan.blocked.is_none(), "{:?}", plan.blocked);
}

#[test]
fn a_group_found_empty_or_a_read_without_group_search_removes_its_members() {
    for found in [Some(&[COMP, "CN=Lighting, OU=Groups,DC=example"][..]), None] {
        let plan = studio(found).plan();
        assert!(plan.missing_groups.is_empty(), "{found:?}");
        assert_eq!(item(&plan, "ann").groups.remove, ["Lighting"], "{found:?}");
        assert_eq!(item(&plan, "bob").groups.remove, ["Lighting"], "{found:?}");
    }
}

#[test]
fn a_group_a_user_lists_counts_as_found_though_the_search_missed_it() {
    let mut case = studio(Some(&[COMP]));
    case.dir[0].groups.push(LIGHTING.into());
    let plan = case.plan();
    assert!(plan.missing_groups.is_empty());
    assert!(item(&plan, "ann").groups.remove.is_empty());
    assert_eq!(item(&plan, "bob").groups.remove, ["Lighting"]);
}

#[test]
fn missing_groups_are_in_the_json_plan_and_older_plans_still_read() {
    let plan = studio(Some(&[COMP])).plan();
    let mut json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["missing_groups"][0]["directory"], LIGHTING);
    assert_eq!(json["missing_groups"][0]["ftrack"], "Lighting");
    json.as_object_mut().unwrap().remove("missing_groups");
    let older: Plan = serde_json::from_value(json).unwrap();
    assert!(older.missing_groups.is_empty());
    let whole = studio(None).plan();
    let json = serde_json::to_value(&whole).unwrap();
    assert!(json.get("missing_groups").is_none(), "left out when empty");
}
