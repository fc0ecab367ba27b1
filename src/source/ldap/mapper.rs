//! Decodes and maps the pages of a user search to users as they are handed over: the paged
//! search hands a page over once it has asked for the next, so the server produces that one
//! while this one is mapped.
//!
//! This is done on the reading thread rather than a thread of its own: with the server
//! working meanwhile, a second thread gained nothing on a two-core machine and cost the
//! allocator its frees across threads (`cargo bench --bench live` measures the read against
//! `ldapsearch`).

use super::changes::ChangeTracking;
use super::groups::GroupIndex;
use super::search::{PageFindings, RawPage};
use crate::model::{DirectoryUser, SharedGroups};
use crate::source::entry::{AttributeNames, RawEntry};
use crate::source::mapping::map_entry_sharing;
use crate::source::mapping_rules::Mapping;
use jiff::civil::Date;

/// Users mapped so far and how many were identified by their DN.
#[derive(Debug, Default)]
pub struct Mapped {
    /// The users, in the order their entries arrived.
    pub users: Vec<DirectoryUser>,
    /// Entries without the identity attribute.
    pub dn_identities: usize,
    groups: SharedGroups,
}

impl Mapped {
    /// None yet, with room for `users` users.
    pub fn with_capacity(users: usize) -> Self {
        Self {
            users: Vec::with_capacity(users),
            ..Self::default()
        }
    }

    /// Maps one entry and adds the user.
    pub fn add(
        &mut self,
        entry: &RawEntry,
        mapping: &Mapping,
        index: Option<&GroupIndex>,
        today: Date,
    ) {
        let user = map_one(entry, mapping, index, today, &mut self.groups);
        self.users.push(user);
        if entry.values(&mapping.id.attribute).is_empty() {
            self.dn_identities += 1;
        }
    }

    /// Adds the users mapped apart from these, after them.
    pub fn append(&mut self, other: Mapped) {
        self.users.extend(other.users);
        self.dn_identities += other.dn_identities;
    }
}

/// Maps the pages of one user search, sharing attribute names and group values between them.
pub struct PageMapper<'a> {
    mapping: &'a Mapping,
    index: Option<&'a GroupIndex>,
    today: Date,
    tracking: Option<&'a mut ChangeTracking>,
    names: AttributeNames,
    findings: PageFindings,
    mapped: Mapped,
}

impl<'a> PageMapper<'a> {
    /// Maps with `mapping`; `index` adds group-search memberships when present, and
    /// `tracking` notes the change markers of a read that keeps a watermark.
    pub fn new(
        mapping: &'a Mapping,
        index: Option<&'a GroupIndex>,
        today: Date,
        tracking: Option<&'a mut ChangeTracking>,
    ) -> Self {
        Self {
            mapping,
            index,
            today,
            tracking,
            names: AttributeNames::default(),
            findings: PageFindings::default(),
            mapped: Mapped::default(),
        }
    }

    /// Decodes one page and adds its users.
    pub fn map(&mut self, page: RawPage) {
        let entries = page.decode(&mut self.names, &mut self.findings);
        if let Some(tracking) = self.tracking.as_deref_mut() {
            tracking.observe(&entries);
        }
        for entry in &entries {
            self.mapped.add(entry, self.mapping, self.index, self.today);
        }
    }

    /// The users, and what decoding found beside entries.
    pub fn finish(self) -> (Mapped, PageFindings) {
        (self.mapped, self.findings)
    }
}

/// One entry mapped, with memberships from the group search merged into its `memberOf` groups.
fn map_one(
    entry: &RawEntry,
    mapping: &Mapping,
    index: Option<&GroupIndex>,
    today: Date,
    shared: &mut SharedGroups,
) -> DirectoryUser {
    let mut user = map_entry_sharing(entry, mapping, today, shared);
    if let Some(index) = index {
        user.groups = index.groups_of(&entry.dn, &logins(entry), &user.groups);
    }
    user
}

/// The user's login values, matched against posixGroup `memberUid`.
fn logins(entry: &RawEntry) -> Vec<String> {
    entry
        .values("uid")
        .iter()
        .filter_map(|v| std::str::from_utf8(v).ok())
        .map(str::to_string)
        .collect()
}
