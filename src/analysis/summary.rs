//! summary.parquet's rows: per configuration × metric, the descriptive
//! statistics of the metric over the configuration's successful runs.
//! Non-finite values (±inf, NaN) are left out and counted (`n_nonfinite`):
//! a mean or interval over them says nothing.

use rayon::prelude::*;

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
    let Some(col) = runs.column(metric) else {
        return Vec::new();
    };
    runs.configs[config]
        .rows
        .iter()
        .filter(|&&r| runs.ok(r))
        .filter_map(|&r| col.f64(r))
        .filter(|v| v.is_finite())
        .collect()
}

/// Successful runs of `config` whose `metric` is ±inf or NaN.
pub fn nonfinite(runs: &RunsTable, config: usize, metric: &str) -> usize {
    let Some(col) = runs.column(metric) else {
        return 0;
    };
    runs.configs[config]
        .rows
        .iter()
        .filter(|&&r| runs.ok(r))
        .filter(|&&r| col.raw_f64(r).is_some_and(|v| !v.is_finite()))
        .count()
}

/// Every configuration × every metric of `metrics`, configuration-major
/// (configurations in parallel on the current rayon pool).
pub fn summarize(runs: &RunsTable, metrics: &[String]) -> Vec<SummaryRow> {
    (0..runs.configs.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let cfg = &runs.configs[i];
            let n_failed = cfg.rows.iter().filter(|&&r| !runs.ok(r)).count();
            metrics.iter().map(move |m| {
                let x = values(runs, i, m);
                SummaryRow {
                    config: i,
                    metric: m.clone(),
                    n: x.len(),
                    n_nonfinite: nonfinite(runs, i, m),
                    n_failed,
                    stats: Describe::of(&x),
                }
            })
        })
        .collect()
}
