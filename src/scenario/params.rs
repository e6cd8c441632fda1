//! STUB — replaced by the loader work. Dotted-path parameters for sweeps:
//! `governance.*`, `payoff.*`, `simulation.*`, `rate_limits.*`,
//! `agents.<type>.count`, `agents.<type>.config.<key>`.

use super::Scenario;

/// A value a sweep assigns to a parameter path.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// The type a parameter path takes (decides the Parquet column type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Bool,
    Int,
    Float,
    Str,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub message: String,
}

/// The kind of a valid path for this scenario, or an error naming the path
/// and suggesting the nearest valid one.
pub fn param_kind(_scenario: &Scenario, path: &str) -> Result<ParamKind, ParamError> {
    Err(ParamError {
        message: format!("unknown parameter '{path}' (stub)"),
    })
}

/// Set `path` to `value`, checking type and range like the loader does.
pub fn set_param(
    _scenario: &mut Scenario,
    path: &str,
    _value: &ParamValue,
) -> Result<(), ParamError> {
    Err(ParamError {
        message: format!("unknown parameter '{path}' (stub)"),
    })
}

/// The current value at `path`.
pub fn get_param(_scenario: &Scenario, _path: &str) -> Option<ParamValue> {
    None
}
