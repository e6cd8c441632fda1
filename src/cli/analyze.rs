//! `swarm analyze FILE`: per-metric summary of one run's epoch series
//! (our metrics CSV, the reference's epochs CSV or history JSON), printed
//! in the chosen format.

use std::io::Write;
use std::path::PathBuf;

use super::exit::CliError;
use crate::analysis::export::Format;
use crate::analysis::series::EpochTable;
use crate::analysis::trend::trends;

#[derive(Debug, Clone, clap::Args)]
pub struct AnalyzeOptions {
    /// Metrics CSV, reference epochs CSV, or history JSON.
    pub file: PathBuf,
    /// Comma-separated metric names [default: every numeric column].
    #[arg(long, value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn analyze(opts: &AnalyzeOptions) -> Result<(), CliError> {
    let table = EpochTable::load(&opts.file).map_err(CliError::bad_input)?;
    let metrics: Vec<String> = opts
        .metrics
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    let columns = table.select(&metrics).map_err(CliError::bad_input)?;
    let rows = trends(&table, &columns);
    let source = format!(
        "{} ({}, {} epochs)",
        opts.file.display(),
        table.format.describe(),
        table.rows
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    opts.format
        .exporter()
        .write(&mut out, &source, &rows)
        .and_then(|()| out.flush())
        .map_err(CliError::runtime)
}
