//! The SWARM simulation core (simulation-model.md §2–§13): a pure function of
//! (scenario, seed). No I/O, no globals, no clocks.

pub(crate) mod agents;
pub mod awm;
mod contracts;
pub mod dynamic_toxicity;
pub mod events;
mod feed;
pub mod footprint;
mod marketplace;
pub mod memory;
pub mod network;
pub mod observables;
pub mod party;
mod perturbation;
pub mod rivals;
pub mod scholar;
mod world;

pub use events::{Event, EventSink, ReputationReason};

use crate::metrics::{EpochMetrics, SoftMetrics};
use crate::scenario::{AgentKind, Scenario};

/// The version of what a run computes. Part of every run's identity in a
/// sweep's store (docs/scale-out.md, "Reuse"): bump it with any change that
/// changes a number a run reports for a scenario it already ran (a fixed bug,
/// a changed default), so that stored runs are run again.
/// Modelling something new needs no bump: scenarios that use it had no
/// stored runs (the fidelity guard refused them), and `scenario::canonical`
/// leaves settings at their defaults out.
pub const RESULTS_VERSION: u32 = 1;

/// Final state of one agent at the end of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentFinal {
    pub agent_id: String,
    pub kind: AgentKind,
    pub reputation: f64,
    pub resources: f64,
    pub total_payoff: f64,
    pub interactions_initiated: u64,
    pub interactions_received: u64,
    pub frozen: bool,
    pub quarantined: bool,
}

/// Everything a run produces besides its event stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunResult {
    pub seed: i64,
    /// Why this run's results are not the reference's (set when the run
    /// reached a state whose outcome in the reference depends on something
    /// it does not fix, such as Python's set order); callers refuse it.
    pub unreproducible: Option<String>,
    /// One entry per epoch, in order.
    pub epochs: Vec<EpochMetrics>,
    /// Soft metrics over all of the run's interactions.
    pub run: SoftMetrics,
    pub agents: Vec<AgentFinal>,
    /// Agents state-frozen / quarantined at the end of the run.
    pub n_frozen: u64,
    pub n_quarantined: u64,
    /// Times the circuit breaker froze an agent.
    pub circuit_breaker_triggers: u64,
}

/// Run `scenario` with `seed` (which replaces `simulation.seed`).
pub fn run(scenario: &Scenario, seed: i64) -> RunResult {
    world::World::new(scenario, seed, None).run(seed)
}

/// Run and stream every event to `sink`.
pub fn run_with_events(scenario: &Scenario, seed: i64, sink: &mut dyn EventSink) -> RunResult {
    world::World::new(scenario, seed, Some(sink)).run(seed)
}

/// Agent ids in registration order: `<type>_<n>` with a per-type counter.
pub fn agent_ids(scenario: &Scenario) -> Vec<String> {
    world::agent_ids(scenario)
}
