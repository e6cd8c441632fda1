//! Percentile bootstrap CIs of means, reproducible and cheap.
//!
//! * Resamples come from a stream chosen by a stable hash of what is
//!   resampled, so an interval does not depend on which other intervals
//!   were computed, in what order or on how many threads.
//! * Several samples of the same length (one variant's paired differences
//!   on every metric with no pair missing) share one stream: each resample
//!   draws the n indices once, and every sample's resample mean is the sum
//!   of its values at them, in draw order, divided by n.
//!   Each sample's interval is still the percentile interval of its own
//!   resample means; sharing only saves drawing the same indices again.
//! * The generator is four xoshiro256++ lanes side by side (seeded in turn
//!   through SplitMix64 from the seed and the stream), read as one stream
//!   of 32-bit words: each step of the lanes gives the high halves of lanes
//!   0-3, then their low halves. Indices are drawn from those words with
//!   Lemire's unbiased multiply-shift method. With AVX2 the lanes step in
//!   one register per state word.
//! * Resampling stops once the interval is settled: at 1 000 resamples,
//!   then 2 000, 4 000, … up to `max_resamples`, each endpoint's Monte Carlo
//!   standard error is estimated from the order statistics around it (a
//!   quarter of the distance between the resample means at ranks
//!   B·q ± 2√(B·q(1−q)), two binomial standard errors of the rank), and a
//!   sample whose two errors are both at most [`SETTLED`] of its
//!   interval's width is done.
//!   A sample whose values are all equal needs no resampling at all.
//!
//! docs/analysis.md ("Bootstrap") states the same.

#[cfg(test)]
use super::describe::quantile_sorted;

/// Resamples per interval at most (`--bootstrap N`).
pub const DEFAULT_RESAMPLES: usize = 10_000;
/// Seed of every stream unless `--bootstrap-seed` says otherwise.
pub const DEFAULT_SEED: u64 = 20_240_601;
/// The first check, after this many resamples (the usual minimum for a
/// percentile interval); then at twice as many.
pub const FIRST_CHECK: usize = 1_000;
/// Settled: each endpoint's Monte Carlo standard error is at most this
/// share of the interval's width (an interval 0.02 wide: endpoints known
/// to ±0.0005).
pub const SETTLED: f64 = 0.03;

/// FNV-1a of `key`: a stable stream number (Rust's `Hash` is not stable).
pub fn stream_id(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Four xoshiro256++ generators (Blackman & Vigna) side by side, as lanes,
/// read as one stream of 32-bit words in a fixed order: each step of the
/// four lanes gives eight words, the high halves of lanes 0 to 3, then
/// their low halves. Four independent lanes step in one vector register
/// each on a CPU with AVX2: one lane's steps depend on each other, and
/// were most of the bootstrap's time.
pub struct Rng {
    /// `s[j][lane]`: word j of each lane's state.
    s: [[u64; 4]; 4],
    /// The last step's eight words; `words[pos..]` are next.
    words: [u32; 8],
    pos: usize,
}

impl Rng {
    /// The stream `stream` of seed `seed`: SplitMix64 started from
    /// `seed · φ64 ⊕ stream` fills lane 0's state, then lane 1's, 2's, 3's.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ stream;
        let mut s = [[0u64; 4]; 4];
        for lane in 0..4 {
            for word in &mut s {
                word[lane] = splitmix64(&mut x);
            }
        }
        Rng {
            s,
            words: [0; 8],
            pos: 8,
        }
    }

    /// One xoshiro256++ step of each lane: the lanes' outputs.
    #[inline(always)]
    fn step(&mut self) -> [u64; 4] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0u64; 4];
        for l in 0..4 {
            out[l] = s0[l]
                .wrapping_add(s3[l])
                .rotate_left(23)
                .wrapping_add(s0[l]);
            let t = s1[l] << 17;
            s2[l] ^= s0[l];
            s3[l] ^= s1[l];
            s1[l] ^= s2[l];
            s0[l] ^= s3[l];
            s2[l] ^= t;
            s3[l] = s3[l].rotate_left(45);
        }
        out
    }

    /// A step's eight words (from the lanes' outputs), in stream order.
    #[inline(always)]
    fn words_of(out: [u64; 4]) -> [u32; 8] {
        let mut w = [0u32; 8];
        for l in 0..4 {
            w[l] = (out[l] >> 32) as u32;
            w[4 + l] = out[l] as u32;
        }
        w
    }

    /// Make a step's outputs the next words.
    #[inline(always)]
    fn take_step(&mut self, out: [u64; 4]) {
        self.words = Self::words_of(out);
        self.pos = 0;
    }

    #[inline]
    fn next_u32(&mut self) -> u32 {
        if self.pos == 8 {
            let out = self.step();
            self.take_step(out);
        }
        let w = self.words[self.pos];
        self.pos += 1;
        w
    }

    /// The next two words as one number (the first its high half).
    #[cfg(test)]
    fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
    }

    /// Uniform in [0, n) without bias (Lemire's method), n ≥ 1.
    #[inline]
    pub fn below(&mut self, n: u32) -> u32 {
        let m = u64::from(self.next_u32()) * u64::from(n);
        self.finish_below(m, n)
    }

    /// `out.len()` draws of [`below`](Self::below)`(n)`, the same values
    /// in the same order: eight at a time from a step of the four lanes
    /// while none of them needs Lemire's (rare) second look.
    pub fn fill_below(&mut self, n: u32, out: &mut [u32]) {
        let mut k = 0;
        while k < out.len() {
            if self.pos == 8 && out.len() - k >= 8 {
                k += self.fill_eights(n, &mut out[k..]);
                continue;
            }
            out[k] = self.below(n);
            k += 1;
        }
    }

    /// Draws of `below(n)` into `out`, eight (a step) at a time, at the
    /// start of a step: stops before the last `out.len() % 8` or at a step
    /// with a draw that may need the second look (its words are then next,
    /// for [`below`](Self::below)). Returns how many it drew.
    fn fill_eights(&mut self, n: u32, out: &mut [u32]) -> usize {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { self.fill_eights_avx2(n, out) };
        }
        self.fill_eights_portable(n, out)
    }

    /// [`fill_eights`](Self::fill_eights) on any CPU.
    fn fill_eights_portable(&mut self, n: u32, out: &mut [u32]) -> usize {
        let wide = u64::from(n);
        let mut k = 0;
        while out.len() - k >= 8 {
            let lanes = self.step();
            let mut m = [0u64; 8];
            for (m, &w) in m.iter_mut().zip(&Self::words_of(lanes)) {
                *m = u64::from(w) * wide;
            }
            if m.iter().any(|&x| (x as u32) < n) {
                self.take_step(lanes);
                break;
            }
            for (d, &x) in out[k..k + 8].iter_mut().zip(&m) {
                *d = (x >> 32) as u32;
            }
            k += 8;
        }
        k
    }

    /// [`fill_eights`](Self::fill_eights) with the four lanes in one
    /// 256-bit register per state word: the same integer operations lane
    /// by lane, so the same draws.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn fill_eights_avx2(&mut self, n: u32, out: &mut [u32]) -> usize {
        use std::arch::x86_64::*;
        // SAFETY (the loads and stores): each `self.s[j]` is four u64, 32
        // bytes, and the unaligned load/store reads/writes exactly those.
        let load = |w: &[u64; 4]| unsafe { _mm256_loadu_si256(w.as_ptr().cast()) };
        let rotl = |x: __m256i, r: i32| -> __m256i {
            // Shift counts as vectors: the immediate forms need constants.
            let left = _mm_cvtsi32_si128(r);
            let right = _mm_cvtsi32_si128(64 - r);
            _mm256_or_si256(_mm256_sll_epi64(x, left), _mm256_srl_epi64(x, right))
        };
        let (mut s0, mut s1, mut s2, mut s3) = (
            load(&self.s[0]),
            load(&self.s[1]),
            load(&self.s[2]),
            load(&self.s[3]),
        );
        let wide = _mm256_set1_epi64x(i64::from(n));
        let mut k = 0;
        while out.len() - k >= 8 {
            let o = _mm256_add_epi64(rotl(_mm256_add_epi64(s0, s3), 23), s0);
            let t = _mm256_slli_epi64::<17>(s1);
            s2 = _mm256_xor_si256(s2, s0);
            s3 = _mm256_xor_si256(s3, s1);
            s1 = _mm256_xor_si256(s1, s2);
            s0 = _mm256_xor_si256(s0, s3);
            s2 = _mm256_xor_si256(s2, t);
            s3 = rotl(s3, 45);
            // The high and the low word of each lane, times n (the
            // multiply takes each 64-bit lane's low 32 bits).
            let mut hi = [0u64; 4];
            let mut lo = [0u64; 4];
            // SAFETY: each array is 32 bytes.
            unsafe {
                _mm256_storeu_si256(
                    hi.as_mut_ptr().cast(),
                    _mm256_mul_epu32(_mm256_srli_epi64::<32>(o), wide),
                );
                _mm256_storeu_si256(lo.as_mut_ptr().cast(), _mm256_mul_epu32(o, wide));
            }
            if hi.iter().chain(&lo).any(|&x| (x as u32) < n) {
                let mut lanes = [0u64; 4];
                // SAFETY: 32 bytes.
                unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), o) };
                self.take_step(lanes);
                break;
            }
            for (d, &x) in out[k..k + 8].iter_mut().zip(hi.iter().chain(&lo)) {
                *d = (x >> 32) as u32;
            }
            k += 8;
        }
        // SAFETY: as the loads.
        unsafe {
            _mm256_storeu_si256(self.s[0].as_mut_ptr().cast(), s0);
            _mm256_storeu_si256(self.s[1].as_mut_ptr().cast(), s1);
            _mm256_storeu_si256(self.s[2].as_mut_ptr().cast(), s2);
            _mm256_storeu_si256(self.s[3].as_mut_ptr().cast(), s3);
        }
        k
    }

    /// The rest of [`below`](Self::below) once the first draw gave `m`.
    #[inline]
    fn finish_below(&mut self, mut m: u64, n: u32) -> u32 {
        if (m as u32) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u32) < threshold {
                m = u64::from(self.next_u32()) * u64::from(n);
            }
        }
        (m >> 32) as u32
    }
}

/// A percentile interval and how many resamples made it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
    pub resamples: usize,
}

/// The ranks an endpoint needs: (first, last) of the window around rank
/// (B − 1)·q reaching two binomial standard errors of the rank either
/// side (and at least the two ranks the linear quantile interpolates).
fn window(b: usize, q: f64) -> (usize, usize) {
    let h = (b - 1) as f64 * q;
    let s = 2.0 * (b as f64 * q * (1.0 - q)).sqrt();
    let lo = ((h - s).floor().max(0.0) as usize).min(b - 1);
    let hi = ((h + s).ceil() as usize)
        .max(h.floor() as usize + 1)
        .min(b - 1);
    (lo, hi)
}

/// The `q` endpoint (numpy's linear quantile) of B values and its Monte
/// Carlo standard error (a quarter of the spread of the order statistics
/// of its window, two binomial standard errors of the rank either side: a
/// steadier estimate than one either side), given `at(r)`, the value of
/// rank r for the ranks of the window.
fn endpoint(b: usize, q: f64, at: impl Fn(usize) -> f64) -> (f64, f64) {
    let (lo, hi) = window(b, q);
    let h = (b - 1) as f64 * q;
    let f = h.floor() as usize;
    let frac = h - f as f64;
    let value = if f + 1 >= b || frac == 0.0 {
        at(f)
    } else {
        at(f) + frac * (at(f + 1) - at(f))
    };
    (value, (at(hi) - at(lo)) / 4.0)
}

/// `v`'s place in [`f64::total_cmp`]'s order as an integer (the same
/// order; its own inverse): selecting and sorting integers is cheaper
/// than comparing floats that way.
#[inline]
fn order_key(v: i64) -> i64 {
    v ^ (((v >> 63) as u64) >> 1) as i64
}

fn key_of(v: f64) -> i64 {
    order_key(v.to_bits() as i64)
}

fn value_of(key: i64) -> f64 {
    f64::from_bits(order_key(key) as u64)
}

/// Make `tail` (the [`key_of`] the values of `x` beyond a threshold, in
/// any order) the ascending `k` smallest keys of `x` (`largest`: the `k`
/// largest): when it caught at least `k` values they hold the answer and
/// only they are sorted; else a selection over all of `x` finds them. The
/// result is the same either way; the threshold only saves work.
fn settle_tail(x: &[f64], k: usize, largest: bool, tail: &mut Vec<i64>) {
    if tail.len() < k {
        tail.clear();
        tail.extend(x.iter().map(|&v| key_of(v)));
    }
    if tail.len() > k {
        if largest {
            let cut = tail.len() - k;
            tail.select_nth_unstable(cut);
            tail.drain(..cut);
        } else {
            tail.select_nth_unstable(k - 1);
            tail.truncate(k);
        }
    }
    tail.sort_unstable();
}

/// Standard normal quantile of `p` (0 < p < 1), by bisection on the tail
/// function: only needed once per resample count.
fn norm_quantile(p: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if 1.0 - super::dist::norm_sf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The thresholds' standard scores for B values: a little past the last
/// rank of each window (by four binomial standard errors of that rank, and
/// ten ranks, for the rough mean and spread they are applied with).
fn thresholds(b: usize, (qlo, qhi): (f64, f64)) -> (f64, f64) {
    use std::cell::RefCell;
    /// (B, qlo bits, qhi bits) and its scores.
    type Known = Vec<((usize, u64, u64), (f64, f64))>;
    thread_local! {
        // (B, qlo, qhi) → scores: a sweep asks for a handful of B.
        static KNOWN: RefCell<Known> = const { RefCell::new(Vec::new()) };
    }
    let key = (b, qlo.to_bits(), qhi.to_bits());
    if let Some(z) = KNOWN.with(|k| k.borrow().iter().find(|e| e.0 == key).map(|e| e.1)) {
        return z;
    }
    let bf = b as f64;
    let past = |k: f64| ((k + 4.0 * k.sqrt() + 10.0) / bf).clamp(1e-12, 1.0 - 1e-12);
    let k_low = (window(b, qlo).1 + 1) as f64;
    let k_high = (b - window(b, qhi).0) as f64;
    let z = (
        norm_quantile(past(k_low)),
        norm_quantile(1.0 - past(k_high)),
    );
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() >= 64 {
            k.clear();
        }
        k.push((key, z));
    });
    z
}

/// The keys of the values of `x` at or below `t_low` into `low`, and at or
/// above `t_high` into `high`, in the order of `x`. A tail holds a few
/// percent of the values, too many for a branch per value to be predicted:
/// every key is written to both and each tail's length advances only past
/// the values it keeps.
fn collect_tails(x: &[f64], t_low: f64, t_high: f64, low: &mut Vec<i64>, high: &mut Vec<i64>) {
    low.clear();
    high.clear();
    low.resize(x.len(), 0);
    high.resize(x.len(), 0);
    let (mut nl, mut nh) = (0, 0);
    for &v in x {
        let key = key_of(v);
        low[nl] = key;
        high[nh] = key;
        nl += usize::from(v <= t_low);
        nh += usize::from(v >= t_high);
    }
    low.truncate(nl);
    high.truncate(nh);
}

/// Both endpoints of the `(qlo, qhi)` interval of `x` (B ≥ 2 values) and
/// their standard errors, from the two short sorted tails their windows
/// fall in (a few dozen values each). One pass collects the values beyond
/// thresholds that the normal approximation (with the mean and spread of
/// the first 256 values: the resample means are exchangeable) puts a
/// little past each window.
fn endpoints(
    x: &[f64],
    q: (f64, f64),
    low: &mut Vec<i64>,
    high: &mut Vec<i64>,
) -> ((f64, f64), (f64, f64)) {
    let b = x.len();
    let k_low = window(b, q.0).1 + 1;
    let first_high = window(b, q.1).0;
    let (z_low, z_high) = thresholds(b, q);
    let head = &x[..b.min(256)];
    let mean = head.iter().sum::<f64>() / head.len() as f64;
    let sd = (head.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / head.len() as f64).sqrt();
    let (t_low, t_high) = (mean + z_low * sd, mean + z_high * sd);
    low.clear();
    high.clear();
    if t_low.is_finite() && t_high.is_finite() {
        collect_tails(x, t_low, t_high, low, high);
    }
    settle_tail(x, k_low, false, low);
    settle_tail(x, b - first_high, true, high);
    (
        endpoint(b, q.0, |r| value_of(low[r])),
        endpoint(b, q.1, |r| value_of(high[r - first_high])),
    )
}

/// Resamples whose indices are drawn in one call.
const DRAWS_AT_ONCE: usize = 16;

/// Samples are resampled in blocks of this many (their sums stay in
/// registers while the n pairs go by).
const BLOCK: usize = 8;

/// Σ value[p] over the drawn pairs `picks`, in draw order, for the
/// samples of one block: a resample's sum, with no count per pair.
#[inline(always)]
fn block_sums(picks: &[u32], block: &[[f64; BLOCK]]) -> [f64; BLOCK] {
    let mut acc = [0.0f64; BLOCK];
    for &p in picks {
        for (a, x) in acc.iter_mut().zip(&block[p as usize]) {
            *a += x;
        }
    }
    acc
}

/// Resamples `range` of the open samples: the n indices drawn once and
/// shared by every sample, each sample's mean stored in its slot.
#[inline(always)]
fn draw_body(
    rng: &mut Rng,
    picks: &mut [u32],
    rows: &[[f64; BLOCK]],
    slots: &mut [&mut [f64]],
    range: std::ops::Range<usize>,
    inv: f64,
) {
    let n = picks.len() / DRAWS_AT_ONCE;
    let nn = u32::try_from(n).expect("a sample fits in u32");
    let mut r = range.start;
    while r < range.end {
        // The indices of several resamples in one call: the same draws in
        // the same order as one call per resample, with less overhead.
        let count = (range.end - r).min(DRAWS_AT_ONCE);
        let drawn = &mut picks[..n * count];
        rng.fill_below(nn, drawn);
        for (block, rows) in slots.chunks_mut(BLOCK).zip(rows.chunks_exact(n)) {
            let mut sums = [[0.0; BLOCK]; DRAWS_AT_ONCE];
            for (s, picks) in sums.iter_mut().zip(drawn.chunks_exact(n)) {
                *s = block_sums(picks, rows);
            }
            // Each sample's means of these resamples, side by side.
            for (k, m) in block.iter_mut().enumerate() {
                for (mean, s) in m[r..r + count].iter_mut().zip(&sums) {
                    *mean = s[k] * inv;
                }
            }
        }
        r += count;
    }
}

/// [`draw_body`] with 256-bit vectors where the CPU has AVX (a row of
/// eight sums in two registers rather than four): each lane adds the same
/// values in the same order, so the sums are the same bits either way.
fn draw(
    rng: &mut Rng,
    picks: &mut [u32],
    rows: &[[f64; BLOCK]],
    slots: &mut [&mut [f64]],
    range: std::ops::Range<usize>,
    inv: f64,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX (checked just above).
        unsafe { draw_avx(rng, picks, rows, slots, range, inv) };
        return;
    }
    draw_body(rng, picks, rows, slots, range, inv);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn draw_avx(
    rng: &mut Rng,
    picks: &mut [u32],
    rows: &[[f64; BLOCK]],
    slots: &mut [&mut [f64]],
    range: std::ops::Range<usize>,
    inv: f64,
) {
    draw_body(rng, picks, rows, slots, range, inv);
}

/// Scratch space reused across calls (one per worker thread).
#[derive(Default)]
pub struct Scratch {
    /// The n indices of each of [`DRAWS_AT_ONCE`] resamples, in draw order.
    picks: Vec<u32>,
    rows: Vec<[f64; BLOCK]>,
    means: Vec<Vec<f64>>,
    /// The two tails' order keys ([`key_of`]).
    low: Vec<i64>,
    high: Vec<i64>,
}

/// Lay the values of the samples `open` out pair by pair, `BLOCK` samples
/// side by side (zeros pad the last block): `rows[b·n + j][k]` is pair j
/// of the k-th sample of block b.
// `j` indexes a different column for each sample: no single iterator to walk.
#[allow(clippy::needless_range_loop)]
fn lay_out(rows: &mut Vec<[f64; BLOCK]>, cols: &[&[f64]], open: &[usize], n: usize) {
    rows.clear();
    for block in open.chunks(BLOCK) {
        for j in 0..n {
            let mut row = [0.0; BLOCK];
            for (x, &m) in row.iter_mut().zip(block) {
                *x = cols[m][j];
            }
            rows.push(row);
        }
    }
}

/// The same values, bit for bit (so the same interval on one stream).
fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// The `level` percentile intervals of the means of the samples `cols`
/// (all of the same length), resampled together on one stream (see the
/// module documentation for the stopping rule). `None` for an empty sample
/// or `max_resamples` = 0.
pub fn mean_cis(
    cols: &[&[f64]],
    level: f64,
    max_resamples: usize,
    seed: u64,
    stream: u64,
    scratch: &mut Scratch,
) -> Vec<Option<Interval>> {
    let k = cols.len();
    let n = cols.first().map_or(0, |c| c.len());
    let mut out: Vec<Option<Interval>> = vec![None; k];
    if n == 0 || max_resamples == 0 {
        return out;
    }
    debug_assert!(cols.iter().all(|c| c.len() == n));
    // Constant samples: the interval is the value. A sample equal to an
    // earlier one gets its interval (`twin`) rather than being resampled
    // again: on one stream the two would be the same.
    let mut active: Vec<usize> = Vec::with_capacity(k);
    let mut twins: Vec<(usize, usize)> = Vec::new();
    for (m, c) in cols.iter().enumerate() {
        if c.iter().all(|v| *v == c[0]) {
            out[m] = Some(Interval {
                lo: c[0],
                hi: c[0],
                resamples: 0,
            });
        } else if let Some(&twin) = active.iter().find(|&&a| same_bits(cols[a], c)) {
            twins.push((m, twin));
        } else {
            active.push(m);
        }
    }
    if !active.is_empty() {
        resample(
            cols,
            &active,
            level,
            max_resamples,
            seed,
            stream,
            scratch,
            &mut out,
        );
    }
    for (m, twin) in twins {
        out[m] = out[twin];
    }
    out
}

/// [`mean_cis`] of the non-constant samples `active`, into `out`.
#[allow(clippy::too_many_arguments)]
fn resample(
    cols: &[&[f64]],
    active: &[usize],
    level: f64,
    max_resamples: usize,
    seed: u64,
    stream: u64,
    scratch: &mut Scratch,
    out: &mut [Option<Interval>],
) {
    let n = cols[active[0]].len();
    let (qlo, qhi) = ((1.0 - level) / 2.0, (1.0 + level) / 2.0);
    let inv = 1.0 / n as f64;
    let a = active.len();
    let Scratch {
        picks,
        rows,
        means,
        low,
        high,
    } = scratch;
    if means.len() < a {
        means.resize_with(a, Vec::new);
    }
    // `open`: the samples still being resampled (indices into `active`);
    // settled samples cost nothing more.
    let mut open: Vec<usize> = (0..a).collect();
    let mut rng = Rng::new(seed, stream);
    let mut drawn = 0;
    let mut check = FIRST_CHECK.min(max_resamples);
    picks.clear();
    picks.resize(n * DRAWS_AT_ONCE, 0);
    // The samples still open, as cols indices.
    let mut live: Vec<usize> = open.iter().map(|&i| active[i]).collect();
    lay_out(rows, cols, &live, n);
    while !open.is_empty() {
        // Written before read: what an earlier call left is overwritten.
        for &i in &open {
            if means[i].len() < check {
                means[i].resize(check, 0.0);
            }
        }
        // The open samples' means, in the order of `open` (ascending).
        let mut slots: Vec<&mut [f64]> = means
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| open.binary_search(i).is_ok())
            .map(|(_, m)| &mut m[..check])
            .collect();
        draw(&mut rng, picks, rows, &mut slots, drawn..check, inv);
        drawn = check;
        let last = drawn >= max_resamples;
        open.retain(|&i| {
            let ((lo, se_lo), (hi, se_hi)) = if drawn < 2 {
                let v = means[i][0];
                ((v, 0.0), (v, 0.0))
            } else {
                endpoints(&means[i][..drawn], (qlo, qhi), low, high)
            };
            let width = hi - lo;
            if last || (se_lo <= SETTLED * width && se_hi <= SETTLED * width) {
                out[active[i]] = Some(Interval {
                    lo,
                    hi,
                    resamples: drawn,
                });
                return false;
            }
            true
        });
        let still: Vec<usize> = open.iter().map(|&i| active[i]).collect();
        if still != live {
            live = still;
            lay_out(rows, cols, &live, n);
        }
        check = (check * 2).min(max_resamples);
    }
}

/// The interval of one sample's mean on its own stream.
pub fn mean_ci(
    x: &[f64],
    level: f64,
    max_resamples: usize,
    seed: u64,
    stream: u64,
    scratch: &mut Scratch,
) -> Option<Interval> {
    mean_cis(&[x], level, max_resamples, seed, stream, scratch)[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(x: &[f64], max: usize, stream: u64) -> Interval {
        mean_ci(x, 0.95, max, 1, stream, &mut Scratch::default()).unwrap()
    }

    #[test]
    fn reproducible_and_sensible() {
        let x: Vec<f64> = (0..20).map(|i| f64::from(i % 7) - 3.0 + 0.5).collect();
        let a = ci(&x, 10_000, 7);
        assert_eq!(a, ci(&x, 10_000, 7));
        // scratch left over from another sample changes nothing
        let mut s = Scratch::default();
        mean_ci(&[1.0, 5.0, 2.0], 0.95, 3000, 3, 3, &mut s);
        assert_eq!(Some(a), mean_ci(&x, 0.95, 10_000, 1, 7, &mut s));
        assert_ne!(a, ci(&x, 10_000, 8));
        let m = x.iter().sum::<f64>() / 20.0;
        assert!(a.lo < m && m < a.hi, "{a:?} around {m}");
        assert!(
            [1_000, 2_000, 4_000, 8_000, 10_000].contains(&a.resamples),
            "{a:?}"
        );
        let same = ci(&[2.0, 2.0], 100, 0);
        assert_eq!((same.lo, same.hi, same.resamples), (2.0, 2.0, 0));
        assert_eq!(ci(&x, 700, 7).resamples, 700);
        assert_eq!(mean_ci(&[], 0.95, 100, 0, 0, &mut s), None);
    }

    #[test]
    fn close_to_the_normal_interval() {
        // Mean of 200 values of a known spread: the percentile interval is
        // near mean ± 1.96·sd/√n, and stopping early keeps it there.
        let mut r = Rng::new(5, 5);
        let x: Vec<f64> = (0..200)
            .map(|_| f64::from(r.below(1000)) / 1000.0)
            .collect();
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
        let half = 1.96 * sd / n.sqrt();
        let a = ci(&x, 10_000, 1);
        assert!(
            (a.lo - (m - half)).abs() < 0.1 * half,
            "{a:?} vs {m} ± {half}"
        );
        assert!(
            (a.hi - (m + half)).abs() < 0.1 * half,
            "{a:?} vs {m} ± {half}"
        );
    }

    #[test]
    fn draws_are_uniform_and_unbiased() {
        let mut r = Rng::new(1, 2);
        let mut counts = [0usize; 7];
        for _ in 0..70_000 {
            counts[r.below(7) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(Rng::new(3, 4).next_u64(), Rng::new(3, 4).next_u64());
        assert_ne!(Rng::new(3, 4).next_u64(), Rng::new(3, 5).next_u64());
    }

    #[test]
    fn fill_below_draws_what_below_draws() {
        // Near 2^32 Lemire's second look is common; odd lengths leave a
        // spare half for the next call.
        for n in [1u32, 2, 7, 20, 3 << 30, u32::MAX] {
            let (mut a, mut b) = (Rng::new(11, u64::from(n)), Rng::new(11, u64::from(n)));
            for len in [0usize, 1, 5, 20, 3, 64] {
                let mut got = vec![0; len];
                a.fill_below(n, &mut got);
                let want: Vec<u32> = (0..len).map(|_| b.below(n)).collect();
                assert_eq!(got, want, "n {n} len {len}");
            }
            assert_eq!(a.below(n), b.below(n));
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn the_vector_lanes_draw_what_the_portable_lanes_draw() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            for n in [1u32, 7, 20, 3 << 30, u32::MAX] {
                let (mut a, mut b) = (Rng::new(5, u64::from(n)), Rng::new(5, u64::from(n)));
                for len in [8usize, 16, 64, 800] {
                    let (mut x, mut y) = (vec![0; len], vec![0; len]);
                    // SAFETY: the CPU has AVX2 (checked above).
                    let kx = unsafe { a.fill_eights_avx2(n, &mut x) };
                    let ky = b.fill_eights_portable(n, &mut y);
                    assert_eq!((kx, &x), (ky, &y), "n {n} len {len}");
                    assert_eq!((a.s, a.words, a.pos), (b.s, b.words, b.pos));
                    assert_eq!(a.below(n), b.below(n));
                }
            }
        }
    }

    #[test]
    fn order_keys_sort_as_total_cmp_does() {
        let mut v = vec![
            -f64::INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1.0 + f64::EPSILON,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        let mut keys: Vec<i64> = v.iter().map(|&x| key_of(x)).collect();
        v.sort_by(f64::total_cmp);
        keys.sort_unstable();
        let back: Vec<u64> = keys.iter().map(|&k| value_of(k).to_bits()).collect();
        assert_eq!(back, v.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }

    #[test]
    fn endpoints_match_sorting() {
        let mut r = Rng::new(9, 9);
        let (mut low, mut high) = (Vec::new(), Vec::new());
        for n in [2usize, 3, 10, 1001, 2000] {
            let x: Vec<f64> = (0..n).map(|_| f64::from(r.below(1000))).collect();
            let mut sorted = x.clone();
            sorted.sort_by(f64::total_cmp);
            for (qlo, qhi) in [(0.025, 0.975), (0.0, 1.0), (0.4, 0.6)] {
                let ((lo, se_lo), (hi, se_hi)) = endpoints(&x, (qlo, qhi), &mut low, &mut high);
                assert_eq!(lo, quantile_sorted(&sorted, qlo), "n {n} q {qlo}");
                assert_eq!(hi, quantile_sorted(&sorted, qhi), "n {n} q {qhi}");
                assert!(se_lo >= 0.0 && se_hi >= 0.0);
            }
        }
        // the error of the 2.5% point of 2000 values spread 0..1000: the
        // ranks 49 ± 14 are 7 apart in value per 14 ranks
        let x: Vec<f64> = (0..2000).map(|i| f64::from(i) / 2.0).collect();
        let ((v, se), _) = endpoints(&x, (0.025, 0.975), &mut low, &mut high);
        assert!(
            (v - 24.9875).abs() < 1e-9 && (3.0..4.5).contains(&se),
            "{v} {se}"
        );
    }

    #[test]
    fn shared_streams_give_each_sample_its_own_interval() {
        let a: Vec<f64> = (0..20).map(|i| f64::from(i % 5)).collect();
        let b: Vec<f64> = (0..20).map(|i| f64::from((i * 7) % 11) - 4.0).collect();
        let c = vec![1.5; 20];
        let mut s = Scratch::default();
        let joint = mean_cis(&[&a, &c, &b], 0.95, 10_000, 4, 4, &mut s);
        assert_eq!(
            joint[1],
            Some(Interval {
                lo: 1.5,
                hi: 1.5,
                resamples: 0
            })
        );
        // each sample's interval depends on its own values only: alone on
        // the same stream, the same interval
        assert_eq!(joint[0], mean_ci(&a, 0.95, 10_000, 4, 4, &mut s));
        assert_eq!(joint[2], mean_ci(&b, 0.95, 10_000, 4, 4, &mut s));
        // a sample equal to another takes its interval
        let twin = a.clone();
        let with_twin = mean_cis(&[&b, &a, &twin], 0.95, 10_000, 4, 4, &mut s);
        assert_eq!(with_twin[1], joint[0]);
        assert_eq!(with_twin[2], joint[0]);
    }

    #[test]
    fn streams_are_stable() {
        assert_eq!(stream_id(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stream_id("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn tails_are_the_values_beyond_the_thresholds_in_order() {
        let mut r = Rng::new(3, 3);
        let (mut low, mut high) = (vec![7], Vec::new());
        for n in [0usize, 1, 9, 1000] {
            let mut x: Vec<f64> = (0..n).map(|_| f64::from(r.below(100))).collect();
            if n > 1 {
                x[1] = f64::NAN;
            }
            collect_tails(&x, 10.0, 90.0, &mut low, &mut high);
            let want = |keep: &dyn Fn(f64) -> bool| -> Vec<i64> {
                x.iter().filter(|&&v| keep(v)).map(|&v| key_of(v)).collect()
            };
            assert_eq!(low, want(&|v| v <= 10.0), "n {n}");
            assert_eq!(high, want(&|v| v >= 90.0), "n {n}");
        }
    }
}
