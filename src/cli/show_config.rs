//! `swarm-sweep show DIR --config ID`: a configuration of a finished sweep
//! as the scenario file it ran (from configs.parquet; `sweep::configs`).
//! Kept apart from the rest of `show` (the comparisons) so that either can
//! change without the other.

use std::io::Write;
use std::path::Path;

use super::exit::CliError;
use crate::sweep::configs;

/// Print configuration `id` of the sweep in `dir`: its resolved scenario
/// (YAML), after a comment naming its label and overrides.
pub fn show_config(dir: &Path, id: i64) -> Result<(), CliError> {
    let row = configs::read(dir, id).map_err(CliError::bad_input)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match out
        .write_all(row.scenario_yaml.as_bytes())
        .and_then(|()| out.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::runtime(anyhow::Error::new(e)))
        }
        _ => Ok(()),
    }
}
