//! Runs a list of a plan's runs on a rayon pool, workers taking runs in list
//! order (so a stop is quick and progress follows run order), handing each
//! finished run to a sink as soon as it is done (the journal). A run's
//! thread writes its metrics.csv, and the run reaches the sink only once
//! its files are in place (docs/performance.md "Per-run files"). A run that
//! panics is recorded as failed and the sweep goes on (unless fail-fast); an
//! output that cannot be written (full disk, read-only or forbidden
//! directory) stops the sweep, since every later run would fail the same way.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::Instant;

use anyhow::Result;

use super::plan::{RunSpec, SweepPlan};
use super::progress::Progress;
use super::run_files::{simulate_run, PendingFiles, RunFiles};
use super::run_list::RunList;
use crate::sim::RunResult;

pub use super::run_files::SimFn;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok(Box<RunResult>),
    Failed(String),
}

/// One finished run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub run: RunSpec,
    pub outcome: Outcome,
    pub wall_time_s: f64,
}

/// Where finished runs go, as they finish (from worker threads, in any
/// order): the journal.
pub trait RunSink: Sync {
    fn record(&self, rec: &RunRecord) -> Result<()>;
    /// Called between runs: make what was recorded durable (now and then).
    fn checkpoint(&self) -> Result<()>;
    /// Block until the `k`-th run of the list may start (a consumer that
    /// needs runs in order keeps the workers within a window of it).
    fn wait_turn(&self, _k: usize) {}
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

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Runs that finished (and were recorded).
    pub runs: usize,
    pub failed: usize,
    /// The first failure in run order: (run, message).
    pub first_failure: Option<(RunSpec, String)>,
    /// Fail-fast stopped the sweep.
    pub stopped: bool,
    /// The interrupt flag stopped the sweep.
    pub interrupted: bool,
}

/// How far ahead of the oldest unconsumed run the workers may go: runs
/// that finish early wait (in memory) for their turn to be written.
pub fn window(jobs: usize) -> usize {
    (jobs * 16).max(64)
}

/// Run the runs `todo` (indices into the plan's run list, ascending) through
/// `sim`, writing their per-run files, and record each in `sink`. Workers
/// take runs in list order from a shared cursor, so runs finish roughly in
/// order and no worker waits for another except at the very end. Stops
/// starting runs once `interrupt` is set (runs under way finish and are
/// recorded). An error is an output that could not be written.
pub fn execute(
    plan: &SweepPlan,
    todo: &RunList,
    opts: &ExecOptions,
    sim: &SimFn,
    sink: &dyn RunSink,
    progress: &Progress,
    interrupt: &AtomicBool,
) -> Result<Summary> {
    install_panic_capture();
    // The process's pool of `--jobs` threads (the analysis runs on it
    // next); no more workers than runs to do.
    let pool = super::workers::pool(opts.jobs)?;
    let jobs = opts.jobs.clamp(1, todo.len().max(1));
    let stop = AtomicBool::new(false);
    let fatal: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let give_up = |e: anyhow::Error| {
        stop.store(true, Ordering::Relaxed);
        let mut f = fatal.lock().unwrap_or_else(|p| p.into_inner());
        f.get_or_insert(e);
    };
    let cursor = AtomicUsize::new(0);
    // (runs, failed, first failure by position in `todo`)
    type Tally = (usize, usize, Option<(usize, RunSpec, String)>);
    let tally: Mutex<Tally> = Mutex::new((0, 0, None));
    // A run is recorded once its files are written: the journal never
    // holds a run whose files a crash lost.
    let finish = |k: usize, rec: RunRecord| {
        if let Err(e) = sink.record(&rec) {
            return give_up(e);
        }
        let failure = match rec.outcome {
            Outcome::Failed(msg) => Some(msg),
            Outcome::Ok(_) => None,
        };
        progress.inc(failure.is_some());
        {
            let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
            t.0 += 1;
            if let Some(msg) = failure {
                t.1 += 1;
                if t.2.as_ref().is_none_or(|(first, ..)| k < *first) {
                    t.2 = Some((k, rec.run, msg));
                }
                if opts.fail_fast {
                    stop.store(true, Ordering::Relaxed);
                }
            }
        }
        if let Err(e) = sink.checkpoint() {
            give_up(e);
        }
    };
    // The run's thread writes its file, then records the run: a hand-off to
    // writer threads cost more CPU (futex calls, context switches) than it
    // saved, the file system's work being CPU time either way (no fsync).
    let store = |k: usize, mut rec: RunRecord, files: PendingFiles| {
        let started = Instant::now();
        match catch_panic(|| files.write()) {
            Ok(Ok(())) => {}
            Ok(Err(e)) if is_storage_error(&e) => return give_up(e),
            Ok(Err(e)) => rec.outcome = Outcome::Failed(format!("{e:#}")),
            Err(msg) => rec.outcome = Outcome::Failed(msg),
        }
        if !opts.deterministic_timing {
            rec.wall_time_s += started.elapsed().as_secs_f64();
        }
        finish(k, rec);
    };
    let work = || loop {
        if stop.load(Ordering::Relaxed) || interrupt.load(Ordering::Relaxed) {
            return;
        }
        let k = cursor.fetch_add(1, Ordering::Relaxed);
        let Some(i) = todo.get(k) else { return };
        sink.wait_turn(k);
        if stop.load(Ordering::Relaxed) || interrupt.load(Ordering::Relaxed) {
            return;
        }
        match run_one(plan, plan.run(i), opts, sim) {
            Ok((rec, None)) => finish(k, rec),
            Ok((rec, Some(files))) => store(k, rec, files),
            Err(e) => give_up(e),
        }
    };
    pool.scope(|s| {
        for _ in 0..jobs {
            s.spawn(|_| work());
        }
    });
    // Whatever happened, what finished is made durable first.
    let synced = sink.checkpoint();
    if let Some(e) = fatal.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    synced?;
    let (runs, failed, first) = tally.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(Summary {
        runs,
        failed,
        first_failure: first.map(|(_, run, msg)| (run, msg)),
        stopped: stop.load(Ordering::Relaxed),
        // An interrupt after the last run changes nothing.
        interrupted: !stop.load(Ordering::Relaxed)
            && interrupt.load(Ordering::Relaxed)
            && runs < todo.len(),
    })
}

/// Run one run, its per-run files formatted but not written (unless its
/// events streamed to theirs). A failure to write one of its files for
/// lack of space or permission is an error (the sweep stops); any other
/// failure, a panic included, is the run's outcome.
fn run_one(
    plan: &SweepPlan,
    run: RunSpec,
    opts: &ExecOptions,
    sim: &SimFn,
) -> Result<(RunRecord, Option<PendingFiles>)> {
    let scenario = &plan.configs[run.config].scenario;
    let files = opts.run_files.as_ref();
    let started = Instant::now();
    // A run too large to hold is a failed run, not an aborted sweep.
    if let Err(e) = crate::sim::footprint::check(scenario) {
        let rec = RunRecord {
            run,
            outcome: Outcome::Failed(e.to_string()),
            wall_time_s: 0.0,
        };
        return Ok((rec, None));
    }
    let result = catch_panic(|| simulate_run(files, &run.run_key, scenario, run.seed, sim));
    let wall = started.elapsed().as_secs_f64();
    let (outcome, pending) = match result {
        // A run the reference's result cannot be reproduced for fails.
        Ok(Ok((r, pending))) => match &r.unreproducible {
            Some(why) => (Outcome::Failed(format!("not reproducible: {why}")), pending),
            None => (Outcome::Ok(Box::new(r)), pending),
        },
        Ok(Err(e)) if is_storage_error(&e) => return Err(e),
        Ok(Err(e)) => (Outcome::Failed(format!("{e:#}")), None),
        Err(msg) => (Outcome::Failed(msg), None),
    };
    let wall_time_s = if opts.deterministic_timing { 0.0 } else { wall };
    let rec = RunRecord {
        run,
        outcome,
        wall_time_s,
    };
    Ok((rec, pending))
}

/// Whether `e` comes from the file system refusing a write: no space, a
/// quota, a read-only file system, a permission.
pub fn is_storage_error(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind as K;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                K::StorageFull | K::QuotaExceeded | K::ReadOnlyFilesystem | K::PermissionDenied
            )
        })
    })
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
    fn the_window_grows_with_the_workers() {
        assert_eq!(window(1), 64);
        assert_eq!(window(16), 256);
    }
}
