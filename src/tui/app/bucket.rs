//! The list's buckets: the plan's items grouped by what the plan does to them, in the order
//! of the keys 1-8.

use crate::reconcile::Action;
use crate::reconcile::plan::PlanItem;
use std::collections::HashMap;

/// A bucket of the list: the items the plan gives this action.
pub type Bucket = Action;

/// Every bucket in key order: `1` shows the first.
pub const KEY_ORDER: [Bucket; 8] = [
    Action::Create,
    Action::Update,
    Action::Conflict,
    Action::Deactivate,
    Action::Reactivate,
    Action::Unchanged,
    Action::Skip,
    Action::Pending,
];

/// The key that shows a bucket (1-8).
pub fn key(bucket: Bucket) -> usize {
    KEY_ORDER.iter().position(|b| *b == bucket).unwrap_or(0) + 1
}

/// The bucket's name in the bucket bar.
pub fn label(bucket: Bucket) -> &'static str {
    match bucket {
        Action::Create => "Create",
        Action::Update => "Update",
        Action::Conflict => "Conflict",
        Action::Deactivate => "Deactivate",
        Action::Reactivate => "Reactivate",
        Action::Unchanged => "Unchanged",
        Action::Skip => "Skipped",
        Action::Pending => "Grace",
    }
}

/// Which way `[`/`]` (Tab, the arrows) move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To the next bucket or column.
    Next,
    /// To the previous one.
    Previous,
}

/// The element after (or before) the one at `at`, wrapping round at either end.
pub fn cycle<T>(items: &[T], at: usize, direction: Direction) -> Option<&T> {
    let len = items.len();
    if len == 0 {
        return None;
    }
    let to = match direction {
        Direction::Next => (at + 1) % len,
        Direction::Previous => (at + len - 1) % len,
    };
    items.get(to)
}

/// The buckets the header shows and Tab goes through: the grace bucket (pending
/// deactivations) only `with_grace`, so without a grace period the console is as it was.
pub fn in_use(with_grace: bool) -> &'static [Bucket] {
    if with_grace {
        &KEY_ORDER
    } else {
        &KEY_ORDER[..KEY_ORDER.len() - 1]
    }
}

/// The bucket after (or before) this one in key order, among those `in_use`.
pub fn neighbour(bucket: Bucket, direction: Direction, with_grace: bool) -> Bucket {
    let order = in_use(with_grace || bucket == Action::Pending);
    let at = order.iter().position(|b| *b == bucket).unwrap_or(0);
    cycle(order, at, direction).copied().unwrap_or(bucket)
}

/// The plan's items (their positions in the plan), bucket by bucket.
#[derive(Debug, Default)]
pub struct BucketRows(HashMap<Bucket, Vec<usize>>);

impl BucketRows {
    /// Sorts the items into their buckets.
    pub fn of(items: &[PlanItem]) -> Self {
        let mut rows: HashMap<Bucket, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            rows.entry(item.action).or_default().push(i);
        }
        Self(rows)
    }

    /// The items of a bucket, in plan order.
    pub fn rows(&self, bucket: Bucket) -> &[usize] {
        self.0.get(&bucket).map_or(&[], Vec::as_slice)
    }

    /// How many items a bucket holds.
    pub fn len(&self, bucket: Bucket) -> usize {
        self.rows(bucket).len()
    }

    /// The first bucket in key order that holds an item.
    pub fn first_filled(&self) -> Option<Bucket> {
        KEY_ORDER.into_iter().find(|b| self.len(*b) > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cycle_in_key_order_both_ways() {
        assert_eq!(key(Action::Create), 1);
        assert_eq!(key(Action::Skip), 7);
        assert_eq!(
            neighbour(Action::Skip, Direction::Next, false),
            Action::Create
        );
        assert_eq!(
            neighbour(Action::Create, Direction::Previous, false),
            Action::Skip
        );
        assert_eq!(
            neighbour(Action::Update, Direction::Next, false),
            Action::Conflict
        );
        assert_eq!(key(Action::Pending), 8);
        assert_eq!(
            neighbour(Action::Skip, Direction::Next, true),
            Action::Pending
        );
        assert_eq!(
            neighbour(Action::Pending, Direction::Next, false),
            Action::Create
        );
        assert_eq!(cycle::<u8>(&[], 0, Direction::Next), None);
    }
}
