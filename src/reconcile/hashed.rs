//! A compact multimap from strings to positions in a slice.
//!
//! It keeps only 32-bit hashes and positions (an open-addressed array of 8-byte slots, one per
//! distinct hash, and 4 bytes a position chaining older positions of the same hash), and
//! callers confirm each candidate by comparing the real value, so the rare hash collision
//! costs one extra comparison. A table is built once from all its keys' hashes: they are first
//! grouped by the high bits of the hash, so the slots fill front to back rather than at
//! random, and with a million users building stays in cache instead of missing on every key.

use super::prefetch::{prefetch, prefetch_ahead, prefetch_text};
use foldhash::fast::RandomState;
use std::hash::BuildHasher;

/// Marks an empty slot.
const EMPTY: u32 = u32::MAX;
/// Tables up to this size stay in cache while they fill, so they skip the grouping pass.
const CACHED_TABLE_BYTES: usize = 4 << 20;
/// High hash bits that group keys before they are placed (at most this many groups).
const GROUP_BITS: u32 = 10;

/// Positions found for a key: none, one (no allocation) or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No position.
    None,
    /// Exactly one.
    One(usize),
    /// Two or more, in insertion order reversed.
    Many(Vec<usize>),
}

impl Found {
    /// The positions as a slice.
    pub fn as_slice(&self) -> &[usize] {
        match self {
            Self::None => &[],
            Self::One(i) => std::slice::from_ref(i),
            Self::Many(v) => v,
        }
    }

    /// Adds a position.
    pub fn push(&mut self, position: usize) {
        *self = match std::mem::replace(self, Self::None) {
            Self::None => Self::One(position),
            Self::One(first) => Self::Many(vec![first, position]),
            Self::Many(mut v) => {
                v.push(position);
                Self::Many(v)
            }
        };
    }
}

/// Hashes text keys to 32 bits, seeded per process so crafted keys cannot force collisions.
#[derive(Clone, Default)]
pub struct KeyHasher(RandomState);

impl KeyHasher {
    /// The hash of a key.
    pub fn hash(&self, key: &str) -> u32 {
        // The low half of a well-mixed 64-bit hash.
        self.0.hash_one(key) as u32
    }
}

/// One slot: a hash and the newest position with it, or `EMPTY`.
#[derive(Clone, Copy)]
struct Slot {
    hash: u32,
    newest: u32,
}

/// Positions by the hash of a string key; see the module docs.
pub struct HashedPositions {
    hasher: KeyHasher,
    /// One slot per distinct hash, open-addressed with linear probing.
    slots: Vec<Slot>,
    /// For each position, the next older position with the same hash (`EMPTY` ends the chain).
    older: Vec<u32>,
    /// `hash >> shift` is a hash's first slot.
    shift: u32,
}

impl HashedPositions {
    /// Hashes every key with a fresh seed and builds the table; key `i` is position `i`.
    pub fn from_keys<K: AsRef<str>>(keys: impl Iterator<Item = K>) -> Self {
        let hasher = KeyHasher::default();
        let hashes: Vec<u32> = keys.map(|k| hasher.hash(k.as_ref())).collect();
        Self::build(hasher, &hashes)
    }

    /// Builds the table for keys hashed with `hasher`: `hashes[i]` is the hash of position `i`.
    ///
    /// Positions must fit in 32 bits.
    pub fn build(hasher: KeyHasher, hashes: &[u32]) -> Self {
        let table_bytes = Self::slot_count(hashes.len()) * size_of::<Slot>();
        Self::build_in_order(hasher, hashes, table_bytes > CACHED_TABLE_BYTES)
    }

    /// Slots for `keys` keys: at most half full, so probe runs stay short.
    fn slot_count(keys: usize) -> usize {
        (keys * 2).next_power_of_two().max(16)
    }

    /// Builds the table, placing keys grouped by hash (`grouped`) or simply in position order.
    fn build_in_order(hasher: KeyHasher, hashes: &[u32], grouped: bool) -> Self {
        assert!(
            hashes.len() < EMPTY as usize,
            "fewer than 2^32 - 1 positions"
        );
        let size = Self::slot_count(hashes.len());
        let bits = size.trailing_zeros();
        let empty = Slot {
            hash: 0,
            newest: EMPTY,
        };
        let mut table = Self {
            hasher,
            slots: vec![empty; size],
            older: vec![EMPTY; hashes.len()],
            shift: 32 - bits,
        };
        if grouped {
            for (hash, position) in grouped_order(hashes, bits.min(GROUP_BITS)) {
                table.place(hash, position);
            }
        } else {
            for (position, &hash) in hashes.iter().enumerate() {
                table.place(hash, position as u32);
            }
        }
        table
    }

    /// Makes `position` the newest of its hash. Positions of one hash arrive oldest first.
    fn place(&mut self, hash: u32, position: u32) {
        let at = self.slot_of(hash);
        let slot = &mut self.slots[at];
        if slot.newest != EMPTY {
            self.older[position as usize] = slot.newest;
        }
        *slot = Slot {
            hash,
            newest: position,
        };
    }

    /// The slot that holds this hash, or the empty slot where it would go.
    fn slot_of(&self, hash: u32) -> usize {
        let mask = self.slots.len() - 1;
        // `shift` is below 32: tables have at least 16 slots.
        let mut at = (hash >> self.shift) as usize;
        loop {
            let slot = self.slots[at];
            if slot.newest == EMPTY || slot.hash == hash {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// The hash this table uses for a key.
    pub fn hash(&self, key: &str) -> u32 {
        self.hasher.hash(key)
    }

    /// Positions whose value equals that of an earlier position, by `same(a, b)`; each once,
    /// in no particular order. Linear however often a value repeats.
    pub fn repeats(&self, same: impl Fn(usize, usize) -> bool) -> Vec<usize> {
        (0..self.older.len())
            .filter(|&position| {
                // A true repeat usually matches the first position tried; only hash
                // collisions between different values walk further.
                let before = self.older[position];
                before != EMPTY
                    && self
                        .chain_from(before)
                        .any(|earlier| same(position, earlier))
            })
            .collect()
    }

    /// Positions recorded under a key hash, newest first (the caller checks the real value).
    pub fn candidates(&self, hash: u32) -> impl Iterator<Item = usize> + '_ {
        self.chain_from(self.slots[self.slot_of(hash)].newest)
    }

    /// `newest` and the older positions chained after it. Each link is read only when the
    /// caller asks for it, so a search settled by the first position reads nothing more.
    fn chain_from(&self, newest: u32) -> impl Iterator<Item = usize> + '_ {
        let mut last: Option<u32> = None;
        std::iter::from_fn(move || {
            let next = match last {
                None => newest,
                Some(EMPTY) => return None,
                Some(p) => self.older[p as usize],
            };
            last = Some(next);
            (next != EMPTY).then_some(next as usize)
        })
    }

    /// For each wanted key (`wanted(k)`, hashed in `hashes[k]`), the newest position whose
    /// record has that key (`key_of(&records[position])`).
    ///
    /// The lookups run in stages (all first candidates, then all confirmations) rather than one
    /// key at a time, and the confirmations ask for the records, their key text and the wanted
    /// key's text a few keys ahead:
    /// with a million keys nearly every read misses the cache, and reads that do not wait for
    /// one another overlap, so a batch costs far less than the sum of its misses.
    pub fn find_newest_each<'r, R>(
        &self,
        hashes: &[u32],
        wanted: impl Fn(usize) -> &'r str,
        records: &'r [R],
        key_of: impl Fn(&'r R) -> &'r str,
    ) -> Vec<Option<usize>> {
        let newest: Vec<u32> = hashes
            .iter()
            .map(|&hash| self.slots[self.slot_of(hash)].newest)
            .collect();
        let record = |k: usize| (newest[k] != EMPTY).then(|| &records[newest[k] as usize]);
        (0..hashes.len())
            .map(|k| {
                prefetch_ahead(
                    hashes.len(),
                    k,
                    |ahead| {
                        if let Some(r) = record(ahead) {
                            prefetch(r);
                            prefetch_text(wanted(ahead));
                        }
                    },
                    |ahead| {
                        if let Some(r) = record(ahead) {
                            prefetch_text(key_of(r));
                        }
                    },
                );
                let key = wanted(k);
                let first = newest[k];
                if first == EMPTY {
                    None
                } else if key_of(&records[first as usize]) == key {
                    Some(first as usize)
                } else {
                    self.chain_from(first)
                        .skip(1)
                        .find(|&position| key_of(&records[position]) == key)
                }
            })
            .collect()
    }

    /// Every position whose value `matches`, among those recorded under the key's hash,
    /// in insertion order.
    pub fn find(&self, key: &str, matches: impl Fn(usize) -> bool) -> Found {
        let mut found = Found::None;
        for position in self.candidates(self.hash(key)).filter(|&p| matches(p)) {
            found.push(position);
        }
        if let Found::Many(v) = &mut found {
            v.reverse();
        }
        found
    }
}

/// (hash, position) pairs ordered by the top `bits` bits of the hash (a counting sort), and
/// within one group by position, so that the positions of one hash are placed oldest first.
fn grouped_order(hashes: &[u32], bits: u32) -> Vec<(u32, u32)> {
    let group = |hash: u32| {
        if bits == 0 {
            0
        } else {
            (hash >> (32 - bits)) as usize
        }
    };
    let mut starts = vec![0u32; (1 << bits) + 1];
    for &hash in hashes {
        starts[group(hash) + 1] += 1;
    }
    for g in 1..starts.len() {
        starts[g] += starts[g - 1];
    }
    // Each entry carries its hash, so placing them reads this list front to back.
    let mut order = vec![(0u32, 0u32); hashes.len()];
    for (position, &hash) in hashes.iter().enumerate() {
        let next = &mut starts[group(hash)];
        order[*next as usize] = (hash, position as u32);
        *next += 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_position_of_a_key_and_nothing_else() {
        let words = ["ann", "bob", "ann", "cy", "ann"];
        let map = HashedPositions::from_keys(words.iter());
        assert_eq!(
            map.find("ann", |i| words[i] == "ann"),
            Found::Many(vec![0, 2, 4])
        );
        assert_eq!(map.find("bob", |i| words[i] == "bob"), Found::One(1));
        assert_eq!(map.find("dee", |i| words[i] == "dee"), Found::None);
        let mut repeats = map.repeats(|a, b| words[a] == words[b]);
        repeats.sort_unstable();
        assert_eq!(repeats, [2, 4], "the second and third ann");
    }

    #[test]
    fn colliding_hashes_are_told_apart_by_the_caller() {
        let words = ["x", "y", "z"];
        let map = HashedPositions::build(KeyHasher::default(), &[7, 7, 7]);
        let all: Vec<usize> = map.candidates(7).collect();
        assert_eq!(all, [2, 1, 0], "newest first");
        assert_eq!(
            map.candidates(7)
                .filter(|&i| words[i] == "x")
                .collect::<Vec<_>>(),
            [0]
        );
        assert_eq!(
            map.find_newest_each(&[7, 7, 8, 7], |k| ["x", "y", "x", "w"][k], &words, |w| w),
            [Some(0), Some(1), None, None]
        );
        // Three different values under one hash: none repeats another.
        assert!(map.repeats(|a, b| words[a] == words[b]).is_empty());
        assert_eq!(map.repeats(|_, _| true).len(), 2);
    }

    #[test]
    fn a_large_table_finds_every_key_newest_first_however_it_was_filled() {
        // Keys repeat every 1000 positions, so each has several positions spread far apart.
        let keys: Vec<String> = (0..20_000).map(|i| format!("user{}", i % 1000)).collect();
        let hasher = KeyHasher::default();
        let hashes: Vec<u32> = keys.iter().map(|k| hasher.hash(k)).collect();
        for grouped in [false, true] {
            let map = HashedPositions::build_in_order(hasher.clone(), &hashes, grouped);
            check_large_table(&map, &keys);
            let mut repeats = map.repeats(|a, b| keys[a] == keys[b]);
            repeats.sort_unstable();
            assert_eq!(
                repeats,
                (1000..20_000).collect::<Vec<_>>(),
                "grouped: {grouped}"
            );
        }
    }

    #[test]
    fn grouping_orders_by_high_bits_then_position() {
        let hashes = [
            0x8000_0000,
            0x0000_0001,
            0x8000_0000,
            0xF000_0000,
            0x0000_0002,
        ];
        let positions = |bits| -> Vec<u32> {
            let order = grouped_order(&hashes, bits);
            assert!(order.iter().all(|&(h, p)| hashes[p as usize] == h));
            order.iter().map(|&(_, p)| p).collect()
        };
        assert_eq!(positions(2), [1, 4, 0, 2, 3]);
        assert_eq!(positions(0), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_value_repeated_many_times_stays_linear() {
        // A mapping gone wrong can give every entry the same username; each repeat is found by
        // its first comparison, so this takes as many comparisons as there are entries.
        let map = HashedPositions::from_keys(std::iter::repeat_n("same", 200_000));
        let compared = std::cell::Cell::new(0);
        let repeats = map.repeats(|_, _| {
            compared.set(compared.get() + 1);
            true
        });
        assert_eq!(repeats.len(), 199_999);
        assert_eq!(compared.get(), 199_999);
    }

    fn check_large_table(map: &HashedPositions, keys: &[String]) {
        for (i, key) in keys.iter().enumerate().take(1000) {
            let found: Vec<usize> = map
                .candidates(map.hash(key))
                .filter(|&p| keys[p] == *key)
                .collect();
            let expected: Vec<usize> = (0..20).rev().map(|k| i + 1000 * k).collect();
            assert_eq!(found, expected, "{key}");
        }
        let hashes: Vec<u32> = keys.iter().map(|k| map.hash(k)).collect();
        let newest = map.find_newest_each(&hashes, |k| &keys[k], keys, String::as_str);
        assert!(
            newest
                .iter()
                .enumerate()
                .all(|(key, n)| *n == Some(19_000 + key % 1000))
        );
        assert!(
            map.candidates(map.hash("nobody"))
                .all(|p| keys[p] != "nobody")
        );
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let map = HashedPositions::from_keys(std::iter::empty::<&str>());
        assert_eq!(map.find("a", |_| true), Found::None);
        assert!(map.repeats(|_, _| true).is_empty());
    }
}
