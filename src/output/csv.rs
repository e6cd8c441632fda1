//! The per-epoch metrics CSV: one row per epoch, the columns of
//! governance-metrics-io.md §4.5 in order, plus the security / collusion
//! columns when those levers are on. Floats are written as Python's repr.

use std::io::{self, Write};
use std::path::Path;

use super::atomic::AtomicFile;
use super::format::py_float;
use crate::metrics::{
    EpochMetrics, MetricValue, COLLUSION_COLUMNS, EPOCH_COLUMNS, SECURITY_COLUMNS,
};
use crate::scenario::Scenario;
use crate::sim::RunResult;

/// The columns a scenario's metrics CSV carries, in order.
pub fn columns(scenario: &Scenario) -> Vec<&'static str> {
    let mut cols: Vec<&'static str> = EPOCH_COLUMNS.to_vec();
    if scenario.governance.security_enabled {
        cols.extend_from_slice(SECURITY_COLUMNS);
    }
    if scenario.governance.collusion_detection_enabled {
        cols.extend_from_slice(COLLUSION_COLUMNS);
    }
    cols
}

fn cell(v: MetricValue) -> String {
    match v {
        MetricValue::Int(i) => i.to_string(),
        MetricValue::Float(x) => py_float(x),
        MetricValue::Missing => String::new(),
    }
}

/// Write the CSV text for `epochs` to `w`.
pub fn write_metrics<W: Write>(
    w: &mut W,
    cols: &[&str],
    epochs: &[EpochMetrics],
) -> io::Result<()> {
    writeln!(w, "{}", cols.join(","))?;
    for e in epochs {
        let row: Vec<String> = cols
            .iter()
            .map(|c| cell(e.get(c).expect("column names come from the metric tables")))
            .collect();
        writeln!(w, "{}", row.join(","))?;
    }
    Ok(())
}

/// Write `<path>` atomically.
pub fn write_metrics_csv(path: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    write_metrics(f.writer(), &columns(scenario), &result.epochs)?;
    f.commit()
}
