//! The `swarm-sweep` command: arguments, the order of work (validate
//! everything, then create outputs, then run), messages and exit codes.
//! Exit codes are a published contract (docs/sweep.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use super::plan::{self, SweepPlan};
use super::progress::{Mode, Progress};
use super::run_files;
use super::runner::{self, ExecOptions, RowSink, SimFn, Summary};
use super::spec;
use super::summary;
use super::table::{Table, TableSink};

const EXIT_CODES: &str = "\
Exit codes:
  0  every run succeeded; runs.parquet and epochs.parquet written
  1  an I/O or internal error (e.g. the output directory is not writable)
  2  bad input: usage error, unreadable or invalid spec or base scenario,
     unknown parameter or bad value; nothing was run or written
  3  the sweep completed but some runs failed (status = failed in runs.parquet)
  4  --fail-fast stopped the sweep at a failed run; no tables were written";

/// Run a governance sweep: every configuration × every seed, in parallel,
/// into runs.parquet and epochs.parquet.
#[derive(Debug, Clone, Parser)]
#[command(name = "swarm-sweep", version, after_help = EXIT_CODES)]
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
    /// Write events.jsonl for every run (also `outputs.events_jsonl: true`).
    #[arg(long)]
    pub events: bool,
    /// Do not write the per-run metrics.csv.
    #[arg(long)]
    pub no_metrics_csv: bool,
    /// Record wall_time_s as 0, so reruns are byte-identical (for tests).
    #[arg(long, hide = true)]
    pub deterministic_timing: bool,
}

/// How a sweep ended; `code()` is the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success = 0,
    Error = 1,
    BadInput = 2,
    RunsFailed = 3,
    Stopped = 4,
}

impl Status {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(&cli, &crate::sim::run).code())
}

/// Run the command with `sim` as the simulation; print messages; return the status.
pub fn run(cli: &Cli, sim: &SimFn) -> Status {
    let plan = match load_plan(&cli.spec) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Status::BadInput;
        }
    };
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    match sweep(cli, &plan, sim) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: {e:#}");
            Status::Error
        }
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

fn sweep(cli: &Cli, plan: &SweepPlan, sim: &SimFn) -> anyhow::Result<Status> {
    let outputs = &plan.spec.outputs;
    let metrics_csv = outputs.metrics_csv && !cli.no_metrics_csv;
    let (files, notes) = run_files::writers(metrics_csv, outputs.events_jsonl || cli.events);
    let out_dir = match (&cli.out, &outputs.dir) {
        (Some(d), _) => d.clone(),
        (None, Some(d)) => PathBuf::from(d),
        (None, None) => Path::new("results").join(&plan.spec.name),
    };
    if !cli.quiet {
        let (r, e, c) = summary::estimate_bytes(plan, !files.is_empty());
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
    for n in &notes {
        eprintln!("note: {n}");
    }
    if cli.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        summary::run_list(plan, &mut out)?;
        out.flush()?;
        return Ok(Status::Success);
    }

    std::fs::create_dir_all(&out_dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out_dir.display()))?;
    let sinks: Vec<Box<dyn RowSink>> = vec![
        Box::new(TableSink::create(plan, Table::Runs, &out_dir)?),
        Box::new(TableSink::create(plan, Table::Epochs, &out_dir)?),
    ];
    let jobs = cli.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    );
    let opts = ExecOptions {
        jobs,
        fail_fast: cli.fail_fast,
        deterministic_timing: cli.deterministic_timing,
        run_files_dir: (!files.is_empty()).then(|| out_dir.clone()),
    };
    let progress = Progress::new(plan.n_runs(), Mode::detect(cli.quiet));
    let started = Instant::now();
    let s = runner::execute(plan, &opts, sim, &files, sinks, &progress)?;
    progress.finish();
    Ok(report(cli, plan, &s, &out_dir, started))
}

fn report(cli: &Cli, plan: &SweepPlan, s: &Summary, out_dir: &Path, started: Instant) -> Status {
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
        return Status::Stopped;
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
        Status::RunsFailed
    } else {
        Status::Success
    }
}
