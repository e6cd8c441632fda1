//! Command-line front ends: argument definitions and the commands they run.
//! `src/bin/` only calls into here.

pub mod analyze;
pub mod bench;
pub mod exit;
pub mod results;
pub mod run;
pub mod shards;
pub mod swarm;
pub mod sweep;
