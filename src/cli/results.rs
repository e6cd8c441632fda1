//! `swarm-sweep analyze RESULTS_DIR` and `swarm-sweep plot RESULTS_DIR`:
//! from runs.parquet (and epochs.parquet) to summary.parquet,
//! comparisons.parquet (and .csv), report.md and plots/; and `swarm-sweep
//! show` (show.rs). The sweep command runs the same `analyze_results` when
//! it finishes, unless `--no-analyze`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use super::exit::{self, CliError};
use super::step_progress::StepProgress;
use super::values;
use crate::analysis::compare::{compare_with_progress, BootstrapOptions, ComparisonRow};
use crate::analysis::error::unknown_metric;
use crate::analysis::findings::Findings;
use crate::analysis::plot::{plot_all, plot_files, plot_links, PlotFormat};
use crate::analysis::replication;
use crate::analysis::report::{self, ReportInput};
use crate::analysis::runs::RunsTable;
use crate::analysis::summary::{summarize, SummaryRow};
use crate::analysis::tables;
use crate::analysis::verdict::{self, Rule};
use crate::contract::file;
use crate::output::atomic::write_file;
use crate::output::target::{Target, TargetError};
use crate::sweep::progress::Mode;

fn after_help() -> String {
    use super::exit::{BAD_INPUT, INTERNAL_ERROR, RUNTIME_ERROR, SUCCESS};
    super::exit::after_help(
        "",
        &[SUCCESS, RUNTIME_ERROR, BAD_INPUT, INTERNAL_ERROR],
        "\
Examples:
  swarm-sweep analyze results/circuit_breaker
  swarm-sweep analyze results/circuit_breaker --metrics toxicity_rate,quality_gap --min-effect 0.05
  swarm-sweep analyze results/alignment_waltz_vs_macpo --notes notes/alignment_waltz_vs_macpo_results.md
  swarm-sweep plot results/circuit_breaker --plots png
  swarm-sweep show results/circuit_breaker --metric toxicity_rate --top 5",
    )
}

/// Analyse or plot the results of a sweep.
#[derive(Debug, Parser)]
#[command(name = "swarm-sweep", version = super::VERSION, after_help = after_help())]
pub struct ResultsCli {
    #[command(subcommand)]
    pub command: ResultsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ResultsCommand {
    /// Write summary.parquet, comparisons.parquet, comparisons.csv,
    /// report.md and plots/ into RESULTS_DIR (which holds runs.parquet and
    /// epochs.parquet).
    Analyze(AnalyzeArgs),
    /// Write the plots (SVG and PNG) into RESULTS_DIR/plots/.
    Plot {
        /// A sweep's output directory.
        results_dir: PathBuf,
        /// Which files to write.
        #[arg(long, value_enum, default_value_t = PlotFormat::Both)]
        plots: PlotFormat,
        /// Worker threads [default: the number of CPUs].
        #[arg(short, long, value_parser = values::jobs)]
        jobs: Option<u32>,
        /// Print nothing but errors and warnings.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Print the comparisons of an analysed sweep (verdict, difference with
    /// its interval, p_holm), sorted by effect.
    #[command(after_help = super::show::AFTER_HELP)]
    Show(super::show::ShowArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct AnalyzeArgs {
    /// A sweep's output directory.
    pub results_dir: PathBuf,
    /// Also write the report here (e.g. notes/<name>_results.md;
    /// - for standard output).
    #[arg(long)]
    pub notes: Option<PathBuf>,
    /// Analyse only these metrics (comma-separated) [default: every metric
    /// of runs.parquet].
    #[arg(long, value_delimiter = ',', value_name = "M1,M2,...")]
    pub metrics: Vec<String>,
    /// Significance level of the verdicts (Holm-adjusted paired t-test).
    #[arg(long, default_value_t = verdict::DEFAULT_ALPHA, value_parser = values::alpha)]
    pub alpha: f64,
    /// Smallest change a verdict calls better or worse, as a share of the
    /// baseline mean (0.01 = 1%).
    #[arg(long, default_value_t = verdict::DEFAULT_MIN_EFFECT, value_parser = values::min_effect)]
    pub min_effect: f64,
    /// Bootstrap resamples per interval, at most (fewer once the interval
    /// is settled; 0: no bootstrap intervals).
    #[arg(long = "bootstrap", visible_alias = "bootstrap-resamples", value_name = "N",
          default_value_t = crate::analysis::stats::bootstrap::DEFAULT_RESAMPLES)]
    pub bootstrap_resamples: usize,
    /// Seed of the bootstrap's streams.
    #[arg(long, default_value_t = crate::analysis::stats::bootstrap::DEFAULT_SEED)]
    pub bootstrap_seed: u64,
    /// Which plot files to write.
    #[arg(long, value_enum, default_value_t = PlotFormat::Both)]
    pub plots: PlotFormat,
    /// Skip the plots (the same as --plots none).
    #[arg(long, conflicts_with = "plots")]
    pub no_plots: bool,
    /// Worker threads [default: the number of CPUs]; the results do not
    /// depend on it.
    #[arg(short, long, value_parser = values::jobs)]
    pub jobs: Option<u32>,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Threads for `--jobs` (default: the CPUs).
pub fn jobs_or_cpus(jobs: Option<u32>) -> usize {
    jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    )
}

/// Options of the analysis step (also run at the end of a sweep).
#[derive(Debug, Clone)]
pub struct AnalyzeResults {
    pub dir: PathBuf,
    pub notes: Option<PathBuf>,
    pub plots: PlotFormat,
    pub bootstrap: BootstrapOptions,
    pub rule: Rule,
    /// Empty: every metric of runs.parquet.
    pub metrics: Vec<String>,
    pub jobs: usize,
    pub quiet: bool,
}

impl AnalyzeResults {
    /// The defaults, for `dir` (what a sweep runs when it ends).
    pub fn new(dir: PathBuf, jobs: usize, quiet: bool) -> AnalyzeResults {
        AnalyzeResults {
            dir,
            notes: None,
            plots: PlotFormat::Both,
            bootstrap: BootstrapOptions::default(),
            rule: Rule::default(),
            metrics: Vec::new(),
            jobs,
            quiet,
        }
    }
}

impl From<&AnalyzeArgs> for AnalyzeResults {
    fn from(a: &AnalyzeArgs) -> AnalyzeResults {
        AnalyzeResults {
            dir: a.results_dir.clone(),
            notes: a.notes.clone(),
            plots: if a.no_plots {
                PlotFormat::None
            } else {
                a.plots
            },
            bootstrap: BootstrapOptions {
                resamples: a.bootstrap_resamples,
                seed: a.bootstrap_seed,
            },
            rule: Rule {
                alpha: a.alpha,
                min_effect: a.min_effect,
            },
            metrics: a.metrics.clone(),
            jobs: jobs_or_cpus(a.jobs),
            quiet: a.quiet,
        }
    }
}

/// A results folder that is not one (bad input, exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("{} not found: RESULTS_DIR must be the output directory of a sweep", .0.display())]
    NoRuns(PathBuf),
    #[error("{} not found: run `swarm-sweep analyze {}` first", path.display(), dir.display())]
    NotAnalysed { path: PathBuf, dir: PathBuf },
    /// A file of the folder that is not what its name says.
    #[error("{}: {why}", path.display())]
    Malformed { path: PathBuf, why: String },
}

pub(crate) fn load(dir: &Path) -> Result<RunsTable, CliError> {
    let path = dir.join(file::RUNS);
    if !path.exists() {
        return Err(CliError::bad_input(ResultsError::NoRuns(path)));
    }
    RunsTable::load_for_analysis(&path).map_err(CliError::bad_input)
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

/// The metrics to analyse: `wanted` (checked against runs.parquet, with a
/// suggestion for a typo), or all of them.
fn pick_metrics(runs: &RunsTable, wanted: &[String]) -> Result<Vec<String>, CliError> {
    let wanted: Vec<&str> = wanted
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(runs.metrics.clone());
    }
    let mut out: Vec<String> = Vec::new();
    for m in wanted {
        if !runs.metrics.iter().any(|x| x == m) {
            return Err(CliError::bad_input(unknown_metric(m, &runs.metrics)));
        }
        if !out.iter().any(|x| x == m) {
            out.push(m.to_string());
        }
    }
    Ok(out)
}

/// The whole analysis of one results directory; returns the files written.
/// Runs on a pool of `opts.jobs` threads; the outputs do not depend on it.
pub fn analyze_results(opts: &AnalyzeResults) -> Result<Vec<PathBuf>, CliError> {
    check_notes(opts.notes.as_deref())?;
    let progress = StepProgress::new("analysis", Mode::detect(opts.quiet));
    let pool = crate::sweep::workers::pool(opts.jobs).map_err(CliError::runtime)?;
    let written = progress.run(|| pool.install(|| analyze_in_pool(opts, &progress)))?;
    if !opts.quiet {
        for w in &written {
            eprintln!("Wrote {}", w.display());
        }
    }
    Ok(written)
}

fn analyze_in_pool(
    opts: &AnalyzeResults,
    progress: &StepProgress,
) -> Result<Vec<PathBuf>, CliError> {
    progress.stage("reading runs.parquet", 0);
    let runs = load(&opts.dir)?;
    let metrics = pick_metrics(&runs, &opts.metrics)?;
    progress.stage("summarising configurations", 0);
    let summary = summarize(&runs, &metrics);
    let n_variants = runs.configs.iter().filter(|c| !c.is_baseline()).count();
    progress.stage("comparing configurations with their baseline", n_variants);
    let rt = CliError::runtime;
    // The plots and summary.parquet need only the summary: they are drawn
    // and written while the comparisons run, so neither waits on the other
    // and both threads stay busy to the end.
    let (comparisons, (summary_file, plots)) = rayon::join(
        || {
            compare_with_progress(&runs, &metrics, opts.bootstrap, opts.rule, &|k| {
                progress.set(k)
            })
        },
        || {
            rayon::join(
                || tables::write_summary(&opts.dir, &runs, &metrics, &summary),
                || plot_all(&opts.dir, &runs, &summary, opts.plots),
            )
        },
    );
    summary_file.map_err(rt)?;
    let plots = plots.map_err(rt)?;
    // comparisons.parquet, comparisons.csv and the report need only the
    // comparisons (and the plots' names): all three are written at once.
    progress.stage("writing comparisons.parquet, .csv and the report", 0);
    let (comparisons_file, report) = rayon::join(
        || {
            tables::write_comparisons(
                &opts.dir,
                &runs,
                &metrics,
                &comparisons,
                opts.bootstrap,
                opts.rule,
            )
        },
        || write_report(opts, &runs, &summary, &comparisons, &plots),
    );
    comparisons_file.map_err(rt)?;
    let mut written = vec![
        opts.dir.join(file::SUMMARY),
        opts.dir.join(file::COMPARISONS),
        opts.dir.join(file::COMPARISONS_CSV),
    ];
    written.extend(plot_files(&plots, opts.plots).map(|p| opts.dir.join(p)));
    written.extend(report?);
    Ok(written)
}

/// report.md (and the `--notes` copy, and a sensitivity design's files);
/// returns the files written besides the plots and tables.
fn write_report(
    opts: &AnalyzeResults,
    runs: &RunsTable,
    summary: &[SummaryRow],
    comparisons: &[ComparisonRow],
    plots: &[String],
) -> Result<Vec<PathBuf>, CliError> {
    let rt = CliError::runtime;
    let mut written = Vec::new();
    let title = runs.name().map(str::to_string).unwrap_or_else(|| {
        opts.dir
            .file_name()
            .map_or_else(|| "sweep".into(), |n| n.to_string_lossy().into_owned())
    });
    let findings = Findings::new(runs, summary, comparisons, opts.rule);
    let links = plot_links(plots, opts.plots);
    let input = ReportInput {
        title: &title,
        findings: &findings,
        plots: &links,
    };
    let mut text = report::render(&input);
    // A random, lhs or sobol design: its levers ranked.
    if let Some(section) = crate::analysis::levers::section(runs) {
        text.push_str(&section);
    }
    // An adaptive sweep: the seeds each configuration needed.
    if let Some(rule) = replication::rule_of(runs) {
        let rows = replication::replicated(runs, &rule);
        text.push_str(&replication::section(runs, &rule, &rows));
    }
    // A saltelli or morris design: its indices too, here and in sensitivity.md.
    if let Some(s) = crate::analysis::sensitivity::after_analysis(&opts.dir, runs, opts.plots) {
        text.push_str(&s.section);
        written.extend(s.files.iter().map(|f| opts.dir.join(f)));
    }
    let report_path = opts.dir.join(file::REPORT);
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

pub fn plot_results(
    dir: &Path,
    formats: PlotFormat,
    jobs: usize,
    quiet: bool,
) -> Result<(), CliError> {
    let runs = load(dir)?;
    let pool = crate::sweep::workers::pool(jobs).map_err(CliError::runtime)?;
    let plots = pool
        .install(|| {
            let summary = summarize(&runs, &runs.metrics);
            plot_all(dir, &runs, &summary, formats)
        })
        .map_err(CliError::runtime)?;
    if !quiet {
        for p in plot_files(&plots, formats) {
            eprintln!("Wrote {}", dir.join(p).display());
        }
    }
    Ok(())
}

/// `swarm-sweep analyze|plot|show …`; returns the exit code.
pub fn main_from<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> i32 {
    let cli = match exit::parse_or_exit::<ResultsCli, _>(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = match cli.command {
        ResultsCommand::Analyze(a) => analyze_results(&AnalyzeResults::from(&a)).map(|_| ()),
        ResultsCommand::Plot {
            results_dir,
            plots,
            jobs,
            quiet,
        } => plot_results(&results_dir, plots, jobs_or_cpus(jobs), quiet),
        ResultsCommand::Show(args) => super::show::show(&args),
    };
    match result {
        Ok(()) => exit::SUCCESS,
        Err(e) => exit::report(&e),
    }
}

/// Whether `swarm-sweep`'s first argument names one of these subcommands.
pub fn is_results_command(first: Option<&std::ffi::OsStr>) -> bool {
    matches!(
        first.and_then(|a| a.to_str()),
        Some("analyze" | "plot" | "show")
    )
}
