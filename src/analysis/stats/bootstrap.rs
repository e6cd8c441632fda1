//! Percentile bootstrap CI of a mean, resampling with a seeded ChaCha8
//! stream so every number in comparisons.parquet is reproducible. Each
//! comparison row draws from its own stream (chosen by a stable hash of the
//! row's identity), so a row's interval does not depend on which other rows
//! were computed or in what order.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::describe::quantile_sorted;

/// Resamples per interval.
pub const DEFAULT_RESAMPLES: usize = 10_000;
/// Seed of every stream unless `--bootstrap-seed` says otherwise.
pub const DEFAULT_SEED: u64 = 20_240_601;

/// FNV-1a of `key`: a stable stream number (Rust's `Hash` is not stable).
pub fn stream_id(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Uniform integer in [0, n) without modulo bias (Lemire's method).
fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// The `level` percentile interval of the mean of `x`: `resamples` means of
/// n values drawn with replacement, then their `(1−level)/2` and
/// `(1+level)/2` quantiles (numpy's linear rule). `None` for an empty sample.
pub fn mean_ci(
    x: &[f64],
    level: f64,
    resamples: usize,
    seed: u64,
    stream: u64,
) -> Option<(f64, f64)> {
    if x.is_empty() || resamples == 0 {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let n = x.len() as u64;
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let s: f64 = (0..n).map(|_| x[below(&mut rng, n) as usize]).sum();
            s / n as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    Some((
        quantile_sorted(&means, alpha),
        quantile_sorted(&means, 1.0 - alpha),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproducible_and_sensible() {
        let x: Vec<f64> = (0..20).map(|i| f64::from(i % 7) - 3.0 + 0.5).collect();
        let a = mean_ci(&x, 0.95, 2000, 1, 7).unwrap();
        let b = mean_ci(&x, 0.95, 2000, 1, 7).unwrap();
        assert_eq!(a, b);
        let c = mean_ci(&x, 0.95, 2000, 1, 8).unwrap();
        assert_ne!(a, c);
        let m = x.iter().sum::<f64>() / 20.0;
        assert!(a.0 < m && m < a.1, "{a:?} around {m}");
        assert_eq!(mean_ci(&[2.0, 2.0], 0.95, 100, 0, 0), Some((2.0, 2.0)));
    }

    #[test]
    fn streams_are_stable() {
        assert_eq!(stream_id(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stream_id("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
