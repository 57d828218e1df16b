//! The set of ids accepted in a table, keyed by their [`hash128`](super::rows::hash128)
//! fingerprints: the duplicate check looks every row up in it (in file order, on one
//! thread) and the reference checks of later tables look their `person_id` /
//! `measure_id` up in the sets of persons and measures.
//!
//! Tens of millions of ids make a table far larger than the processor's caches, so a
//! lookup costs a memory access, not the comparisons. The table is built for that:
//! open addressing over buckets of one cache line (64 bytes) holding three
//! fingerprints, so a lookup reads one line (the next one only when a bucket is full);
//! the bucket of a key is known from the key alone, so the caller can
//! [`prefetch`](IdSet::prefetch) the buckets of a group of rows together and the
//! accesses overlap (`prefetch_buckets` in the parent module says why together). What the
//! duplicate check needs of the first accepted row of an id (its content's fingerprint,
//! file and line; read only when an id comes again) lies in a vector beside the table,
//! in acceptance order. A `std` hash map reads two places per lookup (its control bytes
//! and the entry) and keeps 48-byte entries in a power-of-two table; this one, filled to
//! at most 5/8 of its slots, takes about 66 bytes per id (34 in the buckets, 32 beside).

/// Fingerprints per bucket.
const SLOTS: usize = 3;

/// A bucket: three fingerprints (low and high halves) in words 0–5, their entries'
/// indices in words 6–7 (`w6 = i0 | i1 << 32`, `w7 = i2 | len << 32`). All zero is an
/// empty bucket, so a table is allocated zeroed.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Bucket([u64; 8]);

impl Bucket {
    fn len(&self) -> usize {
        (self.0[7] >> 32) as usize
    }

    fn key(&self, i: usize) -> u128 {
        u128::from(self.0[2 * i]) | (u128::from(self.0[2 * i + 1]) << 64)
    }

    fn index(&self, i: usize) -> u32 {
        match i {
            0 => self.0[6] as u32,
            1 => (self.0[6] >> 32) as u32,
            _ => self.0[7] as u32,
        }
    }

    fn push(&mut self, key: u128, index: u32) {
        let i = self.len();
        debug_assert!(i < SLOTS);
        self.0[2 * i] = key as u64;
        self.0[2 * i + 1] = (key >> 64) as u64;
        match i {
            0 => self.0[6] = (self.0[6] & !0xFFFF_FFFF) | u64::from(index),
            1 => self.0[6] = (self.0[6] & 0xFFFF_FFFF) | (u64::from(index) << 32),
            _ => self.0[7] = (self.0[7] & !0xFFFF_FFFF) | u64::from(index),
        }
        self.0[7] = (self.0[7] & 0xFFFF_FFFF) | (((i + 1) as u64) << 32);
    }
}

/// Fingerprints in at most this share of the slots before the table grows.
const MAX_LOAD_NUM: usize = 5;
const MAX_LOAD_DEN: usize = 8;

/// A set of 128-bit fingerprints, each with a value `V` (the first accepted row's
/// facts for the duplicate check; `()` for a reference set).
pub struct IdSet<V> {
    buckets: Vec<Bucket>,
    values: Vec<V>,
}

impl<V> Default for IdSet<V> {
    fn default() -> Self {
        IdSet {
            buckets: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<V> IdSet<V> {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The bucket a key's search starts at: its low 64 bits (a fingerprint's bits are
    /// already uniform) mapped onto the bucket count by a multiply-shift.
    fn home(&self, key: u128) -> usize {
        ((u128::from(key as u64) * self.buckets.len() as u128) >> 64) as usize
    }

    /// Makes room for `additional` more fingerprints without growing on the way.
    pub fn reserve(&mut self, additional: usize) {
        let want = self.values.len().saturating_add(additional);
        if want <= self.capacity() {
            return;
        }
        self.values.reserve(additional);
        self.rebuild(want);
    }

    /// Fingerprints the table takes before it grows.
    fn capacity(&self) -> usize {
        self.buckets.len() * SLOTS * MAX_LOAD_NUM / MAX_LOAD_DEN
    }

    /// Rebuilds the buckets for `n` fingerprints (the values stay where they are).
    fn rebuild(&mut self, n: usize) {
        let count = (n.max(16) * MAX_LOAD_DEN).div_ceil(SLOTS * MAX_LOAD_NUM) + 1;
        let old = std::mem::replace(&mut self.buckets, vec![Bucket::default(); count]);
        for b in &old {
            for i in 0..b.len() {
                self.place(b.key(i), b.index(i));
            }
        }
    }

    /// Puts a fingerprint known to be absent into the first bucket with room.
    fn place(&mut self, key: u128, index: u32) {
        let Err(at) = self.search(key) else {
            unreachable!("placed fingerprints are absent")
        };
        self.buckets[at].push(key, index);
    }

    /// The index of a fingerprint's entry, or the first bucket with room on its path
    /// (where it goes). No fingerprint is ever removed, so a search ends at the first
    /// bucket with room. The table must have buckets.
    fn search(&self, key: u128) -> Result<u32, usize> {
        let n = self.buckets.len();
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        let mut at = self.home(key);
        loop {
            let b = &self.buckets[at].0;
            let len = self.buckets[at].len();
            for i in 0..len {
                if b[2 * i] == lo && b[2 * i + 1] == hi {
                    return Ok(self.buckets[at].index(i));
                }
            }
            if len < SLOTS {
                return Err(at);
            }
            at = if at + 1 == n { 0 } else { at + 1 };
        }
    }

    fn find(&self, key: u128) -> Option<u32> {
        if self.buckets.is_empty() {
            return None;
        }
        self.search(key).ok()
    }

    pub fn contains(&self, key: u128) -> bool {
        self.find(key).is_some()
    }

    pub fn get(&self, key: u128) -> Option<&V> {
        self.find(key).map(|i| &self.values[i as usize])
    }

    /// The value of a fingerprint already present, or `None` after inserting it with
    /// `value` (the first row wins).
    pub fn get_or_insert(&mut self, key: u128, value: V) -> Option<&V> {
        if self.values.len() >= self.capacity() {
            let n = (self.values.len() + 1).max(self.capacity() * 2);
            self.rebuild(n);
        }
        match self.search(key) {
            Ok(i) => Some(&self.values[i as usize]),
            Err(at) => {
                let index = u32::try_from(self.values.len())
                    .expect("fewer than 2^32 accepted ids per table");
                self.values.push(value);
                self.buckets[at].push(key, index);
                None
            }
        }
    }

    /// Asks the processor to load the bucket a lookup of `key` starts at, so that a
    /// lookup later does not wait for memory. Does nothing else.
    #[inline]
    pub fn prefetch(&self, key: u128) {
        if self.buckets.is_empty() {
            return;
        }
        let b: *const Bucket = &self.buckets[self.home(key)];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint that never faults and changes no memory; the
        // pointer is a reference to a bucket of the table anyway. SSE is part of
        // x86_64's baseline.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(b.cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = b;
    }

    /// The same set without the values (for the reference checks of later tables).
    pub fn keys_only(self) -> IdSet<()> {
        IdSet {
            values: vec![(); self.values.len()],
            buckets: self.buckets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fingerprints whose low halves collide on purpose, to fill buckets and wrap.
    fn crowded(i: u64) -> u128 {
        (u128::from(i) << 64) | u128::from(i % 5)
    }

    #[test]
    fn first_value_wins_and_lookups_agree_with_a_std_map() {
        let mut set = IdSet::default();
        let mut reference = std::collections::HashMap::new();
        for i in 0..5000u64 {
            // Repeats every key a few times, crowded and spread keys mixed.
            let key = if i % 3 == 0 {
                crowded(i % 700)
            } else {
                crate::input::rows::hash128(&(i % 1900).to_le_bytes())
            };
            let got = set.get_or_insert(key, i).copied();
            let want = match reference.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                    None
                }
            };
            assert_eq!(got, want, "row {i}");
        }
        assert_eq!(set.len(), reference.len());
        for (k, v) in &reference {
            assert_eq!(set.get(*k), Some(v));
            set.prefetch(*k);
        }
        assert!(!set.contains(crowded(10_000)));
        assert!(
            set.contains(0),
            "the zero fingerprint is a key like any other"
        );
        let keys = set.keys_only();
        assert_eq!(keys.len(), reference.len());
        assert!(reference.keys().all(|k| keys.contains(*k)));
    }

    #[test]
    fn reserve_then_fill_and_the_zero_key() {
        let mut set: IdSet<u32> = IdSet::default();
        assert!(set.is_empty() && !set.contains(0) && set.get(7).is_none());
        set.prefetch(3);
        set.reserve(100);
        let buckets = set.buckets.len();
        for i in 0..100u32 {
            assert_eq!(set.get_or_insert(u128::from(i), i), None);
        }
        assert_eq!(set.buckets.len(), buckets, "reserved room is enough");
        assert_eq!(set.get_or_insert(0, 99), Some(&0));
        for i in 100..1000u32 {
            assert_eq!(set.get_or_insert(u128::from(i) << 70, i), None);
        }
        assert_eq!(set.len(), 1000);
        assert_eq!(set.get(u128::from(500u32) << 70), Some(&500));
    }
}
