//! Rerun against stored: each configuration of the rerun (matched by
//! scenario and config_label) has each stored metric's mean over its
//! successful runs compared within tolerance; failed runs and configurations
//! missing from the stored results count as problems too. Non-finite values
//! have no tolerance: an infinite mean must be equal on both sides, and so
//! must the number of NaN values (an infinite stored value would otherwise
//! make the allowed difference infinite).

use std::collections::HashMap;
use std::fmt;

use super::tolerance::{Tol, Tolerances};
use crate::analysis::frame::Cell;
use crate::analysis::runs::RunsTable;

/// Why a configuration fails its check.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A metric's mean moved beyond its tolerance, or is null on one side only.
    Metric {
        metric: String,
        rerun: Option<f64>,
        stored: Option<f64>,
        tol: Tol,
    },
    /// Non-finite values (an infinite mean, NaN values) that are not the
    /// same on both sides.
    NonFinite {
        metric: String,
        rerun: Side,
        stored: Side,
    },
    /// A metric of the stored table that the rerun does not have.
    MissingMetric(String),
    /// More runs failed in the rerun than in the stored results.
    FailedRuns {
        rerun: usize,
        stored: usize,
        first_error: Option<String>,
    },
    /// The stored results have no such configuration.
    NotStored,
    /// Runs of the rerun that missed one of the scenario's success criteria.
    Criterion {
        key: String,
        /// What it asks, as `swarm run` words it: `Toxicity <= 0.35`.
        requirement: String,
        /// (seed, the run's figure) of each run that missed it.
        misses: Vec<(i64, String)>,
        runs: usize,
    },
}

/// One side of a metric's comparison: the mean over the values that are
/// not NaN, and how many were NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Side {
    pub mean: Option<f64>,
    pub nan: usize,
}

impl Side {
    fn finite(&self) -> bool {
        self.nan == 0 && self.mean.is_none_or(f64::is_finite)
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mean {}", num(self.mean))?;
        if self.nan > 0 {
            write!(f, " and {} NaN", self.nan)?;
        }
        Ok(())
    }
}

fn num(x: Option<f64>) -> String {
    match x {
        None => "null".into(),
        Some(v) if v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e7) => format!("{v:.6e}"),
        Some(v) => format!("{v:.6}"),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Metric {
                metric,
                rerun,
                stored,
                tol,
            } => {
                write!(f, "{metric}: {} now, {} stored", num(*rerun), num(*stored))?;
                if let (Some(r), Some(s)) = (rerun, stored) {
                    let d = r - s;
                    write!(f, " (Δ {d:+.3e}")?;
                    if *s != 0.0 {
                        write!(f, ", {:+.2}%", 100.0 * d / s.abs())?;
                    }
                    write!(f, "; allowed ±{:.3e}: {tol})", tol.allowed(*s))?;
                }
                Ok(())
            }
            Problem::NonFinite {
                metric,
                rerun,
                stored,
            } => write!(
                f,
                "{metric}: non-finite values differ: {rerun} now, {stored} stored \
                 (no tolerance applies: they must be equal)"
            ),
            Problem::MissingMetric(m) => {
                write!(f, "{m}: in the stored results but not in the rerun")
            }
            Problem::FailedRuns {
                rerun,
                stored,
                first_error,
            } => {
                write!(f, "{rerun} failed runs now, {stored} stored")?;
                if let Some(e) = first_error {
                    write!(f, "; first error: {e}")?;
                }
                Ok(())
            }
            Problem::NotStored => write!(
                f,
                "not in the stored results (a new configuration? rerun the sweep to store it)"
            ),
            Problem::Criterion {
                key,
                requirement,
                misses,
                runs,
            } => {
                let list: Vec<String> = misses
                    .iter()
                    .map(|(seed, value)| format!("seed {seed}: {value}"))
                    .collect();
                write!(
                    f,
                    "success criterion {key} ({requirement}) missed in {} of {runs} runs: {}",
                    misses.len(),
                    list.join(", ")
                )
            }
        }
    }
}

/// The check of one configuration of the rerun.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigCheck {
    pub scenario: String,
    pub config_id: i64,
    /// `config_label` (matches the stored results).
    pub label: String,
    /// The label for people (short parameter names).
    pub display: String,
    pub runs: usize,
    /// Metrics compared.
    pub metrics: usize,
    /// Criteria evaluated (per run; 0 without --criteria).
    pub criteria: usize,
    /// Sum of its runs' wall times in the rerun.
    pub time_s: f64,
    pub problems: Vec<Problem>,
}

impl ConfigCheck {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The result of comparing a rerun with stored results.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub checks: Vec<ConfigCheck>,
    /// Stored configurations the rerun does not have (display labels).
    pub not_rerun: Vec<String>,
}

/// Over the successful runs: the mean of the values that are not NaN
/// (None without any) and the number of NaN values.
fn side(t: &RunsTable, rows: &[usize], metric: &str) -> Side {
    let Some(col) = t.frame.get(metric) else {
        return Side { mean: None, nan: 0 };
    };
    let cells = rows
        .iter()
        .filter(|&&r| t.ok(r))
        .filter_map(|&r| col.cell(r).as_f64());
    let (mut xs, mut nan) = (Vec::new(), 0);
    for x in cells {
        if x.is_nan() {
            nan += 1;
        } else {
            xs.push(x);
        }
    }
    let mean = (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    Side { mean, nan }
}

fn same(rerun: Option<f64>, stored: Option<f64>, tol: Tol) -> bool {
    match (rerun, stored) {
        (None, None) => true,
        (Some(r), Some(s)) if !(r.is_finite() && s.is_finite()) => r == s,
        (Some(r), Some(s)) => r == s || tol.allows(r, s),
        _ => false,
    }
}

fn failed(t: &RunsTable, rows: &[usize]) -> (usize, Option<String>) {
    let bad: Vec<usize> = rows.iter().copied().filter(|&r| !t.ok(r)).collect();
    let first = bad
        .first()
        .and_then(|&r| match t.frame.get("error")?.cell(r) {
            Cell::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        });
    (bad.len(), first)
}

pub fn compare(rerun: &RunsTable, stored: &RunsTable, tol: &Tolerances) -> Comparison {
    let index: HashMap<(&str, &str), usize> = stored
        .configs
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.scenario.as_str(), c.label.as_str()), i))
        .collect();
    let mut matched = vec![false; stored.configs.len()];
    let wall = rerun.frame.get("wall_time_s");
    let mut checks = Vec::with_capacity(rerun.configs.len());
    for (i, c) in rerun.configs.iter().enumerate() {
        let mut check = ConfigCheck {
            scenario: c.scenario.clone(),
            config_id: c.config_id,
            label: c.label.clone(),
            display: rerun.display(i),
            runs: c.rows.len(),
            metrics: 0,
            criteria: 0,
            time_s: wall.map_or(0.0, |w| c.rows.iter().filter_map(|&r| w.f64(r)).sum()),
            problems: Vec::new(),
        };
        let Some(&s) = index.get(&(c.scenario.as_str(), c.label.as_str())) else {
            check.problems.push(Problem::NotStored);
            checks.push(check);
            continue;
        };
        matched[s] = true;
        let sc = &stored.configs[s];
        let (now_failed, first_error) = failed(rerun, &c.rows);
        let (was_failed, _) = failed(stored, &sc.rows);
        if now_failed > was_failed {
            check.problems.push(Problem::FailedRuns {
                rerun: now_failed,
                stored: was_failed,
                first_error,
            });
        }
        for metric in &stored.metrics {
            if rerun.frame.get(metric).is_none() {
                check.problems.push(Problem::MissingMetric(metric.clone()));
                continue;
            }
            check.metrics += 1;
            let (r, st) = (side(rerun, &c.rows, metric), side(stored, &sc.rows, metric));
            let t = tol.get(metric);
            if !(r.finite() && st.finite()) && (r.nan != st.nan || !same(r.mean, st.mean, t)) {
                check.problems.push(Problem::NonFinite {
                    metric: metric.clone(),
                    rerun: r,
                    stored: st,
                });
            } else if !same(r.mean, st.mean, t) {
                check.problems.push(Problem::Metric {
                    metric: metric.clone(),
                    rerun: r.mean,
                    stored: st.mean,
                    tol: t,
                });
            }
        }
        checks.push(check);
    }
    let not_rerun = matched
        .iter()
        .enumerate()
        .filter(|(_, m)| !**m)
        .map(|(i, _)| stored.display(i))
        .collect();
    Comparison { checks, not_rerun }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::frame::{Frame, Values};
    use std::path::Path;

    fn table(label: &[&str], tox: &[Option<f64>], status: &[&str]) -> RunsTable {
        let n = label.len();
        let mut f = Frame {
            rows: n,
            ..Frame::default()
        };
        let s = |v: &[&str]| Values::Str(v.iter().map(|x| Some(x.to_string())).collect());
        let ids = label
            .iter()
            .map(|l| label.iter().position(|x| x == l).map(|i| i as i64))
            .collect();
        f.push("config_id", Values::Int(ids));
        f.push("config_label", s(label));
        f.push("arm", s(label));
        f.push(
            "seed",
            Values::Int((0..n as i64).map(|i| Some(i % 2)).collect()),
        );
        f.push("status", s(status));
        f.push("toxicity_rate", Values::Float(tox.to_vec()));
        f.metadata.insert(
            "swarm_sweep.metric_columns".into(),
            "[\"toxicity_rate\"]".into(),
        );
        f.metadata
            .insert("swarm_sweep.param_columns".into(), "[]".into());
        RunsTable::from_frame(f, Path::new("runs.parquet")).unwrap()
    }

    #[test]
    fn identical_tables_pass() {
        let t = table(
            &["baseline", "baseline"],
            &[Some(0.2), Some(0.3)],
            &["ok", "ok"],
        );
        let c = compare(&t, &t, &Tolerances::default());
        assert_eq!(c.checks.len(), 1);
        assert!(c.checks[0].passed(), "{:?}", c.checks[0].problems);
        assert_eq!(c.checks[0].metrics, 1);
        assert!(c.not_rerun.is_empty());
    }

    #[test]
    fn a_moved_mean_is_named_with_both_values() {
        let stored = table(
            &["baseline", "baseline"],
            &[Some(0.2), Some(0.3)],
            &["ok", "ok"],
        );
        let rerun = table(
            &["baseline", "baseline"],
            &[Some(0.2), Some(0.4)],
            &["ok", "ok"],
        );
        let c = compare(&rerun, &stored, &Tolerances::default());
        let text = c.checks[0].problems[0].to_string();
        assert!(
            text.starts_with("toxicity_rate: 0.300000 now, 0.250000 stored"),
            "{text}"
        );
        assert!(text.contains("+20.00%"), "{text}");
        let loose = Tolerances::parse(&["toxicity_rate=25%"]).unwrap();
        assert!(compare(&rerun, &stored, &loose).checks[0].passed());
    }

    #[test]
    fn non_finite_values_must_be_equal_on_both_sides() {
        let t = |tox: &[Option<f64>]| table(&["baseline", "baseline"], tox, &["ok", "ok"]);
        let inf = f64::INFINITY;
        let cases = [
            // stored, rerun, passes
            ([Some(inf), Some(0.3)], [Some(0.2), Some(0.3)], false),
            ([Some(0.2), Some(0.3)], [Some(inf), Some(0.3)], false),
            ([Some(inf), Some(0.3)], [Some(inf), Some(0.3)], true),
            ([Some(-inf), Some(0.3)], [Some(inf), Some(0.3)], false),
            ([Some(f64::NAN), Some(0.3)], [Some(0.2), Some(0.3)], false),
            (
                [Some(f64::NAN), Some(0.3)],
                [Some(f64::NAN), Some(0.3)],
                true,
            ),
        ];
        let loose = Tolerances::parse(&["1e300"]).unwrap();
        for (stored, rerun, passes) in cases {
            let c = compare(&t(&rerun), &t(&stored), &loose);
            assert_eq!(c.checks[0].passed(), passes, "{stored:?} → {rerun:?}");
            if !passes {
                let text = c.checks[0].problems[0].to_string();
                assert!(text.contains("non-finite values differ"), "{text}");
            }
        }
    }

    #[test]
    fn failed_runs_and_unknown_configurations() {
        let stored = table(
            &["baseline", "baseline"],
            &[Some(0.2), Some(0.3)],
            &["ok", "ok"],
        );
        let rerun = table(&["baseline", "x=1"], &[Some(0.2), None], &["ok", "failed"]);
        let c = compare(&rerun, &stored, &Tolerances::default());
        assert_eq!(c.checks.len(), 2);
        // the baseline lost a run (seed 1 is now under x=1), so its mean moved
        assert!(!c.checks[0].passed());
        assert_eq!(c.checks[1].problems, vec![Problem::NotStored]);
    }
}
