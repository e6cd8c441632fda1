//! `swarm-sweep import FILE`: one of SWARM's own sweep files (the
//! reference repository's `scenarios/*/sweeps/*.yaml`) printed as the native
//! spec it stands for (`sweep::swarm_file`), or refused with the line of
//! every key that cannot be mapped.

use std::path::PathBuf;

use super::exit::{self, CliError};
use super::spec_args;

/// Print a SWARM sweep file as a native spec.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = exit::after_help(
    "\
`swarm-sweep FILE` runs such a file directly; import shows what it runs.
Not a SWARM sweep file, or a key that cannot be mapped, is bad input (each
such key is listed with its line).",
    &[exit::SUCCESS, exit::BAD_INPUT, exit::INTERNAL_ERROR],
    "\
Example:
  swarm-sweep import ../swarm/scenarios/kernel_market/sweeps/audit_rate.yaml > audit_rate.yaml",
))]
pub struct ImportArgs {
    /// The SWARM sweep file (sweep_id, base_scenario, sweep, ...).
    pub file: PathBuf,
    /// Where its base_scenario is looked up [default: the scenarios folder
    /// of the repository layout around the file].
    #[arg(long, value_name = "DIR")]
    pub scenarios_dir: Option<PathBuf>,
}

pub fn import(args: &ImportArgs) -> Result<(), CliError> {
    let text = spec_args::import_file(&args.file, args.scenarios_dir.as_deref())
        .map_err(CliError::bad_input)?;
    print!("{text}");
    Ok(())
}
