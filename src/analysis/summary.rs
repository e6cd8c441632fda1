//! summary.parquet's rows: per configuration × metric, the descriptive
//! statistics of the metric over the configuration's successful runs.
//! Non-finite values (±inf, NaN) are left out and counted (`n_nonfinite`):
//! a mean or interval over them says nothing.

use super::runs::RunsTable;
use super::stats::Describe;

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Index into `RunsTable::configs`.
    pub config: usize,
    pub metric: String,
    /// Runs with a finite value (successful runs whose cell is a number).
    pub n: usize,
    /// Successful runs whose value is ±inf or NaN (left out of `n`).
    pub n_nonfinite: usize,
    /// Runs of the configuration whose status is not `ok`.
    pub n_failed: usize,
    /// `None` when n = 0.
    pub stats: Option<Describe>,
}

/// The finite values of `metric` over the successful runs of configuration
/// `config`.
pub fn values(runs: &RunsTable, config: usize, metric: &str) -> Vec<f64> {
    runs.configs[config]
        .rows
        .iter()
        .filter_map(|&r| runs.value(metric, r))
        .filter(|v| v.is_finite())
        .collect()
}

/// Successful runs of `config` whose `metric` is ±inf or NaN.
pub fn nonfinite(runs: &RunsTable, config: usize, metric: &str) -> usize {
    let Some(col) = runs.frame.get(metric) else {
        return 0;
    };
    runs.configs[config]
        .rows
        .iter()
        .filter(|&&r| runs.ok(r))
        .filter(|&&r| col.cell(r).as_f64().is_some_and(|v| !v.is_finite()))
        .count()
}

/// Every configuration × every metric of `metrics`, configuration-major.
pub fn summarize(runs: &RunsTable, metrics: &[String]) -> Vec<SummaryRow> {
    let mut out = Vec::with_capacity(runs.configs.len() * metrics.len());
    for (i, cfg) in runs.configs.iter().enumerate() {
        let n_failed = cfg.rows.iter().filter(|&&r| !runs.ok(r)).count();
        for m in metrics {
            let x = values(runs, i, m);
            out.push(SummaryRow {
                config: i,
                metric: m.clone(),
                n: x.len(),
                n_nonfinite: nonfinite(runs, i, m),
                n_failed,
                stats: Describe::of(&x),
            });
        }
    }
    out
}
