//! summary.parquet's rows: per configuration × metric, the descriptive
//! statistics of the metric over the configuration's successful runs.

use super::runs::RunsTable;
use super::stats::Describe;

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Index into `RunsTable::configs`.
    pub config: usize,
    pub metric: String,
    /// Runs with a value (successful runs whose cell is not null/NaN).
    pub n: usize,
    /// Runs of the configuration whose status is not `ok`.
    pub n_failed: usize,
    /// `None` when n = 0.
    pub stats: Option<Describe>,
}

/// The values of `metric` over the successful runs of configuration `config`.
pub fn values(runs: &RunsTable, config: usize, metric: &str) -> Vec<f64> {
    runs.configs[config]
        .rows
        .iter()
        .filter_map(|&r| runs.value(metric, r))
        .collect()
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
                n_failed,
                stats: Describe::of(&x),
            });
        }
    }
    out
}
