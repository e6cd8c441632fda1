//! SWARM's own sweep files (the reference repository's
//! `scenarios/*/sweeps/*.yaml`, which the reference itself cannot run), read
//! as the native spec they stand for (docs/sweep.md, "SWARM's sweep files").
//! Every key is mapped or refused with its line:
//!
//! | SWARM | native |
//! |---|---|
//! | `sweep_id`, `description` | `name`, `description` |
//! | `base_scenario` (`kernel_market/baseline`, `scenarios/x/y.yaml`) | `base`, resolved in the repository's layout: the scenarios folder is the one holding `<group>/sweeps/` (or `--scenarios-dir`) |
//! | `sweep: {name, parameter, values}` | a grid axis, labelled `name` |
//! | `sweep: {name, conditions: [{name, governance: {...}}]}`, `governance_conditions` | variants |
//! | `parameters: {path: {values, label}}` | grid axes and their labels |
//! | `governance_overrides` | `overrides` (`governance.*`) |
//! | `seeds` | `seeds` |
//! | `metrics_focus` (a list, or `primary` and `secondary`), `metrics` | `report.metrics` |
//! | `analysis.plots` (`line`, `heatmap`) | `report.plots` |
//! | `output.results_dir` | `outputs.dir` |
//!
//! The native text is built, read by `spec::parse` (so every check is a
//! spec file's), and its lines pointed back at the SWARM file's.

use std::path::{Path, PathBuf};

use super::spec::{self, SpecError, SweepSpec};
use crate::output::yaml::{self, Yaml};
use crate::scenario::params::ParamValue;
use crate::scenario::yaml::{parse, Entry, Node, Value};

/// Whether `text` is a SWARM sweep file: a mapping with `sweep_id` or
/// `base_scenario` at the top.
pub fn is_swarm_file(text: &str) -> bool {
    match parse(text) {
        Ok(Some(root)) => root.entries().is_some_and(|e| {
            e.iter()
                .any(|x| x.key == "sweep_id" || x.key == "base_scenario")
        }),
        _ => false,
    }
}

/// A SWARM sweep file read as a native spec.
#[derive(Debug)]
pub struct Imported {
    pub spec: SweepSpec,
    /// The native spec file's text.
    pub native: String,
}

/// Why a SWARM sweep file cannot be read as a native spec.
#[derive(Debug)]
pub struct Refused {
    /// Its base scenario, when that was found.
    pub base: Option<PathBuf>,
    /// Every key that cannot be mapped (or what else is wrong), with its line.
    pub errors: Vec<SpecError>,
}

/// Read the SWARM sweep file `text` (from `file`, named `origin` in
/// messages). Base scenario paths are resolved from `scenarios_dir`, else
/// from the repository layout around `file`, and given relative to the
/// current directory. What cannot be mapped is refused, every key with its
/// line.
pub fn import(
    text: &str,
    origin: &str,
    file: &Path,
    scenarios_dir: Option<&Path>,
) -> Result<Imported, Refused> {
    let mut base = None;
    import_inner(text, origin, file, scenarios_dir, &mut base)
        .map_err(|errors| Refused { base, errors })
}

fn import_inner(
    text: &str,
    origin: &str,
    file: &Path,
    scenarios_dir: Option<&Path>,
    found_base: &mut Option<PathBuf>,
) -> Result<Imported, Vec<SpecError>> {
    let source = spec::SpecSource {
        origin: origin.to_string(),
        text: text.to_string(),
    };
    let err = |line: usize, key: &str, m: String| source.error(Some(line), key, m);
    let root = match parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => return Err(vec![source.error(None, "", "the file is empty")]),
        Err(e) => {
            return Err(vec![err(
                e.line,
                &e.path,
                format!("not valid YAML: {}", e.message),
            )])
        }
    };
    let Some(entries) = root.entries() else {
        return Err(vec![err(root.line, "", "expected a mapping".into())]);
    };
    let mut b = Builder {
        err: &err,
        refused: Vec::new(),
        lines: Vec::new(),
        doc: Yaml::map(),
        overrides: Yaml::map(),
        grid: Yaml::map(),
        variants: Yaml::map(),
        labels: Yaml::map(),
        metrics: Vec::new(),
        plots: Vec::new(),
        outputs: Yaml::map(),
    };
    let get = |k: &str| entries.iter().find(|e| e.key == k);
    // The base first: a file whose base cannot be run says so before
    // anything else.
    let Some(base) = get("base_scenario") else {
        return Err(vec![err(
            root.line,
            "base_scenario",
            "missing 'base_scenario' (the scenario the sweep varies)".into(),
        )]);
    };
    let base_path = match b.string(base) {
        Some(name) => resolve_base(&name, file, scenarios_dir)
            .map_err(|e| vec![err(base.key_line, "base_scenario", e.to_string())])?,
        None => return Err(b.refused),
    };
    *found_base = Some(base_path.clone());
    let name = match get("sweep_id") {
        Some(e) => b.string(e),
        None => file.file_stem().map(|s| s.to_string_lossy().into_owned()),
    };
    if let Some(name) = name {
        b.note("name", get("sweep_id").map_or(root.line, |e| e.key_line));
        b.doc.push("name", yaml::string(&name));
    }
    if let Some(d) = get("description").and_then(|e| b.string(e)) {
        b.doc.push("description", yaml::string(d.trim_end()));
    }
    b.note("base", base.key_line);
    b.doc
        .push("base", yaml::string(&base_path.display().to_string()));
    match get("seeds") {
        Some(e) => {
            b.note("seeds", e.key_line);
            let seeds = b.values(&e.value, "seeds");
            b.doc.push("seeds", seeds);
        }
        None => b.refuse(root.line, "seeds", "missing 'seeds' (the list of seeds)"),
    }
    for e in entries {
        match e.key.as_str() {
            "sweep_id" | "description" | "base_scenario" | "seeds" => {}
            "sweep" => b.sweep(e),
            "parameters" => b.parameters(e),
            "governance_overrides" => {
                let assignments = b.section_settings(&e.value, "governance", "governance_overrides");
                for (path, value, line) in assignments {
                    b.note(&format!("overrides.{path}"), line);
                    b.overrides.push(path, value);
                }
            }
            "governance_conditions" => b.conditions(&e.value, "governance_conditions"),
            "metrics_focus" | "metrics" => b.metrics(e),
            "analysis" => b.analysis(e),
            "output" => b.output(e),
            other => b.refuse(
                e.key_line,
                other,
                "not a key of SWARM's sweep files that swarm-sweep knows; remove it or write a native spec (docs/sweep.md)",
            ),
        }
    }
    if !b.refused.is_empty() {
        return Err(b.refused);
    }
    let native = b.finish();
    let spec = spec::parse(&native, origin).map_err(|e| vec![b.point(e, &source)])?;
    let spec = point_lines(spec, &b.lines, source);
    Ok(Imported { spec, native })
}

/// A SWARM sweep file's base scenario that is not where it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no scenario '{name}' (looked for {}); the base is resolved from the repository's \
     scenarios folder — give it with --scenarios-dir DIR",
    tried.join(" and ")
)]
struct NoBase {
    name: String,
    tried: Vec<String>,
}

/// The scenario `name` (`kernel_market/baseline`, `scenarios/x/y.yaml`) in
/// the reference repository's layout: relative to its scenarios folder,
/// which holds `<group>/sweeps/<file>`; `.yaml` may be left off.
fn resolve_base(name: &str, file: &Path, scenarios_dir: Option<&Path>) -> Result<PathBuf, NoBase> {
    let dir = match scenarios_dir {
        Some(d) => d.to_path_buf(),
        None => {
            let parent = file.parent().unwrap_or(Path::new("."));
            let is_sweeps = parent.file_name().is_some_and(|n| n == "sweeps");
            match (is_sweeps, parent.parent().and_then(Path::parent)) {
                (true, Some(scenarios)) => scenarios.to_path_buf(),
                _ => parent.to_path_buf(),
            }
        }
    };
    let rel = name.strip_prefix("scenarios/").unwrap_or(name);
    let mut tried = Vec::new();
    for candidate in [rel.to_string(), format!("{rel}.yaml")] {
        let p = dir.join(&candidate);
        if p.is_file() {
            return Ok(p);
        }
        tried.push(p.display().to_string());
    }
    Err(NoBase {
        name: name.to_string(),
        tried,
    })
}

/// Put the SWARM file's lines (and text) on the parsed native spec.
fn point_lines(mut s: SweepSpec, lines: &[(String, usize)], source: spec::SpecSource) -> SweepSpec {
    let line = |key: &str| lines.iter().find(|(k, _)| k == key).map(|(_, l)| *l);
    for a in s
        .overrides
        .iter_mut()
        .chain(s.baseline.iter_mut())
        .chain(s.variants.iter_mut().flat_map(|v| v.assignments.iter_mut()))
    {
        if let Some(l) = line(&a.key()) {
            a.line = l;
        }
    }
    for a in s.grid.iter_mut().chain(s.zip.iter_mut()) {
        if let Some(l) = line(&a.key()) {
            a.line = l;
        }
    }
    if let Some(l) = line("base") {
        s.bases_at.1 = l;
    }
    s.source = source;
    s
}

struct Builder<'a> {
    err: &'a dyn Fn(usize, &str, String) -> SpecError,
    refused: Vec<SpecError>,
    /// Native key path → the SWARM file's line.
    lines: Vec<(String, usize)>,
    doc: Yaml,
    overrides: Yaml,
    grid: Yaml,
    variants: Yaml,
    labels: Yaml,
    metrics: Vec<Yaml>,
    plots: Vec<Yaml>,
    outputs: Yaml,
}

impl Builder<'_> {
    fn refuse(&mut self, line: usize, key: &str, why: &str) {
        self.refused.push((self.err)(line, key, why.to_string()));
    }

    fn note(&mut self, native_key: &str, line: usize) {
        self.lines.push((native_key.to_string(), line));
    }

    fn string(&mut self, e: &Entry) -> Option<String> {
        match &e.value.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                let why = format!("expected a string, found {}", e.value.describe());
                self.refuse(e.key_line, &e.key, &why);
                None
            }
        }
    }

    /// A scalar value, as YAML.
    fn value(&mut self, n: &Node, key: &str) -> Option<Yaml> {
        let v = match &n.value {
            Value::Bool(b) => ParamValue::Bool(*b),
            Value::Int(i) => ParamValue::Int(*i),
            Value::Float(f) => ParamValue::Float(*f),
            Value::Str(s) => ParamValue::Str(s.clone()),
            _ => {
                let why = format!("expected a value, found {}", n.describe());
                self.refuse(n.line, key, &why);
                return None;
            }
        };
        Some(yaml::value(&v))
    }

    /// A list of values (or a `{start, ...}` mapping, passed on as it is).
    fn values(&mut self, n: &Node, key: &str) -> Yaml {
        match &n.value {
            Value::Seq(items) => {
                Yaml::Flow(items.iter().filter_map(|i| self.value(i, key)).collect())
            }
            Value::Map(m) => Yaml::Map(
                m.iter()
                    .filter_map(|e| self.value(&e.value, key).map(|v| (e.key.clone(), v)))
                    .collect(),
            ),
            _ => {
                let why = format!("expected a list, found {}", n.describe());
                self.refuse(n.line, key, &why);
                Yaml::Flow(Vec::new())
            }
        }
    }

    /// `{key: value}` under section `section` → (`section.key`, value, line).
    fn section_settings(
        &mut self,
        n: &Node,
        section: &str,
        key: &str,
    ) -> Vec<(String, Yaml, usize)> {
        let Some(entries) = n.entries() else {
            let why = format!(
                "expected a mapping of {section} settings, found {}",
                n.describe()
            );
            self.refuse(n.line, key, &why);
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|e| {
                let v = self.value(&e.value, &format!("{key}.{}", e.key))?;
                Some((format!("{section}.{}", e.key), v, e.key_line))
            })
            .collect()
    }

    /// `sweep: {name, parameter, values}` or `sweep: {name, conditions}`.
    fn sweep(&mut self, e: &Entry) {
        let Some(m) = e.value.entries() else {
            self.refuse(
                e.key_line,
                "sweep",
                "expected a mapping (name, parameter, values)",
            );
            return;
        };
        let get = |k: &str| m.iter().find(|x| x.key == k);
        for x in m {
            match x.key.as_str() {
                "name" | "parameter" | "values" | "conditions" => {}
                "agents_override" => self.refuse(
                    x.key_line,
                    "sweep.agents_override",
                    "replacing the agent list per condition is not a sweep parameter here; \
                     sweep agents.<type>.count (and their config) in a native spec, or give \
                     each agent mix its own base scenario (bases: [...])",
                ),
                other => self.refuse(
                    x.key_line,
                    &format!("sweep.{other}"),
                    "not a key of a SWARM sweep that swarm-sweep knows (name, parameter, values, conditions)",
                ),
            }
        }
        let label = get("name").and_then(|n| self.string(n));
        match (get("parameter"), get("values")) {
            (Some(p), Some(v)) => {
                let Some(path) = self.string(p) else { return };
                let values = self.values(&v.value, "sweep.values");
                self.note(&format!("grid.{path}"), p.key_line);
                self.grid.push(path.clone(), values);
                if let Some(l) = label {
                    if l != path {
                        self.labels.push(path, yaml::string(&l));
                    }
                }
            }
            (Some(p), None) => self.refuse(p.key_line, "sweep", "'parameter' without 'values'"),
            (None, Some(v)) => self.refuse(v.key_line, "sweep", "'values' without 'parameter'"),
            (None, None) => {}
        }
        if let Some(c) = get("conditions") {
            // `sweep.name` names the arms: the tables' `arm` column.
            self.conditions(&c.value, "sweep.conditions");
        }
    }

    /// `[{name, governance: {...}, payoff: {...}}]` → variants.
    fn conditions(&mut self, n: &Node, key: &str) {
        if self.variants != Yaml::map() {
            self.refuse(
                n.line,
                key,
                "a second list of conditions: a native spec has one set of variants; \
                 cross the two in the grid instead",
            );
            return;
        }
        let Value::Seq(items) = &n.value else {
            let why = format!("expected a list of conditions, found {}", n.describe());
            self.refuse(n.line, key, &why);
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("{key}[{i}]");
            let Some(m) = item.entries() else {
                self.refuse(item.line, &at, "expected a mapping (name, governance)");
                continue;
            };
            let Some(name) = m
                .iter()
                .find(|x| x.key == "name")
                .and_then(|x| self.string(x))
            else {
                self.refuse(item.line, &at, "a condition needs a 'name'");
                continue;
            };
            let mut settings = Yaml::map();
            for x in m.iter().filter(|x| x.key != "name") {
                let section_key = format!("{at}.{}", x.key);
                for (path, v, line) in self.section_settings(&x.value, &x.key, &section_key) {
                    self.note(&format!("variants.{name}.{path}"), line);
                    settings.push(path, v);
                }
            }
            self.variants.push(name, settings);
        }
    }

    /// `parameters: {path: {values: [...], label: x}}` (or `path: [...]`).
    fn parameters(&mut self, e: &Entry) {
        let Some(m) = e.value.entries() else {
            self.refuse(
                e.key_line,
                "parameters",
                "expected a mapping of parameter paths",
            );
            return;
        };
        for p in m {
            let key = format!("parameters.{}", p.key);
            let (values, label) = match &p.value.value {
                Value::Seq(_) => (Some(&p.value), None),
                Value::Map(fields) => {
                    for f in fields
                        .iter()
                        .filter(|f| f.key != "values" && f.key != "label")
                    {
                        self.refuse(
                            f.key_line,
                            &format!("{key}.{}", f.key),
                            "a parameter has 'values' and 'label'",
                        );
                    }
                    let label = fields
                        .iter()
                        .find(|f| f.key == "label")
                        .and_then(|f| self.string(f));
                    (
                        fields.iter().find(|f| f.key == "values").map(|f| &f.value),
                        label,
                    )
                }
                _ => (None, None),
            };
            let Some(values) = values else {
                self.refuse(p.key_line, &key, "expected {values: [...], label: ...}");
                continue;
            };
            let values = self.values(values, &key);
            self.note(&format!("grid.{}", p.key), p.key_line);
            self.grid.push(p.key.clone(), values);
            if let Some(l) = label {
                self.note(&format!("labels.{}", p.key), p.key_line);
                self.labels.push(p.key.clone(), yaml::string(&l));
            }
        }
    }

    /// `metrics_focus: [...]` or `{primary: [...], secondary: [...]}`;
    /// `metrics: [...]`. Each must be a metric the tables hold.
    fn metrics(&mut self, e: &Entry) {
        let known = spec::metric_names();
        let mut lists: Vec<(&Node, String)> = Vec::new();
        match &e.value.value {
            Value::Seq(_) => lists.push((&e.value, e.key.clone())),
            Value::Map(m) => {
                for x in m {
                    match x.key.as_str() {
                        "primary" | "secondary" => {
                            lists.push((&x.value, format!("{}.{}", e.key, x.key)))
                        }
                        other => self.refuse(
                            x.key_line,
                            &format!("{}.{other}", e.key),
                            "metrics_focus has 'primary' and 'secondary'",
                        ),
                    }
                }
            }
            _ => self.refuse(e.key_line, &e.key, "expected a list of metrics"),
        }
        for (n, key) in lists {
            let Value::Seq(items) = &n.value else {
                self.refuse(n.line, &key, "expected a list of metrics");
                continue;
            };
            for i in items {
                match &i.value {
                    Value::Str(m) if known.contains(&m.as_str()) => {
                        self.metrics.push(yaml::string(m));
                    }
                    Value::Str(m) => {
                        let hint = match crate::suggest::nearest(m, known.iter().copied()) {
                            Some(s) => format!("did you mean '{s}'?"),
                            None => "docs/sweep.md lists the tables' metric columns".into(),
                        };
                        let why = format!("'{m}' is not a metric swarm-sweep records; {hint}");
                        self.refuse(i.line, &key, &why);
                    }
                    _ => self.refuse(i.line, &key, "expected a metric name"),
                }
            }
        }
    }

    /// `analysis: {plots: [...]}`: line and heatmap plots.
    fn analysis(&mut self, e: &Entry) {
        let Some(m) = e.value.entries() else {
            self.refuse(e.key_line, "analysis", "expected a mapping (plots)");
            return;
        };
        for x in m {
            if x.key != "plots" {
                let why = match x.key.as_str() {
                    "comparisons" => "swarm-sweep compares every variant with the baseline, paired by seed (comparisons.parquet); comparisons against another arm or by another test are not mapped",
                    _ => "an analysis swarm-sweep does not do; remove it and read the tables (docs/notebooks.md)",
                };
                self.refuse(x.key_line, &format!("analysis.{}", x.key), why);
                continue;
            }
            let Value::Seq(items) = &x.value.value else {
                self.refuse(x.key_line, "analysis.plots", "expected a list of plots");
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let key = format!("analysis.plots[{i}]");
                let Some(fields) = item.entries() else {
                    self.refuse(item.line, &key, "expected a mapping (type, x, y)");
                    continue;
                };
                let mut plot = Yaml::map();
                for f in fields {
                    match f.key.as_str() {
                        "type" => {
                            let t = self.string(f).unwrap_or_default();
                            if !spec::PLOT_TYPES.contains(&t.as_str()) {
                                let why = format!(
                                    "a '{t}' plot is not one swarm-sweep draws (it draws: {})",
                                    spec::PLOT_TYPES.join(", ")
                                );
                                self.refuse(f.key_line, &format!("{key}.type"), &why);
                            }
                            plot.push("type", yaml::string(&t));
                        }
                        "x" | "z" | "title" => {
                            if let Some(s) = self.string(f) {
                                plot.push(f.key.clone(), yaml::string(&s));
                            }
                        }
                        "y" => {
                            let v = match &f.value.value {
                                Value::Str(s) => yaml::string(s),
                                _ => self.values(&f.value, &format!("{key}.y")),
                            };
                            plot.push("y", v);
                        }
                        other => self.refuse(
                            f.key_line,
                            &format!("{key}.{other}"),
                            "swarm-sweep's plots have type, x, y, z and title; this one cannot be mapped",
                        ),
                    }
                }
                self.note(&format!("report.plots[{}]", self.plots.len()), item.line);
                self.plots.push(plot);
            }
        }
    }

    /// `output: {results_dir}` → `outputs.dir`.
    fn output(&mut self, e: &Entry) {
        let Some(m) = e.value.entries() else {
            self.refuse(e.key_line, "output", "expected a mapping (results_dir)");
            return;
        };
        for x in m {
            if x.key == "results_dir" {
                if let Some(d) = self.string(x) {
                    self.outputs
                        .push("dir", yaml::string(d.trim_end_matches('/')));
                }
            } else {
                let why = "swarm-sweep writes runs.parquet, epochs.parquet, summary.parquet and plots/ under the output folder (results_dir); this file cannot be mapped";
                self.refuse(x.key_line, &format!("output.{}", x.key), why);
            }
        }
    }

    /// The native spec's text.
    fn finish(&mut self) -> String {
        let mut doc = std::mem::replace(&mut self.doc, Yaml::map());
        let mut put = |key: &str, y: &mut Yaml| {
            if *y != Yaml::map() {
                doc.push(key, std::mem::replace(y, Yaml::map()));
            }
        };
        put("overrides", &mut self.overrides);
        put("grid", &mut self.grid);
        put("variants", &mut self.variants);
        put("labels", &mut self.labels);
        let mut report = Yaml::map();
        if !self.metrics.is_empty() {
            report.push("metrics", Yaml::Flow(std::mem::take(&mut self.metrics)));
        }
        if !self.plots.is_empty() {
            report.push("plots", Yaml::Seq(std::mem::take(&mut self.plots)));
        }
        put("report", &mut report);
        put("outputs", &mut self.outputs);
        yaml::render(&doc)
    }

    /// An error of the native spec, at the SWARM file's line.
    fn point(&self, mut e: SpecError, source: &spec::SpecSource) -> SpecError {
        let key = e.key.clone().unwrap_or_default();
        let best = self
            .lines
            .iter()
            .filter(|(k, _)| {
                key == *k || key.starts_with(&format!("{k}.")) || key.starts_with(&format!("{k}["))
            })
            .max_by_key(|(k, _)| k.len());
        e.origin = source.origin.clone();
        e.line = best.map(|(_, l)| *l);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenarios() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("grp/sweeps")).unwrap();
        std::fs::write(
            d.path().join("grp/base.yaml"),
            "agents:\n  - type: honest\n",
        )
        .unwrap();
        d
    }

    fn import_text(d: &Path, text: &str) -> Result<Imported, Vec<SpecError>> {
        let file = d.join("grp/sweeps/s.yaml");
        std::fs::write(&file, text).unwrap();
        import(text, "s.yaml", &file, None).map_err(|r| r.errors)
    }

    #[test]
    fn every_mapped_key_lands_in_the_native_spec() {
        let d = scenarios();
        let text = "sweep_id: demo\ndescription: |\n  Two lines\n  of text.\nbase_scenario: grp/base\n\
            sweep:\n  name: audit_rate\n  parameter: governance.audit_probability\n  values: [0.1, 0.2]\n\
            governance_overrides:\n  audit_enabled: true\n\
            governance_conditions:\n  - name: light\n    governance: {transaction_tax_rate: 0.05}\n  - name: heavy\n    governance: {transaction_tax_rate: 0.2}\n\
            parameters:\n  payoff.theta:\n    values: [0.5, 0.6]\n    label: theta\n\
            seeds: [42, 7]\n\
            metrics_focus:\n  primary: [toxicity_rate]\n  secondary: [total_welfare]\n\
            analysis:\n  plots:\n    - type: line\n      x: governance.audit_probability\n      y: [toxicity_rate, quality_gap]\n      title: Audit\n    - {type: heatmap, x: audit_rate, y: theta, z: total_welfare}\n\
            output:\n  results_dir: runs/demo/\n";
        let i = import_text(d.path(), text).unwrap_or_else(|e| panic!("{e:?}"));
        let s = &i.spec;
        assert_eq!(s.name, "demo");
        assert_eq!(s.description.as_deref(), Some("Two lines\nof text."));
        assert!(s.bases[0].ends_with("grp/base.yaml"), "{:?}", s.bases);
        assert_eq!(s.seeds, vec![42, 7]);
        assert_eq!(s.overrides[0].path, "governance.audit_enabled");
        assert_eq!(s.overrides[0].line, 11);
        assert_eq!(s.grid[0].path, "governance.audit_probability");
        assert_eq!(s.grid[0].line, 8, "the SWARM file's line");
        assert_eq!(s.grid[1].path, "payoff.theta");
        assert_eq!(s.variants.len(), 2);
        assert_eq!(s.variants[1].assignments[0].line, 16);
        assert_eq!(
            s.labels,
            vec![
                ("governance.audit_probability".into(), "audit_rate".into()),
                ("payoff.theta".into(), "theta".into())
            ]
        );
        assert_eq!(s.report.metrics, ["toxicity_rate", "total_welfare"]);
        assert_eq!(s.report.plots[1].x, "governance.audit_probability");
        assert_eq!(s.outputs.dir.as_deref(), Some("runs/demo"));
        assert_eq!(s.source.origin, "s.yaml");
        // The native text reads back as the same spec.
        let back = spec::parse(&i.native, "native.yaml").unwrap();
        assert!(super::super::spec_yaml::same(s, &back), "{}", i.native);
    }

    #[test]
    fn what_cannot_be_mapped_is_refused_with_its_line() {
        let d = scenarios();
        let text = "sweep_id: demo\nbase_scenario: grp/base\nseeds: [1]\n\
            sweep:\n  name: mix\n  agents_override:\n    - condition: a\n\
            metrics_focus: [toxicity_rate, citation_precision]\n\
            analysis:\n  plots:\n    - {type: bar, x: condition, y: toxicity_rate}\n  optimization: {find: x}\n\
            output:\n  aggregate_csv: x.csv\nextra: 1\n";
        let errors = import_text(d.path(), text).unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let want = [
            "s.yaml:6: sweep.agents_override:",
            "s.yaml:8: metrics_focus: 'citation_precision' is not a metric",
            "s.yaml:11: analysis.plots[0].type: a 'bar' plot is not one swarm-sweep draws",
            "s.yaml:12: analysis.optimization:",
            "s.yaml:14: output.aggregate_csv:",
            "s.yaml:15: extra:",
        ];
        for w in want {
            assert!(text.iter().any(|t| t.starts_with(w)), "{w}\n{text:#?}");
        }
        assert_eq!(text.len(), want.len(), "{text:#?}");
    }

    #[test]
    fn the_base_is_found_in_the_repository_layout_or_refused_first() {
        let d = scenarios();
        let ok = "sweep_id: a\nbase_scenario: scenarios/grp/base.yaml\nseeds: [1]\n";
        assert!(import_text(d.path(), ok).is_ok());
        let missing = "sweep_id: a\nbase_scenario: grp/nope\nseeds: [1]\nextra: 1\n";
        let e = import_text(d.path(), missing).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].to_string()
                .starts_with("s.yaml:2: base_scenario: no scenario 'grp/nope'"),
            "{}",
            e[0]
        );
        assert!(e[0].to_string().contains("--scenarios-dir"));
        assert!(is_swarm_file(ok));
        assert!(!is_swarm_file("name: x\nbase: a.yaml\nseeds: [1]\n"));
    }
}
