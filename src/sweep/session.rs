//! One sweep process from start to end (docs/sweep.md, docs/scale-out.md):
//! open the journal, run the runs it lacks (this shard's, or all of them),
//! while this process's tables are written in run order — runs.parquet and
//! epochs.parquet, or a shard's part files and part manifest.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::journal::{Header, Journal, JournalError};
use super::part::{self, FailedRun, Outputs, PartManifest, PartTable};
use super::plan::{RunSpec, SweepPlan};
use super::progress::Progress;
use super::rows::RunRows;
use super::runner::{self, ExecOptions, RunRecord, RunSink, SimFn, Summary};
use super::shard::Shard;
use super::table::{Table, TableSink};

#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub out_dir: PathBuf,
    pub shard: Option<Shard>,
    pub exec: ExecOptions,
    /// Discard a journal of another sweep (and this process's old outputs).
    pub force_new: bool,
}

/// The runs of `plan` that `shard` takes (all without a shard), ascending.
pub fn assigned_runs(plan: &SweepPlan, shard: Option<&Shard>) -> Vec<usize> {
    let Some(shard) = shard else {
        return (0..plan.n_runs()).collect();
    };
    let mut runs: Vec<usize> = (0..plan.n_runs())
        .filter(|&i| shard.contains(i, &plan.run(i).run_key))
        .collect();
    runs.shrink_to_fit();
    runs
}

/// A sweep whose journal is open: what is done and what is left.
pub struct Prepared {
    pub outputs: Outputs,
    pub journal: Journal,
    /// This process's runs, ascending.
    pub assigned: Vec<usize>,
    /// Those without an ok line in the journal (failed ones are retried).
    pub todo: Vec<usize>,
    /// Of `assigned`, runs the journal already holds: ok, failed.
    pub resumed_ok: usize,
    pub resumed_failed: usize,
    /// Problems found in the journal (a truncated last line, ...).
    pub warnings: Vec<String>,
}

/// How the sweep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every run finished; the tables (or part files) are written.
    Complete,
    /// `--fail-fast` stopped at a failed run; no tables.
    Stopped,
    /// Interrupted (SIGINT, SIGTERM); no tables.
    Interrupted,
}

#[derive(Debug, Clone)]
pub struct SweepReport {
    pub end: End,
    /// What this process ran.
    pub ran: Summary,
    /// Failed runs among the assigned ones (after retries), when complete.
    pub failed: usize,
    /// The first of them in run order.
    pub first_failure: Option<(RunSpec, String)>,
    /// Files written under final names.
    pub written: Vec<PathBuf>,
}

/// Open (or create) the journal of `opts`' output, and work out what is
/// left. Creates the output directory.
pub fn prepare(plan: &SweepPlan, opts: &SweepOptions) -> Result<Prepared, JournalError> {
    let outputs = Outputs {
        dir: opts.out_dir.clone(),
        shard: opts.shard,
    };
    std::fs::create_dir_all(&outputs.dir)
        .with_context(|| format!("cannot create output directory {}", outputs.dir.display()))?;
    let header = Header::new(plan, opts.shard.map(|s| s.to_string()));
    let opened = Journal::open(&outputs.journal(), plan, &header, opts.force_new)?;
    let journal = opened.journal;
    // Our outputs are about to be rewritten: a part manifest must not claim
    // a complete part meanwhile; --force-new drops results of the old sweep.
    let mut stale: Vec<PathBuf> = outputs.manifest().into_iter().collect();
    if opts.force_new {
        stale = outputs.finals();
    }
    for f in stale {
        match std::fs::remove_file(&f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(JournalError::Io(
                    anyhow::Error::new(e).context(format!("cannot remove {}", f.display())),
                ))
            }
            _ => {}
        }
    }
    part::remove_stale_temporaries(&outputs.finals());
    let assigned = assigned_runs(plan, opts.shard.as_ref());
    let (mut resumed_ok, mut resumed_failed) = (0, 0);
    let mut todo = Vec::with_capacity(assigned.len());
    for &i in &assigned {
        match journal.state(i) {
            Some(true) => resumed_ok += 1,
            Some(false) => {
                resumed_failed += 1;
                todo.push(i);
            }
            None => todo.push(i),
        }
    }
    todo.shrink_to_fit();
    Ok(Prepared {
        outputs,
        journal,
        assigned,
        todo,
        resumed_ok,
        resumed_failed,
        warnings: opened.warnings,
    })
}

/// Records finished runs in the journal, and hands them to the table writer.
struct JournalSink<'a> {
    plan: &'a SweepPlan,
    journal: &'a Journal,
    rows: SyncSender<RunRows>,
    /// The table writer gave up (its error is the sweep's).
    writer_failed: &'a AtomicBool,
    turn: &'a Turn,
    last_sync: Mutex<Instant>,
}

/// How many of the runs to do the table writer has consumed; workers stay
/// within `runner::window` of it, which bounds the runs held in memory.
struct Turn {
    consumed: Mutex<usize>,
    moved: Condvar,
    window: usize,
}

impl Turn {
    fn wait(&self, k: usize) {
        let mut c = self.consumed.lock().unwrap_or_else(|e| e.into_inner());
        while k >= c.saturating_add(self.window) {
            c = self.moved.wait(c).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn set(&self, consumed: usize) {
        *self.consumed.lock().unwrap_or_else(|e| e.into_inner()) = consumed;
        self.moved.notify_all();
    }
}

/// How often finished runs are made durable while a sweep runs (and always
/// at its end). Per chunk was a serial fsync every few milliseconds.
const SYNC_EVERY: Duration = Duration::from_secs(1);

impl RunSink for JournalSink<'_> {
    fn record(&self, rec: &RunRecord) -> Result<()> {
        let rows = RunRows::from_record(self.plan, rec);
        self.journal.append(&rows)?;
        if self.writer_failed.load(Ordering::Relaxed) || self.rows.send(rows).is_err() {
            anyhow::bail!("the tables could not be written");
        }
        Ok(())
    }
    fn checkpoint(&self) -> Result<()> {
        let mut last = self.last_sync.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < SYNC_EVERY {
            return Ok(());
        }
        self.journal.sync()?;
        *last = Instant::now();
        Ok(())
    }
    fn wait_turn(&self, k: usize) {
        self.turn.wait(k);
    }
}

/// The tables as the writer left them.
struct Written {
    runs: TableSink,
    epochs: TableSink,
    n_runs: usize,
    n_epochs: usize,
    failed: Vec<FailedRun>,
    first_failure: Option<(RunSpec, String)>,
}

/// Runs handed over out of order, waiting for their turn (at most a
/// window of them).
type Reorder = BTreeMap<usize, RunRows>;

impl Prepared {
    /// Run what is left, then (when every run has finished) write the tables.
    /// The tables are written in run order while the runs go on: runs this
    /// process finishes come straight from the workers, runs an earlier
    /// process finished are read from the journal. A sweep that stops early
    /// leaves no tables.
    pub fn run(
        &self,
        plan: &SweepPlan,
        exec: &ExecOptions,
        sim: &SimFn,
        progress: &Progress,
        interrupt: &AtomicBool,
    ) -> Result<SweepReport> {
        let writer_failed = AtomicBool::new(false);
        let window = runner::window(exec.jobs.max(1));
        let turn = Turn {
            consumed: Mutex::new(0),
            moved: Condvar::new(),
            window,
        };
        let (tx, rx) = sync_channel::<RunRows>(window);
        let (ran, written) = std::thread::scope(|scope| {
            let runner = scope.spawn(|| {
                let sink = JournalSink {
                    plan,
                    journal: &self.journal,
                    rows: tx,
                    writer_failed: &writer_failed,
                    turn: &turn,
                    last_sync: Mutex::new(Instant::now()),
                };
                runner::execute(plan, &self.todo, exec, sim, &sink, progress, interrupt)
            });
            let written = self.write_tables(plan, &rx, &turn);
            // From here on no worker waits for the writer.
            turn.set(usize::MAX);
            if written.is_err() {
                writer_failed.store(true, Ordering::Relaxed);
                // Let the workers finish what they hold.
                while rx.recv().is_ok() {}
            }
            let ran = match runner.join() {
                Ok(ran) => ran,
                Err(p) => std::panic::resume_unwind(p),
            };
            (ran, written)
        });
        // What finished is durable before anything is reported.
        let synced = self.journal.sync();
        let written = written?;
        let ran = ran?;
        synced?;
        progress.finish();
        let end = if ran.stopped {
            End::Stopped
        } else if ran.interrupted {
            End::Interrupted
        } else {
            End::Complete
        };
        let mut report = SweepReport {
            end,
            failed: ran.failed,
            first_failure: ran.first_failure.clone(),
            ran,
            written: Vec::new(),
        };
        if let (End::Complete, Some(w)) = (end, written) {
            self.finish_tables(plan, w, &mut report)?;
        }
        Ok(report)
    }

    /// Write the tables in run order from the journal (runs finished before)
    /// and `rx` (runs finishing now). `None` when `rx` closes first: the
    /// sweep stopped, and the unfinished files are removed.
    fn write_tables(
        &self,
        plan: &SweepPlan,
        rx: &Receiver<RunRows>,
        turn: &Turn,
    ) -> Result<Option<Written>> {
        let o = &self.outputs;
        let mut w = Written {
            runs: TableSink::create(plan, Table::Runs, &o.table(Table::Runs))?,
            epochs: TableSink::create(plan, Table::Epochs, &o.table(Table::Epochs))?,
            n_runs: 0,
            n_epochs: 0,
            failed: Vec::new(),
            first_failure: None,
        };
        let mut waiting = Reorder::new();
        let mut todo = self.todo.iter().peekable();
        let mut consumed = 0;
        for &i in &self.assigned {
            let rows = if todo.next_if_eq(&&i).is_some() {
                let Some(rows) = next_in_order(i, &mut waiting, rx) else {
                    return Ok(None);
                };
                consumed += 1;
                // Waking the workers is a system call: every few runs.
                if consumed % (turn.window / 4).max(1) == 0 {
                    turn.set(consumed);
                }
                rows
            } else {
                self.journal.read(i)?
            };
            let run = plan.run(i);
            w.runs.write(plan, &run, &rows)?;
            w.epochs.write(plan, &run, &rows)?;
            w.n_runs += 1;
            w.n_epochs += rows.epochs.len();
            if let Some(e) = rows.error {
                if w.failed.is_empty() {
                    w.first_failure = Some((run.clone(), e.clone()));
                }
                w.failed.push(FailedRun {
                    index: i,
                    run_key: run.run_key,
                    error: e,
                });
            }
        }
        Ok(Some(w))
    }

    /// Close the tables under their names, then (for a shard) write the part
    /// manifest that says they are complete.
    fn finish_tables(&self, plan: &SweepPlan, w: Written, report: &mut SweepReport) -> Result<()> {
        let o = &self.outputs;
        report.failed = w.failed.len();
        report.first_failure = w.first_failure;
        let failed = w.failed;
        let (n_runs, n_epochs) = (w.n_runs, w.n_epochs);
        w.runs.finish()?;
        report.written.push(o.table(Table::Runs));
        w.epochs.finish()?;
        report.written.push(o.table(Table::Epochs));
        let (Some(shard), Some(path)) = (&o.shard, o.manifest()) else {
            return Ok(());
        };
        let table = |t: Table, rows: usize| -> Result<PartTable> {
            let path = o.table(t);
            let sha256 = super::key::sha256_file(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok(PartTable {
                table: t.name().into(),
                file: path
                    .file_name()
                    .expect("a file")
                    .to_string_lossy()
                    .into_owned(),
                rows,
                sha256,
            })
        };
        let manifest = PartManifest {
            swarm_sweep_part: part::FORMAT,
            spec_hash: plan.spec_hash(),
            name: plan.spec.name.clone(),
            engine_version: env!("CARGO_PKG_VERSION").into(),
            shard: shard.to_string(),
            strategy: shard.strategy.name().into(),
            k: shard.k,
            n: shard.n,
            n_runs: plan.n_runs(),
            runs: self.assigned.clone(),
            run_keys: self.assigned.iter().map(|&i| plan.run(i).run_key).collect(),
            failed,
            tables: vec![table(Table::Runs, n_runs)?, table(Table::Epochs, n_epochs)?],
        };
        part::write_manifest(&path, &manifest)?;
        report.written.push(path);
        Ok(())
    }
}

/// Run `i`'s rows from the workers, keeping the ones that come early;
/// `None` once they have stopped sending.
fn next_in_order(i: usize, waiting: &mut Reorder, rx: &Receiver<RunRows>) -> Option<RunRows> {
    loop {
        if let Some(rows) = waiting.remove(&i) {
            return Some(rows);
        }
        let rows = rx.recv().ok()?;
        if rows.index == i {
            return Some(rows);
        }
        waiting.insert(rows.index, rows);
    }
}
