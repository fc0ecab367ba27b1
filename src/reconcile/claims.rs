//! Settles which directory entry gets which ftrack user when several could.
//!
//! Every ftrack user a directory entry points at (by link or by username) is "claimed" even when
//! the entry ends up a conflict, so that it is never deactivated as missing while the conflict
//! is open.

use super::conflict::info;
use super::identity::{FtrackIndex, Pairing, TextIndex, fold};
use super::plan::{ConflictInfo, ConflictKind, MatchedBy};
use super::policy::UsernameCase;
use crate::ids::DirectoryId;
use crate::model::{DirectoryUser, FtrackUser};
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::slice;

/// A pairing that could not be settled, with the ftrack users it still claims.
#[derive(Debug, Clone)]
pub struct PairingConflict {
    /// The kind.
    pub kind: ConflictKind,
    /// Plain-language reason.
    pub reason: String,
    /// Candidates and other entries.
    pub info: ConflictInfo,
    /// ftrack users (indexes) this entry points at.
    pub claims: Vec<usize>,
}

/// The settled pairing of one directory entry.
#[derive(Debug, Clone)]
pub enum Resolution {
    /// Paired with this ftrack user (index).
    Matched(usize, MatchedBy),
    /// No ftrack user: a create candidate.
    Unmatched,
    /// Needs a person.
    Conflict(Box<PairingConflict>),
}

impl Resolution {
    /// ftrack users (indexes) this entry claims.
    pub fn claims(&self) -> &[usize] {
        match self {
            Self::Matched(f, _) => slice::from_ref(f),
            Self::Unmatched => &[],
            Self::Conflict(c) => &c.claims,
        }
    }

    /// The paired ftrack user, when settled.
    pub fn matched(&self) -> Option<(usize, MatchedBy)> {
        match self {
            Self::Matched(f, by) => Some((*f, *by)),
            _ => None,
        }
    }
}

/// Pairs every entry, then settles duplicate identities, contested ftrack users and username collisions.
pub fn resolve_pairings(users: &[DirectoryUser], index: &FtrackIndex) -> Vec<Resolution> {
    let (linked, ids) = link_directory_users(users, index);
    let pairings: Vec<Pairing> = users
        .iter()
        .zip(linked)
        .map(|(u, l)| index.pair(u, l))
        .collect();
    let mut out: Vec<Resolution> = pairings
        .iter()
        .map(|p| match p {
            Pairing::Link(f) => Resolution::Matched(*f, MatchedBy::Link),
            Pairing::Username(f) => Resolution::Matched(*f, MatchedBy::Username),
            Pairing::None => Resolution::Unmatched,
            Pairing::Ambiguous(many) => ambiguous(&users_of(index, many), many.clone()),
            Pairing::CaseOnly(f) => case_only(&index.users[*f], *f),
        })
        .collect();
    settle_duplicate_ids(users, &ids, &mut out);
    settle_contested(users, index, &mut out);
    if reconsider_freed_names(users, &pairings, index, &mut out) {
        settle_contested(users, index, &mut out);
    }
    settle_username_collisions(users, &mut out);
    out
}

/// Case clashes with ftrack users that give their login up in this plan (their one linked
/// entry renames them) are not clashes: those entries are re-paired without them.
fn reconsider_freed_names(
    users: &[DirectoryUser],
    pairings: &[Pairing],
    index: &FtrackIndex,
    out: &mut [Resolution],
) -> bool {
    let clashes = |p: &Pairing| matches!(p, Pairing::CaseOnly(_) | Pairing::Ambiguous(_));
    if !pairings.iter().any(clashes) {
        return false;
    }
    let freed = renamed_away(users, out, index);
    let mut changed = false;
    for (i, pairing) in pairings.iter().enumerate() {
        let still_case_clash = matches!(
            &out[i],
            Resolution::Conflict(c) if c.kind == ConflictKind::CaseOnlyDifference
        );
        let candidates: &[usize] = match pairing {
            Pairing::CaseOnly(f) => slice::from_ref(f),
            Pairing::Ambiguous(many) => many,
            _ => continue,
        };
        if !still_case_clash || !candidates.iter().any(|&f| freed[f]) {
            continue;
        }
        let left: Vec<usize> = candidates.iter().copied().filter(|&f| !freed[f]).collect();
        out[i] = match (left.as_slice(), pairing) {
            ([], _) => Resolution::Unmatched,
            ([one], Pairing::Ambiguous(_)) if index.rule().0 == UsernameCase::Insensitive => {
                Resolution::Matched(*one, MatchedBy::Username)
            }
            ([one], _) => case_only(&index.users[*one], *one),
            _ => ambiguous(&users_of(index, &left), left.clone()),
        };
        changed = true;
    }
    changed
}

/// Pairs an entry by username as if ftrack user `freed` (renamed away in this plan) did not
/// exist; the result is settled again with the others.
fn pair_without(user: &DirectoryUser, freed: usize, index: &FtrackIndex) -> Resolution {
    let Some(name) = user.username.as_deref() else {
        return Resolution::Unmatched;
    };
    let left: Vec<usize> = index
        .with_folded_username(&fold(name))
        .iter()
        .copied()
        .filter(|&f| f != freed)
        .collect();
    let sensitive = index.rule().0 == UsernameCase::Sensitive;
    if let Some(&exact) = left.iter().find(|&&f| index.users[f].username == name) {
        return Resolution::Matched(exact, MatchedBy::Username);
    }
    match left.as_slice() {
        [] => Resolution::Unmatched,
        [one] if !sensitive => Resolution::Matched(*one, MatchedBy::Username),
        [one] => case_only(&index.users[*one], *one),
        _ => ambiguous(&users_of(index, &left), left.clone()),
    }
}

/// ftrack users whose single linked, active directory entry gives them a different login.
fn renamed_away(users: &[DirectoryUser], out: &[Resolution], index: &FtrackIndex) -> Vec<bool> {
    let mut owners = vec![0u32; index.users.len()];
    let mut freed = vec![false; index.users.len()];
    for (user, resolution) in users.iter().zip(out) {
        if let Resolution::Matched(f, MatchedBy::Link) = resolution {
            owners[*f] += 1;
            freed[*f] = user.active
                && user
                    .username
                    .as_deref()
                    .is_some_and(|name| fold(name) != fold(&index.users[*f].username));
        }
    }
    for (free, count) in freed.iter_mut().zip(owners) {
        *free &= count == 1;
    }
    freed
}

fn users_of<'a>(index: &FtrackIndex<'a>, indexes: &[usize]) -> Vec<&'a FtrackUser> {
    indexes.iter().map(|&i| &index.users[i]).collect()
}

fn conflict(
    kind: ConflictKind,
    reason: String,
    candidates: &[&FtrackUser],
    others: Vec<String>,
    claims: Vec<usize>,
) -> Resolution {
    Resolution::Conflict(Box::new(PairingConflict {
        kind,
        reason,
        info: info(kind, candidates, others),
        claims,
    }))
}

fn ambiguous(candidates: &[&FtrackUser], claims: Vec<usize>) -> Resolution {
    let mut names: Vec<&str> = candidates.iter().map(|u| u.username.as_str()).collect();
    names.sort_unstable();
    conflict(
        ConflictKind::CaseOnlyDifference,
        format!(
            "ftrack has several users whose usernames differ only in case: {}",
            names.join(", ")
        ),
        candidates,
        Vec::new(),
        claims,
    )
}

fn case_only(ftrack: &FtrackUser, f: usize) -> Resolution {
    conflict(
        ConflictKind::CaseOnlyDifference,
        format!(
            "the username differs only in letter case from ftrack user {:?}",
            ftrack.username
        ),
        &[ftrack],
        Vec::new(),
        vec![f],
    )
}

/// Finds each directory entry's linked ftrack user, and indexes the entries by identity.
fn link_directory_users<'u>(
    users: &'u [DirectoryUser],
    index: &FtrackIndex,
) -> (Vec<Option<usize>>, TextIndex<'u>) {
    let ids = TextIndex::from_keys(users.iter().map(|u| Cow::Borrowed(u.id.as_str())));
    let mut linked = vec![None; users.len()];
    for link in index.resolved_links() {
        // Entries that repeat the identity are linked too (they become conflicts later).
        for &d in ids.get(link.directory_id) {
            linked[d] = Some(link.ftrack);
        }
    }
    (linked, ids)
}

/// Entries sharing one stable identity (`ids` holds every entry's) cannot be told apart: all
/// of them are conflicts.
fn settle_duplicate_ids(users: &[DirectoryUser], ids: &TextIndex, out: &mut [Resolution]) {
    for (id, entries) in ids.repeated() {
        for &i in entries {
            let others = other_dns(users, entries, i);
            let claims = out[i].claims().to_vec();
            out[i] = conflict(
                ConflictKind::DuplicateIdentity,
                format!(
                    "{} directory entries share the identity {id:?}",
                    entries.len()
                ),
                &[],
                others,
                claims,
            );
        }
    }
}

/// One ftrack user pointed at by several entries, or by an entry while linked to another.
fn settle_contested(users: &[DirectoryUser], index: &FtrackIndex, out: &mut [Resolution]) {
    for (f, entries) in contested(users, index, out) {
        let contest = Contest::new(users, index, out, f, entries);
        for &i in &contest.entries {
            let is_link = contest.by_link.contains(&i);
            if contest.freed && !is_link {
                out[i] = pair_without(&users[i], f, index);
            } else if let Some((kind, why)) = contest.reason(users, is_link) {
                let others = other_dns(users, &contest.entries, i);
                out[i] = conflict(kind, why, &[contest.ftrack], others, vec![f]);
            }
        }
    }
}

/// The ftrack users claimed twice, or claimed by username while linked to another entry,
/// each with the entries claiming it. Most ftrack users are claimed once and skipped.
fn contested(
    users: &[DirectoryUser],
    index: &FtrackIndex,
    out: &[Resolution],
) -> HashMap<usize, Vec<usize>> {
    let mut count = vec![0u32; index.users.len()];
    for (f, _) in out.iter().filter_map(Resolution::matched) {
        count[f] += 1;
    }
    let mut claimers: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in out.iter().enumerate() {
        if let Some((f, by)) = r.matched() {
            let linked_elsewhere = by == MatchedBy::Username
                && index
                    .linked_directory_id(f)
                    .is_some_and(|d| d != &users[i].id);
            if count[f] > 1 || linked_elsewhere {
                claimers.entry(f).or_default().push(i);
            }
        }
    }
    claimers
}

/// Everything that decides who gets one contested ftrack user.
struct Contest<'a> {
    ftrack: &'a FtrackUser,
    entries: Vec<usize>,
    /// The claiming entries linked to it by an earlier run.
    by_link: Vec<usize>,
    /// The link owner renames the ftrack user, which frees the username for the others.
    freed: bool,
    /// The entry it is linked to, when that entry is not among the claimers (it left).
    linked_elsewhere: Option<&'a DirectoryId>,
}

impl<'a> Contest<'a> {
    fn new(
        users: &[DirectoryUser],
        index: &FtrackIndex<'a>,
        out: &[Resolution],
        f: usize,
        entries: Vec<usize>,
    ) -> Self {
        let ftrack = &index.users[f];
        let by_link: Vec<usize> = entries
            .iter()
            .copied()
            .filter(|&i| matches!(out[i], Resolution::Matched(_, MatchedBy::Link)))
            .collect();
        let freed = by_link.len() == 1 && {
            let owner = &users[by_link[0]];
            owner.active
                && owner
                    .username
                    .as_deref()
                    .is_some_and(|n| !index.rule().same(n, &ftrack.username))
        };
        let linked_elsewhere = index
            .linked_directory_id(f)
            .filter(|dir_id| !entries.iter().any(|&i| &users[i].id == *dir_id));
        Self {
            ftrack,
            entries,
            by_link,
            freed,
            linked_elsewhere,
        }
    }

    /// Why a claimer cannot have the ftrack user, or `None` when it keeps it.
    fn reason(&self, users: &[DirectoryUser], is_link: bool) -> Option<(ConflictKind, String)> {
        let name = &self.ftrack.username;
        let links = self.by_link.len();
        if links > 1 && is_link {
            Some((
                ConflictKind::DuplicateIdentity,
                format!("several directory entries are linked to ftrack user {name:?}"),
            ))
        } else if links == 1 && !is_link {
            let owner = &users[self.by_link[0]].dn;
            Some((
                ConflictKind::UsernameTaken,
                format!(
                    "username {name:?} belongs to an ftrack user linked to another directory entry ({owner})"
                ),
            ))
        } else if links > 1 {
            Some((
                ConflictKind::UsernameTaken,
                format!(
                    "username {name:?} belongs to an ftrack user linked to other directory entries"
                ),
            ))
        } else if let Some(owner) = self.linked_elsewhere.filter(|_| !is_link) {
            Some((
                ConflictKind::UsernameTaken,
                format!(
                    "username {name:?} belongs to an ftrack user linked to directory entry {owner:?}, which is no longer in the directory; link this entry to it or choose another username"
                ),
            ))
        } else if links == 0 && self.entries.len() > 1 {
            Some((
                ConflictKind::DuplicateUsername,
                format!(
                    "{} directory entries map to ftrack user {name:?}",
                    self.entries.len()
                ),
            ))
        } else {
            None
        }
    }
}

/// New users (no ftrack user yet) whose usernames are equal ignoring case are all conflicts,
/// reported as duplicates or case-only differences. Matched users are not compared here: a
/// rename onto a taken name is caught by the uniqueness pass on the plan's final state.
fn settle_username_collisions(users: &[DirectoryUser], out: &mut [Resolution]) {
    let claimant = |i: usize| -> Option<&str> {
        // Matched users that rename are checked against the final state by the uniqueness
        // pass; here only new users are compared with each other.
        if !matches!(out[i], Resolution::Unmatched) {
            return None;
        }
        let u = &users[i];
        u.active.then_some(u.username.as_deref()).flatten()
    };
    let mut names = TextIndex::default();
    for i in 0..users.len() {
        if let Some(name) = claimant(i) {
            names.insert(fold(name), i);
        }
    }
    let groups: Vec<Vec<usize>> = names.repeated().map(|(_, e)| e.to_vec()).collect();
    for entries in groups {
        // Each spelling once, in the order of the entries' DNs, so the reason does not depend
        // on the order the directory returned them in.
        let mut by_dn: Vec<usize> = entries.clone();
        by_dn.sort_by(|&a, &b| users[a].dn.cmp(&users[b].dn));
        let mut names: Vec<&str> = Vec::new();
        for name in by_dn.iter().filter_map(|&i| users[i].username.as_deref()) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let same_case = names.len() == 1;
        for &i in &entries {
            let (kind, why) = if same_case {
                (
                    ConflictKind::DuplicateUsername,
                    format!(
                        "{} directory entries map to username {:?}",
                        entries.len(),
                        names[0]
                    ),
                )
            } else {
                (
                    ConflictKind::CaseOnlyDifference,
                    format!(
                        "directory usernames {} differ only in letter case",
                        quoted(&names)
                    ),
                )
            };
            // New users claim no ftrack user, so there are no candidates to offer.
            out[i] = conflict(kind, why, &[], other_dns(users, &entries, i), Vec::new());
        }
    }
}

/// `"a"`, `"a" and "b"`, `"a", "b" and "c"`.
fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

fn other_dns(users: &[DirectoryUser], entries: &[usize], me: usize) -> Vec<String> {
    entries
        .iter()
        .filter(|&&i| i != me)
        .map(|&i| users[i].dn.to_string())
        .collect()
}
