//! Statistics over a record of finalized interactions, `(accepted, p)`
//! pairs oldest first, shared by the types that model their counterparties
//! (LDT and modeling adversary: selectivity and stability, both computed
//! the same way there), with Python's float semantics kept exactly.

/// One finalized interaction: whether it was accepted, and its `p`.
pub(crate) type Entry = (bool, f64);

/// Python's `max(0.0, min(1.0, x))` (the first argument wins ties).
#[inline]
pub(crate) fn clamp01(x: f64) -> f64 {
    let y = if x < 1.0 { x } else { 1.0 };
    if y > 0.0 {
        y
    } else {
        0.0
    }
}

/// Python's `max(0.0, x)`.
#[inline]
pub(crate) fn max0(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Python's `x ** 2` for a float `x`: CPython calls C `pow(x, 2.0)`, which
/// glibc does not always round like `x * x`. With a literal exponent LLVM
/// folds `powf(2.0)` into `x * x`; hiding the exponent keeps the libm call.
#[inline]
pub(crate) fn py_square(x: f64) -> f64 {
    x.powf(std::hint::black_box(2.0))
}

/// How many entries were accepted.
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
    let early = n_accepted(&entries[..half]) as f64 / half as f64;
    let late = n_accepted(&entries[half..]) as f64 / (n - half) as f64;
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

    #[test]
    fn clamp_follows_python_min_max() {
        assert_eq!(clamp01(1.5), 1.0);
        assert_eq!(clamp01(-0.2), 0.0);
        assert_eq!(clamp01(0.25), 0.25);
        assert_eq!(clamp01(f64::NAN), 1.0);
    }
}
