//! Descriptive statistics of one sample: mean, sample standard deviation,
//! t-interval, numpy-style quantiles, the interquartile mean and the
//! least-squares slope. Conventions follow numpy/scipy so results can be
//! checked against them (tests/scipy/check_stats.py).

use super::dist;

/// Arithmetic mean; NaN for an empty sample.
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample standard deviation (ddof = 1, as pandas and `np.std(ddof=1)`);
/// `None` below two values.
pub fn sd(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x);
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    Some((ss / (x.len() - 1) as f64).sqrt())
}

/// Quantile of an ascending sample by linear interpolation between closest
/// ranks (numpy's default `method="linear"`, R type 7).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            if lo + 1 >= n {
                return sorted[n - 1];
            }
            let frac = h - lo as f64;
            sorted[lo] + frac * (sorted[lo + 1] - sorted[lo])
        }
    }
}

/// Mean after cutting `int(proportion · n)` values from each end, as
/// `scipy.stats.trim_mean`; with 0.25 it is the interquartile mean (IQM).
pub fn trim_mean_sorted(sorted: &[f64], proportion: f64) -> f64 {
    let n = sorted.len();
    let cut = (proportion * n as f64) as usize;
    if n == 0 || 2 * cut >= n {
        return quantile_sorted(sorted, 0.5);
    }
    mean(&sorted[cut..n - cut])
}

/// Two-sided `level` t-interval for the mean: `mean ± t(1−α/2, n−1) · sem`,
/// as `scipy.stats.t.interval(level, n−1, loc=mean, scale=sem)`.
pub fn t_interval(mean: f64, sem: f64, n: usize, level: f64) -> Option<(f64, f64)> {
    if n < 2 || !sem.is_finite() {
        return None;
    }
    let t = dist::t_quantile(0.5 + level / 2.0, (n - 1) as f64);
    Some((mean - t * sem, mean + t * sem))
}

/// Least-squares slope of `y` on `x` (`scipy.stats.linregress(x, y).slope`);
/// `None` with fewer than two points or constant `x`.
pub fn slope(x: &[f64], y: &[f64]) -> Option<f64> {
    assert_eq!(x.len(), y.len());
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (mean(x), mean(y));
    let sxx: f64 = x.iter().map(|v| (v - mx) * (v - mx)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    Some(sxy / sxx)
}

/// Everything summary.parquet reports about one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Describe {
    pub n: usize,
    pub mean: f64,
    pub sd: Option<f64>,
    pub sem: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub median: f64,
    pub q25: f64,
    pub q75: f64,
    pub iqm: f64,
    pub min: f64,
    pub max: f64,
}

impl Describe {
    /// Describe `x` (NaN values must already be dropped); `None` when empty.
    pub fn of(x: &[f64]) -> Option<Describe> {
        if x.is_empty() {
            return None;
        }
        let mut sorted = x.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = x.len();
        let m = mean(x);
        let sd = sd(x);
        let sem = sd.map(|s| s / (n as f64).sqrt());
        Some(Describe {
            n,
            mean: m,
            sd,
            sem,
            ci95: sem.and_then(|s| t_interval(m, s, n, 0.95)),
            median: quantile_sorted(&sorted, 0.5),
            q25: quantile_sorted(&sorted, 0.25),
            q75: quantile_sorted(&sorted, 0.75),
            iqm: trim_mean_sorted(&sorted, 0.25),
            min: sorted[0],
            max: sorted[n - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&s, 0.25), 1.75);
        assert_eq!(quantile_sorted(&s, 0.5), 2.5);
        assert_eq!(quantile_sorted(&s, 0.75), 3.25);
        assert_eq!(quantile_sorted(&[5.0], 0.3), 5.0);
    }

    #[test]
    fn iqm_cuts_a_quarter_each_side() {
        // scipy.stats.trim_mean(range(1, 9), 0.25) == 4.5 (mean of 3..6)
        let s: Vec<f64> = (1..=8).map(f64::from).collect();
        assert_eq!(trim_mean_sorted(&s, 0.25), 4.5);
        // n = 3: int(0.75) = 0 values cut
        assert_eq!(trim_mean_sorted(&[1.0, 2.0, 9.0], 0.25), 4.0);
    }

    #[test]
    fn describe_small_samples() {
        let d = Describe::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(d.mean, 5.0);
        assert!((d.sd.unwrap() - 2.138089935299395).abs() < 1e-12);
        let (lo, hi) = d.ci95.unwrap();
        // scipy.stats.t.interval(0.95, 7, loc=5, scale=sd/sqrt(8))
        assert!((lo - 3.21251208176379).abs() < 1e-12, "{lo}");
        assert!((hi - 6.787487918236209).abs() < 1e-12, "{hi}");
        let one = Describe::of(&[3.0]).unwrap();
        assert_eq!((one.sd, one.ci95, one.median), (None, None, 3.0));
        assert!(Describe::of(&[]).is_none());
    }

    #[test]
    fn slope_of_a_line() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 3.0, 5.0, 7.0];
        assert_eq!(slope(&x, &y), Some(2.0));
        assert_eq!(slope(&[1.0, 1.0], &[0.0, 1.0]), None);
    }
}
