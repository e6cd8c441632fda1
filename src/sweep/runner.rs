//! Runs a plan on a rayon pool: chunks of the run list in parallel, each
//! chunk's records handed to the sinks in run-index order, then the next
//! chunk — so output is independent of --jobs and memory of sweep size.
//! A run that panics is recorded as failed and the sweep goes on (unless
//! fail-fast).

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::plan::{RunSpec, SweepPlan};
use super::progress::Progress;
use super::run_files::{run_with_files, RunFiles};
use crate::scenario::Scenario;
use crate::sim::RunResult;

/// The simulation as the runner sees it: a pure function of scenario and
/// seed that streams its events to the given path when there is one
/// (`run_files::simulate` in the binary; fakes in tests).
pub type SimFn = dyn Fn(&Scenario, i64, Option<&Path>) -> std::io::Result<RunResult> + Sync;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok(RunResult),
    Failed(String),
}

/// One finished run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub run: RunSpec,
    pub outcome: Outcome,
    pub wall_time_s: f64,
}

/// Where finished runs go, in run-index order: the tables (Parquet today;
/// another format is one more implementation).
pub trait RowSink {
    fn write(&mut self, plan: &SweepPlan, records: &[RunRecord]) -> Result<()>;
    /// Complete the output. A sink dropped without `finish` leaves nothing.
    fn finish(self: Box<Self>) -> Result<()>;
}

#[derive(Debug, Clone)]
pub struct ExecOptions {
    pub jobs: usize,
    pub fail_fast: bool,
    /// Record wall_time_s as 0 so whole files compare byte for byte.
    pub deterministic_timing: bool,
    /// Per-run files (metrics CSV, events JSONL), if any.
    pub run_files: Option<RunFiles>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub runs: usize,
    pub failed: usize,
    /// The first failure in run order: (run, message).
    pub first_failure: Option<(RunSpec, String)>,
    /// Fail-fast stopped the sweep; the sinks were not finished.
    pub stopped: bool,
}

/// Runs per chunk: enough to keep every thread busy, few enough to bound
/// memory. Row groups are cut by the sinks, so this does not show in output.
fn chunk_size(jobs: usize) -> usize {
    (jobs * 32).clamp(32, 4096)
}

/// Run every run of `plan` through `sim` (writing its per-run files) and feed
/// the sinks. Sinks are finished only when the sweep completes.
pub fn execute(
    plan: &SweepPlan,
    opts: &ExecOptions,
    sim: &SimFn,
    sinks: Vec<Box<dyn RowSink>>,
    progress: &Progress,
) -> Result<Summary> {
    let mut sinks = sinks;
    install_panic_capture();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name(|i| format!("sweep-{i}"))
        .build()
        .context("cannot start worker threads")?;
    let n = plan.n_runs();
    let stop = AtomicBool::new(false);
    let mut summary = Summary {
        runs: 0,
        failed: 0,
        first_failure: None,
        stopped: false,
    };
    let chunk = chunk_size(opts.jobs.max(1));
    for start in (0..n).step_by(chunk) {
        let end = (start + chunk).min(n);
        let records: Vec<Option<RunRecord>> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|i| {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let rec = run_one(plan, plan.run(i), opts, sim);
                    let failed = matches!(rec.outcome, Outcome::Failed(_));
                    if failed && opts.fail_fast {
                        stop.store(true, Ordering::Relaxed);
                    }
                    progress.inc(failed);
                    Some(rec)
                })
                .collect()
        });
        let done: Vec<RunRecord> = records.into_iter().flatten().collect();
        for rec in &done {
            summary.runs += 1;
            if let Outcome::Failed(msg) = &rec.outcome {
                summary.failed += 1;
                if summary.first_failure.is_none() {
                    summary.first_failure = Some((rec.run.clone(), msg.clone()));
                }
            }
        }
        if stop.load(Ordering::Relaxed) {
            summary.stopped = true;
            return Ok(summary); // sinks dropped unfinished: no tables
        }
        for sink in sinks.iter_mut() {
            sink.write(plan, &done)?;
        }
    }
    for sink in sinks {
        sink.finish()?;
    }
    Ok(summary)
}

fn run_one(plan: &SweepPlan, run: RunSpec, opts: &ExecOptions, sim: &SimFn) -> RunRecord {
    let scenario = &plan.configs[run.config].scenario;
    let files = opts.run_files.as_ref();
    let started = Instant::now();
    let result = catch_panic(|| run_with_files(files, &run.run_key, scenario, run.seed, sim));
    let wall = started.elapsed().as_secs_f64();
    let outcome = match result {
        Ok(Ok(r)) => Outcome::Ok(r),
        Ok(Err(e)) => Outcome::Failed(format!("{e:#}")),
        Err(msg) => Outcome::Failed(msg),
    };
    let wall_time_s = if opts.deterministic_timing { 0.0 } else { wall };
    RunRecord {
        run,
        outcome,
        wall_time_s,
    }
}

thread_local! {
    /// Set while a run executes on this thread: its panics are captured.
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Chain a panic hook that records (rather than prints) panics raised inside
/// `catch_panic`, and defers to the previous hook everywhere else.
fn install_panic_capture() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let payload = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "non-string panic payload".to_string());
                        *slot = match info.location() {
                            Some(l) => format!("panicked at {}:{}: {payload}", l.file(), l.line()),
                            None => format!("panicked: {payload}"),
                        };
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CAPTURE.with(|c| *c.borrow_mut() = Some(String::new()));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    let msg = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    r.map_err(|_| {
        if msg.is_empty() {
            "panicked".to_string()
        } else {
            msg
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_captured_with_location() {
        install_panic_capture();
        let r: Result<(), String> = catch_panic(|| panic!("boom {}", 7));
        let msg = r.unwrap_err();
        assert!(msg.starts_with("panicked at src/sweep/runner.rs:"), "{msg}");
        assert!(msg.ends_with("boom 7"), "{msg}");
        assert_eq!(catch_panic(|| 5), Ok(5));
    }

    #[test]
    fn chunks_are_bounded() {
        assert_eq!(chunk_size(1), 32);
        assert_eq!(chunk_size(16), 512);
        assert_eq!(chunk_size(1000), 4096);
    }
}
