//! `swarm-sweep rerun RESULTS_DIR --run RUN_KEY`: one run of a finished
//! sweep again, through `swarm run` (the reference's console report, the
//! metrics CSV and the event log): the run's resolved scenario from
//! configs.parquet, its seed from runs.parquet. The numbers are the sweep's:
//! when the sweep wrote the run's metrics.csv, the two are compared.

use std::path::PathBuf;

use anyhow::Context;

use super::exit::{self, CliError};
use super::run::{run, RunOptions};
use crate::contract::file;
use crate::sweep::configs;

/// Rerun one run of a sweep, with its events.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = exit::after_help(
    "\
Writes <out>/scenario.yaml (the run's resolved scenario) and what
`swarm run <out>/scenario.yaml --seed SEED` writes: <scenario_id>_metrics.csv
and <scenario_id>_events.jsonl. When the sweep kept runs/<run_key>/metrics.csv,
the new one must be identical to it: numbers that differ exit 1. No such sweep
or run is bad input.",
    &[exit::SUCCESS, exit::RUNTIME_ERROR, exit::BAD_INPUT, exit::INTERNAL_ERROR],
    "\
Example:
  swarm-sweep rerun results/circuit_breaker --run 2c5583c8f7dc68a5",
))]
pub struct RerunArgs {
    /// A sweep's output directory.
    pub results_dir: PathBuf,
    /// The run's key (runs.parquet's run_key, runs/<run_key>/).
    #[arg(long, value_name = "RUN_KEY")]
    pub run: String,
    /// Where to write [default: RESULTS_DIR/reruns/<run_key>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Skip the event log.
    #[arg(long)]
    pub no_events: bool,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn rerun(args: &RerunArgs) -> Result<(), CliError> {
    let dir = &args.results_dir;
    let (config_id, seed) = configs::find_run(dir, &args.run).map_err(CliError::bad_input)?;
    let config = configs::read(dir, config_id).map_err(CliError::bad_input)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| file::rerun_dir(dir, &args.run));
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create {}", out.display()))
        .map_err(CliError::runtime)?;
    let scenario = out.join(file::RERUN_SCENARIO);
    crate::output::atomic::write_file(&scenario, config.scenario_yaml.as_bytes())
        .with_context(|| format!("cannot write {}", scenario.display()))
        .map_err(CliError::runtime)?;
    if !args.quiet {
        eprintln!(
            "run {} of {}: configuration {config_id} ({}), seed {seed}",
            args.run,
            dir.display(),
            config.label
        );
    }
    run(&RunOptions {
        scenario,
        settings: Vec::new(),
        seed: Some(seed),
        seeds: None,
        epochs: None,
        steps: None,
        out: out.clone(),
        quiet: args.quiet,
        strict: false,
        // What the sweep let through, its rerun does too (the file holds
        // only what the engine runs).
        allow_unmodelled: true,
        no_events: args.no_events,
        fixes: Vec::new(),
    })?;
    let kept = file::run_dir(dir, &args.run).join(file::RUN_METRICS);
    let written = out.join(format!("{}_metrics.csv", config.scenario));
    if kept.is_file() && written.is_file() {
        let same = std::fs::read(&kept).ok() == std::fs::read(&written).ok();
        if !same {
            return Err(CliError::runtime(anyhow::anyhow!(
                "{} differs from the sweep's {}",
                written.display(),
                kept.display()
            )));
        }
        if !args.quiet {
            eprintln!("identical to the sweep's {}", kept.display());
        }
    }
    Ok(())
}
