//! Maps pages of raw entries to users on a thread of its own, so that the next page is being
//! fetched from the server while the last one is mapped.

use super::groups::GroupIndex;
use crate::model::DirectoryUser;
use crate::source::entry::RawEntry;
use crate::source::mapping::map_entry;
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
}

/// A running mapping thread.
pub struct PageMapper {
    pages: Sender<Vec<RawEntry>>,
    worker: JoinHandle<Mapped>,
}

impl PageMapper {
    /// Starts the thread; `index` adds group-search memberships when present.
    pub fn start(mapping: Mapping, index: Option<GroupIndex>, today: Date) -> Self {
        let (pages, received) = channel::<Vec<RawEntry>>();
        let worker = std::thread::spawn(move || {
            let mut mapped = Mapped::default();
            for page in received {
                for entry in &page {
                    mapped
                        .users
                        .push(map_one(entry, &mapping, index.as_ref(), today));
                    if entry.values(&mapping.id.attribute).is_empty() {
                        mapped.dn_identities += 1;
                    }
                }
            }
            mapped
        });
        Self { pages, worker }
    }

    /// Hands a page over; it is mapped in the background.
    pub fn push(&self, page: Vec<RawEntry>) {
        // The worker only stops when the sender is dropped, so sending cannot fail before `finish`.
        let _ = self.pages.send(page);
    }

    /// Waits for every page handed over to be mapped.
    pub fn finish(self) -> Mapped {
        drop(self.pages);
        self.worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// One entry mapped, with memberships from the group search merged into its `memberOf` groups.
pub fn map_one(
    entry: &RawEntry,
    mapping: &Mapping,
    index: Option<&GroupIndex>,
    today: Date,
) -> DirectoryUser {
    let mut user = map_entry(entry, mapping, today);
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
