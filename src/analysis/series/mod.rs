//! Per-epoch series from one run's files, for `swarm analyze`: our metrics
//! CSV (docs/model/outputs.md §3), the reference's `--export-csv`
//! epochs CSV (§4.1) or its `--export-json` history (§4.2). Every format
//! becomes the same thing: named numeric columns, one value per epoch.

mod csv;
mod json;

use std::path::Path;

use super::error::{unknown_metric, AnalysisError};

/// Which kind of file a table came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    MetricsCsv,
    ReferenceEpochsCsv,
    HistoryJson,
}

impl SourceFormat {
    pub fn describe(self) -> &'static str {
        match self {
            SourceFormat::MetricsCsv => "metrics CSV",
            SourceFormat::ReferenceEpochsCsv => "reference epochs CSV",
            SourceFormat::HistoryJson => "reference history JSON",
        }
    }
}

/// One numeric column; `None` where the cell is empty, null or NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// The epoch rows of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochTable {
    pub format: SourceFormat,
    pub rows: usize,
    /// Numeric columns in file order (non-numeric ones are dropped).
    pub columns: Vec<Column>,
}

/// Columns that identify rows rather than measure anything.
const NOT_METRICS: &[&str] = &["epoch", "seed"];

impl EpochTable {
    /// Read `path`: JSON when it starts with `{`, CSV otherwise.
    pub fn load(path: &Path) -> Result<EpochTable, AnalysisError> {
        let text = crate::input::read_text(path, "the file to analyse", "SWARM_MAX_INPUT_BYTES")
            .map_err(|e| AnalysisError::Read {
                path: path.to_path_buf(),
                source: e.into(),
            })?;
        let table = if text.trim_start().starts_with('{') {
            json::parse(&text, path)?
        } else {
            csv::parse(&text, path)?
        };
        if table.metric_names().is_empty() {
            return Err(AnalysisError::NoMetrics {
                path: path.to_path_buf(),
            });
        }
        Ok(table)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The metrics that can be analysed: numeric columns other than the epoch.
    pub fn metric_names(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|c| !NOT_METRICS.contains(&c.name.as_str()))
            .map(|c| c.name.clone())
            .collect()
    }

    /// The x values of the series: the `epoch` column, else the row index.
    pub fn epochs(&self) -> Vec<Option<f64>> {
        match self.column("epoch") {
            Some(c) => c.values.clone(),
            None => (0..self.rows).map(|i| Some(i as f64)).collect(),
        }
    }

    /// Resolve requested metric names (all metrics when `wanted` is empty).
    pub fn select(&self, wanted: &[String]) -> Result<Vec<&Column>, AnalysisError> {
        let available = self.metric_names();
        if wanted.is_empty() {
            return Ok(available.iter().filter_map(|n| self.column(n)).collect());
        }
        wanted
            .iter()
            .map(|w| {
                if available.contains(w) {
                    Ok(self.column(w).expect("listed columns exist"))
                } else {
                    Err(unknown_metric(w, &available))
                }
            })
            .collect()
    }
}

/// A cell as a number: empty, `nan`, `None`/`null` are missing; booleans
/// count as 0/1; anything else that does not parse makes the column textual.
pub(crate) fn parse_cell(s: &str) -> Result<Option<f64>, ()> {
    let s = s.trim();
    match s {
        "" | "None" | "null" | "NaN" | "nan" => Ok(None),
        "True" | "true" => Ok(Some(1.0)),
        "False" | "false" => Ok(Some(0.0)),
        _ => s
            .parse::<f64>()
            .map(|v| if v.is_nan() { None } else { Some(v) })
            .map_err(|_| ()),
    }
}
