//! `swarm-sweep show RESULTS_DIR`: look into a finished sweep. `--config ID`
//! prints a configuration's resolved scenario (cli/show_config.rs).

use std::path::PathBuf;

use super::exit::CliError;

/// Show what a finished sweep holds.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Examples:
  swarm-sweep show results/circuit_breaker --config 3 > config3.yaml
  swarm run config3.yaml --seed 7          # one of its runs, with events")]
pub struct ShowArgs {
    /// A sweep's output directory.
    pub results_dir: PathBuf,
    /// Print configuration ID (runs.parquet's config_id) as the scenario
    /// file it ran: every setting resolved, overrides applied.
    #[arg(long, value_name = "ID")]
    pub config: i64,
}

pub fn show(args: &ShowArgs) -> Result<(), CliError> {
    super::show_config::show_config(&args.results_dir, args.config)
}
