//! An upper estimate of one run's memory from its scenario alone — agents,
//! epochs, steps — so a run that would need gigabytes is refused (or, in a
//! sweep, recorded as failed) before it starts, instead of aborting when an
//! allocation fails (docs/cli.md, "Size limits": SWARM_MAX_RUN_MEMORY).
//! The weights are upper bounds of what `world.rs` keeps for a whole run,
//! checked against measured peak RSS (about 2× the measured peak).

use crate::metrics::EpochMetrics;
use crate::scenario::Scenario;

/// Streams, governance tables, buffers: what any run holds.
const BASE: u64 = 1 << 20;
/// An agent's state, random stream and capped memories (1000 votes, 500
/// interactions).
const PER_AGENT: u64 = 32 * 1024;
/// Per ordered pair of agents: trust (`Option<f64>`) and a scratch slot in
/// every agent's mind.
const PER_PAIR: u64 = 32;
/// Per ordered pair with a network: an edge each way, as in a complete graph.
const PER_PAIR_NETWORK: u64 = 32;
/// Per epoch, beyond its metrics: a sweep's row cells and journal text.
const PER_EPOCH_ROWS: u64 = 1536;
/// Per agent and step: the interaction record and feed post it may add
/// (kept for the whole run: the run's metrics sum over all of them).
const PER_AGENT_STEP: u64 = 32;

/// Agents in the scenario.
pub fn n_agents(s: &Scenario) -> u64 {
    s.agents.iter().map(|a| u64::from(a.count)).sum()
}

/// Estimated peak bytes of one run of `s` (saturating).
pub fn estimate(s: &Scenario) -> u64 {
    let n = n_agents(s);
    let epochs = u64::from(s.simulation.n_epochs);
    let steps = u64::from(s.simulation.steps_per_epoch);
    let per_pair = PER_PAIR
        + if s.network.is_some() {
            PER_PAIR_NETWORK
        } else {
            0
        };
    let per_epoch = std::mem::size_of::<EpochMetrics>() as u64 + PER_EPOCH_ROWS;
    BASE.saturating_add(n.saturating_mul(PER_AGENT))
        .saturating_add(n.saturating_mul(n).saturating_mul(per_pair))
        .saturating_add(epochs.saturating_mul(per_epoch))
        .saturating_add(
            epochs
                .saturating_mul(steps)
                .saturating_mul(n)
                .saturating_mul(PER_AGENT_STEP),
        )
}

/// `Err` with the numbers when one run of `s` is over SWARM_MAX_RUN_MEMORY.
pub fn check(s: &Scenario) -> Result<(), crate::limits::OverLimit> {
    crate::limits::check(
        format!(
            "the estimated memory of one run ({} agents, {} epochs of {} steps)",
            n_agents(s),
            s.simulation.n_epochs,
            s.simulation.steps_per_epoch
        ),
        estimate(s),
        "SWARM_MAX_RUN_MEMORY",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_file, LoadOptions};

    #[test]
    fn bundled_scenarios_are_small_and_huge_ones_are_refused() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.yaml");
        let mut s = load_file(&path, LoadOptions::default()).unwrap().scenario;
        assert!(estimate(&s) < 4 << 20, "{}", estimate(&s));
        assert!(check(&s).is_ok());
        s.simulation.n_epochs = 1_000_000_000;
        let e = check(&s).unwrap_err().to_string();
        assert!(e.contains("1000000000 epochs of 10 steps"), "{e}");
        s.simulation.n_epochs = 10;
        s.agents[0].count = 1_000_000;
        assert!(check(&s).is_err());
    }
}
