//! Safety checks on a whole plan and the per-run operation switches (--no-create, ...).

use super::plan::{Action, Plan, PlanItem, Summary};
use super::policy::{Policy, Scope};
use crate::model::DirectorySnapshot;

/// A directory read this much smaller than the previous run's is treated as suspect.
const SHRINK_RATIO: f64 = 0.5;

/// Turns creates, updates/reactivations or deactivations into skips when the run turned them off.
pub fn apply_operation_switches(items: &mut [PlanItem], scope: &Scope) {
    if !(scope.no_create || scope.no_update || scope.no_deactivate) {
        return;
    }
    for item in items.iter_mut() {
        let flag = match item.action {
            Action::Create if scope.no_create => "--no-create",
            Action::Update | Action::Reactivate if scope.no_update => "--no-update",
            Action::Deactivate if scope.no_deactivate => "--no-deactivate",
            _ => continue,
        };
        item.skip_because(
            super::plan::SkipKind::OutOfScope,
            format!("{} turned off for this run ({flag})", item.action.name()),
        );
    }
}

/// Why unattended apply must refuse the plan, or `None`; `active_ftrack_users` is the number
/// of active ftrack users, from which a percentage `max_deactivate` is taken.
///
/// A read narrowed by `--ldap-filter` is expected to be smaller than the last full one, and
/// deactivates nobody missing from it, so it is not compared with the last run's size.
pub fn check_safety(
    plan: &Plan,
    directory: &DirectorySnapshot,
    active_ftrack_users: usize,
    policy: &Policy,
    scope: &Scope,
) -> Option<String> {
    let mut reasons = Vec::new();
    let Summary { deactivate, .. } = plan.summary;
    // A read of changes only is expected to be small, and may be empty when nothing changed.
    let whole = directory.read.is_whole();
    let empty = whole && directory.users.is_empty();
    if empty && deactivate > 0 {
        reasons.push(format!(
            "the directory returned no users, yet {} planned; check the base DN, filter and bind account",
            counted(deactivate, "deactivation is", "deactivations are")
        ));
    } else if empty {
        reasons.push(
            "the directory returned no users; check the base DN, filter and bind account"
                .to_string(),
        );
    }
    if let Some(previous) = policy
        .previous_directory_count
        .filter(|_| scope.ldap_filter.is_none() && whole)
    {
        let now = directory.users.len();
        if previous > 0 && (now as f64) < (previous as f64) * SHRINK_RATIO {
            reasons.push(format!(
                "the directory returned {now} users, far fewer than the {previous} of the previous run (if it really shrank, remove last-run.json from the state directory to accept the new size)"
            ));
        }
    }
    // Every kind of destructive change is counted and capped on its own by the same limit.
    let limit = policy.max_deactivate.limit(active_ftrack_users);
    if deactivate as u64 > limit {
        reasons.push(format!(
            "{} the safety limit of {limit} (max_deactivate = {})",
            counted(deactivate, "deactivation exceeds", "deactivations exceed"),
            policy.max_deactivate
        ));
    }
    let losing = users_losing_memberships(plan);
    if losing as u64 > limit {
        reasons.push(format!(
            "{} managed group memberships, over the safety limit of {limit} (max_deactivate = {}); check the group search and the directory's memberships",
            counted(losing, "user would lose", "users would lose"),
            policy.max_deactivate
        ));
    }
    let losing = users_losing_roles(plan);
    if losing as u64 > limit {
        reasons.push(format!(
            "{} a security role or project access, over the safety limit of {limit} (max_deactivate = {}); check the role rules and the directory's memberships",
            counted(losing, "user would lose", "users would lose"),
            policy.max_deactivate
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// How many users the plan takes a managed security role or project access from.
pub fn users_losing_roles(plan: &Plan) -> usize {
    plan.items
        .iter()
        .filter(|i| i.action.is_change() && i.roles.iter().any(|r| r.takes_away()))
        .count()
}

/// How many users the plan takes out of at least one managed group.
pub fn users_losing_memberships(plan: &Plan) -> usize {
    plan.items
        .iter()
        .filter(|i| i.action.is_change() && !i.groups.remove.is_empty())
        .count()
}

/// True when a run's directory size may become the baseline of the next run's shrink check:
/// only a run that read and considered the whole directory, could deactivate who is missing from it,
/// and whose plan no safety rule blocked. A scoped, `--no-deactivate` or blocked run must
/// never lower it, or the next unattended run would take a shrunken directory for normal.
pub fn sets_size_baseline(plan: &Plan, scope: &Scope) -> bool {
    plan.blocked.is_none()
        && !scope.narrows_users()
        && !scope.no_deactivate
        && plan.directory_read.is_whole()
}

/// `n` with the words for one or for several: "1 deactivation is", "3 deactivations are".
fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
