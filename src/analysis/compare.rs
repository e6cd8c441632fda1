//! comparisons.parquet's rows: every non-baseline configuration against the
//! baseline of its scenario, per metric, paired by seed. A pair needs both
//! runs to have succeeded and to have a finite value; failed runs drop
//! their pair, and pairs with ±inf or NaN are dropped and counted
//! (`n_nonfinite`), so no statistic is taken over them.
//! The Holm family is one scenario × one metric: all its variants against
//! the shared baseline (adjusting `p_ttest`).

use std::collections::HashMap;

use super::direction::{direction, Direction};
use super::runs::RunsTable;
use super::stats::bootstrap;
use super::stats::describe::mean;
use super::stats::paired::{d_z, hedges_g, holm, paired_t};
use super::stats::wilcoxon::{wilcoxon, Method};

/// Bootstrap settings (reproducible: same settings, same intervals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapOptions {
    pub resamples: usize,
    pub seed: u64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            resamples: bootstrap::DEFAULT_RESAMPLES,
            seed: bootstrap::DEFAULT_SEED,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Index into `RunsTable::configs` of the variant and of its baseline.
    pub config: usize,
    pub baseline: usize,
    pub metric: String,
    pub direction: Direction,
    pub n_pairs: usize,
    /// Pairs left out because a value is ±inf or NaN.
    pub n_nonfinite: usize,
    pub mean_baseline: Option<f64>,
    pub mean_variant: Option<f64>,
    pub diff: Option<f64>,
    pub diff_ci: Option<(f64, f64)>,
    /// diff / |mean_baseline|; `None` when the baseline mean is 0.
    pub rel_change: Option<f64>,
    pub t_stat: Option<f64>,
    pub p_ttest: Option<f64>,
    pub p_wilcoxon: Option<f64>,
    pub wilcoxon_method: Option<Method>,
    pub p_holm: Option<f64>,
    pub d_z: Option<f64>,
    pub hedges_g: Option<f64>,
    /// Share of pairs where the variant is strictly better; `None` for
    /// neutral metrics.
    pub p_improve: Option<f64>,
}

impl ComparisonRow {
    /// Significant at `alpha` after Holm's adjustment.
    pub fn significant(&self, alpha: f64) -> bool {
        self.p_holm.is_some_and(|p| p < alpha)
    }

    /// Significantly better / worse than the baseline (neutral metrics never are).
    pub fn improved(&self, alpha: f64) -> bool {
        self.significant(alpha) && self.diff.and_then(|d| self.direction.improved(d)) == Some(true)
    }

    pub fn worsened(&self, alpha: f64) -> bool {
        self.significant(alpha)
            && self.direction != Direction::Neutral
            && self.diff.and_then(|d| self.direction.improved(-d)) == Some(true)
    }
}

/// (baseline, variant) values of `metric`, paired by seed, in the variant's
/// run order; and how many pairs were left out for a non-finite value.
pub fn pairs(
    runs: &RunsTable,
    baseline: usize,
    variant: usize,
    metric: &str,
) -> (Vec<(f64, f64)>, usize) {
    // Raw cells: NaN is a value here (to be counted), null is none.
    let value = |r: usize| {
        runs.ok(r)
            .then(|| runs.frame.get(metric)?.cell(r).as_f64())
            .flatten()
    };
    let by_seed: HashMap<i64, f64> = runs.configs[baseline]
        .rows
        .iter()
        .filter_map(|&r| Some((runs.seed(r)?, value(r)?)))
        .collect();
    let all: Vec<(f64, f64)> = runs.configs[variant]
        .rows
        .iter()
        .filter_map(|&r| {
            let v = value(r)?;
            Some((*by_seed.get(&runs.seed(r)?)?, v))
        })
        .collect();
    let n = all.len();
    let finite: Vec<(f64, f64)> = all
        .into_iter()
        .filter(|(b, v)| b.is_finite() && v.is_finite())
        .collect();
    let left_out = n - finite.len();
    (finite, left_out)
}

fn compare_one(
    runs: &RunsTable,
    baseline: usize,
    variant: usize,
    metric: &str,
    boot: BootstrapOptions,
) -> ComparisonRow {
    let (p, n_nonfinite) = pairs(runs, baseline, variant, metric);
    let b: Vec<f64> = p.iter().map(|x| x.0).collect();
    let v: Vec<f64> = p.iter().map(|x| x.1).collect();
    let d: Vec<f64> = p.iter().map(|(b, v)| v - b).collect();
    let dir = direction(metric);
    let n = d.len();
    let some = |x: f64| (n > 0).then_some(x);
    let (mb, mv, md) = (some(mean(&b)), some(mean(&v)), some(mean(&d)));
    let cfg = &runs.configs[variant];
    let key = format!("{}\u{1f}{}\u{1f}{}", cfg.scenario, cfg.label, metric);
    let t = paired_t(&d);
    let w = wilcoxon(&d);
    ComparisonRow {
        config: variant,
        baseline,
        metric: metric.to_string(),
        direction: dir,
        n_pairs: n,
        n_nonfinite,
        mean_baseline: mb,
        mean_variant: mv,
        diff: md,
        diff_ci: bootstrap::mean_ci(
            &d,
            0.95,
            boot.resamples,
            boot.seed,
            bootstrap::stream_id(&key),
        ),
        rel_change: match (md, mb) {
            (Some(d), Some(b)) if b != 0.0 => Some(d / b.abs()),
            _ => None,
        },
        t_stat: t.map(|t| t.t),
        p_ttest: t.map(|t| t.p),
        p_wilcoxon: w.map(|w| w.p).filter(|p| !p.is_nan()),
        wilcoxon_method: w.map(|w| w.method),
        p_holm: None,
        d_z: d_z(&d),
        hedges_g: hedges_g(&b, &v),
        p_improve: match dir {
            Direction::Neutral => None,
            _ if n == 0 => None,
            _ => {
                Some(d.iter().filter(|x| dir.improved(**x) == Some(true)).count() as f64 / n as f64)
            }
        },
    }
}

/// All comparisons, scenario by scenario, variant-major then metric, with
/// Holm's adjustment applied per (scenario, metric) family. Scenarios
/// without a baseline arm have no comparisons.
pub fn compare(runs: &RunsTable, metrics: &[String], boot: BootstrapOptions) -> Vec<ComparisonRow> {
    let mut rows = Vec::new();
    for scenario in runs.scenarios() {
        let Some(base) = runs
            .configs
            .iter()
            .position(|c| c.scenario == scenario && c.is_baseline())
        else {
            continue;
        };
        let start = rows.len();
        for (i, cfg) in runs.configs.iter().enumerate() {
            if cfg.scenario != scenario || i == base {
                continue;
            }
            for m in metrics {
                rows.push(compare_one(runs, base, i, m, boot));
            }
        }
        for m in metrics {
            let family: Vec<usize> = (start..rows.len())
                .filter(|&i| &rows[i].metric == m)
                .collect();
            let adj = holm(&family.iter().map(|&i| rows[i].p_ttest).collect::<Vec<_>>());
            for (&i, p) in family.iter().zip(adj) {
                rows[i].p_holm = p;
            }
        }
    }
    rows
}
