//! A multiply-rotate hasher (rustc's FxHash) for maps keyed by small
//! integers the engine makes itself (agent indices, seeds): std's SipHash
//! resists chosen keys, which these are not, and cost more than the rest
//! of a lookup.

use std::hash::{BuildHasherDefault, Hasher};

/// `HashMap<K, V, FxBuild>`: a map with [`FxHasher`].
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }

    fn write_i128(&mut self, x: i128) {
        self.write_u64(x as u64);
        self.write_u64((x >> 64) as u64);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn maps_keyed_by_pairs_and_seeds_find_every_key() {
        let mut pairs: HashMap<(usize, usize), usize, FxBuild> = HashMap::default();
        let mut seeds: HashMap<i128, usize, FxBuild> = HashMap::default();
        for i in 0..300 {
            pairs.insert((i % 17, i), i);
            seeds.insert(i as i128 - 150 + ((i as i128) << 70), i);
        }
        for i in 0..300 {
            assert_eq!(pairs[&(i % 17, i)], i);
            assert_eq!(seeds[&(i as i128 - 150 + ((i as i128) << 70))], i);
        }
        assert_eq!((pairs.len(), seeds.len()), (300, 300));
    }
}
