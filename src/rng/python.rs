//! CPython 3.11 `random.Random`, bit for bit: MT19937 with `init_by_array`
//! seeding from the absolute value of an integer seed, the two-output
//! `random()`, `getrandbits`-based `_randbelow`, and the cached-pair `gauss`.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A `random.Random(seed)` twin.
#[derive(Clone)]
pub struct PyRandom {
    mt: [u32; N],
    mti: usize,
    gauss_next: Option<f64>,
}

impl std::fmt::Debug for PyRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyRandom").field("mti", &self.mti).finish()
    }
}

impl PyRandom {
    /// `random.Random(seed)` for an integer seed: the sign is dropped, the
    /// magnitude is split into 32-bit words, least significant first.
    pub fn new(seed: i128) -> PyRandom {
        let mut n = seed.unsigned_abs();
        let mut key = Vec::with_capacity(4);
        loop {
            key.push((n & 0xffff_ffff) as u32);
            n >>= 32;
            if n == 0 {
                break;
            }
        }
        let mut rng = PyRandom {
            mt: [0; N],
            mti: N + 1,
            gauss_next: None,
        };
        rng.init_by_array(&key);
        rng
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..N {
            let prev = self.mt[i - 1];
            self.mt[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.mti = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let mut i = 1usize;
        let mut j = 0usize;
        let mut k = N.max(key.len());
        while k > 0 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
            k -= 1;
        }
        k = N - 1;
        while k > 0 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            k -= 1;
        }
        self.mt[0] = 0x8000_0000;
    }

    fn twist(&mut self) {
        #[inline(always)]
        fn mix(upper: u32, lower: u32, far: u32) -> u32 {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            far ^ (y >> 1) ^ ((y & 1).wrapping_neg() & MATRIX_A)
        }
        let mt = &mut self.mt;
        for kk in 0..N - M {
            mt[kk] = mix(mt[kk], mt[kk + 1], mt[kk + M]);
        }
        for kk in N - M..N - 1 {
            mt[kk] = mix(mt[kk], mt[kk + 1], mt[kk + M - N]);
        }
        mt[N - 1] = mix(mt[N - 1], mt[0], mt[M - 1]);
        self.mti = 0;
    }

    /// One raw 32-bit MT19937 output.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.mti >= N {
            self.twist();
        }
        let mut y = self.mt[self.mti];
        self.mti += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// `random()`: a double in [0, 1) from two outputs.
    #[inline]
    pub fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for 1 ≤ k ≤ 32.
    #[inline]
    pub fn getrandbits(&mut self, k: u32) -> u32 {
        debug_assert!((1..=32).contains(&k));
        self.next_u32() >> (32 - k)
    }

    /// `_randbelow(n)`: rejection sampling on `getrandbits(bit_length(n))`.
    #[inline]
    pub fn randbelow(&mut self, n: usize) -> usize {
        assert!(n > 0, "randbelow(0)");
        let n = n as u64;
        let k = 64 - n.leading_zeros();
        if k <= 32 {
            loop {
                let r = self.getrandbits(k) as u64;
                if r < n {
                    return r as usize;
                }
            }
        }
        // Wider ranges never occur in the simulation; CPython fills words
        // least significant first.
        loop {
            let lo = self.next_u32() as u64;
            let hi = (self.next_u32() >> (64 - k)) as u64;
            let r = (hi << 32) | lo;
            if r < n {
                return r as usize;
            }
        }
    }

    /// `uniform(a, b)` = `a + (b - a) * random()`.
    #[inline]
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// `randint(a, b)`, inclusive.
    #[inline]
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        a + self.randbelow((b - a + 1) as usize) as i64
    }

    /// Index chosen by `choice(seq)` on a sequence of length `len` (> 0).
    #[inline]
    pub fn choice_index(&mut self, len: usize) -> usize {
        self.randbelow(len)
    }

    /// `shuffle(x)` in place.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.randbelow(i + 1);
            x.swap(i, j);
        }
    }

    /// `gauss(mu, sigma)` with CPython's cached second value.
    pub fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let z = match self.gauss_next.take() {
            Some(z) => z,
            None => {
                let x2pi = self.random() * std::f64::consts::TAU;
                let g2rad = (-2.0 * (1.0 - self.random()).ln()).sqrt();
                self.gauss_next = Some(x2pi.sin() * g2rad);
                x2pi.cos() * g2rad
            }
        };
        mu + z * sigma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors from simulation-model.md §12.1 (CPython 3.11.7).
    #[test]
    fn random_matches_cpython() {
        let mut r = PyRandom::new(42);
        assert_eq!(r.random(), 0.6394267984578837);
        assert_eq!(r.random(), 0.025010755222666936);
        assert_eq!(r.random(), 0.27502931836911926);
        assert_eq!(PyRandom::new(0).random(), 0.8444218515250481);
        assert_eq!(
            PyRandom::new((1i128 << 40) + 5).random(),
            0.5043802970418443
        );
        assert_eq!(PyRandom::new(-42).random(), 0.6394267984578837);
    }

    #[test]
    fn getrandbits_matches_cpython() {
        let mut r = PyRandom::new(42);
        assert_eq!(r.getrandbits(32), 2746317213);
        assert_eq!(r.getrandbits(32), 478163327);
        assert_eq!(r.getrandbits(32), 107420369);
    }

    #[test]
    fn uniform_randint_sequence_matches_first_baseline_interaction() {
        let mut r = PyRandom::new(1);
        assert_eq!(r.uniform(0.3, 0.8), 0.3671821220562006);
        assert_eq!(r.randint(0, 1), 0);
        assert_eq!(r.uniform(0.2, 0.6), 0.3020276102957687);
    }

    #[test]
    fn shuffle_choice_gauss_match_cpython() {
        let mut r = PyRandom::new(7);
        let mut v = [0, 1, 2, 3, 4];
        r.shuffle(&mut v);
        assert_eq!(v, [4, 0, 3, 1, 2]);
        assert_eq!(r.choice_index(3), 0);
        assert_eq!(r.gauss(0.0, 1.0), 0.19254060583859198);
        assert_eq!(r.gauss(0.0, 1.0), -0.40080812103195607);
    }
}
