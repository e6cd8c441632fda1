//! `swarm-sweep check SPEC --against RESULTS_DIR`: rerun a sweep and
//! compare it, configuration by configuration, with stored results (and,
//! with --criteria, the scenarios' success criteria); pass/fail lines on
//! stdout, JUnit XML for CI, exit 5 on a regression (docs/ci/README.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use anyhow::Context;

use super::exit::{self, CliError};
use super::results::target_error;
use super::spec_args::SpecInputError;
use super::sweep::load_plan;
use crate::analysis::error::AnalysisError;
use crate::analysis::runs::RunsTable;
use crate::check::criteria;
use crate::check::junit::{self, Suite};
use crate::check::{compare, ConfigCheck, ToleranceItem, Tolerances};
use crate::contract::{file, key};
use crate::output::target::{Target, TargetError};
use crate::suggest::did_you_mean;
use crate::sweep::columns::Table;
use crate::sweep::key::sha256_hex;
use crate::sweep::plan::SweepPlan;
use crate::sweep::progress::{Mode, Progress};
use crate::sweep::rows::RunRows;
use crate::sweep::run_list::RunList;
use crate::sweep::runner::{self, ExecOptions, RunRecord, RunSink, SimFn};
use crate::sweep::table::TableSink;

/// `check --help`'s tail: the pass rule, --tolerance, exit codes (from
/// `exit::CODES`) and examples.
pub fn after_help() -> String {
    exit::after_help(
        "\
A configuration passes when, for every metric of the stored runs.parquet,
the mean over its successful runs agrees with the rerun's:
|rerun − stored| ≤ atol + rtol·|stored| (default atol 1e-12, rtol 1e-9;
the engine is deterministic, so a rerun agrees to the last bit), when no
more of its runs fail than before, and (with --criteria) when every run
meets the scenario's success_criteria.

--tolerance takes ABS (sets atol), REL% (sets rtol), or METRIC=ABS /
METRIC=REL% for one metric; repeat it or separate items with commas:
  --tolerance 1e-6 --tolerance toxicity_rate=2%,quality_gap=0.01

Seeds that differ from the stored results' are bad input.",
        &[
            exit::SUCCESS,
            exit::RUNTIME_ERROR,
            exit::BAD_INPUT,
            exit::REGRESSION,
            exit::INTERNAL_ERROR,
        ],
        "\
Examples:
  swarm-sweep check sweeps/circuit_breaker.yaml --against results/circuit_breaker
  swarm-sweep check tests/data/sweeps/notebook_grid.yaml --against baseline/ --criteria --junit check.xml",
    )
}

/// Rerun a sweep and compare it with stored results.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// The sweep spec to rerun.
    pub spec: PathBuf,
    /// Results of an earlier run of the spec (a directory with runs.parquet).
    #[arg(long, value_name = "RESULTS_DIR")]
    pub against: PathBuf,
    /// Also require every run to meet its scenario's success_criteria.
    #[arg(long)]
    pub criteria: bool,
    /// Tolerance: ABS, REL%, METRIC=ABS or METRIC=REL% (repeatable).
    #[arg(long, value_name = "TOL", value_delimiter = ',', value_parser = ToleranceItem::parse)]
    pub tolerance: Vec<ToleranceItem>,
    /// Write JUnit XML here: one test case per configuration (- for
    /// standard output; the report then goes to standard error).
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Worker threads [default: the number of CPUs; at most SWARM_MAX_JOBS].
    #[arg(short, long, value_parser = super::values::jobs)]
    pub jobs: Option<u32>,
    /// Keep the rerun's runs.parquet here [default: a temporary directory].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print only failing configurations and the verdict.
    #[arg(short, long)]
    pub quiet: bool,
    /// Rerun even if a base scenario sets keys the reference reads but this
    /// engine does not model (refused otherwise, exit 2).
    #[arg(long)]
    pub allow_unmodelled: bool,
}

/// Why a check cannot start: bad input (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Spec(#[from] SpecInputError),
    #[error("{} not found: --against must be the output directory of a sweep", .0.display())]
    NoResults(PathBuf),
    #[error(transparent)]
    Results(#[from] AnalysisError),
    #[error("--junit: {0}")]
    Junit(TargetError),
    #[error("--tolerance {metric}=...: {} has no metric '{metric}'{hint}", path.display())]
    UnknownMetric {
        metric: String,
        path: PathBuf,
        hint: String,
    },
    #[error(
        "{} was made with seeds {stored}, the spec has {spec}: configurations would not \
         compare like for like (rerun the sweep to store new results)",
        against.display()
    )]
    OtherSeeds {
        against: PathBuf,
        stored: String,
        spec: String,
    },
    #[error("{}: {why}: not a sweep of this spec (rerun the sweep to store new results)", against.display())]
    NotThisSpec { against: PathBuf, why: String },
    #[error("--out must not be the --against directory")]
    OutIsAgainst,
}

/// Everything checked before the rerun starts.
struct Prepared {
    plan: SweepPlan,
    stored: RunsTable,
    tolerances: Tolerances,
    /// The runs to rerun: all of the plan's, or (adaptive replication)
    /// those the stored sweep made.
    runs: RunList,
}

fn prepare(args: &CheckArgs) -> Result<Prepared, CheckError> {
    let plan = load_plan(&args.spec, args.allow_unmodelled)?;
    let path = args.against.join(file::RUNS);
    if !path.exists() {
        return Err(CheckError::NoResults(path));
    }
    let stored = RunsTable::load(&path)?;
    let tolerances = Tolerances::new(&args.tolerance);
    if let Some(junit) = &args.junit {
        Target::new(junit).check().map_err(CheckError::Junit)?;
    }
    for m in tolerances.metrics() {
        if !stored.metrics.iter().any(|s| s == m) {
            return Err(CheckError::UnknownMetric {
                metric: m.to_string(),
                hint: did_you_mean(m, stored.metrics.iter().map(String::as_str)),
                path,
            });
        }
    }
    let mut stored_seeds: Vec<i64> = (0..stored.frame.rows)
        .filter_map(|r| stored.seed(r))
        .collect();
    stored_seeds.sort_unstable();
    stored_seeds.dedup();
    let mut seeds = plan.spec.seeds.clone();
    seeds.sort_unstable();
    if plan.spec.replication.is_some() {
        // Adaptive replication made some of the seeds the spec allows:
        // those are rerun, each configuration's own.
        if let Some(out) = &args.out {
            if same_dir(out, &args.against) {
                return Err(CheckError::OutIsAgainst);
            }
        }
        let runs = adaptive_runs(&plan, &stored).map_err(|why| CheckError::NotThisSpec {
            against: args.against.clone(),
            why,
        })?;
        return Ok(Prepared {
            plan,
            stored,
            tolerances,
            runs,
        });
    }
    if seeds != stored_seeds {
        return Err(CheckError::OtherSeeds {
            against: args.against.clone(),
            stored: seed_list(&stored_seeds),
            spec: seed_list(&seeds),
        });
    }
    if let Some(out) = &args.out {
        if same_dir(out, &args.against) {
            return Err(CheckError::OutIsAgainst);
        }
    }
    let runs = RunList::All(plan.n_runs());
    Ok(Prepared {
        plan,
        stored,
        tolerances,
        runs,
    })
}

/// The plan's runs that `stored` holds (by configuration id and seed).
fn adaptive_runs(plan: &SweepPlan, stored: &RunsTable) -> Result<RunList, String> {
    let n = plan.spec.seeds.len();
    let mut runs = Vec::new();
    for c in &stored.configs {
        let config = usize::try_from(c.config_id)
            .ok()
            .filter(|&i| i < plan.configs.len())
            .ok_or_else(|| format!("it has configuration {}", c.config_id))?;
        for &r in &c.rows {
            let seed = stored.seed(r).ok_or("a run has no seed")?;
            let replicate = plan
                .spec
                .seeds
                .iter()
                .position(|&s| s == seed)
                .ok_or_else(|| format!("it has seed {seed}"))?;
            runs.push(config * n + replicate);
        }
    }
    runs.sort_unstable();
    runs.dedup();
    Ok(runs.into())
}

fn seed_list(s: &[i64]) -> String {
    let contiguous = s.windows(2).all(|w| w[1] == w[0] + 1);
    match s {
        [] => "none".into(),
        [a, .., b] if contiguous && s.len() > 3 => format!("{a}..={b} ({})", s.len()),
        _ => format!("{s:?}"),
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Warnings about how the stored results were made.
fn provenance(plan: &SweepPlan, stored: &RunsTable, against: &Path) -> Vec<String> {
    let meta = &stored.frame.metadata;
    let mut out = Vec::new();
    let spec_sha = sha256_hex(plan.spec.source.text.as_bytes());
    if meta
        .get(key::sweep::SPEC_SHA256)
        .is_some_and(|s| *s != spec_sha)
    {
        out.push(format!(
            "the spec has changed since {} was written (spec_sha256 differs)",
            against.display()
        ));
    }
    let bases: Vec<String> = plan.bases.iter().map(|b| b.sha256.clone()).collect();
    if let Some(stored_bases) = meta.get(key::sweep::BASE_SHA256) {
        if serde_json::from_str::<Vec<String>>(stored_bases).is_ok_and(|s| s != bases) {
            out.push(format!(
                "a base scenario has changed since {} was written (base_sha256 differs)",
                against.display()
            ));
        }
    }
    out
}

/// Parse arguments (after `swarm-sweep check`), run, return the exit code.
pub fn run(args: &CheckArgs, sim: &SimFn) -> i32 {
    match try_run(args, sim) {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

/// `run` that returns its error rather than printing it (the Python
/// package raises it): the exit code of a check that ran (success or
/// regression), or the error with its code.
pub fn try_run(args: &CheckArgs, sim: &SimFn) -> Result<i32, CliError> {
    let p = prepare(args).map_err(CliError::bad_input)?;
    for w in p
        .plan
        .warnings
        .iter()
        .chain(&provenance(&p.plan, &p.stored, &args.against))
    {
        eprintln!("warning: {w}");
    }
    check(args, &p, sim)
}

fn check(args: &CheckArgs, p: &Prepared, sim: &SimFn) -> Result<i32, CliError> {
    let started = Instant::now();
    let tmp;
    let dir: &Path = match &args.out {
        Some(d) => {
            std::fs::create_dir_all(d)
                .with_context(|| format!("cannot create {}", d.display()))
                .map_err(CliError::runtime)?;
            d
        }
        None => {
            tmp = tempfile::Builder::new()
                .prefix("swarm-sweep-check-")
                .tempdir()
                .context("cannot create a temporary directory")
                .map_err(CliError::runtime)?;
            tmp.path()
        }
    };
    if !args.quiet {
        let size = match p.plan.spec.replication {
            Some(_) => format!(
                "{}, the {} the adaptive sweep made",
                plural(p.plan.configs.len(), "configuration"),
                plural(p.runs.len(), "run")
            ),
            None => format!(
                "{} × {}",
                plural(p.plan.configs.len(), "configuration"),
                plural(p.plan.spec.seeds.len(), "seed")
            ),
        };
        eprintln!(
            "check: rerunning {} ({size}) against {}",
            args.spec.display(),
            args.against.display()
        );
    }
    let opts = ExecOptions {
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j as usize,
        ),
        fail_fast: false,
        deterministic_timing: false,
        run_files: None,
    };
    let progress = Progress::new(p.runs.len(), Mode::detect(args.quiet));
    let todo = p.runs.clone();
    let collected = Collect(Mutex::new(Vec::new()));
    runner::execute(
        &p.plan,
        &todo,
        &opts,
        sim,
        &collected,
        &progress,
        &AtomicBool::new(false),
    )
    .map_err(CliError::runtime)?;
    progress.finish();
    let mut records = collected.0.into_inner().unwrap_or_else(|e| e.into_inner());
    records.sort_by_key(|r| r.run.index);
    let runs_path = dir.join(file::RUNS);
    let mut table =
        TableSink::create(&p.plan, Table::Runs, &runs_path).map_err(CliError::runtime)?;
    for rec in &records {
        table
            .write(&p.plan, &rec.run, &RunRows::from_record(rec))
            .map_err(CliError::runtime)?;
    }
    table.finish().map_err(CliError::runtime)?;
    let rerun = RunsTable::load(&runs_path).map_err(CliError::runtime)?;
    let mut result = compare(&rerun, &p.stored, &p.tolerances);
    if args.criteria {
        let by_config = criteria::by_config(&p.plan, &records);
        for c in result.checks.iter_mut() {
            let runs = usize::try_from(c.config_id)
                .ok()
                .and_then(|i| by_config.get(i));
            criteria::add_to(c, runs.map_or(&[], Vec::as_slice));
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    print_report(args, &result.checks, &result.not_rerun, elapsed).map_err(CliError::runtime)?;
    if let Some(path) = &args.junit {
        let suite = Suite {
            name: &p.plan.spec.name,
            properties: vec![
                ("spec", args.spec.display().to_string()),
                ("against", args.against.display().to_string()),
                ("tolerance", p.tolerances.default_tol().to_string()),
                ("criteria", args.criteria.to_string()),
                ("engine_version", super::VERSION.to_string()),
            ],
            time_s: elapsed,
        };
        Target::new(path)
            .write(junit::render(&suite, &result.checks).as_bytes())
            .map_err(target_error)?;
    }
    Ok(if result.checks.iter().all(ConfigCheck::passed) {
        exit::SUCCESS
    } else {
        exit::REGRESSION
    })
}

fn print_report(
    args: &CheckArgs,
    checks: &[ConfigCheck],
    not_rerun: &[String],
    elapsed: f64,
) -> std::io::Result<()> {
    let pass = Style::new().bold().fg_color(Some(AnsiColor::Green.into()));
    let fail = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    // With `--junit -` the XML has standard output to itself.
    let mut out: Box<dyn Write> = if args.junit.as_deref() == Some(Path::new("-")) {
        Box::new(anstream::stderr().lock())
    } else {
        Box::new(anstream::stdout().lock())
    };
    let failed = checks.iter().filter(|c| !c.passed()).count();
    for c in checks {
        let what = if args.criteria {
            format!(
                "{} metrics, {} criteria × {} runs",
                c.metrics, c.criteria, c.runs
            )
        } else {
            format!("{} metrics, {} runs", c.metrics, c.runs)
        };
        let name = &c.display;
        if c.passed() {
            if !args.quiet {
                writeln!(out, "{pass}PASS{pass:#}  {name}  ({what})")?;
            }
        } else {
            writeln!(out, "{fail}FAIL{fail:#}  {name}  ({what})")?;
            for problem in &c.problems {
                writeln!(out, "      {problem}")?;
            }
        }
    }
    for s in not_rerun {
        writeln!(
            out,
            "note: stored configuration {s} is not in the spec (not checked)"
        )?;
    }
    let verdict = if failed == 0 {
        format!("{pass}check passed{pass:#}")
    } else {
        format!("{fail}check failed{fail:#}")
    };
    writeln!(
        out,
        "{verdict}: {} of {} passed against {} ({:.1} s)",
        checks.len() - failed,
        plural(checks.len(), "configuration"),
        args.against.display(),
        elapsed
    )?;
    out.flush()
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "criterion") => format!("{n} criteria"),
        _ => format!("{n} {word}s"),
    }
}

/// Keeps every finished run in memory (a check reruns a CI-sized sweep).
struct Collect(Mutex<Vec<RunRecord>>);

impl RunSink for Collect {
    fn record(&self, rec: &RunRecord) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rec.clone());
        Ok(())
    }
    fn checkpoint(&self) -> anyhow::Result<()> {
        Ok(())
    }
}
