//! The `perturbations` section (docs/model/perturbations-rbac-spawn.md §2.1): the
//! reference's `parse_perturbation_config` with its pydantic validation, and
//! the fidelity guard for what no engine can reproduce (dropout or partition
//! draws from an OS-seeded stream) or this one does not model (shocks of
//! governance parameters it does not model, or of values the reference
//! would store unconverted). The engine is sim/perturbation.rs.

use super::coerce::{coerce, str_list, Ty};
use super::load::Report;
use super::params::ParamValue;
use super::schema::{self, Role};
use super::yaml::{Entry, Node, Value};
use super::AgentSpec;
use crate::suggest::did_you_mean;

/// The whole section. The reference builds its engine for any non-empty
/// mapping; `signal_corruption` is validated but never acts (§4.7), so it
/// is not kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PerturbationConfig {
    /// The engine's own stream is `Random(seed)`, independent of the
    /// simulation seed; `None` means OS entropy in the reference.
    pub seed: Option<i64>,
    pub agent_dropout: AgentDropout,
    pub parameter_shocks: ParameterShocks,
    pub network_partition: NetworkPartition,
    pub resource_shock: ResourceShock,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentDropout {
    pub enabled: bool,
    pub probability_per_step: f64,
    pub min_duration_steps: i64,
    pub max_duration_steps: i64,
    /// Agent archetypes (the reference's `AgentType` values, e.g. a
    /// `collusive_verifier` agent is `deceptive`), not YAML type names.
    pub exempt_types: Vec<String>,
}

impl Default for AgentDropout {
    fn default() -> Self {
        AgentDropout {
            enabled: false,
            probability_per_step: 0.1,
            min_duration_steps: 1,
            max_duration_steps: 3,
            exempt_types: Vec::new(),
        }
    }
}

/// When a shock fires. Partitions and resource shocks accept `condition`
/// but never fire with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Trigger {
    #[default]
    Epoch,
    Condition,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParameterShocks {
    pub enabled: bool,
    pub shocks: Vec<ParameterShock>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParameterShock {
    pub trigger: Trigger,
    pub at_epoch: Option<i64>,
    /// The parsed `when`; `None` when absent, empty or not `field op value`
    /// (the shock then never fires).
    pub when: Option<Condition>,
    /// The governance parameters it sets, file order, with values of the
    /// field's type. Names the guard refused or that the reference skips
    /// (dotted paths) are left out.
    pub params: Vec<(&'static str, ParamValue)>,
    pub revert_after_epochs: Option<i64>,
}

/// `field op value` of a condition-triggered shock (§4.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub field: ConditionField,
    pub op: CmpOp,
    pub threshold: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionField {
    Epoch,
    ToxicityRate,
    QualityGap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl Condition {
    /// The reference's grammar: exactly three whitespace-separated tokens,
    /// a known field, a known operator and a Python `float()` literal.
    pub fn parse(text: &str) -> Option<Condition> {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let [field, op, value] = tokens[..] else {
            return None;
        };
        let threshold = py_float(value)?;
        let field = match field {
            "epoch" => ConditionField::Epoch,
            "toxicity_rate" => ConditionField::ToxicityRate,
            "quality_gap" => ConditionField::QualityGap,
            _ => return None,
        };
        let op = match op {
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            _ => return None,
        };
        Some(Condition {
            field,
            op,
            threshold,
        })
    }

    /// Whether it holds for an epoch's metrics (IEEE comparisons, as Python's).
    pub fn holds(&self, epoch: u32, toxicity_rate: f64, quality_gap: f64) -> bool {
        let actual = match self.field {
            ConditionField::Epoch => f64::from(epoch),
            ConditionField::ToxicityRate => toxicity_rate,
            ConditionField::QualityGap => quality_gap,
        };
        let t = self.threshold;
        match self.op {
            CmpOp::Gt => actual > t,
            CmpOp::Ge => actual >= t,
            CmpOp::Lt => actual < t,
            CmpOp::Le => actual <= t,
            CmpOp::Eq => actual == t,
            CmpOp::Ne => actual != t,
        }
    }
}

/// Python's `float(text)` for one token: decimal and exponent forms, `inf`,
/// `infinity` and `nan` in any case, and `_` between digits.
fn py_float(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let underscores_ok = bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'_' || (i > 0 && digit(i - 1) && digit(i + 1)));
    if !underscores_ok {
        return None;
    }
    let t = text.replace('_', "");
    let unsigned = t.trim_start_matches(['+', '-']);
    let named = ["inf", "infinity", "nan"].contains(&unsigned.to_ascii_lowercase().as_str());
    let numeric = !unsigned.is_empty()
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !(named || numeric) || t.len() - unsigned.len() > 1 {
        return None;
    }
    t.parse().ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartitionMode {
    #[default]
    Bisect,
    IsolateType,
    RandomFragment,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkPartition {
    pub enabled: bool,
    pub trigger: Trigger,
    pub at_epoch: Option<i64>,
    pub mode: PartitionMode,
    /// An archetype name, for `isolate_type`.
    pub isolate_type: Option<String>,
    pub heal_after_epochs: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceShockMode {
    #[default]
    DrainAll,
    Redistribute,
    Inflate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceShock {
    pub enabled: bool,
    pub trigger: Trigger,
    pub at_epoch: Option<i64>,
    pub mode: ResourceShockMode,
    pub magnitude: f64,
}

impl Default for ResourceShock {
    fn default() -> Self {
        ResourceShock {
            enabled: false,
            trigger: Trigger::Epoch,
            at_epoch: None,
            mode: ResourceShockMode::DrainAll,
            magnitude: 0.5,
        }
    }
}

impl PerturbationConfig {
    /// Whether an enabled parameter shock sets `key`.
    pub fn shocks_param(&self, key: &str) -> bool {
        self.parameter_shocks.enabled
            && self
                .parameter_shocks
                .shocks
                .iter()
                .any(|s| s.params.iter().any(|(k, _)| *k == key))
    }
}

const TOP_KEYS: &[&str] = &[
    "seed",
    "agent_dropout",
    "signal_corruption",
    "parameter_shocks",
    "network_partition",
    "resource_shock",
];
const DROPOUT_KEYS: &[&str] = &[
    "enabled",
    "probability_per_step",
    "min_duration_steps",
    "max_duration_steps",
    "exempt_types",
];
const CORRUPTION_KEYS: &[&str] = &["enabled", "targets", "mode", "schedule"];
const SCHEDULE_KEYS: &[&str] = &["start_epoch", "end_epoch"];
const SHOCKS_KEYS: &[&str] = &["enabled", "shocks"];
const SHOCK_KEYS: &[&str] = &[
    "trigger",
    "at_epoch",
    "when",
    "params",
    "revert_after_epochs",
];
const PARTITION_KEYS: &[&str] = &[
    "enabled",
    "trigger",
    "at_epoch",
    "mode",
    "isolate_type",
    "heal_after_epochs",
];
const RESOURCE_KEYS: &[&str] = &["enabled", "trigger", "at_epoch", "mode", "magnitude"];
// Each enum's values by their YAML names, the reference's default first:
// the loader reads them and the emitter writes them with these tables.
pub(super) const TRIGGERS: &[(&str, Trigger)] =
    &[("epoch", Trigger::Epoch), ("condition", Trigger::Condition)];
/// Validated, never applied (see `signal_corruption`).
const CORRUPTION_MODES: &[(&str, ())] = &[
    ("zero_out", ()),
    ("invert", ()),
    ("random", ()),
    ("sticky", ()),
];
pub(super) const PARTITION_MODES: &[(&str, PartitionMode)] = &[
    ("bisect", PartitionMode::Bisect),
    ("isolate_type", PartitionMode::IsolateType),
    ("random_fragment", PartitionMode::RandomFragment),
];
pub(super) const RESOURCE_MODES: &[(&str, ResourceShockMode)] = &[
    ("drain_all", ResourceShockMode::DrainAll),
    ("redistribute", ResourceShockMode::Redistribute),
    ("inflate", ResourceShockMode::Inflate),
];

/// The YAML name of `value` in one of the tables above (every value the
/// loader can produce has one).
pub(super) fn name_of<T: PartialEq>(table: &[(&'static str, T)], value: &T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| v == value)
        .map(|(name, _)| *name)
        .expect("a perturbation value read from YAML has a YAML name")
}

/// What the rest of the scenario tells the guard.
pub(super) struct Context<'a> {
    pub agents: &'a [AgentSpec],
    pub has_network: bool,
}

/// Reads one mapping's keys, reporting under `path`.
struct Section<'a> {
    entries: &'a [Entry],
    path: String,
}

impl<'a> Section<'a> {
    fn get(&self, key: &str) -> Option<&'a Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    fn warn_unknown(&self, known: &'static [&'static str], report: &mut Report) {
        for e in self.entries {
            if !known.contains(&e.key.as_str()) {
                let why = format!(
                    "unknown key, ignored by the reference{}",
                    did_you_mean(&e.key, known.iter().copied())
                );
                report.warn(e.key_line, &self.path(&e.key), why);
            }
        }
    }

    /// A required-typed key: absent → `None`; null or a wrong type is an
    /// error, as pydantic rejects it.
    fn typed(&self, key: &str, ty: Ty, report: &mut Report) -> Option<ParamValue> {
        let e = self.get(key)?;
        match coerce(ty, &e.value) {
            Ok(v) => Some(v),
            Err(m) => {
                report.error(e.value.line, &self.path(key), m);
                None
            }
        }
    }

    fn bool(&self, key: &str, default: bool, report: &mut Report) -> bool {
        self.typed(key, Ty::Bool, report)
            .map_or(default, |v| v.to_bool())
    }

    fn float(&self, key: &str, default: f64, report: &mut Report) -> f64 {
        self.typed(key, Ty::Float, report)
            .map_or(default, |v| v.to_f64())
    }

    fn int(&self, key: &str, default: i64, report: &mut Report) -> i64 {
        self.typed(key, Ty::Int, report)
            .map_or(default, |v| v.int_into())
    }

    /// An `Optional[int]`: absent or null → `None`.
    fn optional_int(&self, key: &str, report: &mut Report) -> Option<i64> {
        match self.get(key) {
            Some(e) if !e.value.is_null() => self.typed(key, Ty::Int, report).map(|v| v.int_into()),
            _ => None,
        }
    }

    /// An `Optional[str]`: absent or null → `None`; pydantic does not turn
    /// numbers into strings.
    fn optional_str(&self, key: &str, report: &mut Report) -> Option<String> {
        let e = self.get(key)?;
        match &e.value.value {
            Value::Null => None,
            Value::Str(s) => Some(s.clone()),
            _ => {
                let got = e.value.describe();
                report.error(
                    e.value.line,
                    &self.path(key),
                    format!("expected a string, got {got}"),
                );
                None
            }
        }
    }

    fn str_list(&self, key: &str, default: &[&str], report: &mut Report) -> Vec<String> {
        let Some(e) = self.get(key) else {
            return default.iter().map(|s| s.to_string()).collect();
        };
        str_list(&e.value).unwrap_or_else(|m| {
            report.error(e.value.line, &self.path(key), m);
            Vec::new()
        })
    }

    /// An enum read with `Enum(value)`, defaulting to the first option:
    /// anything but one of its values (null included) fails the
    /// reference's load.
    fn choice<T: Copy>(&self, key: &str, options: &[(&'static str, T)], report: &mut Report) -> T {
        let default = options[0].1;
        let Some(e) = self.get(key) else {
            return default;
        };
        if let Value::Str(text) = &e.value.value {
            if let Some((_, value)) = options.iter().find(|(name, _)| name == text) {
                return *value;
            }
        }
        let listed: Vec<String> = options.iter().map(|(o, _)| format!("'{o}'")).collect();
        let hint = match &e.value.value {
            Value::Str(text) => did_you_mean(text, options.iter().map(|(o, _)| *o)),
            _ => String::new(),
        };
        let why = format!(
            "must be one of {} (the reference fails on {}){hint}",
            listed.join(", "),
            e.value.describe()
        );
        report.error(e.value.line, &self.path(key), why);
        default
    }

    /// A sub-section read with `.get(name, {})`: absent → empty; anything
    /// but a mapping (null included) fails the reference's load.
    fn sub(&self, key: &str, report: &mut Report) -> Section<'a> {
        let path = self.path(key);
        let entries = match self.get(key) {
            None => &[][..],
            Some(e) => match e.value.entries() {
                Some(entries) => entries,
                None => {
                    let why = format!(
                        "must be a mapping (the reference fails on {})",
                        e.value.describe()
                    );
                    report.error(e.value.line, &path, why);
                    &[][..]
                }
            },
        };
        Section { entries, path }
    }

    /// A list of mappings read item by item with `.get`: null or a
    /// non-list fails, as does any item that is not a mapping.
    fn items(&self, key: &str, report: &mut Report) -> Vec<Section<'a>> {
        let path = self.path(key);
        let Some(e) = self.get(key) else {
            return Vec::new();
        };
        let Value::Seq(items) = &e.value.value else {
            let why = format!(
                "must be a list (the reference fails on {})",
                e.value.describe()
            );
            report.error(e.value.line, &path, why);
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let path = format!("{path}[{i}]");
                match item.entries() {
                    Some(entries) => Some(Section { entries, path }),
                    None => {
                        let why = format!(
                            "must be a mapping (the reference fails on {})",
                            item.describe()
                        );
                        report.error(item.line, &path, why);
                        None
                    }
                }
            })
            .collect()
    }
}

/// The section, or `None` when the reference builds nothing from it
/// (absent, null, or another falsy value).
pub(super) fn read(e: &Entry, ctx: &Context, report: &mut Report) -> Option<PerturbationConfig> {
    let entries = match &e.value.value {
        Value::Null | Value::Bool(false) => return None,
        Value::Int(0) => return None,
        Value::Float(x) if *x == 0.0 => return None,
        Value::Str(s) if s.is_empty() => return None,
        Value::Seq(items) if items.is_empty() => return None,
        Value::Map(entries) if entries.is_empty() => return None,
        Value::Map(entries) => entries,
        _ => {
            let why = format!(
                "must be a mapping (the reference fails on {})",
                e.value.describe()
            );
            report.error(e.value.line, "perturbations", why);
            return None;
        }
    };
    let top = Section {
        entries,
        path: "perturbations".into(),
    };
    top.warn_unknown(TOP_KEYS, report);

    let d = top.sub("agent_dropout", report);
    d.warn_unknown(DROPOUT_KEYS, report);
    let defaults = AgentDropout::default();
    let agent_dropout = AgentDropout {
        enabled: d.bool("enabled", false, report),
        probability_per_step: d.float(
            "probability_per_step",
            defaults.probability_per_step,
            report,
        ),
        min_duration_steps: d.int("min_duration_steps", defaults.min_duration_steps, report),
        max_duration_steps: d.int("max_duration_steps", defaults.max_duration_steps, report),
        exempt_types: d.str_list("exempt_types", &[], report),
    };

    signal_corruption(&top.sub("signal_corruption", report), report);

    let p = top.sub("parameter_shocks", report);
    p.warn_unknown(SHOCKS_KEYS, report);
    let shock_items = p.items("shocks", report);
    let shocks_enabled = p.bool("enabled", false, report);
    let shocks = shock_items
        .iter()
        .map(|s| shock(s, shocks_enabled, report))
        .collect();
    let parameter_shocks = ParameterShocks {
        enabled: shocks_enabled,
        shocks,
    };

    let n = top.sub("network_partition", report);
    n.warn_unknown(PARTITION_KEYS, report);
    let network_partition = NetworkPartition {
        mode: n.choice("mode", PARTITION_MODES, report),
        trigger: n.choice("trigger", TRIGGERS, report),
        enabled: n.bool("enabled", false, report),
        at_epoch: n.optional_int("at_epoch", report),
        isolate_type: n.optional_str("isolate_type", report),
        heal_after_epochs: n.optional_int("heal_after_epochs", report),
    };

    let r = top.sub("resource_shock", report);
    r.warn_unknown(RESOURCE_KEYS, report);
    let resource_shock = ResourceShock {
        mode: r.choice("mode", RESOURCE_MODES, report),
        trigger: r.choice("trigger", TRIGGERS, report),
        enabled: r.bool("enabled", false, report),
        at_epoch: r.optional_int("at_epoch", report),
        magnitude: r.float("magnitude", 0.5, report),
    };

    let cfg = PerturbationConfig {
        seed: top.optional_int("seed", report),
        agent_dropout,
        parameter_shocks,
        network_partition,
        resource_shock,
    };
    guard(&cfg, &top, ctx, report);
    Some(cfg)
}

/// Validated like the reference does, then dropped: nothing calls it (§4.7).
fn signal_corruption(s: &Section, report: &mut Report) {
    s.warn_unknown(CORRUPTION_KEYS, report);
    for item in s.items("schedule", report) {
        item.warn_unknown(SCHEDULE_KEYS, report);
        item.int("start_epoch", 0, report);
        item.optional_int("end_epoch", report);
    }
    s.choice("mode", CORRUPTION_MODES, report);
    s.str_list("targets", &[], report);
    if s.bool("enabled", false, report) {
        let line = s.get("enabled").map_or(0, |e| e.key_line);
        let why = "the reference validates signal corruption but never applies it (nothing calls it in 1.9.0); ignored";
        report.warn(line, &s.path("enabled"), why);
    }
}

fn shock(s: &Section, enabled: bool, report: &mut Report) -> ParameterShock {
    s.warn_unknown(SHOCK_KEYS, report);
    let trigger = s.choice("trigger", TRIGGERS, report);
    let at_epoch = s.optional_int("at_epoch", report);
    let when_text = s.optional_str("when", report);
    let when = when_text.as_deref().and_then(Condition::parse);
    let revert_after_epochs = s.optional_int("revert_after_epochs", report);
    if trigger == Trigger::Condition && when.is_none() {
        if let (Some(text), Some(e)) = (&when_text, s.get("when")) {
            if !text.is_empty() {
                let why = "not 'field op value' with field epoch, toxicity_rate or quality_gap and op one of > >= < <= == !=: the reference never fires this shock";
                report.warn(e.value.line, &s.path("when"), why);
            }
        }
    }
    let can_fire = enabled
        && match trigger {
            Trigger::Epoch => at_epoch.is_some(),
            Trigger::Condition => when.is_some(),
        };
    let mut params = Vec::new();
    match s.get("params") {
        None => {}
        Some(e) => match e.value.entries() {
            Some(entries) => {
                for p in entries {
                    let path = format!("{}.{}", s.path("params"), p.key);
                    if let Some(param) = shock_param(p, &path, can_fire, report) {
                        params.push(param);
                    }
                }
            }
            None => {
                let why = format!(
                    "must be a mapping (the reference fails on {})",
                    e.value.describe()
                );
                report.error(e.value.line, &s.path("params"), why);
            }
        },
    }
    ParameterShock {
        trigger,
        at_epoch,
        when,
        params,
        revert_after_epochs,
    }
}

/// One `name: value` of a shock: the reference `setattr`s it on the live
/// governance config, unconverted and unchecked (§4.2).
fn shock_param(
    p: &Entry,
    path: &str,
    can_fire: bool,
    report: &mut Report,
) -> Option<(&'static str, ParamValue)> {
    if p.key.contains('.') {
        let why = "a dotted name: the reference's governance config has no nested settings, so its shock skips it; ignored";
        report.warn(p.key_line, path, why);
        return None;
    }
    let Some(field) = schema::find(schema::GOVERNANCE, &p.key) else {
        if can_fire {
            let why = format!(
                "not a governance parameter: the reference's shock fails on it, leaving the parameters before it set and skipping the rest of that epoch's perturbations (later shocks, partition, resource shock, heal){}",
                did_you_mean(&p.key, schema::keys(schema::GOVERNANCE))
            );
            report.refuse(p.key_line, path, why);
        }
        return None;
    };
    // The Sybil and resample levers read their settings live in the
    // reference; this engine's copies are taken when the run starts.
    if ["sybil_", "resample_"].iter().any(|s| p.key.starts_with(s)) {
        if can_fire {
            let why = "a shock of a Sybil or resample setting (the reference's levers read them live; this engine reads them once at the start of the run)";
            report.unmodelled(p.key_line, path, why);
        }
        return None;
    }
    let value = match field.role {
        Role::Modelled { .. } => native(field.ty, &p.value),
        _ => None,
    };
    if value.is_none() && can_fire {
        let why = match field.role {
            Role::Modelled { .. } => format!(
                "the reference stores a shock's value as written, without converting or checking it, and {} is not {}; a value of another type is not modelled",
                p.value.describe(),
                match field.ty {
                    Ty::Bool => "true or false",
                    Ty::Int => "an integer",
                    _ => "a number",
                }
            ),
            Role::ModelledList { .. } => "a shock of a list-valued parameter".to_string(),
            _ => "a shock of a governance parameter this engine does not model (the reference sets it on its live config, which its lever reads)".to_string(),
        };
        report.unmodelled(p.key_line, path, why);
    }
    value.map(|v| (field.key, v))
}

/// The value when the YAML type is the field's own Python type (an int is
/// fine for a float field: Python computes the same with it).
fn native(ty: Ty, node: &Node) -> Option<ParamValue> {
    match (ty, &node.value) {
        (Ty::Bool, Value::Bool(b)) => Some(ParamValue::Bool(*b)),
        (Ty::Int, Value::Int(i)) => Some(ParamValue::Int(*i)),
        (Ty::Float, Value::Float(x)) => Some(ParamValue::Float(*x)),
        (Ty::Float, Value::Int(i)) => Some(ParamValue::Float(*i as f64)),
        _ => None,
    }
}

/// Runs the reference cannot repeat: its perturbation stream is seeded from
/// OS entropy without `perturbations.seed`.
fn guard(cfg: &PerturbationConfig, top: &Section, ctx: &Context, report: &mut Report) {
    let line_of = |section: &str| {
        top.get(section).map_or(0, |e| {
            e.value
                .entries()
                .and_then(|s| s.iter().find(|e| e.key == "enabled"))
                .map_or(e.key_line, |e| e.key_line)
        })
    };
    let unseeded = |what: &str| {
        format!(
            "{what} drawn from the perturbation stream Random(perturbations.seed), which the reference seeds from OS entropy when perturbations.seed is absent: no run can be repeated, the reference's own included; set perturbations.seed to an integer to run it exactly (--allow-unmodelled seeds it from the run's seed)"
        )
    };
    let d = &cfg.agent_dropout;
    if d.enabled {
        let rolled = ctx.agents.iter().any(|a| {
            a.count > 0
                && !d
                    .exempt_types
                    .iter()
                    .any(|t| t == a.kind.archetype().as_str())
        });
        if rolled && cfg.seed.is_none() {
            report.refuse(
                line_of("agent_dropout"),
                "perturbations.agent_dropout.enabled",
                unseeded("agent dropouts are"),
            );
        }
        if d.min_duration_steps > d.max_duration_steps {
            let why = "min_duration_steps > max_duration_steps: the reference's roll fails at its first hit every step, so no agent is ever dropped";
            report.warn(line_of("agent_dropout"), "perturbations.agent_dropout", why);
        }
    }
    let n = &cfg.network_partition;
    if n.enabled {
        let path = "perturbations.network_partition.enabled";
        if n.trigger == Trigger::Condition {
            report.warn(
                line_of("network_partition"),
                path,
                "trigger 'condition' never fires in the reference; ignored",
            );
        } else if !ctx.has_network {
            report.warn(
                line_of("network_partition"),
                path,
                "no network: the reference's partition does nothing; ignored",
            );
        } else if n.at_epoch.is_some() && n.mode != PartitionMode::IsolateType && cfg.seed.is_none()
        {
            report.refuse(
                line_of("network_partition"),
                path,
                unseeded("the partition's cuts are"),
            );
        }
    }
    let r = &cfg.resource_shock;
    if r.enabled && r.trigger == Trigger::Condition {
        let why = "trigger 'condition' never fires in the reference; ignored";
        report.warn(
            line_of("resource_shock"),
            "perturbations.resource_shock.enabled",
            why,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, LoadOptions};

    fn load(body: &str, allow: bool) -> Result<crate::scenario::Loaded, String> {
        let text = format!("agents:\n  - type: honest\n  - type: deceptive\n{body}");
        let opts = LoadOptions {
            allow_unmodelled: allow,
            ..LoadOptions::default()
        };
        load_str(&text, "t.yaml", opts).map_err(|e| e.message)
    }

    fn cfg(body: &str) -> Option<PerturbationConfig> {
        load(body, false).unwrap().scenario.perturbations
    }

    fn error(body: &str) -> String {
        load(body, true).unwrap_err()
    }

    #[test]
    fn falsy_sections_build_nothing_and_defaults_fill_the_rest() {
        for empty in [
            "perturbations:\n",
            "perturbations: {}\n",
            "perturbations: 0\n",
            "perturbations: []\n",
        ] {
            assert_eq!(cfg(empty), None, "{empty}");
        }
        let c =
            cfg("perturbations:\n  resource_shock:\n    enabled: yes\n    at_epoch: 3\n").unwrap();
        assert_eq!(c.seed, None);
        assert_eq!(c.agent_dropout, AgentDropout::default());
        assert!(c.resource_shock.enabled);
        assert_eq!(c.resource_shock.at_epoch, Some(3));
        assert_eq!(c.resource_shock.magnitude, 0.5);
        assert_eq!(c.resource_shock.mode, ResourceShockMode::DrainAll);
    }

    #[test]
    fn enabled_is_a_pydantic_bool() {
        let c = cfg("perturbations:\n  resource_shock:\n    enabled: 'off'\n").unwrap();
        assert!(!c.resource_shock.enabled);
        let c = cfg("perturbations:\n  agent_dropout:\n    enabled: 'no'\n").unwrap();
        assert!(!c.agent_dropout.enabled);
        for bad in ["2", "null", "maybe"] {
            let e = error(&format!(
                "perturbations:\n  resource_shock:\n    enabled: {bad}\n"
            ));
            assert!(
                e.contains("perturbations.resource_shock.enabled: expected true or false"),
                "{e}"
            );
        }
    }

    #[test]
    fn values_the_reference_fails_on_are_errors() {
        for (body, wanted) in [
            ("perturbations: abc\n", "perturbations: must be a mapping"),
            (
                "perturbations:\n  agent_dropout:\n",
                "perturbations.agent_dropout: must be a mapping",
            ),
            (
                "perturbations:\n  signal_corruption:\n    mode: blur\n",
                "perturbations.signal_corruption.mode: must be one of",
            ),
            (
                "perturbations:\n  signal_corruption:\n    mode:\n",
                "perturbations.signal_corruption.mode: must be one of",
            ),
            (
                "perturbations:\n  signal_corruption:\n    schedule:\n",
                "perturbations.signal_corruption.schedule: must be a list",
            ),
            (
                "perturbations:\n  parameter_shocks:\n    shocks:\n",
                "perturbations.parameter_shocks.shocks: must be a list",
            ),
            (
                "perturbations:\n  parameter_shocks:\n    shocks: [3]\n",
                "perturbations.parameter_shocks.shocks[0]: must be a mapping",
            ),
            (
                "perturbations:\n  parameter_shocks:\n    shocks:\n      - trigger: later\n",
                "shocks[0].trigger: must be one of 'epoch', 'condition'",
            ),
            (
                "perturbations:\n  parameter_shocks:\n    shocks:\n      - when: 3\n",
                "shocks[0].when: expected a string",
            ),
            (
                "perturbations:\n  parameter_shocks:\n    shocks:\n      - params:\n",
                "shocks[0].params: must be a mapping",
            ),
            (
                "perturbations:\n  network_partition:\n    mode: halves\n",
                "network_partition.mode: must be one of",
            ),
            (
                "perturbations:\n  resource_shock:\n    magnitude:\n",
                "resource_shock.magnitude: expected a number, got null",
            ),
            (
                "perturbations:\n  agent_dropout:\n    exempt_types: honest\n",
                "exempt_types: expected a list of strings",
            ),
            (
                "perturbations:\n  seed: 1.5\n",
                "perturbations.seed: expected an integer",
            ),
        ] {
            let e = error(body);
            assert!(e.contains(wanted), "{body}: {e}");
        }
    }

    #[test]
    fn dropout_without_a_seed_is_refused_naming_the_seed() {
        let body = "perturbations:\n  agent_dropout:\n    enabled: true\n";
        let e = load(body, false).unwrap_err();
        assert!(
            e.contains("t.yaml:6: perturbations.agent_dropout.enabled"),
            "{e}"
        );
        assert!(e.contains("set perturbations.seed"), "{e}");
        assert!(cfg(&format!("{body}  seed: 7\n")).is_some());
        // Every agent exempt: nothing is drawn, so nothing to repeat.
        let exempt = format!("{body}    exempt_types: [honest, deceptive]\n");
        assert!(cfg(&exempt).is_some());
        // Resource shocks and shocks never draw.
        assert!(
            cfg("perturbations:\n  resource_shock:\n    enabled: true\n    at_epoch: 1\n")
                .is_some()
        );
    }

    #[test]
    fn shocks_of_unmodelled_or_unknown_parameters_are_refused_by_name() {
        let shock = |params: &str| {
            format!("perturbations:\n  parameter_shocks:\n    enabled: true\n    shocks:\n      - at_epoch: 2\n        params:\n{params}")
        };
        let refused = |params: &str| -> Vec<String> {
            load(&shock(params), true).unwrap().scenario.unmodelled
        };
        let base = "perturbations.parameter_shocks.shocks[0].params";
        assert_eq!(
            refused("          refinery_enabled: true\n"),
            [format!("{base}.refinery_enabled")]
        );
        assert_eq!(
            refused("          sybil_penalty_multiplier: 2.0\n"),
            [format!("{base}.sybil_penalty_multiplier")]
        );
        assert_eq!(
            refused("          audit_probabilty: 0.3\n"),
            [format!("{base}.audit_probabilty")]
        );
        assert!(load(&shock("          audit_probabilty: 0.3\n"), true)
            .unwrap()
            .unmodelled[0]
            .message
            .contains("did you mean 'audit_probability'"));
        // Values the reference would store unconverted.
        assert_eq!(
            refused("          audit_probability: '0.3'\n"),
            [format!("{base}.audit_probability")]
        );
        assert_eq!(
            refused("          freeze_threshold_violations: 2.0\n"),
            [format!("{base}.freeze_threshold_violations")]
        );
        // Modelled parameters with values of their type are kept in order.
        let c = load(
            &shock(
                "          audit_probability: 1\n          rbac_enabled: false\n          a.b: 1\n",
            ),
            false,
        )
        .unwrap()
        .scenario
        .perturbations
        .unwrap();
        assert_eq!(
            c.parameter_shocks.shocks[0].params,
            [
                ("audit_probability", ParamValue::Float(1.0)),
                ("rbac_enabled", ParamValue::Bool(false))
            ]
        );
        assert!(c.shocks_param("audit_probability"));
        // A shock that never fires is not judged.
        let never = "perturbations:\n  parameter_shocks:\n    enabled: true\n    shocks:\n      - params:\n          refinery_enabled: true\n";
        assert!(load(never, false).is_ok());
    }

    #[test]
    fn conditions_follow_the_reference_grammar() {
        let c = Condition::parse(" toxicity_rate >= 0.35 ").unwrap();
        assert!(c.holds(0, 0.35, 0.0) && !c.holds(0, 0.3499, 0.0));
        assert!(Condition::parse("epoch != 1_000")
            .unwrap()
            .holds(3, 0.0, 0.0));
        assert!(Condition::parse("quality_gap < -inf").is_some_and(|c| !c.holds(0, 0.0, -1e300)));
        let nan = Condition::parse("epoch != NaN").unwrap();
        assert!(nan.holds(0, 0.0, 0.0));
        for bad in [
            "toxicity > 0.5",
            "epoch => 1",
            "epoch > 1 2",
            "epoch>1",
            "epoch > 1__0",
            "epoch > 0x10",
            "",
        ] {
            assert_eq!(Condition::parse(bad), None, "{bad}");
        }
    }
}
