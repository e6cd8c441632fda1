//! What the sweep prints before it runs: the run count, an estimate of the
//! output size, and (for --dry-run) the run list.

use std::fmt::Write;

use super::columns::Table;
use super::plan::SweepPlan;
use super::run_files::RunFiles;
use super::run_list::RunList;
pub use crate::limits::human_bytes;

/// Rough compressed bytes per Parquet cell and per CSV epoch row, for the
/// up-front estimate only (measured on the bundled sweeps and the 100k-run
/// baseline: 3.5–4.4 B per runs cell, 1.1–2.3 B per epochs cell, ~300 B a row).
const RUNS_CELL_BYTES: u64 = 4;
const EPOCHS_CELL_BYTES: u64 = 2;
const CSV_ROW_BYTES: u64 = 300;
const CSV_FILE_OVERHEAD: u64 = 4096;
const EVENTS_EPOCH_BYTES: u64 = 8192;

/// The epochs of every run of the sweep. Saturating: a huge configuration
/// (recorded as failed) must not wrap.
fn total_epochs(plan: &SweepPlan) -> u64 {
    let seeds = plan.spec.seeds.len() as u64;
    plan.configs
        .iter()
        .map(|c| u64::from(c.scenario.simulation.n_epochs).saturating_mul(seeds))
        .fold(0, u64::saturating_add)
}

/// Estimated bytes of runs.parquet, epochs.parquet and the per-run files.
pub fn estimate_bytes(plan: &SweepPlan, files: &RunFiles) -> (u64, u64, u64) {
    let runs = plan.n_runs() as u64;
    let mul = |a: u64, b: u64| a.saturating_mul(b);
    let epochs = total_epochs(plan);
    let runs_b = mul(
        runs,
        plan.shape().columns(Table::Runs).len() as u64 * RUNS_CELL_BYTES,
    );
    let epochs_b = mul(
        epochs,
        plan.shape().columns(Table::Epochs).len() as u64 * EPOCHS_CELL_BYTES,
    );
    let mut files_b = 0u64;
    if files.metrics_csv {
        files_b = files_b.saturating_add(
            mul(runs, CSV_FILE_OVERHEAD).saturating_add(mul(epochs, CSV_ROW_BYTES)),
        );
    }
    if files.events_jsonl {
        files_b = files_b.saturating_add(
            mul(runs, CSV_FILE_OVERHEAD).saturating_add(mul(epochs, EVENTS_EPOCH_BYTES)),
        );
    }
    (runs_b, epochs_b, files_b)
}

/// Bytes a run takes in the journal: in its header (a key), and in its
/// line once the tables hold its rows (`journal::Journal::compact`).
const JOURNAL_RUN_BYTES: u64 = 19 + 48;
/// Bytes a cell takes in a journal line of a run's rows, on average (floats
/// in their shortest decimal, small integers, nulls; measured on baseline
/// sweeps: 7.7).
const JOURNAL_CELL_BYTES: u64 = 10;

/// Estimated bytes of the journal: once the sweep is complete (it keeps a
/// short line a run; the rows are in the tables), and at most while it
/// runs (every finished run's rows, until the tables are written).
pub fn estimate_journal_bytes(plan: &SweepPlan) -> (u64, u64) {
    use super::columns::stored_columns;
    let runs = plan.n_runs() as u64;
    let mul = |a: u64, b: u64| a.saturating_mul(b);
    let epochs = total_epochs(plan);
    let at_rest = mul(runs, JOURNAL_RUN_BYTES).saturating_add(256);
    let cells = mul(runs, stored_columns(Table::Runs).len() as u64)
        .saturating_add(mul(epochs, stored_columns(Table::Epochs).len() as u64));
    let peak = at_rest.saturating_add(mul(cells, JOURNAL_CELL_BYTES));
    (at_rest, peak)
}

/// `name: 1 scenario × 21 configurations × 20 seeds = 420 runs`.
pub fn header(plan: &SweepPlan) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}: {} × {} × {} = {}",
        plan.spec.name,
        plural(plan.bases.len(), "scenario"),
        plural(plan.configs_per_base(), "configuration"),
        plural(plan.spec.seeds.len(), "seed"),
        plural(plan.n_runs(), "run"),
    )
}

/// A TSV field: tab, newline, carriage return and backslash escaped (as
/// `\t`, `\n`, `\r`, `\\`), so a variant name or string value holding one
/// cannot split a line or a column.
pub fn tsv(field: &str) -> std::borrow::Cow<'_, str> {
    if !field.contains(['\t', '\n', '\r', '\\']) {
        return field.into();
    }
    let mut out = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.into()
}

/// The runs `runs` of the run list, tab-separated with a header line, one
/// run per line (text fields escaped: `tsv`).
pub fn run_list(
    plan: &SweepPlan,
    runs: &RunList,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "run\trun_key\tscenario\tconfig_id\tarm\treplicate\tseed\tconfig_label"
    )?;
    let mut line = String::new();
    for i in runs.iter() {
        let r = plan.run(i);
        let c = &plan.configs[r.config];
        line.clear();
        let _ = write!(
            line,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.index,
            r.run_key,
            tsv(&plan.bases[c.base].scenario_id),
            c.id,
            tsv(&c.arm),
            r.replicate,
            r.seed,
            tsv(&c.label)
        );
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_fields_never_split() {
        assert_eq!(tsv("plain"), "plain");
        assert_eq!(tsv("a\tb\nc\\d\r"), "a\\tb\\nc\\\\d\\r");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 1024 * 100), "3.1 MiB");
    }
}
