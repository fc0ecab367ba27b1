//! Staged-rollout scope: which users a run may touch.

use super::diff::{GroupMapper, find_group};
use super::policy::Scope;
use crate::dn::DnOrName;
use crate::model::{DirectoryUser, FtrackUser};
use std::collections::HashSet;

/// Decides whether users are inside the rollout scope.
pub struct ScopeFilter<'a> {
    scope: &'a Scope,
    only_users: Vec<String>,
    /// The groups named by `--only-group`, each a DN or a plain name.
    only_groups: HashSet<DnOrName>,
}

impl<'a> ScopeFilter<'a> {
    /// Prepares case-folded lookups for a scope.
    pub fn new(scope: &'a Scope) -> Self {
        Self {
            scope,
            only_users: scope.only_users.iter().map(|u| u.to_lowercase()).collect(),
            only_groups: scope
                .only_groups
                .iter()
                .map(|g| DnOrName::read(g))
                .collect(),
        }
    }

    /// Whether a directory entry (and the ftrack user paired with it) passes the user and group filters.
    pub fn admits_directory(
        &self,
        user: &DirectoryUser,
        ftrack: Option<&FtrackUser>,
        groups: &GroupMapper,
    ) -> bool {
        let user_ok = self.only_users.is_empty()
            || user.username.as_deref().is_some_and(|u| self.names_user(u))
            || ftrack.is_some_and(|f| self.names_user(&f.username));
        let group_ok = self.only_groups.is_empty()
            || user.groups.iter().any(|g| {
                find_group(g, |key| self.only_groups.get(key)).is_some()
                    || groups.target(g).is_some_and(|t| self.names_group(t))
            })
            || ftrack.is_some_and(|f| f.groups.iter().any(|g| self.names_group(g)));
        user_ok && group_ok
    }

    /// Whether an ftrack user with no directory entry is in scope.
    ///
    /// `--limit` counts directory entries only, and `--ldap-filter` reads only part of the
    /// directory, so either leaves every ftrack-only user out.
    pub fn admits_ftrack_only(&self, user: &FtrackUser) -> bool {
        if self.scope.limit.is_some() || self.scope.ldap_filter.is_some() {
            return false;
        }
        (self.only_users.is_empty() || self.names_user(&user.username))
            && (self.only_groups.is_empty() || user.groups.iter().any(|g| self.names_group(g)))
    }

    /// The reason given to out-of-scope items.
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        if !self.scope.only_users.is_empty() {
            parts.push("--only-user");
        }
        if !self.scope.only_groups.is_empty() {
            parts.push("--only-group");
        }
        if self.scope.limit.is_some() {
            parts.push("--limit");
        }
        if self.scope.ldap_filter.is_some() {
            parts.push("--ldap-filter");
        }
        format!("out of scope for this run ({})", parts.join(", "))
    }

    fn names_user(&self, username: &str) -> bool {
        let folded = username.to_lowercase();
        self.only_users.contains(&folded)
    }

    /// Whether an ftrack group is one of `--only-group`.
    fn names_group(&self, group: &str) -> bool {
        self.only_groups.contains(&DnOrName::read(group))
    }
}
