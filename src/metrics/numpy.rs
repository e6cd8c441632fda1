//! numpy's float64 reductions, reproduced to the last bit for the collusion
//! detector (docs/model/governance.md §3.7 bit-exactness notes,
//! docs/model/simulation.md §9.3): `np.sum`/`np.mean`/`np.std` with
//! numpy's pairwise summation, and `np.corrcoef` of two series, whose
//! covariance numpy takes from OpenBLAS `dsyrk`.

/// Rows up to this length are summed with eight interleaved accumulators.
const PW_BLOCKSIZE: usize = 128;

/// `np.add.reduce` over a contiguous float64 array: a plain loop from 0.0
/// below 8 elements, eight interleaved accumulators combined as
/// ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus a sequential tail up to 128,
/// recursive halving at a multiple of 8 above.
pub fn pairwise_sum(a: &[f64]) -> f64 {
    pairwise_sum_of(a, |x| x)
}

/// [`pairwise_sum`] of `f(x)` for each element, in the same order, without
/// storing the values first.
#[inline]
fn pairwise_sum_of(a: &[f64], f: impl Fn(f64) -> f64 + Copy) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += f(x);
        }
        res
    } else if n <= PW_BLOCKSIZE {
        let mut r: [f64; 8] = std::array::from_fn(|j| f(a[j]));
        let body = n - n % 8;
        let mut i = 8;
        while i < body {
            for (j, acc) in r.iter_mut().enumerate() {
                *acc += f(a[i + j]);
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[body..] {
            res += f(x);
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum_of(&a[..n2], f) + pairwise_sum_of(&a[n2..], f)
    }
}

/// `np.mean` (None for an empty slice, where numpy warns and returns NaN).
pub fn mean(a: &[f64]) -> Option<f64> {
    (!a.is_empty()).then(|| pairwise_sum(a) / a.len() as f64)
}

/// `np.std` (population, ddof = 0).
pub fn std(a: &[f64]) -> Option<f64> {
    let m = mean(a)?;
    let sq = pairwise_sum_of(a, |x| {
        let d = x - m;
        d * d
    });
    Some((sq / a.len() as f64).sqrt())
}

/// `np.std(a) > 0.0`, usually without the sum of squares: a squared
/// deviation of at least `f64::MIN_POSITIVE` makes that sum at least as
/// large (a pairwise sum of non-negative terms is not below any of them),
/// and divided by any length it stays above zero; with a finite mean no
/// deviation is NaN. Otherwise (constant,
/// tiny or non-finite values) the whole `np.std` decides.
pub fn std_is_positive(a: &[f64]) -> bool {
    let Some(m) = mean(a) else {
        return false;
    };
    // A finite mean: every value is finite, so no deviation is NaN.
    let clearly = m.is_finite()
        && a.iter().any(|&x| {
            let d = x - m;
            d * d >= f64::MIN_POSITIVE
        });
    clearly || std(a).is_some_and(|s| s > 0.0)
}

/// OpenBLAS's k-blocking for level-3 drivers on Haswell-class cores
/// (DGEMM_DEFAULT_Q = 256): full blocks while at least 2Q remain, then the
/// rest halved (rounded up) once if it exceeds Q.
const GEMM_Q: usize = 256;

/// One element of `dsyrk`'s C = A·Aᵀ: per k-block a fused multiply-add
/// chain from 0.0 (the Haswell micro-kernel), blocks added in order.
fn syrk_dot(x: &[f64], y: &[f64]) -> f64 {
    let k = x.len();
    let mut total = 0.0;
    let mut ls = 0;
    while ls < k {
        let mut min_l = k - ls;
        if min_l >= 2 * GEMM_Q {
            min_l = GEMM_Q;
        } else if min_l > GEMM_Q {
            min_l = min_l.div_ceil(2);
        }
        let acc = fma_chain(&x[ls..ls + min_l], &y[ls..ls + min_l]);
        total = if ls == 0 { acc } else { total + acc };
        ls += min_l;
    }
    total
}

/// `((0.0 + x0·y0) + x1·y1) + …`, each step one fused multiply-add: the
/// CPU's FMA instruction where it has one, else the (equally exact, far
/// slower) software `fma` the baseline x86-64 target calls.
fn fma_chain(x: &[f64], y: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has FMA (checked just above).
        return unsafe { fma_chain_hw(x, y) };
    }
    fma_chain_body(x, y)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
fn fma_chain_hw(x: &[f64], y: &[f64]) -> f64 {
    fma_chain_body(x, y)
}

#[inline(always)]
fn fma_chain_body(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = 0.0f64;
    for (a, b) in x.iter().zip(y) {
        acc = a.mul_add(*b, acc);
    }
    acc
}

/// `np.corrcoef(x, y)[0, 1]` for two equal-length series (n ≥ 2).
///
/// numpy centres each row by its pairwise mean, forms X·Xᵀ with `dsyrk`
/// (X and its transpose share memory), scales by the reciprocal of n − 1,
/// divides the off-diagonal by both square-rooted diagonal entries in turn
/// and clips to [−1, 1]; NaN passes through. The `dsyrk` summation order is
/// that of OpenBLAS 0.3.31's Haswell kernels (numpy 2.4 wheels on x86-64
/// AVX2 machines); other BLAS builds may differ in the last bits.
pub fn corrcoef(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len());
    let n = x.len();
    let (mx, my) = (pairwise_sum(x) / n as f64, pairwise_sum(y) / n as f64);
    let dx: Vec<f64> = x.iter().map(|&v| v - mx).collect();
    let dy: Vec<f64> = y.iter().map(|&v| v - my).collect();
    let scale = 1.0 / (n - 1) as f64;
    let cxx = syrk_dot(&dx, &dx) * scale;
    let cxy = syrk_dot(&dx, &dy) * scale;
    let cyy = syrk_dot(&dy, &dy) * scale;
    let r = cxy / cxx.sqrt() / cyy.sqrt();
    if r.is_nan() {
        r
    } else {
        r.clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    //! Expected values from numpy 2.4.6 (OpenBLAS 0.3.31, Haswell kernels,
    //! CPython 3.11) on this project's build machine.
    use super::*;

    /// 0.1, 0.2, …: decimal steps whose float sums expose summation order.
    fn tenths(n: usize) -> Vec<f64> {
        (1..=n).map(|i| i as f64 * 0.1).collect()
    }

    /// Two small integer-pattern series used for the corrcoef vectors.
    fn series(n: usize) -> (Vec<f64>, Vec<f64>) {
        let x = (0..n).map(|i| ((i * 7) % 11) as f64 * 0.1).collect();
        let y = (0..n)
            .map(|i| ((i * 5) % 13) as f64 * 0.07 + 0.01 * i as f64)
            .collect();
        (x, y)
    }

    #[test]
    fn pairwise_sum_matches_numpy() {
        // np.sum([i * 0.1 for i in range(1, n + 1)]) for n = 7, 20, 200
        assert_eq!(pairwise_sum(&tenths(7)).to_bits(), 0x4006666666666667);
        assert_eq!(pairwise_sum(&tenths(20)).to_bits(), 0x4035000000000000);
        assert_eq!(pairwise_sum(&tenths(200)).to_bits(), 0x409f680000000000);
        // A left-to-right sum of the 200 ends one ulp higher.
        let naive: f64 = tenths(200).iter().sum();
        assert_eq!(naive.to_bits(), 0x409f680000000001);
        assert_eq!(pairwise_sum(&[]), 0.0);
    }

    #[test]
    fn mean_and_std_match_numpy() {
        let (x, _) = series(5);
        assert_eq!(mean(&x).unwrap().to_bits(), 0x3fe0a3d70a3d70a4);
        let (_, y) = series(12);
        assert_eq!(std(&y).unwrap().to_bits(), 0x3fd1bba56520e94a);
        let (_, y) = series(300);
        assert_eq!(std(&y).unwrap().to_bits(), 0x3fecf56a8c0e5c58);
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn std_is_positive_is_np_std_above_zero() {
        let (x, y) = series(300);
        let tiny = [1e-200, 2e-200, 1e-200];
        let sub = [5e-324, 0.0, 5e-324, 5e-324];
        let cases: [&[f64]; 9] = [
            &x,
            &y[..12],
            &[0.25; 20],
            &[],
            &[1.0],
            &tiny,
            &sub,
            &[1.0, f64::INFINITY],
            &[f64::NAN, 1.0],
        ];
        for a in cases {
            assert_eq!(std_is_positive(a), std(a).unwrap_or(0.0) > 0.0, "{a:?}");
        }
    }

    #[test]
    fn corrcoef_matches_numpy_blas() {
        // np.corrcoef(x, y)[0, 1]; a plain dot product misses each in the last bits.
        for (n, bits) in [
            (5, 0x3fb1d3a557575560u64),
            (12, 0x3f87715ccc8d6084),
            (300, 0xbf6c3fee43135d59),
        ] {
            let (x, y) = series(n);
            assert_eq!(corrcoef(&x, &y).to_bits(), bits, "n = {n}");
        }
        assert_eq!(corrcoef(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), 1.0);
        assert!(corrcoef(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
    }
}
