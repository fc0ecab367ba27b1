//! The full, ordered result of the last paged query, kept so that reading page after page of
//! the same query costs one sort, not one per page.
//!
//! An entry is valid only for the store generation it was computed at: any write makes it stale.

use std::cell::RefCell;
use std::sync::Arc;

/// Memo of one query's ordered rows (as store sequence numbers).
#[derive(Debug, Default)]
pub struct OrderCache(RefCell<Option<Entry>>);

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
    /// The ordered rows of `query` if they were computed at `generation`.
    pub fn get(&self, generation: u64, query: &str) -> Option<Arc<[u64]>> {
        self.0
            .borrow()
            .as_ref()
            .filter(|e| e.generation == generation && e.query == query)
            .map(|e| Arc::clone(&e.rows))
    }

    /// Remembers the ordered rows of `query` at `generation`, replacing any earlier entry.
    pub fn put(&self, generation: u64, query: String, rows: Arc<[u64]>) {
        *self.0.borrow_mut() = Some(Entry {
            generation,
            query,
            rows,
        });
    }
}
