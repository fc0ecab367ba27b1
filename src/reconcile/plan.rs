//! The plan: what a run would change, item by item. A plain value that serialises to JSON.
//!
//! Items are ordered by action (conflict, create, update, reactivate, deactivate, pending,
//! skip, unchanged), then by username (case-folded, then exact), then by directory id, ftrack id
//! and DN, so the same inputs always give the same plan.

use super::custom::CustomChange;
use super::grace::{GraceState, MissingMarks};
use super::identity::fold;
use super::missing_groups::{MissingGroup, MissingRoleGroup};
use super::needs::Need;
use super::roles::RoleChange;
use super::seats::Seats;
use crate::ids::{DirectoryId, EntryDn, FtrackId, Username};
use crate::model::ReadScope;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Version of the plan's JSON layout. Version 2 added role changes, seats, the reasons for an
/// incomplete read, custom attribute changes, the managed groups the directory lacked, and
/// the grace period (pending items, their grace state, the missing marks), all optional: version 1 plans (and version 2 plans saved before a field was added) read as
/// plans without them.
pub const PLAN_FORMAT_VERSION: u32 = 2;

/// The oldest plan layout still read.
pub const OLDEST_PLAN_FORMAT_VERSION: u32 = 1;

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
    /// Would be deactivated, but waits out its grace period; nothing is changed.
    Pending,
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
            Self::Pending => '?',
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
            Self::Pending => "pending",
            Self::Skip => "skip",
            Self::Unchanged => "unchanged",
        }
    }
}

/// Why an item is left alone, for reports that group skips by reason; the words are in the
/// item's `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Held back by a safety rule (seat limit, incomplete read) or by a change it needs:
    /// a person has to act before it can go ahead.
    Held,
    /// A protected, service or API account: never changed by this tool.
    Protected,
    /// An ftrack user this tool does not manage (no linked directory entry).
    NotManaged,
    /// Outside this run's rollout scope (scope flags, `--no-create` and the like, a read of
    /// changes).
    OutOfScope,
    /// Disabled in the directory and not in ftrack: nothing to create.
    Disabled,
    /// A change nobody approved (or not in the commit).
    NotApproved,
    /// Skipped or ignored by an admin's decision.
    ByAdmin,
}

impl SkipKind {
    /// Every kind, in report order.
    pub const ALL: [SkipKind; 7] = [
        Self::Held,
        Self::Protected,
        Self::NotManaged,
        Self::OutOfScope,
        Self::Disabled,
        Self::NotApproved,
        Self::ByAdmin,
    ];

    /// The kind in words, as a report's sub-heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Held => "held back",
            Self::Protected => "protected",
            Self::NotManaged => "not managed",
            Self::OutOfScope => "out of scope",
            Self::Disabled => "disabled in the directory",
            Self::NotApproved => "not approved",
            Self::ByAdmin => "skipped by an admin",
        }
    }
}

/// Who took a decision and when, as the console or a decisions file recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionMark {
    /// The decision in words ("skip", "ignore", "approve", ...).
    pub decision: String,
    /// The operating-system user who took it.
    pub by: String,
    /// When (UTC, RFC 3339).
    pub at: String,
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
    pub dn: EntryDn,
    /// Stable identity.
    pub id: DirectoryId,
}

/// The ftrack side of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FtrackRef {
    /// ftrack user id.
    pub id: FtrackId,
    /// ftrack username as it is now.
    pub username: Username,
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
    /// A role rule that applies to the user names a role or project ftrack lacks, or a
    /// privileged role without the opt-in.
    RoleRule,
}

/// An ftrack user offered as a resolution for a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// ftrack user id.
    pub id: FtrackId,
    /// ftrack username.
    pub username: Username,
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
    pub username: Username,
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
    /// Managed security role changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleChange>,
    /// Custom attribute changes (on create, every directory value from `null`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<CustomChange>,
    /// Why, in plain language (skips, conflicts, deactivations, unchanged disabled users).
    pub reason: Option<String>,
    /// Conflict details, for conflicts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<ConflictInfo>>,
    /// What this change needs from other items of the plan (a username freed by a rename, a
    /// group the run creates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Need>,
    /// Where the user stands in its grace period: on pending items, and on deactivations
    /// that waited one out (or were brought forward).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace: Option<GraceState>,
    /// Why a skipped item is left alone, as a kind (plans saved before kinds were recorded lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<SkipKind>,
    /// The decision a person took on this item, with who and when, when it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided: Option<DecisionMark>,
}

impl PlanItem {
    /// An item with its action and username and nothing else: no sides, no changes.
    pub fn bare(action: Action, username: Username) -> Self {
        Self {
            action,
            username,
            name: String::new(),
            directory: None,
            ftrack: None,
            matched_by: None,
            changes: Vec::new(),
            groups: GroupChanges::default(),
            roles: Vec::new(),
            custom: Vec::new(),
            reason: None,
            conflict: None,
            needs: Vec::new(),
            grace: None,
            skip: None,
            decided: None,
        }
    }

    /// Drops every change the item would make: fields, groups, roles and custom attributes.
    pub fn drop_operations(&mut self) {
        self.changes.clear();
        self.groups = GroupChanges::default();
        self.roles.clear();
        self.custom.clear();
    }

    /// Turns the item into a skip that says why; it makes no change.
    pub fn skip_because(&mut self, kind: SkipKind, reason: String) {
        self.action = Action::Skip;
        self.skip = Some(kind);
        self.reason = Some(reason);
        self.drop_operations();
    }

    /// The ordering documented in the module docs.
    fn order(&self, other: &Self) -> Ordering {
        if std::ptr::eq(self, other) {
            // A sort may compare an item with itself: not worth formatting it twice.
            return Ordering::Equal;
        }
        self.action
            .cmp(&other.action)
            .then_with(|| fold(&self.username).cmp(&fold(&other.username)))
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
/// Positions are sorted by action and folded username (the rest of the order settles the
/// few ties), then each item is moved once, to its place.
fn sort_items(mut items: Vec<PlanItem>) -> Vec<PlanItem> {
    let mut keys: Vec<(Action, Cow<'_, str>, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.action, fold(&item.username), i))
        .collect();
    keys.sort_unstable_by(|(action, name, i), (other_action, other_name, j)| {
        (action, name)
            .cmp(&(other_action, other_name))
            .then_with(|| items[*i].order(&items[*j]))
    });
    // Where each item goes; the items are then swapped into place, never copied.
    let mut place = vec![0; keys.len()];
    for (position, (_, _, i)) in keys.into_iter().enumerate() {
        place[i] = position;
    }
    for i in 0..items.len() {
        while place[i] != i {
            let target = place[i];
            items.swap(i, target);
            place.swap(i, target);
        }
    }
    items
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
    /// Users waiting out a grace period before deactivation.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pending: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
            Action::Pending => &mut self.pending,
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
    /// Why the directory read was incomplete, when it was (also among `warnings`). Plans saved
    /// before this field lack it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete_read: Vec<String>,
    /// Whether the directory was read whole or only its changes (absent when a plain full read
    /// was made, as before incremental reads existed).
    #[serde(default, skip_serializing_if = "ReadScope::is_plain")]
    pub directory_read: ReadScope,
    /// Managed groups the directory read did not find: nobody is removed from their ftrack
    /// groups this run (also among `warnings`). Plans saved before this field lack it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_groups: Vec<MissingGroup>,
    /// Role rules whose group the directory read did not find: nobody loses the roles they
    /// give this run (also among `warnings`). Plans saved before this field lack it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_role_groups: Vec<MissingRoleGroup>,
    /// Managed ftrack groups that do not exist yet and would be created.
    pub groups_to_create: Vec<String>,
    /// Input sizes.
    pub inputs: Inputs,
    /// Active users before and after, and the seat limit.
    #[serde(default)]
    pub seats: Seats,
    /// The security roles the directory decides (named by a role rule); others are left alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_roles: Vec<String>,
    /// Items in the documented order.
    pub items: Vec<PlanItem>,
    /// When, by whom and against what the plan was computed (plans saved before this field
    /// lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<super::facts::RunFacts>,
    /// The missing marks a run applying this plan records for the next one (see
    /// [`super::grace`]); absent without a grace period, or when the read cannot tell who is
    /// missing (an incomplete read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_marks: Option<MissingMarks>,
    /// A saved plan's digest of its items (see [`super::saved::digest`]); absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl Plan {
    /// Builds a plan from unordered items: sorts them and counts the summary.
    pub fn new(items: Vec<PlanItem>, inputs: Inputs) -> Self {
        let items = sort_items(items);
        Self {
            format_version: PLAN_FORMAT_VERSION,
            summary: Summary::count(&items),
            blocked: None,
            warnings: Vec::new(),
            incomplete_read: Vec::new(),
            directory_read: ReadScope::default(),
            missing_groups: Vec::new(),
            missing_role_groups: Vec::new(),
            groups_to_create: Vec::new(),
            inputs,
            seats: Seats::default(),
            managed_roles: Vec::new(),
            items,
            facts: None,
            missing_marks: None,
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
    use super::*;

    fn item(action: Action, username: &str, dir_id: &str, name: &str) -> PlanItem {
        PlanItem {
            name: name.to_string(),
            directory: Some(DirectoryRef {
                dn: format!("uid={username},dc=test").into(),
                id: dir_id.into(),
            }),
            ..PlanItem::bare(action, username.into())
        }
    }

    #[test]
    fn items_sort_by_action_then_folded_username_then_the_rest() {
        let items = vec![
            item(Action::Create, "bob", "1", ""),
            item(Action::Create, "anna", "b", ""),
            item(Action::Create, "anna", "a", "Y"),
            item(Action::Conflict, "zed", "2", ""),
            item(Action::Create, "Anna", "c", ""),
            item(Action::Create, "anna", "a", "X"),
            item(Action::Create, "Ölaf", "3", ""),
            item(Action::Create, "olaf", "4", ""),
        ];
        let sorted = sort_items(items.clone());
        let got: Vec<(&str, &str, &str)> = sorted
            .iter()
            .map(|i| (i.username.as_str(), dir_id(i), i.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("zed", "2", ""),
                ("Anna", "c", ""),
                ("anna", "a", "X"),
                ("anna", "a", "Y"),
                ("anna", "b", ""),
                ("bob", "1", ""),
                ("olaf", "4", ""),
                ("Ölaf", "3", ""),
            ]
        );
        let mut compared = items;
        compared.sort_by(PlanItem::order);
        assert_eq!(sorted, compared, "the same as sorting by the whole order");
    }

    #[test]
    fn a_skip_keeps_no_change_of_any_kind() {
        use crate::access::RoleScope;
        use crate::reconcile::custom::CustomChange;
        let mut skipped = item(Action::Update, "ana", "d1", "Ana");
        skipped.changes.push(FieldChange {
            field: Field::LastName,
            from: None,
            to: Some(FieldValue::Text("Lima".into())),
        });
        skipped.groups.add.push("FX".into());
        skipped.roles.push(RoleChange::Grant {
            role: "User".into(),
            scope: RoleScope::AllOpenProjects,
            because: "group fx".into(),
        });
        skipped.custom.push(CustomChange {
            key: "phone".into(),
            from: None,
            to: "1".into(),
        });
        skipped.skip_because(
            SkipKind::ByAdmin,
            "skipped in the console for this run".into(),
        );
        assert_eq!(skipped.action, Action::Skip);
        assert!(skipped.changes.is_empty() && skipped.groups.is_empty());
        assert!(skipped.roles.is_empty() && skipped.custom.is_empty());
        assert_eq!(
            skipped.reason.as_deref(),
            Some("skipped in the console for this run")
        );
    }
}
