//! Per-run files under `runs/<run_key>/`: the metrics CSV (on by default) and
//! the events JSONL (off by default). The writers themselves live in
//! `output/`; this is only the call site, one small trait for all of them.

use std::path::Path;

use anyhow::Result;

use crate::sim::RunResult;

/// A file written for every successful run, atomically, into the run's folder.
pub trait RunFileWriter: Sync {
    fn file_name(&self) -> &'static str;
    fn write(&self, run_dir: &Path, result: &RunResult) -> Result<()>;
}

/// `metrics.csv`: one row per epoch (governance-metrics-io.md §4.5).
pub struct MetricsCsv;

impl MetricsCsv {
    /// Whether this build has the metrics CSV writer.
    // TODO(main): true once `output::csv::write_metrics_csv` lands, and
    // call it in `write` below.
    pub const AVAILABLE: bool = false;
}

impl RunFileWriter for MetricsCsv {
    fn file_name(&self) -> &'static str {
        "metrics.csv"
    }

    fn write(&self, run_dir: &Path, _result: &RunResult) -> Result<()> {
        let dest = run_dir.join(self.file_name());
        crate::output::atomic::write_with(&dest, |_tmp: &Path| -> Result<()> {
            // TODO(main): crate::output::csv::write_metrics_csv(tmp, result)
            anyhow::bail!("the metrics CSV writer is not in this build yet")
        })
    }
}

/// Which per-run files a sweep writes, and why one asked for is missing.
pub fn writers(
    metrics_csv: bool,
    events_jsonl: bool,
) -> (Vec<Box<dyn RunFileWriter>>, Vec<String>) {
    let mut out: Vec<Box<dyn RunFileWriter>> = Vec::new();
    let mut notes = Vec::new();
    if metrics_csv {
        if MetricsCsv::AVAILABLE {
            out.push(Box::new(MetricsCsv));
        } else {
            notes.push(
                "per-run metrics.csv skipped: the metrics CSV writer is not in this build yet"
                    .to_string(),
            );
        }
    }
    if events_jsonl {
        // TODO(main): the events JSONL needs the simulation's event sink;
        // runs then go through it instead of a RunFileWriter.
        notes.push(
            "per-run events.jsonl skipped: the event sink is not in this build yet".to_string(),
        );
    }
    (out, notes)
}
