//! Decodes and maps pages of search results to users on a thread of its own, so that the next
//! page is being fetched from the server while the last one is decoded and mapped.

use super::changes::MarkerWatch;
use super::groups::GroupIndex;
use super::search::{PageFindings, RawPage};
use crate::model::{DirectoryUser, SharedGroups};
use crate::source::entry::{AttributeNames, RawEntry};
use crate::source::mapping::map_entry_sharing;
use crate::source::mapping_rules::Mapping;
use jiff::civil::Date;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

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

/// A running mapping thread.
pub struct PageMapper {
    pages: Sender<RawPage>,
    worker: JoinHandle<(Mapped, PageFindings, Option<MarkerWatch>)>,
}

impl PageMapper {
    /// Starts the thread; `index` adds group-search memberships when present, and `watch`
    /// notes the change markers of a read that keeps a watermark.
    pub fn start(
        mapping: Mapping,
        index: Option<GroupIndex>,
        today: Date,
        mut watch: Option<MarkerWatch>,
    ) -> Self {
        let (pages, received) = channel::<RawPage>();
        let worker = std::thread::spawn(move || {
            let mut mapped = Mapped::default();
            let mut names = AttributeNames::default();
            let mut findings = PageFindings::default();
            for page in received {
                let entries = page.decode(&mut names, &mut findings);
                if let Some(watch) = watch.as_mut() {
                    watch.observe(&entries);
                }
                for entry in &entries {
                    mapped.add(entry, &mapping, index.as_ref(), today);
                }
            }
            (mapped, findings, watch)
        });
        Self { pages, worker }
    }

    /// Hands a page over; it is decoded and mapped in the background.
    pub fn push(&self, page: RawPage) {
        // The worker only stops when the sender is dropped, so sending cannot fail before `finish`.
        let _ = self.pages.send(page);
    }

    /// Waits for every page handed over to be mapped; the users, what decoding found beside
    /// entries, and the markers watched.
    pub fn finish(self) -> (Mapped, PageFindings, Option<MarkerWatch>) {
        drop(self.pages);
        self.worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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
