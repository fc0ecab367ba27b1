//! The plan: what a run would change, item by item. A plain value that serialises to JSON.
//!
//! Items are ordered by action (conflict, create, update, reactivate, deactivate, skip,
//! unchanged), then by username (case-folded, then exact), then by directory id, ftrack id
//! and DN, so the same inputs always give the same plan.

use super::identity::fold;
use super::needs::Need;
use super::prefetch::prefetch;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Version of the plan's JSON layout.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// What happens to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Needs a person to decide; nothing is changed.
    Conflict,
    /// A new ftrack user is created.
    Create,
    /// An existing ftrack user gets new values or group memberships.
    Update,
    /// An inactive ftrack user is activated again (possibly with updates).
    Reactivate,
    /// An active ftrack user is deactivated (never deleted).
    Deactivate,
    /// Left alone, with the reason.
    Skip,
    /// Already in sync.
    Unchanged,
}

impl Action {
    /// The one-character marker used in text output, so colour is never the only signal.
    pub fn marker(self) -> char {
        match self {
            Self::Create => '+',
            Self::Update => '~',
            Self::Deactivate => '-',
            Self::Reactivate => '^',
            Self::Conflict => '!',
            Self::Unchanged => '=',
            Self::Skip => '.',
        }
    }

    /// True for actions that change ftrack.
    pub fn is_change(self) -> bool {
        matches!(
            self,
            Self::Create | Self::Update | Self::Reactivate | Self::Deactivate
        )
    }

    /// The name used in JSON and text.
    pub fn name(self) -> &'static str {
        match self {
            Self::Conflict => "conflict",
            Self::Create => "create",
            Self::Update => "update",
            Self::Reactivate => "reactivate",
            Self::Deactivate => "deactivate",
            Self::Skip => "skip",
            Self::Unchanged => "unchanged",
        }
    }
}

/// A value of a user field: text or a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// `is_active`.
    Flag(bool),
    /// Names, username, email.
    Text(String),
}

/// The user fields this tool manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Login name.
    Username,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Email address.
    Email,
    /// Whether the account may log in.
    IsActive,
}

impl Field {
    /// The ftrack attribute name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Email => "email",
            Self::IsActive => "is_active",
        }
    }
}

/// One field going from its ftrack value to its directory value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Which field.
    pub field: Field,
    /// Current ftrack value (`null` on create).
    pub from: Option<FieldValue>,
    /// Value after the change.
    pub to: Option<FieldValue>,
}

/// Managed-group memberships to add and remove (ftrack group names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChanges {
    /// Groups the user joins.
    pub add: Vec<String>,
    /// Groups the user leaves.
    pub remove: Vec<String>,
}

impl GroupChanges {
    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

/// The directory side of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryRef {
    /// Distinguished name.
    pub dn: String,
    /// Stable identity.
    pub id: String,
}

/// The ftrack side of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FtrackRef {
    /// ftrack user id.
    pub id: String,
    /// ftrack username as it is now.
    pub username: String,
}

/// How a directory entry was paired with an ftrack user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedBy {
    /// A link recorded by an earlier run.
    Link,
    /// The same username; applying the item records a link.
    Username,
}

/// Why an item is a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// Two directory entries map to the same username.
    DuplicateUsername,
    /// Usernames that differ only in letter case.
    CaseOnlyDifference,
    /// The username belongs to an ftrack user linked to another directory entry.
    UsernameTaken,
    /// The email is already used by a different ftrack user (or another directory entry).
    EmailTaken,
    /// A required value (username, email) is missing.
    MissingValue,
    /// A value is present but unusable.
    InvalidValue,
    /// Two directory entries share one stable identity.
    DuplicateIdentity,
}

/// An ftrack user offered as a resolution for a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// ftrack user id.
    pub id: String,
    /// ftrack username.
    pub username: String,
    /// ftrack email.
    pub email: Option<String>,
    /// Whether the account is active.
    pub is_active: bool,
}

/// Details of a conflict: its kind, the ftrack users involved and other directory entries involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictInfo {
    /// The kind.
    pub kind: ConflictKind,
    /// ftrack users involved, best match first.
    pub candidates: Vec<Candidate>,
    /// DNs of other directory entries involved.
    pub other_entries: Vec<String>,
}

/// One user's planned outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// What happens.
    pub action: Action,
    /// The username after the change (or the one known, for skips and conflicts).
    pub username: String,
    /// Display name, "First Last".
    pub name: String,
    /// The directory entry, if any.
    pub directory: Option<DirectoryRef>,
    /// The ftrack user, if any.
    pub ftrack: Option<FtrackRef>,
    /// How the two sides were paired.
    pub matched_by: Option<MatchedBy>,
    /// Field changes (on create, every field from `null`).
    pub changes: Vec<FieldChange>,
    /// Managed-group membership changes.
    pub groups: GroupChanges,
    /// Why, in plain language (skips, conflicts, deactivations, unchanged disabled users).
    pub reason: Option<String>,
    /// Conflict details, for conflicts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<ConflictInfo>>,
    /// What this change needs from other items of the plan (a username freed by a rename, a
    /// group the run creates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Need>,
}

impl PlanItem {
    /// The ordering documented in the module docs; `folded` are the case-folded usernames.
    fn order(&self, folded: &str, other: &Self, other_folded: &str) -> Ordering {
        self.action
            .cmp(&other.action)
            .then_with(|| folded.cmp(other_folded))
            .then_with(|| self.username.cmp(&other.username))
            .then_with(|| dir_id(self).cmp(dir_id(other)))
            .then_with(|| ftrack_id(self).cmp(ftrack_id(other)))
            .then_with(|| dn(self).cmp(dn(other)))
            // Only entries identical in all of the above (a malformed export) get this far.
            .then_with(|| format!("{self:?}").cmp(&format!("{other:?}")))
    }
}

/// Sorts items in the documented order.
///
/// Sorting compact keys (the action and the first fifteen bytes of the folded username in two
/// integers, then the position: 24 bytes) keeps the comparisons in cache and integer-only; the
/// folded usernames and the rest of the order are consulted only for the rare equal keys.
///
/// Returns the items with their summary, counted on the way so that a large plan is not read
/// once more just to count it.
fn sort_items(mut items: Vec<PlanItem>) -> (Vec<PlanItem>, Summary) {
    let mut summary = Summary::default();
    // One pass over the items for the folded names, the keys and the counts.
    let mut folded: Vec<Cow<'_, str>> = Vec::with_capacity(items.len());
    let mut keys: Vec<(u64, u64, u32)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        summary.add(item.action);
        let name = fold(&item.username);
        let (high, low) = prefix(item.action, &name);
        keys.push((high, low, position(i)));
        folded.push(name);
    }
    keys.sort_unstable_by(|a, b| {
        if a.2 == b.2 {
            // The sort may compare an element with itself; skip the full comparison then.
            return Ordering::Equal;
        }
        (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| {
            let (i, j) = (a.2 as usize, b.2 as usize);
            folded[i]
                .cmp(&folded[j])
                .then_with(|| items[i].order(&folded[i], &items[j], &folded[j]))
        })
    });
    drop(folded);
    let mut source: Vec<u32> = keys.into_iter().map(|k| k.2).collect();
    permute_in_place(&mut items, &mut source);
    (items, summary)
}

/// How many moves ahead [`permute_in_place`] asks for the value a cycle reaches next.
const CYCLE_LOOKAHEAD: usize = 16;

/// Moves values so that slot `i` receives the value that was at `source[i]`; `source` must be
/// a permutation and ends up the identity.
///
/// Each cycle of the permutation is followed once, so values are moved rather than copied into
/// a second large vector. The slots a cycle visits next are known in advance, so their values
/// are asked for [`CYCLE_LOOKAHEAD`] moves ahead: with a million items each move would
/// otherwise wait on memory.
fn permute_in_place<T>(values: &mut [T], source: &mut [u32]) {
    for start in 0..source.len() {
        if source[start] as usize == start {
            continue;
        }
        // `ahead` walks the cycle in front of `current` and stops when it is back at `start`;
        // the entries it reads are those of slots not yet moved, so they are still unchanged.
        let mut ahead = start;
        for _ in 0..CYCLE_LOOKAHEAD {
            ahead = source[ahead] as usize;
            if ahead == start {
                break;
            }
            prefetch(&values[ahead]);
        }
        let mut current = start;
        while source[current] as usize != start {
            let next = source[current] as usize;
            if ahead != start {
                ahead = source[ahead] as usize;
                if ahead != start {
                    prefetch(&values[ahead]);
                }
            }
            values.swap(current, next);
            source[current] = position(current);
            current = next;
        }
        source[current] = position(current);
    }
}

/// An item position as a compact sort key; plans never hold four billion items.
fn position(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 plan items")
}

/// The action's rank and the first fifteen bytes of a string as a big-endian 128-bit number,
/// split in two halves: ordering these agrees with ordering by action, then by the string.
fn prefix(action: Action, text: &str) -> (u64, u64) {
    let mut bytes = [0u8; 16];
    bytes[0] = action as u8;
    for (slot, byte) in bytes[1..].iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    let number = u128::from_be_bytes(bytes);
    ((number >> 64) as u64, number as u64)
}

fn dir_id(item: &PlanItem) -> &str {
    item.directory.as_ref().map_or("", |d| d.id.as_str())
}

fn dn(item: &PlanItem) -> &str {
    item.directory.as_ref().map_or("", |d| d.dn.as_str())
}

fn ftrack_id(item: &PlanItem) -> &str {
    item.ftrack.as_ref().map_or("", |f| f.id.as_str())
}

/// Count of items per action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Users created.
    pub create: usize,
    /// Users updated.
    pub update: usize,
    /// Users deactivated.
    pub deactivate: usize,
    /// Users reactivated.
    pub reactivate: usize,
    /// Conflicts to resolve.
    pub conflict: usize,
    /// Users left alone.
    pub skip: usize,
    /// Users already in sync.
    pub unchanged: usize,
}

impl Summary {
    /// Counts the items of a plan.
    pub fn count(items: &[PlanItem]) -> Self {
        let mut s = Self::default();
        for item in items {
            s.add(item.action);
        }
        s
    }

    /// Counts one more item with this action.
    pub fn add(&mut self, action: Action) {
        *match action {
            Action::Create => &mut self.create,
            Action::Update => &mut self.update,
            Action::Deactivate => &mut self.deactivate,
            Action::Reactivate => &mut self.reactivate,
            Action::Conflict => &mut self.conflict,
            Action::Skip => &mut self.skip,
            Action::Unchanged => &mut self.unchanged,
        } += 1;
    }

    /// Number of items that change ftrack.
    pub fn changes(&self) -> usize {
        self.create + self.update + self.deactivate + self.reactivate
    }
}

/// Sizes of the inputs the plan was computed from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// Directory entries read.
    pub directory_users: usize,
    /// Whether the directory read was complete.
    pub directory_complete: bool,
    /// ftrack users read.
    pub ftrack_users: usize,
    /// Identity links known before this run.
    pub links: usize,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Layout version, see [`PLAN_FORMAT_VERSION`].
    pub format_version: u32,
    /// Counts per action.
    pub summary: Summary,
    /// Why unattended apply must refuse this plan, if it must.
    pub blocked: Option<String>,
    /// Things the admin should know that are not about one user.
    pub warnings: Vec<String>,
    /// Managed ftrack groups that do not exist yet and would be created.
    pub groups_to_create: Vec<String>,
    /// Input sizes.
    pub inputs: Inputs,
    /// Items in the documented order.
    pub items: Vec<PlanItem>,
    /// A saved plan's digest of its items (see [`super::saved::digest`]); absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl Plan {
    /// Builds a plan from unordered items: sorts them and counts the summary.
    pub fn new(items: Vec<PlanItem>, inputs: Inputs) -> Self {
        let (items, summary) = sort_items(items);
        Self {
            format_version: PLAN_FORMAT_VERSION,
            summary,
            blocked: None,
            warnings: Vec::new(),
            groups_to_create: Vec::new(),
            inputs,
            items,
            digest: None,
        }
    }

    /// True when applying the plan would change ftrack.
    pub fn has_changes(&self) -> bool {
        self.summary.changes() > 0 || !self.groups_to_create.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::permute_in_place;

    /// The permutation by copying: slot `i` gets `values[source[i]]`.
    fn gathered(values: &[u64], source: &[u32]) -> Vec<u64> {
        source.iter().map(|&s| values[s as usize]).collect()
    }

    /// A pseudo-random permutation of `n` positions (xorshift-driven Fisher-Yates).
    fn shuffled(n: usize, mut seed: u64) -> Vec<u32> {
        let mut order: Vec<u32> = (0..n as u32).collect();
        for i in (1..n).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        order
    }

    #[test]
    fn permuting_in_place_matches_copying() {
        for (n, seed) in [(0, 1), (1, 2), (2, 3), (17, 4), (1000, 5), (50_000, 6)] {
            let values: Vec<u64> = (0..n as u64).map(|v| v * 7 + 3).collect();
            let source = shuffled(n, seed);
            let want = gathered(&values, &source);
            let (mut got, mut work) = (values.clone(), source.clone());
            permute_in_place(&mut got, &mut work);
            assert_eq!(got, want, "{n} values");
            assert!(work.iter().enumerate().all(|(i, &s)| s as usize == i));
        }
    }

    #[test]
    fn cycles_shorter_and_longer_than_the_lookahead_are_both_followed() {
        // One long cycle (each slot takes the next one's value) and many two-cycles.
        let n = 1000;
        let long: Vec<u32> = (0..n as u32).map(|i| (i + 1) % n as u32).collect();
        let pairs: Vec<u32> = (0..n as u32).map(|i| i ^ 1).collect();
        for source in [long, pairs] {
            let values: Vec<u64> = (0..n as u64).collect();
            let want = gathered(&values, &source);
            let (mut got, mut work) = (values, source);
            permute_in_place(&mut got, &mut work);
            assert_eq!(got, want);
        }
    }
}
