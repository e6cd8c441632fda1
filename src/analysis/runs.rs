//! The sweep's runs.parquet seen as configurations: which columns are
//! parameters and metrics (from the file's metadata, never guessed when it
//! is there), each configuration's runs, and the baseline each pairs with.

use std::path::Path;

use super::error::AnalysisError;
use super::frame::{Cell, Frame, Values};
use crate::contract::{column, key};

/// Identity and bookkeeping columns of runs.parquet (docs/sweep.md).
fn is_identity(name: &str) -> bool {
    column::IDENTITY.contains(&name) || column::BOOKKEEPING.contains(&name)
}

/// One configuration (a scenario × one set of parameter values).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub scenario: String,
    pub config_id: i64,
    pub label: String,
    pub arm: String,
    /// Values of the parameter columns, in `RunsTable::params` order.
    pub params: Vec<Cell>,
    /// Row indices of its runs, in file order.
    pub rows: Vec<usize>,
}

impl Config {
    pub fn is_baseline(&self) -> bool {
        self.arm == column::BASELINE_ARM
    }
}

#[derive(Debug, Clone)]
pub struct RunsTable {
    pub frame: Frame,
    pub params: Vec<String>,
    pub metrics: Vec<String>,
    pub configs: Vec<Config>,
    /// Per row: the run succeeded (`status = "ok"`, or no status column).
    ok: Vec<bool>,
    /// Per row: the seed, when it is an integer.
    seeds: Vec<Option<i64>>,
}

fn require<'a>(frame: &'a Frame, name: &str, path: &Path) -> Result<&'a Values, AnalysisError> {
    frame.get(name).ok_or_else(|| AnalysisError::BadTable {
        path: path.to_path_buf(),
        message: format!("no `{name}` column: not a swarm-sweep runs table"),
    })
}

impl RunsTable {
    pub fn load(path: &Path) -> Result<RunsTable, AnalysisError> {
        RunsTable::from_frame(Frame::read_parquet(path, None)?, path)
    }

    /// As [`load`](Self::load), reading only the columns the analysis uses
    /// (identity, status, seed, parameters, metrics) when the file's
    /// metadata lists its parameters and metrics.
    pub fn load_for_analysis(path: &Path) -> Result<RunsTable, AnalysisError> {
        let meta = Frame::read_metadata(path)?;
        let list = |k: &str| -> Option<Vec<String>> { serde_json::from_str(meta.get(k)?).ok() };
        let (Some(params), Some(metrics)) = (
            list(key::sweep::PARAM_COLUMNS),
            list(key::sweep::METRIC_COLUMNS),
        ) else {
            return RunsTable::load(path);
        };
        let wanted = |name: &str| {
            [
                column::SCENARIO,
                column::CONFIG_ID,
                column::CONFIG_LABEL,
                column::ARM,
                column::SEED,
                column::STATUS,
            ]
            .contains(&name)
                || params.iter().any(|p| p == name)
                || metrics.iter().any(|m| m == name)
        };
        RunsTable::from_frame(Frame::read_parquet(path, Some(&wanted))?, path)
    }

    pub fn from_frame(frame: Frame, path: &Path) -> Result<RunsTable, AnalysisError> {
        let params = frame
            .metadata_list(key::sweep::PARAM_COLUMNS)
            .unwrap_or_else(|| {
                frame
                    .names
                    .iter()
                    .filter(|n| n.contains('.'))
                    .cloned()
                    .collect()
            });
        let metrics = match frame.metadata_list(key::sweep::METRIC_COLUMNS) {
            Some(m) => m,
            None => frame
                .names
                .iter()
                .zip(&frame.cols)
                .filter(|(n, c)| c.is_numeric() && !is_identity(n) && !params.contains(n))
                .map(|(n, _)| n.clone())
                .collect(),
        };
        for name in params.iter().chain(&metrics) {
            require(&frame, name, path)?;
        }
        let cfg_id = require(&frame, column::CONFIG_ID, path)?;
        let label = require(&frame, column::CONFIG_LABEL, path)?;
        let arm = require(&frame, column::ARM, path)?;
        require(&frame, column::SEED, path)?;
        let scenario = frame.get(column::SCENARIO);
        // A row's scenario as a label renders it: borrowed from a text
        // column (no allocation per row), rendered for any other type.
        let scenario_of = |row: usize| -> std::borrow::Cow<'_, str> {
            match scenario {
                None => "".into(),
                Some(Values::Str(v)) => v[row].as_deref().unwrap_or("none").into(),
                Some(col) => col.cell(row).render().into(),
            }
        };
        let mut configs: Vec<Config> = Vec::new();
        // config_id → the configurations with that id (one per scenario).
        let mut by_id: rustc_hash::FxHashMap<i64, Vec<usize>> = Default::default();
        for row in 0..frame.rows {
            let sc = scenario_of(row);
            let id = match cfg_id.cell(row) {
                Cell::Int(i) => i,
                _ => -1,
            };
            let known = by_id.entry(id).or_default();
            if let Some(&c) = known.iter().find(|&&c| configs[c].scenario == *sc) {
                configs[c].rows.push(row);
                continue;
            }
            known.push(configs.len());
            configs.push(Config {
                scenario: sc.into_owned(),
                config_id: id,
                label: label.cell(row).render(),
                arm: arm.cell(row).render(),
                params: params
                    .iter()
                    .map(|p| frame.get(p).expect("checked").cell(row))
                    .collect(),
                rows: vec![row],
            });
        }
        let ok = match frame.get(column::STATUS) {
            Some(Values::Str(s)) => s
                .iter()
                .map(|v| v.as_deref() == Some(column::STATUS_OK))
                .collect(),
            Some(_) => vec![false; frame.rows],
            None => vec![true; frame.rows],
        };
        let seeds = match frame.get(column::SEED) {
            Some(Values::Int(s)) => s.clone(),
            _ => vec![None; frame.rows],
        };
        Ok(RunsTable {
            frame,
            params,
            metrics,
            configs,
            ok,
            seeds,
        })
    }

    /// Whether the run in `row` succeeded (no status column: all did).
    #[inline]
    pub fn ok(&self, row: usize) -> bool {
        self.ok[row]
    }

    #[inline]
    pub fn seed(&self, row: usize) -> Option<i64> {
        self.seeds[row]
    }

    /// A metric's column.
    pub fn column(&self, metric: &str) -> Option<&Values> {
        self.frame.get(metric)
    }

    /// A metric of a successful run; `None` for failed runs and missing values.
    pub fn value(&self, metric: &str, row: usize) -> Option<f64> {
        if !self.ok(row) {
            return None;
        }
        self.frame.get(metric)?.f64(row)
    }

    /// The scenarios in order of appearance.
    pub fn scenarios(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.configs {
            if !out.contains(&c.scenario.as_str()) {
                out.push(&c.scenario);
            }
        }
        out
    }

    pub fn many_scenarios(&self) -> bool {
        self.scenarios().len() > 1
    }

    /// The baseline configuration of `scenario`, if the sweep has one.
    pub fn baseline(&self, scenario: &str) -> Option<&Config> {
        self.configs
            .iter()
            .find(|c| c.scenario == scenario && c.is_baseline())
    }

    /// Short names for the parameter paths (see [`short_params`]).
    pub fn short_params(&self) -> Vec<(String, String)> {
        let labels: Vec<&str> = self.configs.iter().map(|c| c.label.as_str()).collect();
        short_params(&self.params, &labels)
    }

    /// The configuration's label for people (see [`short_label`]).
    pub fn short_label(&self, config: usize) -> String {
        short_label(&self.configs[config].label, &self.short_params())
    }

    /// The short label, prefixed by the scenario when the sweep has several.
    pub fn display(&self, config: usize) -> String {
        if self.many_scenarios() {
            format!(
                "{} / {}",
                self.configs[config].scenario,
                self.short_label(config)
            )
        } else {
            self.short_label(config)
        }
    }

    pub fn name(&self) -> Option<&str> {
        self.frame
            .metadata
            .get(key::sweep::NAME)
            .map(String::as_str)
    }
}

/// Short names for parameter paths: the last path segment, less the
/// `_`-separated prefix shared by those that name configurations (appear as
/// `path=` in one of `labels`; all of them when none does):
/// `freeze_threshold_toxicity`, `freeze_threshold_violations` →
/// `toxicity`, `violations`. The full paths when shortening would make two
/// the same.
pub fn short_params(params: &[String], labels: &[&str]) -> Vec<(String, String)> {
    let last: Vec<&str> = params
        .iter()
        .map(|p| p.rsplit('.').next().unwrap_or(p))
        .collect();
    let naming: Vec<&str> = params
        .iter()
        .zip(&last)
        .filter(|(p, _)| {
            labels
                .iter()
                .any(|l| l.split(',').any(|part| part.starts_with(&format!("{p}="))))
        })
        .map(|(_, l)| *l)
        .collect();
    let shared: &[&str] = if naming.is_empty() { &last } else { &naming };
    let mut prefix = String::new();
    if shared.len() > 1 {
        let first: Vec<&str> = shared[0].split_inclusive('_').collect();
        for part in &first[..first.len().saturating_sub(1)] {
            let cand = format!("{prefix}{part}");
            if shared
                .iter()
                .all(|l| l.starts_with(&cand) && l.len() > cand.len())
            {
                prefix = cand;
            } else {
                break;
            }
        }
    }
    let short: Vec<String> = last
        .iter()
        .map(|l| {
            l.strip_prefix(prefix.as_str())
                .filter(|s| !s.is_empty())
                .unwrap_or(l)
                .to_string()
        })
        .collect();
    let unique = short
        .iter()
        .enumerate()
        .all(|(i, a)| short[..i].iter().all(|b| b != a));
    params
        .iter()
        .zip(short)
        .map(|(p, s)| (p.clone(), if unique { s } else { p.clone() }))
        .collect()
}

/// A configuration label for people: each `path=value` part with its short
/// parameter name (`short`, from [`short_params`]), parts separated by `, `.
pub fn short_label(label: &str, short: &[(String, String)]) -> String {
    label
        .split(',')
        .map(|part| match part.split_once('=') {
            Some((path, value)) => {
                let name = short.iter().find(|(p, _)| p == path).map_or_else(
                    || path.rsplit('.').next().unwrap_or(path).to_string(),
                    |(_, s)| s.clone(),
                );
                format!("{name}={value}")
            }
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
