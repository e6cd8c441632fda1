//! `swarm-sweep`: arguments, the order of work (validate everything, then
//! create outputs, then run), messages and exit codes (`exit.rs`, docs/sweep.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;

use super::exit::{self, CliError};
use super::results::{analyze_results, AnalyzeResults};
use crate::analysis::compare::BootstrapOptions;
use crate::sweep::plan::{self, SweepPlan};
use crate::sweep::progress::{Mode, Progress};
use crate::sweep::run_files::{self, RunFiles};
use crate::sweep::runner::{self, ExecOptions, RowSink, SimFn, Summary};
use crate::sweep::spec;
use crate::sweep::summary;
use crate::sweep::table::{Table, TableSink};

const EXIT_CODES: &str = "\
Other commands (each has --help):
  swarm-sweep analyze RESULTS_DIR      summary, comparisons, report, plots
  swarm-sweep plot RESULTS_DIR         the plots only
  swarm-sweep check SPEC --against DIR rerun and compare with stored results (CI)
  swarm-sweep completions SHELL        shell completions; `swarm-sweep man`: man page

Exit codes:
  0  every run succeeded; runs.parquet and epochs.parquet written
  1  runtime error: an output could not be written (I/O)
  2  bad input: usage error, unreadable or invalid spec or base scenario,
     unknown parameter or bad value; nothing was run or written
  3  the sweep completed but some runs failed (status = failed in runs.parquet)
  4  --fail-fast stopped the sweep at a failed run; no tables were written
Unless --no-analyze, the analysis step (summary.parquet, comparisons.parquet,
report.md, plots/; see `swarm-sweep analyze --help`) follows the sweep; if
it cannot write its outputs the exit code is 1.";

/// Run a governance sweep: every configuration × every seed, in parallel,
/// into runs.parquet and epochs.parquet.
#[derive(Debug, Clone, Parser)]
#[command(name = "swarm-sweep", version = super::VERSION, after_help = EXIT_CODES)]
pub struct Cli {
    /// The sweep spec (YAML); see docs/sweep.md.
    pub spec: PathBuf,
    /// Worker threads [default: the number of CPUs].
    #[arg(short, long, value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Output directory [default: outputs.dir of the spec, else results/<name>].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Validate the spec and list the runs without running them.
    #[arg(long)]
    pub dry_run: bool,
    /// Stop at the first failed run (exit 4, no tables written).
    #[arg(long)]
    pub fail_fast: bool,
    /// No progress or summary output (errors and warnings still print).
    #[arg(short, long)]
    pub quiet: bool,
    /// Write runs/<run_key>/events.jsonl for every run (also `outputs.events_jsonl: true`).
    #[arg(long)]
    pub events: bool,
    /// Do not write runs/<run_key>/metrics.csv.
    #[arg(long)]
    pub no_metrics_csv: bool,
    /// Do not run the analysis step (summary.parquet, comparisons.parquet,
    /// report.md, plots/) after the sweep; `swarm-sweep analyze DIR` runs it later.
    #[arg(long)]
    pub no_analyze: bool,
    /// Also write the analysis report here (see `swarm-sweep analyze --help`).
    #[arg(long, conflicts_with = "no_analyze")]
    pub notes: Option<PathBuf>,
    /// Record wall_time_s as 0, so reruns are byte-identical (for tests).
    #[arg(long, hide = true)]
    pub deterministic_timing: bool,
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    run(&cli, &run_files::simulate)
}

/// Run the command with `sim` as the simulation; print messages; return the exit code.
pub fn run(cli: &Cli, sim: &SimFn) -> i32 {
    let plan = match load_plan(&cli.spec) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("Error: {msg}");
            return exit::BAD_INPUT;
        }
    };
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    match sweep(cli, &plan, sim) {
        Ok(code) => code,
        Err(e) => exit::report(&CliError::runtime(e)),
    }
}

/// Read, parse and resolve the spec: every check that needs no output.
pub fn load_plan(path: &Path) -> Result<SweepPlan, String> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read sweep spec {origin}: {e}"))?;
    let spec = spec::parse(&text, &origin).map_err(|e| e.to_string())?;
    let dir = path.parent().unwrap_or(Path::new("."));
    plan::resolve(spec, dir).map_err(|e| e.to_string())
}

fn sweep(cli: &Cli, plan: &SweepPlan, sim: &SimFn) -> anyhow::Result<i32> {
    let outputs = &plan.spec.outputs;
    let out_dir = match (&cli.out, &outputs.dir) {
        (Some(d), _) => d.clone(),
        (None, Some(d)) => PathBuf::from(d),
        (None, None) => Path::new("results").join(&plan.spec.name),
    };
    let files = RunFiles {
        dir: out_dir.clone(),
        metrics_csv: outputs.metrics_csv && !cli.no_metrics_csv,
        events_jsonl: outputs.events_jsonl || cli.events,
    };
    if !cli.quiet {
        let (r, e, c) = summary::estimate_bytes(plan, &files);
        eprintln!("{}", summary::header(plan));
        eprintln!(
            "outputs: {}/ ≈ {} (runs.parquet {}, epochs.parquet {}, per-run files {})",
            out_dir.display(),
            summary::human_bytes(r + e + c),
            summary::human_bytes(r),
            summary::human_bytes(e),
            summary::human_bytes(c)
        );
    }
    if cli.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        match summary::run_list(plan, &mut out).and_then(|()| out.flush()) {
            // `swarm-sweep spec --dry-run | head` is fine.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        }
        return Ok(exit::SUCCESS);
    }

    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create output directory {}", out_dir.display()))?;
    let sinks: Vec<Box<dyn RowSink>> = vec![
        Box::new(TableSink::create(plan, Table::Runs, &out_dir)?),
        Box::new(TableSink::create(plan, Table::Epochs, &out_dir)?),
    ];
    let jobs = match cli.jobs {
        Some(j) => j as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let opts = ExecOptions {
        jobs,
        fail_fast: cli.fail_fast,
        deterministic_timing: cli.deterministic_timing,
        run_files: files.any().then_some(files),
    };
    let progress = Progress::new(plan.n_runs(), Mode::detect(cli.quiet));
    let started = Instant::now();
    let s = runner::execute(plan, &opts, sim, sinks, &progress)?;
    progress.finish();
    let code = report(cli, plan, &s, &out_dir, started);
    if code == exit::SWEEP_STOPPED || cli.no_analyze {
        return Ok(code);
    }
    let analysis = AnalyzeResults {
        dir: out_dir,
        notes: cli.notes.clone(),
        plots: true,
        bootstrap: BootstrapOptions::default(),
        quiet: cli.quiet,
    };
    Ok(match analyze_results(&analysis) {
        Ok(_) => code,
        Err(e) => exit::report(&e),
    })
}

fn report(cli: &Cli, plan: &SweepPlan, s: &Summary, out_dir: &Path, started: Instant) -> i32 {
    if let Some((run, msg)) = &s.first_failure {
        let c = &plan.configs[run.config];
        eprintln!(
            "run {} failed (run_key {}, {} / {}, seed {}): {msg}",
            run.index, run.run_key, plan.bases[c.base].scenario_id, c.label, run.seed
        );
    }
    if s.stopped {
        eprintln!(
            "stopped by --fail-fast after {} of {} runs; no tables written",
            s.runs,
            plan.n_runs()
        );
        return exit::SWEEP_STOPPED;
    }
    if !cli.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "{} runs ({} failed) in {secs:.1} s ({:.1} runs/s) → {}",
            s.runs,
            s.failed,
            s.runs as f64 / secs.max(1e-9),
            out_dir.display()
        );
    }
    if s.failed > 0 {
        exit::RUNS_FAILED
    } else {
        exit::SUCCESS
    }
}
