//! Sweeps (docs/model/outputs.md §6): a spec (base scenarios, seeds,
//! baseline, grid, variants) → a validated plan → runs in parallel → the
//! journal → rows in run order → runs.parquet and epochs.parquet, or a
//! shard's part files that `merge` joins. Format and outputs: docs/sweep.md;
//! shards, resume and merge: docs/scale-out.md.

pub mod adaptive;
pub mod checksum;
pub mod columns;
pub mod configs;
pub mod design;
pub mod expand;
pub mod interrupt;
pub mod journal;
pub mod key;
pub mod merge;
pub mod owned;
pub mod part;
pub mod plan;
pub mod progress;
pub mod reuse;
pub mod rows;
pub mod run_files;
pub mod run_list;
pub mod runner;
pub mod session;
pub mod shard;
pub mod spec;
pub mod spec_yaml;
pub mod status;
pub mod summary;
pub mod swarm_file;
pub mod table;
pub mod workers;

pub use plan::{RunSpec, SweepPlan};
pub use spec::{SpecError, SweepSpec};
