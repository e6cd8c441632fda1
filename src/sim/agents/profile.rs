//! Statistics over a record of finalized interactions, `(accepted, p)`
//! pairs oldest first, shared by the types that model their counterparties
//! (LDT and modeling adversary: selectivity and stability, both computed
//! the same way there), with Python's float semantics kept exactly.

use crate::pyfloat::{py_clamp, py_max};

/// One finalized interaction: whether it was accepted, and its `p`.
pub(crate) type Entry = (bool, f64);

/// Python's `max(0.0, min(1.0, x))`.
#[inline]
pub(crate) fn clamp01(x: f64) -> f64 {
    py_clamp(0.0, 1.0, x)
}

/// Python's `max(0.0, x)`.
#[inline]
pub(crate) fn max0(x: f64) -> f64 {
    py_max(0.0, x)
}

/// Python's `x ** 2` for a float `x`: CPython calls C `pow(x, 2.0)`, which
/// glibc does not always round like `x * x`. glibc's `pow` is within
/// 0.54 ulp of the exact value (its e_pow.c), so where the exact square
/// lies within 0.45 ulp of the rounded product `x * x`, no other double is
/// close enough and `pow` returns that product; only squares near a
/// rounding midpoint (about 1 in 10) call libm. With a literal exponent
/// LLVM folds `powf(2.0)` into `x * x`; hiding the exponent keeps the call.
#[inline]
pub(crate) fn py_square(x: f64) -> f64 {
    let p = x * x;
    // The exact square is p + err (Dekker's product: exact for these magnitudes).
    if (1e-250..1e250).contains(&p) && !is_power_of_two(p) {
        let (hi, lo) = split(x);
        let err = ((hi * hi - p) + 2.0 * hi * lo) + lo * lo;
        if err.abs() < 0.45 * ulp(p) {
            return p;
        }
    }
    x.powf(std::hint::black_box(2.0))
}

/// Python's `x ** 0.5` for a float `x >= 0`: C `pow(x, 0.5)`, returned as
/// the correctly rounded `sqrt(x)` where the exact root lies within 0.45 ulp
/// of it (see [`py_square`]), else libm's `pow`.
#[inline]
pub(crate) fn py_pow_half(x: f64) -> f64 {
    let s = x.sqrt();
    if (1e-250..1e250).contains(&x) && !is_power_of_two(s) {
        // x - s*s exactly (s*s = sq + e; x - sq is exact, Sterbenz), and
        // root - s = (x - s*s) / (root + s), close to that over 2s.
        let sq = s * s;
        let (hi, lo) = split(s);
        let e = ((hi * hi - sq) + 2.0 * hi * lo) + lo * lo;
        let off = ((x - sq) - e) / (2.0 * s);
        if off.abs() < 0.4 * ulp(s) {
            return s;
        }
    }
    x.powf(std::hint::black_box(0.5))
}

/// Veltkamp's split of `x` into two halves of 26 bits: `hi + lo == x`.
#[inline]
fn split(x: f64) -> (f64, f64) {
    let c = 134_217_729.0 * x; // 2^27 + 1
    let hi = c - (c - x);
    (hi, x - hi)
}

/// The spacing of the doubles in `x`'s binade (`x` normal, positive).
#[inline]
fn ulp(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & 0x7ff0_0000_0000_0000) * f64::EPSILON
}

#[inline]
fn is_power_of_two(x: f64) -> bool {
    x.to_bits() & 0x000f_ffff_ffff_ffff == 0
}

pub(crate) fn n_accepted(entries: &[Entry]) -> usize {
    entries.iter().filter(|e| e.0).count()
}

/// Python-3.11 `sum(ps) / len(ps)` over the accepted `p` values, if any.
pub(crate) fn mean_accepted_p(entries: &[Entry]) -> Option<f64> {
    let mut n = 0usize;
    let mut sum = 0.0;
    for &(accepted, p) in entries {
        if accepted {
            sum += p;
            n += 1;
        }
    }
    (n > 0).then(|| sum / n as f64)
}

/// Selectivity: `1 - sqrt(variance)` of the accepted `p` values (clamped),
/// or 0.5 with fewer than two.
pub(crate) fn selectivity(entries: &[Entry]) -> f64 {
    let accepted = n_accepted(entries);
    if accepted < 2 {
        return 0.5;
    }
    let mean = mean_accepted_p(entries).expect("accepted entries");
    selectivity_about(entries, accepted, mean)
}

/// [`selectivity`] given the record's accepted count (at least two) and the
/// mean of its accepted `p` values, for callers that keep those running.
pub(crate) fn selectivity_about(entries: &[Entry], accepted: usize, mean: f64) -> f64 {
    let mut ss = 0.0;
    for &(a, p) in entries {
        if a {
            ss += py_square(p - mean);
        }
    }
    clamp01(1.0 - (ss / accepted as f64).sqrt())
}

/// Stability: `1 - |late - early|` acceptance rate of the two halves
/// (clamped), or 0.5 with fewer than four entries.
pub(crate) fn stability(entries: &[Entry]) -> f64 {
    let n = entries.len();
    let half = n / 2;
    if half < 2 {
        return 0.5;
    }
    stability_about(entries, n_accepted(entries))
}

/// [`stability`] given the record's accepted count: only the early half
/// is counted.
pub(crate) fn stability_about(entries: &[Entry], accepted: usize) -> f64 {
    let n = entries.len();
    let half = n / 2;
    if half < 2 {
        return 0.5;
    }
    let early_accepted = n_accepted(&entries[..half]);
    let early = early_accepted as f64 / half as f64;
    let late = (accepted - early_accepted) as f64 / (n - half) as f64;
    clamp01(1.0 - (late - early).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_is_libm_pow_not_a_product() {
        // Values where glibc's pow(x, 2.0) and the rounded x*x differ
        // (found with Python: `x**2 != x*x`).
        for (x, pow, product) in [
            (
                -0.9410780438467736f64,
                0.88562788461047f64,
                0.8856278846104699f64,
            ),
            (-0.5607510941736233, 0.31444178961691577, 0.3144417896169158),
            (0.3400364244375327, 0.11562476994426187, 0.11562476994426188),
        ] {
            assert_eq!(py_square(x), pow, "{x}");
            assert_eq!(x * x, product, "{x}");
        }
    }

    /// The shortcuts return libm's `pow` bit for bit: on values of many
    /// magnitudes, and on squares next to a rounding midpoint.
    #[test]
    fn shortcuts_are_libm_pow() {
        let mut rng = crate::rng::PyRandom::new(5);
        let (mut squares_differ, mut roots_differ) = (0, 0);
        for i in 0..300_000 {
            let scale = 2f64.powi(rng.randint(-40, 40) as i32);
            let x = rng.uniform(-3.0, 3.0) * scale;
            let square = x.powf(std::hint::black_box(2.0));
            assert_eq!(py_square(x).to_bits(), square.to_bits(), "{x}");
            squares_differ += usize::from(square != x * x);
            let v = x.abs() * if i % 2 == 0 { 1.0 } else { x.abs() };
            let root = v.powf(std::hint::black_box(0.5));
            assert_eq!(py_pow_half(v).to_bits(), root.to_bits(), "{v}");
            roots_differ += usize::from(root != v.sqrt());
        }
        // glibc's pow does round differently now and then.
        assert!(squares_differ > 0 && roots_differ > 0);
        for x in [
            0.0,
            -0.0,
            1.0,
            2.0,
            0.5,
            3.0,
            1e-300,
            1e300,
            f64::MIN_POSITIVE,
        ] {
            let want = x.powf(std::hint::black_box(2.0));
            assert_eq!(py_square(x).to_bits(), want.to_bits(), "{x}");
            let want = x.powf(std::hint::black_box(0.5));
            assert_eq!(py_pow_half(x).to_bits(), want.to_bits(), "{x}");
        }
    }

    #[test]
    fn clamp_follows_python_min_max() {
        assert_eq!(clamp01(1.5), 1.0);
        assert_eq!(clamp01(-0.2), 0.0);
        assert_eq!(clamp01(0.25), 0.25);
        assert_eq!(clamp01(f64::NAN), 1.0);
    }
}
