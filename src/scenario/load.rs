//! STUB — replaced by the loader work. Signatures are the contract.

use std::path::Path;

use super::Scenario;

/// Options for loading a scenario file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Turn warnings (keys the reference ignores) into errors.
    pub strict: bool,
}

/// A non-fatal finding: e.g. a key the reference silently ignores.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// e.g. `scenarios/x.yaml:12: governance.moderator_enabled: ...`
    pub message: String,
}

/// A loaded scenario plus the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Warning>,
}

/// A scenario that cannot be used. Display names file, key path and line.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ScenarioError {
    pub message: String,
}

pub fn load_file(path: &Path, opts: LoadOptions) -> Result<Loaded, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        message: format!("{}: {e}", path.display()),
    })?;
    load_str(&text, &path.display().to_string(), opts)
}

pub fn load_str(_text: &str, origin: &str, _opts: LoadOptions) -> Result<Loaded, ScenarioError> {
    Err(ScenarioError {
        message: format!("{origin}: loader not implemented yet"),
    })
}
