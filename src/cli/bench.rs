//! `swarm bench`: time whole runs of a scenario in process, on one thread,
//! without I/O, and print the median — the figure the performance
//! comparison with the Python reference uses (scripts/bench/compare_python.sh).

use std::path::PathBuf;
use std::time::Instant;

use super::exit::CliError;
use super::run::load_scenario;
use crate::scenario::LoadOptions;
use crate::sim;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchOptions {
    /// Scenario YAML file.
    pub scenario: PathBuf,
    /// Timed runs (seeds seed_start, seed_start+1, ...; see --cycle).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// Untimed runs first.
    #[arg(long, default_value_t = 20)]
    pub warmup: u64,
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub seed_start: i64,
    /// Take the seeds seed_start .. seed_start+N-1 in turn, over and over,
    /// instead of a new seed for every run: to time the same seeds as a
    /// reference measured on N seeds (scripts/bench/library_speed.sh).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub cycle: Option<u64>,
    /// Seed every stream afresh: no per-thread cache of seeded states
    /// (runs of consecutive seeds share all but one stream; sweeps reuse
    /// their seeds for every configuration).
    #[arg(long)]
    pub no_seed_cache: bool,
}

/// Time `runs` runs with seeds `seed_start..` (taken in turn from the first
/// `cycle` of them, if given), after `warmup` untimed runs.
/// Prints one line: `<scenario_id> runs=<n> median_s=<x> mean_s=<y> min_s=<z>`.
pub fn bench(opts: &BenchOptions) -> Result<(), CliError> {
    let (path, seed_start) = (&opts.scenario, opts.seed_start);
    let total = opts.runs.saturating_add(opts.warmup);
    crate::limits::check("--runs plus --warmup", total, "SWARM_MAX_RUNS")
        .map_err(CliError::bad_input)?;
    // Both within SWARM_MAX_RUNS now.
    let (runs, warmup) = (opts.runs as usize, opts.warmup as usize);
    let cycle = opts.cycle.unwrap_or(u64::MAX);
    let seed = |i: usize| seed_start.wrapping_add((i as u64 % cycle) as i64);
    let scenario = load_scenario(path, LoadOptions::default())?;
    crate::sim::footprint::check(&scenario).map_err(CliError::bad_input)?;
    let mut sink = 0u64;
    for i in 0..warmup {
        sink += sim::run(&scenario, seed(i)).run.total_interactions;
    }
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        let r = sim::run(&scenario, seed(i));
        times.push(t.elapsed().as_secs_f64());
        sink += r.run.total_interactions;
    }
    times.sort_by(f64::total_cmp);
    let median = if runs % 2 == 1 {
        times[runs / 2]
    } else {
        (times[runs / 2 - 1] + times[runs / 2]) / 2.0
    };
    let mean = times.iter().sum::<f64>() / runs as f64;
    println!(
        "{} runs={runs} median_s={median:.9} mean_s={mean:.9} min_s={:.9} interactions={sink}",
        scenario.scenario_id, times[0]
    );
    Ok(())
}
