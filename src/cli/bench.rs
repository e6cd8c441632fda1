//! `swarm bench`: time whole runs of a scenario in process, on one thread,
//! without I/O, and print the median — the figure the performance
//! comparison with the Python reference uses (scripts/bench/compare_python.sh).

use std::path::Path;
use std::time::Instant;

use super::exit::CliError;
use super::run::load_scenario;
use crate::scenario::LoadOptions;
use crate::sim;

/// Time `runs` runs with seeds `seed_start..`, after `warmup` untimed runs.
/// Prints one line: `<scenario_id> runs=<n> median_s=<x> mean_s=<y> min_s=<z>`.
pub fn bench(path: &Path, runs: usize, warmup: usize, seed_start: i64) -> Result<(), CliError> {
    if runs == 0 {
        return Err(CliError::bad_input(anyhow::anyhow!(
            "--runs must be at least 1"
        )));
    }
    let total = (runs as u64).saturating_add(warmup as u64);
    crate::limits::check("--runs plus --warmup", total, "SWARM_MAX_RUNS")
        .map_err(CliError::bad_input)?;
    let scenario = load_scenario(path, LoadOptions::default())?;
    crate::sim::footprint::check(&scenario).map_err(CliError::bad_input)?;
    let mut sink = 0u64;
    for i in 0..warmup {
        sink += sim::run(&scenario, seed_start + i as i64)
            .run
            .total_interactions;
    }
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        let r = sim::run(&scenario, seed_start + i as i64);
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
