//! `swarm-sweep`: arguments, the order of work (validate everything, then
//! open the journal, then run, then write the tables), messages and exit
//! codes (`exit.rs`, docs/sweep.md, docs/scale-out.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;

use super::exit::{self, CliError};
use super::results::{analyze_results, check_notes, AnalyzeResults};
use super::spec_args::{self, SpecFlags, SpecInputError};
use super::values;
use crate::sweep::adaptive;
use crate::sweep::interrupt;
use crate::sweep::journal::JournalError;
use crate::sweep::plan::SweepPlan;
use crate::sweep::progress::{Mode, Progress};
use crate::sweep::run_files::{self, RunFiles};
use crate::sweep::runner::{ExecOptions, SimFn, Summary};
use crate::sweep::session::{self, End, Prepared, SweepOptions, SweepReport};
use crate::sweep::shard::{self, Shard, ShardError, Strategy};
use crate::sweep::spec_yaml;
use crate::sweep::summary;

/// `swarm-sweep --help`'s tail: the other commands, the exit codes (from
/// `exit::CODES`) and what follows a sweep.
fn after_help() -> String {
    exit::after_help(
        "\
Other commands (each has --help):
  swarm-sweep analyze RESULTS_DIR      summary, comparisons, report, plots
  swarm-sweep plot RESULTS_DIR         the plots only
  swarm-sweep show RESULTS_DIR         the comparisons on the terminal
  swarm-sweep merge RESULTS_DIR        join a sharded sweep's parts (docs/scale-out.md)
  swarm-sweep status RESULTS_DIR       runs done, missing, failed; shards to resubmit
  swarm-sweep check SPEC --against DIR rerun and compare with stored results (CI)
  swarm-sweep completions SHELL        shell completions; `swarm-sweep man`: man page",
        &[
            exit::SUCCESS,
            exit::RUNTIME_ERROR,
            exit::BAD_INPUT,
            exit::RUNS_FAILED,
            exit::SWEEP_STOPPED,
            exit::INTERNAL_ERROR,
            exit::INTERRUPTED,
        ],
        "\
Finished runs stay in the journal whatever the exit: rerun the same command
to resume. With --shard, success means this shard's part files are written.
Unless --no-analyze, the analysis step (summary.parquet, comparisons.parquet,
report.md, plots/; see `swarm-sweep analyze --help`) follows the sweep (for a
shard: follows `swarm-sweep merge`); if it cannot write its outputs the exit
code is 1.",
    )
}

/// Run a governance sweep: every configuration × every seed, in parallel,
/// into runs.parquet and epochs.parquet. Rerunning the same command resumes
/// an interrupted sweep from its journal.
#[derive(Debug, Clone, Parser)]
#[command(name = "swarm-sweep", version = super::VERSION, after_help = after_help())]
pub struct Cli {
    /// The sweep spec (YAML); see docs/sweep.md. Or, without one, --base
    /// with --grid, --baseline, --set and --seeds.
    #[arg(required_unless_present = "base")]
    pub spec: Option<PathBuf>,
    /// Sweep this base scenario without a spec file (repeatable: several
    /// bases); with --seeds and any of --grid, --baseline, --set, --name.
    #[arg(long, value_name = "SCENARIO", conflicts_with = "spec")]
    pub base: Vec<PathBuf>,
    /// A grid axis: PATH=V1,V2,... or PATH=START:STOP:STEP (repeatable; the
    /// last varies fastest). Values are read as in a scenario file.
    #[arg(long, value_name = "PATH=VALUES", requires = "base")]
    pub grid: Vec<String>,
    /// A setting of the baseline arm: PATH=VALUE (repeatable).
    #[arg(long, value_name = "PATH=VALUE", requires = "base")]
    pub baseline: Vec<String>,
    /// A setting of every configuration: PATH=VALUE (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", requires = "base")]
    pub set: Vec<String>,
    /// The seeds of a sweep without a spec file: N (0 to N-1), A-B, or a
    /// list (1-3,7).
    #[arg(long, value_name = "SEEDS", requires = "base")]
    pub seeds: Option<String>,
    /// The name of a sweep without a spec file [default: the base's file name].
    #[arg(long, requires = "base")]
    pub name: Option<String>,
    /// Print the spec file this sweep stands for (--base and its flags, or a
    /// SWARM sweep file) and exit.
    #[arg(long)]
    pub print_spec: bool,
    /// Where a SWARM sweep file's base_scenario is looked up [default: the
    /// scenarios folder of the repository layout around the file].
    #[arg(long, value_name = "DIR")]
    pub scenarios_dir: Option<PathBuf>,
    /// Worker threads [default: the number of CPUs; at most SWARM_MAX_JOBS].
    #[arg(short, long, value_parser = values::jobs)]
    pub jobs: Option<u32>,
    /// Output directory [default: outputs.dir of the spec, else results/<name>].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Validate the spec and list the runs (of this shard) without running them.
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
    /// Run only shard K of N (1-based): `K/N` takes every Nth run (round-robin),
    /// `hash:K/N` the runs whose key hashes to K (stable as the sweep grows).
    /// Writes runs.part-K-of-N.parquet, epochs.part-K-of-N.parquet and
    /// part-K-of-N.json; `swarm-sweep merge` joins the parts.
    #[arg(long, value_name = "[hash:]K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// Take the shard from the launcher: SLURM_ARRAY_TASK_ID (with _MIN and
    /// _COUNT), JOB_COMPLETION_INDEX (Kubernetes Indexed Job, needs --shards),
    /// OMPI_COMM_WORLD_RANK/SIZE or PMI_RANK/SIZE. `--shard-from-env=hash`
    /// shards by run-key hash instead of round-robin.
    #[arg(
        long,
        value_name = "STRATEGY",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "round-robin",
        value_parser = Strategy::parse,
        conflicts_with = "shard"
    )]
    pub shard_from_env: Option<Strategy>,
    /// The number of shards, with --shard-from-env; the launcher's index is
    /// then 0-based and absolute (Slurm array ids 0..N-1, completion indices).
    #[arg(long, value_name = "N", requires = "shard_from_env",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: Option<u32>,
    /// Start over: delete the sweep files in the output directory (journals,
    /// tables, part files, summary, comparisons, report, plots, per-run
    /// files; with --shard only this shard's) instead of resuming — needed
    /// when they belong to another sweep (a changed spec or base scenario).
    /// Files it does not own are left alone.
    #[arg(long)]
    pub force_new: bool,
    /// Do not run the analysis step (summary.parquet, comparisons.parquet,
    /// report.md, plots/) after the sweep; `swarm-sweep analyze DIR` runs it later.
    #[arg(long)]
    pub no_analyze: bool,
    /// Also write the analysis report here (- for standard output; see
    /// `swarm-sweep analyze --help`).
    #[arg(long, conflicts_with = "no_analyze")]
    pub notes: Option<PathBuf>,
    /// Run even if a base scenario sets keys the reference reads but this
    /// engine does not model (refused otherwise, exit 2). Such runs are
    /// marked `fidelity = partial` in runs.parquet and the tables' metadata.
    #[arg(long)]
    pub allow_unmodelled: bool,
    /// Refuse (exit 2) a sweep over a parameter that changes nothing in any
    /// of its configurations (the schema marks it inert), rather than warn.
    #[arg(long)]
    pub strict: bool,
    /// Record wall_time_s as 0, so reruns are byte-identical (for tests).
    #[arg(long, hide = true)]
    pub deterministic_timing: bool,
    /// Keep every run's rows in the journal after the tables are written,
    /// as a crashed sweep leaves it (for tests).
    #[arg(long, hide = true)]
    pub keep_journal: bool,
    /// Test hook: instead of the simulation, runs whose toxicity_rate is
    /// governance.transaction_tax_rate + governance.audit_probability ·
    /// (−1)^seed, each after this many milliseconds (`test_sim`).
    #[arg(long, hide = true, value_name = "MS")]
    pub test_sim: Option<u64>,
    /// Seed every run's streams afresh instead of copying states this
    /// worker seeded before (for timing; results are the same either way).
    #[arg(long)]
    pub no_seed_cache: bool,
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    crate::rng::seed_cache::set_enabled(!cli.no_seed_cache);
    match cli.test_sim {
        Some(ms) => run(&cli, &test_sim(ms)),
        None => run(&cli, &run_files::simulate),
    }
}

/// The `--test-sim` hook: a stand-in for the simulation whose
/// toxicity_rate has a known mean (the tax rate) and a known spread (±
/// the audit probability, by the seed's parity), so adaptive replication's
/// stopping seed counts can be worked out by hand (tests/it/adaptive.rs).
/// Runs take `ms` milliseconds, so a test can kill a sweep mid-round.
fn test_sim(
    ms: u64,
) -> impl Fn(&crate::scenario::Scenario, i64, Option<&Path>) -> std::io::Result<crate::sim::RunResult>
       + Sync {
    move |s, seed, _events| {
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let g = &s.governance;
        let sign = if seed % 2 == 0 { 1.0 } else { -1.0 };
        let mut r = crate::sim::RunResult {
            seed,
            ..Default::default()
        };
        r.run.toxicity_rate = g.transaction_tax_rate + g.audit_probability * sign;
        // One epoch, as every run has (a later sweep takes runs back from
        // the tables only with their epochs).
        r.epochs = vec![crate::metrics::EpochMetrics {
            soft: r.run,
            ..Default::default()
        }];
        Ok(r)
    }
}

/// Run the command with `sim` as the simulation; print messages; return the exit code.
pub fn run(cli: &Cli, sim: &SimFn) -> i32 {
    let input = match &cli.spec {
        Some(path) => {
            spec_args::from_file(path, cli.scenarios_dir.as_deref(), cli.allow_unmodelled)
        }
        None => spec_args::from_flags(&spec_flags(cli)),
    };
    let input = match input {
        Ok(i) => i,
        Err(e) => return exit::report(&CliError::bad_input(e)),
    };
    if cli.print_spec {
        let header = print_spec_header(cli);
        print!("{}", spec_yaml::to_yaml(&input.spec, &header));
        return exit::SUCCESS;
    }
    let plan = match spec_args::resolve(input, cli.allow_unmodelled) {
        Ok(p) => p,
        Err(e) => return exit::report(&CliError::bad_input(e)),
    };
    let mut plan = plan;
    if cli.test_sim.is_some() {
        // Its runs are not the simulation's: never under their keys.
        for c in &mut plan.configs {
            c.fingerprint =
                crate::sweep::key::sha256_hex(format!("test-sim\n{}", c.fingerprint).as_bytes());
        }
    }
    let plan = plan;
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    if !plan.inert.is_empty() {
        let command_line = plan.spec.source.origin == spec_args::COMMAND_LINE;
        for e in &plan.inert {
            let e = if command_line {
                spec_args::flag_error(e.clone())
            } else {
                e.clone()
            };
            match cli.strict {
                true => eprintln!("Error: {e}"),
                false => eprintln!("warning: {e} (--strict refuses this)"),
            }
        }
        if cli.strict {
            return exit::BAD_INPUT;
        }
    }
    let shard = match resolve_shard(cli) {
        Ok(s) => s,
        Err(e) => return exit::report(&CliError::bad_input(e)),
    };
    if let Err(e) = check_notes(cli.notes.as_deref()) {
        return exit::report(&e);
    }
    if let (Some((s, _)), Some(_)) = (&shard, &plan.spec.replication) {
        eprintln!(
            "Error: shard {s}: an adaptive sweep (seeds: {{batch, max, until}}) cannot be \
             sharded: which seeds run next depends on every configuration's results so far"
        );
        return exit::BAD_INPUT;
    }
    if let Some((s, source)) = &shard {
        if s.n > plan.n_runs() {
            eprintln!(
                "Error: shard {s} (from {source}): the sweep has {} runs, so {} shards would \
                 leave some with nothing to run; use at most {} shards",
                plan.n_runs(),
                s.n,
                plan.n_runs()
            );
            return exit::BAD_INPUT;
        }
    }
    if let Some(msg) = too_large(&plan) {
        eprintln!("warning: {msg}");
    }
    match sweep(cli, &plan, shard, sim) {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

/// Read, parse and resolve the spec: every check that needs no output.
/// `allow_unmodelled` lets base scenarios set keys the reference reads but
/// this engine does not model (refused otherwise).
pub fn load_plan(path: &Path, allow_unmodelled: bool) -> Result<SweepPlan, SpecInputError> {
    let input = spec_args::from_file(path, None, allow_unmodelled)?;
    Ok(spec_args::resolve(input, allow_unmodelled)?)
}

fn spec_flags(cli: &Cli) -> SpecFlags {
    SpecFlags {
        base: cli.base.clone(),
        grid: cli.grid.clone(),
        baseline: cli.baseline.clone(),
        set: cli.set.clone(),
        seeds: cli.seeds.clone(),
        name: cli.name.clone(),
    }
}

/// The comment `--print-spec` starts with: what it stands for.
fn print_spec_header(cli: &Cli) -> Vec<String> {
    match &cli.spec {
        Some(p) => vec![format!("The sweep of {}, as a spec file.", p.display())],
        None => vec![
            "The sweep given on the command line, as a spec file. Its paths are as".into(),
            "given there: relative to the directory it ran in (a spec file's paths are".into(),
            "relative to the file).".into(),
        ],
    }
}

/// Configurations whose runs are over SWARM_MAX_RUN_MEMORY: they will be
/// recorded as failed (the sweep goes on), said once up front.
fn too_large(plan: &SweepPlan) -> Option<String> {
    use crate::sim::footprint;
    let limit = crate::limits::current().max_run_memory;
    let mut big = plan
        .configs
        .iter()
        .filter(|c| footprint::estimate(&c.scenario) > limit);
    let first = footprint::check(&big.next()?.scenario).err()?;
    Some(format!(
        "{} of {} configurations are too large to run; their runs will be recorded as \
         failed: {first}",
        1 + big.count(),
        plan.configs.len()
    ))
}

/// The shard to run, and where it came from.
fn resolve_shard(cli: &Cli) -> Result<Option<(Shard, String)>, ShardError> {
    if let Some(s) = cli.shard {
        return Ok(Some((s, "--shard".into())));
    }
    let Some(strategy) = cli.shard_from_env else {
        return Ok(None);
    };
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    shard::from_env(&env, strategy, cli.shards.map(|n| n as usize)).map(Some)
}

fn sweep(
    cli: &Cli,
    plan: &SweepPlan,
    shard: Option<(Shard, String)>,
    sim: &SimFn,
) -> Result<i32, CliError> {
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
    let assigned = match &plan.spec.replication {
        // An adaptive sweep starts with the first batch.
        Some(rule) => adaptive::Schedule::new(plan, rule).runs(plan),
        None => session::assigned_runs(plan, shard.as_ref().map(|(s, _)| s)),
    };
    if !cli.quiet {
        let (r, e, c) = summary::estimate_bytes(plan, &files);
        let (j, peak) = summary::estimate_journal_bytes(plan);
        let share =
            |b: u64| (u128::from(b) * assigned.len() as u128 / plan.n_runs().max(1) as u128) as u64;
        let (r, e, c, j, peak) = (share(r), share(e), share(c), share(j), share(peak));
        eprintln!("{}", summary::header(plan));
        if let Some(rule) = &plan.spec.replication {
            eprintln!(
                "adaptive replication: {} seeds a round, at most {}, until the {:.0}% \
                 interval of the paired difference in {} from the baseline is within ±{}: \
                 {} runs in the first round, at most {}",
                rule.batch,
                rule.max,
                rule.level * 100.0,
                rule.metric,
                rule.ci_half_width,
                assigned.len(),
                plan.n_runs()
            );
        }
        if let Some((s, source)) = &shard {
            eprintln!(
                "shard {s}: {} of {} runs (from {source})",
                assigned.len(),
                plan.n_runs()
            );
        }
        let h = summary::human_bytes;
        eprintln!(
            "outputs: {}/ ≈ {} (runs {}, epochs {}, per-run files {}, journal {}; \
             the journal holds up to {} while the sweep runs)",
            out_dir.display(),
            h(r.saturating_add(e).saturating_add(c).saturating_add(j)),
            h(r),
            h(e),
            h(c),
            h(j),
            h(peak)
        );
    }
    if cli.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        match summary::run_list(plan, &assigned, &mut out).and_then(|()| out.flush()) {
            // `swarm-sweep spec --dry-run | head` is fine.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r.map_err(CliError::runtime)?,
        }
        return Ok(exit::SUCCESS);
    }
    drop(assigned); // `prepare` works it out again; no second copy while running

    let jobs = match cli.jobs {
        Some(j) => j as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let opts = SweepOptions {
        out_dir: out_dir.clone(),
        shard: shard.as_ref().map(|(s, _)| *s),
        exec: ExecOptions {
            jobs,
            fail_fast: cli.fail_fast,
            deterministic_timing: cli.deterministic_timing,
            run_files: files.any().then_some(files),
        },
        force_new: cli.force_new,
        keep_journal: cli.keep_journal,
    };
    let flag = interrupt::install();
    let started = Instant::now();
    let (prepared, report) = match &plan.spec.replication {
        Some(_) => {
            let mut prepared = session::open(plan, &opts).map_err(journal_error)?;
            let ran = adaptive_rounds(cli, plan, &mut prepared, &opts, sim, flag)?;
            let report = match (ran.stopped, ran.interrupted) {
                (false, false) => {
                    // Every run is in the journal now: the tables.
                    let mut report = write_tables(plan, &prepared, &opts, sim, Mode::Quiet, flag)?;
                    report.ran = ran;
                    report
                }
                (stopped, _) => SweepReport {
                    end: if stopped {
                        End::Stopped
                    } else {
                        End::Interrupted
                    },
                    failed: ran.failed,
                    first_failure: ran.first_failure.clone(),
                    ran,
                    written: Vec::new(),
                    warnings: Vec::new(),
                },
            };
            (prepared, report)
        }
        None => {
            let prepared = session::prepare(plan, &opts).map_err(journal_error)?;
            for w in &prepared.warnings {
                eprintln!("warning: {w}");
            }
            if !cli.quiet && prepared.reused() + prepared.resumed_failed > 0 {
                eprintln!("{}", reuse_line(&prepared, &out_dir));
            }
            let report = write_tables(plan, &prepared, &opts, sim, Mode::detect(cli.quiet), flag)?;
            (prepared, report)
        }
    };
    let code = report_end(cli, plan, &prepared, &report, &out_dir, started);
    // A shard's part is not the sweep: merge runs the analysis.
    if report.end != End::Complete || cli.no_analyze || prepared.outputs.shard.is_some() {
        return Ok(code);
    }
    let analysis = AnalyzeResults {
        notes: cli.notes.clone(),
        ..AnalyzeResults::new(out_dir, jobs, cli.quiet)
    };
    Ok(match analyze_results(&analysis) {
        Ok(_) => code,
        Err(e) => exit::report(&e),
    })
}

fn journal_error(e: JournalError) -> CliError {
    match e {
        JournalError::Mismatch { .. }
        | JournalError::OldFormat { .. }
        | JournalError::Foreign { .. }
        | JournalError::Damaged { .. }
        | JournalError::Folder(_) => CliError::bad_input(e),
        JournalError::Locked { .. } => CliError::runtime(e),
        JournalError::Io(e) => CliError::runtime(e),
    }
}

/// Run what `prepared` has left and write the tables.
fn write_tables(
    plan: &SweepPlan,
    prepared: &Prepared,
    opts: &SweepOptions,
    sim: &SimFn,
    mode: Mode,
    flag: &std::sync::atomic::AtomicBool,
) -> Result<SweepReport, CliError> {
    let progress = Progress::new(prepared.todo.len(), mode);
    prepared
        .run(plan, &opts.exec, sim, &progress, flag)
        .map_err(|e| {
            progress.finish();
            stopped(prepared, e)
        })
}

fn stopped(prepared: &Prepared, e: anyhow::Error) -> CliError {
    let journal = prepared.journal.path().display();
    CliError::runtime(anyhow::anyhow!(
        "{e:#}\n  the sweep stopped; its finished runs are kept in {journal}: \
         rerun the same command to resume"
    ))
}

/// The rounds of an adaptive sweep (sweep/adaptive.rs), a line each: what
/// they ran (stopped or interrupted when a round stopped early).
fn adaptive_rounds(
    cli: &Cli,
    plan: &SweepPlan,
    prepared: &mut Prepared,
    opts: &SweepOptions,
    sim: &SimFn,
    flag: &std::sync::atomic::AtomicBool,
) -> Result<Summary, CliError> {
    let quiet = cli.quiet;
    // Warnings as they come: opening the journal, then each round's.
    let mut warned = 0;
    let rounds = adaptive::run_rounds(
        plan,
        prepared,
        opts,
        sim,
        Mode::detect(quiet),
        flag,
        |s, p| {
            for w in &p.warnings[warned..] {
                eprintln!("warning: {w}");
            }
            warned = p.warnings.len();
            if !quiet {
                eprintln!("{}", adaptive_line(plan, s, p));
            }
        },
    );
    for w in &prepared.warnings[warned..] {
        eprintln!("warning: {w}");
    }
    match rounds {
        Ok(r) => Ok(r.ran),
        Err(adaptive::RoundError::Journal(e)) => Err(journal_error(e)),
        Err(adaptive::RoundError::Run(e)) => Err(stopped(prepared, e)),
    }
}

/// `round 3: 412 runs (120 reused); 5 of 12 configurations need more seeds`.
fn adaptive_line(plan: &SweepPlan, s: &adaptive::Schedule, p: &Prepared) -> String {
    let open = s.open();
    let n_configs = plan.configs.len() - plan.bases.len();
    let status = if open == 0 {
        let (met, max) = s.configs.iter().fold((0, 0), |(m, x), c| match c.stop {
            Some(adaptive::Stop::Target) => (m + 1, x),
            Some(adaptive::Stop::Max) => (m, x + 1),
            _ => (m, x),
        });
        format!(
            "done: {met} of {n_configs} configurations within ±{} on {}, {max} at max ({} seeds)",
            s.rule.ci_half_width, s.rule.metric, s.rule.max
        )
    } else {
        format!("{open} of {n_configs} configurations need more seeds")
    };
    format!(
        "round {}: {} runs ({} reused); {status}",
        if open == 0 { s.round } else { s.round - 1 },
        p.assigned.len(),
        p.reused()
    )
}

/// `results/x: 57 reused, 143 to run (of 200: 57 from the journal)`.
fn reuse_line(p: &Prepared, out_dir: &Path) -> String {
    let mut from = Vec::new();
    let journal = p.resumed_ok - p.from_tables;
    if journal > 0 {
        from.push(format!("{journal} from the journal"));
    }
    if p.from_tables > 0 {
        from.push(format!("{} from the tables", p.from_tables));
    }
    if p.copies > 0 {
        from.push(format!(
            "{} the same as another run (identical configurations)",
            p.copies
        ));
    }
    if p.resumed_failed > 0 {
        from.push(format!("{} failed before, retried", p.resumed_failed));
    }
    format!(
        "{}: {} reused, {} to run (of {}: {})",
        out_dir.display(),
        p.reused(),
        p.todo.len(),
        p.assigned.len(),
        from.join("; ")
    )
}

fn report_end(
    cli: &Cli,
    plan: &SweepPlan,
    prepared: &Prepared,
    r: &SweepReport,
    out_dir: &Path,
    started: Instant,
) -> i32 {
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    if let Some((run, msg)) = &r.first_failure {
        let c = &plan.configs[run.config];
        eprintln!(
            "run {} failed (run_key {}, {} / {}, seed {}): {msg}",
            run.index, run.run_key, plan.bases[c.base].scenario_id, c.label, run.seed
        );
    }
    let journal = prepared.journal.path().display();
    let finished = prepared.resumed_ok + r.ran.runs;
    match r.end {
        End::Stopped => {
            eprintln!(
                "stopped by --fail-fast after {finished} of {} runs; no tables written \
                 (finished runs are in {journal})",
                prepared.assigned.len()
            );
            return exit::SWEEP_STOPPED;
        }
        End::Interrupted => {
            eprintln!(
                "interrupted after {finished} of {} runs; no tables written. \
                 The finished runs are in {journal}: rerun the same command to resume",
                prepared.assigned.len()
            );
            return exit::INTERRUPTED;
        }
        End::Complete => {}
    }
    if !cli.quiet {
        let secs = started.elapsed().as_secs_f64();
        let from_journal = match prepared.reused() {
            0 => String::new(),
            n => format!(", {n} reused"),
        };
        let rate = match r.ran.runs {
            0 => String::new(),
            n => format!(" ({:.1} runs/s)", n as f64 / secs.max(1e-9)),
        };
        eprintln!(
            "{} runs ({} failed{from_journal}) in {secs:.1} s{rate} → {}",
            prepared.assigned.len(),
            r.failed,
            out_dir.display()
        );
        if let Some(s) = &prepared.outputs.shard {
            eprintln!(
                "shard {s} written; once every shard is: swarm-sweep merge {}",
                out_dir.display()
            );
        }
    }
    if plan.fidelity() != "exact" {
        let keys: Vec<String> = plan
            .bases
            .iter()
            .filter(|b| !b.unmodelled.is_empty())
            .map(|b| format!("{}: {}", b.path, b.unmodelled.join(", ")))
            .collect();
        eprintln!(
            "warning: fidelity partial: these results differ from the reference's (not modelled: {}); runs.parquet marks them fidelity = partial",
            keys.join("; ")
        );
    }
    if r.failed > 0 {
        exit::RUNS_FAILED
    } else {
        exit::SUCCESS
    }
}
