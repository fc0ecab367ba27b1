//! Security roles from directory groups: which managed roles a user should hold and where,
//! and the changes that get the user there. Only roles named by a rule (or the default role,
//! for new users) are managed; any other role a user holds is left alone.

use super::diff::find_group;
use super::policy::{RoleGrant, RolePolicy};
use crate::access::{RoleScope, UserRole};
use crate::dn::DnOrName;
use crate::ids::DirectoryGroup;
use crate::model::FtrackSnapshot;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// One change to a user's security roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum RoleChange {
    /// The user gets the role.
    Grant {
        /// The role's name.
        role: String,
        /// Where.
        scope: RoleScope,
        /// Why: the directory group that gives it, or the default role.
        because: String,
    },
    /// The user loses the role (no directory group gives it any more).
    Revoke {
        /// The role's name.
        role: String,
        /// Where the user held it.
        scope: RoleScope,
    },
    /// The user keeps the role on other projects.
    Rescope {
        /// The role's name.
        role: String,
        /// Where the user holds it now.
        from: RoleScope,
        /// Where the user will hold it.
        to: RoleScope,
        /// Why: the directory group that gives it.
        because: String,
    },
}

impl RoleChange {
    /// The role the change is about.
    pub fn role(&self) -> &str {
        match self {
            Self::Grant { role, .. } | Self::Revoke { role, .. } | Self::Rescope { role, .. } => {
                role
            }
        }
    }

    /// True when the user loses access: a revocation, or a rescope that drops a project or
    /// all open projects. These count against the safety limit.
    pub fn takes_away(&self) -> bool {
        match self {
            Self::Grant { .. } => false,
            Self::Revoke { .. } => true,
            Self::Rescope { from, to, .. } => from.clone().merged(to.clone()) != *to,
        }
    }
}

impl fmt::Display for RoleChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grant {
                role,
                scope,
                because,
            } => write!(f, "+ role {role} on {scope} ({because})"),
            Self::Revoke { role, scope } => {
                write!(f, "- role {role} on {scope} (no directory group gives it)")
            }
            Self::Rescope {
                role,
                from,
                to,
                because,
            } => write!(f, "~ role {role}: {from} -> {to} ({because})"),
        }
    }
}

/// The managed roles a user should hold, each with where and why.
type Wanted = BTreeMap<String, (RoleScope, String)>;

/// The role rules, checked against the server's roles and projects once per plan.
pub struct RolePlanner<'a> {
    policy: &'a RolePolicy,
    /// Rule positions by the group (DN or name) they match.
    by_group: HashMap<DnOrName, Vec<usize>>,
    /// Per rule: why it cannot be used, if it cannot.
    unusable: Vec<Option<String>>,
    /// Why the default role cannot be used, if it cannot.
    default_unusable: Option<String>,
    /// Names of the managed roles.
    managed: BTreeSet<&'a str>,
    /// Managed roles nobody loses this run: a rule giving them names a group the read missed.
    held: BTreeSet<String>,
}

impl<'a> RolePlanner<'a> {
    /// Reads the rules and checks each against the server's roles and projects.
    pub fn new(policy: &'a RolePolicy, ftrack: &FtrackSnapshot) -> Self {
        let mut by_group: HashMap<DnOrName, Vec<usize>> = HashMap::new();
        for (i, rule) in policy.rules.iter().enumerate() {
            by_group
                .entry(DnOrName::read(&rule.group))
                .or_default()
                .push(i);
        }
        let check = |grant: &RoleGrant| grant_problem(grant, ftrack, policy.allow_privileged);
        Self {
            policy,
            by_group,
            unusable: policy.rules.iter().map(|r| check(&r.grant)).collect(),
            default_unusable: policy.default.as_ref().and_then(check),
            managed: policy.rules.iter().map(|r| r.grant.role.as_str()).collect(),
            held: BTreeSet::new(),
        }
    }

    /// Each rule's group and role, in rule order.
    pub fn rule_groups(&self) -> impl Iterator<Item = (&str, &str)> {
        let rules = self.policy.rules.iter();
        rules.map(|r| (r.group.as_str(), r.grant.role.as_str()))
    }

    /// Keeps these roles from being revoked or narrowed this run.
    pub fn hold_losses(&mut self, roles: impl IntoIterator<Item = String>) {
        self.held.extend(roles);
    }

    /// True when the directory decides some roles.
    pub fn is_active(&self) -> bool {
        self.policy.is_active()
    }

    /// The names of the roles the rules decide, sorted.
    pub fn managed(&self) -> Vec<String> {
        self.managed.iter().map(|r| r.to_string()).collect()
    }

    /// What is wrong with the rules and the default role, for `config validate` and `check`.
    pub fn problems(&self) -> Vec<String> {
        let rules = self.policy.rules.iter().zip(&self.unusable);
        let mut problems: Vec<String> = rules
            .filter_map(|(rule, why)| {
                Some(format!(
                    "[roles] rule for group {:?}: {}",
                    rule.group,
                    why.as_ref()?
                ))
            })
            .collect();
        problems.extend(
            self.default_unusable
                .iter()
                .map(|why| format!("[roles] default: {why}")),
        );
        problems
    }

    /// The role changes for a user in these directory groups who holds `current` now
    /// (nothing, for a new user). `Err` says why a rule that applies cannot be used.
    /// `removals` is false when the directory read was incomplete: nothing is taken away.
    pub fn changes(
        &self,
        groups: &[DirectoryGroup],
        current: Option<&[UserRole]>,
        removals: bool,
    ) -> Result<Vec<RoleChange>, String> {
        if !self.is_active() {
            return Ok(Vec::new());
        }
        let mut wanted = self.wanted(groups)?;
        let given_none = wanted.is_empty();
        if current.is_none() && given_none {
            self.add_default(&mut wanted)?;
        }
        let current = current.unwrap_or_default();
        let mut changes = Vec::new();
        let removes = |role: &str| removals && !self.held.contains(role);
        for (role, (scope, because)) in wanted {
            match current.iter().find(|held| held.role == role) {
                None => changes.push(RoleChange::Grant {
                    role,
                    scope,
                    because,
                }),
                Some(held) => {
                    let to = if removes(&role) {
                        scope
                    } else {
                        held.scope.clone().merged(scope)
                    };
                    if held.scope != to {
                        changes.push(RoleChange::Rescope {
                            role,
                            from: held.scope.clone(),
                            to,
                            because,
                        });
                    }
                }
            }
        }
        // The default role is every user's floor: a user no rule gives a role keeps it.
        let floor = self.policy.default.as_ref().filter(|_| given_none);
        let kept = floor.map(|d| d.role.as_str());
        changes.extend(
            self.revocations(groups, current)
                .into_iter()
                .filter(|r| Some(r.role()) != kept && removes(r.role())),
        );
        Ok(changes)
    }

    /// The managed roles the rules give for these groups.
    fn wanted(&self, groups: &[DirectoryGroup]) -> Result<Wanted, String> {
        let mut wanted = Wanted::new();
        for group in groups {
            for &i in self.rules_for(group) {
                if let Some(why) = &self.unusable[i] {
                    return Err(format!(
                        "the role rule for group {group:?} cannot be used: {why}"
                    ));
                }
                let grant = &self.policy.rules[i].grant;
                let because = format!("group {group}");
                match wanted.remove(&grant.role) {
                    Some((scope, first)) => wanted.insert(
                        grant.role.clone(),
                        (scope.merged(grant.scope.clone()), first),
                    ),
                    None => wanted.insert(grant.role.clone(), (grant.scope.clone(), because)),
                };
            }
        }
        Ok(wanted)
    }

    fn add_default(&self, wanted: &mut Wanted) -> Result<(), String> {
        let Some(default) = &self.policy.default else {
            return Ok(());
        };
        if let Some(why) = &self.default_unusable {
            return Err(format!("the default role cannot be used: {why}"));
        }
        let because = "default role for new users".to_string();
        wanted.insert(default.role.clone(), (default.scope.clone(), because));
        Ok(())
    }

    /// Managed roles the user holds that no group gives any more.
    fn revocations(&self, groups: &[DirectoryGroup], current: &[UserRole]) -> Vec<RoleChange> {
        let given: BTreeSet<&str> = groups
            .iter()
            .flat_map(|g| self.rules_for(g))
            .map(|&i| self.policy.rules[i].grant.role.as_str())
            .collect();
        current
            .iter()
            .filter(|held| {
                self.managed.contains(held.role.as_str()) && !given.contains(held.role.as_str())
            })
            .map(|held| RoleChange::Revoke {
                role: held.role.clone(),
                scope: held.scope.clone(),
            })
            .collect()
    }

    /// The rules a directory group (name or DN) matches: by the whole value, or a DN by the
    /// value of its first RDN (`cn=leads,ou=groups,...` matches a rule for `leads`).
    pub(super) fn rules_for(&self, group: &str) -> &[usize] {
        find_group(group, |key| self.by_group.get(key)).map_or(&[], Vec::as_slice)
    }
}

/// Why a role grant cannot be used on this server, or `None`.
fn grant_problem(
    grant: &RoleGrant,
    ftrack: &FtrackSnapshot,
    allow_privileged: bool,
) -> Option<String> {
    let Some(role) = ftrack.security_roles.iter().find(|r| r.name == grant.role) else {
        return Some(format!(
            "ftrack has no security role named {:?}",
            grant.role
        ));
    };
    if role.is_privileged() && !allow_privileged {
        return Some(format!(
            "{:?} is a privileged role ({}); granting it from the directory needs [roles] allow_privileged = true",
            role.name,
            role.kind.server_value()
        ));
    }
    let RoleScope::Projects(names) = &grant.scope else {
        return None;
    };
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !ftrack.projects.iter().any(|p| &p.name == *n))
        .map(String::as_str)
        .collect();
    (!missing.is_empty()).then(|| format!("ftrack has no project named {}", missing.join(", ")))
}
