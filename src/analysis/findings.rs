//! What the report says, before it is worded: the comparisons and summary
//! indexed by configuration, every variant's [`Outcome`] (from the verdicts
//! computed once in compare.rs), rankings and the Pareto set. report.md
//! renders only from this, so its sections cannot disagree.

use std::collections::HashMap;

use super::compare::ComparisonRow;
use super::direction::{direction, Direction, Role};
use super::runs::RunsTable;
use super::summary::SummaryRow;
use super::verdict::{improvement, Class, Outcome, Rule, Verdict};
use crate::sweep::columns::RUN_METRICS;

/// The metrics of the report's tables, in order (those present): the run
/// metrics up to `total_welfare`, SWARM's headline ones.
pub const HEADLINE_METRICS: &[&str] = RUN_METRICS.split_at(7).0;

/// The Pareto set's axes: harm against each of these.
pub const PARETO_HARM: &str = "toxicity_rate";
pub const PARETO_GOODS: &[&str] = &["quality_gap", "total_welfare"];

pub struct Findings<'a> {
    pub runs: &'a RunsTable,
    pub summary: &'a [SummaryRow],
    pub comparisons: &'a [ComparisonRow],
    pub rule: Rule,
    /// Configuration → its comparison rows.
    by_config: Vec<Vec<usize>>,
    /// Configuration → its summary rows.
    stats_of: Vec<Vec<usize>>,
    /// One per variant, in configuration order.
    pub outcomes: Vec<Outcome>,
    outcome_of: HashMap<usize, usize>,
}

/// A configuration on the Pareto set of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoPoint {
    pub config: usize,
    /// Which of [`PARETO_GOODS`] it is on the front against.
    pub fronts: Vec<&'static str>,
}

impl<'a> Findings<'a> {
    pub fn new(
        runs: &'a RunsTable,
        summary: &'a [SummaryRow],
        comparisons: &'a [ComparisonRow],
        rule: Rule,
    ) -> Findings<'a> {
        let mut by_config = vec![Vec::new(); runs.configs.len()];
        for (i, c) in comparisons.iter().enumerate() {
            by_config[c.config].push(i);
        }
        let mut stats_of = vec![Vec::new(); runs.configs.len()];
        for (i, s) in summary.iter().enumerate() {
            stats_of[s.config].push(i);
        }
        let verdicts: Vec<Verdict> = comparisons.iter().map(|c| c.verdict).collect();
        let outcomes: Vec<Outcome> = (0..runs.configs.len())
            .filter(|&c| !by_config[c].is_empty())
            .map(|c| Outcome::of(c, &by_config[c], comparisons, &verdicts))
            .collect();
        let outcome_of = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.config, i))
            .collect();
        Findings {
            runs,
            summary,
            comparisons,
            rule,
            by_config,
            stats_of,
            outcomes,
            outcome_of,
        }
    }

    pub fn cmp(&self, config: usize, metric: &str) -> Option<&'a ComparisonRow> {
        self.by_config[config]
            .iter()
            .map(|&i| &self.comparisons[i])
            .find(|c| c.metric == metric)
    }

    pub fn stat(&self, config: usize, metric: &str) -> Option<&'a SummaryRow> {
        self.stats_of[config]
            .iter()
            .map(|&i| &self.summary[i])
            .find(|s| s.metric == metric)
    }

    pub fn mean(&self, config: usize, metric: &str) -> Option<f64> {
        self.stat(config, metric)?.stats.map(|d| d.mean)
    }

    pub fn outcome(&self, config: usize) -> Option<&Outcome> {
        self.outcome_of.get(&config).map(|&i| &self.outcomes[i])
    }

    pub fn has_metric(&self, metric: &str) -> bool {
        self.runs.metrics.iter().any(|m| m == metric)
    }

    /// The compared metrics among [`HEADLINE_METRICS`]; when none of them
    /// was compared (a `--metrics` choice), the first seven compared.
    pub fn headline(&self) -> Vec<&'a str> {
        let compared = |m: &str| self.comparisons.iter().any(|c| c.metric == m);
        let mut out: Vec<&'a str> = HEADLINE_METRICS
            .iter()
            .copied()
            .filter(|m| compared(m))
            .collect();
        if out.is_empty() {
            for c in self.comparisons {
                if !out.contains(&c.metric.as_str()) && out.len() < HEADLINE_METRICS.len() {
                    out.push(&c.metric);
                }
            }
        }
        out
    }

    /// The baseline of `scenario`.
    pub fn baseline(&self, scenario: &str) -> Option<usize> {
        self.runs
            .configs
            .iter()
            .position(|c| c.scenario == scenario && c.is_baseline())
    }

    /// The compared variants of `scenario`, in configuration order.
    pub fn variants(&self, scenario: &str) -> Vec<usize> {
        self.outcomes
            .iter()
            .map(|o| o.config)
            .filter(|&c| self.runs.configs[c].scenario == scenario)
            .collect()
    }

    /// The outcomes of `scenario` of class `class`.
    pub fn of_class(&self, scenario: &str, class: Class) -> Vec<&Outcome> {
        self.outcomes
            .iter()
            .filter(|o| o.class == class && self.runs.configs[o.config].scenario == scenario)
            .collect()
    }

    /// The variants of `scenario` whose runs are the baseline's on every
    /// metric (their settings never made a difference).
    pub fn identical(&self, scenario: &str) -> Vec<usize> {
        self.outcomes
            .iter()
            .filter(|o| o.identical && self.runs.configs[o.config].scenario == scenario)
            .map(|o| o.config)
            .collect()
    }

    /// `scenario`'s comparisons on `metric`, the largest improvement first
    /// (for neutral metrics: the largest change); rows without a difference
    /// last, and none whose pairs are all identical.
    pub fn ranked(&self, scenario: &str, metric: &str) -> Vec<&'a ComparisonRow> {
        let mut rows: Vec<&ComparisonRow> = self
            .variants(scenario)
            .into_iter()
            .filter_map(|v| self.cmp(v, metric))
            .filter(|c| !c.identical())
            .collect();
        rows.sort_by(|a, b| {
            let key = |c: &ComparisonRow| improvement(c).unwrap_or(f64::NEG_INFINITY);
            key(b).total_cmp(&key(a)).then(a.config.cmp(&b.config))
        });
        rows
    }

    /// `scenario`'s rows on `metric` with verdict `v`, largest |change| first.
    pub fn with_verdict(&self, scenario: &str, metric: &str, v: Verdict) -> Vec<&'a ComparisonRow> {
        let mut rows: Vec<&ComparisonRow> = self
            .variants(scenario)
            .into_iter()
            .filter_map(|c| self.cmp(c, metric))
            .filter(|c| c.verdict == v)
            .collect();
        rows.sort_by(|a, b| {
            let key = |c: &ComparisonRow| improvement(c).map_or(0.0, f64::abs);
            key(b).total_cmp(&key(a)).then(a.config.cmp(&b.config))
        });
        rows
    }

    /// The largest harm improvement of an outcome (its best `better` harm
    /// row), for ranking harm reductions.
    pub fn harm_gain(&self, o: &Outcome) -> (f64, Option<&'a ComparisonRow>) {
        o.harm_better
            .iter()
            .map(|&i| &self.comparisons[i])
            .map(|c| (improvement(c).unwrap_or(0.0), Some(c)))
            .fold(
                (f64::NEG_INFINITY, None),
                |a, b| if b.0 > a.0 { b } else { a },
            )
    }

    /// The largest cost of an outcome (its worst `worse` quality/welfare row).
    pub fn worst_cost(&self, o: &Outcome) -> f64 {
        o.costs
            .iter()
            .filter_map(|&i| improvement(&self.comparisons[i]))
            .fold(0.0, |a: f64, b| a.max(-b))
    }

    /// The Pareto set of `scenario` (baseline included) on mean
    /// [`PARETO_HARM`] (lower is better) against each of [`PARETO_GOODS`]
    /// (higher is better) that the sweep has: the configurations no other
    /// configuration matches or beats on both (and beats on one). Ordered
    /// by harm, lowest first. Variants identical to the baseline are left
    /// out (they are the baseline's point).
    pub fn pareto(&self, scenario: &str) -> Vec<ParetoPoint> {
        let configs: Vec<usize> = (0..self.runs.configs.len())
            .filter(|&c| self.runs.configs[c].scenario == scenario)
            .filter(|&c| !self.outcome(c).is_some_and(|o| o.identical))
            .collect();
        let mut out: Vec<ParetoPoint> = Vec::new();
        for good in PARETO_GOODS.iter().copied() {
            if !self.has_metric(PARETO_HARM) || !self.has_metric(good) {
                continue;
            }
            debug_assert_eq!(direction(good), Direction::HigherIsBetter);
            let pts: Vec<(usize, f64, f64)> = configs
                .iter()
                .filter_map(|&c| Some((c, self.mean(c, PARETO_HARM)?, self.mean(c, good)?)))
                .collect();
            for &(c, h, g) in &pts {
                let dominated = pts
                    .iter()
                    .any(|&(_, h2, g2)| h2 <= h && g2 >= g && (h2 < h || g2 > g));
                if dominated {
                    continue;
                }
                match out.iter_mut().find(|p| p.config == c) {
                    Some(p) => p.fronts.push(good),
                    None => out.push(ParetoPoint {
                        config: c,
                        fronts: vec![good],
                    }),
                }
            }
        }
        out.sort_by(|a, b| {
            let h = |c: usize| self.mean(c, PARETO_HARM).unwrap_or(f64::INFINITY);
            h(a.config)
                .total_cmp(&h(b.config))
                .then(a.config.cmp(&b.config))
        });
        out
    }

    /// Whether the sweep measured any metric of `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.comparisons.iter().any(|c| c.role() == role)
    }
}

/// Small synthetic sweeps for the rule and report tests: configurations
/// with one run each, and comparison and summary rows with the numbers a
/// test chooses.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::json;

    use crate::analysis::compare::ComparisonRow;
    use crate::analysis::direction::direction;
    use crate::analysis::frame::{Frame, Values};
    use crate::analysis::runs::RunsTable;
    use crate::analysis::stats::Describe;
    use crate::analysis::summary::SummaryRow;
    use crate::analysis::verdict::{Rule, Verdict};

    /// A runs table of one scenario: the baseline, then a configuration per
    /// label (`param=value,...`), one successful run each.
    pub fn runs(labels: &[&str], params: &[&str], metrics: &[&str]) -> RunsTable {
        let mut f = Frame::default();
        let n = labels.len() + 1;
        let all: Vec<&str> = std::iter::once("baseline")
            .chain(labels.iter().copied())
            .collect();
        let s = |v: Vec<String>| Values::Str(v.into_iter().map(Some).collect());
        f.push("scenario", s(vec!["sc".to_string(); n]));
        f.push("config_id", Values::Int((0..n as i64).map(Some).collect()));
        f.push(
            "config_label",
            s(all.iter().map(|l| l.to_string()).collect()),
        );
        f.push("arm", s(all.iter().map(|l| l.to_string()).collect()));
        f.push("seed", Values::Int(vec![Some(0); n]));
        f.push("status", s(vec!["ok".to_string(); n]));
        for p in params {
            f.push(p, Values::Float(vec![None; n]));
        }
        for m in metrics {
            f.push(m, Values::Float(vec![Some(0.0); n]));
        }
        f.rows = n;
        f.metadata.insert(
            "swarm_sweep.param_columns".into(),
            json!(params).to_string(),
        );
        f.metadata.insert(
            "swarm_sweep.metric_columns".into(),
            json!(metrics).to_string(),
        );
        RunsTable::from_frame(f, std::path::Path::new("runs.parquet")).expect("a valid table")
    }

    /// A comparison of configuration `config` (≥ 1) on `metric`: baseline
    /// mean `base`, mean difference `diff`, Holm p `p` (None: all pairs
    /// identical), 20 pairs; the verdict by the default rule.
    pub fn row(config: usize, metric: &str, base: f64, diff: f64, p: Option<f64>) -> ComparisonRow {
        let mut r = ComparisonRow {
            config,
            baseline: 0,
            metric: metric.into(),
            direction: direction(metric),
            n_pairs: 20,
            n_nonfinite: 0,
            mean_baseline: Some(base),
            mean_variant: Some(base + diff),
            diff: Some(diff),
            diff_ci: Some((diff - diff.abs() / 2.0, diff + diff.abs() / 2.0)),
            bootstrap_resamples: 1000,
            rel_change: (base != 0.0).then(|| diff / base.abs()),
            t_stat: None,
            p_ttest: p,
            p_wilcoxon: None,
            wilcoxon_method: None,
            p_holm: p,
            d_z: Some(1.0),
            hedges_g: None,
            p_improve: None,
            verdict: Verdict::Inconclusive,
        };
        r.verdict = Rule::default().verdict(&r);
        r
    }

    /// Summary rows (means only) for every configuration and metric of
    /// `runs`: the baseline's from `base(metric)`, a variant's from its
    /// comparison row when there is one.
    pub fn summary(
        runs: &RunsTable,
        rows: &[ComparisonRow],
        base: &dyn Fn(&str) -> f64,
    ) -> Vec<SummaryRow> {
        let mut out = Vec::new();
        for c in 0..runs.configs.len() {
            for m in &runs.metrics {
                let mean = if c == 0 {
                    Some(base(m))
                } else {
                    rows.iter()
                        .find(|r| r.config == c && &r.metric == m)
                        .and_then(|r| r.mean_variant)
                };
                out.push(SummaryRow {
                    config: c,
                    metric: m.clone(),
                    n: 20,
                    n_nonfinite: 0,
                    n_failed: 0,
                    stats: mean.and_then(|v| Describe::of(&[v])),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_metrics_have_directions() {
        for m in HEADLINE_METRICS {
            assert_ne!(direction(m), Direction::Neutral, "{m}");
        }
    }
}
