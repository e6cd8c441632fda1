//! Global sensitivity of a sweep run on a saltelli or morris design
//! (`swarm-sweep sensitivity DIR`): the design is made again from the spec
//! kept in runs.parquet's metadata, each design point's metric is averaged
//! over its seeds, and the indices of that seed-averaged metric are written
//! with the share of variance the seeds themselves cause, so noise is not
//! read as sensitivity. Outputs: design.parquet, sensitivity.parquet,
//! sensitivity.md, plots/sensitivity_<metric>.{png,svg}. docs/design.md.

pub mod indices;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use self::indices::{Bootstrap, MorrisIndices, SobolIndices};
use super::frame::{Frame, Values};
use super::plot::PlotFormat;
use super::runs::RunsTable;
use crate::contract::file::{self, DESIGN as DESIGN_FILE, PLOTS_DIR};
use crate::contract::file::{SENSITIVITY as SENSITIVITY_FILE, SENSITIVITY_REPORT as REPORT_FILE};
use crate::contract::{key, schema_version};
use crate::scenario::params::ParamValue;
use crate::sweep::design::{Method, Sample};
use crate::sweep::spec;
/// Metrics analysed when neither --metrics nor the spec's report names any.
pub const DEFAULT_METRICS: &[&str] = &["toxicity_rate", "quality_gap", "total_welfare"];

/// One metric's values at every design point.
#[derive(Debug, Clone)]
pub struct PointValues {
    pub scenario: String,
    pub metric: String,
    /// The seed-averaged metric per design row.
    pub means: Vec<f64>,
    /// Seeds with a value, per design row.
    pub seeds: Vec<usize>,
    /// Share of the run-to-run variance that lies between seeds of the
    /// same point (one-way ANOVA: within sum of squares over total).
    pub seed_share: f64,
    /// Share of the seed-averaged metric's variance that is seed noise:
    /// mean within-point variance / seeds, over the variance of the means.
    pub noise_share: f64,
}

/// One row of sensitivity.parquet: a metric's indices for one parameter.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub scenario: String,
    pub metric: String,
    pub method: &'static str,
    pub parameter: String,
    pub s1: Option<f64>,
    pub s1_conf: Option<f64>,
    pub st: Option<f64>,
    pub st_conf: Option<f64>,
    pub mu: Option<f64>,
    pub mu_star: Option<f64>,
    pub sigma: Option<f64>,
    pub mu_star_conf: Option<f64>,
    /// 1 = most influential (by ST, or μ*).
    pub rank: i64,
    pub n_points: i64,
    pub n_seeds: i64,
    pub seed_share: f64,
    pub noise_share: f64,
}

/// One row of sensitivity_s2.parquet: a metric's second-order index of a
/// pair of parameters (in design order).
#[derive(Debug, Clone)]
pub struct PairRow {
    pub scenario: String,
    pub metric: String,
    pub parameter_1: String,
    pub parameter_2: String,
    pub s2: f64,
    pub s2_conf: f64,
}

/// The design a sweep's tables were made from, from their spec metadata.
pub fn design_of(runs: &RunsTable) -> Result<Option<Sample>> {
    let Some(text) = runs.frame.metadata.get(key::sweep::SPEC_YAML) else {
        return Ok(None);
    };
    let origin = runs
        .frame
        .metadata
        .get(key::sweep::NAME)
        .map_or("spec", |s| s.as_str());
    let spec = spec::parse(text, origin).map_err(|e| anyhow!("the tables' spec: {e}"))?;
    Ok(spec.sample)
}

/// Each scenario's seed-averaged `metric` per design row, from runs.parquet.
pub fn point_values(runs: &RunsTable, sample: &Sample, metric: &str) -> Result<Vec<PointValues>> {
    let rows = sample.unit.len();
    let mut out = Vec::new();
    for scenario in runs.scenarios() {
        let mut per_row: Vec<Vec<f64>> = vec![Vec::new(); rows];
        let mut found = vec![false; rows];
        for c in runs.configs.iter().filter(|c| c.scenario == scenario) {
            let Some(r) = c
                .label
                .strip_prefix("point=")
                .and_then(|r| r.parse::<usize>().ok())
            else {
                continue;
            };
            if r >= rows {
                bail!(
                    "configuration '{}' is not a point of the design ({rows} points)",
                    c.label
                );
            }
            found[r] = true;
            per_row[r].extend(c.rows.iter().filter_map(|&i| runs.value(metric, i)));
        }
        if let Some(r) = found.iter().position(|f| !f) {
            bail!(
                "design point {r} of {rows} has no runs{}: the tables are not the whole design \
                 (a shard? merge the parts first)",
                if scenario.is_empty() {
                    String::new()
                } else {
                    format!(" in {scenario}")
                }
            );
        }
        if let Some(r) = per_row.iter().position(Vec::is_empty) {
            bail!("{metric}: design point {r} has no successful run with a value");
        }
        out.push(summarise(scenario, metric, &per_row));
    }
    Ok(out)
}

/// Seed averages and the variance the seeds cause.
pub fn summarise(scenario: &str, metric: &str, per_row: &[Vec<f64>]) -> PointValues {
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let means: Vec<f64> = per_row.iter().map(|v| mean(v)).collect();
    let all: Vec<f64> = per_row.iter().flatten().copied().collect();
    let grand = mean(&all);
    let total: f64 = all.iter().map(|v| (v - grand).powi(2)).sum();
    let within: f64 = per_row
        .iter()
        .zip(&means)
        .map(|(v, m)| v.iter().map(|x| (x - m).powi(2)).sum::<f64>())
        .sum();
    let seed_share = if total > 0.0 { within / total } else { 0.0 };
    // Noise in a point's mean: its within variance (ddof 1) over its seeds.
    let noise: Vec<f64> = per_row
        .iter()
        .zip(&means)
        .filter(|(v, _)| v.len() > 1)
        .map(|(v, m)| {
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / ((v.len() - 1) * v.len()) as f64
        })
        .collect();
    let var_means = {
        let m = mean(&means);
        means.iter().map(|v| (v - m).powi(2)).sum::<f64>() / means.len() as f64
    };
    let noise_share = if noise.is_empty() {
        f64::NAN
    } else if var_means > 0.0 {
        (mean(&noise) / var_means).min(1.0)
    } else {
        1.0
    };
    PointValues {
        scenario: scenario.to_string(),
        metric: metric.to_string(),
        means,
        seeds: per_row.iter().map(Vec::len).collect(),
        seed_share,
        noise_share,
    }
}

/// The indices of one metric, a row per parameter, ranked; and the
/// second-order indices of each pair, when the design has them.
pub fn index_rows(
    sample: &Sample,
    v: &PointValues,
    boot: Bootstrap,
) -> (Vec<IndexRow>, Vec<PairRow>) {
    let k = sample.factors.len();
    let base = |parameter: &str| IndexRow {
        scenario: v.scenario.clone(),
        metric: v.metric.clone(),
        method: sample.method.name(),
        parameter: parameter.to_string(),
        s1: None,
        s1_conf: None,
        st: None,
        st_conf: None,
        mu: None,
        mu_star: None,
        sigma: None,
        mu_star_conf: None,
        rank: 0,
        n_points: v.means.len() as i64,
        n_seeds: v.seeds.iter().copied().min().unwrap_or(0) as i64,
        seed_share: v.seed_share,
        noise_share: v.noise_share,
    };
    let mut rows: Vec<IndexRow> = sample.factors.iter().map(|f| base(&f.path)).collect();
    let mut pairs = Vec::new();
    let key: Vec<f64> = match sample.method {
        Method::Saltelli => {
            // An output that does not vary: every index 0.
            let s = indices::sobol(&v.means, k, sample.second_order, boot).unwrap_or_else(|| {
                SobolIndices {
                    s1: vec![0.0; k],
                    s1_conf: vec![0.0; k],
                    st: vec![0.0; k],
                    st_conf: vec![0.0; k],
                    s2: (0..k)
                        .flat_map(|j| (j + 1..k).map(move |l| (j, l)))
                        .filter(|_| sample.second_order)
                        .map(|(j, l)| indices::PairIndex {
                            j,
                            l,
                            s2: 0.0,
                            s2_conf: 0.0,
                        })
                        .collect(),
                }
            });
            for (j, r) in rows.iter_mut().enumerate() {
                (r.s1, r.s1_conf) = (Some(s.s1[j]), Some(s.s1_conf[j]));
                (r.st, r.st_conf) = (Some(s.st[j]), Some(s.st_conf[j]));
            }
            pairs =
                s.s2.iter()
                    .map(|p| PairRow {
                        scenario: v.scenario.clone(),
                        metric: v.metric.clone(),
                        parameter_1: sample.factors[p.j].path.clone(),
                        parameter_2: sample.factors[p.l].path.clone(),
                        s2: p.s2,
                        s2_conf: p.s2_conf,
                    })
                    .collect();
            s.st
        }
        _ => {
            let m: MorrisIndices = indices::morris(&sample.unit, &v.means, k, sample.levels, boot);
            for (j, r) in rows.iter_mut().enumerate() {
                (r.mu, r.mu_star) = (Some(m.mu[j]), Some(m.mu_star[j]));
                (r.sigma, r.mu_star_conf) = (Some(m.sigma[j]), Some(m.mu_star_conf[j]));
            }
            m.mu_star
        }
    };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| key[b].total_cmp(&key[a]));
    for (rank, j) in order.into_iter().enumerate() {
        rows[j].rank = rank as i64 + 1;
    }
    (rows, pairs)
}

/// The metrics to analyse: those asked for, else the spec's report
/// metrics, else `DEFAULT_METRICS`; each must be a metric of the tables.
pub fn metrics(runs: &RunsTable, asked: &[String]) -> Result<Vec<String>> {
    let from_report = || -> Vec<String> {
        runs.frame
            .metadata
            .get(key::sweep::REPORT)
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|r| {
                r["metrics"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|m| m.as_str().map(String::from))
                        .collect()
                })
            })
            .unwrap_or_default()
    };
    let mut list: Vec<String> = asked
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    if list.is_empty() {
        list = from_report();
    }
    if list.is_empty() {
        list = DEFAULT_METRICS
            .iter()
            .filter(|m| runs.metrics.iter().any(|x| x == *m))
            .map(|m| m.to_string())
            .collect();
    }
    for m in &list {
        if !runs.metrics.contains(m) {
            bail!(
                "'{m}' is not a metric of runs.parquet (it has: {})",
                runs.metrics.join(", ")
            );
        }
    }
    Ok(list)
}

/// design.parquet: each design row's unit coordinates (`unit.<path>`) and
/// values (`<path>`), in the order of the sweep's configurations.
pub fn write_design(sample: &Sample, path: &Path) -> Result<()> {
    let mut f = Frame::default();
    let rows = sample.unit.len();
    f.push("point", Values::Int((0..rows as i64).map(Some).collect()));
    let values: Vec<Vec<ParamValue>> = (0..rows).map(|r| sample.values(r)).collect();
    for (j, factor) in sample.factors.iter().enumerate() {
        let col = match values.first().map(|v| &v[j]) {
            Some(ParamValue::Int(_)) => Values::Int(values.iter().map(|v| v[j].as_int()).collect()),
            Some(ParamValue::Float(_)) => {
                Values::Float(values.iter().map(|v| v[j].as_f64()).collect())
            }
            Some(ParamValue::Bool(_)) => Values::Bool(
                values
                    .iter()
                    .map(|v| matches!(v[j], ParamValue::Bool(true)).into())
                    .collect(),
            ),
            _ => Values::Str(values.iter().map(|v| Some(spec::render(&v[j]))).collect()),
        };
        f.push(&factor.path, col);
        f.push(
            &format!("unit.{}", factor.path),
            Values::Float(sample.unit.iter().map(|u| Some(u[j])).collect()),
        );
    }
    f.rows = rows;
    use key::design as k;
    let meta = [
        (k::METHOD, sample.method.name().to_string()),
        (k::N, sample.n.to_string()),
        (k::SEED, sample.seed.to_string()),
        (k::LEVELS, sample.levels.to_string()),
        (k::SECOND_ORDER, sample.second_order.to_string()),
        (k::SCRAMBLE, sample.scramble.to_string()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .to_vec();
    f.write_parquet(path, &meta)
}

trait AsNumber {
    fn as_int(&self) -> Option<i64>;
    fn as_f64(&self) -> Option<f64>;
}

impl AsNumber for ParamValue {
    fn as_int(&self) -> Option<i64> {
        match self {
            ParamValue::Int(i) => Some(*i),
            _ => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Float(x) => Some(*x),
            ParamValue::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}

/// sensitivity.parquet.
pub fn write_indices(rows: &[IndexRow], path: &Path, boot: Bootstrap) -> Result<()> {
    let mut f = Frame::default();
    let s =
        |g: &dyn Fn(&IndexRow) -> String| Values::Str(rows.iter().map(|r| Some(g(r))).collect());
    let x = |g: &dyn Fn(&IndexRow) -> Option<f64>| Values::Float(rows.iter().map(g).collect());
    let i = |g: &dyn Fn(&IndexRow) -> i64| Values::Int(rows.iter().map(|r| Some(g(r))).collect());
    f.push("scenario", s(&|r| r.scenario.clone()));
    f.push("metric", s(&|r| r.metric.clone()));
    f.push("method", s(&|r| r.method.to_string()));
    f.push("parameter", s(&|r| r.parameter.clone()));
    f.push("S1", x(&|r| r.s1));
    f.push("S1_conf", x(&|r| r.s1_conf));
    f.push("ST", x(&|r| r.st));
    f.push("ST_conf", x(&|r| r.st_conf));
    f.push("mu", x(&|r| r.mu));
    f.push("mu_star", x(&|r| r.mu_star));
    f.push("sigma", x(&|r| r.sigma));
    f.push("mu_star_conf", x(&|r| r.mu_star_conf));
    f.push("rank", i(&|r| r.rank));
    f.push("n_points", i(&|r| r.n_points));
    f.push("n_seeds", i(&|r| r.n_seeds));
    f.push("seed_variance_share", x(&|r| Some(r.seed_share)));
    f.push("seed_noise_share", x(&|r| Some(r.noise_share)));
    f.rows = rows.len();
    f.write_parquet(path, &table_metadata(boot))
}

/// sensitivity_s2.parquet.
pub fn write_pairs(rows: &[PairRow], path: &Path, boot: Bootstrap) -> Result<()> {
    let mut f = Frame::default();
    let s = |g: &dyn Fn(&PairRow) -> &str| {
        Values::Str(rows.iter().map(|r| Some(g(r).to_string())).collect())
    };
    let x = |g: &dyn Fn(&PairRow) -> f64| Values::Float(rows.iter().map(|r| Some(g(r))).collect());
    f.push("scenario", s(&|r| &r.scenario));
    f.push("metric", s(&|r| &r.metric));
    f.push("parameter_1", s(&|r| &r.parameter_1));
    f.push("parameter_2", s(&|r| &r.parameter_2));
    f.push("S2", x(&|r| r.s2));
    f.push("S2_conf", x(&|r| r.s2_conf));
    f.rows = rows.len();
    f.write_parquet(path, &table_metadata(boot))
}

/// The metadata of sensitivity.parquet and sensitivity_s2.parquet: how the
/// confidence intervals were drawn.
fn table_metadata(boot: Bootstrap) -> Vec<(String, String)> {
    use key::sensitivity as k;
    [
        (k::SCHEMA_VERSION, schema_version::SENSITIVITY.to_string()),
        (k::RESAMPLES, boot.resamples.to_string()),
        (k::CONF_LEVEL, boot.level.to_string()),
        (k::BOOTSTRAP_SEED, boot.seed.to_string()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .to_vec()
}

/// Pairs listed per metric in sensitivity.md (the largest |S2| first); all
/// of them are in sensitivity_s2.parquet.
const PAIRS_LISTED: usize = 5;

/// sensitivity.md: per scenario and metric, the parameters ranked.
pub fn report(
    sample: &Sample,
    rows: &[IndexRow],
    pairs: &[PairRow],
    boot: Bootstrap,
    plots: &[String],
) -> String {
    let mut s = String::new();
    let k = sample.factors.len();
    let runs_note = match sample.method {
        Method::Saltelli if sample.second_order => format!(
            "{} base samples × (2 × {} parameters + 2) = {} design points",
            sample.n,
            k,
            sample.unit.len()
        ),
        Method::Saltelli => format!(
            "{} base samples × ({} parameters + 2) = {} design points",
            sample.n,
            k,
            sample.unit.len()
        ),
        _ => format!(
            "{} trajectories × ({} parameters + 1) = {} design points, {} levels",
            sample.n,
            k,
            sample.unit.len(),
            sample.levels
        ),
    };
    let _ = writeln!(s, "# Sensitivity ({})\n", sample.method.name());
    let _ = writeln!(
        s,
        "_Generated by `swarm-sweep sensitivity`: {runs_note}; each point's metric averaged \
         over its seeds; {}% intervals from {} bootstrap resamples (±z·sd, as SALib). \
         See docs/design.md._\n",
        (boot.level * 100.0).round(),
        boot.resamples
    );
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        if !groups.contains(&(r.scenario.as_str(), r.metric.as_str())) {
            groups.push((&r.scenario, &r.metric));
        }
    }
    for (scenario, metric) in groups {
        let mut g: Vec<&IndexRow> = rows
            .iter()
            .filter(|r| r.scenario == scenario && r.metric == metric)
            .collect();
        g.sort_by_key(|r| r.rank);
        let head = if scenario.is_empty() || groups_single(rows) {
            format!("## {metric}")
        } else {
            format!("## {metric} ({scenario})")
        };
        let _ = writeln!(s, "{head}\n");
        let first = g[0];
        let _ = writeln!(
            s,
            "Seeds: {} per point. Seeds explain {:.0}% of the run-to-run variance; noise is \
             {:.0}% of the variance of the seed-averaged metric{}.\n",
            first.n_seeds,
            first.seed_share * 100.0,
            first.noise_share * 100.0,
            if first.noise_share > 0.2 {
                " — indices this small or smaller may be noise: add seeds"
            } else {
                ""
            }
        );
        let fmt = |x: Option<f64>, c: Option<f64>| match (x, c) {
            (Some(x), Some(c)) => format!("{x:.3} ± {c:.3}"),
            (Some(x), None) => format!("{x:.3}"),
            _ => "—".to_string(),
        };
        let saltelli = sample.method == Method::Saltelli;
        let header = if saltelli {
            "| rank | parameter | S1 (first order) | ST (total) |\n|---|---|---|---|"
        } else {
            "| rank | parameter | μ* | μ | σ |\n|---|---|---|---|---|"
        };
        let _ = writeln!(s, "{header}");
        for r in &g {
            let indices = if saltelli {
                [fmt(r.s1, r.s1_conf), fmt(r.st, r.st_conf)].join(" | ")
            } else {
                [
                    fmt(r.mu_star, r.mu_star_conf),
                    fmt(r.mu, None),
                    fmt(r.sigma, None),
                ]
                .join(" | ")
            };
            let _ = writeln!(s, "| {} | {} | {indices} |", r.rank, r.parameter);
        }
        let _ = writeln!(s);
        let mut p: Vec<&PairRow> = pairs
            .iter()
            .filter(|r| r.scenario == scenario && r.metric == metric)
            .collect();
        if !p.is_empty() {
            p.sort_by(|a, b| b.s2.abs().total_cmp(&a.s2.abs()));
            let _ = writeln!(
                s,
                "Second-order indices (Saltelli 2002: the share of variance due to a pair \
                 acting together, beyond each alone), the largest {} of {}:\n",
                p.len().min(PAIRS_LISTED),
                p.len()
            );
            let _ = writeln!(s, "| parameters | S2 |\n|---|---|");
            for r in p.iter().take(PAIRS_LISTED) {
                let _ = writeln!(
                    s,
                    "| {} × {} | {} |",
                    r.parameter_1,
                    r.parameter_2,
                    fmt(Some(r.s2), Some(r.s2_conf))
                );
            }
            let _ = writeln!(s);
        }
        let stem = plot_stem(scenario, metric, groups_single(rows));
        if let Some(p) = plots.iter().find(|p| p.contains(&stem)) {
            let _ = writeln!(s, "![{metric}]({p})\n");
        }
    }
    s
}

fn groups_single(rows: &[IndexRow]) -> bool {
    rows.iter().all(|r| r.scenario == rows[0].scenario)
}

fn plot_stem(scenario: &str, metric: &str, single: bool) -> String {
    if single {
        format!("sensitivity_{metric}")
    } else {
        format!("sensitivity_{scenario}_{metric}")
    }
}

/// What `sensitivity` wrote.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub files: Vec<String>,
    pub rows: Vec<IndexRow>,
}

/// Analyse `dir` (a finished sweep on a saltelli or morris design).
pub fn analyze_dir(dir: &Path, asked: &[String], boot: Bootstrap) -> Result<Outcome> {
    let runs_path = dir.join(file::RUNS);
    let runs =
        RunsTable::load(&runs_path).with_context(|| format!("reading {}", runs_path.display()))?;
    let Some(sample) = design_of(&runs)? else {
        bail!(
            "{} was not made from a design (no sample: section in its spec)",
            runs_path.display()
        );
    };
    if !sample.method.is_sensitivity() {
        bail!(
            "a {} design has no sensitivity indices (use method: saltelli or morris)",
            sample.method.name()
        );
    }
    let mut values = Vec::new();
    for m in metrics(&runs, asked)? {
        values.extend(point_values(&runs, &sample, &m)?);
    }
    write_outputs(dir, &sample, &values, boot)
}

/// What the analysis step adds for a sweep on a saltelli or morris
/// design: the files written and a section for report.md.
#[derive(Debug, Clone)]
pub struct Section {
    pub files: Vec<String>,
    pub section: String,
}

/// Run by `analyze`: the sensitivity outputs when `runs` come from a
/// saltelli or morris design (default metrics and bootstrap), else
/// nothing. A failure is a warning: the rest of the analysis stands.
pub fn after_analysis(dir: &Path, runs: &RunsTable, plots: PlotFormat) -> Option<Section> {
    let sample = match design_of(runs) {
        Ok(Some(s)) if s.method.is_sensitivity() => s,
        _ => return None,
    };
    let boot = Bootstrap::default();
    let result = metrics(runs, &[])
        .and_then(|ms| {
            ms.iter()
                .map(|m| point_values(runs, &sample, m))
                .collect::<Result<Vec<_>>>()
        })
        .and_then(|v| write_all(dir, &sample, &v.concat(), boot, plots));
    match result {
        Ok(outcome) => {
            let md = std::fs::read_to_string(dir.join(REPORT_FILE)).unwrap_or_default();
            // One level down: a section of report.md.
            let section = md
                .lines()
                .map(|l| {
                    if l.starts_with('#') {
                        format!("#{l}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            Some(Section {
                files: outcome.files,
                section: format!("\n{section}\n"),
            })
        }
        Err(e) => {
            eprintln!("warning: no sensitivity indices: {e:#}");
            None
        }
    }
}

/// Every output of an analysis of `values` into `dir`.
pub fn write_outputs(
    dir: &Path,
    sample: &Sample,
    values: &[PointValues],
    boot: Bootstrap,
) -> Result<Outcome> {
    write_all(dir, sample, values, boot, PlotFormat::Both)
}

fn write_all(
    dir: &Path,
    sample: &Sample,
    values: &[PointValues],
    boot: Bootstrap,
    draw: PlotFormat,
) -> Result<Outcome> {
    let (mut rows, mut pairs) = (Vec::new(), Vec::new());
    for v in values {
        let (r, p) = index_rows(sample, v, boot);
        rows.extend(r);
        pairs.extend(p);
    }
    write_design(sample, &dir.join(DESIGN_FILE))?;
    write_indices(&rows, &dir.join(SENSITIVITY_FILE), boot)?;
    let mut files = vec![DESIGN_FILE.to_string(), SENSITIVITY_FILE.to_string()];
    if sample.method == Method::Saltelli && sample.second_order {
        write_pairs(&pairs, &dir.join(file::SENSITIVITY_S2), boot)?;
        files.push(file::SENSITIVITY_S2.to_string());
    }
    let plots_dir = dir.join(PLOTS_DIR);
    std::fs::create_dir_all(&plots_dir)
        .with_context(|| format!("cannot create {}", plots_dir.display()))?;
    let single = groups_single(&rows);
    let mut by_group: HashMap<(String, String), Vec<&IndexRow>> = HashMap::new();
    for r in &rows {
        by_group
            .entry((r.scenario.clone(), r.metric.clone()))
            .or_default()
            .push(r);
    }
    let mut plots = Vec::new();
    for v in values.iter().filter(|_| draw.png() || draw.svg()) {
        let g = &by_group[&(v.scenario.clone(), v.metric.clone())];
        let stem = plot_stem(&v.scenario, &v.metric, single);
        super::plot::bars::write_indices(
            &plots_dir.join(&stem),
            sample.method,
            &v.metric,
            g,
            draw,
        )?;
        let ext = if draw.png() { "png" } else { "svg" };
        plots.push(format!("{PLOTS_DIR}/{stem}.{ext}"));
    }
    let md = report(sample, &rows, &pairs, boot, &plots);
    crate::output::atomic::write_file(&dir.join(REPORT_FILE), md.as_bytes())
        .with_context(|| format!("cannot write {}", dir.join(REPORT_FILE).display()))?;
    files.push(REPORT_FILE.to_string());
    files.extend(plots);
    Ok(Outcome { files, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_shares_split_the_variance() {
        // Points 0 and 10, seeds ±1 around them.
        let v = summarise("s", "m", &[vec![-1.0, 1.0], vec![9.0, 11.0]]);
        assert_eq!(v.means, [0.0, 10.0]);
        // Total SS = 1+1+1+1 around 0/10 plus 4·25 between = 104; within 4.
        assert!((v.seed_share - 4.0 / 104.0).abs() < 1e-12);
        // Noise of a mean: var 2 / 2 seeds = 1, over the means' variance 25.
        assert!((v.noise_share - 1.0 / 25.0).abs() < 1e-12);
        let flat = summarise("s", "m", &[vec![1.0, 3.0], vec![1.0, 3.0]]);
        assert_eq!((flat.seed_share, flat.noise_share), (1.0, 1.0));
    }
}
