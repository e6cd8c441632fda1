//! Command-line front ends: argument definitions and the commands they run.
//! `src/bin/` only calls into here.

pub mod analyze;
pub mod app;
pub mod assign;
pub mod bench;
pub mod check;
pub mod docs;
pub mod exit;
pub mod import;
pub mod rerun;
pub mod results;
pub mod run;
pub mod sensitivity;
pub mod shards;
pub mod show;
pub mod show_config;
pub mod spec_args;
pub mod step_progress;
pub mod swarm;
pub mod sweep;
pub mod values;

/// `--version`: the crate version and, when built from a git checkout, the
/// commit (`0.1.0 (a1b2c3d)`; build.rs).
pub const VERSION: &str = env!("SWARM_SWEEP_VERSION");
