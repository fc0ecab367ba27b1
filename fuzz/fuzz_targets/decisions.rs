//! A decisions file (`apply --decisions FILE`) on arbitrary bytes: what `apply` checks in it,
//! the standing decisions it keeps in the state directory (which read back the same), and
//! the demo studio planned and approved with it.
#![no_main]

use fixtures::demo;
use ldap2ftrack::reconcile::Scope;
use ldap2ftrack::reconcile::conflict::check_username;
use ldap2ftrack::reconcile::decision::{
    Approval, DECISIONS_FORMAT_VERSION, Decision, Decisions, approve, plan_with_decisions,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(given) = serde_json::from_slice::<Decisions>(data) else {
        return;
    };
    if given.format_version != DECISIONS_FORMAT_VERSION {
        return;
    }
    let renames_usable = given.decisions.values().all(|d| match d {
        Decision::Rename { username } => check_username(username).is_ok(),
        _ => true,
    });
    if !renames_usable {
        return;
    }
    let decisions = Decisions::default().overlaid(&given);
    let standing = decisions.standing();
    let kept = serde_json::to_vec(&standing).expect("decisions serialise");
    let read_back: Decisions = serde_json::from_slice(&kept).expect("kept decisions read back");
    assert_eq!(read_back, standing);
    let demo = demo();
    let plan = plan_with_decisions(
        &demo.directory,
        &demo.ftrack,
        &demo.links,
        &demo.policy,
        &Scope::default(),
        &decisions,
    );
    let approved = approve(plan, &decisions, Approval::Explicit);
    for (i, item) in approved.plan.items.iter().enumerate() {
        assert!(
            !approved.approved[i] || item.action.is_change(),
            "only changes are approved: {item:?}"
        );
    }
});
