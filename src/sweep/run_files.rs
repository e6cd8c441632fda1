//! Per-run files under `<out>/runs/<run_key>/`: metrics.csv (on by default)
//! and events.jsonl (off by default), written by the `output/` writers, each
//! atomically. events.jsonl streams while its run goes; metrics.csv is
//! formatted once the run is done and written by the runner, on the run's
//! thread. Also the simulation entry point the sweep calls.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::contract::file;
use crate::output::atomic::{write_file, write_fresh};
use crate::output::{csv, jsonl};
use crate::scenario::Scenario;
use crate::sim::{self, RunResult};

/// The simulation as the runner sees it: a pure function of scenario and
/// seed that streams its events to the given path when there is one
/// (`simulate` in the binary; fakes in tests).
pub type SimFn = dyn Fn(&Scenario, i64, Option<&Path>) -> io::Result<RunResult> + Sync;

/// Which per-run files to write, and where.
#[derive(Debug, Clone)]
pub struct RunFiles {
    /// The sweep's output directory (files go under `runs/<run_key>/`).
    pub dir: PathBuf,
    pub metrics_csv: bool,
    pub events_jsonl: bool,
}

impl RunFiles {
    pub fn any(&self) -> bool {
        self.metrics_csv || self.events_jsonl
    }

    /// The first of this run's files that should be there and is not.
    pub fn missing(&self, run_key: &str) -> Option<&'static str> {
        let dir = file::run_dir(&self.dir, run_key);
        [
            (self.metrics_csv, file::RUN_METRICS),
            (self.events_jsonl, file::RUN_EVENTS),
        ]
        .into_iter()
        .find(|(on, name)| *on && !dir.join(name).is_file())
        .map(|(_, name)| name)
    }
}

/// The real simulation: `sim::run`, or with its events streamed to `events`.
pub fn simulate(scenario: &Scenario, seed: i64, events: Option<&Path>) -> io::Result<RunResult> {
    match events {
        Some(path) => jsonl::write_events_jsonl(path, scenario, seed),
        None => Ok(sim::run(scenario, seed)),
    }
}

/// Run one run through `sim`; its events stream to their file as it runs,
/// and its metrics.csv comes back formatted, for [`PendingFiles::write`]
/// (the runner writes it, then records the run: docs/performance.md
/// "Per-run files").
pub fn simulate_run(
    files: Option<&RunFiles>,
    run_key: &str,
    scenario: &Scenario,
    seed: i64,
    sim: &SimFn,
) -> Result<(RunResult, Option<PendingFiles>)> {
    let Some(files) = files.filter(|f| f.any()) else {
        return Ok((sim(scenario, seed, None)?, None));
    };
    let dir = file::run_dir(&files.dir, run_key);
    // The events are written while the run goes: its folder first.
    let made = if files.events_jsonl {
        Some(prepare_run_dir(&dir)?)
    } else {
        None
    };
    let events = files.events_jsonl.then(|| dir.join(file::RUN_EVENTS));
    let result = sim(scenario, seed, events.as_deref())
        .with_context(|| format!("cannot write {}", dir.join(file::RUN_EVENTS).display()))?;
    let pending = files.metrics_csv.then(|| PendingFiles {
        metrics: csv::metrics_text(&csv::columns(scenario), &result.epochs),
        dir,
        made,
    });
    Ok((result, pending))
}

/// A finished run's metrics.csv, formatted and not yet written.
#[derive(Debug)]
pub struct PendingFiles {
    dir: PathBuf,
    /// Whether the run's folder was made by this attempt (`Some(true)`),
    /// was there before (`Some(false)`), or is not made yet (`None`).
    made: Option<bool>,
    metrics: String,
}

impl PendingFiles {
    /// Write the file (atomically) into the run's folder, made if need be.
    pub fn write(self) -> Result<()> {
        let fresh = match self.made {
            Some(fresh) => fresh,
            None => prepare_run_dir(&self.dir)?,
        };
        let path = self.dir.join(file::RUN_METRICS);
        // A folder this attempt made holds nothing to check or replace.
        let written = if fresh {
            write_fresh(&path, self.metrics.as_bytes())
        } else {
            write_file(&path, self.metrics.as_bytes())
        };
        written.with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Make the run's folder, or check the one an earlier attempt left and
/// clear its temporaries; `true` when this call made it.
fn prepare_run_dir(dir: &Path) -> Result<bool> {
    let fresh = make_run_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if !fresh {
        // A run's folder is the engine's: never written through a link.
        if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
            anyhow::bail!(
                "{} is a symbolic link; swarm-sweep never writes through it",
                dir.display()
            );
        }
        remove_temporaries(dir);
    }
    Ok(fresh)
}

/// Create the run's folder; `true` when this call made it (so it is empty
/// and no link), `false` when it was there (an earlier attempt at the run).
/// The fewest system calls: per-run files are written once per run, and on
/// a busy disk a folder or file creation costs more than the run itself.
fn make_run_dir(dir: &Path) -> io::Result<bool> {
    match std::fs::create_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match std::fs::create_dir(dir) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Remove the temporary files (`.NAME.tmp-PID`) a killed attempt at this run
/// left in its folder: the run is running again, so none is being written.
fn remove_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(".tmp-") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
