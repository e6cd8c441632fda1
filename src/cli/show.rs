//! `swarm-sweep show RESULTS_DIR`: look into a finished sweep on the
//! terminal. By default the comparisons (comparisons.parquet: verdict,
//! difference and its interval, p_holm), per metric, sorted by effect;
//! `--config ID` prints a configuration's resolved scenario instead
//! (cli/show_config.rs). Options shared by every view (the directory,
//! `--format`) sit in [`ShowArgs`]; a view's own options in its flattened
//! struct, so a view is one more field and one more branch in [`show`].

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::exit::CliError;
use super::results::ResultsError;
use crate::analysis::direction::{direction, Direction};
use crate::analysis::error::unknown_metric;
use crate::analysis::export::{human_sig, Format};
use crate::analysis::findings::HEADLINE_METRICS;
use crate::analysis::frame::{Cell, Frame};
use crate::analysis::runs::{short_label, short_params};
use crate::contract::{file, key};
use crate::output::format::py_float;

pub const AFTER_HELP: &str = "\
Rows are sorted by effect: the largest improvement first (relative to the
baseline mean; for metrics with no better side, the largest change). The
default metrics are the report's (toxicity_rate, toxicity_rate_all,
quality_gap, spread, the conditional losses, total_welfare: those present).
csv and json carry full precision; table and markdown 4 significant digits.

Examples:
  swarm-sweep show results/circuit_breaker
  swarm-sweep show results/circuit_breaker --metric quality_gap --top 0
  swarm-sweep show results/circuit_breaker --metric toxicity_rate,spread --format csv > cmp.csv
  swarm-sweep show results/circuit_breaker --config 3 > config3.yaml
  swarm run config3.yaml --seed 7          # one of its runs, with events";

#[derive(Debug, Clone, clap::Args)]
pub struct ShowArgs {
    /// An analysed sweep's output directory (`swarm-sweep analyze` has run).
    pub results_dir: PathBuf,
    /// Print configuration ID (runs.parquet's config_id) as the scenario
    /// file it ran: every setting resolved, overrides applied (instead of
    /// the comparisons; the sweep need not be analysed).
    #[arg(long, value_name = "ID", conflicts_with_all = ["format", "metric", "top"])]
    pub config: Option<i64>,
    /// Output format of the comparisons.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub comparisons: ComparisonsView,
}

/// What of the comparisons to print.
#[derive(Debug, Clone, clap::Args)]
pub struct ComparisonsView {
    /// Only these metrics (comma-separated or repeated) [default: the
    /// report's metrics that the sweep has].
    #[arg(long, value_delimiter = ',', value_name = "METRIC")]
    pub metric: Vec<String>,
    /// At most K configurations per metric (0: all).
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub top: usize,
}

pub fn show(args: &ShowArgs) -> Result<(), CliError> {
    if let Some(id) = args.config {
        return super::show_config::show_config(&args.results_dir, id);
    }
    let rows = select(&args.results_dir, &args.comparisons)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = write(&mut out, args.format, &rows)
        .and_then(|()| replication(&mut out, args))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(CliError::runtime),
    }
}

/// After the table of an adaptive sweep: the seeds each configuration
/// needed, and whether it met the target (analysis/replication.rs).
fn replication(out: &mut dyn Write, args: &ShowArgs) -> std::io::Result<()> {
    use crate::analysis::replication;
    if !matches!(args.format, Format::Table | Format::Markdown) {
        return Ok(());
    }
    let Ok(runs) = crate::analysis::runs::RunsTable::load(&args.results_dir.join(file::RUNS))
    else {
        return Ok(());
    };
    let Some(rule) = replication::rule_of(&runs) else {
        return Ok(());
    };
    let rows = replication::replicated(&runs, &rule);
    writeln!(out)?;
    write!(
        out,
        "{}",
        replication::terminal(&runs, &rule, &rows, args.comparisons.top)
    )
}

/// One comparison as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub scenario: String,
    pub config_id: i64,
    pub variant: String,
    /// `variant` with short parameter names (and the scenario when several).
    pub name: String,
    pub metric: String,
    pub direction: Direction,
    pub verdict: String,
    pub n_pairs: Option<i64>,
    pub mean_baseline: Option<f64>,
    pub mean_variant: Option<f64>,
    pub diff: Option<f64>,
    pub diff_ci: (Option<f64>, Option<f64>),
    pub rel_change: Option<f64>,
    pub p_holm: Option<f64>,
}

/// A metric's rows, sorted, cut to `--top`, and how many there were.
pub struct Group {
    pub metric: String,
    pub rows: Vec<Shown>,
    pub total: usize,
}

fn bad(path: &Path, msg: impl std::fmt::Display) -> CliError {
    CliError::bad_input(ResultsError::Malformed {
        path: path.to_path_buf(),
        why: msg.to_string(),
    })
}

/// Read comparisons.parquet and pick, sort and cut the rows.
pub fn select(dir: &Path, view: &ComparisonsView) -> Result<Vec<Group>, CliError> {
    let path = dir.join(file::COMPARISONS);
    if !path.is_file() {
        return Err(CliError::bad_input(ResultsError::NotAnalysed {
            path,
            dir: dir.to_path_buf(),
        }));
    }
    let frame = Frame::read_parquet(&path, None).map_err(CliError::bad_input)?;
    if frame.get("verdict").is_none() {
        return Err(bad(
            &path,
            "has no verdict column (an older swarm-sweep wrote it): run `swarm-sweep analyze` again",
        ));
    }
    let metrics = frame
        .metadata_list(key::analysis::METRICS)
        .unwrap_or_default();
    let params = frame
        .metadata_list(key::analysis::PARAM_COLUMNS)
        .unwrap_or_default();
    let wanted: Vec<String> = view
        .metric
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    for m in &wanted {
        if !metrics.contains(m) {
            return Err(CliError::bad_input(unknown_metric(m, &metrics)));
        }
    }
    let chosen: Vec<String> = if !wanted.is_empty() {
        wanted
    } else {
        let head: Vec<String> = HEADLINE_METRICS
            .iter()
            .filter(|m| metrics.iter().any(|x| x == *m))
            .map(|m| m.to_string())
            .collect();
        if head.is_empty() {
            metrics.clone()
        } else {
            head
        }
    };
    let labels: Vec<String> = match frame.get("variant") {
        Some(v) => (0..frame.rows).map(|r| v.cell(r).render()).collect(),
        None => Vec::new(),
    };
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let short = short_params(&params, &labels);
    let col = |name: &str| {
        frame
            .get(name)
            .ok_or_else(|| bad(&path, format!("no `{name}` column")))
    };
    let (scenario, config_id, variant, metric, verdict) = (
        col("scenario")?,
        col("config_id")?,
        col("variant")?,
        col("metric")?,
        col("verdict")?,
    );
    let num = |name: &str, r: usize| frame.get(name).and_then(|c| c.f64(r));
    let text = |c: &crate::analysis::frame::Values, r: usize| match c.cell(r) {
        Cell::Str(s) => s,
        other => other.render(),
    };
    let mut scenarios: Vec<String> = Vec::new();
    for r in 0..frame.rows {
        let s = text(scenario, r);
        if !scenarios.contains(&s) {
            scenarios.push(s);
        }
    }
    let many = scenarios.len() > 1;
    let mut groups = Vec::new();
    for m in chosen {
        let mut rows: Vec<Shown> = (0..frame.rows)
            .filter(|&r| text(metric, r) == m)
            .map(|r| {
                let sc = text(scenario, r);
                let label = text(variant, r);
                let short = short_label(&label, &short);
                Shown {
                    name: if many {
                        format!("{sc} / {short}")
                    } else {
                        short
                    },
                    scenario: sc,
                    config_id: match config_id.cell(r) {
                        Cell::Int(i) => i,
                        _ => -1,
                    },
                    variant: label,
                    metric: m.clone(),
                    direction: direction(&m),
                    verdict: text(verdict, r),
                    n_pairs: match frame.get("n_pairs").map(|c| c.cell(r)) {
                        Some(Cell::Int(i)) => Some(i),
                        _ => None,
                    },
                    mean_baseline: num("mean_baseline", r),
                    mean_variant: num("mean_variant", r),
                    diff: num("diff", r),
                    diff_ci: (num("diff_ci_lo", r), num("diff_ci_hi", r)),
                    rel_change: num("rel_change", r),
                    p_holm: num("p_holm", r),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            effect(b)
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&effect(a).unwrap_or(f64::NEG_INFINITY))
                .then_with(|| a.scenario.cmp(&b.scenario))
                .then(a.config_id.cmp(&b.config_id))
        });
        let total = rows.len();
        if view.top > 0 {
            rows.truncate(view.top);
        }
        groups.push(Group {
            metric: m,
            rows,
            total,
        });
    }
    Ok(groups)
}

/// The sort key: the improvement relative to the baseline mean (the
/// absolute difference when that mean is 0); for neutral metrics the size
/// of the change.
fn effect(r: &Shown) -> Option<f64> {
    let d = r.diff?;
    let x = r.rel_change.unwrap_or(d);
    Some(match r.direction {
        Direction::Neutral => x.abs(),
        dir => dir.sign() * x,
    })
}

fn human(v: Option<f64>) -> String {
    human_sig(v, 4)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{:+.1}%", 100.0 * v))
}

fn p(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if v < 1e-4 => "<0.0001".into(),
        Some(v) => format!("{v:.4}"),
    }
}

fn ci(r: &Shown) -> String {
    match r.diff_ci {
        (Some(lo), Some(hi)) => format!("[{}, {}]", human(Some(lo)), human(Some(hi))),
        _ => "-".into(),
    }
}

fn better(d: Direction) -> &'static str {
    match d {
        Direction::LowerIsBetter => "lower is better",
        Direction::HigherIsBetter => "higher is better",
        Direction::Neutral => "no better side",
    }
}

/// The human columns of table and markdown.
const HUMAN_COLUMNS: [&str; 7] = [
    "configuration",
    "verdict",
    "baseline",
    "variant",
    "diff [95% CI]",
    "change",
    "p_holm",
];

fn human_cells(r: &Shown) -> [String; 7] {
    [
        r.name.clone(),
        r.verdict.clone(),
        human(r.mean_baseline),
        human(r.mean_variant),
        format!("{} {}", human(r.diff), ci(r)),
        pct(r.rel_change),
        p(r.p_holm),
    ]
}

/// The machine columns of csv and json, in order.
const MACHINE_COLUMNS: [&str; 14] = [
    "scenario",
    "config_id",
    "variant",
    "metric",
    "direction",
    "verdict",
    "n_pairs",
    "mean_baseline",
    "mean_variant",
    "diff",
    "diff_ci_lo",
    "diff_ci_hi",
    "rel_change",
    "p_holm",
];

/// What follows a group's metric name in its title: "(lower is better): 3
/// of 6 configurations, largest improvement first".
fn group_caption(g: &Group) -> String {
    let shown = if g.rows.len() < g.total {
        format!("{} of {} configurations", g.rows.len(), g.total)
    } else {
        format!("{} configurations", g.total)
    };
    let dir = direction(&g.metric);
    let order = if dir == Direction::Neutral {
        "largest change first"
    } else {
        "largest improvement first"
    };
    format!("({}): {shown}, {order}", better(dir))
}

fn group_title(g: &Group) -> String {
    format!("{} {}", g.metric, group_caption(g))
}

pub fn write(out: &mut dyn Write, format: Format, groups: &[Group]) -> std::io::Result<()> {
    match format {
        Format::Table => write_table(out, groups),
        Format::Markdown => write_markdown(out, groups),
        Format::Csv => write_csv(out, groups),
        Format::Json => write_json(out, groups),
    }
}

fn write_table(out: &mut dyn Write, groups: &[Group]) -> std::io::Result<()> {
    for (k, g) in groups.iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", group_title(g))?;
        let cells: Vec<[String; 7]> = g.rows.iter().map(human_cells).collect();
        let widths: Vec<usize> = (0..HUMAN_COLUMNS.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|c| c[i].chars().count())
                    .chain([HUMAN_COLUMNS[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |c: &[String]| -> String {
            c.iter()
                .enumerate()
                .map(|(i, s)| {
                    if i < 2 {
                        format!("{s:<w$}", w = widths[i])
                    } else {
                        format!("{s:>w$}", w = widths[i])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let header: Vec<String> = HUMAN_COLUMNS.iter().map(|s| s.to_string()).collect();
        writeln!(out, "  {}", line(&header))?;
        for c in &cells {
            writeln!(out, "  {}", line(c))?;
        }
        if g.rows.len() < g.total {
            writeln!(out, "  … {} more (--top 0 for all)", g.total - g.rows.len())?;
        }
    }
    Ok(())
}

fn write_markdown(out: &mut dyn Write, groups: &[Group]) -> std::io::Result<()> {
    for (k, g) in groups.iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        writeln!(out, "**`{}`** {}\n", g.metric, group_caption(g))?;
        writeln!(out, "| {} |", HUMAN_COLUMNS.join(" | "))?;
        writeln!(out, "|---|---|{}", "---:|".repeat(HUMAN_COLUMNS.len() - 2))?;
        for r in &g.rows {
            let mut c = human_cells(r);
            c[0] = format!("`{}`", c[0]);
            writeln!(out, "| {} |", c.join(" | "))?;
        }
        if g.rows.len() < g.total {
            writeln!(
                out,
                "\n… {} more (`--top 0` for all)",
                g.total - g.rows.len()
            )?;
        }
    }
    Ok(())
}

fn machine(r: &Shown) -> Vec<Value> {
    let f = |v: Option<f64>| v.map_or(Value::Null, |x| json!(x));
    vec![
        json!(r.scenario),
        json!(r.config_id),
        json!(r.variant),
        json!(r.metric),
        json!(r.direction.name()),
        json!(r.verdict),
        r.n_pairs.map_or(Value::Null, |n| json!(n)),
        f(r.mean_baseline),
        f(r.mean_variant),
        f(r.diff),
        f(r.diff_ci.0),
        f(r.diff_ci.1),
        f(r.rel_change),
        f(r.p_holm),
    ]
}

fn write_csv(out: &mut dyn Write, groups: &[Group]) -> std::io::Result<()> {
    writeln!(out, "{}", MACHINE_COLUMNS.join(","))?;
    for r in groups.iter().flat_map(|g| &g.rows) {
        let cells: Vec<String> = machine(r)
            .into_iter()
            .map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) if s.contains([',', '"', '\n']) => {
                    format!("\"{}\"", s.replace('"', "\"\""))
                }
                Value::String(s) => s,
                Value::Number(n) => match n.as_f64() {
                    Some(x) if n.is_f64() => py_float(x),
                    _ => n.to_string(),
                },
                other => other.to_string(),
            })
            .collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

fn write_json(out: &mut dyn Write, groups: &[Group]) -> std::io::Result<()> {
    let metrics: Vec<Value> = groups
        .iter()
        .map(|g| {
            let rows: Vec<Value> = g
                .rows
                .iter()
                .map(|r| {
                    let m: Map<String, Value> = MACHINE_COLUMNS
                        .iter()
                        .map(|c| c.to_string())
                        .zip(machine(r))
                        .collect();
                    Value::Object(m)
                })
                .collect();
            json!({
                "metric": g.metric,
                "direction": direction(&g.metric).name(),
                "total": g.total,
                "comparisons": rows,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &json!({ "metrics": metrics }))?;
    writeln!(out)
}
