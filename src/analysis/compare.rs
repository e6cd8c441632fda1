//! comparisons.parquet's rows: every non-baseline configuration against the
//! baseline of its scenario, per metric, paired by seed. A pair needs both
//! runs to have succeeded and to have a finite value; failed runs drop
//! their pair, and pairs with ±inf or NaN are dropped and counted
//! (`n_nonfinite`), so no statistic is taken over them.
//! The Holm family is one scenario × one metric: all its variants against
//! the shared baseline (adjusting `p_ttest`).

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use super::direction::{direction, role, Direction, Role};
use super::runs::RunsTable;
use super::stats::bootstrap::{self, Scratch};
use super::stats::describe::mean;
use super::stats::paired::{d_z, hedges_g, holm, paired_t};
use super::stats::wilcoxon::{wilcoxon, Method};
use super::verdict::{Rule, Verdict};

/// Bootstrap settings (reproducible: same settings, same intervals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapOptions {
    /// Resamples per interval at most (fewer once the interval is settled).
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
    /// Resamples behind `diff_ci` (0 when every difference is the same).
    pub bootstrap_resamples: usize,
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
    /// The rule's verdict (verdict.rs), set with `p_holm`.
    pub verdict: Verdict,
}

impl ComparisonRow {
    pub fn role(&self) -> Role {
        role(&self.metric)
    }

    /// Every pair has the same value on both sides (at least two pairs):
    /// the variant's runs are the baseline's on this metric.
    pub fn identical(&self) -> bool {
        self.n_pairs >= 2 && self.diff == Some(0.0) && self.p_ttest.is_none()
    }
}

/// The baseline's successful runs by seed, in file order (a seed listed
/// twice keeps both; the last with a value pairs).
fn baseline_by_seed(runs: &RunsTable, baseline: usize) -> HashMap<i64, Vec<usize>> {
    let mut by_seed: HashMap<i64, Vec<usize>> = HashMap::default();
    for &r in &runs.configs[baseline].rows {
        if let (true, Some(seed)) = (runs.ok(r), runs.seed(r)) {
            by_seed.entry(seed).or_default().push(r);
        }
    }
    by_seed
}

/// For each successful run of `variant` (in run order), the baseline runs
/// of its seed.
fn pair_rows<'a>(
    runs: &RunsTable,
    by_seed: &'a HashMap<i64, Vec<usize>>,
    variant: usize,
) -> Vec<(usize, &'a [usize])> {
    runs.configs[variant]
        .rows
        .iter()
        .filter(|&&r| runs.ok(r))
        .filter_map(|&r| Some((r, by_seed.get(&runs.seed(r)?)?.as_slice())))
        .collect()
}

/// (baseline, variant) values of `metric`, paired by seed, in the variant's
/// run order; and how many pairs were left out for a non-finite value.
fn metric_pairs(
    runs: &RunsTable,
    rows: &[(usize, &[usize])],
    metric: &str,
    out: &mut Vec<(f64, f64)>,
) -> usize {
    out.clear();
    let Some(col) = runs.column(metric) else {
        return 0;
    };
    let mut left_out = 0;
    for &(v_row, b_rows) in rows {
        let Some(v) = col.raw_f64(v_row) else {
            continue;
        };
        let Some(b) = b_rows.iter().rev().find_map(|&r| col.raw_f64(r)) else {
            continue;
        };
        if b.is_finite() && v.is_finite() {
            out.push((b, v));
        } else {
            left_out += 1;
        }
    }
    left_out
}

/// (baseline, variant) values of `metric`, paired by seed, in the variant's
/// run order; and how many pairs were left out for a non-finite value.
pub fn pairs(
    runs: &RunsTable,
    baseline: usize,
    variant: usize,
    metric: &str,
) -> (Vec<(f64, f64)>, usize) {
    let by_seed = baseline_by_seed(runs, baseline);
    let rows = pair_rows(runs, &by_seed, variant);
    let mut out = Vec::new();
    let left_out = metric_pairs(runs, &rows, metric, &mut out);
    (out, left_out)
}

/// Buffers one worker reuses from comparison to comparison.
#[derive(Default)]
struct Work {
    pairs: Vec<(f64, f64)>,
    b: Vec<f64>,
    v: Vec<f64>,
    boot: Scratch,
}

/// Everything but the bootstrap interval; and the paired differences.
fn compare_one(
    runs: &RunsTable,
    baseline: usize,
    variant: usize,
    metric: &str,
    rows: &[(usize, &[usize])],
    w: &mut Work,
) -> (ComparisonRow, Vec<f64>) {
    let n_nonfinite = metric_pairs(runs, rows, metric, &mut w.pairs);
    let Work { pairs, b, v, .. } = w;
    b.clear();
    v.clear();
    b.extend(pairs.iter().map(|x| x.0));
    v.extend(pairs.iter().map(|x| x.1));
    let d: Vec<f64> = pairs.iter().map(|(b, v)| v - b).collect();
    let dir = direction(metric);
    let n = d.len();
    let some = |x: f64| (n > 0).then_some(x);
    let (mb, mv, md) = (some(mean(b)), some(mean(v)), some(mean(&d)));
    let t = paired_t(&d);
    let wx = wilcoxon(&d);
    let row = ComparisonRow {
        config: variant,
        baseline,
        metric: metric.to_string(),
        direction: dir,
        n_pairs: n,
        n_nonfinite,
        mean_baseline: mb,
        mean_variant: mv,
        diff: md,
        diff_ci: None,
        bootstrap_resamples: 0,
        rel_change: match (md, mb) {
            (Some(d), Some(b)) if b != 0.0 => Some(d / b.abs()),
            _ => None,
        },
        t_stat: t.map(|t| t.t),
        p_ttest: t.map(|t| t.p),
        p_wilcoxon: wx.map(|w| w.p).filter(|p| !p.is_nan()),
        wilcoxon_method: wx.map(|w| w.method),
        p_holm: None,
        d_z: d_z(&d),
        hedges_g: hedges_g(b, v),
        p_improve: match dir {
            Direction::Neutral => None,
            _ if n == 0 => None,
            _ => {
                Some(d.iter().filter(|x| dir.improved(**x) == Some(true)).count() as f64 / n as f64)
            }
        },
        verdict: Verdict::Inconclusive,
    };
    (row, d)
}

/// One variant against its baseline on every metric. The bootstrap
/// intervals of the metrics with every pair present share the variant's
/// stream (FNV-1a of `scenario␟variant`); a metric that lost pairs (a
/// failed run's missing value, an overflow) resamples alone on its own
/// (`scenario␟variant␟metric`).
fn compare_variant(
    runs: &RunsTable,
    base: usize,
    variant: usize,
    by_seed: &HashMap<i64, Vec<usize>>,
    metrics: &[String],
    boot: BootstrapOptions,
    w: &mut Work,
) -> Vec<ComparisonRow> {
    let pr = pair_rows(runs, by_seed, variant);
    let (mut rows, diffs): (Vec<ComparisonRow>, Vec<Vec<f64>>) = metrics
        .iter()
        .map(|m| compare_one(runs, base, variant, m, &pr, w))
        .unzip();
    let cfg = &runs.configs[variant];
    let key = format!("{}\u{1f}{}", cfg.scenario, cfg.label);
    let complete: Vec<usize> = (0..rows.len())
        .filter(|&k| !pr.is_empty() && diffs[k].len() == pr.len())
        .collect();
    let cols: Vec<&[f64]> = complete.iter().map(|&k| diffs[k].as_slice()).collect();
    let cis = bootstrap::mean_cis(
        &cols,
        0.95,
        boot.resamples,
        boot.seed,
        bootstrap::stream_id(&key),
        &mut w.boot,
    );
    for (&k, ci) in complete.iter().zip(cis) {
        rows[k].diff_ci = ci.map(|c| (c.lo, c.hi));
        rows[k].bootstrap_resamples = ci.map_or(0, |c| c.resamples);
    }
    for k in (0..rows.len()).filter(|k| !complete.contains(k)) {
        let stream = bootstrap::stream_id(&format!("{key}\u{1f}{}", rows[k].metric));
        let ci = bootstrap::mean_ci(
            &diffs[k],
            0.95,
            boot.resamples,
            boot.seed,
            stream,
            &mut w.boot,
        );
        rows[k].diff_ci = ci.map(|c| (c.lo, c.hi));
        rows[k].bootstrap_resamples = ci.map_or(0, |c| c.resamples);
    }
    rows
}

/// All comparisons, scenario by scenario, variant-major then metric, with
/// Holm's adjustment applied per (scenario, metric) family and the verdict
/// of `rule` on each. Scenarios without a baseline arm have no comparisons.
/// Variants are compared in parallel on the current rayon pool; the result
/// does not depend on the number of threads.
pub fn compare(
    runs: &RunsTable,
    metrics: &[String],
    boot: BootstrapOptions,
    rule: Rule,
) -> Vec<ComparisonRow> {
    compare_with_progress(runs, metrics, boot, rule, &|_| {})
}

/// As [`compare`], calling `tick(k)` after each variant (k variants done).
pub fn compare_with_progress(
    runs: &RunsTable,
    metrics: &[String],
    boot: BootstrapOptions,
    rule: Rule,
    tick: &(dyn Fn(usize) + Sync),
) -> Vec<ComparisonRow> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut rows = Vec::new();
    for scenario in runs.scenarios() {
        let Some(base) = runs
            .configs
            .iter()
            .position(|c| c.scenario == scenario && c.is_baseline())
        else {
            continue;
        };
        let by_seed = baseline_by_seed(runs, base);
        let variants: Vec<usize> = (0..runs.configs.len())
            .filter(|&i| i != base && runs.configs[i].scenario == scenario)
            .collect();
        let start = rows.len();
        let per_variant: Vec<Vec<ComparisonRow>> = variants
            .par_iter()
            .map_init(Work::default, |w, &i| {
                let out = compare_variant(runs, base, i, &by_seed, metrics, boot, w);
                tick(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                out
            })
            .collect();
        rows.extend(per_variant.into_iter().flatten());
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
    for r in &mut rows {
        r.verdict = rule.verdict(r);
    }
    rows
}
