//! `compute_plan`: from a directory snapshot, an ftrack snapshot, links and policy to a [`Plan`].

use super::claims::{Resolution, resolve_pairings};
use super::conflict::{check_values, info};
use super::custom::CustomPlanner;
use super::diff::{GroupMapper, activity_change, create_changes, field_changes};
use super::grace::{Absence, MissingMarks, next_marks};
use super::identity::{FtrackIndex, UsernameRule, fold};
use super::missing_groups::{
    MissingGroup, MissingRoleGroup, find_missing, find_missing_role_groups, missing_role_warning,
    missing_warning,
};
use super::needs::link_needs;
use super::plan::{
    Action, ConflictInfo, ConflictKind, DirectoryRef, FtrackRef, GroupChanges, Inputs, MatchedBy,
    Plan, PlanItem, SkipKind,
};
use super::policy::{DeactivateMissing, Policy, Scope};
use super::roles::RolePlanner;
use super::safety::{apply_operation_switches, check_safety};
use super::scope::ScopeFilter;
use super::seats::hold_over_limit;
use super::uniqueness::settle_unique_values;
use crate::ids::{ItemKey, Username};
use crate::model::{
    DirectorySnapshot, DirectoryUser, FtrackGroup, FtrackSnapshot, FtrackUser, Links,
};
use std::collections::{BTreeSet, HashSet};

/// The plan's warning when the directory read was incomplete.
pub const INCOMPLETE_READ_WARNING: &str = "the directory read was incomplete (a page failed, a server limit was hit or the group search found no groups): users missing from it are not deactivated and no managed group membership is removed this run";

/// Computes what a run would change. Pure: the same inputs always give the same plan.
pub fn compute_plan(
    directory: &DirectorySnapshot,
    ftrack: &FtrackSnapshot,
    links: &Links,
    policy: &Policy,
    scope: &Scope,
) -> Plan {
    let planner = Planner::new(directory, ftrack, links, policy, scope);
    planner.run()
}

struct Planner<'a> {
    directory: &'a DirectorySnapshot,
    ftrack: &'a FtrackSnapshot,
    links: &'a Links,
    policy: &'a Policy,
    index: FtrackIndex<'a>,
    groups: GroupMapper,
    /// Managed groups the read did not find; nobody leaves their ftrack groups this run.
    missing_groups: Vec<MissingGroup>,
    /// Role rules whose group the read did not find; nobody loses their roles this run.
    missing_role_groups: Vec<MissingRoleGroup>,
    roles: RolePlanner<'a>,
    custom: CustomPlanner<'a>,
    scope: ScopeFilter<'a>,
    limit: Option<usize>,
    operations: &'a Scope,
    protected: HashSet<String>,
}

impl<'a> Planner<'a> {
    fn new(
        directory: &'a DirectorySnapshot,
        ftrack: &'a FtrackSnapshot,
        links: &'a Links,
        policy: &'a Policy,
        scope: &'a Scope,
    ) -> Self {
        let groups = GroupMapper::new(&policy.managed_groups);
        let mut roles = RolePlanner::new(&policy.roles, ftrack);
        let missing_role_groups = find_missing_role_groups(&roles, directory);
        roles.hold_losses(missing_role_groups.iter().map(|m| m.role.clone()));
        Self {
            directory,
            ftrack,
            links,
            policy,
            index: FtrackIndex::new(ftrack, links, UsernameRule(policy.username_case)),
            missing_groups: find_missing(&groups, directory),
            groups,
            missing_role_groups,
            roles,
            custom: CustomPlanner::new(&policy.custom_attributes, ftrack),
            scope: ScopeFilter::new(scope),
            limit: scope.limit,
            operations: scope,
            protected: policy
                .protected_users
                .iter()
                .map(|u| u.to_lowercase())
                .collect(),
        }
    }

    fn run(self) -> Plan {
        let resolutions = resolve_pairings(&self.directory.users, &self.index);
        let unclaimed = self.unclaimed(&resolutions);
        let mut items = self.plan_directory(&resolutions, unclaimed.len());
        drop(resolutions);
        // Only the items that change ftrack can introduce a username or email.
        let changes: Vec<usize> = (0..items.len())
            .filter(|&k| items[k].action.is_change())
            .collect();
        settle_unique_values(&mut items, &changes, &self.index);
        items.extend(
            unclaimed
                .into_iter()
                .map(|user| self.plan_ftrack_only(user)),
        );
        apply_operation_switches(&mut items, self.operations);
        self.finish(items)
    }

    /// The ftrack users no directory entry claims.
    fn unclaimed(&self, resolutions: &[Resolution]) -> Vec<&'a FtrackUser> {
        let mut claimed = vec![false; self.ftrack.users.len()];
        for &f in resolutions.iter().flat_map(Resolution::claims) {
            claimed[f] = true;
        }
        let users = self.ftrack.users.iter().zip(claimed);
        users.filter(|(_, c)| !c).map(|(user, _)| user).collect()
    }

    /// One item per directory entry, in directory order, with room for `more` items.
    fn plan_directory(&self, resolutions: &[Resolution], more: usize) -> Vec<PlanItem> {
        let in_scope = self.directory_scope(resolutions);
        let mut items = Vec::with_capacity(self.directory.users.len() + more);
        let entries = self.directory.users.iter().zip(resolutions).zip(in_scope);
        items.extend(entries.map(|((user, resolution), inside)| {
            if inside {
                self.plan_directory_user(user, resolution)
            } else {
                self.out_of_scope(user, resolution)
            }
        }));
        items
    }

    /// The plan of these items: sorted, counted, with its groups, needs, warnings and safety.
    fn finish(&self, mut items: Vec<PlanItem>) -> Plan {
        let seats = hold_over_limit(
            &mut items,
            self.index.active_users(),
            self.policy.max_active_users,
        );
        let inputs = Inputs {
            directory_users: self.directory.users.len(),
            directory_complete: self.directory.complete,
            ftrack_users: self.ftrack.users.len(),
            links: self.links.len(),
        };
        let mut plan = Plan::new(items, inputs);
        plan.seats = seats;
        plan.managed_roles = self.roles.managed();
        plan.groups_to_create = self.groups_to_create(&plan.items);
        link_needs(&mut plan);
        plan.warnings = self.warnings();
        plan.incomplete_read = self.incomplete_read();
        plan.directory_read = self.directory.read.clone();
        plan.missing_groups = self.missing_groups.clone();
        plan.missing_role_groups = self.missing_role_groups.clone();
        plan.missing_marks = self.missing_marks(&plan.items);
        plan.blocked = check_safety(
            &plan,
            self.directory,
            self.index.active_users(),
            self.policy,
            self.operations,
        );
        plan
    }

    /// Which directory entries are inside the rollout scope (filters, then the first N by username).
    fn directory_scope(&self, resolutions: &[Resolution]) -> Vec<bool> {
        let users = &self.directory.users;
        let mut inside: Vec<bool> = users
            .iter()
            .zip(resolutions)
            .map(|(u, r)| {
                self.scope.admits_directory(
                    u,
                    r.matched().map(|(f, _)| &self.ftrack.users[f]),
                    &self.groups,
                )
            })
            .collect();
        if let Some(limit) = self.limit {
            let mut order: Vec<usize> = (0..users.len()).filter(|&i| inside[i]).collect();
            // The DN and finally the whole entry break ties, so input order never decides.
            order.sort_by_cached_key(|&i| {
                let user = &users[i];
                let name = user.username.clone().unwrap_or_default();
                (
                    name.to_lowercase(),
                    name,
                    user.id.clone(),
                    user.dn.clone(),
                    format!("{user:?}"),
                )
            });
            for &i in order.iter().skip(limit) {
                inside[i] = false;
            }
        }
        inside
    }

    fn plan_directory_user(&self, user: &DirectoryUser, resolution: &Resolution) -> PlanItem {
        match resolution {
            Resolution::Conflict(conflict) => self.conflict_item(
                user,
                None,
                conflict.kind,
                conflict.reason.clone(),
                conflict.info.clone(),
            ),
            Resolution::Matched(f, by) => self.plan_matched(user, &self.ftrack.users[*f], *by),
            Resolution::Unmatched => self.plan_unmatched(user),
        }
    }

    fn plan_matched(&self, user: &DirectoryUser, ftrack: &FtrackUser, by: MatchedBy) -> PlanItem {
        let mut item = self.item(
            Action::Unchanged,
            user.username
                .clone()
                .unwrap_or_else(|| ftrack.username.clone()),
            Some(user),
            Some(ftrack),
        );
        item.matched_by = Some(by);
        if let Some(why) = self.untouchable(ftrack) {
            return self.skip(SkipKind::Protected, item, why);
        }
        if !user.active {
            let why = user
                .disabled_reason
                .clone()
                .unwrap_or_else(|| "disabled".to_string());
            item.username = ftrack.username.clone();
            if ftrack.is_active && !self.directory.read.is_whole() {
                return self.skip(SkipKind::OutOfScope,
                    item,
                    &format!(
                        "account disabled in the directory ({why}); a read of changes deactivates nobody, the next full read does"
                    ),
                );
            }
            if ftrack.is_active {
                let key = ItemKey::Directory(user.id.clone());
                let reason = format!("account disabled in the directory: {why}");
                return self.deactivate(item, ftrack, Absence::Disabled, &key, reason);
            } else {
                item.reason = Some(format!(
                    "already inactive; directory account disabled: {why}"
                ));
            }
            return item;
        }
        if let Some((kind, why)) = check_values(user) {
            let mut conflict = self.conflict_item(
                user,
                Some(ftrack),
                kind,
                why,
                info(kind, &[ftrack], Vec::new()),
            );
            conflict.matched_by = Some(by);
            return conflict;
        }
        item.changes = field_changes(user, ftrack, self.index.rule());
        item.groups = self.groups.changes_for(&user.groups, &ftrack.groups);
        if !self.directory.complete {
            // Memberships missing from an incomplete read may only be unread: none is removed.
            item.groups.remove.clear();
        }
        // Who is in a group the read did not find is unknown: nobody leaves it.
        item.groups
            .remove
            .retain(|g| !self.missing_groups.iter().any(|m| m.ftrack == *g));
        let roles = self
            .roles
            .changes(&user.groups, Some(&ftrack.roles), self.directory.complete);
        match roles {
            Ok(roles) => item.roles = roles,
            Err(why) => return self.role_conflict(user, Some(ftrack), by, why),
        }
        item.custom = self.custom.changes(user, Some(ftrack));
        if !ftrack.is_active {
            item.action = Action::Reactivate;
            item.changes.push(activity_change(false, true));
            item.reason = Some("active in the directory again".to_string());
        } else if changes_anything(&item) {
            item.action = Action::Update;
        }
        item
    }

    /// A user a role rule cannot serve: a conflict that names the rule's problem.
    fn role_conflict(
        &self,
        user: &DirectoryUser,
        ftrack: Option<&FtrackUser>,
        by: MatchedBy,
        why: String,
    ) -> PlanItem {
        let kind = ConflictKind::RoleRule;
        let candidates: Vec<&FtrackUser> = ftrack.into_iter().collect();
        let mut conflict =
            self.conflict_item(user, ftrack, kind, why, info(kind, &candidates, Vec::new()));
        conflict.matched_by = ftrack.map(|_| by);
        conflict
    }

    fn plan_unmatched(&self, user: &DirectoryUser) -> PlanItem {
        let username = user.username.clone().unwrap_or_default();
        let mut item = self.item(Action::Create, username, Some(user), None);
        if !user.active {
            let why = user
                .disabled_reason
                .clone()
                .unwrap_or_else(|| "disabled".to_string());
            return self.skip(
                SkipKind::Disabled,
                item,
                &format!("account disabled in the directory ({why}); not created"),
            );
        }
        if let Some((kind, why)) = check_values(user) {
            return self.conflict_item(user, None, kind, why, info(kind, &[], Vec::new()));
        }
        item.changes = create_changes(user);
        let desired = self.groups.desired(&user.groups);
        item.groups = GroupChanges {
            add: desired.into_iter().map(String::from).collect(),
            remove: Vec::new(),
        };
        match self.roles.changes(&user.groups, None, true) {
            Ok(roles) => item.roles = roles,
            Err(why) => return self.role_conflict(user, None, MatchedBy::Username, why),
        }
        item.custom = self.custom.changes(user, None);
        item
    }

    fn plan_ftrack_only(&self, user: &FtrackUser) -> PlanItem {
        let item = self.item(Action::Unchanged, user.username.clone(), None, Some(user));
        if let Some(why) = self.untouchable(user) {
            return self.skip(SkipKind::Protected, item, why);
        }
        if !self.directory.read.is_whole() {
            // Absent from a read of changes only means unchanged, never gone.
            return item;
        }
        if !self.scope.admits_ftrack_only(user) {
            return self.skip(SkipKind::OutOfScope, item, &self.scope.reason());
        }
        let linked = self.index.linked_to_id(&user.id);
        let managed = match self.policy.deactivate_missing {
            DeactivateMissing::All => true,
            DeactivateMissing::Linked => linked.is_some(),
            DeactivateMissing::Never => false,
        };
        if !managed {
            let why = match (self.policy.deactivate_missing, linked) {
                (DeactivateMissing::Never, Some(_)) => {
                    "no longer in the directory; left active because deactivate_missing = \"never\""
                }
                _ => "not managed: no directory entry is linked to this ftrack user",
            };
            return self.skip(SkipKind::NotManaged, item, why);
        }
        self.missing_user(item, user, linked.is_some())
    }

    fn missing_user(&self, mut item: PlanItem, user: &FtrackUser, linked: bool) -> PlanItem {
        let whence = if linked {
            "no longer in the directory"
        } else {
            "not in the directory (deactivate_missing = \"all\")"
        };
        if !user.is_active {
            item.reason = Some(format!("already inactive; {whence}"));
        } else if !self.directory.complete {
            return self.skip(
                SkipKind::Held,
                item,
                &format!(
                    "{whence}, but the directory read was incomplete; not deactivated this run"
                ),
            );
        } else {
            let key = ItemKey::FtrackOnly(user.id.clone());
            return self.deactivate(item, user, Absence::Missing, &key, whence.to_string());
        }
        item
    }

    /// An active user the directory no longer vouches for: deactivated, or pending while its
    /// grace period runs (unless this run cuts it short).
    fn deactivate(
        &self,
        mut item: PlanItem,
        user: &FtrackUser,
        absence: Absence,
        key: &ItemKey,
        reason: String,
    ) -> PlanItem {
        item.action = Action::Deactivate;
        item.changes.push(activity_change(true, false));
        item.reason = Some(reason);
        let grace = &self.policy.grace;
        if !grace.is_active() || (absence == Absence::Disabled && grace.disabled_immediately) {
            return item;
        }
        let previous = self.policy.missing_marks.get(&user.id);
        let state = grace.weigh(previous, self.policy.now, absence);
        let reason = item.reason.take().unwrap_or_default();
        item.reason = Some(if state.is_over() {
            format!(
                "{reason}; {}; the grace period is over",
                state.since_words()
            )
        } else if self.operations.deactivate_now.covers(Some(key)) {
            format!(
                "{reason}; {}; deactivated before its grace period ended ({} left)",
                state.since_words(),
                state.left_words()
            )
        } else {
            item.action = Action::Pending;
            item.changes.clear();
            format!("{reason}; {}", state.pending_reason())
        });
        item.grace = Some(state);
        item
    }

    /// The marks a run applying these items records; `None` without a grace period or
    /// after an incomplete read, which cannot tell who is missing.
    fn missing_marks(&self, items: &[PlanItem]) -> Option<MissingMarks> {
        // A read of changes cannot tell a leaver from a user who did not change: it neither
        // starts nor clears a mark, so only full reads count towards a grace period.
        let whole = self.directory.complete && self.directory.read.is_whole();
        (self.policy.grace.is_active() && whole)
            .then(|| next_marks(items, &self.ftrack.users, &self.policy.missing_marks))
    }

    fn out_of_scope(&self, user: &DirectoryUser, resolution: &Resolution) -> PlanItem {
        let ftrack = resolution.matched().map(|(f, _)| &self.ftrack.users[f]);
        let username = user
            .username
            .clone()
            .or_else(|| ftrack.map(|f| f.username.clone()))
            .unwrap_or_default();
        let mut item = self.item(Action::Skip, username, Some(user), ftrack);
        item.matched_by = resolution.matched().map(|(_, by)| by);
        self.skip(SkipKind::OutOfScope, item, &self.scope.reason())
    }

    fn groups_to_create(&self, items: &[PlanItem]) -> Vec<String> {
        let existing: HashSet<&str> = self
            .ftrack
            .groups
            .iter()
            .map(|g: &FtrackGroup| g.name.as_str())
            .collect();
        // Items are sorted with the changes (and conflicts) first, so the scan stops at the
        // first item left alone rather than reading every unchanged user.
        let wanted: BTreeSet<String> = items
            .iter()
            .take_while(|i| i.action < Action::Skip)
            .filter(|i| i.action.is_change())
            .flat_map(|i| i.groups.add.iter())
            .filter(|g| !existing.contains(g.as_str()))
            .cloned()
            .collect();
        wanted.into_iter().collect()
    }

    /// Why the directory read was incomplete, the planner's own line last; empty when whole.
    fn incomplete_read(&self) -> Vec<String> {
        if self.directory.complete {
            return Vec::new();
        }
        let mut reasons = self.directory.incomplete.clone();
        reasons.push(INCOMPLETE_READ_WARNING.to_string());
        reasons
    }

    fn warnings(&self) -> Vec<String> {
        let mut warnings = self.directory.warnings.clone();
        if !self.directory.complete {
            warnings.push(INCOMPLETE_READ_WARNING.to_string());
        }
        warnings.extend(missing_warning(&self.missing_groups));
        warnings.extend(missing_role_warning(&self.missing_role_groups));
        warnings.extend(self.custom.unusable().iter().map(ToString::to_string));
        warnings
    }

    /// Why this tool must leave an ftrack user alone, if it must.
    fn untouchable(&self, user: &FtrackUser) -> Option<&'static str> {
        if self.is_protected(user) {
            Some("protected account: never changed or deactivated by this tool")
        } else if user.is_service_account() {
            Some("service or API account: never changed or deactivated by this tool")
        } else {
            None
        }
    }

    fn is_protected(&self, user: &FtrackUser) -> bool {
        !self.protected.is_empty() && self.protected.contains(fold(&user.username).as_ref())
    }

    fn item(
        &self,
        action: Action,
        username: Username,
        dir: Option<&DirectoryUser>,
        ftrack: Option<&FtrackUser>,
    ) -> PlanItem {
        PlanItem {
            action,
            username,
            name: display_name(dir, ftrack),
            directory: dir.map(|d| DirectoryRef {
                dn: d.dn.clone(),
                id: d.id.clone(),
            }),
            ftrack: ftrack.map(|f| FtrackRef {
                id: f.id.clone(),
                username: f.username.clone(),
            }),
            matched_by: None,
            changes: Vec::new(),
            groups: GroupChanges::default(),
            reason: None,
            conflict: None,
            needs: Vec::new(),
            roles: Vec::new(),
            custom: Vec::new(),
            grace: None,
            skip: None,
            decided: None,
        }
    }

    fn skip(&self, kind: SkipKind, mut item: PlanItem, why: &str) -> PlanItem {
        item.skip_because(kind, why.to_string());
        item
    }

    fn conflict_item(
        &self,
        user: &DirectoryUser,
        ftrack: Option<&FtrackUser>,
        kind: ConflictKind,
        why: String,
        details: ConflictInfo,
    ) -> PlanItem {
        let username = user
            .username
            .clone()
            .or_else(|| ftrack.map(|f| f.username.clone()))
            .unwrap_or_default();
        let mut item = self.item(Action::Conflict, username, Some(user), ftrack);
        item.reason = Some(why);
        item.conflict = Some(Box::new(ConflictInfo { kind, ..details }));
        item
    }
}

/// True when an item changes a field, a membership, a role or a custom attribute.
fn changes_anything(item: &PlanItem) -> bool {
    !item.changes.is_empty()
        || !item.groups.is_empty()
        || !item.roles.is_empty()
        || !item.custom.is_empty()
}

fn display_name(dir: Option<&DirectoryUser>, ftrack: Option<&FtrackUser>) -> String {
    if let Some(full) = dir.and_then(|d| d.display_name.as_deref()) {
        return full.to_string();
    }
    let first = dir
        .and_then(|d| d.first_name.as_deref())
        .or(ftrack.map(|f| f.first_name.as_str()))
        .unwrap_or_default();
    let last = dir
        .and_then(|d| d.last_name.as_deref())
        .or(ftrack.map(|f| f.last_name.as_str()))
        .unwrap_or_default();
    let mut name = String::with_capacity(first.len() + last.len() + 1);
    name.push_str(first);
    if !first.is_empty() && !last.is_empty() {
        name.push(' ');
    }
    name.push_str(last);
    name
}
