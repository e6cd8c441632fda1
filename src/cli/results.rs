//! `swarm-sweep analyze RESULTS_DIR` and `swarm-sweep plot RESULTS_DIR`:
//! from runs.parquet (and epochs.parquet) to summary.parquet,
//! comparisons.parquet, report.md and plots/. The sweep command runs the
//! same `analyze_results` when it finishes, unless `--no-analyze`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use super::exit::{self, CliError};
use crate::analysis::compare::{compare, BootstrapOptions};
use crate::analysis::plot::plot_all;
use crate::analysis::report::{self, ReportInput};
use crate::analysis::runs::RunsTable;
use crate::analysis::summary::summarize;
use crate::analysis::tables;
use crate::output::atomic::write_file;
use crate::output::target::{Target, TargetError};

const AFTER_HELP: &str = "\
Exit codes: 0 success, 1 an output could not be written, 2 bad input
(no or unreadable runs.parquet, bad arguments).

Examples:
  swarm-sweep analyze results/circuit_breaker
  swarm-sweep analyze results/alignment_waltz_vs_macpo --notes research/notes/alignment_waltz_vs_macpo_results.md
  swarm-sweep plot results/circuit_breaker";

/// Analyse or plot the results of a sweep.
#[derive(Debug, Parser)]
#[command(name = "swarm-sweep", version = super::VERSION, after_help = AFTER_HELP)]
pub struct ResultsCli {
    #[command(subcommand)]
    pub command: ResultsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ResultsCommand {
    /// Write summary.parquet, comparisons.parquet, report.md and plots/
    /// into RESULTS_DIR (which holds runs.parquet and epochs.parquet).
    Analyze {
        /// A sweep's output directory.
        results_dir: PathBuf,
        /// Also write the report here (e.g. research/notes/<name>_results.md;
        /// - for standard output).
        #[arg(long)]
        notes: Option<PathBuf>,
        /// Skip the plots.
        #[arg(long)]
        no_plots: bool,
        /// Bootstrap resamples per comparison.
        #[arg(long, default_value_t = crate::analysis::stats::bootstrap::DEFAULT_RESAMPLES)]
        bootstrap_resamples: usize,
        /// Seed of the bootstrap's ChaCha8 streams.
        #[arg(long, default_value_t = crate::analysis::stats::bootstrap::DEFAULT_SEED)]
        bootstrap_seed: u64,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Write the plots (SVG and PNG) into RESULTS_DIR/plots/.
    Plot {
        /// A sweep's output directory.
        results_dir: PathBuf,
        #[arg(short, long)]
        quiet: bool,
    },
}

/// Options of the analysis step (also run at the end of a sweep).
#[derive(Debug, Clone)]
pub struct AnalyzeResults {
    pub dir: PathBuf,
    pub notes: Option<PathBuf>,
    pub plots: bool,
    pub bootstrap: BootstrapOptions,
    pub quiet: bool,
}

fn load(dir: &Path) -> Result<RunsTable, CliError> {
    let path = dir.join("runs.parquet");
    if !path.exists() {
        return Err(CliError::bad_input(anyhow::anyhow!(
            "{} not found: RESULTS_DIR must be the output directory of a sweep",
            path.display()
        )));
    }
    RunsTable::load(&path).map_err(CliError::bad_input)
}

/// A user-named output (`--notes`, `--junit`) that cannot be written: a
/// special file is bad input, a failed write a runtime error.
pub fn target_error(e: TargetError) -> CliError {
    match e {
        TargetError::Special { .. } => CliError::bad_input(e),
        TargetError::Io { .. } => CliError::runtime(e),
    }
}

/// Refuse a `--notes` target that is a FIFO, device, directory or link,
/// before any work (`-` is standard output).
pub fn check_notes(notes: Option<&Path>) -> Result<(), CliError> {
    notes.map_or(Ok(()), |n| Target::new(n).check().map_err(target_error))
}

/// The whole analysis of one results directory; returns the files written.
pub fn analyze_results(opts: &AnalyzeResults) -> Result<Vec<PathBuf>, CliError> {
    check_notes(opts.notes.as_deref())?;
    let runs = load(&opts.dir)?;
    let metrics = runs.metrics.clone();
    let summary = summarize(&runs, &metrics);
    let comparisons = compare(&runs, &metrics, opts.bootstrap);
    let rt = CliError::runtime;
    tables::write_summary(&opts.dir, &runs, &metrics, &summary).map_err(rt)?;
    tables::write_comparisons(&opts.dir, &runs, &metrics, &comparisons, opts.bootstrap)
        .map_err(rt)?;
    let mut written = vec![
        opts.dir.join(tables::SUMMARY_FILE),
        opts.dir.join(tables::COMPARISONS_FILE),
    ];
    let plots = if opts.plots {
        plot_all(&opts.dir, &runs, &summary).map_err(rt)?
    } else {
        vec![]
    };
    written.extend(plots.iter().map(|p| opts.dir.join(p)));
    let title = runs.name().map(str::to_string).unwrap_or_else(|| {
        opts.dir
            .file_name()
            .map_or_else(|| "sweep".into(), |n| n.to_string_lossy().into_owned())
    });
    let input = ReportInput {
        title: &title,
        runs: &runs,
        summary: &summary,
        comparisons: &comparisons,
        plots: &plots,
    };
    let mut text = report::render(&input);
    // A saltelli or morris design: its indices too, here and in sensitivity.md.
    if let Some(s) = crate::analysis::sensitivity::after_analysis(&opts.dir, &runs, opts.plots) {
        text.push_str(&s.section);
        written.extend(s.files.iter().map(|f| opts.dir.join(f)));
    }
    let report_path = opts.dir.join("report.md");
    write_file(&report_path, text.as_bytes())
        .with_context(|| format!("cannot write {}", report_path.display()))
        .map_err(rt)?;
    written.push(report_path);
    if let Some(notes) = &opts.notes {
        let text = notes_text(&input, &opts.dir, notes);
        let target = Target::new(notes);
        target.write(text.as_bytes()).map_err(target_error)?;
        if !target.is_stdout() {
            written.push(notes.clone());
        }
    }
    if !opts.quiet {
        for w in &written {
            eprintln!("Wrote {}", w.display());
        }
    }
    Ok(written)
}

/// The report as a note elsewhere: plot links rewritten relative to the note.
fn notes_text(input: &ReportInput, dir: &Path, notes: &Path) -> String {
    let from = notes.parent().unwrap_or(Path::new(""));
    let rel: Vec<String> = input
        .plots
        .iter()
        .map(|p| relative(&dir.join(p), from))
        .collect();
    let moved = ReportInput {
        plots: &rel,
        ..*input
    };
    report::render(&moved)
}

/// `to` relative to directory `from` (both relative to the working directory).
fn relative(to: &Path, from: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (to, from) = (abs(to), abs(from));
    let t: Vec<_> = to.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out.to_string_lossy().replace('\\', "/")
}

pub fn plot_results(dir: &Path, quiet: bool) -> Result<(), CliError> {
    let runs = load(dir)?;
    let summary = summarize(&runs, &runs.metrics);
    let plots = plot_all(dir, &runs, &summary).map_err(CliError::runtime)?;
    if !quiet {
        for p in plots {
            eprintln!("Wrote {}", dir.join(p).display());
        }
    }
    Ok(())
}

/// `swarm-sweep analyze|plot …`; returns the exit code.
pub fn main_from<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> i32 {
    let cli = match exit::parse_or_exit::<ResultsCli, _>(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = match cli.command {
        ResultsCommand::Analyze {
            results_dir,
            notes,
            no_plots,
            bootstrap_resamples,
            bootstrap_seed,
            quiet,
        } => analyze_results(&AnalyzeResults {
            dir: results_dir,
            notes,
            plots: !no_plots,
            bootstrap: BootstrapOptions {
                resamples: bootstrap_resamples,
                seed: bootstrap_seed,
            },
            quiet,
        })
        .map(|_| ()),
        ResultsCommand::Plot { results_dir, quiet } => plot_results(&results_dir, quiet),
    };
    match result {
        Ok(()) => exit::SUCCESS,
        Err(e) => exit::report(&e),
    }
}

/// Whether `swarm-sweep`'s first argument names one of these subcommands.
pub fn is_results_command(first: Option<&std::ffi::OsStr>) -> bool {
    matches!(first.and_then(|a| a.to_str()), Some("analyze" | "plot"))
}
