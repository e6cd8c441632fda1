//! The sweep spec (YAML): parsing and the structural checks that need no
//! scenario — keys, seeds, value lists, ranges, zip lengths, overlaps.
//! Parameter paths and value types are checked against the scenarios in
//! `plan.rs`. Format: docs/sweep.md; background governance-metrics-io.md §5.4.

use std::fmt;

use serde_yaml::{Mapping, Value};

use super::locate;
use crate::scenario::params::ParamValue;

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
    "outputs",
];
const OUTPUT_KEYS: &[&str] = &["dir", "metrics_csv", "events_jsonl"];
const SEED_KEYS: &[&str] = &["start", "count"];
const RANGE_KEYS: &[&str] = &["start", "stop", "step"];
/// A range longer than this is almost certainly a mistake in `step`.
const MAX_RANGE_LEN: usize = 100_000;

/// A sweep spec that is well formed; its parameter paths are not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    pub name: String,
    pub description: Option<String>,
    /// Base scenario paths as written (relative to the spec file).
    pub bases: Vec<String>,
    /// The key they were given under, `base` or `bases` (for messages).
    pub bases_key: &'static str,
    /// The seeds every configuration runs (common random numbers).
    pub seeds: Vec<i64>,
    /// Applied to every configuration, baseline included, first.
    pub overrides: Vec<Assignment>,
    /// The baseline arm's overrides.
    pub baseline: Vec<Assignment>,
    /// Cartesian axes in file order (the last varies fastest).
    pub grid: Vec<Axis>,
    /// Axes varied together; one more axis after the grid's.
    pub zip: Vec<Axis>,
    pub variants: Vec<Variant>,
    pub outputs: OutputsSpec,
    pub source: SpecSource,
}

/// Where a spec came from, kept for diagnostics and the Parquet metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecSource {
    /// The file name as given on the command line.
    pub origin: String,
    pub text: String,
}

/// One `path: value` override, with the spec section it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub path: String,
    pub value: ParamValue,
    /// Key path in the spec, for error positions: e.g. `["baseline"]`.
    pub section: Vec<String>,
}

/// One swept parameter and its values in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub path: String,
    pub values: Vec<ParamValue>,
    /// `grid` or `zip`.
    pub section: &'static str,
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
    /// An error at the spec key `path` (line looked up in the text).
    pub fn error(&self, path: &[&str], message: impl Into<String>) -> SpecError {
        SpecError {
            origin: self.origin.clone(),
            line: locate::nearest_line(&self.text, path),
            key: (!path.is_empty()).then(|| path.join(".")),
            message: message.into(),
        }
    }
}

impl Assignment {
    /// The spec key path of this assignment (section + parameter path).
    pub fn key(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.section.iter().map(String::as_str).collect();
        k.push(&self.path);
        k
    }
}

impl SweepSpec {
    /// Every parameter path the spec mentions, with its key path, in file order.
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
        let axes = self.grid.iter().chain(&self.zip).map(|a| &a.path);
        for p in arms.map(|a| &a.path).chain(axes) {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}

/// Parse and structurally validate a spec. `origin` names the file in messages.
pub fn parse(text: &str, origin: &str) -> Result<SweepSpec, SpecError> {
    let source = SpecSource {
        origin: origin.to_string(),
        text: text.to_string(),
    };
    let root: Value = serde_yaml::from_str(text).map_err(|e| SpecError {
        origin: origin.to_string(),
        line: e.location().map(|l| l.line()),
        key: None,
        message: format!("not valid YAML: {e}"),
    })?;
    let Value::Mapping(root) = root else {
        return Err(source.error(
            &[],
            "a sweep spec must be a YAML mapping (name, base, seeds, grid, ...)",
        ));
    };
    let p = Parser { src: &source };
    p.check_keys(&root, &[], TOP_KEYS)?;

    let name = match root.get("name") {
        Some(v) => p.string(v, &["name"])?,
        None => default_name(origin),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        || name.starts_with('.')
    {
        return Err(source.error(
            &["name"],
            format!("'{name}' is not usable as a directory name (letters, digits, '_', '-', '.')"),
        ));
    }
    let description = root
        .get("description")
        .map(|v| p.string(v, &["description"]))
        .transpose()?;
    let (bases_key, bases) = p.bases(&root)?;
    let seeds = match root.get("seeds") {
        Some(v) => p.seeds(v)?,
        None => {
            return Err(source.error(&[], "missing 'seeds' (e.g. seeds: {start: 0, count: 20})"))
        }
    };
    let overrides = p.assignments(root.get("overrides"), &["overrides"])?;
    let baseline = p.assignments(root.get("baseline"), &["baseline"])?;
    let grid = p.axes(root.get("grid"), "grid")?;
    let zip = p.axes(root.get("zip"), "zip")?;
    if let Some(first) = zip.first() {
        if let Some(other) = zip.iter().find(|a| a.values.len() != first.values.len()) {
            return Err(source.error(
                &["zip", &other.path],
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
    let variants = p.variants(root.get("variants"))?;
    let outputs = p.outputs(root.get("outputs"))?;

    let spec = SweepSpec {
        name,
        description,
        bases,
        bases_key,
        seeds,
        overrides,
        baseline,
        grid,
        zip,
        variants,
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
            return Err(spec.source.error(
                &[a.section, &a.path],
                format!("'{}' is swept twice (already in {})", a.path, b.section),
            ));
        }
    }
    for arm in spec
        .baseline
        .iter()
        .chain(spec.variants.iter().flat_map(|v| &v.assignments))
    {
        if let Some(axis) = axes.iter().find(|a| a.path == arm.path) {
            return Err(spec.source.error(
                &arm.key(),
                format!(
                    "'{}' is also swept in {}; an arm may not set a swept parameter",
                    arm.path, axis.section
                ),
            ));
        }
    }
    Ok(())
}

struct Parser<'a> {
    src: &'a SpecSource,
}

impl Parser<'_> {
    fn err(&self, path: &[&str], msg: impl Into<String>) -> SpecError {
        self.src.error(path, msg)
    }

    fn check_keys(&self, map: &Mapping, at: &[&str], allowed: &[&str]) -> Result<(), SpecError> {
        for k in map.keys() {
            let Some(k) = k.as_str() else {
                return Err(self.err(at, format!("keys must be strings, found {}", describe(k))));
            };
            if !allowed.contains(&k) {
                let mut path = at.to_vec();
                path.push(k);
                let hint = match locate::suggest(k, allowed.iter().copied()) {
                    Some(s) => format!("; did you mean '{s}'?"),
                    None => format!("; expected one of: {}", allowed.join(", ")),
                };
                return Err(self.err(&path, format!("unknown key '{k}'{hint}")));
            }
        }
        Ok(())
    }

    fn string(&self, v: &Value, at: &[&str]) -> Result<String, SpecError> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| self.err(at, format!("expected a string, found {}", describe(v))))
    }

    fn bool(&self, v: &Value, at: &[&str]) -> Result<bool, SpecError> {
        v.as_bool()
            .ok_or_else(|| self.err(at, format!("expected true or false, found {}", describe(v))))
    }

    fn int(&self, v: &Value, at: &[&str]) -> Result<i64, SpecError> {
        v.as_i64()
            .ok_or_else(|| self.err(at, format!("expected an integer, found {}", describe(v))))
    }

    fn mapping<'v>(&self, v: &'v Value, at: &[&str], what: &str) -> Result<&'v Mapping, SpecError> {
        v.as_mapping()
            .ok_or_else(|| self.err(at, format!("expected {what}, found {}", describe(v))))
    }

    fn bases(&self, root: &Mapping) -> Result<(&'static str, Vec<String>), SpecError> {
        let (key, v) = match (root.get("base"), root.get("bases")) {
            (Some(_), Some(_)) => {
                return Err(self.err(&["bases"], "give either 'base' or 'bases', not both"))
            }
            (Some(v), None) => ("base", v),
            (None, Some(v)) => ("bases", v),
            (None, None) => {
                return Err(self.err(
                    &[],
                    "missing 'base' (the base scenario, relative to this file)",
                ))
            }
        };
        let list: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Sequence(items) => items
                .iter()
                .map(|i| self.string(i, &[key]))
                .collect::<Result<_, _>>()?,
            other => {
                return Err(self.err(
                    &[key],
                    format!(
                        "expected a path or a list of paths, found {}",
                        describe(other)
                    ),
                ))
            }
        };
        if list.is_empty() {
            return Err(self.err(&[key], "needs at least one base scenario"));
        }
        for (i, b) in list.iter().enumerate() {
            if b.trim().is_empty() {
                return Err(self.err(&[key], "empty base scenario path"));
            }
            if list[..i].contains(b) {
                return Err(self.err(&[key], format!("base scenario '{b}' is listed twice")));
            }
        }
        Ok((key, list))
    }

    fn seeds(&self, v: &Value) -> Result<Vec<i64>, SpecError> {
        let at = ["seeds"];
        let seeds: Vec<i64> = match v {
            Value::Mapping(m) => {
                self.check_keys(m, &at, SEED_KEYS)?;
                let start = match m.get("start") {
                    Some(s) => self.int(s, &["seeds", "start"])?,
                    None => 0,
                };
                let count = match m.get("count") {
                    Some(c) => self.int(c, &["seeds", "count"])?,
                    None => {
                        return Err(self.err(&at, "missing 'count' (seeds: {start: 0, count: 20})"))
                    }
                };
                if count < 1 {
                    return Err(self.err(
                        &["seeds", "count"],
                        format!("count must be at least 1, got {count}"),
                    ));
                }
                if start.checked_add(count).is_none() {
                    return Err(self.err(&["seeds"], "seed range overflows a 64-bit integer"));
                }
                (start..start + count).collect()
            }
            Value::Sequence(items) => {
                let list: Vec<i64> = items
                    .iter()
                    .map(|i| self.int(i, &at))
                    .collect::<Result<_, _>>()?;
                if list.is_empty() {
                    return Err(self.err(&at, "needs at least one seed"));
                }
                for (i, s) in list.iter().enumerate() {
                    if list[..i].contains(s) {
                        return Err(self.err(&at, format!("seed {s} is listed twice")));
                    }
                }
                list
            }
            other => {
                return Err(self.err(
                    &at,
                    format!(
                        "expected {{start, count}} or a list of seeds, found {}",
                        describe(other)
                    ),
                ))
            }
        };
        if let Some(neg) = seeds.iter().find(|s| **s < 0) {
            return Err(self.err(&at, format!("seeds must be non-negative, got {neg}")));
        }
        Ok(seeds)
    }

    fn assignments(&self, v: Option<&Value>, at: &[&str]) -> Result<Vec<Assignment>, SpecError> {
        let Some(v) = v else { return Ok(Vec::new()) };
        if v.is_null() {
            return Ok(Vec::new());
        }
        let map = self.mapping(v, at, "a mapping of parameter paths to values")?;
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let path = self.param_path(k, at)?;
            let mut key = at.to_vec();
            key.push(&path);
            let value = self.scalar(val, &key)?;
            out.push(Assignment {
                section: at.iter().map(|s| s.to_string()).collect(),
                path,
                value,
            });
        }
        Ok(out)
    }

    fn param_path(&self, k: &Value, at: &[&str]) -> Result<String, SpecError> {
        let Some(path) = k.as_str() else {
            return Err(self.err(
                at,
                format!("parameter paths must be strings, found {}", describe(k)),
            ));
        };
        if !path.contains('.') || path.split('.').any(str::is_empty) {
            let mut key = at.to_vec();
            key.push(path);
            return Err(self.err(
                &key,
                format!("'{path}' is not a dotted parameter path (write e.g. governance.audit_probability: 0.2)"),
            ));
        }
        Ok(path.to_string())
    }

    fn scalar(&self, v: &Value, at: &[&str]) -> Result<ParamValue, SpecError> {
        match v {
            Value::Bool(b) => Ok(ParamValue::Bool(*b)),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(ParamValue::Int(i))
                } else if let Some(f) = n.as_f64().filter(|f| f.is_finite() && n.as_u64().is_none()) {
                    Ok(ParamValue::Float(f))
                } else {
                    Err(self.err(at, format!("{n} is not a usable number")))
                }
            }
            Value::String(s) => Ok(ParamValue::Str(s.clone())),
            Value::Mapping(_) => Err(self.err(
                at,
                "expected a value, found a mapping; write each parameter as a dotted path (governance.audit_enabled: false)",
            )),
            other => Err(self.err(at, format!("expected a value, found {}", describe(other)))),
        }
    }

    fn axes(&self, v: Option<&Value>, section: &'static str) -> Result<Vec<Axis>, SpecError> {
        let Some(v) = v else { return Ok(Vec::new()) };
        if v.is_null() {
            return Ok(Vec::new());
        }
        let map = self.mapping(v, &[section], "a mapping of parameter paths to value lists")?;
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let path = self.param_path(k, &[section])?;
            let at = [section, path.as_str()];
            let values = match val {
                Value::Sequence(items) => items
                    .iter()
                    .map(|i| self.scalar(i, &at))
                    .collect::<Result<Vec<_>, _>>()?,
                Value::Mapping(m) if section == "grid" => self.range(m, &at)?,
                other => {
                    let want = if section == "grid" {
                        "a list of values or {start, stop, step}"
                    } else {
                        "a list of values"
                    };
                    return Err(
                        self.err(&at, format!("expected {want}, found {}", describe(other)))
                    );
                }
            };
            if values.is_empty() {
                return Err(self.err(&at, "needs at least one value"));
            }
            for (i, a) in values.iter().enumerate() {
                if values[..i].iter().any(|b| same_value(a, b)) {
                    return Err(self.err(&at, format!("value {} is listed twice", render(a))));
                }
            }
            out.push(Axis {
                path,
                values,
                section,
            });
        }
        Ok(out)
    }

    /// `{start, stop, step}`: `stop` is included when the steps land on it.
    fn range(&self, m: &Mapping, at: &[&str]) -> Result<Vec<ParamValue>, SpecError> {
        self.check_keys(m, at, RANGE_KEYS)?;
        let get = |k: &str| -> Result<ParamValue, SpecError> {
            let mut key = at.to_vec();
            key.push(k);
            match m.get(k) {
                Some(v) => match self.scalar(v, &key)? {
                    n @ (ParamValue::Int(_) | ParamValue::Float(_)) => Ok(n),
                    other => {
                        Err(self.err(&key, format!("expected a number, found {}", render(&other))))
                    }
                },
                None => Err(self.err(at, format!("range needs '{k}' (start, stop, step)"))),
            }
        };
        let (start, stop, step) = (get("start")?, get("stop")?, get("step")?);
        if let (ParamValue::Int(a), ParamValue::Int(b), ParamValue::Int(s)) = (&start, &stop, &step)
        {
            let (a, b, s) = (*a, *b, *s);
            if s == 0 || (b - a).signum() * s.signum() < 0 {
                return Err(self.err(at, format!("step {s} never gets from {a} to {b}")));
            }
            let n = (b - a) / s + 1;
            if n as usize > MAX_RANGE_LEN {
                return Err(self.err(
                    at,
                    format!("range has {n} values (more than {MAX_RANGE_LEN})"),
                ));
            }
            return Ok((0..n).map(|i| ParamValue::Int(a + i * s)).collect());
        }
        let (a, b, s) = (as_f64(&start), as_f64(&stop), as_f64(&step));
        if s == 0.0 || (b - a) * s < 0.0 {
            return Err(self.err(at, format!("step {s} never gets from {a} to {b}")));
        }
        // Tolerate float error at the end (0.1 to 0.5 step 0.1 has 5 values).
        let n = ((b - a) / s + 1e-9).floor() as usize + 1;
        if n > MAX_RANGE_LEN {
            return Err(self.err(
                at,
                format!("range has {n} values (more than {MAX_RANGE_LEN})"),
            ));
        }
        // start + i*step, rounded to 12 decimals so 0.1*3 reads 0.3.
        Ok((0..n)
            .map(|i| {
                let v = a + i as f64 * s;
                ParamValue::Float(format!("{v:.12}").parse().unwrap_or(v))
            })
            .collect())
    }

    fn variants(&self, v: Option<&Value>) -> Result<Vec<Variant>, SpecError> {
        let Some(v) = v else { return Ok(Vec::new()) };
        if v.is_null() {
            return Ok(Vec::new());
        }
        let map = self.mapping(v, &["variants"], "a mapping of variant names to overrides")?;
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let Some(name) = k.as_str() else {
                return Err(self.err(
                    &["variants"],
                    format!("variant names must be strings, found {}", describe(k)),
                ));
            };
            if name == "baseline" || name.is_empty() || name.contains([',', '=']) {
                return Err(self.err(
                    &["variants", name],
                    format!(
                        "'{name}' cannot name a variant (reserved, empty, or contains ',' or '=')"
                    ),
                ));
            }
            let assignments = self.assignments(Some(val), &["variants", name])?;
            if assignments.is_empty() {
                return Err(self.err(&["variants", name], "a variant needs at least one override"));
            }
            out.push(Variant {
                name: name.to_string(),
                assignments,
            });
        }
        Ok(out)
    }

    fn outputs(&self, v: Option<&Value>) -> Result<OutputsSpec, SpecError> {
        let mut out = OutputsSpec::default();
        let Some(v) = v else { return Ok(out) };
        let map = self.mapping(
            v,
            &["outputs"],
            "a mapping (dir, metrics_csv, events_jsonl)",
        )?;
        self.check_keys(map, &["outputs"], OUTPUT_KEYS)?;
        if let Some(d) = map.get("dir") {
            out.dir = Some(self.string(d, &["outputs", "dir"])?);
        }
        if let Some(b) = map.get("metrics_csv") {
            out.metrics_csv = self.bool(b, &["outputs", "metrics_csv"])?;
        }
        if let Some(b) = map.get("events_jsonl") {
            out.events_jsonl = self.bool(b, &["outputs", "events_jsonl"])?;
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

/// Equal as sweep values: 1 and 1.0 are the same setting.
fn same_value(a: &ParamValue, b: &ParamValue) -> bool {
    match (a, b) {
        (ParamValue::Int(_) | ParamValue::Float(_), ParamValue::Int(_) | ParamValue::Float(_)) => {
            as_f64(a) == as_f64(b)
        }
        _ => a == b,
    }
}

/// How a value reads in labels and messages: floats always with a decimal
/// point (0.6, 1.0), as SWARM's Python prints them.
pub fn render(v: &ParamValue) -> String {
    match v {
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) => {
            let s = f.to_string();
            if s.contains(['.', 'e', 'E', 'N', 'i']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        ParamValue::Str(s) => s.clone(),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".to_string(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string '{s}'"),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a mapping".to_string(),
        Value::Tagged(t) => format!("a tagged value {}", t.tag),
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
            ("base: a.yaml\nseeds: [-1]\n", "non-negative"),
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
    fn render_keeps_float_points() {
        assert_eq!(render(&ParamValue::Float(1.0)), "1.0");
        assert_eq!(render(&ParamValue::Float(0.6)), "0.6");
        assert_eq!(render(&ParamValue::Int(2)), "2");
        assert_eq!(render(&ParamValue::Bool(false)), "false");
    }
}
