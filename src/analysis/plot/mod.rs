//! Plots of a sweep, as SVG and PNG (no Python): per-epoch lines with a band
//! across seeds (from epochs.parquet), heatmaps of a metric's mean over two
//! swept parameters, and the toxicity-versus-quality_gap trade-off.

pub mod bars;
mod canvas;
pub mod heatmap;
pub mod legend;
pub mod lines;
mod render;
pub mod tradeoff;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use plotters::style::RGBColor;
use rayon::prelude::*;

use self::heatmap::Heatmap;
use self::legend::{Item, Legend, Shape, Swatch};
use self::lines::{Band, EpochLines};
pub use self::render::PlotFormat;
use self::render::{write_chart, BASELINE_COLOR, PALETTE};
use self::tradeoff::{Tradeoff, TradeoffPoint};
use super::direction::{direction, Direction};
use super::frame::{Cell, Frame, Values};
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
        .get(crate::contract::key::sweep::REPORT)
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

pub use crate::contract::file::PLOTS_DIR;

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

/// One chart of any kind (the kinds draw on generic backends, so a list of
/// charts needs an enum rather than trait objects).
enum AnyChart {
    Lines(EpochLines),
    Heat(Heatmap),
    Trade(Tradeoff),
}

impl AnyChart {
    fn write(&self, stem: &Path, formats: PlotFormat) -> Result<()> {
        match self {
            AnyChart::Lines(c) => write_chart(c, stem, formats),
            AnyChart::Heat(c) => write_chart(c, stem, formats),
            AnyChart::Trade(c) => write_chart(c, stem, formats),
        }
    }
}

/// Write every plot the data allows under `<dir>/plots/` in `formats`,
/// the charts in parallel on the current rayon pool; returns the plot
/// names (`plots/NAME`, no extension) in a fixed order.
pub fn plot_all(
    dir: &Path,
    runs: &RunsTable,
    summary: &[SummaryRow],
    formats: PlotFormat,
) -> Result<Vec<String>> {
    if formats == PlotFormat::None {
        return Ok(Vec::new());
    }
    let out = dir.join(PLOTS_DIR);
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let epochs_path = dir.join(crate::contract::file::EPOCHS);
    let write_all = |charts: &[(String, AnyChart)]| {
        charts
            .par_iter()
            .map(|(name, chart)| chart.write(&out.join(name), formats))
            .collect::<Result<Vec<()>>>()
    };
    // Each side writes its charts as soon as they are built: the heatmaps
    // and the trade-off do not wait for epochs.parquet to be read.
    let (lines, others) = rayon::join(
        || -> Result<Vec<(String, AnyChart)>> {
            if !epochs_path.exists() {
                return Ok(Vec::new());
            }
            let charts: Vec<(String, AnyChart)> = epoch_charts(&epochs_path, runs)?
                .into_iter()
                .map(|(n, c)| (n, AnyChart::Lines(c)))
                .collect();
            write_all(&charts)?;
            Ok(charts)
        },
        || -> Result<Vec<(String, AnyChart)>> {
            let mut v: Vec<(String, AnyChart)> = heatmaps(runs)
                .into_iter()
                .map(|(n, c)| (n, AnyChart::Heat(c)))
                .collect();
            v.extend(
                tradeoffs(runs, summary)
                    .into_iter()
                    .map(|(n, c)| (n, AnyChart::Trade(c))),
            );
            write_all(&v)?;
            Ok(v)
        },
    );
    let mut charts = lines?;
    charts.extend(others?);
    Ok(charts
        .into_iter()
        .map(|(name, _)| format!("{PLOTS_DIR}/{name}"))
        .collect())
}

/// The files `plot_all` wrote for `names`.
pub fn plot_files(names: &[String], formats: PlotFormat) -> impl Iterator<Item = String> + '_ {
    names.iter().flat_map(move |n| {
        [
            formats.svg().then(|| format!("{n}.svg")),
            formats.png().then(|| format!("{n}.png")),
        ]
        .into_iter()
        .flatten()
    })
}

/// The file of each plot a report links to: the PNG, else the SVG.
pub fn plot_links(names: &[String], formats: PlotFormat) -> Vec<String> {
    let ext = if formats.png() { "png" } else { "svg" };
    names.iter().map(|n| format!("{n}.{ext}")).collect()
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
    let many = runs.many_scenarios();
    // The rows' configurations and epochs first, then one metric's column
    // at a time: epochs.parquet has a row per epoch, and the columns of
    // all the metrics at once were the analysis's largest allocation. A
    // sweep of one scenario has it on every row: its text is not read into
    // a string per row.
    let ids = |n: &str| (n == "scenario" && many) || ["config_id", "epoch"].contains(&n);
    let mut frame = Frame::read_parquet(path, Some(&ids))?;
    let only = runs.scenarios().first().copied().unwrap_or("");
    // FxHash: one lookup per epoch row, where SipHash cost more than the rest.
    let id_of: rustc_hash::FxHashMap<(&str, i64), usize> = runs
        .configs
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.scenario.as_str(), c.config_id), i))
        .collect();
    let (Some(Values::Int(cid)), Some(Values::Int(_))) =
        (frame.get("config_id"), frame.get("epoch"))
    else {
        return Ok(vec![]);
    };
    // Each row's configuration, once.
    let row_cfg: Vec<Option<usize>> = (0..frame.rows)
        .map(|r| {
            let sc = match frame.get("scenario") {
                Some(Values::Str(v)) => v[r].as_deref().unwrap_or(""),
                _ if !many => only,
                _ => "",
            };
            id_of.get(&(sc, cid[r]?)).copied()
        })
        .collect();
    let k = frame.index("epoch").expect("matched above");
    let Values::Int(ep) = frame.cols.swap_remove(k) else {
        unreachable!("matched above")
    };
    drop(frame);
    let mut charts = Vec::new();
    for metric in &metrics {
        let only_this = |n: &str| n == metric;
        let values = Frame::read_parquet(path, Some(&only_this))?;
        let Some(col) = values.get(metric) else {
            continue;
        };
        // ±inf is left out, as in summary.parquet.
        let value = |r: usize| col.f64(r).filter(|v| v.is_finite());
        // Each configuration's mean over all its epochs and seeds (to pick
        // the configurations to draw), then the picked ones' series.
        let mut sum = vec![(0.0f64, 0usize); runs.configs.len()];
        for (r, c) in row_cfg.iter().enumerate() {
            if let (Some(c), Some(v), Some(_)) = (c, value(r), ep[r]) {
                sum[*c].0 += v;
                sum[*c].1 += 1;
            }
        }
        for sc in runs.scenarios() {
            let mean_of = |c: usize| (sum[c].1 > 0).then(|| sum[c].0 / sum[c].1 as f64);
            let configs = pick_configs(runs, sc, &mean_of);
            // config → epoch → values across seeds
            let mut series: HashMap<usize, BTreeMap<i64, Vec<f64>>> = HashMap::new();
            for (r, c) in row_cfg.iter().enumerate() {
                let (Some(c), Some(v), Some(e)) = (c, value(r), ep[r]) else {
                    continue;
                };
                if configs.contains(c) {
                    series.entry(*c).or_default().entry(e).or_default().push(v);
                }
            }
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
                    baseline: cfg.is_baseline(),
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

/// The swept parameters of a scenario's variants: for each parameter with
/// more than one value, its distinct values in ascending order.
fn swept(runs: &RunsTable, cfgs: &[usize]) -> Vec<(usize, Vec<Cell>)> {
    (0..runs.params.len())
        .filter_map(|k| {
            let mut v: Vec<Cell> = Vec::new();
            for &c in cfgs {
                let cell = &runs.configs[c].params[k];
                if !v.contains(cell) {
                    v.push(cell.clone());
                }
            }
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            (v.len() > 1).then_some((k, v))
        })
        .collect()
}

/// The first two swept parameters that form a grid: their value pairs
/// outnumber the values of either (variants that move several levers
/// together are not a grid: their pairs lie on a diagonal).
fn grid_axes(
    runs: &RunsTable,
    cfgs: &[usize],
    swept: &[(usize, Vec<Cell>)],
) -> Option<(usize, usize)> {
    let crossed = |a: usize, b: usize| {
        let mut pairs: Vec<(String, String)> = cfgs
            .iter()
            .map(|&c| {
                (
                    runs.configs[c].params[swept[a].0].render(),
                    runs.configs[c].params[swept[b].0].render(),
                )
            })
            .collect();
        pairs.sort();
        pairs.dedup();
        pairs.len() > swept[a].1.len().max(swept[b].1.len())
    };
    (0..swept.len())
        .flat_map(|a| (a + 1..swept.len()).map(move |b| (a, b)))
        .find(|&(a, b)| crossed(a, b))
}

/// Axis tick texts: each value with at most four significant digits when
/// that keeps the values apart, else as written.
fn tick_texts(values: &[Cell]) -> Vec<String> {
    let short: Vec<String> = values
        .iter()
        .map(|v| match v {
            Cell::Float(f) => crate::analysis::export::human_sig(Some(*f), 4),
            other => other.render(),
        })
        .collect();
    let mut sorted = short.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() == short.len() {
        short
    } else {
        values.iter().map(Cell::render).collect()
    }
}

fn heatmaps(runs: &RunsTable) -> Vec<(String, Heatmap)> {
    let many = runs.many_scenarios();
    let short = runs.short_params();
    let mut out = Vec::new();
    for sc in runs.scenarios() {
        let cfgs: Vec<usize> = (0..runs.configs.len())
            .filter(|&i| runs.configs[i].scenario == sc && !runs.configs[i].is_baseline())
            .collect();
        let swept = swept(runs, &cfgs);
        let Some((a, b)) = grid_axes(runs, &cfgs, &swept) else {
            continue;
        };
        let ((kx, xs), (ky, ys)) = (&swept[a], &swept[b]);
        let (kx, ky) = (*kx, *ky);
        let rest: Vec<&str> = swept
            .iter()
            .map(|(k, _)| *k)
            .filter(|&k| k != kx && k != ky)
            .map(|k| runs.params[k].as_str())
            .collect();
        // Each configuration's cell, once.
        let x_of: std::collections::HashMap<String, usize> = xs
            .iter()
            .enumerate()
            .map(|(i, v)| (v.render(), i))
            .collect();
        let y_of: std::collections::HashMap<String, usize> = ys
            .iter()
            .enumerate()
            .map(|(i, v)| (v.render(), i))
            .collect();
        let cell_of: Vec<(usize, (usize, usize))> = cfgs
            .iter()
            .filter_map(|&c| {
                let p = &runs.configs[c].params;
                Some((
                    c,
                    (*x_of.get(&p[kx].render())?, *y_of.get(&p[ky].render())?),
                ))
            })
            .collect();
        for metric in plot_metrics(runs)
            .iter()
            .filter(|m| runs.metrics.iter().any(|x| x == *m))
        {
            let Some(col) = runs.column(metric) else {
                continue;
            };
            let mut acc: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); xs.len()]; ys.len()];
            for &(c, (i, j)) in &cell_of {
                acc[j][i].extend(
                    runs.configs[c]
                        .rows
                        .iter()
                        .filter(|&&r| runs.ok(r))
                        .filter_map(|&r| col.f64(r)),
                );
            }
            let cells: Vec<Vec<Option<f64>>> = acc
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|v| Describe::of(v).map(|d| d.mean))
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
                let names: Vec<&str> = rest
                    .iter()
                    .map(|p| {
                        short
                            .iter()
                            .find(|(q, _)| q == p)
                            .map_or(*p, |(_, s)| s.as_str())
                    })
                    .collect();
                title.push_str(&format!(" (averaged over {})", names.join(", ")));
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
                    x_labels: tick_texts(xs),
                    y_labels: tick_texts(ys),
                    cells,
                },
            ));
        }
    }
    out
}

/// One trade-off chart per scenario (their scales differ too much to share
/// axes). A grid of two parameters: colour keys the first, marker shape
/// (up to seven values) or size (more) the second. Otherwise, up to ten
/// variants get a colour each; more are coloured by their first swept
/// parameter.
fn tradeoffs(runs: &RunsTable, summary: &[SummaryRow]) -> Vec<(String, Tradeoff)> {
    let (xm, ym) = ("quality_gap", "toxicity_rate");
    let mut stats: std::collections::HashMap<(usize, &str), (f64, f64, f64)> =
        std::collections::HashMap::new();
    for r in summary.iter().filter(|r| r.metric == xm || r.metric == ym) {
        if let Some(d) = r.stats {
            let (lo, hi) = d.ci95.unwrap_or((d.mean, d.mean));
            let key = if r.metric == xm { xm } else { ym };
            stats.insert((r.config, key), (d.mean, lo, hi));
        }
    }
    let many = runs.many_scenarios();
    let short = runs.short_params();
    let mut out = Vec::new();
    for sc in runs.scenarios() {
        let variants: Vec<usize> = (0..runs.configs.len())
            .filter(|&i| runs.configs[i].scenario == sc && !runs.configs[i].is_baseline())
            .collect();
        let swept = swept(runs, &variants);
        let grid = grid_axes(runs, &variants, &swept);
        let name_of = |k: usize| short[k].1.clone();
        // (colour of a variant, its shape, its size)
        let mut legend = Legend::default();
        type Style = Box<dyn Fn(usize) -> (RGBColor, Shape, i32)>;
        let style: Style = match grid {
            Some((a, b)) => {
                let (ka, va) = swept[a].clone();
                let (kb, vb) = swept[b].clone();
                let colors = value_colors(&va);
                legend
                    .items
                    .push(Item::heading(format!("colour: {}", name_of(ka))));
                legend.items.extend(
                    sample(&va)
                        .into_iter()
                        .map(|i| Item::marker(va[i].render(), Shape::Circle, colors[i])),
                );
                let by_shape = vb.len() <= Shape::ALL.len();
                if by_shape {
                    legend
                        .items
                        .push(Item::heading(format!("shape: {}", name_of(kb))));
                    legend.items.extend(vb.iter().enumerate().map(|(i, v)| {
                        Item::marker(v.render(), Shape::ALL[i], RGBColor(110, 110, 110))
                    }));
                } else {
                    legend.items.push(Item::heading(format!(
                        "size: {} ({} to {})",
                        name_of(kb),
                        vb[0].render(),
                        vb[vb.len() - 1].render()
                    )));
                    for i in [0, vb.len() - 1] {
                        legend.items.push(Item {
                            label: vb[i].render(),
                            swatch: Swatch::Marker {
                                shape: Shape::Circle,
                                color: RGBColor(110, 110, 110),
                                size: grade(i, vb.len()),
                            },
                        });
                    }
                }
                let params: Vec<(Cell, Cell)> = runs
                    .configs
                    .iter()
                    .map(|c| (c.params[ka].clone(), c.params[kb].clone()))
                    .collect();
                Box::new(move |c| {
                    let i = va.iter().position(|v| *v == params[c].0).unwrap_or(0);
                    let j = vb.iter().position(|v| *v == params[c].1).unwrap_or(0);
                    if by_shape {
                        (colors[i], Shape::ALL[j], 6)
                    } else {
                        (colors[i], Shape::Circle, grade(j, vb.len()))
                    }
                })
            }
            None if variants.len() <= PALETTE.len() => {
                let order = variants.clone();
                for (i, &c) in variants.iter().enumerate() {
                    legend
                        .items
                        .push(Item::marker(runs.short_label(c), Shape::Circle, PALETTE[i]));
                }
                Box::new(move |c| {
                    let i = order.iter().position(|&v| v == c).unwrap_or(0);
                    (PALETTE[i % PALETTE.len()], Shape::Circle, 6)
                })
            }
            None => match swept.first() {
                Some((k, vals)) => {
                    let (k, vals) = (*k, vals.clone());
                    let colors = value_colors(&vals);
                    legend
                        .items
                        .push(Item::heading(format!("colour: {}", name_of(k))));
                    legend.items.extend(
                        sample(&vals)
                            .into_iter()
                            .map(|i| Item::marker(vals[i].render(), Shape::Circle, colors[i])),
                    );
                    let params: Vec<Cell> =
                        runs.configs.iter().map(|c| c.params[k].clone()).collect();
                    Box::new(move |c| {
                        let i = vals.iter().position(|v| *v == params[c]).unwrap_or(0);
                        (colors[i], Shape::Circle, 6)
                    })
                }
                None => Box::new(|_| (PALETTE[0], Shape::Circle, 6)),
            },
        };
        let mut points = Vec::new();
        let configs = (0..runs.configs.len()).filter(|&i| runs.configs[i].scenario == sc);
        for i in configs {
            let (Some(&x), Some(&y)) = (stats.get(&(i, xm)), stats.get(&(i, ym))) else {
                continue;
            };
            let baseline = runs.configs[i].is_baseline();
            let (color, shape, size) = if baseline {
                (BASELINE_COLOR, Shape::Circle, 6)
            } else {
                style(i)
            };
            points.push(TradeoffPoint {
                color,
                shape,
                size,
                baseline,
                x,
                y,
            });
        }
        if points.is_empty() {
            continue;
        }
        if let Some(b) = points.iter().find(|p| p.baseline) {
            legend
                .items
                .push(Item::marker("baseline", Shape::Star, BASELINE_COLOR));
            let hidden = points
                .iter()
                .filter(|p| !p.baseline && p.x.0 == b.x.0 && p.y.0 == b.y.0)
                .count();
            legend.notes.push(match hidden {
                0 => "the baseline is drawn on top".to_string(),
                1 => "the baseline is drawn on top; 1 configuration with the same means is \
                      under it"
                    .to_string(),
                n => format!(
                    "the baseline is drawn on top; {n} configurations with the same means \
                     are under it"
                ),
            });
        }
        legend.notes.push(if points.len() <= tradeoff::MAX_BARS {
            "bars: 95% CI of each mean".into()
        } else {
            format!(
                "error bars left out ({} points; summary.parquet has every interval)",
                points.len()
            )
        });
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

/// A colour per value: the palette for up to ten values, viridis (in
/// value order) for more.
fn value_colors(values: &[Cell]) -> Vec<RGBColor> {
    let n = values.len();
    if n <= PALETTE.len() {
        PALETTE[..n].to_vec()
    } else {
        (0..n)
            .map(|i| render::viridis(i as f64 / (n - 1) as f64 * 0.92))
            .collect()
    }
}

/// Which values get a legend entry: all up to ten, else five spread out.
fn sample(values: &[Cell]) -> Vec<usize> {
    let n = values.len();
    if n <= PALETTE.len() {
        (0..n).collect()
    } else {
        (0..5).map(|k| k * (n - 1) / 4).collect()
    }
}

/// Marker half-size for the `i`-th of `n` ordered values: 3 to 9 pixels.
fn grade(i: usize, n: usize) -> i32 {
    3 + (6.0 * i as f64 / (n.max(2) - 1) as f64).round() as i32
}
