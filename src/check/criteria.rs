//! `check --criteria`: every run of the rerun evaluated against its
//! scenario's success_criteria (metrics/criteria.rs) by a row sink while the
//! sweep runs, then folded into each configuration's check.

use super::compare::{ConfigCheck, Problem};
use crate::metrics::criteria::{evaluate, Criterion};
use crate::output::console::{threshold_text, value_text};
use crate::sweep::plan::SweepPlan;
use crate::sweep::runner::{Outcome, RunRecord};

/// One run's evaluated criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCriteria {
    pub seed: i64,
    pub results: Vec<Criterion>,
}

/// Per plan configuration, its successful runs' criteria in run order
/// (`records` in run order).
pub fn by_config(plan: &SweepPlan, records: &[RunRecord]) -> Vec<Vec<RunCriteria>> {
    let mut out = vec![Vec::new(); plan.configs.len()];
    for r in records {
        if let Outcome::Ok(result) = &r.outcome {
            let config = &plan.configs[r.run.config];
            out[r.run.config].push(RunCriteria {
                seed: r.run.seed,
                results: evaluate(&config.scenario.success_criteria, &result.epochs),
            });
        }
    }
    out
}

/// Add one configuration's criteria to its check: a problem per criterion
/// that any run missed.
pub fn add_to(check: &mut ConfigCheck, runs: &[RunCriteria]) {
    let mut keys: Vec<&'static str> = Vec::new();
    for r in runs {
        for c in &r.results {
            if !keys.contains(&c.key) {
                keys.push(c.key);
            }
        }
    }
    check.criteria = keys.len();
    for key in keys {
        let missed: Vec<(i64, &Criterion)> = runs
            .iter()
            .filter_map(|r| {
                let c = r.results.iter().find(|c| c.key == key)?;
                (!c.passed).then_some((r.seed, c))
            })
            .collect();
        if let Some((_, first)) = missed.first() {
            check.problems.push(Problem::Criterion {
                key: key.to_string(),
                requirement: format!(
                    "{} {} {}",
                    first.label,
                    first.bound.symbol(),
                    threshold_text(first.threshold)
                ),
                misses: missed
                    .iter()
                    .map(|(seed, c)| (*seed, value_text(c)))
                    .collect(),
                runs: runs.len(),
            });
        }
    }
}
