//! `swarm`: run one SWARM scenario, or summarise a run's per-epoch metrics.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::analyze::{analyze, AnalyzeOptions};
use super::exit::{self, CliError};
use super::run::{run, RunOptions};
use super::values::Fix;
use crate::analysis::export::Format;

/// `swarm --help`'s tail: exit codes (from `exit::CODES`) and examples.
fn after_help() -> String {
    exit::after_help(
        "A size over its limit is bad input too: see SWARM_MAX_* in docs/cli.md.",
        &[
            exit::SUCCESS,
            exit::RUNTIME_ERROR,
            exit::BAD_INPUT,
            exit::INTERNAL_ERROR,
            exit::INTERRUPTED,
        ],
        "\
Examples:
  swarm run scenarios/baseline.yaml
  swarm run scenarios/alignment_waltz_targeted_feedback.yaml --seed 7 --out logs/
  swarm run scenarios/baseline.yaml governance.audit_probability=0.3 simulation.n_epochs=50
  swarm run scenarios/baseline.yaml --seeds 1-10      # baseline_s1_metrics.csv, ...
  swarm analyze logs/baseline_metrics.csv --metrics toxicity_rate,quality_gap,spread",
    )
}

/// SWARM multi-agent safety simulations, bit-for-bit with swarm-safety 1.9.0.
#[derive(Debug, Parser)]
#[command(name = "swarm", version = super::VERSION, about, after_help = after_help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario: print the epoch table and success criteria, write
    /// <out>/<scenario_id>_metrics.csv (one row per epoch) and
    /// <out>/<scenario_id>_events.jsonl (every event of the run).
    Run {
        /// Scenario YAML file (see scenarios/).
        scenario: PathBuf,
        /// Settings over the file's, as dotted parameter paths:
        /// governance.audit_probability=0.3 simulation.n_epochs=50
        /// semantics.tax_uses_payoff=true (the paths a sweep takes; values
        /// read as in a scenario file, checked by the same schema).
        #[arg(value_name = "PATH=VALUE")]
        settings: Vec<String>,
        /// Seed for every random stream; replaces simulation.seed.
        #[arg(long, allow_negative_numbers = true, conflicts_with = "seeds")]
        seed: Option<i64>,
        /// Run several seeds, one after the other: N (0 to N-1), A-B, or a
        /// list (1-3,7). Writes <scenario_id>_s<seed>_metrics.csv (and
        /// _events.jsonl) per seed.
        #[arg(long, value_name = "SEEDS")]
        seeds: Option<String>,
        /// Replace simulation.n_epochs.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        epochs: Option<u32>,
        /// Replace simulation.steps_per_epoch.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        steps: Option<u32>,
        /// Output directory (created if missing).
        #[arg(long, default_value = "logs")]
        out: PathBuf,
        /// Print nothing but errors and warnings.
        #[arg(short, long)]
        quiet: bool,
        /// Treat warnings (keys the reference ignores, misspelled keys) as errors.
        #[arg(long)]
        strict: bool,
        /// Skip the events JSONL (faster for long runs).
        #[arg(long)]
        no_events: bool,
        /// Run even if the scenario sets keys the reference reads but this
        /// engine does not model (refused otherwise, exit 2: the numbers
        /// would differ from the reference). The console report and a
        /// warning mark the results as partial.
        #[arg(long)]
        allow_unmodelled: bool,
        /// Turn on a fix for a reference bug (repeatable or comma-separated).
        /// Without it the run reproduces the reference exactly (parity mode).
        #[arg(long = "fix", value_name = "NAME", value_delimiter = ',', value_enum)]
        fixes: Vec<Fix>,
    },
    /// Summarise one run's per-epoch metrics: n, mean, std, min, max, first,
    /// last and the least-squares slope over epochs, per metric. Reads our
    /// metrics CSV, the reference's epochs CSV (--export-csv) or its
    /// history JSON (--export-json).
    Analyze {
        /// Metrics CSV, reference epochs CSV, or history JSON.
        file: PathBuf,
        /// Comma-separated metric names [default: every numeric column].
        #[arg(long, value_delimiter = ',')]
        metrics: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Time whole runs of a scenario in process on one thread (no I/O) and
    /// print the median seconds per run.
    Bench {
        /// Scenario YAML file.
        scenario: PathBuf,
        /// Timed runs (seeds seed_start, seed_start+1, ...).
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// Untimed runs first.
        #[arg(long, default_value_t = 20)]
        warmup: usize,
        #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
        seed_start: i64,
        /// Seed every stream afresh: no per-thread cache of seeded states
        /// (runs of consecutive seeds share all but one stream; sweeps reuse
        /// their seeds for every configuration).
        #[arg(long)]
        no_seed_cache: bool,
    },
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    if let Err(e) = crate::limits::init() {
        return exit::report(&CliError::bad_input(e));
    }
    let cli = Cli::parse();
    let result: Result<(), CliError> = match cli.command {
        Command::Run {
            scenario,
            settings,
            seed,
            seeds,
            epochs,
            steps,
            out,
            quiet,
            strict,
            no_events,
            allow_unmodelled,
            fixes,
        } => run(&RunOptions {
            scenario,
            settings,
            seed,
            seeds,
            epochs,
            steps,
            out,
            quiet,
            strict,
            allow_unmodelled,
            events: !no_events,
            fixes,
        }),
        Command::Analyze {
            file,
            metrics,
            format,
        } => analyze(&AnalyzeOptions {
            file,
            metrics,
            format,
        }),
        Command::Bench {
            scenario,
            runs,
            warmup,
            seed_start,
            no_seed_cache,
        } => {
            crate::rng::seed_cache::set_enabled(!no_seed_cache);
            super::bench::bench(&scenario, runs, warmup, seed_start)
        }
    };
    match result {
        Ok(()) => exit::SUCCESS,
        Err(e) => exit::report(&e),
    }
}
