//! One sweep process from start to end (docs/sweep.md, docs/scale-out.md):
//! open the journal, run the runs it lacks (this shard's, or all of them),
//! while this process's tables are written in run order — runs.parquet and
//! epochs.parquet, or a shard's part files and part manifest.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::columns::Table;
use super::configs;
use super::journal::{Header, Journal, JournalError};
use super::owned;
use super::part::{self, FailedRun, Outputs, PartManifest, PartTable};
use super::plan::{RunSpec, SweepPlan};
use super::progress::Progress;
use super::reuse::{self, ImportError, Needed};
use super::rows::RunRows;
use super::run_list::RunList;
use super::runner::{self, ExecOptions, RunRecord, RunSink, SimFn, Summary};
use super::shard::Shard;
use super::table::TableSink;

#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub out_dir: PathBuf,
    pub shard: Option<Shard>,
    pub exec: ExecOptions,
    /// Discard a journal of another sweep (and this process's old outputs).
    pub force_new: bool,
    /// Keep every run's rows in the journal once the tables are written
    /// (for tests: a journal as a crashed sweep leaves it).
    pub keep_journal: bool,
}

/// The runs of `plan` that `shard` takes (all without a shard), ascending.
pub fn assigned_runs(plan: &SweepPlan, shard: Option<&Shard>) -> RunList {
    let Some(shard) = shard else {
        return RunList::All(plan.n_runs());
    };
    (0..plan.n_runs())
        .filter(|&i| shard.contains(i, &plan.run(i).run_key))
        .collect::<Vec<_>>()
        .into()
}

/// A sweep whose journal is open: what is done and what is left.
pub struct Prepared {
    pub outputs: Outputs,
    pub journal: Journal,
    /// This process's runs, ascending.
    pub assigned: RunList,
    /// Those to run now: without an ok line in the journal (failed ones are
    /// retried), each key once.
    pub todo: RunList,
    /// Of `assigned`, runs with an ok line in the journal: from an earlier
    /// process's journal, or taken from its tables.
    pub resumed_ok: usize,
    /// Of those, taken from the tables of an earlier run of this sweep.
    pub from_tables: usize,
    /// Runs whose line in the journal says they failed (retried).
    pub resumed_failed: usize,
    /// Runs whose configuration resolves to the same scenario as an earlier
    /// one's: their rows are that run's (run once).
    pub copies: usize,
    /// The spec changed since the journal was last written.
    pub respecified: bool,
    /// Do not compact the journal at the end (`SweepOptions::keep_journal`).
    pub keep_journal: bool,
    /// Problems found in the journal (a truncated last line, ...).
    pub warnings: Vec<String>,
}

impl Prepared {
    /// Runs this process need not run: resumed, reused or copies.
    pub fn reused(&self) -> usize {
        self.resumed_ok + self.copies
    }

    /// The run whose rows run `i` takes, when `i` is a copy: the first run
    /// with its key (`SweepPlan::original`), when this process has it.
    pub fn copy_of(&self, plan: &SweepPlan, i: usize) -> Option<usize> {
        let o = plan.original(i);
        let here = match &self.assigned {
            RunList::All(n) => o < *n,
            RunList::Some(v) => v.binary_search(&o).is_ok(),
        };
        (o != i && here).then_some(o)
    }
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
    /// What went wrong after the tables were written (they are complete).
    pub warnings: Vec<String>,
}

/// Open (or create) the journal of `opts`' output, take back what earlier
/// runs of this sweep left in its tables, and work out what is left.
/// Creates the output directory.
pub fn prepare(plan: &SweepPlan, opts: &SweepOptions) -> Result<Prepared, JournalError> {
    let mut prepared = open(plan, opts)?;
    prepared.extend(plan, opts, assigned_runs(plan, opts.shard.as_ref()))?;
    Ok(prepared)
}

/// Open (or create) the journal of `opts`' output, with no runs assigned
/// yet (`Prepared::extend` assigns them). Creates the output directory.
pub fn open(plan: &SweepPlan, opts: &SweepOptions) -> Result<Prepared, JournalError> {
    let outputs = Outputs {
        dir: opts.out_dir.clone(),
        shard: opts.shard,
    };
    std::fs::create_dir_all(&outputs.dir)
        .with_context(|| format!("cannot create output directory {}", outputs.dir.display()))?;
    owned::guard(&outputs, &plan.spec.name, opts.force_new)?;
    let header = Header::new(plan, opts.shard.map(|s| s.to_string()));
    let opened = Journal::open(&outputs.journal(), &header, opts.force_new)?;
    let journal = opened.journal;
    // --force-new: the old sweep's files go (under the journal's lock).
    if opts.force_new {
        match &outputs.shard {
            None => owned::remove_owned(&outputs.dir, journal.path()).map(drop),
            Some(_) => owned::remove_shard_files(&outputs, &plan.spec.name),
        }
        .map_err(JournalError::Io)?;
    }
    // Our outputs are about to be rewritten: a part manifest must not claim
    // a complete part meanwhile.
    let stale: Vec<PathBuf> = outputs.manifest().into_iter().collect();
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
    Ok(Prepared {
        outputs,
        journal,
        assigned: RunList::Some(Vec::new()),
        todo: RunList::Some(Vec::new()),
        resumed_ok: 0,
        from_tables: 0,
        resumed_failed: 0,
        copies: 0,
        respecified: opened.respecified,
        keep_journal: opts.keep_journal,
        warnings: opened.warnings,
    })
}

impl Prepared {
    /// Assign `more` runs (ascending, none assigned yet) besides those
    /// assigned before, and make `todo` the ones among them to run: those
    /// without an ok line in the journal (after taking back what the
    /// folder's tables hold), each key once. The counts add up.
    pub fn extend(
        &mut self,
        plan: &SweepPlan,
        opts: &SweepOptions,
        more: RunList,
    ) -> Result<(), JournalError> {
        let assigned = match (&self.assigned, &more) {
            (RunList::Some(old), _) if old.is_empty() => more.clone(),
            (old, _) => {
                let mut all = old.to_vec();
                all.extend(more.iter());
                all.sort_unstable();
                all.dedup();
                all.into()
            }
        };
        let journal = &self.journal;
        let warnings = &mut self.warnings;
        // A run whose original (the first run with its key) is ours is a copy.
        let is_assigned = |i: usize| match &assigned {
            RunList::All(n) => i < *n,
            RunList::Some(v) => v.binary_search(&i).is_ok(),
        };
        let copy = |i: usize| {
            let o = plan.original(i);
            o != i && is_assigned(o)
        };
        // Runs the journal lacks, from the tables an earlier run left.
        let from_tables = if opts.force_new {
            0
        } else {
            let needed = more
                .iter()
                .filter(|&i| !copy(i) && journal.state(i) != Some(true))
                .map(|i| (i, key_number(&plan.run(i).run_key)));
            take_from_tables(
                &self.outputs.dir,
                &plan.spec.name,
                Needed::new(needed),
                journal,
                warnings,
            )?
        };
        let (mut resumed_ok, mut resumed_failed, mut copies) = (0, 0, 0);
        // Runs finished by an earlier process that wrote fewer per-run files
        // (--no-metrics-csv, no --events) run again to write them.
        let files = opts.exec.run_files.as_ref().filter(|f| f.any());
        let mut refill: (usize, Option<&str>) = (0, None);
        let mut todo = Vec::new();
        for i in more.iter() {
            if copy(i) {
                copies += 1;
                continue;
            }
            match journal.state(i) {
                Some(true) => match files.and_then(|f| f.missing(&plan.run(i).run_key)) {
                    Some(file) => {
                        refill = (refill.0 + 1, Some(file));
                        todo.push(i);
                    }
                    None => resumed_ok += 1,
                },
                Some(false) => {
                    resumed_failed += 1;
                    todo.push(i);
                }
                None => todo.push(i),
            }
        }
        let todo = if todo.len() == more.len() {
            more
        } else {
            todo.into()
        };
        if let (n, Some(file)) = refill {
            warnings.push(format!(
                "{n} finished runs have no {file} (an earlier run did not write it): \
                 running them again to write it"
            ));
        }
        self.assigned = assigned;
        self.todo = todo;
        self.resumed_ok += resumed_ok;
        self.from_tables += from_tables;
        self.resumed_failed += resumed_failed;
        self.copies += copies;
        Ok(())
    }
}

/// A run key (16 hex digits, from the plan) as a number.
fn key_number(key: &str) -> u64 {
    super::journal::parse_key(key).expect("plans make 16-hex-digit keys")
}

/// Import `needed` from the folder's tables into the journal; returns how
/// many runs were taken. A table that cannot be read is a warning (its
/// runs run again); a journal that cannot be written is an error.
fn take_from_tables(
    dir: &std::path::Path,
    name: &str,
    mut needed: Needed,
    journal: &Journal,
    warnings: &mut Vec<String>,
) -> Result<usize, JournalError> {
    let mut taken = 0;
    for (runs, epochs) in reuse::sources(dir) {
        if needed.is_empty() {
            break;
        }
        match reuse::import(&runs, &epochs, name, &mut needed, journal) {
            Ok(n) => taken += n,
            Err(ImportError::Table(e)) => warnings.push(format!(
                "cannot take finished runs from {}: {e:#}; they run again",
                runs.display()
            )),
            Err(ImportError::Journal(e)) => return Err(JournalError::Io(e)),
        }
    }
    Ok(taken)
}

/// How often finished runs are made durable while a sweep runs (and always
/// at its end). Per chunk was a serial fsync every few milliseconds.
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// The tables being written in run order while the runs go on. There is no
/// writer thread: a worker that finishes a run files it under `pending`,
/// then whichever worker gets the writer writes every run that is due —
/// runs finished now from `pending`, runs an earlier process finished from
/// the journal. Workers stay within `runner::window` runs of the writer, so
/// `pending` stays small.
struct Ordered<'a> {
    plan: &'a SweepPlan,
    prepared: &'a Prepared,
    pending: Mutex<BTreeMap<usize, RunRows>>,
    /// Signalled (under `pending`) when the writer moves on.
    moved: Condvar,
    waiting: AtomicUsize,
    writer: Mutex<Writer>,
    /// Runs of `todo` written so far.
    consumed: AtomicUsize,
    /// The run index due next (`usize::MAX`: none).
    due: AtomicUsize,
    window: usize,
    failed: AtomicBool,
    last_sync: Mutex<Instant>,
}

/// The tables and where the writer is in `assigned` and `todo`.
struct Writer {
    tables: Written,
    at: usize,
    todo_at: usize,
    /// Rows of runs that later runs are copies of (`Prepared::copy_of`).
    copies: std::collections::HashMap<usize, RunRows>,
    error: Option<anyhow::Error>,
}

/// The tables as the writer left them.
struct Written {
    runs: TableSink,
    epochs: TableSink,
    n_runs: usize,
    n_epochs: usize,
    /// In run order.
    failed: Vec<FailedRun>,
}

impl Ordered<'_> {
    /// Write whatever is due, unless another worker is at it (it looks
    /// again after letting go, so nothing filed is left behind).
    fn drain(&self, block: bool) -> Result<()> {
        loop {
            let mut w = if block {
                self.writer.lock().unwrap_or_else(|e| e.into_inner())
            } else {
                match self.writer.try_lock() {
                    Ok(w) => w,
                    Err(std::sync::TryLockError::WouldBlock) => return Ok(()),
                    Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
                }
            };
            if w.error.is_none() {
                if let Err(e) = self.write_due(&mut w) {
                    w.error = Some(e);
                    self.failed.store(true, Ordering::Relaxed);
                    self.wake();
                }
            }
            if w.error.is_some() {
                anyhow::bail!("the tables could not be written");
            }
            drop(w);
            let due = self.due.load(Ordering::Acquire);
            if block || !self.lock_pending().contains_key(&due) {
                return Ok(());
            }
        }
    }

    fn write_due(&self, w: &mut Writer) -> Result<()> {
        let Writer {
            tables: t,
            at,
            todo_at,
            copies,
            ..
        } = w;
        let p = self.prepared;
        let mut wrote = false;
        while let Some(i) = p.assigned.get(*at) {
            let rows = if p.todo.get(*todo_at) == Some(i) {
                let mut pending = self.lock_pending();
                let Some(rows) = pending.remove(&i) else {
                    break;
                };
                *todo_at += 1;
                self.consumed.store(*todo_at, Ordering::Release);
                wrote = true;
                rows
            } else if let Some(o) = p.copy_of(self.plan, i) {
                let mut rows = copies
                    .get(&o)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("run {i}: the rows of run {o} are gone"))?;
                rows.index = i;
                rows
            } else {
                p.journal.read(i)?
            };
            if self.plan.has_copies(i) {
                copies.insert(i, rows.clone());
            }
            *at += 1;
            let due = p.assigned.get(*at).unwrap_or(usize::MAX);
            self.due.store(due, Ordering::Release);
            let run = self.plan.run(i);
            t.runs.write(self.plan, &run, &rows)?;
            t.epochs.write(self.plan, &run, &rows)?;
            t.n_runs += 1;
            t.n_epochs += rows.epochs.len();
            if let Some(e) = rows.error {
                t.failed.push(FailedRun {
                    index: i,
                    run_key: run.run_key,
                    error: e,
                });
            }
        }
        if wrote {
            self.wake();
        }
        Ok(())
    }

    fn wake(&self) {
        if self.waiting.load(Ordering::Acquire) > 0 {
            let _guard = self.lock_pending();
            self.moved.notify_all();
        }
    }

    fn lock_pending(&self) -> std::sync::MutexGuard<'_, BTreeMap<usize, RunRows>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl RunSink for Ordered<'_> {
    fn record(&self, rec: &RunRecord) -> Result<()> {
        let rows = RunRows::from_record(rec);
        self.prepared.journal.append(&rows)?;
        self.lock_pending().insert(rows.index, rows);
        self.drain(false)
    }
    fn checkpoint(&self) -> Result<()> {
        let mut last = self.last_sync.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < SYNC_EVERY {
            return Ok(());
        }
        self.prepared.journal.sync()?;
        *last = Instant::now();
        Ok(())
    }
    fn wait_turn(&self, k: usize) {
        let ahead = |c: usize| k >= c.saturating_add(self.window);
        if !ahead(self.consumed.load(Ordering::Acquire)) {
            return;
        }
        let mut pending = self.lock_pending();
        self.waiting.fetch_add(1, Ordering::AcqRel);
        while ahead(self.consumed.load(Ordering::Acquire)) && !self.failed.load(Ordering::Relaxed) {
            pending = self.moved.wait(pending).unwrap_or_else(|e| e.into_inner());
        }
        self.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Prepared {
    /// Run what is left, then (when every run has finished) write the tables.
    /// The tables are written in run order while the runs go on (see
    /// `Ordered`). A sweep that stops early leaves no tables.
    pub fn run(
        &self,
        plan: &SweepPlan,
        exec: &ExecOptions,
        sim: &SimFn,
        progress: &Progress,
        interrupt: &AtomicBool,
    ) -> Result<SweepReport> {
        let o = &self.outputs;
        let tables = Written {
            runs: TableSink::create(plan, Table::Runs, &o.table(Table::Runs))?,
            epochs: TableSink::create(plan, Table::Epochs, &o.table(Table::Epochs))?,
            n_runs: 0,
            n_epochs: 0,
            failed: Vec::new(),
        };
        let ordered = Ordered {
            plan,
            prepared: self,
            pending: Mutex::new(BTreeMap::new()),
            moved: Condvar::new(),
            waiting: AtomicUsize::new(0),
            writer: Mutex::new(Writer {
                tables,
                at: 0,
                todo_at: 0,
                copies: Default::default(),
                error: None,
            }),
            consumed: AtomicUsize::new(0),
            due: AtomicUsize::new(self.assigned.get(0).unwrap_or(usize::MAX)),
            window: runner::window(exec.jobs.max(1)),
            failed: AtomicBool::new(false),
            last_sync: Mutex::new(Instant::now()),
        };
        let ran = runner::execute(plan, &self.todo, exec, sim, &ordered, progress, interrupt);
        // Runs that only the journal holds, after the last one run here.
        let drained = ordered.drain(true);
        let writer = ordered
            .writer
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        // What finished is made durable (while the tables are closed, below)
        // before anything is reported.
        std::thread::scope(|scope| {
            let synced = scope.spawn(|| self.journal.sync());
            let index = exec.run_files.as_ref().is_some_and(|f| f.any());
            let report = self.report(plan, ran, drained, writer, progress, index);
            let synced = synced
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            let report = report?;
            synced?;
            Ok(report)
        })
    }

    /// How the run went; the tables closed under their names if complete.
    fn report(
        &self,
        plan: &SweepPlan,
        ran: Result<Summary>,
        drained: Result<()>,
        writer: Writer,
        progress: &Progress,
        index: bool,
    ) -> Result<SweepReport> {
        if let Some(e) = writer.error {
            return Err(e);
        }
        let ran = ran?;
        drained?;
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
            warnings: Vec::new(),
        };
        let complete = writer.at == self.assigned.len();
        if end == End::Complete && complete {
            let failed = self.finish_tables(plan, writer.tables, &mut report)?;
            // The configurations, and what each per-run folder is (the same
            // for every shard: the first writes them).
            if self.outputs.shard.is_none_or(|s| s.k == 1) {
                let dir = &self.outputs.dir;
                report.written.push(configs::write(plan, dir)?);
                if index {
                    // Every run of the sweep: a shard's, or those an adaptive
                    // sweep made.
                    let runs = match self.outputs.shard {
                        Some(_) => RunList::All(plan.n_runs()),
                        None => self.assigned.clone(),
                    };
                    report.written.push(configs::write_index(plan, &runs, dir)?);
                }
            }
            if self.keep_journal {
                return Ok(report);
            }
            if let Err(e) = self.compact(plan, &failed) {
                report.warnings.push(format!(
                    "the tables are complete, but {} could not be compacted: {e:#}",
                    self.journal.path().display()
                ));
            }
        }
        Ok(report)
    }

    /// The tables hold every run now: the journal keeps one short line a run.
    fn compact(&self, plan: &SweepPlan, failed: &[FailedRun]) -> Result<()> {
        let keys: Vec<(String, Option<&str>)> = self
            .assigned
            .iter()
            .map(|i| {
                let error = failed
                    .binary_search_by_key(&i, |f| f.index)
                    .ok()
                    .map(|k| failed[k].error.as_str());
                (plan.run(i).run_key, error)
            })
            .collect();
        self.journal
            .compact(keys.iter().map(|(k, e)| (k.as_str(), *e)))
    }

    /// Close the tables under their names, then (for a shard) write the part
    /// manifest that says they are complete. Returns the failed runs.
    fn finish_tables(
        &self,
        plan: &SweepPlan,
        w: Written,
        report: &mut SweepReport,
    ) -> Result<Vec<FailedRun>> {
        let o = &self.outputs;
        report.failed = w.failed.len();
        report.first_failure = w
            .failed
            .first()
            .map(|f| (plan.run(f.index), f.error.clone()));
        let failed = w.failed;
        let (n_runs, n_epochs) = (w.n_runs, w.n_epochs);
        // Each close ends in an fsync: both at once.
        let (runs, epochs) = std::thread::scope(|scope| {
            let runs = scope.spawn(|| w.runs.finish());
            let epochs = w.epochs.finish();
            (
                runs.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                epochs,
            )
        });
        runs?;
        report.written.push(o.table(Table::Runs));
        epochs?;
        report.written.push(o.table(Table::Epochs));
        let (Some(shard), Some(path)) = (&o.shard, o.manifest()) else {
            return Ok(failed);
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
            engine_version: crate::contract::ENGINE_VERSION.into(),
            shard: shard.to_string(),
            strategy: shard.strategy.name().into(),
            k: shard.k,
            n: shard.n,
            n_runs: plan.n_runs(),
            runs: self.assigned.to_vec(),
            run_keys: self.assigned.iter().map(|i| plan.run(i).run_key).collect(),
            failed: failed.clone(),
            tables: vec![table(Table::Runs, n_runs)?, table(Table::Epochs, n_epochs)?],
        };
        part::write_manifest(&path, &manifest)?;
        report.written.push(path);
        Ok(failed)
    }
}
