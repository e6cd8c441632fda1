//! The per-epoch metrics CSV: one row per epoch, the columns of
//! docs/model/outputs.md §3 in order, plus the security / collusion
//! columns when those levers are on. Floats are written as Python's repr.

use std::io::{self, Write};
use std::path::Path;

use super::atomic::AtomicFile;
use super::format::push_py_float;
use crate::metrics::{
    Column, EpochMetrics, MetricValue, COLLUSION_COLUMNS, EPOCH_COLUMNS, SECURITY_COLUMNS,
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

fn push_cell(out: &mut String, v: MetricValue) {
    match v {
        MetricValue::Int(i) => out.push_str(itoa::Buffer::new().format(i)),
        MetricValue::Float(x) => push_py_float(out, x),
        MetricValue::Missing => {}
    }
}

/// The CSV text for `epochs`, built in one buffer (one write per file).
pub fn metrics_text(cols: &[&str], epochs: &[EpochMetrics]) -> String {
    let mut out = String::with_capacity(16 * cols.len() * (epochs.len() + 1));
    out.push_str(&cols.join(","));
    out.push('\n');
    // Each name looked up once, not once per cell.
    let readers: Vec<Column> = cols
        .iter()
        .map(|c| EpochMetrics::column(c).expect("column names come from the metric tables"))
        .collect();
    for e in epochs {
        for (i, read) in readers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_cell(&mut out, read.read(e));
        }
        out.push('\n');
    }
    out
}

/// Write the CSV text for `epochs` to `w`.
pub fn write_metrics<W: Write>(
    w: &mut W,
    cols: &[&str],
    epochs: &[EpochMetrics],
) -> io::Result<()> {
    w.write_all(metrics_text(cols, epochs).as_bytes())
}

/// Write `<path>` atomically.
pub fn write_metrics_csv(path: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    write_metrics(f.writer(), &columns(scenario), &result.epochs)?;
    f.commit()
}
