//! A compact multimap from strings to positions in a slice.
//!
//! It keeps only 32-bit hashes and positions (8 bytes an entry instead of a string key and a
//! list), and callers confirm each candidate by comparing the real value, so the rare hash
//! collision costs one extra comparison. With a million users a table takes about 8 MB and
//! stays in the processor's cache, which is what keeps planning time linear in the user count.

use foldhash::fast::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

const NONE: u32 = u32::MAX;

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

/// Spreads an already computed 32-bit hash over 64 bits (the table uses the top bits too).
#[derive(Default)]
struct Spread(u64);

impl Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = u64::from(value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Positions by the hash of a string key; see the module docs.
pub struct HashedPositions {
    state: RandomState,
    heads: HashMap<u32, u32, BuildHasherDefault<Spread>>,
    next: Vec<u32>,
}

impl HashedPositions {
    /// An empty map sized for `capacity` positions.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            state: RandomState::default(),
            heads: HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
            next: vec![NONE; capacity],
        }
    }

    /// The hash this map uses for a key.
    pub fn hash(&self, key: &str) -> u32 {
        // The low half of a well-mixed 64-bit hash.
        self.state.hash_one(key) as u32
    }

    /// Records `position` under a key hash. Positions must fit in 32 bits.
    pub fn insert(&mut self, hash: u32, position: usize) {
        if self.next.len() <= position {
            self.next.resize(position + 1, NONE);
        }
        let previous = self.heads.insert(hash, position as u32).unwrap_or(NONE);
        self.next[position] = previous;
    }

    /// Positions recorded under a key hash, newest first (the caller checks the real value).
    pub fn candidates(&self, hash: u32) -> impl Iterator<Item = usize> + '_ {
        let mut current = self.heads.get(&hash).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            (current != NONE).then(|| {
                let position = current as usize;
                current = self.next[position];
                position
            })
        })
    }

    /// For each key hash, the newest position for which `matches(key number, position)` holds.
    ///
    /// The lookups run in stages (all table reads, then all confirmations) rather than one
    /// key at a time: with a million keys nearly every read misses the cache, and reads that
    /// do not wait for one another overlap, so a batch costs far less than the sum of its misses.
    pub fn find_newest_each(
        &self,
        hashes: &[u32],
        matches: impl Fn(usize, usize) -> bool,
    ) -> Vec<Option<usize>> {
        let heads: Vec<u32> = hashes
            .iter()
            .map(|hash| self.heads.get(hash).copied().unwrap_or(NONE))
            .collect();
        heads
            .iter()
            .enumerate()
            .map(|(key, &head)| {
                let mut current = head;
                while current != NONE {
                    let position = current as usize;
                    if matches(key, position) {
                        return Some(position);
                    }
                    current = self.next[position];
                }
                None
            })
            .collect()
    }

    /// Every position whose value `matches`, among those recorded under the key's hash.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_position_of_a_key_and_nothing_else() {
        let words = ["ann", "bob", "ann", "cy", "ann"];
        let mut map = HashedPositions::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            map.insert(map.hash(w), i);
        }
        assert_eq!(
            map.find("ann", |i| words[i] == "ann"),
            Found::Many(vec![0, 2, 4])
        );
        assert_eq!(map.find("bob", |i| words[i] == "bob"), Found::One(1));
        assert_eq!(map.find("dee", |i| words[i] == "dee"), Found::None);
    }

    #[test]
    fn colliding_hashes_are_told_apart_by_the_caller() {
        let words = ["x", "y"];
        let mut map = HashedPositions::with_capacity(2);
        map.insert(7, 0);
        map.insert(7, 1);
        let both: Vec<usize> = map.candidates(7).collect();
        assert_eq!(both, [1, 0]);
        assert_eq!(
            map.candidates(7)
                .filter(|&i| words[i] == "x")
                .collect::<Vec<_>>(),
            [0]
        );
    }
}
