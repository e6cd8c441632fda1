//! Sweeps (governance-metrics-io.md §5.4): a spec (base scenarios, seeds,
//! baseline, grid, variants) → a validated plan → runs in parallel → rows in
//! run order → runs.parquet and epochs.parquet. Format and outputs: docs/sweep.md.

pub mod expand;
pub mod key;
pub mod plan;
pub mod progress;
pub mod run_files;
pub mod runner;
pub mod spec;
pub mod summary;
pub mod table;

pub use plan::{RunSpec, SweepPlan};
pub use spec::{SpecError, SweepSpec};
