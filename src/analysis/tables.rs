//! summary.parquet and comparisons.parquet: their columns (docs/analysis.md
//! is the contract), metadata `contract::key::analysis`, atomic writes.

use std::path::Path;

use serde_json::json;

use super::compare::{BootstrapOptions, ComparisonRow};
use super::direction::direction;
use super::frame::{Frame, Values};
use super::runs::RunsTable;
use super::stats::bootstrap;
use super::summary::SummaryRow;
use super::verdict::Rule;
use crate::contract::key::{analysis as k, sweep as sweep_key};
use crate::contract::{file, schema_version, table_name, ENGINE_VERSION};

fn floats(rows: usize) -> Values {
    Values::Float(Vec::with_capacity(rows))
}

fn push_f(v: &mut Values, x: Option<f64>) {
    if let Values::Float(v) = v {
        v.push(x);
    }
}

/// Identity and parameter columns of configuration `config` for each row.
fn identity(runs: &RunsTable, configs: &[usize], label_name: &str) -> Frame {
    let mut f = Frame::default();
    let str_col = |get: &dyn Fn(usize) -> String| {
        Values::Str(configs.iter().map(|&c| Some(get(c))).collect())
    };
    f.push("scenario", str_col(&|c| runs.configs[c].scenario.clone()));
    f.push(
        "config_id",
        Values::Int(
            configs
                .iter()
                .map(|&c| Some(runs.configs[c].config_id))
                .collect(),
        ),
    );
    f.push(label_name, str_col(&|c| runs.configs[c].label.clone()));
    f.push("arm", str_col(&|c| runs.configs[c].arm.clone()));
    for (k, p) in runs.params.iter().enumerate() {
        let mut col = Frame::empty_like(runs.frame.get(p).expect("parameter columns exist"));
        for &c in configs {
            col.push_cell(&runs.configs[c].params[k]);
        }
        f.push(p, col);
    }
    f.rows = configs.len();
    f
}

/// `key::analysis::COMMON` (the sweep's name and spec hash when runs.parquet
/// has them), then `extra`.
fn metadata(
    runs: &RunsTable,
    table: &str,
    metrics: &[String],
    extra: Vec<(&str, String)>,
) -> Vec<(String, String)> {
    let mut kv = vec![
        (k::SCHEMA_VERSION, schema_version::ANALYSIS.to_string()),
        (k::TABLE, table.to_string()),
        (k::ENGINE_VERSION, ENGINE_VERSION.to_string()),
        (k::SOURCE, file::RUNS.to_string()),
        (k::PARAM_COLUMNS, json!(runs.params).to_string()),
        (k::METRICS, json!(metrics).to_string()),
    ];
    if let Some(n) = runs.name() {
        kv.push((k::SWEEP_NAME, n.to_string()));
    }
    if let Some(s) = runs.frame.metadata.get(sweep_key::SPEC_SHA256) {
        kv.push((k::SPEC_SHA256, s.clone()));
    }
    kv.extend(extra);
    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

pub fn summary_frame(runs: &RunsTable, rows: &[SummaryRow]) -> Frame {
    let configs: Vec<usize> = rows.iter().map(|r| r.config).collect();
    let mut f = identity(runs, &configs, "config_label");
    f.push(
        "metric",
        Values::Str(rows.iter().map(|r| Some(r.metric.clone())).collect()),
    );
    f.push(
        "n",
        Values::Int(rows.iter().map(|r| Some(r.n as i64)).collect()),
    );
    f.push(
        "n_failed",
        Values::Int(rows.iter().map(|r| Some(r.n_failed as i64)).collect()),
    );
    f.push(
        "n_nonfinite",
        Values::Int(rows.iter().map(|r| Some(r.n_nonfinite as i64)).collect()),
    );
    let names = [
        "mean", "sd", "sem", "ci95_lo", "ci95_hi", "median", "q25", "q75", "iqm", "min", "max",
    ];
    let mut cols: Vec<Values> = names.iter().map(|_| floats(rows.len())).collect();
    for r in rows {
        let s = r.stats;
        let vals = [
            s.map(|s| s.mean),
            s.and_then(|s| s.sd),
            s.and_then(|s| s.sem),
            s.and_then(|s| s.ci95).map(|c| c.0),
            s.and_then(|s| s.ci95).map(|c| c.1),
            s.map(|s| s.median),
            s.map(|s| s.q25),
            s.map(|s| s.q75),
            s.map(|s| s.iqm),
            s.map(|s| s.min),
            s.map(|s| s.max),
        ];
        for (c, v) in cols.iter_mut().zip(vals) {
            push_f(c, v);
        }
    }
    for (n, c) in names.iter().zip(cols) {
        f.push(n, c);
    }
    f
}

pub fn comparisons_frame(runs: &RunsTable, rows: &[ComparisonRow]) -> Frame {
    let configs: Vec<usize> = rows.iter().map(|r| r.config).collect();
    let mut f = identity(runs, &configs, "variant");
    let strs =
        |g: &dyn Fn(&ComparisonRow) -> Option<String>| Values::Str(rows.iter().map(g).collect());
    f.push("metric", strs(&|r| Some(r.metric.clone())));
    f.push("direction", strs(&|r| Some(r.direction.name().to_string())));
    f.push(
        "n_pairs",
        Values::Int(rows.iter().map(|r| Some(r.n_pairs as i64)).collect()),
    );
    f.push(
        "n_nonfinite",
        Values::Int(rows.iter().map(|r| Some(r.n_nonfinite as i64)).collect()),
    );
    let fl =
        |g: &dyn Fn(&ComparisonRow) -> Option<f64>| Values::Float(rows.iter().map(g).collect());
    f.push("mean_baseline", fl(&|r| r.mean_baseline));
    f.push("mean_variant", fl(&|r| r.mean_variant));
    f.push("diff", fl(&|r| r.diff));
    f.push("diff_ci_lo", fl(&|r| r.diff_ci.map(|c| c.0)));
    f.push("diff_ci_hi", fl(&|r| r.diff_ci.map(|c| c.1)));
    f.push(
        "bootstrap_resamples",
        Values::Int(
            rows.iter()
                .map(|r| Some(r.bootstrap_resamples as i64))
                .collect(),
        ),
    );
    f.push("rel_change", fl(&|r| r.rel_change));
    f.push("t_stat", fl(&|r| r.t_stat));
    f.push("p_ttest", fl(&|r| r.p_ttest));
    f.push("p_wilcoxon", fl(&|r| r.p_wilcoxon));
    f.push(
        "wilcoxon_method",
        strs(&|r| r.wilcoxon_method.map(|m| m.name().to_string())),
    );
    f.push("p_holm", fl(&|r| r.p_holm));
    f.push("d_z", fl(&|r| r.d_z));
    f.push("hedges_g", fl(&|r| r.hedges_g));
    f.push("p_improve", fl(&|r| r.p_improve));
    f.push("verdict", strs(&|r| Some(r.verdict.name().to_string())));
    f
}

pub fn write_summary(
    dir: &Path,
    runs: &RunsTable,
    metrics: &[String],
    rows: &[SummaryRow],
) -> anyhow::Result<()> {
    let kv = metadata(runs, table_name::SUMMARY, metrics, vec![(
        k::CI95,
        "t-interval: mean ± t(0.975, n−1)·sd/√n; sd with ddof=1; quantiles numpy linear; iqm = scipy.stats.trim_mean(x, 0.25)".into(),
    )]);
    summary_frame(runs, rows).write_parquet(&dir.join(file::SUMMARY), &kv)
}

/// comparisons.parquet and comparisons.csv (the same rows and columns).
pub fn write_comparisons(
    dir: &Path,
    runs: &RunsTable,
    metrics: &[String],
    rows: &[ComparisonRow],
    boot: BootstrapOptions,
    rule: Rule,
) -> anyhow::Result<()> {
    let directions: serde_json::Map<String, serde_json::Value> = metrics
        .iter()
        .map(|m| (m.clone(), json!(direction(m).name())))
        .collect();
    let kv = metadata(runs, table_name::COMPARISONS, metrics, vec![
        (k::PAIRING, "by seed within scenario, against the scenario's arm = baseline configuration; pairs with a failed run or a missing value are dropped; pairs with ±inf or NaN are dropped and counted in n_nonfinite".into()),
        (k::BOOTSTRAP, json!({
            "method": "percentile",
            "level": 0.95,
            "max_resamples": boot.resamples,
            "seed": boot.seed,
            "stopping": format!("checked at {} resamples, then at twice as many: an interval is settled when each endpoint's Monte Carlo standard error (half the spread of the resample means at ranks B*q +- sqrt(B*q*(1-q))) is at most {} of its width; bootstrap_resamples says how many it took", bootstrap::FIRST_CHECK, bootstrap::SETTLED),
            "rng": "four xoshiro256++ lanes, their states filled in turn by SplitMix64(seed * 0x9e3779b97f4a7c15 ^ stream), read as 32-bit words (each step: the high halves of lanes 0-3, then the low halves); Lemire's unbiased 32-bit index draws",
            "streams": "metrics with every pair present share stream FNV-1a(scenario␟variant) (one set of indices per resample); a metric with pairs left out uses FNV-1a(scenario␟variant␟metric)",
        }).to_string()),
        (k::WILCOXON, "scipy.stats.wilcoxon defaults: zeros dropped; exact if n ≤ 50 without ties/zeros; all 2^n sign flips if n ≤ 13 with ties/zeros; else normal approximation, tie-corrected, no continuity correction".into()),
        (k::HOLM_FAMILY, "scenario × metric (all variants of a scenario against its baseline); adjusts p_ttest".into()),
        (k::DIRECTIONS, serde_json::Value::Object(directions).to_string()),
        (k::VERDICT_RULE, json!({"alpha": rule.alpha, "min_effect": rule.min_effect, "rule": rule.describe()}).to_string()),
    ]);
    let frame = comparisons_frame(runs, rows);
    let (parquet, csv) = rayon::join(
        || frame.write_parquet(&dir.join(file::COMPARISONS), &kv),
        || frame.write_csv(&dir.join(file::COMPARISONS_CSV)),
    );
    parquet.and(csv)
}
