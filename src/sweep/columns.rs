//! The columns of the sweep's two tables, runs.parquet and epochs.parquet:
//! derived from the metrics' own definitions and the plan's `Shape`, never
//! from a result; identity and bookkeeping columns named by `contract`.
//! The journal, the writers, `merge` and `reuse` all take them from here.
//! Nothing here depends on the plan (the plan depends on this).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::contract::column;
pub use crate::contract::Table;
use crate::metrics::{
    EpochMetrics, MetricValue, COLLUSION_COLUMNS, EPOCH_COLUMNS, SECURITY_COLUMNS,
};
use crate::scenario::params::ParamKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Str,
    Int,
    Float,
    Bool,
}

impl From<ParamKind> for ColType {
    fn from(k: ParamKind) -> ColType {
        match k {
            ParamKind::Bool => ColType::Bool,
            ParamKind::Int => ColType::Int,
            ParamKind::Float => ColType::Float,
            ParamKind::Str => ColType::Str,
        }
    }
}

/// Run-level metrics over all of a run's interactions (`RunResult.run`),
/// under SWARM's names.
pub const RUN_METRICS: &[&str] = &[
    "toxicity_rate",
    "toxicity_rate_all",
    "quality_gap",
    "spread",
    "conditional_loss_initiator",
    "conditional_loss_counterparty",
    "total_welfare",
    "net_social_welfare",
    "avg_payoff",
    "average_quality",
    "acceptance_rate",
    "total_interactions",
    "accepted_interactions",
];

/// (column, epoch metric): unweighted means over epochs, as SWARM's run
/// summary reports them.
pub const EPOCH_MEANS: &[(&str, &str)] = &[
    ("mean_epoch_toxicity_rate", "toxicity_rate"),
    ("mean_epoch_total_welfare", "total_welfare"),
    ("mean_epoch_net_social_welfare", "net_social_welfare"),
    ("mean_epoch_quality_gap", "quality_gap"),
];

/// Final agent-state counts (RunResult.n_frozen, n_quarantined).
pub const RUN_COUNTS: &[&str] = &["n_frozen", "n_quarantined"];

/// Every `EpochMetrics` field, flattened: the metrics-CSV columns
/// (docs/model/outputs.md §3), then the one soft metric they omit.
fn epoch_fields() -> impl Iterator<Item = &'static str> {
    EPOCH_COLUMNS.iter().copied().chain(["toxicity_rate_all"])
}

/// The column type of an epoch metric, from the metric's own definition
/// (probing a default value with every report present), not from a result.
fn metric_type(name: &str) -> ColType {
    let probe = EpochMetrics {
        security: Some(Default::default()),
        collusion: Some(Default::default()),
        ..EpochMetrics::default()
    };
    match probe.get(name) {
        Some(MetricValue::Int(_)) => ColType::Int,
        Some(_) => ColType::Float,
        None => panic!("'{name}' is not an epoch metric"),
    }
}

/// The type of each identity column (`column::IDENTITY`, in order).
const IDENTITY_TYPES: &[ColType] = &[
    ColType::Str, // run_key
    ColType::Str, // scenario
    ColType::Int, // config_id
    ColType::Str, // config_label
    ColType::Str, // arm
    ColType::Int, // replicate
    ColType::Int, // seed
];

/// The type of each bookkeeping column of runs.parquet (`column::BOOKKEEPING`).
const BOOKKEEPING_TYPES: &[ColType] = &[
    ColType::Str,   // fidelity
    ColType::Str,   // status
    ColType::Str,   // error
    ColType::Float, // wall_time_s
];

fn levers(security: bool, collusion: bool) -> impl Iterator<Item = &'static str> {
    let sec: &[&str] = if security { SECURITY_COLUMNS } else { &[] };
    let col: &[&str] = if collusion { COLLUSION_COLUMNS } else { &[] };
    sec.iter().chain(col).copied()
}

fn metric_columns_with(
    table: Table,
    security: bool,
    collusion: bool,
) -> Vec<(&'static str, ColType)> {
    let typed = |n: &'static str| (n, metric_type(n));
    let mut cols: Vec<(&'static str, ColType)> = Vec::new();
    match table {
        Table::Runs => {
            cols.extend(RUN_METRICS.iter().map(|n| typed(n)));
            cols.extend(EPOCH_MEANS.iter().map(|(n, _)| (*n, ColType::Float)));
            cols.extend(RUN_COUNTS.iter().map(|n| (*n, ColType::Int)));
        }
        Table::Epochs => cols.extend(epoch_fields().map(typed)),
    }
    cols.extend(levers(security, collusion).map(typed));
    cols
}

/// Every metric column `table` can have (the lever columns of both levers,
/// null in a run without that lever): what the journal stores for each run,
/// whatever the plan, so a stored run serves any later spec (`RunRows`).
pub fn stored_columns(table: Table) -> &'static [(&'static str, ColType)] {
    use std::sync::OnceLock;
    static RUNS: OnceLock<Vec<(&'static str, ColType)>> = OnceLock::new();
    static EPOCHS: OnceLock<Vec<(&'static str, ColType)>> = OnceLock::new();
    let cell = match table {
        Table::Runs => &RUNS,
        Table::Epochs => &EPOCHS,
    };
    cell.get_or_init(|| metric_columns_with(table, true, true))
}

/// What a sweep's plan decides about its tables' columns
/// (`SweepPlan::shape`): its parameter columns, and whether any
/// configuration turns on the levers that report their own columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// (path, type) of each swept parameter, in plan order.
    pub params: Vec<(String, ColType)>,
    pub security: bool,
    pub collusion: bool,
}

impl Shape {
    /// The metric columns of `table` (everything that is neither identity,
    /// parameter nor bookkeeping), in order: the table's metrics, then the
    /// security / collusion columns (nullable) of the levers that are on.
    pub fn metric_columns(&self, table: Table) -> Vec<(&'static str, ColType)> {
        metric_columns_with(table, self.security, self.collusion)
    }

    /// Where each metric column of `table` is among `stored_columns(table)`.
    pub fn projection(&self, table: Table) -> Vec<usize> {
        let stored = stored_columns(table);
        self.metric_columns(table)
            .iter()
            .map(|(n, _)| {
                stored
                    .iter()
                    .position(|(s, _)| s == n)
                    .expect("a plan's metric columns are stored columns")
            })
            .collect()
    }

    /// All columns of `table`, in order: identity, parameters, metrics, and
    /// (runs only) fidelity, status, error, wall_time_s.
    pub fn columns(&self, table: Table) -> Vec<(String, ColType)> {
        let named = |names: &[&str], types: &[ColType]| -> Vec<(String, ColType)> {
            assert_eq!(names.len(), types.len(), "a type for every column");
            names
                .iter()
                .map(|n| n.to_string())
                .zip(types.iter().copied())
                .collect()
        };
        let mut cols = named(column::IDENTITY, IDENTITY_TYPES);
        cols.extend(self.params.iter().cloned());
        cols.extend(
            self.metric_columns(table)
                .into_iter()
                .map(|(n, t)| (n.to_string(), t)),
        );
        if table == Table::Runs {
            cols.extend(named(column::BOOKKEEPING, BOOKKEEPING_TYPES));
        }
        cols
    }

    /// The Arrow schema of `table`: strings dictionary-encoded, every
    /// column nullable.
    pub fn arrow_schema(&self, table: Table) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns(table)
            .into_iter()
            .map(|(name, t)| {
                let dt = match t {
                    ColType::Str => {
                        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
                    }
                    ColType::Int => DataType::Int64,
                    ColType::Float => DataType::Float64,
                    ColType::Bool => DataType::Boolean,
                };
                Field::new(name, dt, true)
            })
            .collect();
        Arc::new(Schema::new(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_column_resolves_with_its_type() {
        let names = RUN_METRICS
            .iter()
            .chain(EPOCH_MEANS.iter().map(|(_, m)| m))
            .copied()
            .chain(epoch_fields())
            .chain(SECURITY_COLUMNS.iter().copied())
            .chain(COLLUSION_COLUMNS.iter().copied());
        for n in names {
            metric_type(n); // panics on a name EpochMetrics::get does not know
        }
        assert_eq!(metric_type("total_interactions"), ColType::Int);
        assert_eq!(metric_type("active_threat_count"), ColType::Int);
        assert_eq!(metric_type("toxicity_rate_all"), ColType::Float);
        assert_eq!(metric_type("ecosystem_collusion_risk"), ColType::Float);
    }
}
