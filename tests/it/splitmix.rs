//! SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
//! generators"): a fixed, seeded generator so that randomly generated test inputs
//! reproduce. Shared by the integration tests (`import_fuzz`) and the import stage's
//! fuzz tests (`src/input/fuzz/`, by path).

/// The generator; the field is the state (the seed to start with).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True once in `one_in` on average.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn digit(&mut self) -> char {
        (b'0' + self.below(10) as u8) as char
    }
}
