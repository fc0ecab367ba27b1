//! Plain data shared by every layer: directory users, ftrack users, links. No I/O.

use crate::access::{Project, SecurityRole, UserRole};
use crate::custom::CustomAttribute;
use crate::ids::{DirectoryGroup, DirectoryId, EntryDn, FtrackId, Username};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A directory entry after attribute mapping: what the directory says a user should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryUser {
    /// Stable identity (entryUUID, objectGUID, ... or the DN as a fallback).
    pub id: DirectoryId,
    /// Distinguished name of the entry.
    pub dn: EntryDn,
    /// Desired ftrack username, when the mapped attribute had a usable value.
    pub username: Option<Username>,
    /// Desired email address.
    pub email: Option<String>,
    /// Desired first name.
    pub first_name: Option<String>,
    /// Desired last name.
    pub last_name: Option<String>,
    /// The name as the directory writes it (`cn` or `displayName`), when it holds both the
    /// first and the last name, so that names keep their order ("山田 太郎").
    #[serde(default)]
    pub display_name: Option<String>,
    /// Directory groups the user belongs to, as read (names or DNs), sorted and unique.
    pub groups: Vec<DirectoryGroup>,
    /// False when an account-status rule says the account is disabled.
    pub active: bool,
    /// Which rule marked the account disabled, in words.
    pub disabled_reason: Option<String>,
    /// Values that could not be read or used, in words; such a user becomes a conflict.
    pub problems: Vec<String>,
    /// ftrack custom attribute key -> the value `[mapping.custom]` maps to it; keys whose
    /// attribute the entry lacks are absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, String>,
}

/// One value for each directory group, handed to every user in it: 100,000 users in a few
/// groups each would otherwise hold a copy of a group DN per membership.
#[derive(Debug, Default)]
pub struct SharedGroups(HashSet<DirectoryGroup>);

impl SharedGroups {
    /// The value kept for this group, kept first if it is new.
    pub fn value(&mut self, group: &str) -> DirectoryGroup {
        if let Some(kept) = self.0.get(group) {
            return kept.clone();
        }
        let new = DirectoryGroup::new(group);
        self.0.insert(new.clone());
        new
    }
}

/// Everything read from the directory in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectorySnapshot {
    /// The users, in the order they were read.
    pub users: Vec<DirectoryUser>,
    /// False when a page failed or the server reported a size or time limit.
    pub complete: bool,
    /// Things the reader noticed that the admin should know (e.g. DN used as identity).
    pub warnings: Vec<String>,
    /// Why the read is incomplete, one warning per cause (also among `warnings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
    /// The DNs of the groups the group search found, as the directory wrote them; `None` when
    /// no group search ran (groups come only from the users' own attribute), so that a
    /// managed group cannot be told missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_found: Option<Vec<String>>,
    /// Whether every entry was read or only those changed since a watermark.
    #[serde(default, skip_serializing_if = "ReadScope::is_plain")]
    pub read: ReadScope,
}

/// How much of the directory a read covers: an incremental read holds only the entries changed
/// since the last successful run, so users absent from it are not leavers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadScope {
    /// Every entry the user filter matches; `why` says why, when only changes were asked for.
    Full {
        /// Why a run that asked for changes read everything (no watermark, schedule, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
    /// Only the entries changed since a watermark.
    Changed {
        /// The change marker compared (`modifyTimestamp`, `uSNChanged`, `whenChanged`).
        marker: String,
        /// The watermark in words (a UTC time or a USN), overlap included.
        since: String,
    },
}

impl Default for ReadScope {
    fn default() -> Self {
        Self::Full { why: None }
    }
}

impl ReadScope {
    /// True for a full read nobody asked to be incremental (left out of plans as before).
    pub fn is_plain(&self) -> bool {
        matches!(self, Self::Full { why: None })
    }

    /// True when users missing from the read may be leavers.
    pub fn is_whole(&self) -> bool {
        !matches!(self, Self::Changed { .. })
    }

    /// One line for the admin: which kind of read it was, and why.
    pub fn describe(&self) -> String {
        match self {
            Self::Full { why: None } => "full directory read".to_string(),
            Self::Full { why: Some(why) } => format!("full directory read ({why})"),
            Self::Changed { marker, since } => format!(
                "incremental read: only entries changed since {since} ({marker}); nobody is deactivated"
            ),
        }
    }
}

/// An ftrack user as the server reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FtrackUser {
    /// ftrack's primary key.
    pub id: FtrackId,
    /// Login name, unique on the server.
    pub username: Username,
    /// First name (may be empty).
    #[serde(default)]
    pub first_name: String,
    /// Last name (may be empty).
    #[serde(default)]
    pub last_name: String,
    /// Email address, if any.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the account may log in.
    pub is_active: bool,
    /// Names of the ftrack groups the user is a member of.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Name of the user's ftrack user type (the server's default type is `user`), when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// The security roles the user holds, when read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<UserRole>,
    /// Custom attribute key -> the user's value as text, for the keys read (those
    /// `[mapping.custom]` names); a key without a value (null) is absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, String>,
}

impl FtrackUser {
    /// True for service and API accounts, which this tool never changes or deactivates.
    pub fn is_service_account(&self) -> bool {
        self.user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("service") || t.eq_ignore_ascii_case("api"))
    }
}

/// An ftrack group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FtrackGroup {
    /// ftrack's primary key.
    pub id: String,
    /// Group name.
    pub name: String,
}

/// The users and groups of an ftrack server at one moment; also the snapshot file format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FtrackSnapshot {
    /// All users, active or not.
    pub users: Vec<FtrackUser>,
    /// All groups.
    #[serde(default)]
    pub groups: Vec<FtrackGroup>,
    /// The security roles, when read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_roles: Vec<SecurityRole>,
    /// The projects, when read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<Project>,
    /// The user custom attribute configurations, when read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_attributes: Vec<CustomAttribute>,
}

/// Identity links: directory stable id -> ftrack user id, recorded when a user is created or matched.
pub type Links = BTreeMap<DirectoryId, FtrackId>;
