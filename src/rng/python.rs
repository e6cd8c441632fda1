//! CPython 3.11 `random.Random`, bit for bit: MT19937 with `init_by_array`
//! seeding from the absolute value of an integer seed, the two-output
//! `random()`, `getrandbits`-based `_randbelow`, and the cached-pair `gauss`.

const N: usize = 624;
/// Words after the outputs, for reads sixteen at a time near their end.
const OUT_PAD: usize = 16;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A `random.Random(seed)` twin.
///
/// Each regeneration of the state (`twist`) also tempers the 624 outputs
/// it makes, in one pass the compiler vectorizes, into `out`: a draw is
/// then one load, where tempering word by word at the draw site cost
/// several times more (most of the runs with observation noise).
#[derive(Clone)]
pub struct PyRandom {
    /// The MT19937 state (untempered), as CPython holds it.
    mt: [u32; N],
    /// The tempered outputs of the current state; `out[mti..N]` are next.
    /// The words after `N` are only read past (by [`PassBits`], which
    /// reads sixteen at a time and keeps none of them).
    out: [u32; N + OUT_PAD],
    mti: usize,
    gauss_next: GaussNext,
}

/// CPython's `gauss_next`: the second value of the last Box-Muller pair,
/// if not used yet. A pair whose first value was thrown away
/// ([`PyRandom::skip_gauss`]) keeps its two `random()` draws, as the
/// 53-bit integers they are made of, and computes the second value only if
/// it is asked for, with the same operations.
#[derive(Clone, Copy)]
enum GaussNext {
    None,
    Value(f64),
    /// The pair's two `random()`, each `k / 2^53` for the `k` kept here.
    Pending {
        x: u64,
        u: u64,
    },
}

impl GaussNext {
    /// The draw a `gauss()` takes from a half-used pair: the cached value,
    /// or the pair's second (sine) value; `None` if no pair is half used.
    #[inline(always)]
    fn second(self) -> Option<GaussDraw> {
        match self {
            GaussNext::None => None,
            GaussNext::Value(z) => Some(GaussDraw::Value(z)),
            GaussNext::Pending { x, u } => Some(GaussDraw::Sin { x, u }),
        }
    }
}

/// A `gauss()` drawn by [`PyRandom::gauss_later`]: its standard normal
/// value, or the pair's two `random()` (as 53-bit integers) and which of
/// the pair's values it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GaussDraw {
    Value(f64),
    /// The first value of a fresh pair (cosine).
    Cos {
        x: u64,
        u: u64,
    },
    /// The second value of a pair (sine).
    Sin {
        x: u64,
        u: u64,
    },
}

impl GaussDraw {
    /// What `gauss(mu, sigma)` returned for this draw.
    pub fn value(self, mu: f64, sigma: f64) -> f64 {
        let z = match self {
            GaussDraw::Value(z) => z,
            GaussDraw::Cos { x, u } => (unit(x) * std::f64::consts::TAU).cos() * g2rad(unit(u)),
            GaussDraw::Sin { x, u } => (unit(x) * std::f64::consts::TAU).sin() * g2rad(unit(u)),
        };
        mu + z * sigma
    }
}

/// `random()` from the 53-bit integer its two outputs make: `k / 2^53`,
/// the same double as CPython's `(a * 2^26 + b) / 2^53` (the sum is exact).
#[inline(always)]
fn unit(k: u64) -> f64 {
    k as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// The 53-bit integer `random()` makes of two outputs.
#[inline(always)]
fn bits53(a: u32, b: u32) -> u64 {
    u64::from(a >> 5) << 26 | u64::from(b >> 6)
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
        let key = Key::of(seed);
        let mut rng = PyRandom::genrand_19650218();
        init_by_array([&mut rng.mt], [key.words()]);
        rng
    }

    /// `[Random(s) for s in seeds]`, the same states as [`PyRandom::new`]
    /// one by one, several times faster: seeding is one long chain of
    /// dependent multiplies per stream, so the streams are seeded side by
    /// side — eight to a vector register where the CPU has AVX2, else six
    /// interleaved chains that the CPU overlaps.
    pub fn new_many(seeds: &[i128]) -> Vec<PyRandom> {
        PyRandom::new_many_with(seeds, true)
    }

    /// [`PyRandom::new_many`]; AVX2 vectors if `vectors` allows them and
    /// the CPU has them.
    fn new_many_with(seeds: &[i128], vectors: bool) -> Vec<PyRandom> {
        #[cfg(target_arch = "x86_64")]
        let vector = vectors && std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let vector = {
            let _ = vectors;
            false
        };
        let mut out: Vec<PyRandom> = seeds.iter().map(|_| PyRandom::genrand_19650218()).collect();
        let keys: Vec<Key> = seeds.iter().map(|&s| Key::of(s)).collect();
        let mut done = 0;
        while done < out.len() {
            let rest = &mut out[done..];
            let ks = &keys[done..];
            let same = |n: usize| ks.len() >= n && ks[..n].iter().all(|k| k.len == ks[0].len);
            done += if vector {
                seed_chunk_x8(rest, ks)
            } else if same(LANES) {
                seed_chunk::<LANES>(rest, ks)
            } else if same(4) {
                seed_chunk::<4>(rest, ks)
            } else if same(2) {
                seed_chunk::<2>(rest, ks)
            } else {
                seed_chunk::<1>(rest, ks)
            };
        }
        out
    }

    /// The state `init_by_array` starts from: one copy of a prepared
    /// state (zeroing `out` in place cost several times that copy).
    fn genrand_19650218() -> PyRandom {
        static FRESH: PyRandom = PyRandom {
            mt: GENRAND_19650218,
            out: [0; N + OUT_PAD],
            mti: N,
            gauss_next: GaussNext::None,
        };
        FRESH.clone()
    }

    /// Regenerate all 624 words and temper them into `out`: once per 624
    /// outputs, so kept out of line (the draw sites stay small).
    #[cold]
    #[inline(never)]
    fn twist(&mut self) {
        let out = self.out.first_chunk_mut::<N>().expect("N outputs");
        twist_and_temper(&mut self.mt, out);
        self.mti = 0;
    }

    /// Generate the first block of outputs now rather than at the first
    /// draw (a just-seeded state is due for its twist). Every later draw is
    /// the same either way; the seed cache keeps its states primed, so a
    /// run that copies one skips the twist.
    pub fn prime(&mut self) {
        if self.mti >= N {
            self.twist();
        }
    }

    /// One raw 32-bit MT19937 output.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.mti >= N {
            self.twist();
        }
        let y = self.out[self.mti];
        self.mti += 1;
        y
    }

    /// The next two raw outputs, as two calls of [`PyRandom::next_u32`]
    /// give them: from the tempered buffer while it holds both.
    #[inline(always)]
    fn next_pair(&mut self) -> (u32, u32) {
        let i = self.mti;
        // (An index test: a range `get` costs several more instructions a draw.)
        if i < N - 1 {
            self.mti = i + 2;
            (self.out[i], self.out[i + 1])
        } else {
            (self.next_u32(), self.next_u32())
        }
    }

    /// `random()`: a double in [0, 1) from two outputs.
    #[inline]
    pub fn random(&mut self) -> f64 {
        let (a, b) = self.next_pair();
        let (a, b) = ((a >> 5) as f64, (b >> 6) as f64);
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random() < p`, for a `p` prepared as a [`Chance`]: the same draw,
    /// compared as an integer.
    #[inline]
    pub fn chance(&mut self, p: Chance) -> bool {
        let (a, b) = self.next_pair();
        p.admits(a, b)
    }

    /// The 53-bit integer of the next `random()`.
    #[inline(always)]
    fn next_bits53(&mut self) -> u64 {
        let (a, b) = self.next_pair();
        bits53(a, b)
    }

    /// `n` times `if random() < p { skip_gauss() }`: the same draws and
    /// the same state after. Observation noise gates every field of every
    /// visible agent this way, most of them when nobody reads the values.
    #[inline]
    pub fn skip_gated_gausses(&mut self, p: Chance, n: usize) {
        self.gated_gausses(p, 0, n, |_, _| {});
    }

    /// `kept` times `if random() < p { gauss_later() }`, then `skip` times
    /// `if random() < p { skip_gauss() }`: the same draws and state after.
    /// `emit(g, draw)` gets the draw of each of the first `kept` gates that
    /// passes, in order (`g`: the gate's index).
    ///
    /// The gates are read as a bit mask ([`PassBits`]) and walked from one
    /// passing gate to the next. About one gate in five passes, at random:
    /// a branch on each gate's outcome cost a misprediction per pass.
    #[inline]
    pub fn gated_gausses(
        &mut self,
        p: Chance,
        kept: usize,
        skip: usize,
        emit: impl FnMut(usize, GaussDraw),
    ) {
        #[cfg(target_arch = "x86_64")]
        if gates_avx2() {
            // SAFETY: the CPU has what `gates_avx2` is compiled for.
            unsafe { self.gates_avx2(p, kept, skip, emit) };
            return;
        }
        self.gates::<false>(p, kept, skip, emit);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt,bmi1,lzcnt")]
    fn gates_avx2(
        &mut self,
        p: Chance,
        kept: usize,
        skip: usize,
        emit: impl FnMut(usize, GaussDraw),
    ) {
        self.gates::<true>(p, kept, skip, emit);
    }

    /// [`PyRandom::gated_gausses`], the masks made with AVX2 if `VECTOR`.
    #[inline(always)]
    fn gates<const VECTOR: bool>(
        &mut self,
        p: Chance,
        kept: usize,
        skip: usize,
        mut emit: impl FnMut(usize, GaussDraw),
    ) {
        let total = kept + skip;
        // Gates left.
        let mut n = total;
        while n > 0 {
            let i = self.mti;
            let Some(bits) = PassBits::at::<VECTOR>(&self.out, i, p, n) else {
                // At the buffer's end, or a gate its first output leaves
                // open: one gate the plain way.
                let g = total - n;
                if g < kept {
                    if let Some(draw) = self.gated_gauss_later(p) {
                        emit(g, draw);
                    }
                } else if self.chance(p) {
                    self.skip_gauss();
                }
                n -= 1;
                continue;
            };
            let at_start = self.gauss_next;
            let mut half_used = !matches!(at_start, GaussNext::None);
            // The pair after the last pass that took a fresh one, if any.
            let mut fresh = None;
            // The passing pairs not yet walked; `end` is where the gates
            // end if no more pass takes a fresh pair; `next` is the pair
            // after the last pass (and its fresh pair), 0 before any.
            let mut rest = bits.mask;
            let mut end = n;
            let mut next = 0;
            loop {
                let low = rest & rest.wrapping_neg();
                let t = low.trailing_zeros() as usize;
                if t >= end.min(bits.len) {
                    break;
                }
                // The pass at pair `t` is gate `total - (end - t)`.
                let g = total - (end - t);
                if g < kept {
                    emit(
                        g,
                        if half_used {
                            match fresh {
                                Some(f) => {
                                    let (x, u) = self.pair_at(i + 2 * f);
                                    GaussDraw::Sin { x, u }
                                }
                                None => at_start.second().expect("half a pair used"),
                            }
                        } else {
                            let (x, u) = self.pair_at(i + 2 * (t + 1));
                            GaussDraw::Cos { x, u }
                        },
                    );
                }
                let takes_pair = !half_used;
                // A fresh pair's two pairs are no gates.
                let pair_bits = (low << 1 | low << 2) & u64::from(takes_pair).wrapping_neg();
                rest &= !(low | pair_bits);
                if takes_pair {
                    fresh = Some(t + 1);
                }
                next = t + 1 + 2 * usize::from(takes_pair);
                end += 2 * usize::from(takes_pair);
                half_used = !half_used;
            }
            // The gates after the last pass fail, up to the last or to the
            // mask's end.
            let q = next.max(end.min(bits.len));
            n = end - q;
            self.mti = i + 2 * q;
            if next > 0 {
                self.gauss_next = match fresh {
                    Some(f) if half_used => {
                        let (x, u) = self.pair_at(i + 2 * f);
                        GaussNext::Pending { x, u }
                    }
                    _ => GaussNext::None,
                };
            }
        }
    }

    /// The two `random()` (as 53-bit integers) of the Box-Muller pair whose
    /// outputs start at `j` in the current buffer.
    #[inline(always)]
    fn pair_at(&self, j: usize) -> (u64, u64) {
        let o = &self.out[j..j + 4];
        (bits53(o[0], o[1]), bits53(o[2], o[3]))
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

    /// The indices `sample(population, k)` picks from a population of `n`
    /// (0 ≤ k ≤ n), in pick order: CPython 3.11 partially shuffles a copy
    /// of the population when it is small next to `k`, else it draws
    /// indices from the whole population, redrawing repeats.
    pub fn sample_indices(&mut self, n: usize, k: usize) -> Vec<usize> {
        assert!(k <= n, "sample larger than population");
        let mut setsize = 21usize;
        if k > 5 {
            // `4 ** ceil(log(k * 3, 4))`, with Python's float log.
            let e = (((k * 3) as f64).ln() / 4f64.ln()).ceil() as u32;
            setsize += 4usize.pow(e);
        }
        let mut picked = Vec::with_capacity(k);
        if n <= setsize {
            let mut pool: Vec<usize> = (0..n).collect();
            for i in 0..k {
                let j = self.randbelow(n - i);
                picked.push(pool[j]);
                pool[j] = pool[n - i - 1];
            }
        } else {
            for _ in 0..k {
                let mut j = self.randbelow(n);
                while picked.contains(&j) {
                    j = self.randbelow(n);
                }
                picked.push(j);
            }
        }
        picked
    }

    /// `gauss(mu, sigma)` with CPython's cached second value.
    pub fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let z = match std::mem::replace(&mut self.gauss_next, GaussNext::None) {
            GaussNext::Value(z) => z,
            GaussNext::Pending { x, u } => (unit(x) * std::f64::consts::TAU).sin() * g2rad(unit(u)),
            GaussNext::None => {
                let x2pi = self.random() * std::f64::consts::TAU;
                let g2rad = g2rad(self.random());
                self.gauss_next = GaussNext::Value(x2pi.sin() * g2rad);
                x2pi.cos() * g2rad
            }
        };
        mu + z * sigma
    }

    /// `gauss(..)` whose value the caller throws away: the same draws and
    /// the same state after, without the sine, cosine and logarithm the
    /// value needs (the second value of a fresh pair is computed later, if
    /// some `gauss` asks for it).
    #[inline(always)]
    pub fn skip_gauss(&mut self) {
        match self.gauss_next {
            GaussNext::None => {
                let x = self.next_bits53();
                let u = self.next_bits53();
                self.gauss_next = GaussNext::Pending { x, u };
            }
            _ => self.gauss_next = GaussNext::None,
        }
    }

    /// `gauss(..)` whose value may never be read: the same draws and the
    /// same state after, the value computed (the same operations) only if
    /// [`GaussDraw::value`] asks for it. Observation noise draws every
    /// noised field of every visible agent; agents read few of them.
    #[inline]
    pub fn gauss_later(&mut self) -> GaussDraw {
        if let Some(draw) = std::mem::replace(&mut self.gauss_next, GaussNext::None).second() {
            return draw;
        }
        self.skip_gauss();
        match self.gauss_next {
            GaussNext::Pending { x, u } => GaussDraw::Cos { x, u },
            _ => unreachable!("a fresh pair is pending"),
        }
    }

    /// `if random() < p { Some(gauss_later()) } else { None }`: the same
    /// draws and state after, with one index test (the gate and a fresh
    /// pair read straight from the tempered buffer).
    #[inline(always)]
    pub fn gated_gauss_later(&mut self, p: Chance) -> Option<GaussDraw> {
        let i = self.mti;
        // A gate takes at most six outputs (its draw, a fresh pair).
        if i + 6 > N {
            return self.gated_gauss_later_at_end(p);
        }
        if !p.admits(self.out[i], self.out[i + 1]) {
            self.mti = i + 2;
            return None;
        }
        if let Some(draw) = std::mem::replace(&mut self.gauss_next, GaussNext::None).second() {
            self.mti = i + 2;
            return Some(draw);
        }
        let (x, u) = self.pair_at(i + 2);
        self.gauss_next = GaussNext::Pending { x, u };
        self.mti = i + 6;
        Some(GaussDraw::Cos { x, u })
    }

    /// [`PyRandom::gated_gauss_later`] where the buffer may run out.
    #[cold]
    #[inline(never)]
    fn gated_gauss_later_at_end(&mut self, p: Chance) -> Option<GaussDraw> {
        self.chance(p).then(|| self.gauss_later())
    }

    /// `gauss(mu, sigma)` called `out.len()` times in a row, the values
    /// into `out` in order: the same values and state after. Both values
    /// of each fresh pair are made in one place, so that their sine and
    /// cosine are one `sincos` call.
    pub fn gauss_fill(&mut self, out: &mut [f64], mu: f64, sigma: f64) {
        let mut start = 0;
        if !matches!(self.gauss_next, GaussNext::None) && !out.is_empty() {
            out[0] = self.gauss(mu, sigma);
            start = 1;
        }
        let (pairs, last) = out[start..].as_chunks_mut::<2>();
        for pair in pairs {
            let x2pi = self.random() * std::f64::consts::TAU;
            let g2rad = g2rad(self.random());
            *pair = [
                mu + x2pi.cos() * g2rad * sigma,
                mu + x2pi.sin() * g2rad * sigma,
            ];
        }
        if let [last] = last {
            *last = self.gauss(mu, sigma);
        }
    }

    /// `n` calls of [`PyRandom::skip_gauss`]: whole pairs only move the
    /// stream on by their four outputs (nothing of them is kept), so a
    /// long run of thrown-away values costs about nothing per value.
    pub fn skip_gausses(&mut self, mut n: usize) {
        if n == 0 {
            return;
        }
        if !matches!(self.gauss_next, GaussNext::None) {
            self.gauss_next = GaussNext::None;
            n -= 1;
        }
        // Two `random()` per pair, two outputs per `random()`.
        self.skip_outputs(4 * (n / 2));
        if n % 2 == 1 {
            self.skip_gauss();
        }
    }

    /// Move the stream on by `k` raw outputs, as `k` calls of
    /// [`PyRandom::next_u32`] would.
    fn skip_outputs(&mut self, mut k: usize) {
        while k > 0 {
            if self.mti >= N {
                self.twist();
            }
            let take = k.min(N - self.mti);
            self.mti += take;
            k -= take;
        }
    }
}

/// A probability `p` ready for [`PyRandom::chance`]. `random()` is
/// `k / 2^53` for the 53-bit integer `k` its two outputs make, so it is
/// below `p` exactly when `k` is below `ceil(p * 2^53)` (a product by a
/// power of two: exact). That bound is kept split as `k` is made,
/// `(a >> 5) << 26 | (b >> 6)`: the first output alone decides unless its
/// top 27 bits are the bound's exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chance {
    /// First outputs below this pass whatever follows: the bound's top 27
    /// bits (2^27 for p ≥ 1), times 32.
    pass_below: u64,
    /// First outputs from this on fail: the top 27 bits plus one, times 32.
    fail_from: u64,
    /// The bound's low 26 bits, for a first output in between.
    lo: u32,
}

impl Chance {
    pub fn new(p: f64) -> Chance {
        const TWO_53: f64 = 9_007_199_254_740_992.0;
        // NaN: never below; p > 1: always.
        let bound = if p.is_nan() || p <= 0.0 {
            0
        } else {
            // The ceiling, without a libm call.
            let x = p.min(1.0) * TWO_53;
            let k = x as u64;
            k + u64::from((k as f64) < x)
        };
        let hi = bound >> 26;
        Chance {
            pass_below: hi << 5,
            fail_from: (hi + 1) << 5,
            lo: (bound & ((1 << 26) - 1)) as u32,
        }
    }

    /// The bound's top 27 bits (2^27 for p ≥ 1): a first output whose top
    /// 27 bits are below passes, above fails, equal leaves it to the second.
    #[inline(always)]
    fn top(self) -> u32 {
        (self.pass_below >> 5) as u32
    }

    /// Whether the `random()` of outputs `a`, `b` is below `p`.
    #[inline(always)]
    fn admits(self, a: u32, b: u32) -> bool {
        // Compared unshifted: one compare settles all but 1 in 2^27.
        let a = u64::from(a);
        a < self.fail_from && (a < self.pass_below || b >> 6 < self.lo)
    }
}

/// Whether the CPU has AVX2 and the bit-counting instructions the gate
/// walk uses.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn gates_avx2() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    // 0: not asked yet; 1: no; 2: yes.
    static ASKED: AtomicU8 = AtomicU8::new(0);
    match ASKED.load(Ordering::Relaxed) {
        0 => {
            let yes = std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("popcnt")
                && std::arch::is_x86_feature_detected!("bmi1")
                && std::arch::is_x86_feature_detected!("lzcnt");
            ASKED.store(1 + u8::from(yes), Ordering::Relaxed);
            yes
        }
        asked => asked == 2,
    }
}

/// Which of the output pairs from a position would pass a gate of `p`
/// (`random() < p`), read from their first outputs, as bits. The gates of
/// a run of gated draws are some of these pairs: each gate's pair, then
/// the next gate's, unless the gate passed and took a fresh Box-Muller
/// pair (its four outputs: two pairs that are no gates).
#[derive(Debug, Clone, Copy)]
struct PassBits {
    /// Bit `k`: pair `k` passes.
    mask: u64,
    /// How many pairs the mask settles (1 to 64), each with room after it
    /// in the buffer for a fresh pair.
    len: usize,
}

impl PassBits {
    /// The pairs from output `i`, about enough for `n` gates (at most 64;
    /// the walk asks again where they run out), or `None` if no pair is
    /// left with room for a fresh pair after it in the buffer, or the
    /// first pair is not settled by its first output (about one in 2^27).
    #[inline(always)]
    fn at<const VECTOR: bool>(
        out: &[u32; N + OUT_PAD],
        i: usize,
        p: Chance,
        n: usize,
    ) -> Option<PassBits> {
        // Pair `k` is a gate only if its fresh pair fits: i + 2k + 6 <= N.
        let room = (N - i).saturating_sub(4) / 2;
        // Eight pairs a block: a gate in five passes, and one pass in two
        // takes a fresh pair; the last block may read into the padding.
        let blocks = (n + n / 4).div_ceil(8).min(8).min(room.div_ceil(8));
        let (mut pass, mut open) = (0u64, 0u64);
        for b in 0..blocks {
            let firsts: &[u32; 16] = out[i + 16 * b..][..16].try_into().expect("16 outputs");
            let (bp, bo) = if VECTOR {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `VECTOR` masks are made only in functions compiled
                // for AVX2, called after checking the CPU has it.
                unsafe {
                    pass_bits_avx2(firsts, p)
                }
                #[cfg(not(target_arch = "x86_64"))]
                unreachable!("AVX2 gates asked for off x86_64")
            } else {
                pass_bits(firsts, p)
            };
            pass |= u64::from(bp) << (8 * b);
            open |= u64::from(bo) << (8 * b);
        }
        // Up to the first pair its first output does not settle.
        let len = (open.trailing_zeros() as usize).min(8 * blocks).min(room);
        (len > 0).then_some(PassBits { mask: pass, len })
    }
}

/// Bits `l` (0-7) of two masks for the eight output pairs of `firsts`:
/// the pair's first output makes it pass a gate of `p` whatever its
/// second; it leaves that to the second.
#[inline(always)]
fn pass_bits(firsts: &[u32; 16], p: Chance) -> (u32, u32) {
    let top = p.top();
    let (mut pass, mut open) = (0u32, 0u32);
    for l in 0..8 {
        let a = firsts[2 * l] >> 5;
        pass |= u32::from(a < top) << l;
        open |= u32::from(a == top) << l;
    }
    (pass, open)
}

/// [`pass_bits`] with AVX2: the eight first outputs gathered into one
/// register, compared as 32-bit lanes (their top 27 bits, so signed
/// compares are unsigned ones).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn pass_bits_avx2(firsts: &[u32; 16], p: Chance) -> (u32, u32) {
    use std::arch::x86_64::{
        __m256i, _mm256_castps_si256, _mm256_castsi256_ps, _mm256_cmpeq_epi32, _mm256_cmpgt_epi32,
        _mm256_loadu_si256, _mm256_movemask_ps, _mm256_permute4x64_epi64, _mm256_set1_epi32,
        _mm256_shuffle_ps, _mm256_srli_epi32,
    };
    // SAFETY: two unaligned 32-byte loads inside the sixteen outputs.
    let (v0, v1) = unsafe {
        let at = firsts.as_ptr().cast::<__m256i>();
        (_mm256_loadu_si256(at), _mm256_loadu_si256(at.add(1)))
    };
    // Per 128-bit half, outputs 0 and 2 of each load: pairs 0 1 4 5 | 2 3
    // 6 7; then the middle 64-bit quarters swapped: pairs 0 to 7.
    let firsts =
        _mm256_shuffle_ps::<0b10_00_10_00>(_mm256_castsi256_ps(v0), _mm256_castsi256_ps(v1));
    let firsts = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_castps_si256(firsts));
    let a = _mm256_srli_epi32::<5>(firsts);
    // At most 2^27: positive as i32.
    let top = _mm256_set1_epi32(p.top() as i32);
    let pass = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(top, a)));
    let open = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(top, a)));
    (pass as u32, open as u32)
}

/// Box-Muller's radius from the pair's second `random()`.
#[inline]
fn g2rad(u: f64) -> f64 {
    (-2.0 * (1.0 - u).ln()).sqrt()
}

/// MT19937's regeneration of the state, in CPython's order, with the
/// tempered outputs. The new words are built in `out` (from the old words
/// in `mt` and, for word `k` ≥ 227, the new word `k - 227`), in three runs
/// of independent words the compiler turns into vector operations; then
/// they move to `mt` and are tempered in place in `out`.
#[inline(always)]
fn twist_body(mt: &mut [u32; N], out: &mut [u32; N]) {
    #[inline(always)]
    fn mix(upper: u32, lower: u32, far: u32) -> u32 {
        let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
        far ^ (y >> 1) ^ ((y & 1).wrapping_neg() & MATRIX_A)
    }
    #[inline(always)]
    fn mix_run(new: &mut [u32], upper: &[u32], lower: &[u32], far: &[u32]) {
        for (((w, &u), &l), &f) in new.iter_mut().zip(upper).zip(lower).zip(far) {
            *w = mix(u, l, f);
        }
    }
    const D: usize = N - M; // 227: how far back a far word is, once new
                            // Words 0..227: their far words are old.
    mix_run(&mut out[..D], &mt[..D], &mt[1..=D], &mt[M..]);
    // Words 227..454: far words are the new 0..227.
    let (done, rest) = out.split_at_mut(D);
    mix_run(&mut rest[..D], &mt[D..2 * D], &mt[D + 1..=2 * D], done);
    // Words 454..623: far words are the new 227..396.
    let (done, rest) = out.split_at_mut(2 * D);
    mix_run(
        &mut rest[..N - 1 - 2 * D],
        &mt[2 * D..N - 1],
        &mt[2 * D + 1..],
        &done[D..M - 1],
    );
    out[N - 1] = mix(mt[N - 1], out[0], out[M - 1]);
    for (m, o) in mt.iter_mut().zip(out.iter_mut()) {
        *m = *o;
        let mut y = *o;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        *o = y;
    }
}

/// [`twist_body`] with AVX2 where the CPU has it, else with the baseline
/// vectors.
fn twist_and_temper(mt: &mut [u32; N], out: &mut [u32; N]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        unsafe { twist_avx2(mt, out) };
        return;
    }
    twist_body(mt, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn twist_avx2(mt: &mut [u32; N], out: &mut [u32; N]) {
    twist_body(mt, out);
}

const LANES: usize = 6;

/// Seed the first `L` of `rest` (keys of one length); returns `L`.
fn seed_chunk<const L: usize>(rest: &mut [PyRandom], keys: &[Key]) -> usize {
    let chunk: &mut [PyRandom; L] = (&mut rest[..L]).try_into().expect("L states");
    let mts = chunk.each_mut().map(|r| &mut r.mt);
    init_by_array(mts, std::array::from_fn(|l| keys[l].words()));
    L
}

/// Streams seeded per vector register.
const X8_LANES: usize = 8;

/// Seed the first 1 to 8 of `rest` whose keys have the length of the
/// first, with AVX2 (the caller checked the CPU has it); returns how many.
#[cfg(target_arch = "x86_64")]
fn seed_chunk_x8(rest: &mut [PyRandom], keys: &[Key]) -> usize {
    let n = keys
        .iter()
        .take(X8_LANES)
        .take_while(|k| k.len == keys[0].len)
        .count();
    // SAFETY: `new_many_with` calls this only after checking for AVX2.
    unsafe { seed_x8(&mut rest[..n], &keys[..n]) };
    n
}

#[cfg(not(target_arch = "x86_64"))]
fn seed_chunk_x8(_: &mut [PyRandom], _: &[Key]) -> usize {
    unreachable!("AVX2 seeding asked for off x86_64")
}

/// CPython's `init_by_array` for 1 to 8 streams whose keys have one length,
/// one stream per 32-bit lane of 256-bit vectors: the state is held
/// transposed (word i of every stream side by side), so each step of the
/// chain is one vector multiply for all streams; then written back stream
/// by stream.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn seed_x8(out: &mut [PyRandom], keys: &[Key]) {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_mullo_epi32, _mm256_set1_epi32, _mm256_setr_epi32,
        _mm256_srli_epi32, _mm256_sub_epi32, _mm256_xor_si256,
    };
    let lanes = out.len();
    debug_assert!((1..=X8_LANES).contains(&lanes) && keys.len() == lanes);
    let klen = keys[0].len;
    // Lanes past `lanes` repeat the last key; their results are dropped.
    let word = |l: usize, j: usize| keys[l.min(lanes - 1)].words[j] as i32;
    let key: [__m256i; 4] = std::array::from_fn(|j| {
        _mm256_setr_epi32(
            word(0, j),
            word(1, j),
            word(2, j),
            word(3, j),
            word(4, j),
            word(5, j),
            word(6, j),
            word(7, j),
        )
    });
    // x ^ (x >> 30)
    let spread = |x: __m256i| _mm256_xor_si256(x, _mm256_srli_epi32::<30>(x));
    // Collected in place on the heap: an array built by value here was
    // copied to its stack slot (20 KiB per batch).
    let mut st: Vec<__m256i> = GENRAND_19650218
        .iter()
        .map(|&g| _mm256_set1_epi32(g as i32))
        .collect();
    let mul1 = _mm256_set1_epi32(1_664_525);
    let mul2 = _mm256_set1_epi32(1_566_083_941);
    let mut prev = st[0];
    let mut i = 1usize;
    let mut j = 0usize;
    for _ in 0..N.max(klen) {
        let mixed = _mm256_xor_si256(st[i], _mm256_mullo_epi32(spread(prev), mul1));
        let next = _mm256_add_epi32(_mm256_add_epi32(mixed, key[j]), _mm256_set1_epi32(j as i32));
        st[i] = next;
        prev = next;
        i += 1;
        j += 1;
        if i >= N {
            st[0] = st[N - 1];
            i = 1;
        }
        if j >= klen {
            j = 0;
        }
    }
    for _ in 0..N - 1 {
        let mixed = _mm256_xor_si256(st[i], _mm256_mullo_epi32(spread(prev), mul2));
        let next = _mm256_sub_epi32(mixed, _mm256_set1_epi32(i as i32));
        st[i] = next;
        prev = next;
        i += 1;
        if i >= N {
            st[0] = st[N - 1];
            i = 1;
        }
    }
    // Read in place (a moved copy cost a 20 KiB memcpy per batch).
    assert_eq!(st.len(), N);
    // SAFETY: `st` holds N vectors; an __m256i is 32 plain bytes, eight
    // u32 lanes in order, and more strictly aligned than u32.
    let rows: &[[u32; X8_LANES]; N] = unsafe { &*st.as_ptr().cast::<[[u32; X8_LANES]; N]>() };
    for (l, rng) in out.iter_mut().enumerate() {
        for (w, row) in rng.mt.iter_mut().zip(rows) {
            *w = row[l];
        }
        rng.mt[0] = 0x8000_0000;
    }
}

/// An integer seed's magnitude as CPython's `init_by_array` key: 32-bit
/// words, least significant first (at least one).
struct Key {
    words: [u32; 4],
    len: usize,
}

impl Key {
    fn of(seed: i128) -> Key {
        let mut n = seed.unsigned_abs();
        let mut key = Key {
            words: [0; 4],
            len: 0,
        };
        loop {
            key.words[key.len] = (n & 0xffff_ffff) as u32;
            key.len += 1;
            n >>= 32;
            if n == 0 {
                return key;
            }
        }
    }

    fn words(&self) -> &[u32] {
        &self.words[..self.len]
    }
}

/// `init_genrand(19650218)`, where every `init_by_array` starts.
const GENRAND_19650218: [u32; N] = {
    let mut mt = [0u32; N];
    mt[0] = 19_650_218;
    let mut i = 1;
    while i < N {
        let prev = mt[i - 1];
        mt[i] = 1_812_433_253u32
            .wrapping_mul(prev ^ (prev >> 30))
            .wrapping_add(i as u32);
        i += 1;
    }
    mt
};

/// CPython's `init_by_array` on `L` states at once, each already holding
/// `init_genrand(19650218)`; all keys have the same length. Each lane's
/// arithmetic is exactly the one-stream algorithm.
#[inline(always)]
fn init_by_array<const L: usize>(mts: [&mut [u32; N]; L], keys: [&[u32]; L]) {
    let klen = keys[0].len();
    debug_assert!(keys.iter().all(|k| k.len() == klen));
    let mut mts = mts;
    let mut i = 1usize;
    let mut j = 0usize;
    for _ in 0..N.max(klen) {
        for l in 0..L {
            let prev = mts[l][i - 1];
            mts[l][i] = (mts[l][i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(keys[l][j])
                .wrapping_add(j as u32);
        }
        i += 1;
        j += 1;
        if i >= N {
            for mt in mts.iter_mut() {
                mt[0] = mt[N - 1];
            }
            i = 1;
        }
        if j >= klen {
            j = 0;
        }
    }
    for _ in 0..N - 1 {
        for mt in mts.iter_mut() {
            let prev = mt[i - 1];
            mt[i] =
                (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
        }
        i += 1;
        if i >= N {
            for mt in mts.iter_mut() {
                mt[0] = mt[N - 1];
            }
            i = 1;
        }
    }
    for mt in mts.iter_mut() {
        mt[0] = 0x8000_0000;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors from docs/model/simulation.md §9.1 (CPython 3.11.7).
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

    /// `Random(7).sample(range(5), 3)`, then `sample(range(100), 7)` (the
    /// set branch) and `sample(range(30), 4)`, from CPython 3.11.7.
    #[test]
    fn sample_matches_cpython() {
        let mut r = PyRandom::new(7);
        assert_eq!(r.sample_indices(5, 3), [2, 1, 3]);
        assert_eq!(r.sample_indices(100, 7), [83, 6, 9, 68, 12, 46, 74]);
        assert_eq!(r.sample_indices(30, 4), [1, 29, 16, 6]);
    }

    #[test]
    fn seeding_many_at_once_gives_the_one_by_one_states() {
        let seeds: Vec<i128> = vec![
            0,
            1,
            42,
            -7,
            (1 << 32) + 3,
            5,
            u32::MAX as i128,
            (1 << 70) + 11,
            (1 << 33),
            9,
            10,
        ];
        for n in 0..=seeds.len() {
            let many = PyRandom::new_many(&seeds[..n]);
            let scalar = PyRandom::new_many_with(&seeds[..n], false);
            assert_eq!(many.len(), n);
            for ((mut a, c), &s) in many.into_iter().zip(scalar).zip(&seeds) {
                let mut b = PyRandom::new(s);
                assert_eq!(a.mt, b.mt, "seed {s}");
                assert_eq!(c.mt, b.mt, "seed {s} (scalar)");
                assert_eq!(a.random(), b.random(), "seed {s}");
            }
        }
        // Long runs of one key length: full vectors and a ragged tail.
        let run: Vec<i128> = (1000..1019).collect();
        for (a, &s) in PyRandom::new_many(&run).iter().zip(&run) {
            assert_eq!(a.mt, PyRandom::new(s).mt, "seed {s}");
        }
    }

    /// MT19937 as the textbook writes it: one word at a time, tempered at
    /// the draw.
    struct Textbook {
        mt: [u32; N],
        mti: usize,
    }

    impl Textbook {
        fn next_u32(&mut self) -> u32 {
            if self.mti >= N {
                for kk in 0..N {
                    let y = (self.mt[kk] & UPPER_MASK) | (self.mt[(kk + 1) % N] & LOWER_MASK);
                    let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
                    self.mt[kk] = self.mt[(kk + M) % N] ^ (y >> 1) ^ mag;
                }
                self.mti = 0;
            }
            let mut y = self.mt[self.mti];
            self.mti += 1;
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c_5680;
            y ^= (y << 15) & 0xefc6_0000;
            y ^ (y >> 18)
        }
    }

    #[test]
    fn chunked_twist_and_tempered_outputs_are_the_textbook_stream() {
        for seed in [0i128, 1, 42, (1 << 40) + 5] {
            let mut r = PyRandom::new(seed);
            let mut t = Textbook {
                mt: r.mt,
                mti: r.mti,
            };
            // Several regenerations, mixing one-word and two-word draws.
            for i in 0..5 * N {
                if i % 3 == 0 {
                    let a = t.next_u32() >> 5;
                    let b = t.next_u32() >> 6;
                    let want = (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0;
                    assert_eq!(r.random(), want, "seed {seed}, draw {i}");
                } else {
                    assert_eq!(r.next_u32(), t.next_u32(), "seed {seed}, draw {i}");
                }
            }
            assert_eq!(r.mt, t.mt, "seed {seed}");
        }
    }

    /// Skipping a gauss leaves the stream, and every later value, as
    /// drawing it would: whether the skipped one opens a pair or closes it.
    #[test]
    fn skip_gauss_is_gauss_without_its_value() {
        let patterns: [&[bool]; 4] = [
            &[true, false, false, true, true, false, false, false, true],
            &[false, true, false, true],
            &[true, true, false, false, true],
            &[false, false, false, true, false, true, true],
        ];
        for skips in patterns {
            let (mut a, mut b) = (PyRandom::new(7), PyRandom::new(7));
            for (i, &skip) in skips.iter().enumerate() {
                let want = a.gauss(0.5, 2.0);
                if skip {
                    b.skip_gauss();
                } else {
                    assert_eq!(b.gauss(0.5, 2.0).to_bits(), want.to_bits(), "gauss {i}");
                }
                assert_eq!(a.random(), b.random(), "after gauss {i}");
            }
        }
    }

    /// Skipping `n` at once is `n` single skips, from either half of a
    /// pair, across twists.
    #[test]
    fn skipping_many_gauss_is_skipping_each() {
        for pending in [false, true] {
            for n in [0, 1, 2, 3, 4, 7, 311, 312, 313, 1000, 2501] {
                let (mut a, mut b) = (PyRandom::new(11), PyRandom::new(11));
                // Off the start of the buffer, and half a pair in if `pending`.
                a.random();
                b.random();
                if pending {
                    a.gauss(0.0, 1.0);
                    b.gauss(0.0, 1.0);
                }
                (0..n).for_each(|_| a.skip_gauss());
                b.skip_gausses(n);
                for i in 0..3 {
                    let (x, y) = (a.gauss(0.0, 1.0), b.gauss(0.0, 1.0));
                    assert_eq!(
                        x.to_bits(),
                        y.to_bits(),
                        "n {n} pending {pending} gauss {i}"
                    );
                }
                assert_eq!(a.random(), b.random(), "n {n} pending {pending}");
            }
        }
    }

    /// `skip_gated_gausses` is its gates one by one: across twists, from
    /// either half of a pair, for never, rare, common and certain gates.
    #[test]
    fn skipping_gated_gausses_is_gating_each() {
        for p in [0.0, 0.1, 0.3, 0.9, 1.0] {
            let chance = Chance::new(p);
            for pending in [false, true] {
                for n in [0, 1, 2, 5, 36, 103, 104, 105, 700, 2000] {
                    let (mut a, mut b) = (PyRandom::new(17), PyRandom::new(17));
                    for r in [&mut a, &mut b] {
                        // Off the start of the buffer, and half a pair in if `pending`.
                        r.random();
                        if pending {
                            r.gauss(0.0, 1.0);
                        }
                    }
                    for _ in 0..n {
                        if a.chance(chance) {
                            a.skip_gauss();
                        }
                    }
                    b.skip_gated_gausses(chance, n);
                    assert_eq!(a.mti, b.mti, "p {p} n {n} pending {pending}");
                    for i in 0..3 {
                        let (x, y) = (a.gauss(0.0, 1.0), b.gauss(0.0, 1.0));
                        assert_eq!(x.to_bits(), y.to_bits(), "p {p} n {n} gauss {i}");
                    }
                    assert_eq!(a.random(), b.random(), "p {p} n {n} pending {pending}");
                }
            }
        }
    }

    /// The gates one by one, as the reference draws them: `kept` gated
    /// `gauss_later`, then `skip` gated `skip_gauss`; the passes' draws.
    fn gates_one_by_one(
        r: &mut PyRandom,
        p: Chance,
        kept: usize,
        skip: usize,
    ) -> Vec<(usize, GaussDraw)> {
        let mut drawn = Vec::new();
        for g in 0..kept + skip {
            if r.chance(p) {
                if g < kept {
                    drawn.push((g, r.gauss_later()));
                } else {
                    r.skip_gauss();
                }
            }
        }
        drawn
    }

    /// A stream `offset` outputs in, half a pair in if `pending`.
    fn stream_at(seed: i128, offset: usize, pending: bool) -> PyRandom {
        let mut r = PyRandom::new(seed);
        r.skip_outputs(offset);
        if pending {
            r.gauss(0.0, 1.0);
        }
        r
    }

    /// Checks `gated_gausses` (with the given mask path) against the gates
    /// one by one: the same passes and draws, the same state after.
    fn assert_gates_match(
        r: &PyRandom,
        p: Chance,
        kept: usize,
        skip: usize,
        vector: bool,
        what: &str,
    ) {
        let (mut a, mut b) = (r.clone(), r.clone());
        let want = gates_one_by_one(&mut a, p, kept, skip);
        let mut got = Vec::new();
        let emit = |g, d| got.push((g, d));
        if vector {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: callers ask for vectors only where `gates_avx2()` says yes.
            unsafe {
                b.gates_avx2(p, kept, skip, emit)
            };
        } else {
            b.gates::<false>(p, kept, skip, emit);
        }
        assert_eq!(got, want, "{what}");
        assert_eq!(a.mti, b.mti, "{what}");
        for _ in 0..3 {
            assert_eq!(
                a.gauss(0.0, 1.0).to_bits(),
                b.gauss(0.0, 1.0).to_bits(),
                "{what}"
            );
        }
        assert_eq!(a.random(), b.random(), "{what}");
    }

    /// Both mask paths the CPU can run.
    fn mask_paths() -> Vec<bool> {
        #[cfg(target_arch = "x86_64")]
        if gates_avx2() {
            return vec![false, true];
        }
        vec![false]
    }

    /// `gated_gausses` walks the gates as the reference draws them one by
    /// one: every offset into the buffer (up to and across its end), from
    /// either half of a pair, kept and skipped gates, for never, rare,
    /// common and certain gates.
    #[test]
    fn gated_gausses_are_the_gates_one_by_one() {
        let shapes = [
            (0, 0),
            (0, 1),
            (1, 0),
            (15, 9),
            (24, 0),
            (0, 24),
            (3, 61),
            (40, 90),
            (300, 500),
        ];
        for p in [0.0, 0.05, 0.2, 0.5, 0.9, 1.0] {
            let chance = Chance::new(p);
            for vector in mask_paths() {
                for pending in [false, true] {
                    for offset in (0..N + 30).step_by(7) {
                        let r = stream_at(31, offset, pending);
                        for (kept, skip) in shapes {
                            let what = format!("p {p} offset {offset} pending {pending} kept {kept} skip {skip} vector {vector}");
                            assert_gates_match(&r, chance, kept, skip, vector, &what);
                        }
                    }
                }
            }
        }
    }

    /// A gate whose first output's top 27 bits are the bound's is settled
    /// by its second output: the mask stops before it and the gate is
    /// drawn the plain way, whichever way the second output goes.
    #[test]
    fn a_gate_its_first_output_leaves_open_is_settled_by_its_second() {
        let mut r = PyRandom::new(5);
        r.prime();
        for gate in [0usize, 1, 5, 9, 40] {
            let (a, b) = (r.out[2 * gate], r.out[2 * gate + 1]);
            // Bounds whose top 27 bits are `a`'s, just above and just below
            // the pair's 53-bit value: the gate passes, then fails.
            let k = bits53(a, b);
            for bound in [k + 1, k] {
                let p = bound as f64 / 9_007_199_254_740_992.0;
                let chance = Chance::new(p);
                assert_eq!(chance.top(), a >> 5, "gate {gate}");
                assert_eq!(chance.admits(a, b), bound > k, "gate {gate}");
                for vector in mask_paths() {
                    for (kept, skip) in [(gate + 1, 0), (0, gate + 30), (gate + 10, 20)] {
                        let what = format!(
                            "gate {gate} bound {bound} kept {kept} skip {skip} vector {vector}"
                        );
                        assert_gates_match(&r, chance, kept, skip, vector, &what);
                    }
                }
            }
        }
    }

    /// `gauss_later` values are `gauss`'s, read or not, with skips and
    /// plain `gauss` calls between them.
    #[test]
    fn gauss_later_is_gauss_computed_when_read() {
        // 0: gauss, 1: gauss_later (read), 2: gauss_later (unread), 3: skip.
        let patterns: [&[u8]; 4] = [
            &[1, 1, 2, 1, 0, 1, 3, 1, 2, 2, 0, 0, 1],
            &[0, 1, 1, 0, 2, 0, 3, 3, 1],
            &[2, 2, 2, 1, 3, 1, 1],
            &[3, 1, 0, 2, 1, 1, 0],
        ];
        for ops in patterns {
            let (mut a, mut b) = (PyRandom::new(23), PyRandom::new(23));
            for (i, &op) in ops.iter().enumerate() {
                let want = a.gauss(0.25, 0.15);
                match op {
                    0 => assert_eq!(b.gauss(0.25, 0.15).to_bits(), want.to_bits(), "op {i}"),
                    1 => assert_eq!(
                        b.gauss_later().value(0.25, 0.15).to_bits(),
                        want.to_bits(),
                        "op {i}"
                    ),
                    2 => {
                        b.gauss_later();
                    }
                    _ => b.skip_gauss(),
                }
            }
            assert_eq!(a.gauss(0.0, 1.0).to_bits(), b.gauss(0.0, 1.0).to_bits());
            assert_eq!(a.random(), b.random());
        }
    }

    /// `gated_gauss_later` is a gate and then `gauss_later`: the same
    /// values (read or not), across twists, from either half of a pair.
    #[test]
    fn gated_gauss_later_is_a_gate_then_gauss_later() {
        for p in [0.0, 0.3, 0.9, 1.0] {
            let chance = Chance::new(p);
            for pending in [false, true] {
                let (mut a, mut b) = (PyRandom::new(29), PyRandom::new(29));
                for r in [&mut a, &mut b] {
                    r.random();
                    if pending {
                        r.gauss(0.0, 1.0);
                    }
                }
                // Enough draws to cross several twists at every offset.
                for i in 0..3000 {
                    let want = a.chance(chance).then(|| a.gauss_later());
                    let got = b.gated_gauss_later(chance);
                    let value = |d: Option<GaussDraw>| d.map(|d| d.value(0.25, 0.15).to_bits());
                    assert_eq!(value(got), value(want), "p {p} draw {i} pending {pending}");
                    assert_eq!(a.mti, b.mti, "p {p} draw {i} pending {pending}");
                    if i % 7 == 0 {
                        assert_eq!(a.gauss(0.0, 1.0).to_bits(), b.gauss(0.0, 1.0).to_bits());
                    }
                }
                assert_eq!(a.random(), b.random());
            }
        }
    }

    /// `gauss_fill` gives the values, and leaves the state, of `gauss`
    /// called one by one.
    #[test]
    fn gauss_fill_is_gauss_in_a_row() {
        for pending in [false, true] {
            for n in [0, 1, 2, 3, 4, 5, 400, 401] {
                let (mut a, mut b) = (PyRandom::new(13), PyRandom::new(13));
                if pending {
                    a.gauss(0.0, 1.0);
                    b.gauss(0.0, 1.0);
                }
                let want: Vec<u64> = (0..n).map(|_| a.gauss(0.3, 0.1).to_bits()).collect();
                let mut got = vec![0.0; n];
                b.gauss_fill(&mut got, 0.3, 0.1);
                let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
                assert_eq!(got, want, "n {n} pending {pending}");
                assert_eq!(a.gauss(0.0, 1.0).to_bits(), b.gauss(0.0, 1.0).to_bits());
                assert_eq!(a.random(), b.random());
            }
        }
    }

    /// `chance(p)` is `random() < p`, draw for draw, at and around the
    /// values `random()` takes.
    #[test]
    fn chance_is_random_below() {
        let mut r = PyRandom::new(3);
        let mut probe = PyRandom::new(3);
        for i in 0..20_000 {
            let x = probe.random();
            // The drawn value itself, its neighbours, and plain probabilities.
            let ps = [
                x,
                f64::from_bits(x.to_bits() + 1),
                f64::from_bits(x.to_bits().saturating_sub(1)),
                0.0,
                1.0,
                0.2,
                1.5,
                -0.5,
                f64::NAN,
            ];
            let p = ps[i % ps.len()];
            let mut twin = r.clone();
            assert_eq!(
                r.chance(Chance::new(p)),
                twin.random() < p,
                "draw {i}, p {p}"
            );
        }
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
