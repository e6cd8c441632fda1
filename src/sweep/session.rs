//! One sweep process from start to end (docs/sweep.md, docs/scale-out.md):
//! open the journal, run the runs it lacks (this shard's, or all of them),
//! then build this process's tables from it in run order — runs.parquet and
//! epochs.parquet, or a shard's part files and part manifest.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

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
    (0..plan.n_runs())
        .filter(|&i| shard.is_none_or(|s| s.contains(i, &plan.run(i).run_key)))
        .collect()
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
    let mut todo = Vec::new();
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

/// Records finished runs in the journal.
struct JournalSink<'a> {
    plan: &'a SweepPlan,
    journal: &'a Journal,
}

impl RunSink for JournalSink<'_> {
    fn record(&self, rec: &RunRecord) -> Result<()> {
        self.journal.append(&RunRows::from_record(self.plan, rec))
    }
    fn checkpoint(&self) -> Result<()> {
        self.journal.sync()
    }
}

impl Prepared {
    /// Run what is left, then (when every run has finished) write the tables.
    pub fn run(
        &self,
        plan: &SweepPlan,
        exec: &ExecOptions,
        sim: &SimFn,
        progress: &Progress,
        interrupt: &AtomicBool,
    ) -> Result<SweepReport> {
        let sink = JournalSink {
            plan,
            journal: &self.journal,
        };
        let ran = runner::execute(plan, &self.todo, exec, sim, &sink, progress, interrupt)?;
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
        if end == End::Complete {
            self.write_tables(plan, &mut report)?;
        }
        Ok(report)
    }

    /// Build the tables from the journal, in run order, then (for a shard)
    /// the part manifest that says they are complete.
    fn write_tables(&self, plan: &SweepPlan, report: &mut SweepReport) -> Result<()> {
        let o = &self.outputs;
        let mut runs = TableSink::create(plan, Table::Runs, &o.table(Table::Runs))?;
        let mut epochs = TableSink::create(plan, Table::Epochs, &o.table(Table::Epochs))?;
        let mut failed = Vec::new();
        report.first_failure = None;
        let (mut n_runs, mut n_epochs) = (0, 0);
        for &i in &self.assigned {
            let run = plan.run(i);
            let rows = self.journal.read(i)?;
            runs.write(plan, &run, &rows)?;
            epochs.write(plan, &run, &rows)?;
            n_runs += 1;
            n_epochs += rows.epochs.len();
            if let Some(e) = rows.error {
                if failed.is_empty() {
                    report.first_failure = Some((run.clone(), e.clone()));
                }
                failed.push(FailedRun {
                    index: i,
                    run_key: run.run_key,
                    error: e,
                });
            }
        }
        report.failed = failed.len();
        runs.finish()?;
        report.written.push(o.table(Table::Runs));
        epochs.finish()?;
        report.written.push(o.table(Table::Epochs));
        let (Some(shard), Some(path)) = (&o.shard, o.manifest()) else {
            return Ok(());
        };
        let table = |t: Table, rows: usize| -> Result<PartTable> {
            let path = o.table(t);
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok(PartTable {
                table: t.name().into(),
                file: path
                    .file_name()
                    .expect("a file")
                    .to_string_lossy()
                    .into_owned(),
                rows,
                sha256: super::key::sha256_hex(&bytes),
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
