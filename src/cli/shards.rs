//! `swarm-sweep merge RESULTS_DIR` and `swarm-sweep status RESULTS_DIR`:
//! join a sharded sweep's part files into its tables, and report where a
//! sweep stands (docs/scale-out.md). Exit codes as in `exit.rs`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

use super::exit::{self, CliError};
use super::results::{analyze_results, check_notes, jobs_or_cpus, AnalyzeResults};
use crate::sweep::merge::{self, MergeError};
use crate::sweep::status;

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 an output (tables, analysis) could not be written;
2 bad input (no sweep in RESULTS_DIR; for merge: parts missing, of different
sweeps or shardings, or changed since written); 3 merged, but some runs failed.

Examples:
  swarm-sweep status results/circuit_breaker
  swarm-sweep merge results/circuit_breaker
  swarm-sweep merge --wait 86400 /results/circuit_breaker   # a Kubernetes merge Job";

/// How often `merge --wait` looks for the parts.
const POLL: Duration = Duration::from_secs(2);

/// Merge a sharded sweep's parts, or show where a sweep stands.
#[derive(Debug, Parser)]
#[command(name = "swarm-sweep", version, after_help = AFTER_HELP)]
pub struct ShardsCli {
    #[command(subcommand)]
    pub command: ShardsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ShardsCommand {
    /// Check the part files of every shard (one spec hash, no shard missing
    /// or duplicated) and write runs.parquet and epochs.parquet, the same
    /// bytes as a one-process run of the spec; then run the analysis step
    /// (unless --no-analyze).
    Merge {
        /// The sweep's output directory, shared by its shards.
        results_dir: PathBuf,
        /// Wait up to SECONDS for shards that have not finished, checking
        /// every 2 s (for a merge step started beside its shards).
        #[arg(long, value_name = "SECONDS")]
        wait: Option<u64>,
        /// Do not run the analysis step (summary.parquet, comparisons.parquet,
        /// report.md, plots/) after merging; `swarm-sweep analyze DIR` runs it later.
        #[arg(long)]
        no_analyze: bool,
        /// Also write the analysis report here (see `swarm-sweep analyze --help`).
        #[arg(long, conflicts_with = "no_analyze")]
        notes: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// List the runs that are done, failed or missing, shard by shard, and
    /// the shards to resubmit.
    Status {
        /// A sweep's output directory.
        results_dir: PathBuf,
        /// Also list every run (tab-separated: run, run_key, shard, state, error).
        #[arg(long)]
        runs: bool,
    },
}

/// Whether `swarm-sweep`'s first argument names one of these subcommands.
pub fn is_shards_command(first: Option<&std::ffi::OsStr>) -> bool {
    matches!(first.and_then(|a| a.to_str()), Some("merge" | "status"))
}

/// `swarm-sweep merge|status …`; returns the exit code.
pub fn main_from<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> i32 {
    let cli = match exit::parse_or_exit::<ShardsCli, _>(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = match cli.command {
        ShardsCommand::Merge {
            results_dir,
            wait,
            no_analyze,
            notes,
            quiet,
        } => {
            let analysis = (!no_analyze).then(|| AnalyzeResults {
                notes,
                ..AnalyzeResults::new(results_dir.clone(), jobs_or_cpus(None), quiet)
            });
            merge_cmd(&results_dir, wait.map(Duration::from_secs), quiet, analysis)
        }
        ShardsCommand::Status { results_dir, runs } => status_cmd(&results_dir, runs),
    };
    match result {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

fn merge_error(e: MergeError) -> CliError {
    match e {
        MergeError::Incomplete(_) | MergeError::Inconsistent(_) => CliError::bad_input(e),
        MergeError::Io(e) => CliError::runtime(e),
    }
}

fn merge_cmd(
    dir: &Path,
    wait: Option<Duration>,
    quiet: bool,
    analysis: Option<AnalyzeResults>,
) -> Result<i32, CliError> {
    check_notes(analysis.as_ref().and_then(|a| a.notes.as_deref()))?;
    if let Some(limit) = wait {
        // A wait past what the clock can hold has no deadline.
        let deadline = Instant::now().checked_add(limit);
        let mut told = false;
        loop {
            match merge::check_parts(dir) {
                Err(MergeError::Incomplete(msg)) if deadline.is_none_or(|d| Instant::now() < d) => {
                    if !quiet && !told {
                        eprintln!("waiting for the shards: {msg}");
                        told = true;
                    }
                    let left =
                        deadline.map_or(POLL, |d| d.saturating_duration_since(Instant::now()));
                    std::thread::sleep(left.min(POLL));
                }
                Err(e) => return Err(merge_error(e)),
                Ok(_) => break,
            }
        }
    }
    let started = Instant::now();
    let report = merge::merge(dir).map_err(merge_error)?;
    if let Some(f) = report.failed.first() {
        eprintln!(
            "run {} failed (run_key {}): {}",
            f.index, f.run_key, f.error
        );
    }
    if !quiet {
        eprintln!(
            "{}: merged {} parts, {} runs ({} failed) in {:.1} s → {}",
            report.name,
            report.n_parts,
            report.n_runs,
            report.failed.len(),
            started.elapsed().as_secs_f64(),
            report
                .written
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(a) = analysis {
        run_analysis_after_merge(&a)?;
    }
    Ok(if report.failed.is_empty() {
        exit::SUCCESS
    } else {
        exit::RUNS_FAILED
    })
}

/// The analysis step that follows a merge, as it follows a one-process
/// sweep (`swarm-sweep analyze`, `cli::results`): the hook where merge hands
/// the joined tables on.
pub fn run_analysis_after_merge(analysis: &AnalyzeResults) -> Result<(), CliError> {
    analyze_results(analysis).map(|_| ())
}

fn status_cmd(dir: &Path, runs: bool) -> Result<i32, CliError> {
    let s = status::status(dir).map_err(CliError::bad_input)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = std::io::Write::write_all(&mut out, status::render(&s).as_bytes())
        .and_then(|()| match runs {
            true => status::render_runs(&s, &mut out),
            false => Ok(()),
        })
        .and_then(|()| std::io::Write::flush(&mut out));
    match written {
        // `swarm-sweep status DIR | head` is fine.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.map_err(CliError::runtime)?,
    }
    Ok(exit::SUCCESS)
}
