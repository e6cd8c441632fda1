//! Exit codes: a published contract, the same for `swarm` and `swarm-sweep`.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (also when success criteria fail: they are reported, not enforced) |
//! | 1 | runtime error: an output could not be written, I/O failure |
//! | 2 | bad input: invalid scenario or sweep spec, bad command-line usage |
//! | 3 | a sweep finished but some runs failed |
//! | 4 | a sweep was stopped by `--fail-fast` at a failed run (no tables written) |
//! | 130 | interrupted (Ctrl-C, SIGTERM); a sweep keeps its finished runs in its journal |

pub const SUCCESS: i32 = 0;
pub const RUNTIME_ERROR: i32 = 1;
pub const BAD_INPUT: i32 = 2;
pub const RUNS_FAILED: i32 = 3;
pub const SWEEP_STOPPED: i32 = 4;
pub const INTERRUPTED: i32 = 130;

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub error: anyhow::Error,
}

impl CliError {
    pub fn bad_input(error: impl Into<anyhow::Error>) -> CliError {
        CliError {
            code: BAD_INPUT,
            error: error.into(),
        }
    }
    pub fn runtime(error: impl Into<anyhow::Error>) -> CliError {
        CliError {
            code: RUNTIME_ERROR,
            error: error.into(),
        }
    }
}

/// Print `Error: ...` with its causes and return the exit code.
pub fn report(e: &CliError) -> i32 {
    eprintln!("Error: {:#}", e.error);
    e.code
}
