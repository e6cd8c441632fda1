//! CSV with full-precision floats (Python `repr`), empty cells when missing.

use std::io::{self, Write};

use super::{values, Exporter, COLUMNS};
use crate::analysis::trend::MetricTrend;
use crate::output::format::py_float;

pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn write(&self, out: &mut dyn Write, _source: &str, rows: &[MetricTrend]) -> io::Result<()> {
        writeln!(out, "{}", COLUMNS.join(","))?;
        for r in rows {
            let nums: Vec<String> = values(r)
                .into_iter()
                .map(|v| v.map(py_float).unwrap_or_default())
                .collect();
            writeln!(out, "{},{},{}", r.metric, r.n, nums.join(","))?;
        }
        Ok(())
    }
}
