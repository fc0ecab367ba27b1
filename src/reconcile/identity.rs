//! Pairing directory entries with ftrack users: by stored link first, then by username.

use super::policy::UsernameCase;
use crate::ids::{DirectoryId, FtrackId};
use crate::model::{DirectoryUser, FtrackSnapshot, FtrackUser, Links};
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::slice;

/// Lower-cases text, without allocating when it has no upper-case letters (the common case).
pub fn fold(text: &str) -> Cow<'_, str> {
    if is_folded(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Like [`fold`], but lower-cases ASCII text with capitals into `scratch` instead of a new
/// string, so that a pass over many values allocates nothing for them.
pub fn fold_reusing<'t>(text: &'t str, scratch: &'t mut String) -> &'t str {
    if is_folded(text) {
        return text;
    }
    if text.is_ascii() {
        scratch.clear();
        scratch.push_str(text);
        scratch.make_ascii_lowercase();
    } else {
        *scratch = text.to_lowercase();
    }
    scratch
}

/// True for ASCII text without capitals, which folding leaves as it is.
fn is_folded(text: &str) -> bool {
    text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase())
}

/// Compares usernames according to the configured case rule.
#[derive(Debug, Clone, Copy)]
pub struct UsernameRule(pub UsernameCase);

impl UsernameRule {
    /// True when two usernames name the same user.
    pub fn same(self, a: &str, b: &str) -> bool {
        a == b || (self.0 == UsernameCase::Insensitive && fold(a) == fold(b))
    }
}

/// A multimap from text keys to positions, in insertion order.
#[derive(Debug, Default)]
pub struct TextIndex<'a>(HashMap<Cow<'a, str>, Positions>);

/// The positions under one key: one (the usual case, kept without allocating) or several.
#[derive(Debug)]
enum Positions {
    One(usize),
    Many(Vec<usize>),
}

impl Positions {
    fn as_slice(&self) -> &[usize] {
        match self {
            Self::One(position) => slice::from_ref(position),
            Self::Many(positions) => positions,
        }
    }

    fn push(&mut self, position: usize) {
        match self {
            Self::One(first) => *self = Self::Many(vec![*first, position]),
            Self::Many(positions) => positions.push(position),
        }
    }
}

impl<'a> TextIndex<'a> {
    /// Indexes keys by their position: key `i` is position `i`.
    pub fn from_keys(keys: impl ExactSizeIterator<Item = Cow<'a, str>>) -> Self {
        let mut index = Self(HashMap::with_capacity(keys.len()));
        for (i, key) in keys.enumerate() {
            index.insert(key, i);
        }
        index
    }

    /// Adds a position under a key.
    pub fn insert(&mut self, key: Cow<'a, str>, index: usize) {
        match self.0.entry(key) {
            Entry::Occupied(mut positions) => positions.get_mut().push(index),
            Entry::Vacant(slot) => {
                slot.insert(Positions::One(index));
            }
        }
    }

    /// Positions under a key; empty when absent.
    pub fn get(&self, key: &str) -> &[usize] {
        self.0.get(key).map_or(&[], Positions::as_slice)
    }

    /// True when no key has been added.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every key with its positions.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.0.iter().map(|(k, p)| (k.as_ref(), p.as_slice()))
    }

    /// Keys with more than one position.
    pub fn repeated(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.iter().filter(|(_, p)| p.len() > 1)
    }
}

/// Lookup tables over the ftrack users and the links, built once per plan.
pub struct FtrackIndex<'a> {
    /// The users, in snapshot order.
    pub users: &'a [FtrackUser],
    /// Positions by ftrack id (the last one, should the snapshot repeat an id).
    by_id: HashMap<&'a str, usize>,
    /// Positions by exact username; kept only when usernames are case-sensitive.
    by_exact: Option<TextIndex<'a>>,
    /// Positions by case-folded username.
    by_folded: TextIndex<'a>,
    /// How many users are active.
    active_users: usize,
    links: Vec<ResolvedLink<'a>>,
    /// For each ftrack user, the directory id linked to it.
    linked_to: Vec<Option<&'a DirectoryId>>,
    rule: UsernameRule,
}

/// A stored link whose ftrack user exists.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedLink<'a> {
    /// The directory entry's stable id.
    pub directory_id: &'a DirectoryId,
    /// The ftrack user's position in the snapshot.
    pub ftrack: usize,
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
        let by_id: HashMap<&str, usize> = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let by_folded = TextIndex::from_keys(users.iter().map(|u| fold(&u.username)));
        let by_exact = (rule.0 == UsernameCase::Sensitive).then(|| {
            TextIndex::from_keys(users.iter().map(|u| Cow::Borrowed(u.username.as_str())))
        });
        let (links, linked_to) = resolve_links(links, &by_id, users.len());
        Self {
            users,
            by_id,
            by_exact,
            by_folded,
            active_users: users.iter().filter(|u| u.is_active).count(),
            links,
            linked_to,
            rule,
        }
    }

    /// How many of the users are active.
    pub fn active_users(&self) -> usize {
        self.active_users
    }

    /// The username comparison rule in force.
    pub fn rule(&self) -> UsernameRule {
        self.rule
    }

    /// The index of the user with this id (the last one, should the snapshot repeat an id).
    pub fn by_id(&self, id: &FtrackId) -> Option<usize> {
        self.by_id.get(id.as_str()).copied()
    }

    /// The links whose ftrack user still exists.
    pub fn resolved_links(&self) -> &[ResolvedLink<'a>] {
        &self.links
    }

    /// The directory id an ftrack user is linked to, if any.
    pub fn linked_directory_id(&self, index: usize) -> Option<&'a DirectoryId> {
        self.linked_to.get(index).copied().flatten()
    }

    /// The directory id the ftrack user with this id is linked to, if any.
    pub fn linked_to_id(&self, ftrack_id: &FtrackId) -> Option<&'a DirectoryId> {
        self.by_id(ftrack_id)
            .and_then(|i| self.linked_directory_id(i))
    }

    /// ftrack users whose username is this one under the case rule, in snapshot order.
    pub fn with_username(&self, username: &str) -> &[usize] {
        match &self.by_exact {
            Some(exact) => exact.get(username),
            None => self.with_folded_username(&fold(username)),
        }
    }

    /// ftrack users whose username equals this one ignoring case (whatever the rule), in
    /// snapshot order.
    pub fn with_folded_username(&self, folded: &str) -> &[usize] {
        self.by_folded.get(folded)
    }

    /// For each of these case-folded emails, the ftrack users that have it.
    ///
    /// Only a plan's new emails are looked up, so one scan of the users beats a table of
    /// every email.
    pub fn with_emails(&self, folded: &TextIndex<'_>) -> HashMap<String, Vec<usize>> {
        let mut found: HashMap<String, Vec<usize>> = HashMap::new();
        if folded.is_empty() {
            return found;
        }
        let mut scratch = String::new();
        for (i, user) in self.users.iter().enumerate() {
            let Some(email) = user.email.as_deref().filter(|e| !e.is_empty()) else {
                continue;
            };
            let key = fold_reusing(email, &mut scratch);
            if !folded.get(key).is_empty() {
                found.entry(key.to_string()).or_default().push(i);
            }
        }
        found
    }

    /// Pairs a directory entry with an ftrack user: its link first (`linked`), then username.
    pub fn pair(&self, user: &DirectoryUser, linked: Option<usize>) -> Pairing {
        if let Some(index) = linked {
            return Pairing::Link(index);
        }
        let Some(username) = user.username.as_deref() else {
            return Pairing::None;
        };
        match self.with_username(username) {
            [] => self.case_only(username),
            [one] => Pairing::Username(*one),
            many => Pairing::Ambiguous(many.to_vec()),
        }
    }

    fn case_only(&self, username: &str) -> Pairing {
        if self.by_exact.is_none() {
            return Pairing::None;
        }
        match self.with_folded_username(&fold(username)) {
            [] => Pairing::None,
            [one] => Pairing::CaseOnly(*one),
            many => Pairing::Ambiguous(many.to_vec()),
        }
    }
}

/// The links whose ftrack user exists, and for each ftrack user the directory id linked to it
/// (the last link, should several point at one user).
fn resolve_links<'a>(
    links: &'a Links,
    by_id: &HashMap<&str, usize>,
    users: usize,
) -> (Vec<ResolvedLink<'a>>, Vec<Option<&'a DirectoryId>>) {
    let mut resolved = Vec::with_capacity(links.len());
    let mut linked_to = vec![None; users];
    for (directory_id, ftrack_id) in links {
        if let Some(&ftrack) = by_id.get(ftrack_id.as_str()) {
            linked_to[ftrack] = Some(directory_id);
            resolved.push(ResolvedLink {
                directory_id,
                ftrack,
            });
        }
    }
    (resolved, linked_to)
}

#[cfg(test)]
mod tests {
    use super::{fold, fold_reusing};

    #[test]
    fn folding_into_scratch_agrees_with_folding() {
        let mut scratch = String::from("left over");
        for text in [
            "",
            "anna.k",
            "Anna.K@Studio.Example",
            "ZOË",
            "Ødegård",
            "ΟΔΥΣΣΕΥΣ",
            "mixed Ünïcode AND ascii",
        ] {
            assert_eq!(
                fold_reusing(text, &mut scratch),
                fold(text).as_ref(),
                "{text}"
            );
        }
    }
}
