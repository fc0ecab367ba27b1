//! User rows decoded straight from a response into typed structs, then resolved.
//!
//! A response is normalised: each entity appears in full once and as a bare reference
//! (`__entity_type__` and `id`) elsewhere, in any order, across all the results of the
//! response. Every field is therefore optional while decoding; the rows of a whole response
//! are merged by id (users, memberships, groups and user types each in a map of their own)
//! before any user is read. Only the projected attributes are kept, never the JSON tree.

use super::read::LiveUser;
use crate::ids::{FtrackId, Username};
use serde::Deserialize;
use std::collections::HashMap;

/// One user as the server sent it: in full, or a bare reference.
#[derive(Debug, Default, Deserialize)]
pub(super) struct UserRow {
    id: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    is_active: Option<bool>,
    memberships: Option<Vec<MembershipRow>>,
    user_type: Option<NamedRow>,
}

/// One membership: in full (with its group) or a bare reference.
#[derive(Debug, Deserialize)]
struct MembershipRow {
    id: Option<String>,
    group: Option<NamedRow>,
}

/// A group or a user type: in full (with its name) or a bare reference.
#[derive(Debug, Deserialize)]
struct NamedRow {
    id: Option<String>,
    name: Option<String>,
}

/// A user with every reference of the response resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResolvedUser {
    /// The user, with its memberships in the order the server listed them.
    pub user: LiveUser,
    /// The name of its user type.
    pub user_type: Option<String>,
}

/// What the rows of one response say about memberships, groups and user types, by id.
#[derive(Default)]
struct Names {
    group_of_membership: HashMap<String, String>,
    group_names: HashMap<String, String>,
    type_names: HashMap<String, String>,
}

impl Names {
    fn learn(&mut self, row: &UserRow) {
        for membership in row.memberships.iter().flatten() {
            if let (Some(id), Some(group)) = (&membership.id, &membership.group) {
                self.learn_name(group, Kind::Group);
                if let Some(group_id) = &group.id {
                    self.group_of_membership
                        .insert(id.clone(), group_id.clone());
                }
            }
        }
        if let Some(user_type) = &row.user_type {
            self.learn_name(user_type, Kind::UserType);
        }
    }

    fn learn_name(&mut self, row: &NamedRow, kind: Kind) {
        let names = match kind {
            Kind::Group => &mut self.group_names,
            Kind::UserType => &mut self.type_names,
        };
        if let (Some(id), Some(name)) = (&row.id, &row.name) {
            names.entry(id.clone()).or_insert_with(|| name.clone());
        }
    }

    /// The name of a group or user type, whether `row` is in full or a reference.
    fn name(&self, row: &NamedRow, kind: Kind) -> Option<String> {
        let names = match kind {
            Kind::Group => &self.group_names,
            Kind::UserType => &self.type_names,
        };
        row.name
            .clone()
            .or_else(|| names.get(row.id.as_ref()?).cloned())
    }

    fn membership(&self, row: &MembershipRow) -> Option<(String, String)> {
        let id = row.id.clone().unwrap_or_default();
        let group = match &row.group {
            Some(group) => self.name(group, Kind::Group),
            None => {
                let group_id = self.group_of_membership.get(&id)?;
                self.group_names.get(group_id).cloned()
            }
        }?;
        Some((id, group))
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Group,
    UserType,
}

/// Resolves the user rows of one response, in row order. A user that appears more than once
/// (in full, and as a reference) is merged into one, listed where it first appears.
pub(super) fn resolve_users(rows: Vec<UserRow>) -> Vec<ResolvedUser> {
    let mut names = Names::default();
    rows.iter().for_each(|row| names.learn(row));
    let mut order: Vec<String> = Vec::with_capacity(rows.len());
    let mut merged: HashMap<String, UserRow> = HashMap::with_capacity(rows.len());
    for row in rows {
        let id = row.id.clone().unwrap_or_default();
        match merged.get_mut(&id) {
            Some(seen) => seen.absorb(row),
            None => {
                order.push(id.clone());
                merged.insert(id, row);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|id| merged.remove(&id))
        .map(|row| row.resolve(&names))
        .collect()
}

impl UserRow {
    /// Fills what this occurrence lacks from another occurrence of the same user.
    fn absorb(&mut self, other: UserRow) {
        self.username = self.username.take().or(other.username);
        self.first_name = self.first_name.take().or(other.first_name);
        self.last_name = self.last_name.take().or(other.last_name);
        self.email = self.email.take().or(other.email);
        self.is_active = self.is_active.or(other.is_active);
        self.memberships = self.memberships.take().or(other.memberships);
        self.user_type = self.user_type.take().or(other.user_type);
    }

    fn resolve(self, names: &Names) -> ResolvedUser {
        let memberships = self
            .memberships
            .iter()
            .flatten()
            .filter_map(|m| names.membership(m))
            .collect();
        let user = LiveUser {
            id: FtrackId::new(self.id.unwrap_or_default()),
            username: Username::new(self.username.unwrap_or_default()),
            first_name: self.first_name.unwrap_or_default(),
            last_name: self.last_name.unwrap_or_default(),
            email: self.email,
            is_active: self.is_active.unwrap_or(false),
            memberships,
        };
        let user_type = self
            .user_type
            .as_ref()
            .and_then(|t| names.name(t, Kind::UserType));
        ResolvedUser { user, user_type }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(value: serde_json::Value) -> Vec<UserRow> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_group_sent_in_full_once_names_every_reference_to_it() {
        let users = resolve_users(rows(json!([
            {"__entity_type__": "User", "id": "u1", "username": "ana", "first_name": "Ana",
             "last_name": "Lee", "email": null, "is_active": true,
             "memberships": [{"__entity_type__": "Membership", "id": "m1",
                 "group": {"__entity_type__": "Group", "id": "g1", "name": "Comp"}}],
             "user_type": {"__entity_type__": "UserType", "id": "t1", "name": "user"}},
            {"__entity_type__": "User", "id": "u2", "username": "bo", "is_active": false,
             "memberships": [{"__entity_type__": "Membership", "id": "m2",
                 "group": {"__entity_type__": "Group", "id": "g1"}}],
             "user_type": {"__entity_type__": "UserType", "id": "t1"}}
        ])));
        assert_eq!(users.len(), 2);
        assert_eq!(users[0].user.memberships, [("m1".into(), "Comp".into())]);
        assert_eq!(users[1].user.memberships, [("m2".into(), "Comp".into())]);
        assert_eq!(users[1].user_type.as_deref(), Some("user"));
        assert_eq!(users[0].user.email, None);
        assert!(users[0].user.is_active && !users[1].user.is_active);
    }

    #[test]
    fn a_user_referenced_before_it_appears_in_full_is_merged_where_it_first_appears() {
        let users = resolve_users(rows(json!([
            {"__entity_type__": "User", "id": "u2"},
            {"__entity_type__": "User", "id": "u1", "username": "ana"},
            {"__entity_type__": "User", "id": "u2", "username": "bo", "email": "bo@x",
             "memberships": []}
        ])));
        let names: Vec<&str> = users.iter().map(|u| u.user.username.as_str()).collect();
        assert_eq!(names, ["bo", "ana"]);
        assert_eq!(users[0].user.email.as_deref(), Some("bo@x"));
    }

    #[test]
    fn a_membership_sent_as_a_reference_takes_its_group_from_the_full_copy() {
        let users = resolve_users(rows(json!([
            {"__entity_type__": "User", "id": "u1", "username": "ana",
             "memberships": [{"__entity_type__": "Membership", "id": "m1"}]},
            {"__entity_type__": "User", "id": "u9", "username": "zed",
             "memberships": [{"__entity_type__": "Membership", "id": "m1",
                 "group": {"__entity_type__": "Group", "id": "g7", "name": "FX"}}]}
        ])));
        assert_eq!(users[0].user.memberships, [("m1".into(), "FX".into())]);
    }

    #[test]
    fn attributes_of_the_wrong_type_are_refused() {
        let bad = serde_json::from_value::<Vec<UserRow>>(json!([{"id": "u1", "is_active": "yes"}]));
        assert!(bad.is_err());
    }
}
