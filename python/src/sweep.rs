//! `swarm_sweep.sweep`, `analyze` and `check`: the steps of `swarm-sweep`
//! (`cli::sweep`), in the same order and with the same checks and messages,
//! minus the terminal: warnings and counts are returned, errors raised.
//! The sweep runs on its own thread (and the rayon pool) while the calling
//! thread, without the GIL, wakes every 100 ms to let Python handle
//! signals: Ctrl-C sets the sweep's stop flag, the runs under way finish
//! into the journal, and KeyboardInterrupt is raised; calling again resumes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use pyo3::prelude::*;

use swarm_sweep::analysis::plot::PlotFormat;
use swarm_sweep::check::tolerance::ToleranceItem;
use swarm_sweep::cli::check::CheckArgs;
use swarm_sweep::cli::exit::{self, CliError};
use swarm_sweep::cli::results::{analyze_results, AnalyzeResults};
use swarm_sweep::cli::spec_args::{self, SpecInput};
use swarm_sweep::sweep::journal::JournalError;
use swarm_sweep::sweep::progress::{Mode, Progress};
use swarm_sweep::sweep::run_files::{self, RunFiles};
use swarm_sweep::sweep::runner::{ExecOptions, SimFn};
use swarm_sweep::sweep::session::{self, End, SweepOptions};
use swarm_sweep::sweep::spec;

use crate::{bad_input, cli_error, error};

/// What a finished sweep hands the Python layer (the tables are files in
/// `out_dir`).
#[pyclass(frozen, get_all)]
pub struct SweepOutput {
    out_dir: String,
    name: String,
    n_runs: usize,
    failed: usize,
    /// Runs taken from the journal or the tables of an earlier call.
    reused: usize,
    /// Runs that ran in this call.
    ran: usize,
    /// The first failed run's message.
    first_failure: Option<String>,
    warnings: Vec<String>,
}

fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Run the sweep spec (a file when `is_path`, else YAML text whose relative
/// paths start at `spec_dir`) into `out`.
#[pyfunction]
#[pyo3(signature = (spec, is_path, out, spec_dir=".".to_string(), jobs=None, progress=true,
    run_files=true, events=false, allow_unmodelled=false, strict=false, force_new=false,
    fail_fast=false, analyze=true, plots=true))]
#[allow(clippy::too_many_arguments)]
pub fn sweep(
    py: Python<'_>,
    spec: &str,
    is_path: bool,
    out: PathBuf,
    spec_dir: String,
    jobs: Option<usize>,
    progress: bool,
    run_files: bool,
    events: bool,
    allow_unmodelled: bool,
    strict: bool,
    force_new: bool,
    fail_fast: bool,
    analyze: bool,
    plots: bool,
) -> PyResult<SweepOutput> {
    if jobs == Some(0) {
        return Err(bad_input(py, "jobs: at least 1 thread"));
    }
    let input = if is_path {
        spec_args::from_file(Path::new(spec), None, allow_unmodelled)
    } else {
        spec::parse(spec, "<spec>")
            .map(|s| SpecInput {
                spec: s,
                dir: PathBuf::from(&spec_dir),
            })
            .map_err(Into::into)
    }
    .map_err(|e| bad_input(py, e.to_string()))?;
    let plan =
        spec_args::resolve(input, allow_unmodelled).map_err(|e| bad_input(py, e.to_string()))?;
    let mut warnings = plan.warnings.clone();
    for e in &plan.inert {
        if strict {
            return Err(bad_input(py, e.to_string()));
        }
        warnings.push(format!("{e} (strict=True refuses this)"));
    }
    let outputs = &plan.spec.outputs;
    let files = RunFiles {
        dir: out.clone(),
        metrics_csv: run_files && outputs.metrics_csv,
        events_jsonl: run_files && (outputs.events_jsonl || events),
    };
    let jobs = threads(jobs);
    let opts = SweepOptions {
        out_dir: out.clone(),
        shard: None,
        exec: ExecOptions {
            jobs,
            fail_fast,
            deterministic_timing: false,
            run_files: files.any().then_some(files),
        },
        force_new,
        keep_journal: false,
    };
    let prepared = session::prepare(&plan, &opts).map_err(|e| {
        let code = match e {
            JournalError::Locked { .. } | JournalError::Io(_) => exit::RUNTIME_ERROR,
            _ => exit::BAD_INPUT,
        };
        error(py, code, format!("{:#}", anyhow::Error::from(e)))
    })?;
    warnings.extend(prepared.warnings.iter().cloned());
    let progress = Progress::new(prepared.todo.len(), Mode::detect(!progress));
    let stop = AtomicBool::new(false);
    let (plan_ref, prepared_ref, exec) = (&plan, &prepared, &opts.exec);
    let (progress_ref, stop_ref) = (&progress, &stop);
    let (report, interrupted) = std::thread::scope(|scope| {
        let (done, wait) = mpsc::channel();
        scope.spawn(move || {
            let sim: &SimFn = &run_files::simulate;
            let r = prepared_ref.run(plan_ref, exec, sim, progress_ref, stop_ref);
            let _ = done.send(r);
        });
        let mut interrupted = None;
        let mut wait = Some(wait);
        loop {
            // The receiver goes into the GIL-free wait and comes back (it is
            // Send, not Sync).
            let rx = wait.take().expect("the receiver is back after each wait");
            let (rx, got) = py.detach(move || {
                let got = rx.recv_timeout(Duration::from_millis(100));
                (rx, got)
            });
            wait = Some(rx);
            match got {
                Ok(r) => return (r, interrupted),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return (Err(anyhow::anyhow!("the sweep thread ended")), interrupted)
                }
            }
            if interrupted.is_none() {
                if let Err(e) = py.check_signals() {
                    stop_ref.store(true, Ordering::SeqCst);
                    interrupted = Some(e);
                }
            }
        }
    });
    progress.finish();
    let journal = prepared.journal.path().display().to_string();
    let report = report.map_err(|e| {
        error(
            py,
            exit::RUNTIME_ERROR,
            format!(
                "{e:#}\n  the sweep stopped; its finished runs are kept in {journal}: call \
                 again to resume"
            ),
        )
    })?;
    warnings.extend(report.warnings.iter().cloned());
    let finished = prepared.resumed_ok + report.ran.runs;
    match report.end {
        End::Stopped => {
            return Err(error(
                py,
                exit::SWEEP_STOPPED,
                format!(
                    "stopped by fail_fast after {finished} of {} runs; no tables written \
                     (finished runs are in {journal}){}",
                    prepared.assigned.len(),
                    report
                        .first_failure
                        .as_ref()
                        .map(|(r, m)| format!(": run {} (seed {}) failed: {m}", r.index, r.seed))
                        .unwrap_or_default()
                ),
            ))
        }
        End::Interrupted => {
            eprintln!(
                "interrupted after {finished} of {} runs; no tables written. The finished \
                 runs are in {journal}: call again to resume",
                prepared.assigned.len()
            );
            return Err(interrupted.unwrap_or_else(|| {
                pyo3::exceptions::PyKeyboardInterrupt::new_err("the sweep was interrupted")
            }));
        }
        End::Complete => {}
    }
    if let Some(e) = interrupted {
        // Ctrl-C after the last run: the tables are complete; still an interrupt.
        return Err(e);
    }
    if analyze {
        let a = AnalyzeResults {
            plots: if plots {
                PlotFormat::Both
            } else {
                PlotFormat::None
            },
            ..AnalyzeResults::new(out.clone(), jobs, true)
        };
        py.detach(|| analyze_results(&a))
            .map_err(|e| cli_error(py, e))?;
    }
    Ok(SweepOutput {
        out_dir: out.display().to_string(),
        name: plan.spec.name.clone(),
        n_runs: prepared.assigned.len(),
        failed: report.failed,
        reused: prepared.reused(),
        ran: report.ran.runs,
        first_failure: report.first_failure.map(|(r, m)| {
            format!(
                "run {} (run_key {}, seed {}): {m}",
                r.index, r.run_key, r.seed
            )
        }),
        warnings,
    })
}

/// The analysis step on a results directory (`swarm-sweep analyze DIR`).
#[pyfunction]
#[pyo3(signature = (results_dir, jobs=None, plots=true, notes=None, metrics=Vec::new()))]
pub fn analyze(
    py: Python<'_>,
    results_dir: PathBuf,
    jobs: Option<usize>,
    plots: bool,
    notes: Option<PathBuf>,
    metrics: Vec<String>,
) -> PyResult<Vec<String>> {
    let a = AnalyzeResults {
        plots: if plots {
            PlotFormat::Both
        } else {
            PlotFormat::None
        },
        notes,
        metrics,
        ..AnalyzeResults::new(results_dir, threads(jobs), true)
    };
    let written = py
        .detach(|| analyze_results(&a))
        .map_err(|e: CliError| cli_error(py, e))?;
    Ok(written.iter().map(|p| p.display().to_string()).collect())
}

/// `swarm-sweep check SPEC --against DIR --junit JUNIT`: returns the exit
/// code (0 passed, 5 a regression); the verdicts are in the JUnit file.
#[pyfunction]
#[pyo3(signature = (spec, against, junit, tolerance=Vec::new(), criteria=false, jobs=None,
    allow_unmodelled=false))]
#[allow(clippy::too_many_arguments)]
pub fn check(
    py: Python<'_>,
    spec: PathBuf,
    against: PathBuf,
    junit: PathBuf,
    tolerance: Vec<String>,
    criteria: bool,
    jobs: Option<usize>,
    allow_unmodelled: bool,
) -> PyResult<i32> {
    let tolerance = tolerance
        .iter()
        .map(|t| ToleranceItem::parse(t).map_err(|e| bad_input(py, format!("tolerance: {e}"))))
        .collect::<PyResult<Vec<_>>>()?;
    let args = CheckArgs {
        spec,
        against,
        criteria,
        tolerance,
        junit: Some(junit),
        jobs: Some(threads(jobs) as u32),
        out: None,
        quiet: true,
        allow_unmodelled,
    };
    py.detach(|| swarm_sweep::cli::check::try_run(&args, &run_files::simulate))
        .map_err(|e| cli_error(py, e))
}
