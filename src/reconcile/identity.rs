//! Pairing directory entries with ftrack users: by stored link first, then by username.

use super::hashed::{Found, HashedPositions, KeyHasher};
use super::policy::UsernameCase;
use super::prefetch::{prefetch, prefetch_ahead, prefetch_text};
use crate::model::{DirectoryUser, FtrackSnapshot, FtrackUser, Links};
use foldhash::{HashMap, HashMapExt, HashSet};
use std::borrow::Cow;

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

/// A multimap from text keys to positions.
#[derive(Debug, Default)]
pub struct TextIndex<'a>(HashMap<Cow<'a, str>, Found>);

impl<'a> TextIndex<'a> {
    /// Adds a position under a key.
    pub fn insert(&mut self, key: Cow<'a, str>, index: usize) {
        self.0.entry(key).or_insert(Found::None).push(index);
    }

    /// Positions under a key; empty when absent.
    pub fn get(&self, key: &str) -> &[usize] {
        self.0.get(key).map_or(&[], Found::as_slice)
    }

    /// Every key with its positions.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.0.iter().map(|(k, p)| (k.as_ref(), p.as_slice()))
    }

    /// Keys with more than one position.
    pub fn repeated(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.0
            .iter()
            .filter(|(_, p)| matches!(p, Found::Many(_)))
            .map(|(k, p)| (k.as_ref(), p.as_slice()))
    }
}

/// Lookup tables over the ftrack users and the links, built once per plan.
pub struct FtrackIndex<'a> {
    /// The users, in snapshot order.
    pub users: &'a [FtrackUser],
    hasher: KeyHasher,
    by_id: HashedPositions,
    by_exact: Option<HashedPositions>,
    by_folded: HashedPositions,
    /// For each user, the hash of its case-folded email (of "" when it has none).
    email_hashes: Vec<u32>,
    /// How many users are active.
    active_users: usize,
    links: Vec<ResolvedLink<'a>>,
    /// For each ftrack user, its entry in `links`, or `NOT_LINKED` (4 bytes a user, so that
    /// filling it at random stays in cache longer).
    linked_to: Vec<u32>,
    rule: UsernameRule,
}

/// Marks an ftrack user no link points at.
const NOT_LINKED: u32 = u32::MAX;

/// A stored link whose ftrack user exists.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedLink<'a> {
    /// The directory entry's stable id.
    pub directory_id: &'a str,
    /// That id's hash under [`FtrackIndex::hasher`].
    pub directory_hash: u32,
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
        // One hasher for every key of the plan, so a key hashed here is never hashed again.
        let hasher = KeyHasher::default();
        let sensitive = rule.0 == UsernameCase::Sensitive;
        // One pass reads each user once for all its keys: with a million users every read
        // of a user is a cache miss, so a second pass would pay them all again.
        let mut id_hashes = Vec::with_capacity(users.len());
        let mut folded_hashes = Vec::with_capacity(users.len());
        let mut exact_hashes = Vec::with_capacity(if sensitive { users.len() } else { 0 });
        let mut email_hashes = Vec::with_capacity(users.len());
        let mut scratch = String::new();
        let mut active_users = 0;
        for (i, user) in users.iter().enumerate() {
            prefetch_ahead(
                users.len(),
                i,
                |ahead| prefetch(&users[ahead]),
                |ahead| {
                    let user = &users[ahead];
                    prefetch_text(&user.id);
                    prefetch_text(&user.username);
                    if let Some(email) = user.email.as_deref() {
                        prefetch_text(email);
                    }
                },
            );
            id_hashes.push(hasher.hash(&user.id));
            folded_hashes.push(hasher.hash(fold_reusing(&user.username, &mut scratch)));
            let email = user.email.as_deref().unwrap_or_default();
            email_hashes.push(hasher.hash(fold_reusing(email, &mut scratch)));
            if sensitive {
                exact_hashes.push(hasher.hash(&user.username));
            }
            active_users += usize::from(user.is_active);
        }
        let by_id = HashedPositions::build(hasher.clone(), &id_hashes);
        let by_folded = HashedPositions::build(hasher.clone(), &folded_hashes);
        let by_exact = sensitive.then(|| HashedPositions::build(hasher.clone(), &exact_hashes));
        drop((id_hashes, folded_hashes, exact_hashes));
        // Walking the map first touches only its nodes; the ids are then hashed with their
        // text asked for a few links ahead.
        let pairs: Vec<(&'a str, &'a str)> = links
            .iter()
            .map(|(dir, ftrack)| (dir.as_str(), ftrack.as_str()))
            .collect();
        let mut directory_hashes = Vec::with_capacity(pairs.len());
        let mut ftrack_hashes = Vec::with_capacity(pairs.len());
        for (k, (dir, ftrack)) in pairs.iter().enumerate() {
            // The pairs themselves sit in one array read in order; only their text is scattered.
            prefetch_ahead(
                pairs.len(),
                k,
                |_| {},
                |ahead| {
                    prefetch_text(pairs[ahead].0);
                    prefetch_text(pairs[ahead].1);
                },
            );
            directory_hashes.push(hasher.hash(dir));
            ftrack_hashes.push(hasher.hash(ftrack));
        }
        let found = by_id.find_newest_each(&ftrack_hashes, |l| pairs[l].1, users, |u| &u.id);
        let mut resolved = Vec::with_capacity(links.len());
        let mut linked_to = vec![NOT_LINKED; users.len()];
        for (l, i) in found.into_iter().enumerate() {
            if let Some(i) = i {
                linked_to[i] = u32::try_from(resolved.len()).expect("fewer than 2^32 links");
                resolved.push(ResolvedLink {
                    directory_id: pairs[l].0,
                    directory_hash: directory_hashes[l],
                    ftrack: i,
                });
            }
        }
        Self {
            users,
            hasher,
            by_id,
            by_exact,
            by_folded,
            email_hashes,
            active_users,
            links: resolved,
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
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id
            .candidates(self.by_id.hash(id))
            .find(|&i| self.users[i].id == id)
    }

    /// The links whose ftrack user still exists.
    pub fn resolved_links(&self) -> &[ResolvedLink<'a>] {
        &self.links
    }

    /// The hasher of every key table in this plan (directory ids hash alike with it).
    pub fn hasher(&self) -> &KeyHasher {
        &self.hasher
    }

    /// The directory id an ftrack user is linked to, if any.
    pub fn linked_directory_id(&self, index: usize) -> Option<&'a str> {
        let link = *self.linked_to.get(index)?;
        (link != NOT_LINKED).then(|| self.links[link as usize].directory_id)
    }

    /// The directory id the ftrack user with this id is linked to, if any.
    pub fn linked_to_id(&self, ftrack_id: &str) -> Option<&'a str> {
        self.by_id(ftrack_id)
            .and_then(|i| self.linked_directory_id(i))
    }

    /// ftrack users whose username is this one under the case rule.
    pub fn with_username(&self, username: &str) -> Found {
        match &self.by_exact {
            Some(exact) => exact.find(username, |i| self.users[i].username == username),
            None => self.with_folded_username(&fold(username)),
        }
    }

    /// ftrack users whose username equals this one ignoring case (whatever the rule).
    pub fn with_folded_username(&self, folded: &str) -> Found {
        self.by_folded
            .find(folded, |i| fold(&self.users[i].username) == folded)
    }

    /// For each of these case-folded emails, the ftrack users that have it.
    ///
    /// Only a plan's new emails are ever looked up, so one scan of the email hashes kept since
    /// indexing beats a table of every email; only users whose hash matches are read again.
    pub fn with_emails(&self, folded: &TextIndex<'_>) -> HashMap<String, Vec<usize>> {
        let mut found: HashMap<String, Vec<usize>> = HashMap::new();
        let wanted: HashSet<u32> = folded
            .iter()
            .map(|(key, _)| self.hasher.hash(key))
            .collect();
        if wanted.is_empty() {
            return found;
        }
        for (i, hash) in self.email_hashes.iter().enumerate() {
            if !wanted.contains(hash) {
                continue;
            }
            let Some(email) = self.users[i].email.as_deref().filter(|e| !e.is_empty()) else {
                continue;
            };
            let key = fold(email);
            if !folded.get(&key).is_empty() {
                found.entry(key.into_owned()).or_default().push(i);
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
            Found::One(one) => Pairing::Username(one),
            Found::None => self.case_only(username),
            Found::Many(many) => Pairing::Ambiguous(many),
        }
    }

    fn case_only(&self, username: &str) -> Pairing {
        if self.by_exact.is_none() {
            return Pairing::None;
        }
        match self.with_folded_username(&fold(username)) {
            Found::None => Pairing::None,
            Found::One(one) => Pairing::CaseOnly(one),
            Found::Many(many) => Pairing::Ambiguous(many),
        }
    }
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
