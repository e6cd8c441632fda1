//! The integration tests, one binary: each module below was a test file of
//! its own, and the helpers they share live in `common`. One binary links
//! arrow, parquet and plotters once instead of once per file.
//!
//! A new test file is a module here (`mod name;` below, the file beside
//! this one) that takes its commands, paths, table readers and assertions
//! from `crate::common` rather than copying them. Tests of one binary share
//! a process: a test must not set environment variables, change the working
//! directory or leave threads running after it ends.
//!
//! Run one module with a filter: `cargo test --test it sweep_resume::`.

mod common;

mod adaptive;
mod analyze_cli;
mod careless_use;
mod check_cli;
mod cli_overrides;
mod cli_run;
mod deploy_examples;
mod fix_options;
mod fuzz_loaders;
mod hostile_input;
mod hostile_output;
mod loader_errors;
mod parity;
mod scenarios_load;
mod scipy_stats;
mod show_cli;
mod size_limits;
mod swarm_sweep_files;
mod sweep_analysis;
mod sweep_cli;
mod sweep_configs;
mod sweep_design;
mod sweep_engine;
mod sweep_resume;
mod sweep_reuse;
mod sweep_scale;
