//! numpy's `default_rng(seed)` bit for bit (numpy 2.x): `SeedSequence`
//! entropy mixing, the PCG64 (XSL-RR) bit generator and the few `Generator`
//! methods the reference's network calls: `random()`, `integers(0, n)`
//! (Lemire's bounded method on buffered 32-bit draws) and weighted `choice`
//! without replacement (docs/model/simulation.md §9.2, "Network" stream).

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> XSHIFT)
}

/// `np.random.SeedSequence(entropy)` for a non-negative integer entropy and
/// no spawn key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSequence {
    pool: [u32; POOL_SIZE],
}

impl SeedSequence {
    pub fn new(entropy: u128) -> SeedSequence {
        // The integer as 32-bit words, least significant first (0 → [0]).
        let mut words = Vec::new();
        let mut n = entropy;
        loop {
            words.push(n as u32);
            n >>= 32;
            if n == 0 {
                break;
            }
        }
        let mut pool = [0u32; POOL_SIZE];
        let mut hash_const = INIT_A;
        for (i, slot) in pool.iter_mut().enumerate() {
            *slot = hashmix(words.get(i).copied().unwrap_or(0), &mut hash_const);
        }
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], &mut hash_const));
                }
            }
        }
        for &w in words.iter().skip(POOL_SIZE) {
            for slot in pool.iter_mut() {
                *slot = mix(*slot, hashmix(w, &mut hash_const));
            }
        }
        SeedSequence { pool }
    }

    pub fn pool(&self) -> [u32; POOL_SIZE] {
        self.pool
    }

    /// `generate_state(n, np.uint64)`: 2n 32-bit words, paired little-endian.
    pub fn generate_state_u64(&self, n: usize) -> Vec<u64> {
        let mut hash_const = INIT_B;
        let words: Vec<u32> = (0..2 * n)
            .map(|i| {
                let mut v = self.pool[i % POOL_SIZE] ^ hash_const;
                hash_const = hash_const.wrapping_mul(MULT_B);
                v = v.wrapping_mul(hash_const);
                v ^ (v >> XSHIFT)
            })
            .collect();
        words
            .chunks(2)
            .map(|w| w[0] as u64 | (w[1] as u64) << 32)
            .collect()
    }
}

const PCG_MULT: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

/// numpy's `PCG64` bit generator, with its one-word buffer for 32-bit draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pcg64 {
    state: u128,
    inc: u128,
    uint32_buffer: Option<u32>,
}

impl Pcg64 {
    /// `PCG64(SeedSequence(seed))`.
    pub fn from_seed_sequence(ss: &SeedSequence) -> Pcg64 {
        let v = ss.generate_state_u64(4);
        let init_state = (v[0] as u128) << 64 | v[1] as u128;
        let init_seq = (v[2] as u128) << 64 | v[3] as u128;
        let mut rng = Pcg64 {
            state: 0,
            inc: (init_seq << 1) | 1,
            uint32_buffer: None,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(init_state);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    /// The internal (state, inc) pair, as `bit_generator.state` shows it.
    pub fn raw_state(&self) -> (u128, u128) {
        (self.state, self.inc)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        let xored = ((s >> 64) as u64) ^ (s as u64);
        xored.rotate_right((s >> 122) as u32)
    }

    /// Low half first, the high half kept for the next call.
    pub fn next_u32(&mut self) -> u32 {
        if let Some(v) = self.uint32_buffer.take() {
            return v;
        }
        let v = self.next_u64();
        self.uint32_buffer = Some((v >> 32) as u32);
        v as u32
    }

    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// `np.random.default_rng(seed)`: a `Generator` over PCG64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumpyGenerator {
    bits: Pcg64,
}

impl NumpyGenerator {
    pub fn new(seed: u128) -> NumpyGenerator {
        NumpyGenerator {
            bits: Pcg64::from_seed_sequence(&SeedSequence::new(seed)),
        }
    }

    pub fn bit_generator(&self) -> &Pcg64 {
        &self.bits
    }

    /// `Generator.random()`.
    pub fn random(&mut self) -> f64 {
        self.bits.next_f64()
    }

    /// `Generator.integers(0, n)` for 1 ≤ n ≤ 2^32: no draw when n == 1.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(
            (1..=1 << 32).contains(&n),
            "integers(0, {n}) is out of range"
        );
        let rng = n - 1;
        if rng == 0 {
            return 0;
        }
        if rng == u32::MAX as u64 {
            return self.bits.next_u32() as u64;
        }
        // Lemire's multiply-shift with rejection (numpy's bounded uint32 path).
        let excl = n;
        let mut m = self.bits.next_u32() as u64 * excl;
        let mut leftover = m as u32;
        if (leftover as u64) < excl {
            let threshold = ((u32::MAX as u64 - rng) % excl) as u32;
            while leftover < threshold {
                m = self.bits.next_u32() as u64 * excl;
                leftover = m as u32;
            }
        }
        m >> 32
    }

    /// `Generator.choice(seq)` of one element: the index drawn.
    pub fn choice_index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// `Generator.choice(len, size, replace=False, p=p)`: indices in the
    /// order found. Each round draws `size − found` uniforms, inverts the
    /// cumulative sum (sequential, divided by its last entry) with a
    /// right-sided search and keeps first occurrences of new indices.
    pub fn choice_weighted_distinct(&mut self, p: &[f64], size: usize) -> Vec<usize> {
        assert!(
            p.iter().filter(|&&x| x > 0.0).count() >= size,
            "fewer non-zero entries in p than size"
        );
        let mut p = p.to_vec();
        let mut found: Vec<usize> = Vec::with_capacity(size);
        let mut cdf = vec![0.0; p.len()];
        while found.len() < size {
            let xs: Vec<f64> = (0..size - found.len()).map(|_| self.random()).collect();
            for &i in &found {
                p[i] = 0.0;
            }
            let mut acc = 0.0;
            for (c, &q) in cdf.iter_mut().zip(&p) {
                acc += q;
                *c = acc;
            }
            let last = acc;
            cdf.iter_mut().for_each(|c| *c /= last);
            // Distinct values, ordered by first occurrence among the draws.
            let mut round: Vec<usize> = Vec::new();
            for &x in &xs {
                let idx = cdf.partition_point(|&c| c <= x);
                if !round.contains(&idx) {
                    round.push(idx);
                }
            }
            found.extend(round);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    //! Test vectors from numpy 2.4.6 (CPython 3.11), e.g.
    //! `np.random.SeedSequence(42).pool`, `default_rng(42).random()`.
    use super::*;

    #[test]
    fn seed_sequence_pool_and_state() {
        let ss = SeedSequence::new(42);
        assert_eq!(ss.pool(), [0x631d3606, 0x07ae90ae, 0x6fc4be28, 0x2ced5c75]);
        assert_eq!(
            ss.generate_state_u64(4),
            [
                0x9f1e2e6dcd540ab7,
                0xd57873dc79fb94b6,
                0x7d282a1b64d420b7,
                0x336579714692d5ff
            ]
        );
        assert_eq!(
            SeedSequence::new(0).pool(),
            [0xfe40eb07, 0x4f363a36, 0x4eb2009d, 0xc89a7aa7]
        );
        // A seed wider than one 32-bit word.
        assert_eq!(
            SeedSequence::new((1 << 32) + 5).pool(),
            [0x73d34ef0, 0xda919992, 0x5c469880, 0x2789f14b]
        );
    }

    #[test]
    fn pcg64_state_and_raw_outputs() {
        let g = NumpyGenerator::new(42);
        assert_eq!(
            g.bit_generator().raw_state(),
            (
                274674114334540486603088602300644985544,
                332724090758049132448979897138935081983
            )
        );
        let mut bits = Pcg64::from_seed_sequence(&SeedSequence::new(1));
        assert_eq!(bits.next_u64(), 0x8306bdf37922e4ff);
        assert_eq!(bits.next_u64(), 0xf35196bbc152a866);
        assert_eq!(bits.next_u64(), 0x24e7a4f608ec18cd);
    }

    #[test]
    fn random_doubles() {
        let mut g = NumpyGenerator::new(0);
        assert_eq!(g.random(), 0.6369616873214543);
        assert_eq!(g.random(), 0.2697867137638703);
        assert_eq!(g.random(), 0.04097352393619469);
        let mut g = NumpyGenerator::new(42);
        assert_eq!(g.random(), 0.7739560485559633);
        assert_eq!(g.random(), 0.4388784397520523);
        let mut g = NumpyGenerator::new((1 << 32) + 5);
        assert_eq!(g.random(), 0.7742041803738812);
    }

    #[test]
    fn integers_interleaved_with_random() {
        // for _ in range(6): integers(0,5), random(), integers(0,1), integers(0,3)
        let mut g = NumpyGenerator::new(7);
        let want_int = [
            (4, 0, 1),
            (2, 0, 2),
            (0, 0, 0),
            (4, 0, 0),
            (0, 0, 2),
            (4, 0, 0),
        ];
        let want_rnd = [
            0.8972138009695755,
            0.22520718999059186,
            0.8735534453962619,
            0.8212284183827663,
            0.4679349528437208,
            0.2784256121007733,
        ];
        for (w, r) in want_int.iter().zip(want_rnd) {
            assert_eq!(g.below(5), w.0);
            assert_eq!(g.random(), r);
            assert_eq!(g.below(1), w.1);
            assert_eq!(g.below(3), w.2);
        }
        // choice(['a','b','c','d']) five times with seed 3: d a a a a
        let mut g = NumpyGenerator::new(3);
        let got: Vec<usize> = (0..5).map(|_| g.choice_index(4)).collect();
        assert_eq!(got, [3, 0, 0, 0, 0]);
    }

    #[test]
    fn weighted_choice_without_replacement() {
        // choice(6, size=2, replace=False, p=[3,2,2,3,1,1]/12) four times, seed 11
        let p: Vec<f64> = [3.0, 2.0, 2.0, 3.0, 1.0, 1.0]
            .iter()
            .map(|x| x / 12.0)
            .collect();
        let mut g = NumpyGenerator::new(11);
        let got: Vec<Vec<usize>> = (0..4).map(|_| g.choice_weighted_distinct(&p, 2)).collect();
        assert_eq!(got, [vec![0, 2], vec![3, 0], vec![0, 5], vec![0, 5]]);
        assert_eq!(g.random(), 0.6218835927963828);
    }
}
