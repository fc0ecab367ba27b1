//! User custom attributes from the directory: changes on updates and creates, absent values
//! left alone, keys ftrack cannot take warned about and never written, untouchable users.

use super::fixtures::{Case, dir, ft, item};
use crate::custom::CustomAttribute;
use crate::model::FtrackSnapshot;
use crate::reconcile::custom::CustomChange;
use crate::reconcile::plan::Action;
use crate::reconcile::policy::Scope;
use crate::reconcile::simulate::apply_in_memory;
use std::collections::BTreeMap;

fn attribute(key: &str, kind: &str) -> CustomAttribute {
    CustomAttribute {
        id: format!("conf-{key}"),
        key: key.to_string(),
        label: String::new(),
        kind: kind.to_string(),
    }
}

/// Key and value pairs.
type Pairs<'a> = &'a [(&'a str, &'a str)];

fn values(pairs: Pairs) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn change(key: &str, from: Option<&str>, to: &str) -> CustomChange {
    CustomChange {
        key: key.to_string(),
        from: from.map(str::to_string),
        to: to.to_string(),
    }
}

/// ann exists and is linked, cy is new. ftrack has text attributes phone and locale and a
/// number attribute employee_id; the mapping also names fax, which ftrack lacks.
fn studio() -> Case {
    let mut case = Case::new(vec![dir("ann"), dir("cy")], vec![ft("ann")]).link("ann", "ann");
    case.custom_attributes = vec![
        attribute("phone", "text"),
        attribute("locale", "text"),
        attribute("employee_id", "number"),
        attribute("department", "text"),
    ];
    case.policy.custom_attributes = ["phone", "locale", "employee_id", "fax"]
        .map(String::from)
        .to_vec();
    case
}

#[test]
fn only_configured_keys_that_differ_become_changes_of_an_update() {
    let cases: &[(Pairs, Pairs, &[CustomChange])] = &[
        // In sync: nothing to do.
        (&[("phone", "1")], &[("phone", "1")], &[]),
        // A different value, and a value ftrack lacks.
        (
            &[("phone", "2"), ("locale", "sv")],
            &[("phone", "1")],
            &[
                change("phone", Some("1"), "2"),
                change("locale", None, "sv"),
            ],
        ),
        // The directory lacks it: ftrack's value stays, even an empty one.
        (&[], &[("phone", "1"), ("locale", "")], &[]),
        // Values compare exactly: case is not folded.
        (
            &[("locale", "SV")],
            &[("locale", "sv")],
            &[change("locale", Some("sv"), "SV")],
        ),
        // An unconfigured key ftrack holds is never compared.
        (
            &[("phone", "1")],
            &[("phone", "1"), ("department", "fx")],
            &[],
        ),
    ];
    for (directory, ftrack, expected) in cases {
        let mut case = studio();
        case.dir[0].custom = values(directory);
        case.ftrack[0].custom = values(ftrack);
        let plan = case.plan();
        let ann = item(&plan, "ann");
        assert_eq!(ann.custom, *expected, "{directory:?} against {ftrack:?}");
        let action = if expected.is_empty() {
            Action::Unchanged
        } else {
            Action::Update
        };
        assert_eq!(ann.action, action, "{directory:?} against {ftrack:?}");
        assert!(ann.changes.is_empty());
    }
}

#[test]
fn a_new_user_gets_every_value_the_directory_has() {
    let mut case = studio();
    case.dir[1].custom = values(&[("locale", "en"), ("phone", "3")]);
    let plan = case.plan();
    let cy = item(&plan, "cy");
    assert_eq!(cy.action, Action::Create);
    assert_eq!(
        cy.custom,
        [change("phone", None, "3"), change("locale", None, "en")]
    );
}

#[test]
fn keys_ftrack_cannot_take_are_warned_about_and_never_written() {
    let mut case = studio();
    case.dir[0].custom = values(&[("employee_id", "42"), ("fax", "5"), ("phone", "1")]);
    case.dir[1].custom = values(&[("employee_id", "43")]);
    let plan = case.plan();
    let ann = item(&plan, "ann");
    assert_eq!(ann.custom, [change("phone", None, "1")]);
    assert_eq!(ann.action, Action::Update, "not a conflict");
    let cy = item(&plan, "cy");
    assert_eq!((cy.action, cy.custom.len()), (Action::Create, 0));
    let about = |key: &str| {
        plan.warnings
            .iter()
            .filter(|w| w.starts_with(&format!("custom attribute \"{key}\": ")))
            .count()
    };
    assert_eq!(
        (about("employee_id"), about("fax"), about("phone")),
        (1, 1, 0)
    );
    assert!(
        plan.warnings.iter().any(|w| w.contains("\"number\"")),
        "{:?}",
        plan.warnings
    );
    // Without configurations read (an old snapshot), every key is warned about.
    let mut unread = studio();
    unread.custom_attributes.clear();
    assert_eq!(unread.plan().warnings.len(), 4);
    // Without [mapping.custom], nothing is said.
    let mut unconfigured = studio();
    unconfigured.policy.custom_attributes.clear();
    assert!(unconfigured.plan().warnings.is_empty());
}

#[test]
fn protected_service_and_held_back_users_get_no_custom_changes() {
    let mut case = studio();
    case.dir[0].custom = values(&[("phone", "9")]);
    case.dir[1].custom = values(&[("phone", "8")]);
    case.policy.protected_users = vec!["ann".into()];
    case.scope = Scope {
        no_create: true,
        ..Scope::default()
    };
    let plan = case.plan();
    for username in ["ann", "cy"] {
        let it = item(&plan, username);
        assert_eq!(
            (it.action, it.custom.len()),
            (Action::Skip, 0),
            "{username}"
        );
    }
    let mut service = studio();
    service.dir[0].custom = values(&[("phone", "9")]);
    service.ftrack[0].user_type = Some("service".into());
    let ann = item(&service.plan(), "ann").clone();
    assert_eq!((ann.action, ann.custom.len()), (Action::Skip, 0));
}

#[test]
fn a_disabled_entry_is_deactivated_without_its_values_and_a_returning_one_gets_them() {
    let mut case = studio();
    case.dir[0].custom = values(&[("phone", "9")]);
    case.dir[0].active = false;
    let plan = case.plan();
    let ann = item(&plan, "ann");
    assert_eq!((ann.action, ann.custom.len()), (Action::Deactivate, 0));
    let mut back = studio();
    back.dir[0].custom = values(&[("phone", "9")]);
    back.ftrack[0].is_active = false;
    let ann = item(&back.plan(), "ann").clone();
    assert_eq!(ann.action, Action::Reactivate);
    assert_eq!(ann.custom, [change("phone", None, "9")]);
}

#[test]
fn applying_the_values_then_planning_again_leaves_nothing() {
    let mut case = studio();
    case.dir[0].custom = values(&[("phone", "2"), ("locale", "sv")]);
    case.dir[1].custom = values(&[("phone", "3")]);
    case.ftrack[0].custom = values(&[("phone", "1")]);
    let first = case.plan();
    assert!(first.has_changes());
    let (_, mut ftrack): (_, FtrackSnapshot) = case.snapshots();
    let mut links = case.links.clone();
    apply_in_memory(&first, &mut ftrack, &mut links);
    case.ftrack = ftrack.users;
    case.links = links;
    let again = case.plan();
    assert!(!again.has_changes(), "{:#?}", again.items);
    let json = serde_json::to_value(item(&first, "ann")).unwrap();
    assert_eq!(
        json["custom"],
        serde_json::json!([
            {"key": "phone", "from": "1", "to": "2"},
            {"key": "locale", "from": null, "to": "sv"}
        ])
    );
    let unchanged = serde_json::to_value(item(&again, "ann")).unwrap();
    assert!(unchanged.get("custom").is_none(), "left out when empty");
}

#[test]
fn changes_read_like_field_changes() {
    assert_eq!(
        change("phone", Some("1"), "2").to_string(),
        "phone: \"1\" -> \"2\""
    );
    assert_eq!(
        change("locale", None, "sv").to_string(),
        "locale: (none) -> \"sv\""
    );
}
