//! Pairing directory entries with ftrack users: by stored link first, then by username.

use super::policy::UsernameCase;
use crate::model::{DirectoryUser, FtrackSnapshot, FtrackUser, Links};
use std::collections::HashMap;

/// Compares usernames according to the configured case rule.
#[derive(Debug, Clone, Copy)]
pub struct UsernameRule(pub UsernameCase);

impl UsernameRule {
    /// The key under which a username is looked up.
    pub fn key(self, username: &str) -> String {
        match self.0 {
            UsernameCase::Insensitive => username.to_lowercase(),
            UsernameCase::Sensitive => username.to_string(),
        }
    }

    /// True when two usernames name the same user.
    pub fn same(self, a: &str, b: &str) -> bool {
        match self.0 {
            UsernameCase::Insensitive => a == b || a.to_lowercase() == b.to_lowercase(),
            UsernameCase::Sensitive => a == b,
        }
    }
}

/// Lookup tables over the ftrack users, built once per plan.
pub struct FtrackIndex<'a> {
    /// The users, in snapshot order.
    pub users: &'a [FtrackUser],
    by_id: HashMap<&'a str, usize>,
    by_key: HashMap<String, Vec<usize>>,
    by_folded: HashMap<String, Vec<usize>>,
    by_email: HashMap<String, Vec<usize>>,
    linked_to: HashMap<&'a str, &'a str>,
    rule: UsernameRule,
}

/// How a directory entry found its ftrack user, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pairing {
    /// Linked by an earlier run.
    Link(usize),
    /// Same username, no link yet.
    Username(usize),
    /// No ftrack user has this username.
    None,
    /// Several ftrack users have usernames equal to this one but for case.
    Ambiguous(Vec<usize>),
    /// An ftrack user differs from the username only in case (case-sensitive mode).
    CaseOnly(usize),
}

impl<'a> FtrackIndex<'a> {
    /// Indexes a snapshot and the links.
    pub fn new(snapshot: &'a FtrackSnapshot, links: &'a Links, rule: UsernameRule) -> Self {
        let users = snapshot.users.as_slice();
        let mut by_id = HashMap::with_capacity(users.len());
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::with_capacity(users.len());
        let mut by_folded: HashMap<String, Vec<usize>> = HashMap::with_capacity(users.len());
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::with_capacity(users.len());
        for (i, user) in users.iter().enumerate() {
            by_id.insert(user.id.as_str(), i);
            let folded = user.username.to_lowercase();
            if rule.0 == UsernameCase::Sensitive {
                by_key.entry(user.username.clone()).or_default().push(i);
            }
            by_folded.entry(folded).or_default().push(i);
            if let Some(email) = user.email.as_deref().filter(|e| !e.is_empty()) {
                by_email.entry(email.to_lowercase()).or_default().push(i);
            }
        }
        if rule.0 == UsernameCase::Insensitive {
            by_key = by_folded.clone();
        }
        let linked_to = links
            .iter()
            .map(|(dir, ftrack)| (ftrack.as_str(), dir.as_str()))
            .collect();
        Self {
            users,
            by_id,
            by_key,
            by_folded,
            by_email,
            linked_to,
            rule,
        }
    }

    /// The username comparison rule in force.
    pub fn rule(&self) -> UsernameRule {
        self.rule
    }

    /// The index of the user with this id.
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The directory id an ftrack user is linked to, if any.
    pub fn linked_directory_id(&self, index: usize) -> Option<&'a str> {
        self.linked_to.get(self.users[index].id.as_str()).copied()
    }

    /// ftrack users whose username is this one under the case rule.
    pub fn with_username(&self, username: &str) -> &[usize] {
        self.by_key
            .get(&self.rule.key(username))
            .map_or(&[], Vec::as_slice)
    }

    /// ftrack users whose email is this one (case-insensitive).
    pub fn with_email(&self, email: &str) -> &[usize] {
        self.by_email
            .get(&email.to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// Pairs a directory entry with an ftrack user: link first, then username.
    pub fn pair(&self, user: &DirectoryUser, links: &Links) -> Pairing {
        if let Some(index) = links.get(&user.id).and_then(|id| self.by_id(id)) {
            return Pairing::Link(index);
        }
        let Some(username) = user.username.as_deref() else {
            return Pairing::None;
        };
        match self.with_username(username) {
            [one] => Pairing::Username(*one),
            [] => self.case_only(username),
            many => Pairing::Ambiguous(many.to_vec()),
        }
    }

    fn case_only(&self, username: &str) -> Pairing {
        if self.rule.0 == UsernameCase::Insensitive {
            return Pairing::None;
        }
        match self
            .by_folded
            .get(&username.to_lowercase())
            .map_or(&[][..], Vec::as_slice)
        {
            [] => Pairing::None,
            [one] => Pairing::CaseOnly(*one),
            many => Pairing::Ambiguous(many.to_vec()),
        }
    }
}
