//! report.md's ranking of the levers of a random, Latin-hypercube or Sobol'
//! design (docs/design.md, "Levers of a design"): per metric, each sampled
//! parameter's Spearman rank correlation with the seed-averaged metric over
//! the design points, strongest first — a fixed number of lines however
//! many points the design has. Saltelli and Morris designs get their
//! indices instead (analysis/sensitivity).

use std::fmt::Write as _;

use super::runs::RunsTable;
use super::sensitivity::{self, PointValues};
use crate::sweep::design::Sample;

/// Parameters listed per metric (the strongest).
const LISTED: usize = 10;

/// One parameter's association with one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    pub parameter: String,
    /// Spearman's ρ between its values and the seed-averaged metric.
    pub rho: f64,
    /// 95% interval of ρ (Fisher's z with Fieller, Hartley and Pearson's
    /// variance 1.06 / (n − 3)); `None` below 4 points.
    pub ci: Option<(f64, f64)>,
}

/// The section, for a sweep on a random, lhs or sobol design whose tables
/// hold every point; `None` otherwise.
pub fn section(runs: &RunsTable) -> Option<String> {
    let sample = match sensitivity::design_of(runs) {
        Ok(Some(s)) if !s.method.is_sensitivity() => s,
        _ => return None,
    };
    let metrics = sensitivity::metrics(runs, &[]).ok()?;
    let mut values = Vec::new();
    for m in &metrics {
        // A design crossed with a grid has no single value per point.
        values.extend(sensitivity::point_values(runs, &sample, m).ok()?);
    }
    let mut s = String::new();
    let _ = writeln!(s, "## Levers of the design\n");
    let _ = writeln!(
        s,
        "{} design, {} points: each parameter's Spearman rank correlation ρ with the \
         seed-averaged metric over the points (95% interval), strongest first. |ρ| near 1: the \
         metric rises or falls steadily with the parameter; near 0: no monotone effect (a \
         U-shaped one is possible: see the plots). For variance shares, use a saltelli design \
         (docs/design.md).\n",
        sample.method.name(),
        sample.unit.len()
    );
    let _ = writeln!(
        s,
        "| metric | rank | parameter | ρ [95% CI] |\n|---|---|---|---|"
    );
    for v in &values {
        let levers = rank(&sample, v);
        let metric = if runs.many_scenarios() {
            format!("`{}` ({})", v.metric, v.scenario)
        } else {
            format!("`{}`", v.metric)
        };
        for (i, l) in levers.iter().take(LISTED).enumerate() {
            let ci =
                l.ci.map_or(String::new(), |(lo, hi)| format!(" [{lo:.2}, {hi:.2}]"));
            let rho = if l.rho.is_nan() {
                "— (constant)".to_string()
            } else {
                format!("{:.2}{ci}", l.rho)
            };
            let _ = writeln!(s, "| {metric} | {} | `{}` | {rho} |", i + 1, l.parameter);
        }
        if levers.len() > LISTED {
            let _ = writeln!(s, "| {metric} | | {} more | |", levers.len() - LISTED);
        }
    }
    let _ = writeln!(s);
    Some(s)
}

/// The design's numeric parameters by |ρ| with `v`'s means, strongest
/// first (ties in design order). Categorical parameters of strings or
/// booleans have no order to correlate with and are left out.
pub fn rank(sample: &Sample, v: &PointValues) -> Vec<Lever> {
    use crate::scenario::params::ParamValue;
    let n = v.means.len();
    let values: Vec<Vec<ParamValue>> = (0..n).map(|r| sample.values(r)).collect();
    let mut out: Vec<Lever> = sample
        .factors
        .iter()
        .enumerate()
        .filter_map(|(j, f)| {
            let x: Vec<f64> = values
                .iter()
                .map(|v| match v[j] {
                    ParamValue::Int(i) => Some(i as f64),
                    ParamValue::Float(x) => Some(x),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let rho = spearman(&x, &v.means);
            let ci = (n > 3 && rho.is_finite()).then(|| {
                let z = rho.clamp(-0.999_999, 0.999_999).atanh();
                let se = (1.06 / (n as f64 - 3.0)).sqrt();
                ((z - 1.959_964 * se).tanh(), (z + 1.959_964 * se).tanh())
            });
            Some(Lever {
                parameter: f.path.clone(),
                rho,
                ci,
            })
        })
        .collect();
    // A constant metric or parameter (ρ NaN) last.
    let key = |l: &Lever| if l.rho.is_nan() { -1.0 } else { l.rho.abs() };
    out.sort_by(|a, b| key(b).total_cmp(&key(a)));
    out
}

/// Spearman's ρ: Pearson's correlation of the ranks, ties given their mean
/// rank (as `scipy.stats.spearmanr`). NaN when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mx, my) = (mean(&rx), mean(&ry));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// 1-based ranks, ties averaged.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_matches_scipy_with_ties() {
        // scipy.stats.spearmanr([1,2,2,3,5,4],[1,3,2,4,4,9]).statistic
        let rho = spearman(
            &[1.0, 2.0, 2.0, 3.0, 5.0, 4.0],
            &[1.0, 3.0, 2.0, 4.0, 4.0, 9.0],
        );
        assert!((rho - 0.882_352_941_176_470_6).abs() < 1e-12, "{rho}");
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), [2.5, 1.0, 2.5]);
        assert!(spearman(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
    }
}
