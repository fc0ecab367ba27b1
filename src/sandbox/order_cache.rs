//! The full, ordered results of the last few paged queries, kept so that reading page after
//! page of the same query costs one sort, not one per page, even when reads of other queries
//! (groups, roles, custom attributes) come in between.
//!
//! An entry is valid only for the store generation it was computed at: any write makes it stale.
//! Queries run side by side under the store's read lock, so the memo has a lock of its own.

use std::sync::{Arc, Mutex, MutexGuard};

/// Queries remembered at once; the one used longest ago makes room.
const ENTRIES: usize = 8;

/// Memo of a few queries' ordered rows (as store sequence numbers), the last used first.
#[derive(Debug, Default)]
pub struct OrderCache(Mutex<Vec<Entry>>);

#[derive(Debug)]
struct Entry {
    generation: u64,
    query: String,
    rows: Arc<[u64]>,
}

impl Clone for OrderCache {
    /// A copied store starts with an empty cache.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl OrderCache {
    /// The entries, recovered from a query that panicked while holding them (a memo only).
    fn entries(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The ordered rows of `query` if they were computed at `generation`.
    pub fn get(&self, generation: u64, query: &str) -> Option<Arc<[u64]>> {
        let mut entries = self.entries();
        let found = entries
            .iter()
            .position(|e| e.generation == generation && e.query == query)?;
        let entry = entries.remove(found);
        let rows = Arc::clone(&entry.rows);
        entries.insert(0, entry);
        Some(rows)
    }

    /// Remembers the ordered rows of `query` at `generation`; stale entries are dropped, and
    /// the one used longest ago when the cache is full.
    pub fn put(&self, generation: u64, query: String, rows: Arc<[u64]>) {
        let mut entries = self.entries();
        entries.retain(|e| e.generation == generation && e.query != query);
        entries.truncate(ENTRIES - 1);
        entries.insert(
            0,
            Entry {
                generation,
                query,
                rows,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(values: &[u64]) -> Arc<[u64]> {
        values.into()
    }

    #[test]
    fn interleaved_queries_keep_their_orders_until_a_write() {
        let cache = OrderCache::default();
        cache.put(1, "users".into(), rows(&[3, 1]));
        cache.put(1, "groups".into(), rows(&[2]));
        assert_eq!(cache.get(1, "users").as_deref(), Some(&[3, 1][..]));
        assert_eq!(cache.get(1, "groups").as_deref(), Some(&[2][..]));
        assert_eq!(cache.get(2, "users"), None, "a write makes them stale");
    }

    #[test]
    fn the_query_used_longest_ago_makes_room() {
        let cache = OrderCache::default();
        for n in 0..ENTRIES as u64 {
            cache.put(1, format!("q{n}"), rows(&[n]));
        }
        assert!(cache.get(1, "q0").is_some(), "q0 is now the last used");
        cache.put(1, "new".into(), rows(&[9]));
        assert!(cache.get(1, "q1").is_none(), "q1 was used longest ago");
        assert!(cache.get(1, "q0").is_some());
        assert!(cache.get(1, "new").is_some());
    }
}
