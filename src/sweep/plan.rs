//! The validated sweep: base scenarios loaded, every parameter path and value
//! checked against the scenario schema (`scenario::params`), every
//! configuration's scenario built — all before any run starts.

use std::path::{Path, PathBuf};

use super::columns::Shape;
use super::design::Dist;
use super::expand::{self, locate_run};
use super::key;
use super::spec::{render, Assignment, SpecError, SweepSpec};
use crate::input;
use crate::scenario::params::{self, ParamKind, ParamValue};
use crate::scenario::{self, LoadOptions, Scenario};

/// A sweep ready to run: the spec, its scenarios and its configurations.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    pub spec: SweepSpec,
    pub bases: Vec<BaseScenario>,
    /// Scenario-major: every base's configurations, baseline first.
    pub configs: Vec<Config>,
    /// One column per swept parameter, in `SweepSpec::swept_paths` order.
    pub params: Vec<ParamColumn>,
    /// Security / collusion levers on in any configuration: their (nullable)
    /// columns are in the tables.
    pub security: bool,
    pub collusion: bool,
    /// Loader warnings, already prefixed with the base file.
    pub warnings: Vec<String>,
    /// Swept parameters that change nothing in any configuration (the
    /// schema marks them inert), with why: warned about, or refused with
    /// `--strict`.
    pub inert: Vec<SpecError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaseScenario {
    /// As written in the spec (relative to the spec file).
    pub path: String,
    pub scenario_id: String,
    /// sha256 of the file's bytes.
    pub sha256: String,
    /// Keys it sets that the reference reads and this engine does not model
    /// (only with `allow_unmodelled`; see `Scenario::unmodelled`).
    pub unmodelled: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamColumn {
    pub path: String,
    pub kind: ParamKind,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub id: usize,
    /// Index into `SweepPlan::bases`.
    pub base: usize,
    pub arm: String,
    pub label: String,
    /// Effective value of each parameter column in this configuration.
    pub params: Vec<Option<ParamValue>>,
    pub scenario: Scenario,
    /// The seed-independent part of the run key (`key::fingerprint`).
    pub fingerprint: String,
    /// The first configuration that resolves to the same scenario (its own
    /// id when none before it does): their runs share keys, so each run is
    /// run once and its rows written for both.
    pub first: usize,
    /// A later configuration resolves to the same scenario.
    pub copied: bool,
}

/// One run: a configuration and a seed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    pub index: usize,
    pub config: usize,
    pub replicate: usize,
    pub seed: i64,
    pub run_key: String,
}

impl SweepPlan {
    pub fn n_runs(&self) -> usize {
        self.configs.len() * self.spec.seeds.len()
    }

    pub fn run(&self, index: usize) -> RunSpec {
        let (config, replicate) = locate_run(index, self.spec.seeds.len());
        let seed = self.spec.seeds[replicate];
        RunSpec {
            index,
            config,
            replicate,
            seed,
            run_key: key::run_key(&self.configs[config].fingerprint, seed),
        }
    }

    /// The first run with run `index`'s key: `index` itself, unless its
    /// configuration resolves to the same scenario as an earlier one.
    pub fn original(&self, index: usize) -> usize {
        let n = self.spec.seeds.len();
        let (config, replicate) = locate_run(index, n);
        self.configs[config].first * n + replicate
    }

    /// Later runs have run `index`'s key (see `original`).
    pub fn has_copies(&self, index: usize) -> bool {
        self.configs[locate_run(index, self.spec.seeds.len()).0].copied
    }

    /// What the plan decides about its tables' columns.
    pub fn shape(&self) -> Shape {
        Shape {
            params: self
                .params
                .iter()
                .map(|p| (p.path.clone(), p.kind.into()))
                .collect(),
            security: self.security,
            collusion: self.collusion,
        }
    }

    /// `exact` when every base is modelled in full, else `partial`
    /// (bases loaded with `allow_unmodelled` that set unmodelled keys).
    pub fn fidelity(&self) -> &'static str {
        if self.bases.iter().all(|b| b.unmodelled.is_empty()) {
            "exact"
        } else {
            "partial"
        }
    }

    /// Configurations per base scenario.
    pub fn configs_per_base(&self) -> usize {
        self.configs.len() / self.bases.len().max(1)
    }

    /// The spec hash: sha256 over the spec file's text, every base
    /// scenario's sha256, the table schema version and the engine version —
    /// everything the rows depend on. Journals and part files carry it, so a
    /// resume or a merge never mixes rows of two different sweeps.
    pub fn spec_hash(&self) -> String {
        let mut s = format!(
            "swarm-sweep/spec/v1\nspec={}\n",
            key::sha256_hex(self.spec.source.text.as_bytes())
        );
        for b in &self.bases {
            s.push_str(&format!("base={}\n", b.sha256));
        }
        s.push_str(&format!(
            "schema={}\nengine={}\n",
            crate::contract::schema_version::SWEEP,
            crate::contract::ENGINE_VERSION
        ));
        key::sha256_hex(s.as_bytes())
    }
}

/// Load the bases (paths relative to `spec_dir`) with `load` and build the plan.
pub fn resolve(
    spec: SweepSpec,
    spec_dir: &Path,
    load: LoadOptions,
) -> Result<SweepPlan, SpecError> {
    let mut loaded = Vec::with_capacity(spec.bases.len());
    let mut warnings = Vec::new();
    for rel in &spec.bases {
        let path: PathBuf = spec_dir.join(rel);
        let bytes = input::read_bounded(&path, "the base scenario", "SWARM_MAX_SPEC_BYTES")
            .map_err(|e| {
                spec.bases_error(format!("cannot read base scenario {}: {e}", path.display()))
            })?;
        let text = String::from_utf8(bytes.clone())
            .map_err(|_| spec.bases_error(format!("{} is not UTF-8 text", path.display())))?;
        let l = scenario::load_str(&text, &path.display().to_string(), load)
            .map_err(|e| spec.bases_error(format!("base scenario is invalid: {e}")))?;
        warnings.extend(l.warnings.into_iter().map(|w| w.message));
        warnings.extend(
            l.unmodelled
                .into_iter()
                .map(|w| format!("{} (run anyway: --allow-unmodelled)", w.message)),
        );
        let base = BaseScenario {
            path: rel.clone(),
            scenario_id: l.scenario.scenario_id.clone(),
            sha256: key::sha256_hex(&bytes),
            unmodelled: l.scenario.unmodelled.clone(),
        };
        loaded.push((base, l.scenario));
    }
    build(spec, loaded, warnings)
}

/// Check the spec's parameters against the loaded bases and build every
/// configuration. Separate from `resolve` so tests can hand in scenarios.
pub fn build(
    spec: SweepSpec,
    loaded: Vec<(BaseScenario, Scenario)>,
    warnings: Vec<String>,
) -> Result<SweepPlan, SpecError> {
    check_run_count(&spec, loaded.len())?;
    for (i, (b, _)) in loaded.iter().enumerate() {
        if let Some((other, _)) = loaded[..i]
            .iter()
            .find(|(o, _)| o.scenario_id == b.scenario_id)
        {
            return Err(spec.bases_error(
                format!("{} and {} have the same scenario_id '{}'; the scenario column could not tell them apart", other.path, b.path, b.scenario_id),
            ));
        }
    }
    // The kind of each path, checked against every base.
    let mut kinds: Vec<(String, ParamKind)> = Vec::new();
    let everything = spec
        .all_assignments()
        .map(|a| (a.path.as_str(), a.line, a.key()))
        .chain(
            spec.grid
                .iter()
                .chain(&spec.zip)
                .map(|a| (a.path.as_str(), a.line, a.key())),
        )
        .chain(
            spec.sample
                .iter()
                .flat_map(|s| &s.factors)
                .map(|f| (f.path.as_str(), f.line, f.key())),
        );
    for (path, line, at) in everything {
        let error = |m: String| spec.source.error(Some(line), &at, m);
        if kinds.iter().any(|(p, _)| p == path) {
            continue;
        }
        let mut kind: Option<ParamKind> = None;
        for (base, scen) in &loaded {
            let k = params::param_kind(scen, path).map_err(|e| error(e.message))?;
            if kind.is_some_and(|prev| prev != k) {
                return Err(error(format!(
                    "'{path}' has a different type in {}",
                    base.path
                )));
            }
            kind = Some(k);
        }
        kinds.push((path.to_string(), kind.expect("at least one base")));
    }
    let kind_of = |path: &str| {
        kinds
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, k)| *k)
            .expect("checked above")
    };

    // Values coerced to the path's kind (spec.rs already treats 1 and 1.0 as
    // the same grid value).
    let mut spec = spec;
    let source = spec.source.clone();
    let coerce_all = |list: &mut [Assignment]| -> Result<(), SpecError> {
        for a in list {
            a.value =
                coerce(kind_of(&a.path), &a.value).map_err(|e| a.error(&source, e.to_string()))?;
        }
        Ok(())
    };
    coerce_all(&mut spec.overrides)?;
    coerce_all(&mut spec.baseline)?;
    for v in &mut spec.variants {
        coerce_all(&mut v.assignments)?;
    }
    for axis in spec.grid.iter_mut().chain(spec.zip.iter_mut()) {
        let kind = kind_of(&axis.path);
        let values: Result<Vec<_>, _> = axis.values.iter().map(|v| coerce(kind, v)).collect();
        axis.values = values.map_err(|e| axis.error(&source, e.to_string()))?;
    }

    if let Some(sample) = &spec.sample {
        for f in &sample.factors {
            check_dist(kind_of(&f.path), &f.dist)
                .map_err(|e| source.error(Some(f.line), &f.key(), e.to_string()))?;
        }
    }

    let params: Vec<ParamColumn> = spec
        .swept_paths()
        .into_iter()
        .map(|path| ParamColumn {
            kind: kind_of(&path),
            path,
        })
        .collect();
    let mut config_specs = expand::configs(&spec);
    for a in config_specs
        .iter_mut()
        .flat_map(|c| &mut c.assignments)
        .filter(|a| a.section == "sample")
    {
        a.value =
            coerce(kind_of(&a.path), &a.value).map_err(|e| a.error(&source, e.to_string()))?;
    }
    let mut configs = Vec::with_capacity(config_specs.len() * loaded.len());
    // The same overrides twice (two variants alike) is a mistake in the spec;
    // different overrides that resolve to the same scenario (a grid value
    // equal to the base's) are fine: they share their runs.
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    // Design points may repeat (discrete distributions): they share runs.
    for cs in config_specs.iter().filter(|_| spec.sample.is_none()) {
        if let Some(dup) = seen.insert(overrides_key(&cs.assignments), &cs.label) {
            return Err(source.error(
                None,
                "",
                format!(
                    "configurations '{dup}' and '{}' are the same run (identical overrides)",
                    cs.label
                ),
            ));
        }
    }
    for (b, (_, scen)) in loaded.iter().enumerate() {
        for cs in &config_specs {
            let mut scenario = scen.clone();
            for a in &cs.assignments {
                params::set_param(&mut scenario, &a.path, &a.value)
                    .map_err(|e| a.error(&source, e.message))?;
            }
            let values = params
                .iter()
                .map(|c| {
                    params::get_param(&scenario, &c.path).and_then(|v| coerce(c.kind, &v).ok())
                })
                .collect();
            // Two configurations that resolve to the same scenario share
            // their runs (the same key): each is run once.
            let fingerprint = key::fingerprint(&scenario);
            configs.push(Config {
                id: configs.len(),
                base: b,
                arm: cs.arm.clone(),
                label: cs.label.clone(),
                params: values,
                scenario,
                first: configs.len(),
                copied: false,
                fingerprint,
            });
        }
    }
    let mut first_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut firsts = Vec::with_capacity(configs.len());
    for c in &configs {
        firsts.push(*first_of.entry(c.fingerprint.as_str()).or_insert(c.id));
    }
    for (id, first) in firsts.into_iter().enumerate() {
        configs[id].first = first;
        if first != id {
            configs[first].copied = true;
        }
    }
    let inert = inert_params(&spec, &configs);
    let security = configs
        .iter()
        .any(|c| c.scenario.governance.security_enabled);
    let collusion = configs
        .iter()
        .any(|c| c.scenario.governance.collusion_detection_enabled);
    Ok(SweepPlan {
        spec,
        bases: loaded.into_iter().map(|(b, _)| b).collect(),
        configs,
        params,
        security,
        collusion,
        warnings,
        inert,
    })
}

/// Every swept parameter (baseline, variants, grid, zip) that is inert in
/// every configuration: its arms are runs of the same model.
fn inert_params(spec: &SweepSpec, configs: &[Config]) -> Vec<SpecError> {
    let mut out = Vec::new();
    for path in spec.swept_paths() {
        let why = configs
            .iter()
            .map(|c| params::inert(&c.scenario, &path))
            .collect::<Option<Vec<_>>>();
        let Some(why) = why.and_then(|w| w.first().copied()) else {
            continue;
        };
        let axis = spec.grid.iter().chain(&spec.zip).find(|a| a.path == path);
        let factor = spec
            .sample
            .iter()
            .flat_map(|s| &s.factors)
            .find(|f| f.path == path);
        let (line, key) = match (axis, factor) {
            (Some(a), _) => (a.line, a.key()),
            (None, Some(f)) => (f.line, f.key()),
            (None, None) => {
                let a = spec
                    .all_assignments()
                    .find(|a| a.path == path)
                    .expect("a swept path is assigned somewhere");
                (a.line, a.key())
            }
        };
        out.push(spec.source.error(
            Some(line),
            &key,
            format!(
                "changes nothing in this sweep: {why}. Configurations that differ only in \
                 it give the same numbers"
            ),
        ));
    }
    out
}

/// Refuse a sweep of more configurations than SWARM_MAX_CONFIGS or more
/// runs than SWARM_MAX_RUNS before a configuration is built (a grid of 10^9
/// points would grow to gigabytes first).
fn check_run_count(spec: &SweepSpec, bases: usize) -> Result<(), SpecError> {
    let configs = expand::config_count(spec).saturating_mul(bases as u64);
    let seeds = spec.seeds.len() as u64;
    crate::limits::check(
        "the sweep's configuration count",
        configs,
        "SWARM_MAX_CONFIGS",
    )
    .and_then(|()| {
        crate::limits::check(
            format!("the sweep's run count ({configs} configurations × {seeds} seeds)"),
            configs.saturating_mul(seeds),
            "SWARM_MAX_RUNS",
        )
    })
    .map_err(|e| spec.source.error(None, "", e.to_string()))
}

/// The overrides as they finally apply (later assignments win), sorted by
/// path, each value typed.
fn overrides_key(assignments: &[Assignment]) -> String {
    let effective: std::collections::BTreeMap<&str, &ParamValue> = assignments
        .iter()
        .map(|a| (a.path.as_str(), &a.value))
        .collect();
    format!("{effective:?}")
}

/// A spec value or distribution that does not fit its parameter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum KindError {
    #[error("expected {}, found {}", kind_name(*expected), describe(found))]
    Mismatch {
        expected: ParamKind,
        found: ParamValue,
    },
    #[error("an integer parameter: sample it with dist: integer (min, max)")]
    ContinuousInteger,
    #[error("expected {}; sample it with dist: categorical (values)", kind_name(*.0))]
    NeedsCategorical(ParamKind),
}

/// A spec value as the parameter's kind: integers are accepted for floats.
fn coerce(kind: ParamKind, v: &ParamValue) -> Result<ParamValue, KindError> {
    match (kind, v) {
        (ParamKind::Float, ParamValue::Int(i)) => Ok(ParamValue::Float(*i as f64)),
        (ParamKind::Bool, ParamValue::Bool(_))
        | (ParamKind::Int, ParamValue::Int(_))
        | (ParamKind::Float, ParamValue::Float(_))
        | (ParamKind::Str, ParamValue::Str(_)) => Ok(v.clone()),
        (expected, found) => Err(KindError::Mismatch {
            expected,
            found: found.clone(),
        }),
    }
}

/// A distribution fits the parameter's kind: continuous ones need a
/// number, `integer` an integer or a number; categorical values are
/// coerced one by one.
fn check_dist(kind: ParamKind, dist: &Dist) -> Result<(), KindError> {
    match (kind, dist) {
        (ParamKind::Float, Dist::Uniform { .. } | Dist::LogUniform { .. })
        | (ParamKind::Int | ParamKind::Float, Dist::Integer { .. }) => Ok(()),
        (ParamKind::Int, Dist::Uniform { .. } | Dist::LogUniform { .. }) => {
            Err(KindError::ContinuousInteger)
        }
        (_, Dist::Categorical { values, .. }) => {
            values.iter().try_for_each(|v| coerce(kind, v).map(|_| ()))
        }
        (k, _) => Err(KindError::NeedsCategorical(k)),
    }
}

fn kind_name(k: ParamKind) -> &'static str {
    match k {
        ParamKind::Bool => "true or false",
        ParamKind::Int => "an integer",
        ParamKind::Float => "a number",
        ParamKind::Str => "a string",
    }
}

fn describe(v: &ParamValue) -> String {
    match v {
        ParamValue::Str(s) => format!("the string '{s}'"),
        other => render(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coercion_accepts_ints_for_floats_only() {
        assert_eq!(
            coerce(ParamKind::Float, &ParamValue::Int(2)),
            Ok(ParamValue::Float(2.0))
        );
        assert!(coerce(ParamKind::Int, &ParamValue::Float(2.0)).is_err());
        assert!(coerce(ParamKind::Bool, &ParamValue::Str("yes".into()))
            .unwrap_err()
            .to_string()
            .contains("true or false"));
    }
}
