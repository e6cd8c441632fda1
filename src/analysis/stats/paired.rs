//! Paired comparison of a variant with its baseline over the same seeds:
//! paired t-test (`scipy.stats.ttest_rel`), effect sizes d_z and Hedges' g,
//! and the Holm step-down adjustment for a family of p-values.

use super::describe::{mean, sd};
use super::dist;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedT {
    pub t: f64,
    pub p: f64,
}

/// Paired t-test of `variant − baseline` (differences `d`), two-sided.
/// As scipy: constant non-zero differences give t = ±inf, p = 0; all-zero
/// differences give no result (NaN in scipy). `None` below two pairs.
pub fn paired_t(d: &[f64]) -> Option<PairedT> {
    let n = d.len();
    let s = sd(d)?;
    let m = mean(d);
    // Finite differences can still overflow their sum: no statistic then.
    if !(m.is_finite() && s.is_finite()) {
        return None;
    }
    if s == 0.0 {
        if m == 0.0 {
            return None;
        }
        return Some(PairedT {
            t: m.signum() * f64::INFINITY,
            p: 0.0,
        });
    }
    let t = m / (s / (n as f64).sqrt());
    Some(PairedT {
        t,
        p: dist::t_two_sided(t, (n - 1) as f64),
    })
}

/// Cohen's d_z: mean difference over the standard deviation of the differences.
pub fn d_z(d: &[f64]) -> Option<f64> {
    let s = sd(d)?;
    (s > 0.0).then(|| mean(d) / s)
}

/// Hedges' g: the difference of means over the pooled standard deviation of
/// the two arms, times the small-sample correction J = 1 − 3/(4·df − 1),
/// df = 2(n − 1). A between-arm effect size, comparable with unpaired
/// studies; d_z is the within-pair one.
pub fn hedges_g(baseline: &[f64], variant: &[f64]) -> Option<f64> {
    let n = baseline.len();
    let (sb, sv) = (sd(baseline)?, sd(variant)?);
    let pooled = ((sb * sb + sv * sv) / 2.0).sqrt();
    if pooled == 0.0 {
        return None;
    }
    let df = 2.0 * (n as f64 - 1.0);
    let j = 1.0 - 3.0 / (4.0 * df - 1.0);
    Some((mean(variant) - mean(baseline)) / pooled * j)
}

/// Holm step-down adjusted p-values; `None`s stay `None` and do not count
/// towards the family size.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    idx.sort_by(|&a, &b| p[a].unwrap().total_cmp(&p[b].unwrap()));
    let m = idx.len();
    let mut out = vec![None; p.len()];
    let mut running = 0.0f64;
    for (rank, &i) in idx.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i].unwrap()).min(1.0);
        running = running.max(adj);
        out[i] = Some(running);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_t_matches_scipy() {
        // scipy.stats.ttest_rel([2, 3, 5, 4], [1, 1, 2, 2]) differences 1, 2, 3, 2
        let r = paired_t(&[1.0, 2.0, 3.0, 2.0]).unwrap();
        assert!((r.t - 4.898979485566356).abs() < 1e-12);
        assert!((r.p - 0.016276603459428555).abs() < 1e-12, "{}", r.p);
        assert_eq!(paired_t(&[0.0, 0.0]), None);
        assert_eq!(paired_t(&[1.0, 1.0]).unwrap().p, 0.0);
    }

    #[test]
    fn holm_is_monotone_and_capped() {
        let adj = holm(&[Some(0.01), Some(0.04), None, Some(0.03), Some(0.5)]);
        assert_eq!(adj[2], None);
        let v: Vec<f64> = adj.iter().flatten().copied().collect();
        // sorted: 0.01*4, 0.03*3, 0.04*2, 0.5*1 -> 0.04, 0.09, max(0.09, 0.08), 0.5
        assert_eq!(v, vec![0.04, 0.09, 0.09, 0.5]);
    }

    #[test]
    fn effect_sizes() {
        assert_eq!(d_z(&[1.0, 1.0]), None);
        let g = hedges_g(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]).unwrap();
        // d = 1 / 1 = 1, J = 1 - 3/(4*4 - 1) = 0.8
        assert!((g - 0.8).abs() < 1e-12);
    }
}
