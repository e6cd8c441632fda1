//! Adaptive replication (docs/design.md, "Adaptive replication"): a sweep
//! whose `seeds:` has `batch`, `max` and `until` adds seeds in batches until
//! each configuration's paired difference from its baseline is known to
//! within a target half-width, or the maximum is reached. Which
//! configurations get another batch is a pure function of the batches that
//! have finished, so the runs made — and the tables — are the same at any
//! `--jobs` and after any resume.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::columns::stored_columns;
use super::journal::{Journal, JournalError};
use super::plan::SweepPlan;
use super::progress::{Mode, Progress};
use super::rows::{RunRows, Value};
use super::run_list::RunList;
use super::runner::{self, RunRecord, RunSink, SimFn, Summary};
use super::session::{Prepared, SweepOptions};
use crate::analysis::stats::{describe, dist};
use crate::contract::Table;

/// `seeds: {start, batch, max, until: {metric, ci_half_width, conf_level}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// Seeds added to a configuration per round.
    pub batch: usize,
    /// Seeds a configuration runs at most.
    pub max: usize,
    /// A column of runs.parquet.
    pub metric: String,
    /// The target half-width of the paired-difference interval.
    pub ci_half_width: f64,
    /// The interval's confidence level.
    pub level: f64,
}

impl Replication {
    /// Seeds of a configuration that has run `batches` batches.
    pub fn seeds_after(&self, batches: usize) -> usize {
        batches.saturating_mul(self.batch).min(self.max)
    }
}

/// Half-width of the two-sided `level` t-interval of the mean of the paired
/// differences `d`: t(½ + level/2, n − 1) · sd(d) / √n. `None` below two.
pub fn half_width(d: &[f64], level: f64) -> Option<f64> {
    let sd = describe::sd(d)?;
    let n = d.len() as f64;
    Some(dist::t_quantile(0.5 + level / 2.0, n - 1.0) * sd / n.sqrt())
}

/// Why a configuration stopped getting seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Its interval is within the target.
    Target,
    /// It reached `max` seeds without.
    Max,
    /// A baseline: it runs as many seeds as its most-replicated configuration.
    Baseline,
}

impl Stop {
    pub fn name(self) -> &'static str {
        match self {
            Stop::Target => "target",
            Stop::Max => "max",
            Stop::Baseline => "baseline",
        }
    }
}

/// One configuration's state: its seeds, its interval on the metric, and
/// whether it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigState {
    pub batches: usize,
    /// Pairs with a finite value on both sides.
    pub n_pairs: usize,
    pub half_width: Option<f64>,
    /// `None` while it still gets batches.
    pub stop: Option<Stop>,
}

/// Where an adaptive sweep stands: every configuration's batches so far.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub rule: Replication,
    pub configs: Vec<ConfigState>,
    /// Rounds decided so far (the first is round 1).
    pub round: usize,
}

impl Schedule {
    /// Round 1: every configuration runs the first batch.
    pub fn new(plan: &SweepPlan, rule: &Replication) -> Schedule {
        let configs = plan
            .configs
            .iter()
            .map(|c| ConfigState {
                batches: 1,
                n_pairs: 0,
                half_width: None,
                stop: is_baseline(plan, c.id).then_some(Stop::Baseline),
            })
            .collect();
        Schedule {
            rule: rule.clone(),
            configs,
            round: 1,
        }
    }

    /// Seeds configuration `c` runs now.
    pub fn seeds(&self, c: usize) -> usize {
        self.rule.seeds_after(self.configs[c].batches)
    }

    /// Every run the schedule holds so far, ascending (configuration-major).
    pub fn runs(&self, plan: &SweepPlan) -> RunList {
        let n = plan.spec.seeds.len();
        (0..self.configs.len())
            .flat_map(|c| (0..self.seeds(c)).map(move |r| c * n + r))
            .collect::<Vec<_>>()
            .into()
    }

    /// Configurations still getting seeds (baselines aside).
    pub fn open(&self) -> usize {
        self.configs.iter().filter(|c| c.stop.is_none()).count()
    }

    /// With every run of the schedule finished (`value(i)`: run `i`'s
    /// metric; `None` when it failed or is not finite), settle the open
    /// configurations whose interval is within the target or that reached
    /// `max`, give the others one more batch and their baselines as many.
    /// Returns whether any configuration got another batch.
    pub fn advance(
        &mut self,
        plan: &SweepPlan,
        mut value: impl FnMut(usize) -> Option<f64>,
    ) -> bool {
        let n = plan.spec.seeds.len();
        let mut more = false;
        for c in 0..self.configs.len() {
            if self.configs[c].stop.is_some() {
                continue;
            }
            let seeds = self.seeds(c);
            let base = baseline_of(plan, c);
            let d: Vec<f64> = (0..seeds)
                .filter_map(|r| Some(value(c * n + r)? - value(base * n + r)?))
                .filter(|x| x.is_finite())
                .collect();
            let hw = half_width(&d, self.rule.level);
            let s = &mut self.configs[c];
            s.n_pairs = d.len();
            s.half_width = hw;
            if hw.is_some_and(|h| h <= self.rule.ci_half_width) {
                s.stop = Some(Stop::Target);
            } else if seeds >= self.rule.max {
                s.stop = Some(Stop::Max);
            } else {
                s.batches += 1;
                more = true;
            }
        }
        // A baseline runs every seed any configuration of its scenario runs.
        for c in 0..self.configs.len() {
            let b = baseline_of(plan, c);
            if b != c {
                self.configs[b].batches = self.configs[b].batches.max(self.configs[c].batches);
            }
        }
        if more {
            self.round += 1;
        }
        more
    }
}

/// How the rounds went.
pub struct Rounds {
    pub schedule: Schedule,
    /// What this process ran, over every round.
    pub ran: Summary,
}

/// Run the rounds of an adaptive sweep: each round assigns the runs of the
/// schedule that `prepared` lacks, runs those the journal lacks, and then
/// settles or extends each configuration from the finished batches. Stops
/// after the round that extends nothing, or when a round stops early
/// (`--fail-fast`, an interrupt: `ran` says which). On return every run
/// of the schedule is assigned and none is left to do, so
/// `Prepared::run` writes the tables from the journal. `round` is told of
/// each round's decisions.
pub fn run_rounds(
    plan: &SweepPlan,
    prepared: &mut Prepared,
    opts: &SweepOptions,
    sim: &SimFn,
    mode: Mode,
    interrupt: &AtomicBool,
    mut round: impl FnMut(&Schedule, &Prepared),
) -> Result<Rounds, RoundError> {
    let rule = plan
        .spec
        .replication
        .as_ref()
        .expect("an adaptive sweep has a replication rule");
    let column = stored_columns(Table::Runs)
        .iter()
        .position(|(n, _)| *n == rule.metric)
        .expect("the spec checked the metric");
    let mut schedule = Schedule::new(plan, rule);
    let mut ran = Summary::default();
    let mut values: HashMap<usize, Option<f64>> = HashMap::new();
    loop {
        let more: Vec<usize> = {
            let have = prepared.assigned.to_vec();
            schedule
                .runs(plan)
                .iter()
                .filter(|i| have.binary_search(i).is_err())
                .collect()
        };
        prepared
            .extend(plan, opts, more.into())
            .map_err(RoundError::Journal)?;
        let sink = JournalSink {
            journal: &prepared.journal,
            last_sync: Mutex::new(Instant::now()),
        };
        let progress = Progress::new(prepared.todo.len(), mode);
        let summary = runner::execute(
            plan,
            &prepared.todo,
            &opts.exec,
            sim,
            &sink,
            &progress,
            interrupt,
        );
        progress.finish();
        let summary = summary.map_err(RoundError::Run)?;
        prepared.journal.sync().map_err(RoundError::Run)?;
        prepared.todo = RunList::Some(Vec::new());
        add(&mut ran, summary);
        if ran.stopped || ran.interrupted {
            return Ok(Rounds { schedule, ran });
        }
        let mut read_error = None;
        let value = |i: usize| -> Option<f64> {
            if let Some(v) = values.get(&i) {
                return *v;
            }
            // A copy's rows are its original's.
            let j = match prepared.journal.state(i) {
                Some(_) => i,
                None => plan.original(i),
            };
            let v = match prepared.journal.read(j) {
                Ok(rows) => metric(&rows, column),
                Err(e) => {
                    read_error.get_or_insert(e);
                    None
                }
            };
            values.insert(i, v);
            v
        };
        let more = schedule.advance(plan, value);
        if let Some(e) = read_error {
            return Err(RoundError::Run(e));
        }
        round(&schedule, prepared);
        if !more {
            return Ok(Rounds { schedule, ran });
        }
    }
}

/// What stopped the rounds.
#[derive(Debug)]
pub enum RoundError {
    /// The journal could not be opened or extended.
    Journal(JournalError),
    /// A run's output or the journal could not be written or read.
    Run(anyhow::Error),
}

fn add(total: &mut Summary, s: Summary) {
    total.runs += s.runs;
    total.failed += s.failed;
    if total.first_failure.is_none() {
        total.first_failure = s.first_failure;
    }
    total.stopped |= s.stopped;
    total.interrupted |= s.interrupted;
}

/// Run `rows`' value in `column` of the runs table, when it succeeded and
/// the value is finite.
fn metric(rows: &RunRows, column: usize) -> Option<f64> {
    let x = match rows.run.get(column)? {
        Value::Float(x) => *x,
        Value::Int(i) => *i as f64,
        Value::Null => return None,
    };
    x.is_finite().then_some(x)
}

/// Where a round's runs go: the journal, indexed so the decision after the
/// round (and the tables after the last) can read them back.
struct JournalSink<'a> {
    journal: &'a Journal,
    last_sync: Mutex<Instant>,
}

impl RunSink for JournalSink<'_> {
    fn record(&self, rec: &RunRecord) -> Result<()> {
        let rows = RunRows::from_record(rec);
        self.journal.import(&rows, &[rows.index])
    }

    fn checkpoint(&self) -> Result<()> {
        let mut last = self.last_sync.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < Duration::from_secs(1) {
            return Ok(());
        }
        self.journal.sync()?;
        *last = Instant::now();
        Ok(())
    }
}

/// The baseline configuration of `c`'s scenario (the first of its base).
pub fn baseline_of(plan: &SweepPlan, c: usize) -> usize {
    let per_base = plan.configs_per_base().max(1);
    c / per_base * per_base
}

fn is_baseline(plan: &SweepPlan, c: usize) -> bool {
    baseline_of(plan, c) == c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_is_the_t_interval_of_the_mean() {
        // d = ±1 alternating over 10 values: sd = √(10/9); t(0.975, 9) from scipy.
        let d: Vec<f64> = (0..10)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let hw = half_width(&d, 0.95).unwrap();
        let expected = 2.262_157_162_798_205 * (10.0f64 / 9.0).sqrt() / 10f64.sqrt();
        assert!((hw - expected).abs() < 1e-12, "{hw} vs {expected}");
        assert_eq!(half_width(&[1.0], 0.95), None);
        assert_eq!(half_width(&[2.0, 2.0, 2.0], 0.95), Some(0.0));
    }

    #[test]
    fn the_last_batch_stops_at_max() {
        let r = Replication {
            batch: 10,
            max: 25,
            metric: "toxicity_rate".into(),
            ci_half_width: 0.1,
            level: 0.95,
        };
        assert_eq!(
            (0..4).map(|b| r.seeds_after(b)).collect::<Vec<_>>(),
            [0, 10, 20, 25]
        );
    }
}
