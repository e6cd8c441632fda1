//! A finished run as the tables hold it: its metric cells for runs.parquet,
//! one row of metric cells per epoch for epochs.parquet, its status and wall
//! time — everything but the identity and parameter columns, which come from
//! the plan. Cells are those of `schema::stored_columns` (every lever column,
//! null where the run had the lever off), so the rows of a run do not depend
//! on the spec it ran in. The journal stores this; the tables are built from
//! it, each keeping the plan's columns.

use super::columns::{stored_columns, ColType, Table, RUN_METRICS};
use super::runner::{Outcome, RunRecord};
use crate::metrics::{EpochMetrics, MetricValue};

/// One metric cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
}

impl Value {
    /// Whether the cell fits a column of type `t` (null fits any).
    pub fn fits(self, t: ColType) -> bool {
        matches!(
            (self, t),
            (Value::Null, _) | (Value::Int(_), ColType::Int) | (Value::Float(_), ColType::Float)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunRows {
    /// Index in the run list (of the plan it is written for).
    pub index: usize,
    pub run_key: String,
    /// The failure message; `None` when the run succeeded.
    pub error: Option<String>,
    /// The runs table's stored metric columns (`schema::stored_columns`);
    /// empty when the run failed (its metrics are null).
    pub run: Vec<Value>,
    /// One row of the epochs table's metric columns per epoch.
    pub epochs: Vec<Vec<Value>>,
    pub wall_time_s: f64,
}

impl RunRows {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    pub fn from_record(rec: &RunRecord) -> RunRows {
        let (error, run, epochs) = match &rec.outcome {
            Outcome::Ok(r) => {
                // The run's soft metrics read through the epoch accessor.
                let whole = EpochMetrics {
                    soft: r.run,
                    ..EpochMetrics::default()
                };
                let mut run: Vec<Value> = RUN_METRICS.iter().map(|n| cell(whole.get(n))).collect();
                run.extend(
                    super::columns::EPOCH_MEANS
                        .iter()
                        .map(|(_, m)| epoch_mean(&r.epochs, m)),
                );
                run.push(Value::Int(r.n_frozen as i64));
                run.push(Value::Int(r.n_quarantined as i64));
                let last = r.epochs.last();
                let stored = stored_columns(Table::Runs);
                let levers = &stored[run.len()..];
                run.extend(
                    levers
                        .iter()
                        .map(|(n, _)| cell(last.and_then(|e| e.get(n)))),
                );
                let epoch_columns = stored_columns(Table::Epochs);
                let epochs = r
                    .epochs
                    .iter()
                    .map(|e| epoch_columns.iter().map(|(n, _)| cell(e.get(n))).collect())
                    .collect();
                (None, run, epochs)
            }
            Outcome::Failed(msg) => (Some(msg.clone()), Vec::new(), Vec::new()),
        };
        RunRows {
            index: rec.run.index,
            run_key: rec.run.run_key.clone(),
            error,
            run,
            epochs,
            wall_time_s: rec.wall_time_s,
        }
    }
}

fn cell(v: Option<MetricValue>) -> Value {
    match v {
        Some(MetricValue::Int(i)) => Value::Int(i as i64),
        Some(MetricValue::Float(x)) => Value::Float(x),
        Some(MetricValue::Missing) | None => Value::Null,
    }
}

/// Left-to-right mean, as Python's `sum(xs) / len(xs)`; null without epochs.
fn epoch_mean(epochs: &[EpochMetrics], metric: &str) -> Value {
    if epochs.is_empty() {
        return Value::Null;
    }
    let sum = epochs.iter().fold(0.0, |acc, e| {
        acc + e.get(metric).and_then(MetricValue::as_f64).unwrap_or(0.0)
    });
    Value::Float(sum / epochs.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_reports_are_null() {
        let e = EpochMetrics::default();
        assert_eq!(cell(e.get("ecosystem_threat_level")), Value::Null);
        assert_eq!(cell(e.get("epoch")), Value::Int(0));
        assert_eq!(epoch_mean(&[], "toxicity_rate"), Value::Null);
        assert!(Value::Null.fits(ColType::Int) && !Value::Int(1).fits(ColType::Float));
    }
}
