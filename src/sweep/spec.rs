//! The sweep spec (YAML): parsing and the structural checks that need no
//! scenario — keys, seeds, value lists, ranges, zip lengths, overlaps.
//! Parameter paths and value types are checked against the scenarios in
//! `plan.rs`. Read with the scenario loader's YAML tree, so values resolve as
//! in scenario files and every key keeps its line. Format: docs/sweep.md;
//! background docs/model/outputs.md §6.

use std::fmt;

use crate::scenario::params::ParamValue;
use crate::scenario::yaml::{self, Entry, Node, Value};

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "base",
    "bases",
    "seeds",
    "overrides",
    "baseline",
    "grid",
    "zip",
    "variants",
    "sample",
    "labels",
    "report",
    "outputs",
];
const REPORT_KEYS: &[&str] = &["metrics", "plots"];
const PLOT_KEYS: &[&str] = &["type", "x", "y", "z", "title"];
/// The plots a spec may ask for: a metric over epochs or over a swept
/// parameter (`line`), a metric over two swept parameters (`heatmap`).
pub const PLOT_TYPES: &[&str] = &["line", "heatmap"];
const OUTPUT_KEYS: &[&str] = &["dir", "metrics_csv", "events_jsonl"];
const SEED_KEYS: &[&str] = &["start", "count", "batch", "max", "until"];
const UNTIL_KEYS: &[&str] = &["metric", "ci_half_width", "conf_level"];
const RANGE_KEYS: &[&str] = &["start", "stop", "step", "num", "log"];
/// A range longer than this is almost certainly a mistake in `step`.
const MAX_RANGE_LEN: usize = 100_000;

/// A sweep spec that is well formed; its parameter paths are not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    pub name: String,
    pub description: Option<String>,
    /// Base scenario paths as written (relative to the spec file).
    pub bases: Vec<String>,
    /// The key they were given under (`base` or `bases`) and its line.
    pub bases_at: (&'static str, usize),
    /// The seeds every configuration runs (common random numbers); with
    /// `replication`, the seeds any configuration may run.
    pub seeds: Vec<i64>,
    /// `seeds: {batch, max, until}`: seeds added in batches until the
    /// paired-difference interval is narrow enough (sweep/adaptive.rs).
    pub replication: Option<super::adaptive::Replication>,
    /// Applied to every configuration, baseline included, first.
    pub overrides: Vec<Assignment>,
    /// The baseline arm's overrides.
    pub baseline: Vec<Assignment>,
    /// Cartesian axes in file order (the last varies fastest).
    pub grid: Vec<Axis>,
    /// Axes varied together; one more axis after the grid's.
    pub zip: Vec<Axis>,
    pub variants: Vec<Variant>,
    /// `sample:` — a design (docs/design.md): each of its points is one
    /// more configuration, the fastest axis after grid and zip.
    pub sample: Option<super::design::Sample>,
    /// Short names for swept parameters in configuration labels
    /// (`tax_rate=0.05` for `governance.transaction_tax_rate=0.05`):
    /// (path, label), in file order.
    pub labels: Vec<(String, String)>,
    /// What the analysis step puts first.
    pub report: ReportSpec,
    pub outputs: OutputsSpec,
    pub source: SpecSource,
}

/// `report:` — the metrics the report leads with and the plots to draw
/// besides its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportSpec {
    /// Metric columns (of runs.parquet or epochs.parquet), in order.
    pub metrics: Vec<String>,
    pub plots: Vec<PlotSpec>,
}

/// One plot: `line` (metrics `y` over `x`, a swept parameter or `epoch`)
/// or `heatmap` (metric `z` over swept parameters `x` and `y`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlotSpec {
    pub kind: String,
    pub x: String,
    pub y: Vec<String>,
    pub z: Option<String>,
    pub title: Option<String>,
}

/// Every metric a spec may name (the metric columns of both tables).
pub fn metric_names() -> Vec<&'static str> {
    use super::columns::{stored_columns, Table};
    let mut v: Vec<&'static str> = Vec::new();
    for t in [Table::Runs, Table::Epochs] {
        for (n, _) in stored_columns(t) {
            if *n != "epoch" && !v.contains(n) {
                v.push(n);
            }
        }
    }
    v
}

/// Where a spec came from, kept for diagnostics and the Parquet metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecSource {
    /// The file name as given on the command line.
    pub origin: String,
    pub text: String,
}

/// One `path: value` override, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub path: String,
    pub value: ParamValue,
    /// The spec section, e.g. `baseline` or `variants.strict`.
    pub section: String,
    pub line: usize,
}

/// One swept parameter and its values in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub path: String,
    pub values: Vec<ParamValue>,
    /// `grid` or `zip`.
    pub section: &'static str,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub assignments: Vec<Assignment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputsSpec {
    /// Output directory (relative to the current directory); default results/<name>.
    pub dir: Option<String>,
    pub metrics_csv: bool,
    pub events_jsonl: bool,
}

impl Default for OutputsSpec {
    fn default() -> Self {
        OutputsSpec {
            dir: None,
            metrics_csv: true,
            events_jsonl: false,
        }
    }
}

/// A spec that cannot be used. Displays as `file:line: key.path: message`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct SpecError {
    pub origin: String,
    pub line: Option<usize>,
    /// Dotted key path inside the spec, e.g. `grid.governance.audit_probability`.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": {key}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl SpecSource {
    /// An error at spec key `key` (dotted; empty for the whole file) on `line`.
    pub fn error(&self, line: Option<usize>, key: &str, message: impl Into<String>) -> SpecError {
        SpecError {
            origin: self.origin.clone(),
            line,
            key: (!key.is_empty()).then(|| key.to_string()),
            message: message.into(),
        }
    }
}

impl Assignment {
    /// The spec key path of this assignment, e.g. `baseline.governance.audit_enabled`.
    pub fn key(&self) -> String {
        format!("{}.{}", self.section, self.path)
    }

    pub fn error(&self, src: &SpecSource, message: impl Into<String>) -> SpecError {
        src.error(Some(self.line), &self.key(), message)
    }
}

impl Axis {
    pub fn key(&self) -> String {
        format!("{}.{}", self.section, self.path)
    }

    pub fn error(&self, src: &SpecSource, message: impl Into<String>) -> SpecError {
        src.error(Some(self.line), &self.key(), message)
    }
}

impl SweepSpec {
    /// Every override (overrides, baseline, variants), in file order.
    pub fn all_assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.overrides
            .iter()
            .chain(&self.baseline)
            .chain(self.variants.iter().flat_map(|v| &v.assignments))
    }

    /// The parameters that get their own column: everything that differs
    /// between configurations (baseline, variants, grid, zip), in that order,
    /// each once. `overrides` are the same everywhere and get none.
    pub fn swept_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let arms = self
            .baseline
            .iter()
            .chain(self.variants.iter().flat_map(|v| &v.assignments));
        let axes = self.grid.iter().chain(&self.zip).map(|a| a.path.as_str());
        let sampled = self.sample.iter().flat_map(|s| s.paths());
        for p in arms.map(|a| a.path.as_str()).chain(axes).chain(sampled) {
            if !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
        out
    }

    /// How `path` reads in configuration labels: its label, else itself.
    pub fn label_of<'a>(&'a self, path: &'a str) -> &'a str {
        self.labels
            .iter()
            .find(|(p, _)| p == path)
            .map_or(path, |(_, l)| l.as_str())
    }

    /// An error about the base scenario(s).
    pub fn bases_error(&self, message: impl Into<String>) -> SpecError {
        self.source
            .error(Some(self.bases_at.1), self.bases_at.0, message)
    }
}

/// Parse and structurally validate a spec. `origin` names the file in messages.
pub fn parse(text: &str, origin: &str) -> Result<SweepSpec, SpecError> {
    let source = SpecSource {
        origin: origin.to_string(),
        text: text.to_string(),
    };
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => return Err(source.error(None, "", "the spec is empty")),
        Err(e) => {
            return Err(source.error(
                Some(e.line),
                &e.path,
                format!("not valid YAML: {}", e.message),
            ))
        }
    };
    let p = Parser { src: &source };
    let Some(entries) = root.entries() else {
        return Err(source.error(
            Some(root.line),
            "",
            "a sweep spec must be a YAML mapping (name, base, seeds, grid, ...)",
        ));
    };
    p.check_keys(entries, "", TOP_KEYS)?;
    let get = |k: &str| entries.iter().find(|e| e.key == k);

    let name = match get("name") {
        Some(e) => p.string(e, "name")?,
        None => default_name(origin),
    };
    let usable = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    if name.is_empty() || !name.chars().all(usable) || name.starts_with('.') {
        return Err(p.err(
            get("name").map(|e| e.key_line),
            "name",
            format!("'{name}' is not usable as a directory name (letters, digits, '_', '-', '.')"),
        ));
    }
    let description = get("description")
        .map(|e| p.string(e, "description"))
        .transpose()?;
    let (bases_at, bases) = p.bases(get("base"), get("bases"))?;
    let (seeds, replication) = match get("seeds") {
        Some(e) => p.seeds(e)?,
        None => {
            return Err(p.err(
                None,
                "",
                "missing 'seeds' (e.g. seeds: {start: 0, count: 20})",
            ))
        }
    };
    let overrides = p.assignments(get("overrides"), "overrides")?;
    let baseline = p.assignments(get("baseline"), "baseline")?;
    let grid = p.axes(get("grid"), "grid")?;
    let zip = p.axes(get("zip"), "zip")?;
    if let Some(first) = zip.first() {
        if let Some(other) = zip.iter().find(|a| a.values.len() != first.values.len()) {
            return Err(other.error(
                &source,
                format!(
                    "zip lists must have the same length: {} has {}, {} has {}",
                    first.path,
                    first.values.len(),
                    other.path,
                    other.values.len()
                ),
            ));
        }
    }
    let variants = p.variants(get("variants"))?;
    let sample = get("sample")
        .filter(|e| !e.value.is_null())
        .map(|e| super::design::parse(&source, e))
        .transpose()?;
    if let (Some(s), Some(_)) = (&sample, &replication) {
        if s.method.is_sensitivity() {
            return Err(p.err(
                get("seeds").map(|e| e.key_line),
                "seeds",
                format!(
                    "adaptive replication cannot be used with a {} design: its indices need \
                     the same seeds at every point (give seeds: {{start, count}})",
                    s.method.name()
                ),
            ));
        }
    }
    let labels = p.labels(get("labels"), &grid, &zip)?;
    let report = p.report(get("report"), &grid, &zip, &labels)?;
    let outputs = p.outputs(get("outputs"))?;

    let spec = SweepSpec {
        name,
        description,
        bases,
        bases_at,
        seeds,
        replication,
        overrides,
        baseline,
        grid,
        zip,
        variants,
        sample,
        labels,
        report,
        outputs,
        source,
    };
    check_overlaps(&spec)?;
    Ok(spec)
}

fn default_name(origin: &str) -> String {
    std::path::Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sweep".to_string())
}

/// A grid/zip path may appear only once across grid and zip, and no arm
/// (baseline or variant) may set it: the grid value would silently win.
fn check_overlaps(spec: &SweepSpec) -> Result<(), SpecError> {
    let axes: Vec<&Axis> = spec.grid.iter().chain(&spec.zip).collect();
    for (i, a) in axes.iter().enumerate() {
        if let Some(b) = axes[..i].iter().find(|b| b.path == a.path) {
            return Err(a.error(
                &spec.source,
                format!("'{}' is swept twice (already in {})", a.path, b.section),
            ));
        }
    }
    if let Some(sample) = &spec.sample {
        check_sample_overlaps(spec, sample, &axes)?;
    }
    let arms = spec
        .baseline
        .iter()
        .chain(spec.variants.iter().flat_map(|v| &v.assignments));
    for arm in arms {
        if let Some(axis) = axes.iter().find(|a| a.path == arm.path) {
            return Err(arm.error(
                &spec.source,
                format!(
                    "'{}' is also swept in {}; an arm may not set a swept parameter",
                    arm.path, axis.section
                ),
            ));
        }
    }
    Ok(())
}

/// A sampled path is sampled once and set by no grid, zip or arm; a
/// design the sensitivity analysis reads (saltelli, morris) stands alone:
/// its rows must be the sweep's configurations, in order.
fn check_sample_overlaps(
    spec: &SweepSpec,
    sample: &super::design::Sample,
    axes: &[&Axis],
) -> Result<(), SpecError> {
    let src = &spec.source;
    for (i, f) in sample.factors.iter().enumerate() {
        let again = sample.factors[..i].iter().any(|g| g.path == f.path);
        let axis = axes.iter().find(|a| a.path == f.path).map(|a| a.section);
        let arm = spec
            .baseline
            .iter()
            .chain(spec.variants.iter().flat_map(|v| &v.assignments))
            .find(|a| a.path == f.path)
            .map(|a| a.section.as_str());
        if let Some(other) = again.then_some("sample").or(axis).or(arm) {
            return Err(src.error(
                Some(f.line),
                &f.key(),
                format!("'{}' is sampled and also set in {other}", f.path),
            ));
        }
    }
    if sample.method.is_sensitivity() && !(axes.is_empty() && spec.variants.is_empty()) {
        return Err(src.error(
            Some(sample.line),
            "sample.method",
            format!(
                "a {} design cannot be crossed with grid, zip or variants (its points are \
                 read back in order by the sensitivity analysis); use one sweep per arm",
                sample.method.name()
            ),
        ));
    }
    Ok(())
}

/// `key` under `at` as a dotted path.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

struct Parser<'a> {
    src: &'a SpecSource,
}

impl Parser<'_> {
    fn err(&self, line: Option<usize>, key: &str, msg: impl Into<String>) -> SpecError {
        self.src.error(line, key, msg)
    }

    fn check_keys(&self, entries: &[Entry], at: &str, allowed: &[&str]) -> Result<(), SpecError> {
        for e in entries {
            if !allowed.contains(&e.key.as_str()) {
                let k = e.key.as_str();
                // A truncated key (`metrics` for `metrics_csv`) is a typo too.
                let near = crate::suggest::nearest(k, allowed.iter().copied()).or_else(|| {
                    allowed
                        .iter()
                        .copied()
                        .find(|a| k.len() >= 3 && a.starts_with(k))
                });
                let hint = match near {
                    Some(s) => format!("; did you mean '{s}'?"),
                    None => format!("; expected one of: {}", allowed.join(", ")),
                };
                return Err(self.err(
                    Some(e.key_line),
                    &join(at, k),
                    format!("unknown key '{k}'{hint}"),
                ));
            }
        }
        Ok(())
    }

    fn string(&self, e: &Entry, key: &str) -> Result<String, SpecError> {
        match &e.value.value {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(self.err(
                Some(e.key_line),
                key,
                format!("expected a string, found {}", e.value.describe()),
            )),
        }
    }

    fn bool(&self, e: &Entry, key: &str) -> Result<bool, SpecError> {
        match e.value.value {
            Value::Bool(b) => Ok(b),
            _ => Err(self.err(
                Some(e.key_line),
                key,
                format!("expected true or false, found {}", e.value.describe()),
            )),
        }
    }

    fn int(&self, n: &Node, key: &str) -> Result<i64, SpecError> {
        match n.value {
            Value::Int(i) => Ok(i),
            _ => Err(self.err(
                Some(n.line),
                key,
                format!("expected an integer, found {}", n.describe()),
            )),
        }
    }

    fn mapping<'n>(&self, e: &'n Entry, key: &str, what: &str) -> Result<&'n [Entry], SpecError> {
        e.value.entries().ok_or_else(|| {
            self.err(
                Some(e.key_line),
                key,
                format!("expected {what}, found {}", e.value.describe()),
            )
        })
    }

    fn bases(
        &self,
        base: Option<&Entry>,
        bases: Option<&Entry>,
    ) -> Result<((&'static str, usize), Vec<String>), SpecError> {
        let (key, e) = match (base, bases) {
            (Some(_), Some(b)) => {
                return Err(self.err(
                    Some(b.key_line),
                    "bases",
                    "give either 'base' or 'bases', not both",
                ))
            }
            (Some(e), None) => ("base", e),
            (None, Some(e)) => ("bases", e),
            (None, None) => {
                return Err(self.err(
                    None,
                    "",
                    "missing 'base' (the base scenario, relative to this file)",
                ))
            }
        };
        let list: Vec<String> = match &e.value.value {
            Value::Str(s) => vec![s.clone()],
            Value::Seq(items) => items
                .iter()
                .map(|i| match &i.value {
                    Value::Str(s) => Ok(s.clone()),
                    _ => Err(self.err(
                        Some(i.line),
                        key,
                        format!("expected a path, found {}", i.describe()),
                    )),
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(self.err(
                    Some(e.key_line),
                    key,
                    format!(
                        "expected a path or a list of paths, found {}",
                        e.value.describe()
                    ),
                ))
            }
        };
        let at = Some(e.key_line);
        if list.is_empty() {
            return Err(self.err(at, key, "needs at least one base scenario"));
        }
        for (i, b) in list.iter().enumerate() {
            if b.trim().is_empty() {
                return Err(self.err(at, key, "empty base scenario path"));
            }
            if list[..i].contains(b) {
                return Err(self.err(at, key, format!("base scenario '{b}' is listed twice")));
            }
        }
        Ok(((key, e.key_line), list))
    }

    fn seeds(
        &self,
        e: &Entry,
    ) -> Result<(Vec<i64>, Option<super::adaptive::Replication>), SpecError> {
        let at = Some(e.key_line);
        let mut replication = None;
        let seeds: Vec<i64> = match &e.value.value {
            Value::Map(m) => {
                self.check_keys(m, "seeds", SEED_KEYS)?;
                let field = |k: &str| m.iter().find(|f| f.key == k);
                let start = match field("start") {
                    Some(f) => self.int(&f.value, "seeds.start")?,
                    None => 0,
                };
                replication = self.replication(m, at)?;
                let count = match (field("count"), &replication) {
                    (Some(f), Some(_)) => {
                        return Err(self.err(
                            Some(f.key_line),
                            "seeds.count",
                            "give either count, or batch, max and until (adaptive \
                             replication), not both",
                        ))
                    }
                    (None, Some(r)) => r.max as i64,
                    (Some(f), None) => self.int(&f.value, "seeds.count")?,
                    (None, None) => {
                        return Err(self.err(
                            at,
                            "seeds",
                            "missing 'count' (seeds: {start: 0, count: 20})",
                        ))
                    }
                };
                if count < 1 {
                    let line = field("count").map(|f| f.key_line);
                    return Err(self.err(
                        line,
                        "seeds.count",
                        format!("count must be at least 1, got {count}"),
                    ));
                }
                if start.checked_add(count).is_none() {
                    return Err(self.err(at, "seeds", "seed range overflows a 64-bit integer"));
                }
                // Before the list is made: 10^9 seeds are 8 GB.
                crate::limits::check("seeds.count", count as u64, "SWARM_MAX_RUNS")
                    .map_err(|e| self.err(at, "seeds", e.to_string()))?;
                (start..start + count).collect()
            }
            Value::Seq(items) => {
                let list: Vec<i64> = items
                    .iter()
                    .map(|i| self.int(i, "seeds"))
                    .collect::<Result<_, _>>()?;
                if list.is_empty() {
                    return Err(self.err(at, "seeds", "needs at least one seed"));
                }
                crate::limits::check("the seed list", list.len() as u64, "SWARM_MAX_RUNS")
                    .map_err(|e| self.err(at, "seeds", e.to_string()))?;
                // One pass with a set: 300k seeds were 11 s pairwise.
                let mut seen = std::collections::HashSet::with_capacity(list.len());
                if let Some(i) = list.iter().position(|s| !seen.insert(*s)) {
                    return Err(self.err(
                        Some(items[i].line),
                        "seeds",
                        format!("seed {} is listed twice", list[i]),
                    ));
                }
                list
            }
            _ => {
                return Err(self.err(
                    at,
                    "seeds",
                    format!(
                        "expected {{start, count}} or a list of seeds, found {}",
                        e.value.describe()
                    ),
                ))
            }
        };
        // Negative seeds are fine: the reference takes them, and so does
        // `swarm run --seed`.
        Ok((seeds, replication))
    }

    /// `batch`, `max` and `until` of `seeds:` (all three, or none).
    fn replication(
        &self,
        m: &[Entry],
        at: Option<usize>,
    ) -> Result<Option<super::adaptive::Replication>, SpecError> {
        let field = |k: &str| m.iter().find(|f| f.key == k);
        let (batch, max, until) = match (field("batch"), field("max"), field("until")) {
            (None, None, None) => return Ok(None),
            (Some(b), Some(m), Some(u)) => (b, m, u),
            _ => {
                return Err(self.err(
                    at,
                    "seeds",
                    "adaptive replication needs batch, max and until together (seeds: \
                     {start: 0, batch: 10, max: 500, until: {metric: toxicity_rate, \
                     ci_half_width: 0.005}})",
                ))
            }
        };
        let count = |f: &Entry, key: &str, least: i64| -> Result<usize, SpecError> {
            let n = self.int(&f.value, key)?;
            if n < least {
                return Err(self.err(
                    Some(f.key_line),
                    key,
                    format!("must be at least {least}, got {n}"),
                ));
            }
            crate::limits::check(key, n as u64, "SWARM_MAX_RUNS")
                .map_err(|e| self.err(Some(f.key_line), key, e.to_string()))?;
            Ok(n as usize)
        };
        // A t-interval needs two pairs.
        let batch_n = count(batch, "seeds.batch", 2)?;
        let max_n = count(max, "seeds.max", 2)?;
        if max_n < batch_n {
            return Err(self.err(
                Some(max.key_line),
                "seeds.max",
                format!("max ({max_n}) must be at least batch ({batch_n})"),
            ));
        }
        let entries = self.mapping(until, "seeds.until", "a mapping (metric, ci_half_width)")?;
        self.check_keys(entries, "seeds.until", UNTIL_KEYS)?;
        let get = |k: &str| entries.iter().find(|f| f.key == k);
        let need = |k: &str| {
            get(k).ok_or_else(|| {
                self.err(
                    Some(until.key_line),
                    "seeds.until",
                    format!(
                        "missing '{k}' (until: {{metric: toxicity_rate, ci_half_width: 0.005}})"
                    ),
                )
            })
        };
        let metric_at = need("metric")?;
        let metric = self.string(metric_at, "seeds.until.metric")?;
        let runs_metrics = super::columns::stored_columns(crate::contract::Table::Runs);
        if !runs_metrics.iter().any(|(n, _)| *n == metric) {
            let near = crate::suggest::nearest(&metric, runs_metrics.iter().map(|(n, _)| *n))
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_default();
            return Err(self.err(
                Some(metric_at.key_line),
                "seeds.until.metric",
                format!("'{metric}' is not a metric of runs.parquet{near}"),
            ));
        }
        let positive = |e: &Entry, key: &str, below_one: bool| -> Result<f64, SpecError> {
            let x = match e.value.value {
                Value::Int(i) => i as f64,
                Value::Float(x) => x,
                _ => f64::NAN,
            };
            if !(x > 0.0 && x.is_finite() && (!below_one || x < 1.0)) {
                let want = if below_one {
                    "a number between 0 and 1"
                } else {
                    "a positive number"
                };
                return Err(self.err(
                    Some(e.key_line),
                    key,
                    format!("expected {want}, found {}", e.value.describe()),
                ));
            }
            Ok(x)
        };
        let ci_half_width = positive(need("ci_half_width")?, "seeds.until.ci_half_width", false)?;
        let level = match get("conf_level") {
            Some(e) => positive(e, "seeds.until.conf_level", true)?,
            None => 0.95,
        };
        Ok(Some(super::adaptive::Replication {
            batch: batch_n,
            max: max_n,
            metric,
            ci_half_width,
            level,
        }))
    }

    fn assignments(&self, e: Option<&Entry>, section: &str) -> Result<Vec<Assignment>, SpecError> {
        let Some(e) = e.filter(|e| !e.value.is_null()) else {
            return Ok(Vec::new());
        };
        let entries = self.mapping(e, section, "a mapping of parameter paths to values")?;
        let mut out = Vec::with_capacity(entries.len());
        for f in entries {
            let path = self.param_path(f, section)?;
            let value = self.scalar(&f.value, &join(section, &path))?;
            out.push(Assignment {
                path,
                value,
                section: section.to_string(),
                line: f.key_line,
            });
        }
        Ok(out)
    }

    fn param_path(&self, e: &Entry, section: &str) -> Result<String, SpecError> {
        let path = e.key.as_str();
        if !path.contains('.') || path.split('.').any(str::is_empty) {
            return Err(self.err(
                Some(e.key_line),
                &join(section, path),
                format!(
                    "'{path}' is not a dotted parameter path (write e.g. governance.audit_probability: 0.2)"
                ),
            ));
        }
        Ok(path.to_string())
    }

    fn scalar(&self, n: &Node, key: &str) -> Result<ParamValue, SpecError> {
        let bad = |what: String| Err(self.err(Some(n.line), key, what));
        match &n.value {
            Value::Bool(b) => Ok(ParamValue::Bool(*b)),
            Value::Int(i) => Ok(ParamValue::Int(*i)),
            Value::Float(f) if f.is_finite() => Ok(ParamValue::Float(*f)),
            Value::Float(_) => bad(format!("{} is not a usable number", n.describe())),
            Value::Str(s) => Ok(ParamValue::Str(s.clone())),
            Value::Map(_) => bad(
                "expected a value, found a mapping; write each parameter as a dotted path (governance.audit_enabled: false)"
                    .to_string(),
            ),
            Value::Seq(_) | Value::Null => bad(format!("expected a value, found {}", n.describe())),
        }
    }

    fn axes(&self, e: Option<&Entry>, section: &'static str) -> Result<Vec<Axis>, SpecError> {
        let Some(e) = e.filter(|e| !e.value.is_null()) else {
            return Ok(Vec::new());
        };
        let entries = self.mapping(e, section, "a mapping of parameter paths to value lists")?;
        let mut out = Vec::with_capacity(entries.len());
        for f in entries {
            let path = self.param_path(f, section)?;
            let key = join(section, &path);
            let at = Some(f.key_line);
            let values = match &f.value.value {
                Value::Seq(items) => items
                    .iter()
                    .map(|i| self.scalar(i, &key))
                    .collect::<Result<Vec<_>, _>>()?,
                Value::Map(m) if section == "grid" => self.range(m, &key, f.key_line)?,
                _ => {
                    let want = if section == "grid" {
                        "a list of values, {start, stop, step} or {start, stop, num, log}"
                    } else {
                        "a list of values"
                    };
                    return Err(self.err(
                        at,
                        &key,
                        format!("expected {want}, found {}", f.value.describe()),
                    ));
                }
            };
            if values.is_empty() {
                return Err(self.err(at, &key, "needs at least one value"));
            }
            let mut seen = std::collections::HashSet::with_capacity(values.len());
            if let Some(a) = values.iter().find(|v| !seen.insert(ValueKey::of(v))) {
                return Err(self.err(at, &key, format!("value {} is listed twice", render(a))));
            }
            out.push(Axis {
                path,
                values,
                section,
                line: f.key_line,
            });
        }
        Ok(out)
    }

    /// `{start, stop, step}`: `stop` is included when the steps land on it
    /// (see [`float_range`] for floats).
    fn range(&self, m: &[Entry], key: &str, line: usize) -> Result<Vec<ParamValue>, SpecError> {
        self.check_keys(m, key, RANGE_KEYS)?;
        let get = |k: &str| -> Result<ParamValue, SpecError> {
            let Some(f) = m.iter().find(|f| f.key == k) else {
                return Err(self.err(
                    Some(line),
                    key,
                    format!("range needs '{k}' (start, stop, step)"),
                ));
            };
            match self.scalar(&f.value, &join(key, k))? {
                n @ (ParamValue::Int(_) | ParamValue::Float(_)) => Ok(n),
                _ => Err(self.err(
                    Some(f.key_line),
                    &join(key, k),
                    format!("expected a number, found {}", f.value.describe()),
                )),
            }
        };
        let field = |k: &str| m.iter().find(|f| f.key == k);
        if let Some(num) = field("num") {
            if let Some(step) = field("step") {
                return Err(self.err(
                    Some(step.key_line),
                    &join(key, "step"),
                    "give either 'step' or 'num', not both",
                ));
            }
            let log = match field("log") {
                Some(f) => self.bool(f, &join(key, "log"))?,
                None => false,
            };
            let num = self.int(&num.value, &join(key, "num"))?;
            return self.spaced(get("start")?, get("stop")?, num, log, key, line);
        }
        if let Some(f) = field("log") {
            return Err(self.err(
                Some(f.key_line),
                &join(key, "log"),
                "'log' spaces a range of 'num' values: {start, stop, num, log: true}",
            ));
        }
        let (start, stop, step) = (get("start")?, get("stop")?, get("step")?);
        let at = Some(line);
        if let (ParamValue::Int(a), ParamValue::Int(b), ParamValue::Int(s)) = (&start, &stop, &step)
        {
            // In 128 bits: exact over the whole i64 range, no overflow.
            let (a, b, s) = (i128::from(*a), i128::from(*b), i128::from(*s));
            if s == 0 || (b - a).signum() * s.signum() < 0 {
                return Err(self.err(at, key, format!("step {s} never gets from {a} to {b}")));
            }
            let n = (b - a) / s + 1;
            if n > MAX_RANGE_LEN as i128 {
                return Err(self.err(
                    at,
                    key,
                    format!("range has {n} values (more than {MAX_RANGE_LEN})"),
                ));
            }
            // Every a + i·s lies between a and b, so within i64.
            return Ok((0..n)
                .map(|i| ParamValue::Int((a + i * s) as i64))
                .collect());
        }
        let (a, b, s) = (as_f64(&start), as_f64(&stop), as_f64(&step));
        if s == 0.0 || (b - a) * s < 0.0 {
            return Err(self.err(at, key, format!("step {s} never gets from {a} to {b}")));
        }
        match float_range(a, b, s) {
            Ok(values) => Ok(values.into_iter().map(ParamValue::Float).collect()),
            Err(n) => Err(self.err(
                at,
                key,
                format!("range has {n} values (more than {MAX_RANGE_LEN})"),
            )),
        }
    }

    /// `{start, stop, num, log}`: `num` values from start to stop, both
    /// included, evenly spaced (geometrically with `log: true`). Integers
    /// when start and stop are and the steps are whole (not log).
    fn spaced(
        &self,
        start: ParamValue,
        stop: ParamValue,
        num: i64,
        log: bool,
        key: &str,
        line: usize,
    ) -> Result<Vec<ParamValue>, SpecError> {
        let at = Some(line);
        if num < 1 || num as usize > MAX_RANGE_LEN {
            return Err(self.err(
                at,
                &join(key, "num"),
                format!("num must be from 1 to {MAX_RANGE_LEN}, got {num}"),
            ));
        }
        let n = num as usize;
        if let (ParamValue::Int(a), ParamValue::Int(b), false) = (&start, &stop, log) {
            let (a, b) = (i128::from(*a), i128::from(*b));
            let gaps = (n as i128 - 1).max(1);
            if (b - a) % gaps == 0 && (n > 1 || a == b) {
                let s = (b - a) / gaps;
                return Ok((0..n as i128)
                    .map(|i| ParamValue::Int((a + i * s) as i64))
                    .collect());
            }
        }
        let (a, b) = (as_f64(&start), as_f64(&stop));
        if n == 1 && a != b {
            return Err(self.err(
                at,
                key,
                "a range from start to stop needs num of at least 2",
            ));
        }
        if log && (a <= 0.0 || b <= 0.0) {
            return Err(self.err(
                at,
                key,
                format!("a log range needs positive start and stop, got {a} and {b}"),
            ));
        }
        let t = |i: usize| {
            if n == 1 {
                0.0
            } else {
                i as f64 / (n - 1) as f64
            }
        };
        let values: Vec<ParamValue> = (0..n)
            .map(|i| {
                let v = if log {
                    (a.ln() + t(i) * (b.ln() - a.ln())).exp()
                } else {
                    a + t(i) * (b - a)
                };
                // 12 significant digits (log) or decimals: 0.1, not 0.10000000000000002.
                let text = if log {
                    format!("{v:.11e}")
                } else {
                    format!("{v:.12}")
                };
                ParamValue::Float(text.parse().unwrap_or(v))
            })
            .collect();
        Ok(values)
    }

    fn variants(&self, e: Option<&Entry>) -> Result<Vec<Variant>, SpecError> {
        let Some(e) = e.filter(|e| !e.value.is_null()) else {
            return Ok(Vec::new());
        };
        let entries = self.mapping(e, "variants", "a mapping of variant names to overrides")?;
        let mut out = Vec::with_capacity(entries.len());
        for f in entries {
            let name = f.key.as_str();
            let key = join("variants", name);
            if name == "baseline" || name.is_empty() || name.contains([',', '=']) {
                return Err(self.err(
                    Some(f.key_line),
                    &key,
                    format!(
                        "'{name}' cannot name a variant (reserved, empty, or contains ',' or '=')"
                    ),
                ));
            }
            let assignments = self.assignments(Some(f), &key)?;
            if assignments.is_empty() {
                return Err(self.err(
                    Some(f.key_line),
                    &key,
                    "a variant needs at least one override",
                ));
            }
            out.push(Variant {
                name: name.to_string(),
                assignments,
            });
        }
        Ok(out)
    }

    /// `labels: {path: label}`: each path swept in grid or zip, each label
    /// usable in a configuration label and used once.
    fn labels(
        &self,
        e: Option<&Entry>,
        grid: &[Axis],
        zip: &[Axis],
    ) -> Result<Vec<(String, String)>, SpecError> {
        let Some(e) = e.filter(|e| !e.value.is_null()) else {
            return Ok(Vec::new());
        };
        let entries = self.mapping(e, "labels", "a mapping of swept parameters to short names")?;
        let mut out: Vec<(String, String)> = Vec::new();
        for f in entries {
            let path = self.param_path(f, "labels")?;
            let key = join("labels", &path);
            let label = self.string(f, &key)?;
            let at = Some(f.key_line);
            if !grid.iter().chain(zip).any(|a| a.path == path) {
                return Err(self.err(at, &key, "labels name parameters swept in grid or zip"));
            }
            if label.is_empty() || label.contains([',', '=']) {
                return Err(self.err(
                    at,
                    &key,
                    format!("'{label}' cannot be a label (empty, or contains ',' or '=')"),
                ));
            }
            if let Some((other, _)) = out.iter().find(|(_, l)| *l == label) {
                return Err(self.err(at, &key, format!("label '{label}' is also {other}'s")));
            }
            out.push((path, label));
        }
        Ok(out)
    }

    fn string_list(&self, n: &Node, key: &str) -> Result<Vec<String>, SpecError> {
        let one = |n: &Node| match &n.value {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(self.err(
                Some(n.line),
                key,
                format!("expected a name, found {}", n.describe()),
            )),
        };
        match &n.value {
            Value::Seq(items) => items.iter().map(one).collect(),
            _ => Ok(vec![one(n)?]),
        }
    }

    /// `report: {metrics: [...], plots: [{type, x, y, z, title}]}`.
    fn report(
        &self,
        e: Option<&Entry>,
        grid: &[Axis],
        zip: &[Axis],
        labels: &[(String, String)],
    ) -> Result<ReportSpec, SpecError> {
        let mut out = ReportSpec::default();
        let Some(e) = e.filter(|e| !e.value.is_null()) else {
            return Ok(out);
        };
        let entries = self.mapping(e, "report", "a mapping (metrics, plots)")?;
        self.check_keys(entries, "report", REPORT_KEYS)?;
        let known = metric_names();
        let metric = |name: &str, line: usize, key: &str| -> Result<(), SpecError> {
            if known.contains(&name) {
                return Ok(());
            }
            let hint = match crate::suggest::nearest(name, known.iter().copied()) {
                Some(s) => format!("did you mean '{s}'?"),
                None => "docs/sweep.md lists the tables' metric columns".into(),
            };
            Err(self.err(
                Some(line),
                key,
                format!("'{name}' is not a metric swarm-sweep records; {hint}"),
            ))
        };
        // A swept parameter, by path or label: its path.
        let swept = |name: &str, line: usize, key: &str| -> Result<String, SpecError> {
            let by_label = labels.iter().find(|(_, l)| l == name).map(|(p, _)| p);
            let path = by_label.map_or(name, |p| p.as_str());
            if grid.iter().chain(zip).any(|a| a.path == path) {
                return Ok(path.to_string());
            }
            Err(self.err(
                Some(line),
                key,
                format!("'{name}' is not a parameter swept in grid or zip (by path or label)"),
            ))
        };
        for f in entries {
            match f.key.as_str() {
                "metrics" => {
                    let names = self.string_list(&f.value, "report.metrics")?;
                    for n in &names {
                        metric(n, f.key_line, "report.metrics")?;
                    }
                    out.metrics = names;
                }
                _ => {
                    let Value::Seq(items) = &f.value.value else {
                        return Err(self.err(
                            Some(f.key_line),
                            "report.plots",
                            format!("expected a list of plots, found {}", f.value.describe()),
                        ));
                    };
                    for (i, item) in items.iter().enumerate() {
                        let key = format!("report.plots[{i}]");
                        let Some(m) = item.entries() else {
                            return Err(self.err(
                                Some(item.line),
                                &key,
                                format!(
                                    "expected a mapping (type, x, y), found {}",
                                    item.describe()
                                ),
                            ));
                        };
                        self.check_keys(m, &key, PLOT_KEYS)?;
                        let get = |k: &str| m.iter().find(|x| x.key == k);
                        let need = |k: &str| {
                            get(k).ok_or_else(|| {
                                self.err(Some(item.line), &key, format!("a plot needs '{k}'"))
                            })
                        };
                        let t = need("type")?;
                        let kind = self.string(t, &join(&key, "type"))?;
                        if !PLOT_TYPES.contains(&kind.as_str()) {
                            return Err(self.err(
                                Some(t.key_line),
                                &join(&key, "type"),
                                format!(
                                    "'{kind}' is not a plot swarm-sweep draws (it draws: {})",
                                    PLOT_TYPES.join(", ")
                                ),
                            ));
                        }
                        let x = need("x")?;
                        let xk = join(&key, "x");
                        let x_name = self.string(x, &xk)?;
                        let y = need("y")?;
                        let yk = join(&key, "y");
                        let title = get("title")
                            .map(|t| self.string(t, &join(&key, "title")))
                            .transpose()?;
                        let plot = if kind == "line" {
                            if get("z").is_some() {
                                return Err(self.err(
                                    Some(item.line),
                                    &key,
                                    "a line plot has no 'z'",
                                ));
                            }
                            let x = if x_name == "epoch" {
                                x_name
                            } else {
                                swept(&x_name, x.key_line, &xk)?
                            };
                            let ys = self.string_list(&y.value, &yk)?;
                            for n in &ys {
                                metric(n, y.key_line, &yk)?;
                            }
                            PlotSpec {
                                kind,
                                x,
                                y: ys,
                                z: None,
                                title,
                            }
                        } else {
                            let x = swept(&x_name, x.key_line, &xk)?;
                            let y_name = self.string(y, &yk)?;
                            let y = swept(&y_name, y.key_line, &yk)?;
                            let z = need("z")?;
                            let zk = join(&key, "z");
                            let z_name = self.string(z, &zk)?;
                            metric(&z_name, z.key_line, &zk)?;
                            PlotSpec {
                                kind,
                                x,
                                y: vec![y],
                                z: Some(z_name),
                                title,
                            }
                        };
                        out.plots.push(plot);
                    }
                }
            }
        }
        Ok(out)
    }

    fn outputs(&self, e: Option<&Entry>) -> Result<OutputsSpec, SpecError> {
        let mut out = OutputsSpec::default();
        let Some(e) = e else { return Ok(out) };
        let entries = self.mapping(e, "outputs", "a mapping (dir, metrics_csv, events_jsonl)")?;
        self.check_keys(entries, "outputs", OUTPUT_KEYS)?;
        for f in entries {
            match f.key.as_str() {
                "dir" => out.dir = Some(self.string(f, "outputs.dir")?),
                "metrics_csv" => out.metrics_csv = self.bool(f, "outputs.metrics_csv")?,
                _ => out.events_jsonl = self.bool(f, "outputs.events_jsonl")?,
            }
        }
        Ok(out)
    }
}

fn as_f64(v: &ParamValue) -> f64 {
    match v {
        ParamValue::Int(i) => *i as f64,
        ParamValue::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// A value as a set key, equal exactly when two sweep values are the same
/// setting: 1 and 1.0 are; integers compare exactly (near i64::MAX,
/// neighbours share one f64), and 0.0 is -0.0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey {
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
}

impl ValueKey {
    fn of(v: &ParamValue) -> ValueKey {
        match v {
            ParamValue::Bool(b) => ValueKey::Bool(*b),
            ParamValue::Int(i) => ValueKey::Int(*i),
            // Integral and within i64 (2^63 is not): the integer it equals.
            ParamValue::Float(f) if f.fract() == 0.0 && f.abs() < 2f64.powi(63) => {
                ValueKey::Int(*f as i64)
            }
            ParamValue::Float(f) => ValueKey::Float(f.to_bits()),
            ParamValue::Str(s) => ValueKey::Str(s.clone()),
        }
    }
}

/// Digits after the decimal point in `x` as written (its shortest
/// round-trip decimal), at most 15.
fn decimals(x: f64) -> usize {
    let s = format!("{x}");
    s.split_once('.').map_or(0, |(_, f)| f.len()).min(15)
}

/// The relative slack within which the steps are taken to land on `stop`.
pub const RANGE_LANDS: f64 = 1e-4;

/// The values of a float range, each rounded to the decimals of start, step
/// (and stop, when it is reached) so they read as written: `0.1 + 2·0.1` is
/// 0.3, never 0.30000000000000004.
///
/// When n whole steps cover `stop − start` to within [`RANGE_LANDS`] of
/// the span, the range ends exactly on `stop` with n equal steps of
/// `(stop − start)/n`: a step written as a rounded fraction (0.0333333 for
/// 1/30 from 0.1 to 0.9) gives 0.1, 0.1333333, …, 0.9, not 0.8999992.
/// Otherwise it is `start + i·step` while that does not pass `stop`.
/// `Err(n)`: the range would have n values, more than `MAX_RANGE_LEN`.
pub fn float_range(a: f64, b: f64, s: f64) -> Result<Vec<f64>, u64> {
    let round = |v: f64, d: usize| format!("{v:.d$}").parse().unwrap_or(v);
    let span = b - a;
    let steps = span / s;
    let too_many = |n: f64| n + 1.0 > MAX_RANGE_LEN as f64;
    let n = steps.round();
    let d = decimals(a).max(decimals(s));
    if n >= 1.0 && (n * s - span).abs() <= RANGE_LANDS * span.abs() {
        if too_many(n) {
            return Err((n + 1.0).min(u64::MAX as f64) as u64);
        }
        let d = d.max(decimals(b));
        let n = n as usize;
        return Ok((0..=n)
            .map(|i| {
                if i == n {
                    b
                } else {
                    round(a + i as f64 * (span / n as f64), d)
                }
            })
            .collect());
    }
    // Tolerate float error at the end (0.1 to 0.5 step 0.1 has 5 values).
    let n = (steps + 1e-9).floor();
    if too_many(n) {
        return Err((n + 1.0).min(u64::MAX as f64) as u64);
    }
    Ok((0..=n as usize)
        .map(|i| round(a + i as f64 * s, d))
        .collect())
}

/// How a value reads in labels and messages: floats always with a decimal
/// point (0.6, 1.0), as SWARM's Python prints them.
pub fn render(v: &ParamValue) -> String {
    match v {
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) => yaml::format_float(*f),
        ParamValue::Str(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> SweepSpec {
        parse(text, "t.yaml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(text: &str) -> SpecError {
        parse(text, "t.yaml").expect_err("spec should be rejected")
    }

    #[test]
    fn parses_a_full_spec() {
        let s = ok("name: cb\nbase: ../scenarios/a.yaml\nseeds: {start: 0, count: 3}\n\
             baseline: {governance.circuit_breaker_enabled: false}\n\
             grid:\n  governance.freeze_threshold_toxicity: [0.5, 0.6]\n  governance.freeze_threshold_violations: {start: 1, stop: 3, step: 1}\n\
             variants:\n  strict: {governance.audit_probability: 0.5}\n\
             outputs: {metrics_csv: false, dir: out}\n");
        assert_eq!(s.name, "cb");
        assert_eq!(s.seeds, vec![0, 1, 2]);
        assert_eq!(s.bases, vec!["../scenarios/a.yaml"]);
        assert_eq!(
            s.grid[1].values,
            vec![ParamValue::Int(1), ParamValue::Int(2), ParamValue::Int(3)]
        );
        assert_eq!(s.baseline[0].value, ParamValue::Bool(false));
        assert_eq!(s.variants[0].name, "strict");
        assert!(!s.outputs.metrics_csv);
        assert_eq!(
            s.swept_paths(),
            vec![
                "governance.circuit_breaker_enabled",
                "governance.audit_probability",
                "governance.freeze_threshold_toxicity",
                "governance.freeze_threshold_violations"
            ]
        );
    }

    #[test]
    fn float_ranges_include_stop_and_read_cleanly() {
        let s = ok("base: a.yaml\nseeds: [5, 0]\ngrid:\n  governance.audit_probability: {start: 0.1, stop: 0.5, step: 0.1}\n");
        let want: Vec<ParamValue> = [0.1, 0.2, 0.3, 0.4, 0.5]
            .into_iter()
            .map(ParamValue::Float)
            .collect();
        assert_eq!(s.grid[0].values, want);
        assert_eq!(s.seeds, vec![5, 0]);
        assert_eq!(s.name, "t");
    }

    #[test]
    fn num_ranges_space_linearly_or_geometrically() {
        let grid = |body: &str| {
            ok(&format!("base: a.yaml\nseeds: [1]\ngrid:\n  g.x: {body}\n")).grid[0]
                .values
                .clone()
        };
        let f = |v: &[f64]| v.iter().copied().map(ParamValue::Float).collect::<Vec<_>>();
        assert_eq!(
            grid("{start: 0, stop: 1, num: 5}"),
            f(&[0.0, 0.25, 0.5, 0.75, 1.0])
        );
        assert_eq!(
            grid("{start: 0.001, stop: 1, num: 4, log: true}"),
            f(&[0.001, 0.01, 0.1, 1.0])
        );
        assert_eq!(
            grid("{start: 1, stop: 7, num: 4}"),
            [1, 3, 5, 7].map(ParamValue::Int)
        );
        assert_eq!(grid("{start: 2, stop: 2, num: 1}"), [ParamValue::Int(2)]);
        for bad in [
            "{start: 0, stop: 1, num: 3, step: 0.5}",
            "{start: 0, stop: 1, num: 0}",
            "{start: 0, stop: 1, num: 3, log: true}",
            "{start: 0, stop: 1, step: 0.5, log: true}",
        ] {
            let text = format!("base: a.yaml\nseeds: [1]\ngrid:\n  g.x: {bad}\n");
            assert!(parse(&text, "t").is_err(), "{bad}");
        }
    }

    #[test]
    fn float_ranges_land_on_stop_when_the_step_is_a_rounded_fraction() {
        let f = |a, b, s| float_range(a, b, s).unwrap();
        let v = f(0.1, 0.9, 0.0333333);
        assert_eq!(v.len(), 25);
        assert_eq!(v[1], 0.1333333);
        assert_eq!(v[2], 0.1666667);
        assert_eq!(v[3], 0.2);
        assert_eq!(v[24], 0.9);
        // a step that misses stop by more than the slack keeps its own size
        assert_eq!(
            f(0.1, 0.95, 0.1),
            vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
        );
        assert_eq!(f(0.0, 1.0, 0.333), vec![0.0, 0.333, 0.666, 0.999]);
        // the bundled sweeps' ranges read as before
        assert_eq!(
            f(0.05, 0.5, 0.05),
            vec![0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]
        );
        assert_eq!(f(0.5, 0.1, -0.1), vec![0.5, 0.4, 0.3, 0.2, 0.1]);
        assert_eq!(f(1.0, 2.0, 0.25), vec![1.0, 1.25, 1.5, 1.75, 2.0]);
        assert_eq!(f(0.15, 0.35, 0.1), vec![0.15, 0.25, 0.35]);
        assert_eq!(f(3.0, 3.0, 0.5), vec![3.0]);
        assert_eq!(float_range(0.0, 1.0, 1e-7), Err(10_000_001));
    }

    #[test]
    fn bases_as_list_or_key() {
        assert_eq!(
            ok("base: [a.yaml, b.yaml]\nseeds: [1]\n").bases,
            vec!["a.yaml", "b.yaml"]
        );
        assert_eq!(ok("bases: [a.yaml]\nseeds: [1]\n").bases, vec!["a.yaml"]);
        assert!(err("base: a.yaml\nbases: [b.yaml]\nseeds: [1]\n")
            .message
            .contains("not both"));
    }

    #[test]
    fn errors_carry_line_key_and_suggestion() {
        let e = err("base: a.yaml\nseeds: [1]\ngird:\n  governance.x: [1]\n");
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().contains("did you mean 'grid'"), "{e}");
        let e = err("base: a.yaml\nseeds: [1]\ngrid:\n  governance.x: [1, 2]\n  governance.y: {start: 1, stop: 0, step: 1}\n");
        assert_eq!(e.line, Some(5));
        assert_eq!(e.key.as_deref(), Some("grid.governance.y"));
    }

    #[test]
    fn structural_mistakes_are_rejected() {
        let cases = [
            ("seeds: [1]\n", "missing 'base'"),
            ("base: a.yaml\n", "missing 'seeds'"),
            ("base: a.yaml\nseeds: {start: 0, count: 0}\n", "at least 1"),
            ("base: a.yaml\nseeds: [1, 1]\n", "twice"),
            ("base: a.yaml\nseeds: 20\n", "expected {start, count}"),
            ("base: a.yaml\nseeds: [1]\ngrid: {governance.x: []}\n", "at least one value"),
            ("base: a.yaml\nseeds: [1]\ngrid: {governance.x: [0.5, 0.5]}\n", "twice"),
            ("base: a.yaml\nseeds: [1]\ngrid: {governance.x: [1, 1.0]}\n", "twice"),
            ("base: a.yaml\nseeds: [1]\ngrid: {freeze: [1]}\n", "dotted parameter path"),
            ("base: a.yaml\nseeds: [1]\nzip: {governance.x: [1, 2], governance.y: [1]}\n", "same length"),
            ("base: a.yaml\nseeds: [1]\ngrid: {governance.x: [1]}\nzip: {governance.x: [2]}\n", "swept twice"),
            ("base: a.yaml\nseeds: [1]\ngrid: {governance.x: [1]}\nbaseline: {governance.x: 0}\n", "also swept"),
            ("base: a.yaml\nseeds: [1]\nbaseline: {governance: {x: 1}}\n", "not a dotted parameter path"),
            ("base: a.yaml\nseeds: [1]\nvariants: {baseline: {governance.x: 1}}\n", "reserved"),
            ("base: a.yaml\nseeds: [1]\nname: 'a/b'\n", "directory name"),
            ("base: a.yaml\nseeds: [1]\noutputs: {metrics: true}\n", "did you mean 'metrics_csv'"),
            ("base: a.yaml\nseeds: [1]\ngrid: {governance.x: {start: 0, stop: 1, step: 0}}\n", "never gets"),
            ("base: a.yaml\nseeds: [1]\nbaseline: {governance.x: ~}\n", "null"),
            ("- a\n- b\n", "must be a YAML mapping"),
            ("base: [a\n", "not valid YAML"),
        ];
        for (text, want) in cases {
            let e = err(text);
            assert!(
                e.to_string().contains(want),
                "{text:?}: got '{e}', want '{want}'"
            );
        }
    }

    #[test]
    fn integer_ranges_are_exact_to_i64_max_and_seeds_may_be_negative() {
        let s = ok("base: a\nseeds: [-3, -1, 0]\ngrid:\n  g.n: {start: 9223372036854775800, stop: 9223372036854775807, step: 1}\n");
        let want: Vec<ParamValue> = (9223372036854775800..=i64::MAX)
            .map(ParamValue::Int)
            .collect();
        assert_eq!(s.grid[0].values, want);
        assert_eq!(s.seeds, vec![-3, -1, 0]);
        let e = err("base: a\nseeds: [1]\ngrid:\n  g.n: {start: -9223372036854775808, stop: 9223372036854775807, step: 1}\n");
        assert!(e.message.contains("more than"), "{e}");
        assert!(err("base: a\nseeds: [1]\ngrid: {g.x: [2, 2.0]}\n")
            .message
            .contains("twice"));
        assert!(err("base: a\nseeds: [1]\ngrid: {g.x: [0.0, -0.0]}\n")
            .message
            .contains("twice"));
    }

    #[test]
    fn values_resolve_as_in_scenario_files() {
        // PyYAML (YAML 1.1) rules, like the scenario loader: `yes` is true.
        let s = ok("base: a.yaml\nseeds: [1]\nbaseline: {governance.audit_enabled: yes, governance.x: '0.5'}\n");
        assert_eq!(s.baseline[0].value, ParamValue::Bool(true));
        assert_eq!(s.baseline[1].value, ParamValue::Str("0.5".into()));
        assert_eq!(s.baseline[1].line, 3);
    }

    #[test]
    fn render_keeps_float_points() {
        assert_eq!(render(&ParamValue::Float(1.0)), "1.0");
        assert_eq!(render(&ParamValue::Float(0.6)), "0.6");
        assert_eq!(render(&ParamValue::Int(2)), "2");
        assert_eq!(render(&ParamValue::Bool(false)), "false");
    }
}
