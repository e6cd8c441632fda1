//! The estimators: first-order and total Sobol' indices from a Saltelli
//! design (Saltelli et al. 2010's first-order estimator, Jansen's total),
//! second-order indices when the design has the BA rows (Saltelli 2002),
//! with bootstrap intervals; Morris's elementary-effect statistics. Both
//! follow SALib's conventions (output standardised before the Sobol'
//! estimators; elementary effects per unit step Δ; σ with ddof 1), so the
//! point estimates agree with SALib's to rounding. docs/design.md.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::sweep::design::below;

/// How the intervals are made: `resamples` bootstrap draws, an interval of
/// ±z·sd (z for `level`), streams from `seed`.
#[derive(Debug, Clone, Copy)]
pub struct Bootstrap {
    pub resamples: usize,
    pub level: f64,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            level: 0.95,
            seed: 20_240_601,
        }
    }
}

impl Bootstrap {
    fn z(&self) -> f64 {
        use statrs::distribution::{ContinuousCDF, Normal};
        Normal::standard().inverse_cdf(0.5 + self.level / 2.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub s1: Vec<f64>,
    pub s1_conf: Vec<f64>,
    pub st: Vec<f64>,
    pub st_conf: Vec<f64>,
    /// Second-order indices of each pair j < l (with the BA rows only).
    pub s2: Vec<PairIndex>,
}

/// S2 of factors `j` and `l` (j < l) and its interval half-width.
#[derive(Debug, Clone, PartialEq)]
pub struct PairIndex {
    pub j: usize,
    pub l: usize,
    pub s2: f64,
    pub s2_conf: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    pub mu: Vec<f64>,
    pub mu_star: Vec<f64>,
    pub sigma: Vec<f64>,
    pub mu_star_conf: Vec<f64>,
}

fn mean(x: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = x.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    s / n as f64
}

/// Population variance.
fn var(x: &[f64]) -> f64 {
    let m = mean(x.iter().copied());
    mean(x.iter().map(|v| (v - m) * (v - m)))
}

/// Sample standard deviation (ddof 1).
fn sd1(x: &[f64]) -> f64 {
    let m = mean(x.iter().copied());
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() as f64 - 1.0)).sqrt()
}

/// Sobol' indices of the `k` factors from outputs `y` in Saltelli's row
/// order (A, AB_1..AB_k, [BA_1..BA_k], B per base sample). `None` when the
/// output does not vary.
pub fn sobol(y: &[f64], k: usize, second_order: bool, boot: Bootstrap) -> Option<SobolIndices> {
    let step = if second_order { 2 * k + 2 } else { k + 2 };
    assert!(
        y.len().is_multiple_of(step),
        "a Saltelli design has rows in blocks of {step}"
    );
    let n = y.len() / step;
    let m = mean(y.iter().copied());
    let sd = var(y).sqrt();
    if sd.is_nan() || sd <= 0.0 {
        return None;
    }
    let y: Vec<f64> = y.iter().map(|v| (v - m) / sd).collect();
    let a: Vec<f64> = (0..n).map(|i| y[i * step]).collect();
    let b: Vec<f64> = (0..n).map(|i| y[i * step + step - 1]).collect();
    let ab = |j: usize| -> Vec<f64> { (0..n).map(|i| y[i * step + 1 + j]).collect() };
    // The estimators over the base samples `idx` (all, or a resample).
    let estimate = |abj: &[f64], idx: &[usize]| -> (f64, f64) {
        let ab_ab: Vec<f64> = idx.iter().flat_map(|&i| [a[i], b[i]]).collect();
        let v = var(&ab_ab);
        if v.is_nan() || v <= f64::EPSILON {
            return (0.0, 0.0);
        }
        let s1 = mean(idx.iter().map(|&i| b[i] * (abj[i] - a[i]))) / v;
        let st = 0.5 * mean(idx.iter().map(|&i| (a[i] - abj[i]).powi(2))) / v;
        (s1, st)
    };
    let all: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(boot.seed);
    let resamples: Vec<Vec<usize>> = (0..boot.resamples)
        .map(|_| (0..n).map(|_| below(&mut rng, n as u64) as usize).collect())
        .collect();
    let z = boot.z();
    let mut out = SobolIndices {
        s1: vec![],
        s1_conf: vec![],
        st: vec![],
        st_conf: vec![],
        s2: vec![],
    };
    for j in 0..k {
        let abj = ab(j);
        let (s1, st) = estimate(&abj, &all);
        let (r1, rt): (Vec<f64>, Vec<f64>) = resamples.iter().map(|r| estimate(&abj, r)).unzip();
        out.s1.push(s1);
        out.st.push(st);
        out.s1_conf
            .push(if r1.len() > 1 { z * sd1(&r1) } else { f64::NAN });
        out.st_conf
            .push(if rt.len() > 1 { z * sd1(&rt) } else { f64::NAN });
    }
    if !second_order {
        return Some(out);
    }
    // Saltelli 2002, eq. 12 (in SALib's form): V_jl = mean(f(BA_j)·f(AB_l)
    // − f(A)·f(B)) / V, and S2_jl = V_jl − S1_j − S1_l, all over the same
    // base samples.
    let ba = |j: usize| -> Vec<f64> { (0..n).map(|i| y[i * step + 1 + k + j]).collect() };
    let second = |abj: &[f64], abl: &[f64], baj: &[f64], idx: &[usize]| -> f64 {
        let ab_ab: Vec<f64> = idx.iter().flat_map(|&i| [a[i], b[i]]).collect();
        let v = var(&ab_ab);
        if v.is_nan() || v <= f64::EPSILON {
            return 0.0;
        }
        let vjl = mean(idx.iter().map(|&i| baj[i] * abl[i] - a[i] * b[i])) / v;
        let s1 = |ab: &[f64]| mean(idx.iter().map(|&i| b[i] * (ab[i] - a[i]))) / v;
        vjl - s1(abj) - s1(abl)
    };
    for j in 0..k {
        let (abj, baj) = (ab(j), ba(j));
        for l in j + 1..k {
            let abl = ab(l);
            let s2 = second(&abj, &abl, &baj, &all);
            let r: Vec<f64> = resamples
                .iter()
                .map(|idx| second(&abj, &abl, &baj, idx))
                .collect();
            out.s2.push(PairIndex {
                j,
                l,
                s2,
                s2_conf: if r.len() > 1 { z * sd1(&r) } else { f64::NAN },
            });
        }
    }
    Some(out)
}

/// Morris statistics from trajectories of k + 1 rows (unit coordinates
/// `x`, outputs `y`) on a `levels`-level grid.
pub fn morris(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    levels: usize,
    boot: Bootstrap,
) -> MorrisIndices {
    let delta = crate::sweep::design::morris::delta(levels);
    let r = y.len() / (k + 1);
    // ee[j][t]: factor j's elementary effect in trajectory t.
    let mut ee = vec![vec![f64::NAN; r]; k];
    #[allow(clippy::needless_range_loop)] // t indexes rows and columns alike
    for t in 0..r {
        let rows = t * (k + 1)..(t + 1) * (k + 1);
        let (xs, ys) = (&x[rows.clone()], &y[rows]);
        for s in 0..k {
            let Some(j) = (0..k).find(|&j| xs[s + 1][j] != xs[s][j]) else {
                continue;
            };
            let up = xs[s + 1][j] > xs[s][j];
            let d = ys[s + 1] - ys[s];
            ee[j][t] = if up { d } else { -d } / delta;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(boot.seed);
    let z = boot.z();
    let mut out = MorrisIndices {
        mu: vec![],
        mu_star: vec![],
        sigma: vec![],
        mu_star_conf: vec![],
    };
    for e in &ee {
        let abs: Vec<f64> = e.iter().map(|v| v.abs()).collect();
        out.mu.push(mean(e.iter().copied()));
        out.mu_star.push(mean(abs.iter().copied()));
        out.sigma.push(if r > 1 { sd1(e) } else { f64::NAN });
        let means: Vec<f64> = (0..boot.resamples)
            .map(|_| mean((0..r).map(|_| abs[below(&mut rng, r as u64) as usize])))
            .collect();
        out.mu_star_conf.push(if means.len() > 1 {
            z * sd1(&means)
        } else {
            f64::NAN
        });
    }
    out
}

/// Ishigami's function, the usual check of Sobol' estimators: with a = 7,
/// b = 0.1 on [-π, π]³ its indices are known in closed form.
pub fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::design::{morris::trajectories, saltelli_rows, sobol_points};
    use std::f64::consts::PI;

    #[test]
    fn ishigami_indices_converge_to_the_analytic_values() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let base = sobol_points(4096, 6, true, &mut rng);
        let rows = saltelli_rows(&base, 3, false);
        let y: Vec<f64> = rows
            .iter()
            .map(|u| ishigami(&u.iter().map(|v| -PI + 2.0 * PI * v).collect::<Vec<_>>()))
            .collect();
        let s = sobol(
            &y,
            3,
            false,
            Bootstrap {
                resamples: 200,
                ..Bootstrap::default()
            },
        )
        .unwrap();
        // Analytic: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
        let (s1, st) = ([0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]);
        for j in 0..3 {
            assert!((s.s1[j] - s1[j]).abs() < 0.03, "S1[{j}] = {}", s.s1[j]);
            assert!((s.st[j] - st[j]).abs() < 0.03, "ST[{j}] = {}", s.st[j]);
            assert!(s.s1_conf[j] > 0.0 && s.s1_conf[j] < 0.1);
        }
    }

    #[test]
    fn ishigami_second_order_indices_converge_to_the_analytic_values() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let base = sobol_points(4096, 6, true, &mut rng);
        let rows = saltelli_rows(&base, 3, true);
        let y: Vec<f64> = rows
            .iter()
            .map(|u| ishigami(&u.iter().map(|v| -PI + 2.0 * PI * v).collect::<Vec<_>>()))
            .collect();
        let boot = Bootstrap {
            resamples: 200,
            ..Bootstrap::default()
        };
        let s = sobol(&y, 3, true, boot).unwrap();
        // Analytic: S12 = S23 = 0, S13 = ST1 − S1 = 0.5576 − 0.3139 = 0.2437.
        let pairs: Vec<(usize, usize)> = s.s2.iter().map(|p| (p.j, p.l)).collect();
        assert_eq!(pairs, [(0, 1), (0, 2), (1, 2)]);
        for (p, want) in s.s2.iter().zip([0.0, 0.2437, 0.0]) {
            assert!((p.s2 - want).abs() < 0.05, "S2[{},{}] = {}", p.j, p.l, p.s2);
            assert!(p.s2_conf > 0.0 && p.s2_conf < 0.2, "{}", p.s2_conf);
        }
    }

    #[test]
    fn morris_ranks_a_linear_model_by_its_slopes() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let x = trajectories(30, 3, 4, &mut rng);
        let y: Vec<f64> = x
            .iter()
            .map(|u| 4.0 * u[0] - 1.0 * u[1] + 0.0 * u[2])
            .collect();
        let m = morris(&x, &y, 3, 4, Bootstrap::default());
        assert!((m.mu[0] - 4.0).abs() < 1e-9 && (m.mu[1] + 1.0).abs() < 1e-9);
        assert!((m.mu_star[1] - 1.0).abs() < 1e-9 && m.mu_star[2] == 0.0);
        assert!(m.sigma[0].abs() < 1e-9);
    }
}
