//! The sweep's runs.parquet seen as configurations: which columns are
//! parameters and metrics (from the file's metadata, never guessed when it
//! is there), each configuration's runs, and the baseline each pairs with.

use std::path::Path;

use super::error::AnalysisError;
use super::frame::{Cell, Frame, Values};

/// Identity and bookkeeping columns of runs.parquet (docs/sweep.md).
const IDENTITY: &[&str] = &[
    "run_key",
    "scenario",
    "config_id",
    "config_label",
    "arm",
    "replicate",
    "seed",
    "status",
    "error",
    "wall_time_s",
];

pub const BASELINE_ARM: &str = "baseline";
pub const PARAM_KEY: &str = "swarm_sweep.param_columns";
pub const METRIC_KEY: &str = "swarm_sweep.metric_columns";

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
        self.arm == BASELINE_ARM
    }
}

#[derive(Debug, Clone)]
pub struct RunsTable {
    pub frame: Frame,
    pub params: Vec<String>,
    pub metrics: Vec<String>,
    pub configs: Vec<Config>,
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

    pub fn from_frame(frame: Frame, path: &Path) -> Result<RunsTable, AnalysisError> {
        let params = frame.metadata_list(PARAM_KEY).unwrap_or_else(|| {
            frame
                .names
                .iter()
                .filter(|n| n.contains('.'))
                .cloned()
                .collect()
        });
        let metrics = match frame.metadata_list(METRIC_KEY) {
            Some(m) => m,
            None => frame
                .names
                .iter()
                .zip(&frame.cols)
                .filter(|(n, c)| {
                    c.is_numeric() && !IDENTITY.contains(&n.as_str()) && !params.contains(n)
                })
                .map(|(n, _)| n.clone())
                .collect(),
        };
        for name in params.iter().chain(&metrics) {
            require(&frame, name, path)?;
        }
        let cfg_id = require(&frame, "config_id", path)?;
        let label = require(&frame, "config_label", path)?;
        let arm = require(&frame, "arm", path)?;
        require(&frame, "seed", path)?;
        let scenario = frame.get("scenario");
        let mut configs: Vec<Config> = Vec::new();
        let mut index: std::collections::HashMap<(String, i64), usize> = Default::default();
        for row in 0..frame.rows {
            let sc = scenario.map_or_else(String::new, |s| s.cell(row).render());
            let id = match cfg_id.cell(row) {
                Cell::Int(i) => i,
                _ => -1,
            };
            if let Some(&c) = index.get(&(sc.clone(), id)) {
                configs[c].rows.push(row);
                continue;
            }
            index.insert((sc.clone(), id), configs.len());
            configs.push(Config {
                scenario: sc,
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
        Ok(RunsTable {
            frame,
            params,
            metrics,
            configs,
        })
    }

    /// Whether the run in `row` succeeded (no status column: all did).
    pub fn ok(&self, row: usize) -> bool {
        self.frame
            .get("status")
            .is_none_or(|s| s.cell(row) == Cell::Str("ok".into()))
    }

    pub fn seed(&self, row: usize) -> Option<i64> {
        match self.frame.get("seed")?.cell(row) {
            Cell::Int(s) => Some(s),
            _ => None,
        }
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

    /// Short names for the parameter paths: the last path segment, less the
    /// `_`-separated prefix they all share (`freeze_threshold_toxicity`,
    /// `freeze_threshold_violations` → `toxicity`, `violations`); the full
    /// paths when shortening would make two the same.
    pub fn short_params(&self) -> Vec<(String, String)> {
        let last: Vec<&str> = self
            .params
            .iter()
            .map(|p| p.rsplit('.').next().unwrap_or(p))
            .collect();
        let mut prefix = String::new();
        if last.len() > 1 {
            let first: Vec<&str> = last[0].split_inclusive('_').collect();
            for part in &first[..first.len().saturating_sub(1)] {
                let cand = format!("{prefix}{part}");
                if last
                    .iter()
                    .all(|l| l.starts_with(&cand) && l.len() > cand.len())
                {
                    prefix = cand;
                } else {
                    break;
                }
            }
        }
        let short: Vec<String> = last.iter().map(|l| l[prefix.len()..].to_string()).collect();
        let unique = short
            .iter()
            .enumerate()
            .all(|(i, a)| short[..i].iter().all(|b| b != a));
        self.params
            .iter()
            .zip(short)
            .map(|(p, s)| (p.clone(), if unique { s } else { p.clone() }))
            .collect()
    }

    /// The configuration's label for people: each `path=value` part with
    /// its short parameter name, parts separated by `, `.
    pub fn short_label(&self, config: usize) -> String {
        let short = self.short_params();
        self.configs[config]
            .label
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
            .get("swarm_sweep.name")
            .map(String::as_str)
    }
}
