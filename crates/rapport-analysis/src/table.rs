//! A read-mostly hash table from 64-bit keys to small values: open addressing with linear probing
//! over one flat array, at most half full. The keys are already well-mixed hashes
//! ([`crate::hash::finish`]): the low bits pick the slot and the high 32 bits are the slot's
//! fingerprint, so a lookup touches 4 bytes plus the value and a whole model stays in cache. Two keys
//! are confused only if they agree on the slot bits *and* the 32 fingerprint bits — for the tens of
//! thousands of features of a model, about one chance in a million per model. The full keys are
//! kept in a parallel array that only inserts and growth read.

/// The fingerprint that marks an empty slot; a real fingerprint of 0 is stored as 1.
pub(crate) const EMPTY: u32 = 0;

/// A key's fingerprint: its high 32 bits (the low bits pick the slot), never [`EMPTY`].
#[inline]
pub(crate) fn fingerprint(key: u64) -> u32 {
    ((key >> 32) as u32).max(1)
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable<V: Copy> {
    slots: Vec<(u32, V)>,
    keys: Vec<u64>,
    mask: usize,
    len: usize,
    filler: V,
}

impl<V: Copy> KeyTable<V> {
    /// An empty table; `filler` is the value stored in empty slots (never returned).
    pub fn new(filler: V) -> Self {
        KeyTable { slots: vec![(EMPTY, filler); 16], keys: vec![0; 16], mask: 15, len: 0, filler }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline]
    fn find(&self, key: u64) -> usize {
        let fp = fingerprint(key);
        let mut i = key as usize & self.mask;
        loop {
            let f = self.slots[i].0;
            if f == fp || f == EMPTY {
                return i;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: u64, value: V) -> Option<V> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let i = self.find(key);
        if self.slots[i].0 == EMPTY {
            self.slots[i] = (fingerprint(key), value);
            self.keys[i] = key;
            self.len += 1;
            None
        } else {
            Some(std::mem::replace(&mut self.slots[i].1, value))
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old_slots = std::mem::replace(&mut self.slots, vec![(EMPTY, self.filler); size]);
        let old_keys = std::mem::replace(&mut self.keys, vec![0; size]);
        self.mask = size - 1;
        self.len = 0;
        for ((fp, v), k) in old_slots.into_iter().zip(old_keys) {
            if fp != EMPTY {
                self.insert(k, v);
            }
        }
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<&V> {
        let slot = &self.slots[self.find(key)];
        (slot.0 != EMPTY).then_some(&slot.1)
    }

    /// The value for `key`, inserting `value` first when absent.
    pub fn get_or_insert(&mut self, key: u64, value: V) -> &mut V {
        if self.get(key).is_none() {
            self.insert(key, value);
        }
        let i = self.find(key);
        &mut self.slots[i].1
    }

    /// Every (key, value), in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> + '_ {
        self.slots.iter().zip(&self.keys).filter(|((fp, _), _)| *fp != EMPTY).map(|((_, v), k)| (*k, v))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A set of keys that may answer "maybe" for a key it lacks but never "no" for one it holds: one bit
/// per bucket of the key's top bits. Small enough to stay in cache, it spares a probe into a large
/// table for most keys that table lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    words: Vec<u64>,
    shift: u32,
}

impl Presence {
    /// A set of `2^bits` buckets (`bits` from 6 to 32).
    pub fn new(bits: u32) -> Self {
        let bits = bits.clamp(6, 32);
        Presence { words: vec![0; 1 << (bits - 6)], shift: 64 - bits }
    }

    #[inline]
    fn bucket(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }

    pub fn insert(&mut self, key: u64) {
        let b = self.bucket(key);
        if let Some(w) = self.words.get_mut(b / 64) {
            *w |= 1 << (b % 64);
        }
    }

    /// False only when `key` was never inserted.
    #[inline]
    pub fn may_contain(&self, key: u64) -> bool {
        let b = self.bucket(key);
        self.words.get(b / 64).is_some_and(|w| w & (1 << (b % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::{KeyTable, Presence};

    #[test]
    fn presence_never_denies_an_inserted_key() {
        let mut p = Presence::new(12);
        let keys: Vec<u64> = (0..500u64).map(|k| crate::hash::finish(k + 1)).collect();
        for &k in &keys {
            p.insert(k);
        }
        assert!(keys.iter().all(|&k| p.may_contain(k)));
        let absent = (1000..3000u64).filter(|&k| !p.may_contain(crate::hash::finish(k))).count();
        assert!(absent > 1500, "most absent keys are told apart: {absent} of 2000");
    }

    #[test]
    fn inserts_finds_replaces_and_grows() {
        let mut t = KeyTable::new(0u32);
        for k in 0..10_000u64 {
            assert_eq!(t.insert(crate::hash::finish(k + 1), k as u32), None);
        }
        assert_eq!(t.len(), 10_000);
        for k in 0..10_000u64 {
            assert_eq!(t.get(crate::hash::finish(k + 1)), Some(&(k as u32)));
        }
        assert_eq!(t.get(crate::hash::finish(10_001)), None);
        assert_eq!(t.insert(0, 7), None);
        assert_eq!(t.get(0), Some(&7));
        assert_eq!(t.insert(0, 8), Some(7));
        *t.get_or_insert(42, 1) += 1;
        assert_eq!(t.get(42), Some(&2));
        assert_eq!(t.iter().count(), t.len());
    }
}
