//! What the planner may do: deactivation policy, protected accounts, safety limits, scope.

use super::grace::{Grace, MissingMarks};
use crate::access::RoleScope;
use crate::ids::ItemKey;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// Which ftrack users missing from the directory are deactivated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeactivateMissing {
    /// Only users this tool has linked to a directory entry.
    #[default]
    Linked,
    /// Every active ftrack user without a directory entry (except protected ones).
    All,
    /// Nobody is deactivated for being missing.
    Never,
}

impl FromStr for DeactivateMissing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "linked" => Ok(Self::Linked),
            "all" => Ok(Self::All),
            "never" => Ok(Self::Never),
            _ => Err(format!(
                "expected \"linked\", \"all\" or \"never\", found {s:?}"
            )),
        }
    }
}

/// Whether usernames that differ only in letter case are the same user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UsernameCase {
    /// `JDoe` and `jdoe` are the same user.
    #[default]
    Insensitive,
    /// `JDoe` and `jdoe` are different users (and a directory entry for one conflicts with the other).
    Sensitive,
}

impl FromStr for UsernameCase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "insensitive" => Ok(Self::Insensitive),
            "sensitive" => Ok(Self::Sensitive),
            _ => Err(format!(
                "expected \"insensitive\" or \"sensitive\", found {s:?}"
            )),
        }
    }
}

/// The most deactivations one run may make: a count or a share of active managed users.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum MaxDeactivate {
    /// At most this many users.
    Count(u64),
    /// At most this percentage (0-100) of the active ftrack users.
    Percent(f64),
}

impl Default for MaxDeactivate {
    fn default() -> Self {
        Self::Count(25)
    }
}

impl MaxDeactivate {
    /// The limit as a number of users, given how many ftrack users are active.
    pub fn limit(self, active_users: usize) -> u64 {
        match self {
            Self::Count(n) => n,
            Self::Percent(p) => ((active_users as f64) * p / 100.0).floor() as u64,
        }
    }
}

impl FromStr for MaxDeactivate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let expected =
            || format!("expected a count like \"25\" or a percentage like \"5%\", found {s:?}");
        if let Some(number) = text.strip_suffix('%') {
            let p: f64 = number.trim().parse().map_err(|_| expected())?;
            if !(0.0..=100.0).contains(&p) || p.is_nan() {
                return Err(format!(
                    "a percentage must be between 0% and 100%, found {s:?}"
                ));
            }
            Ok(Self::Percent(p))
        } else {
            text.parse().map(Self::Count).map_err(|_| expected())
        }
    }
}

impl fmt::Display for MaxDeactivate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl From<MaxDeactivate> for String {
    fn from(value: MaxDeactivate) -> Self {
        value.to_string()
    }
}

impl TryFrom<String> for MaxDeactivate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// Everything the planner needs to know about what it is allowed to change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Which missing users are deactivated.
    pub deactivate_missing: DeactivateMissing,
    /// ftrack usernames never changed or deactivated (the API user is added by the caller).
    pub protected_users: Vec<String>,
    /// Safety limit on deactivations.
    pub max_deactivate: MaxDeactivate,
    /// Username comparison rule.
    pub username_case: UsernameCase,
    /// Directory group (name or DN) -> ftrack group name; only these ftrack groups are changed.
    pub managed_groups: BTreeMap<String, String>,
    /// How many directory users the previous run saw, to catch a directory read that came back short.
    pub previous_directory_count: Option<usize>,
    /// Security roles given from directory groups.
    pub roles: RolePolicy,
    /// Seats: creates and reactivations that would take the active users past this are held.
    pub max_active_users: Option<usize>,
    /// The user custom attribute keys the directory gives values for; no other is compared
    /// or written.
    pub custom_attributes: Vec<String>,
    /// Grace before deactivation (none by default).
    pub grace: Grace,
    /// What earlier runs recorded about missing users (from the state directory).
    pub missing_marks: MissingMarks,
    /// The instant the run plans at, from its clock; grace periods count to it.
    pub now: Timestamp,
}

/// Which security roles the directory gives, and to whom.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolePolicy {
    /// The role a new user gets when no rule gives one.
    pub default: Option<RoleGrant>,
    /// Directory group -> role; only the roles named here are managed.
    pub rules: Vec<RoleRule>,
    /// Administrator, API (and unknown) roles may be granted from the directory only when set.
    pub allow_privileged: bool,
}

impl RolePolicy {
    /// True when the directory decides some roles.
    pub fn is_active(&self) -> bool {
        self.default.is_some() || !self.rules.is_empty()
    }
}

/// A role and where it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// The role's name in ftrack.
    pub role: String,
    /// Where it applies.
    pub scope: RoleScope,
}

/// Members of a directory group get a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRule {
    /// The directory group (name or DN, matched like managed groups).
    pub group: String,
    /// What its members get.
    pub grant: RoleGrant,
}

impl RoleRule {
    /// Members of `group` get `role` on `scope`.
    pub fn new(group: &str, role: &str, scope: RoleScope) -> Self {
        Self {
            group: group.to_string(),
            grant: RoleGrant {
                role: role.to_string(),
                scope,
            },
        }
    }
}

/// A staged-rollout scope: which users this run may touch and which kinds of change it may make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only these usernames (directory or ftrack side); empty means everyone.
    pub only_users: Vec<String>,
    /// Only members of these directory or ftrack groups; empty means everyone.
    pub only_groups: Vec<String>,
    /// Only the first N directory users, in username order.
    pub limit: Option<usize>,
    /// An LDAP filter this run ANDed with the configured one (`--ldap-filter`). Entries outside
    /// it were never read, so an ftrack user missing from the read may still be in the
    /// directory: every ftrack user without an entry is out of scope, never deactivated.
    pub ldap_filter: Option<String>,
    /// Plan no creations.
    pub no_create: bool,
    /// Plan no updates or reactivations.
    pub no_update: bool,
    /// Plan no deactivations.
    pub no_deactivate: bool,
    /// Users whose grace period is cut short: deactivated this run if they would be pending.
    pub deactivate_now: DeactivateNow,
}

/// Whose grace period a run cuts short (`--now`, or the console's key on one user).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DeactivateNow {
    /// Nobody's: every grace runs its course.
    #[default]
    Nobody,
    /// Every pending user in scope (`--now`).
    Everyone,
    /// These items only.
    Only(BTreeSet<ItemKey>),
}

impl DeactivateNow {
    /// True when the item with this key is deactivated without waiting.
    pub fn covers(&self, key: Option<&ItemKey>) -> bool {
        match self {
            Self::Nobody => false,
            Self::Everyone => true,
            Self::Only(keys) => key.is_some_and(|k| keys.contains(k)),
        }
    }
}

impl Scope {
    /// True when the scope narrows which users are in play (not only which kinds of change).
    pub fn narrows_users(&self) -> bool {
        !self.only_users.is_empty()
            || !self.only_groups.is_empty()
            || self.limit.is_some()
            || self.ldap_filter.is_some()
    }
}
