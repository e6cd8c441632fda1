//! swarm-sweep: the SWARM multi-agent safety simulation (exact parity with the
//! Python reference swarm-safety 1.9.0) and fast, deterministic sweeps over it.
//!
//! Data flows one way: scenario YAML → [`scenario::Scenario`] → [`sim::run`]
//! (a pure function of scenario and seed) → metrics → writers.

pub mod allocator;
pub mod analysis;
pub mod check;
pub mod cli;
pub mod contract;
pub mod governance;
pub mod input;
pub mod limits;
pub mod metrics;
#[cfg(test)]
mod model_citations;
pub mod output;
mod pyfloat;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod suggest;
pub mod sweep;
