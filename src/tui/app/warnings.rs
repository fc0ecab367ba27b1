//! The plan's warnings as the console shows them: each with its kind, most important first.
//! The kinds come from the plan's typed fields, so that what a warning holds back is known
//! without reading its words.

use crate::reconcile::Plan;
use crate::reconcile::missing_groups::{missing_role_warning, missing_warning};

/// What a warning is about. The order ranks them: an incomplete read first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum WarningKind {
    /// The directory read was incomplete: nobody missing from it is deactivated and no
    /// managed group membership is removed this run.
    IncompleteRead,
    /// Only the entries changed since the watermark were read: nobody is deactivated.
    ChangesOnly,
    /// Managed groups the read did not find: nobody is removed from their ftrack groups.
    MissingGroups,
    /// Role rules whose group the read did not find: nobody loses those roles.
    MissingRoleGroups,
    /// Anything else the admin should know (TLS, referrals, custom attributes, ...).
    Other,
}

impl WarningKind {
    /// True when the warning holds changes back: committing does less than the directory
    /// alone would ask for.
    pub fn holds_back(self) -> bool {
        self != Self::Other
    }
}

/// One warning of the plan, in the plan's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanWarning {
    pub kind: WarningKind,
    pub text: String,
}

/// The plan's warnings, most important first; within a kind, in the plan's order.
pub(crate) fn ranked(plan: &Plan) -> Vec<PlanWarning> {
    let groups = missing_warning(&plan.missing_groups);
    let roles = missing_role_warning(&plan.missing_role_groups);
    let kind_of = |text: &String| {
        if plan.incomplete_read.contains(text) {
            WarningKind::IncompleteRead
        } else if groups.as_ref() == Some(text) {
            WarningKind::MissingGroups
        } else if roles.as_ref() == Some(text) {
            WarningKind::MissingRoleGroups
        } else {
            WarningKind::Other
        }
    };
    let mut warnings: Vec<PlanWarning> = plan
        .warnings
        .iter()
        .map(|text| PlanWarning {
            kind: kind_of(text),
            text: text.clone(),
        })
        .collect();
    warnings.extend(read_kind(plan));
    warnings.sort_by_key(|w| w.kind);
    warnings
}

/// Which kind of directory read the plan comes from, when it is not a plain full read.
fn read_kind(plan: &Plan) -> Option<PlanWarning> {
    let read = &plan.directory_read;
    let kind = match (read.is_plain(), read.is_whole()) {
        (true, _) => return None,
        (false, true) => WarningKind::Other,
        (false, false) => WarningKind::ChangesOnly,
    };
    Some(PlanWarning {
        kind,
        text: read.describe(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReadScope;
    use crate::reconcile::missing_groups::{MissingGroup, MissingRoleGroup};

    #[test]
    fn an_incomplete_read_outranks_missing_groups_and_the_rest_keep_their_order() {
        let mut plan = Plan::new(Vec::new(), Default::default());
        plan.missing_groups = vec![MissingGroup {
            directory: "cn=gone".into(),
            ftrack: "Gone".into(),
        }];
        plan.missing_role_groups = vec![MissingRoleGroup {
            directory: "cn=leads".into(),
            role: "Supervisor".into(),
        }];
        plan.incomplete_read = vec!["a page failed".into()];
        plan.warnings = vec![
            "TLS verification is off".into(),
            missing_role_warning(&plan.missing_role_groups).unwrap(),
            missing_warning(&plan.missing_groups).unwrap(),
            "a page failed".into(),
            "a referral was not followed".into(),
        ];
        let ranked = ranked(&plan);
        let kinds: Vec<WarningKind> = ranked.iter().map(|w| w.kind).collect();
        assert_eq!(
            kinds,
            [
                WarningKind::IncompleteRead,
                WarningKind::MissingGroups,
                WarningKind::MissingRoleGroups,
                WarningKind::Other,
                WarningKind::Other,
            ]
        );
        assert_eq!(ranked[3].text, "TLS verification is off");
        assert_eq!(ranked[4].text, "a referral was not followed");
        assert_eq!(ranked.iter().filter(|w| w.kind.holds_back()).count(), 3);
    }

    #[test]
    fn a_read_of_changes_is_a_warning_that_holds_deactivations_back() {
        let mut plan = Plan::new(Vec::new(), Default::default());
        assert!(ranked(&plan).is_empty(), "a plain full read says nothing");
        plan.directory_read = ReadScope::Full {
            why: Some("no watermark yet".into()),
        };
        let full = ranked(&plan);
        assert_eq!(full[0].kind, WarningKind::Other);
        assert_eq!(full[0].text, "full directory read (no watermark yet)");
        plan.directory_read = ReadScope::Changed {
            marker: "modifyTimestamp".into(),
            since: "2026-12-02T10:00:00Z".into(),
        };
        plan.warnings = vec!["TLS verification is off".into()];
        let changed = ranked(&plan);
        assert_eq!(changed[0].kind, WarningKind::ChangesOnly);
        assert!(changed[0].kind.holds_back());
        assert!(
            changed[0].text.contains("nobody is deactivated"),
            "{}",
            changed[0].text
        );
    }
}
