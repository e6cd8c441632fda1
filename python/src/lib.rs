//! `swarm_sweep._native`: the engine behind the Python package (python/swarm_sweep/).
//! The functions here take and return plain values (text, paths, bytes);
//! the pure-Python layer turns them into pyarrow tables, `Run` and `Sweep`
//! objects and exceptions. Errors cross as `(exit code, message)`: the
//! Python layer's `swarm_sweep.errors` maps each exit-code family of
//! `swarm_sweep::cli::exit::CODES` to one exception class.

use pyo3::prelude::*;

mod run;
mod sweep;

use swarm_sweep::cli::exit::{self, CliError};

/// The exception for `code`, built by `swarm_sweep.errors.from_code` (so
/// the classes, their docstrings and their bases live in Python).
pub(crate) fn error(py: Python<'_>, code: i32, message: impl Into<String>) -> PyErr {
    let message = message.into();
    let made = py
        .import("swarm_sweep.errors")
        .and_then(|m| m.getattr("from_code"))
        .and_then(|f| f.call1((code, message.clone())));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

pub(crate) fn bad_input(py: Python<'_>, message: impl Into<String>) -> PyErr {
    error(py, exit::BAD_INPUT, message)
}

/// A CLI error with the message `swarm` prints after `Error: `.
pub(crate) fn cli_error(py: Python<'_>, e: CliError) -> PyErr {
    error(py, e.code, format!("{:#}", e.error))
}

/// The exit codes and their meanings (`swarm_sweep::cli::exit::CODES`).
#[pyfunction]
fn exit_codes() -> Vec<(i32, &'static str)> {
    exit::CODES.to_vec()
}

/// The engine's version, as `swarm --version` prints it.
#[pyfunction]
fn engine_version() -> &'static str {
    swarm_sweep::cli::VERSION
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(exit_codes, m)?)?;
    m.add_function(wrap_pyfunction!(engine_version, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::analyze, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::check, m)?)?;
    Ok(())
}
