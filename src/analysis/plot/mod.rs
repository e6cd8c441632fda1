//! Plots of a sweep, as SVG and PNG (no Python): per-epoch lines with a band
//! across seeds (from epochs.parquet), heatmaps of a metric's mean over two
//! swept parameters, and the toxicity-versus-quality_gap trade-off.

pub mod bars;
mod glyphs;
pub mod heatmap;
pub mod lines;
mod render;
pub mod tradeoff;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};

use self::heatmap::Heatmap;
use self::lines::{Band, EpochLines};
use self::render::{write_chart, BASELINE_COLOR, PALETTE};
use self::tradeoff::{Tradeoff, TradeoffPoint};
use super::direction::{direction, Direction};
use super::frame::{Cell, Frame};
use super::runs::RunsTable;
use super::stats::Describe;
use super::summary::SummaryRow;

pub use render::Chart;

/// Metrics drawn per epoch and as heatmaps (those present).
pub const PLOT_METRICS: &[&str] = &["toxicity_rate", "quality_gap", "total_welfare"];
/// The metrics drawn: `PLOT_METRICS`, then those the sweep's spec puts
/// first (`report:` — its metrics and its plots' metrics, in the tables'
/// `swarm_sweep.report` metadata; a SWARM sweep file's `metrics_focus` and
/// `analysis.plots`).
fn plot_metrics(runs: &RunsTable) -> Vec<String> {
    let mut out: Vec<String> = PLOT_METRICS.iter().map(|m| m.to_string()).collect();
    let report = runs
        .frame
        .metadata
        .get("swarm_sweep.report")
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    if let Some(r) = report {
        let names = |v: &serde_json::Value| -> Vec<String> {
            match v {
                serde_json::Value::String(s) => vec![s.clone()],
                serde_json::Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let mut wanted = names(&r["metrics"]);
        for p in r["plots"].as_array().into_iter().flatten() {
            match p["type"].as_str() {
                Some("heatmap") => wanted.extend(names(&p["z"])),
                _ => wanted.extend(names(&p["y"])),
            }
        }
        for m in wanted {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// At most this many configurations per line chart (baseline included).
const MAX_LINES: usize = 8;
/// At most this many points get their own legend entry in the trade-off.
const MAX_LEGEND: usize = 10;

pub const PLOTS_DIR: &str = "plots";

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn better(metric: &str) -> &'static str {
    match direction(metric) {
        Direction::LowerIsBetter => " (lower is better)",
        Direction::HigherIsBetter => " (higher is better)",
        Direction::Neutral => "",
    }
}

/// Write every plot the data allows under `<dir>/plots/`; returns the PNG
/// paths relative to `dir`.
pub fn plot_all(dir: &Path, runs: &RunsTable, summary: &[SummaryRow]) -> Result<Vec<String>> {
    let out = dir.join(PLOTS_DIR);
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut written = Vec::new();
    let mut emit = |name: String, chart: &dyn Fn(&Path) -> Result<()>| -> Result<()> {
        chart(&out.join(&name))?;
        written.push(format!("{PLOTS_DIR}/{name}.png"));
        Ok(())
    };
    let epochs_path = dir.join("epochs.parquet");
    if epochs_path.exists() {
        for (name, chart) in epoch_charts(&epochs_path, runs)? {
            emit(name, &|p| write_chart(&chart, p))?;
        }
    }
    for (name, chart) in heatmaps(runs) {
        emit(name, &|p| write_chart(&chart, p))?;
    }
    for (name, chart) in tradeoffs(runs, summary) {
        emit(name, &|p| write_chart(&chart, p))?;
    }
    Ok(written)
}

/// Per scenario, the configurations to draw: the baseline, then at most
/// MAX_LINES − 1 others spread evenly over the range of `metric`'s mean.
fn pick_configs(
    runs: &RunsTable,
    scenario: &str,
    mean_of: &dyn Fn(usize) -> Option<f64>,
) -> Vec<usize> {
    let mut picked: Vec<usize> = runs
        .configs
        .iter()
        .position(|c| c.scenario == scenario && c.is_baseline())
        .into_iter()
        .collect();
    let mut others: Vec<usize> = (0..runs.configs.len())
        .filter(|&i| runs.configs[i].scenario == scenario && !runs.configs[i].is_baseline())
        .collect();
    if others.len() > MAX_LINES - 1 {
        others.sort_by(|&a, &b| {
            mean_of(a)
                .unwrap_or(f64::NAN)
                .total_cmp(&mean_of(b).unwrap_or(f64::NAN))
        });
        let k = MAX_LINES - 1;
        let n = others.len();
        others = (0..k).map(|j| others[j * (n - 1) / (k - 1)]).collect();
        others.sort_unstable();
    }
    picked.extend(others);
    picked
}

fn epoch_charts(path: &Path, runs: &RunsTable) -> Result<Vec<(String, EpochLines)>> {
    let metrics = plot_metrics(runs);
    let wanted = |n: &str| {
        ["scenario", "config_id", "seed", "epoch"].contains(&n) || metrics.iter().any(|m| m == n)
    };
    let frame = Frame::read_parquet(path, Some(&wanted))?;
    let id_of: HashMap<(String, i64), usize> = runs
        .configs
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.scenario.clone(), c.config_id), i))
        .collect();
    let (Some(cid), Some(ep)) = (frame.get("config_id"), frame.get("epoch")) else {
        return Ok(vec![]);
    };
    let scen = frame.get("scenario");
    let many = runs.many_scenarios();
    let mut charts = Vec::new();
    for metric in metrics.iter().filter(|m| frame.get(m).is_some()) {
        let col = frame.get(metric).expect("filtered");
        // config → epoch → values across seeds
        let mut series: HashMap<usize, BTreeMap<i64, Vec<f64>>> = HashMap::new();
        for r in 0..frame.rows {
            let sc = scen.map_or_else(String::new, |s| s.cell(r).render());
            // ±inf is left out, as in summary.parquet.
            let v = col.f64(r).filter(|v| v.is_finite());
            let (Cell::Int(id), Cell::Int(e), Some(v)) = (cid.cell(r), ep.cell(r), v) else {
                continue;
            };
            if let Some(&c) = id_of.get(&(sc, id)) {
                series.entry(c).or_default().entry(e).or_default().push(v);
            }
        }
        for sc in runs.scenarios() {
            let mean_of = |c: usize| {
                let s = series.get(&c)?;
                let all: Vec<f64> = s.values().flatten().copied().collect();
                Describe::of(&all).map(|d| d.mean)
            };
            let configs = pick_configs(runs, sc, &mean_of);
            let n_all = runs.configs.iter().filter(|c| c.scenario == sc).count();
            let mut bands = Vec::new();
            let mut colors = PALETTE.iter().cycle();
            for c in configs {
                let Some(s) = series.get(&c) else { continue };
                let points = s
                    .iter()
                    .filter_map(|(e, v)| {
                        let d = Describe::of(v)?;
                        let (lo, hi) = d.ci95.unwrap_or((d.mean, d.mean));
                        Some((*e as f64, d.mean, lo, hi))
                    })
                    .collect();
                let cfg = &runs.configs[c];
                let color = if cfg.is_baseline() {
                    BASELINE_COLOR
                } else {
                    *colors.next().expect("cycle")
                };
                bands.push(Band {
                    label: runs.short_label(c),
                    color,
                    points,
                });
            }
            if bands.is_empty() {
                continue;
            }
            let shown = if bands.len() < n_all {
                format!(", {} of {n_all} configurations", bands.len())
            } else {
                String::new()
            };
            let title = if many {
                format!("{metric} per epoch: {sc}{shown}")
            } else {
                format!("{metric} per epoch{shown}")
            };
            let name = if many {
                format!("epochs_{metric}_{}", slug(sc))
            } else {
                format!("epochs_{metric}")
            };
            charts.push((
                name,
                EpochLines {
                    title,
                    metric: format!("{metric}{}", better(metric)),
                    bands,
                },
            ));
        }
    }
    Ok(charts)
}

fn heatmaps(runs: &RunsTable) -> Vec<(String, Heatmap)> {
    let many = runs.many_scenarios();
    let mut out = Vec::new();
    for sc in runs.scenarios() {
        let cfgs: Vec<usize> = (0..runs.configs.len())
            .filter(|&i| runs.configs[i].scenario == sc && !runs.configs[i].is_baseline())
            .collect();
        let distinct = |k: usize| {
            let mut v: Vec<Cell> = Vec::new();
            for &c in &cfgs {
                let cell = &runs.configs[c].params[k];
                if !v.contains(cell) {
                    v.push(cell.clone());
                }
            }
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            v
        };
        let swept: Vec<usize> = (0..runs.params.len())
            .filter(|&k| distinct(k).len() > 1)
            .collect();
        // Two parameters are a grid when their value pairs outnumber the
        // values of either (variants that move several levers together are
        // not: their pairs lie on a diagonal).
        let crossed = |a: usize, b: usize| {
            let mut pairs: Vec<(&Cell, &Cell)> = Vec::new();
            for &c in &cfgs {
                let p = (&runs.configs[c].params[a], &runs.configs[c].params[b]);
                if !pairs.contains(&p) {
                    pairs.push(p);
                }
            }
            pairs.len() > distinct(a).len().max(distinct(b).len())
        };
        let Some((kx, ky)) = swept
            .iter()
            .enumerate()
            .flat_map(|(i, &a)| swept[i + 1..].iter().map(move |&b| (a, b)))
            .find(|&(a, b)| crossed(a, b))
        else {
            continue;
        };
        let (xs, ys) = (distinct(kx), distinct(ky));
        let rest: Vec<&str> = swept
            .iter()
            .filter(|&&k| k != kx && k != ky)
            .map(|&k| runs.params[k].as_str())
            .collect();
        for metric in plot_metrics(runs)
            .iter()
            .filter(|m| runs.metrics.iter().any(|x| x == *m))
        {
            let cells: Vec<Vec<Option<f64>>> = ys
                .iter()
                .map(|y| {
                    xs.iter()
                        .map(|x| {
                            let v: Vec<f64> = cfgs
                                .iter()
                                .filter(|&&c| {
                                    &runs.configs[c].params[kx] == x
                                        && &runs.configs[c].params[ky] == y
                                })
                                .flat_map(|&c| {
                                    runs.configs[c]
                                        .rows
                                        .iter()
                                        .filter_map(|&r| runs.value(metric, r))
                                })
                                .collect();
                            Describe::of(&v).map(|d| d.mean)
                        })
                        .collect()
                })
                .collect();
            let mut title = format!("mean {metric}{}", better(metric));
            let base = runs.baseline(sc).map(|b| {
                let v: Vec<f64> = b
                    .rows
                    .iter()
                    .filter_map(|&r| runs.value(metric, r))
                    .collect();
                Describe::of(&v).map(|d| d.mean)
            });
            if let Some(Some(b)) = base {
                title.push_str(&format!(
                    ", baseline {}",
                    crate::analysis::export::human_sig(Some(b), 4)
                ));
            }
            if many {
                title.push_str(&format!(": {sc}"));
            }
            if !rest.is_empty() {
                title.push_str(&format!(" (averaged over {})", rest.join(", ")));
            }
            let name = if many {
                format!("heatmap_{metric}_{}", slug(sc))
            } else {
                format!("heatmap_{metric}")
            };
            out.push((
                name,
                Heatmap {
                    title,
                    metric: metric.to_string(),
                    x_name: runs.params[kx].clone(),
                    y_name: runs.params[ky].clone(),
                    x_labels: xs.iter().map(Cell::render).collect(),
                    y_labels: ys.iter().map(Cell::render).collect(),
                    cells,
                },
            ));
        }
    }
    out
}

/// One trade-off chart per scenario (their scales differ too much to share
/// axes): the baseline as a black triangle, each configuration a circle.
fn tradeoffs(runs: &RunsTable, summary: &[SummaryRow]) -> Vec<(String, Tradeoff)> {
    let (xm, ym) = ("quality_gap", "toxicity_rate");
    let stat = |c: usize, m: &str| -> Option<(f64, f64, f64)> {
        let d = summary
            .iter()
            .find(|r| r.config == c && r.metric == m)?
            .stats?;
        let (lo, hi) = d.ci95.unwrap_or((d.mean, d.mean));
        Some((d.mean, lo, hi))
    };
    let many = runs.many_scenarios();
    let mut out = Vec::new();
    for sc in runs.scenarios() {
        let configs: Vec<usize> = (0..runs.configs.len())
            .filter(|&i| runs.configs[i].scenario == sc)
            .collect();
        let per_config = configs.len() <= MAX_LEGEND;
        // Too many for a legend entry each: colour by the first parameter
        // that varies (with at most 10 values), else one colour.
        let short = runs.short_params();
        let mut by_param: Option<(usize, Vec<Cell>)> = None;
        if !per_config {
            for k in 0..runs.params.len() {
                let mut vals: Vec<Cell> = Vec::new();
                for &c in configs.iter().filter(|&&c| !runs.configs[c].is_baseline()) {
                    if !vals.contains(&runs.configs[c].params[k]) {
                        vals.push(runs.configs[c].params[k].clone());
                    }
                }
                if (2..=PALETTE.len()).contains(&vals.len()) {
                    vals.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                    by_param = Some((k, vals));
                    break;
                }
            }
        }
        let mut palette = PALETTE.iter().cycle();
        let mut points = Vec::new();
        let mut legend = Vec::new();
        for i in configs {
            let cfg = &runs.configs[i];
            let (Some(x), Some(y)) = (stat(i, xm), stat(i, ym)) else {
                continue;
            };
            let color = match (cfg.is_baseline(), per_config, &by_param) {
                (true, _, _) => BASELINE_COLOR,
                (false, true, _) => *palette.next().expect("cycle"),
                (false, false, Some((k, vals))) => {
                    let j = vals.iter().position(|v| *v == cfg.params[*k]).unwrap_or(0);
                    PALETTE[j % PALETTE.len()]
                }
                (false, false, None) => PALETTE[0],
            };
            if per_config || cfg.is_baseline() {
                legend.push((runs.short_label(i), color));
            }
            points.push(TradeoffPoint {
                label: runs.short_label(i),
                color,
                baseline: cfg.is_baseline(),
                x,
                y,
            });
        }
        match (&by_param, per_config) {
            (_, true) => {}
            (Some((k, vals)), false) => {
                for (j, v) in vals.iter().enumerate() {
                    legend.push((
                        format!("{}={}", short[*k].1, v.render()),
                        PALETTE[j % PALETTE.len()],
                    ));
                }
            }
            (None, false) => legend.push(("other configurations".into(), PALETTE[0])),
        }
        if points.is_empty() {
            continue;
        }
        let (title, name) = if many {
            (
                format!("toxicity vs quality gap: {sc}"),
                format!("tradeoff_toxicity_vs_quality_gap_{}", slug(sc)),
            )
        } else {
            (
                "toxicity vs quality gap, one point per configuration".into(),
                "tradeoff_toxicity_vs_quality_gap".into(),
            )
        };
        out.push((
            name,
            Tradeoff {
                title,
                x_name: format!("{xm}{}", better(xm)),
                y_name: format!("{ym}{}", better(ym)),
                points,
                legend,
            },
        ));
    }
    out
}
