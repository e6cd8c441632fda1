//! Dotted-path parameters for sweeps: `governance.*`, `payoff.*`,
//! `simulation.*`, `rate_limits.*`, `agents.<type>.count`,
//! `agents.<type>.config.<key>`, `dynamic_toxicity.<mode>.<key>` (for the
//! modes the scenario enables), for a scenario that has them
//! `marketplace.*`, `contracts.{truthful_auction,fair_division,market}.*`
//! `scholar.*` and `resource_negotiation.*`, and `semantics.<fix option>` (true or false: the
//! reference's behaviour or the fix). Paths resolve through the loader's schema
//! tables, so a swept value passes the same type and range checks, with the
//! same messages, as the same value written in a scenario file.

use std::fmt;

use super::coerce::{coerce_checked, node_of, Rule, Ty, COUNT};
use super::handlers::{self, AWM, AWM_FIELDS, RIVALS, RIVALS_FIELDS};
use super::schema::{self, Field, Inert, Role};
use super::yaml::format_float;
use super::{markets, memory, scholar, AgentConfig, AgentKind, AwmConfig, MemoryTiersConfig};
use super::{RivalsConfig, Scenario, ScholarConfig};
use crate::sim::agents::{ConfigVisitor, ConfigVisitorMut};
use crate::sim::dynamic_toxicity::{contagion, drift, erosion, MODES};
use crate::sim::{negotiation, spawn, tierra};
use crate::suggest::did_you_mean;

const NEGOTIATION: &str = "resource_negotiation";

/// A value a sweep assigns to a parameter path.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// The type a parameter path takes (decides the Parquet column type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Bool,
    Int,
    Float,
    Str,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub message: String,
}

impl ParamValue {
    pub fn kind(&self) -> ParamKind {
        match self {
            ParamValue::Bool(_) => ParamKind::Bool,
            ParamValue::Int(_) => ParamKind::Int,
            ParamValue::Float(_) => ParamKind::Float,
            ParamValue::Str(_) => ParamKind::Str,
        }
    }

    // The conversions below serve setters whose input already passed the
    // field's type check; they are total so that no input can panic.
    pub(crate) fn to_f64(&self) -> f64 {
        match self {
            ParamValue::Float(x) => *x,
            ParamValue::Int(i) => *i as f64,
            ParamValue::Bool(b) => f64::from(u8::from(*b)),
            ParamValue::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
        }
    }

    pub(crate) fn to_bool(&self) -> bool {
        match self {
            ParamValue::Bool(b) => *b,
            ParamValue::Int(i) => *i != 0,
            ParamValue::Float(x) => *x != 0.0,
            ParamValue::Str(s) => !s.is_empty(),
        }
    }

    pub(crate) fn int_into<I: TryFrom<i64> + Default>(&self) -> I {
        let i = match self {
            ParamValue::Int(i) => *i,
            ParamValue::Float(x) => *x as i64,
            ParamValue::Bool(b) => i64::from(*b),
            ParamValue::Str(s) => s.trim().parse().unwrap_or_default(),
        };
        I::try_from(i).unwrap_or_default()
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => f.write_str(&format_float(*x)),
            ParamValue::Str(s) => f.write_str(s),
        }
    }
}

/// Where a resolved path reads and writes.
enum Target {
    Governance(&'static Field<super::GovernanceConfig>),
    Payoff(&'static Field<super::PayoffConfig>),
    Simulation(&'static Field<super::SimulationConfig>),
    RateLimits(&'static Field<super::RateLimits>),
    Marketplace(&'static Field<super::MarketplaceConfig>),
    TruthfulAuction(&'static Field<super::TruthfulAuctionConfig>),
    FairDivision(&'static Field<super::FairDivisionConfig>),
    ContractMarket(&'static Field<super::ContractMarketConfig>),
    AgentCount(AgentKind),
    AgentConfig(AgentKind, &'static str, Ty, Rule),
    ProxyDrift(&'static Field<drift::Config>),
    TrustErosion(&'static Field<erosion::Config>),
    QualityContagion(&'static Field<contagion::Config>),
    /// A fix option (`Semantics::OPTIONS`).
    Semantics(&'static str),
    Scholar(&'static Field<ScholarConfig>),
    ResourceNegotiation(&'static Field<negotiation::Config>),
    Tierra(&'static Field<tierra::Config>),
    Spawn(&'static Field<spawn::Config>),
    MemoryTiers(&'static Field<MemoryTiersConfig>),
    Awm(&'static Field<AwmConfig>),
    Rivals(&'static Field<RivalsConfig>),
}

impl Target {
    fn ty_rule(&self) -> (Ty, Rule) {
        match self {
            Target::Governance(f) => (f.ty, f.rule),
            Target::Payoff(f) => (f.ty, f.rule),
            Target::Simulation(f) => (f.ty, f.rule),
            Target::RateLimits(f) => (f.ty, f.rule),
            Target::Marketplace(f) => (f.ty, f.rule),
            Target::TruthfulAuction(f) => (f.ty, f.rule),
            Target::FairDivision(f) => (f.ty, f.rule),
            Target::ContractMarket(f) => (f.ty, f.rule),
            Target::AgentCount(_) => (Ty::Int, COUNT),
            Target::AgentConfig(_, _, ty, rule) => (*ty, *rule),
            Target::ProxyDrift(f) => (f.ty, f.rule),
            Target::TrustErosion(f) => (f.ty, f.rule),
            Target::QualityContagion(f) => (f.ty, f.rule),
            Target::Semantics(_) => (Ty::Bool, Rule::Any),
            Target::Scholar(f) => (f.ty, f.rule),
            Target::ResourceNegotiation(f) => (f.ty, f.rule),
            Target::Tierra(f) => (f.ty, f.rule),
            Target::Spawn(f) => (f.ty, f.rule),
            Target::MemoryTiers(f) => (f.ty, f.rule),
            Target::Awm(f) => (f.ty, f.rule),
            Target::Rivals(f) => (f.ty, f.rule),
        }
    }

    /// The schema's inert marker of the key.
    fn inert(&self) -> Option<Inert> {
        match self {
            Target::Governance(f) => f.inert,
            Target::Payoff(f) => f.inert,
            Target::Simulation(f) => f.inert,
            Target::RateLimits(f) => f.inert,
            Target::Marketplace(f) => f.inert,
            Target::TruthfulAuction(f) => f.inert,
            Target::FairDivision(f) => f.inert,
            Target::ContractMarket(f) => f.inert,
            Target::AgentConfig(kind, key, ..) => agent_config_inert(*kind, key),
            Target::ProxyDrift(f) => f.inert,
            Target::TrustErosion(f) => f.inert,
            Target::QualityContagion(f) => f.inert,
            Target::Scholar(f) => f.inert,
            Target::ResourceNegotiation(f) => f.inert,
            Target::Tierra(f) => f.inert,
            Target::Spawn(f) => f.inert,
            Target::MemoryTiers(f) => f.inert,
            Target::Awm(f) => f.inert,
            Target::Rivals(f) => f.inert,
            Target::AgentCount(_) | Target::Semantics(_) => None,
        }
    }
}

/// Why setting `path` changes nothing in a run of `scenario`, when the
/// schema says it does not (`schema::Inert`): the key is read nowhere, or
/// only where this scenario does not go (a fix option off, no marketplace).
pub fn inert(scenario: &Scenario, path: &str) -> Option<&'static str> {
    let marker = resolve(scenario, path).ok()?.inert()?;
    marker.applies(scenario).then_some(marker.why)
}

/// The kind of a valid path for this scenario, or an error naming the path
/// and suggesting the nearest valid one.
pub fn param_kind(scenario: &Scenario, path: &str) -> Result<ParamKind, ParamError> {
    resolve(scenario, path).map(|t| t.ty_rule().0.kind())
}

/// Set `path` to `value`, checking type and range like the loader does.
pub fn set_param(
    scenario: &mut Scenario,
    path: &str,
    value: &ParamValue,
) -> Result<(), ParamError> {
    let target = resolve(scenario, path)?;
    let (ty, rule) = target.ty_rule();
    let value = coerce_checked(ty, rule, &node_of(value)).map_err(|m| ParamError {
        message: format!("{path}: {m}"),
    })?;
    // A value the loader's fidelity guard would refuse in this scenario.
    let refused_before = unmodelled_with(scenario).len();
    let handlers_refused_before = handlers::unmodelled_with(scenario).len();
    let market_refused_before = markets::unmodelled_with(scenario).len();
    match target {
        Target::Governance(f) => set_field(f, &mut scenario.governance, &value),
        Target::Payoff(f) => set_field(f, &mut scenario.payoff, &value),
        Target::Simulation(f) => set_field(f, &mut scenario.simulation, &value),
        Target::RateLimits(f) => set_field(f, &mut scenario.rate_limits, &value),
        Target::Marketplace(f) => {
            if let Some(m) = scenario.marketplace.as_mut() {
                set_field(f, m, &value);
            }
        }
        Target::TruthfulAuction(f) => {
            if let Some(c) = scenario.contracts.as_mut() {
                set_field(f, &mut c.truthful_auction, &value);
            }
        }
        Target::FairDivision(f) => {
            if let Some(c) = scenario.contracts.as_mut() {
                set_field(f, &mut c.fair_division, &value);
            }
        }
        Target::ContractMarket(f) => {
            if let Some(c) = scenario.contracts.as_mut() {
                set_field(f, &mut c.market, &value);
            }
        }
        Target::AgentCount(kind) => {
            if let Some(spec) = scenario.agents.iter_mut().find(|s| s.kind == kind) {
                spec.count = value.int_into();
            }
        }
        Target::AgentConfig(kind, key, ..) => {
            for spec in scenario.agents.iter_mut().filter(|s| s.kind == kind) {
                set_agent_config(&mut spec.config, key, &value);
            }
        }
        Target::ProxyDrift(f) => {
            let cfg = scenario
                .dynamic_toxicity
                .as_mut()
                .and_then(|c| c.proxy_drift.as_mut());
            if let Some(cfg) = cfg {
                set_field(f, cfg, &value);
            }
        }
        Target::TrustErosion(f) => {
            let cfg = scenario
                .dynamic_toxicity
                .as_mut()
                .and_then(|c| c.trust_erosion.as_mut());
            if let Some(cfg) = cfg {
                set_field(f, cfg, &value);
            }
        }
        Target::QualityContagion(f) => {
            let cfg = scenario
                .dynamic_toxicity
                .as_mut()
                .and_then(|c| c.quality_contagion.as_mut());
            if let Some(cfg) = cfg {
                set_field(f, cfg, &value);
            }
        }
        Target::Semantics(name) => {
            scenario.semantics.set(name, value.to_bool());
        }
        Target::Scholar(f) => {
            if let Some(cfg) = scenario.scholar.as_mut() {
                set_field(f, cfg, &value);
            }
        }
        Target::ResourceNegotiation(f) => {
            if let Some(cfg) = scenario.resource_negotiation.as_mut() {
                set_field(f, cfg, &value);
            }
        }
        Target::Tierra(f) => {
            if let Some(cfg) = scenario.tierra.as_mut() {
                set_field(f, cfg, &value);
            }
        }
        Target::Spawn(f) => {
            if let Some(cfg) = scenario.spawn.as_mut() {
                set_field(f, cfg, &value);
            }
        }
        Target::MemoryTiers(f) => {
            if let Some(cfg) = scenario.memory_tiers.as_mut() {
                set_field(f, cfg, &value);
            }
        }
        Target::Awm(f) => {
            if let Some(cfg) = scenario.awm.as_mut() {
                set_field(f, cfg, &value);
            }
        }
        Target::Rivals(f) => {
            if let Some(cfg) = scenario.rivals.as_mut() {
                set_field(f, cfg, &value);
            }
        }
    }
    if let Some(what) = unmodelled_with(scenario).get(refused_before) {
        return Err(ParamError {
            message: format!("{path}: not modelled here: {what}"),
        });
    }
    if let Some((_, what)) = handlers::unmodelled_with(scenario).get(handlers_refused_before) {
        return Err(ParamError {
            message: format!("{path}: not modelled here: {what}"),
        });
    }
    // A count raised from 0 brings agents whose marketplace branches are
    // not modelled.
    if let Some(what) = markets::unmodelled_with(scenario).get(market_refused_before) {
        return Err(ParamError {
            message: format!("{path}: not modelled here: {what}"),
        });
    }
    Ok(())
}

/// What the fidelity guard refuses in `scenario` for its handlers'
/// interactions (scholar, then memory tiers, then spawning agents).
fn unmodelled_with(scenario: &Scenario) -> Vec<String> {
    let mut out = scholar::unmodelled_with(scenario);
    out.extend(memory::unmodelled_with(scenario));
    out.extend(
        super::alife::spawning_unmodelled_with(scenario)
            .into_iter()
            .map(String::from),
    );
    out
}

/// The current value at `path`.
pub fn get_param(scenario: &Scenario, path: &str) -> Option<ParamValue> {
    match resolve(scenario, path).ok()? {
        Target::Governance(f) => get_field(f, &scenario.governance),
        Target::Payoff(f) => get_field(f, &scenario.payoff),
        Target::Simulation(f) => get_field(f, &scenario.simulation),
        Target::RateLimits(f) => get_field(f, &scenario.rate_limits),
        Target::Marketplace(f) => get_field(f, scenario.marketplace.as_ref()?),
        Target::TruthfulAuction(f) => get_field(f, &scenario.contracts.as_ref()?.truthful_auction),
        Target::FairDivision(f) => get_field(f, &scenario.contracts.as_ref()?.fair_division),
        Target::ContractMarket(f) => get_field(f, &scenario.contracts.as_ref()?.market),
        Target::AgentCount(kind) => {
            let spec = scenario.agents.iter().find(|s| s.kind == kind)?;
            Some(ParamValue::Int(i64::from(spec.count)))
        }
        Target::AgentConfig(kind, key, ..) => {
            let spec = scenario.agents.iter().find(|s| s.kind == kind)?;
            get_agent_config(&spec.config, key)
        }
        Target::ProxyDrift(f) => {
            get_field(f, scenario.dynamic_toxicity.as_ref()?.proxy_drift.as_ref()?)
        }
        Target::TrustErosion(f) => get_field(
            f,
            scenario.dynamic_toxicity.as_ref()?.trust_erosion.as_ref()?,
        ),
        Target::QualityContagion(f) => get_field(
            f,
            scenario
                .dynamic_toxicity
                .as_ref()?
                .quality_contagion
                .as_ref()?,
        ),
        Target::Semantics(name) => scenario.semantics.get(name).map(ParamValue::Bool),
        Target::Scholar(f) => get_field(f, scenario.scholar.as_ref()?),
        Target::ResourceNegotiation(f) => get_field(f, scenario.resource_negotiation.as_ref()?),
        Target::Tierra(f) => get_field(f, scenario.tierra.as_ref()?),
        Target::Spawn(f) => get_field(f, scenario.spawn.as_ref()?),
        Target::MemoryTiers(f) => get_field(f, scenario.memory_tiers.as_ref()?),
        Target::Awm(f) => get_field(f, scenario.awm.as_ref()?),
        Target::Rivals(f) => get_field(f, scenario.rivals.as_ref()?),
    }
}

/// Every path a sweep may set on this scenario, in a stable order.
pub fn param_paths(scenario: &Scenario) -> Vec<String> {
    fn modelled<T>(out: &mut Vec<String>, section: &str, table: &'static [Field<T>]) {
        let keys = table.iter().filter(|f| f.is_sweepable()).map(|f| f.key);
        out.extend(keys.map(|k| format!("{section}.{k}")));
    }
    let mut out = Vec::new();
    modelled(&mut out, "governance", schema::GOVERNANCE);
    modelled(&mut out, "payoff", schema::PAYOFF);
    modelled(&mut out, "simulation", schema::SIMULATION);
    modelled(&mut out, "rate_limits", schema::RATE_LIMITS);
    if scenario.marketplace.is_some() {
        modelled(&mut out, "marketplace", schema::MARKETPLACE);
    }
    if scenario.contracts.is_some() {
        modelled(
            &mut out,
            "contracts.truthful_auction",
            schema::TRUTHFUL_AUCTION,
        );
        modelled(&mut out, "contracts.fair_division", schema::FAIR_DIVISION);
        modelled(&mut out, "contracts.market", schema::CONTRACT_MARKET);
    }
    for &kind in AgentKind::ALL {
        if scenario.agents.iter().any(|s| s.kind == kind) {
            out.push(format!("agents.{kind}.count"));
            for key in agent_config_keys(kind) {
                out.push(format!("agents.{kind}.config.{key}"));
            }
        }
    }
    for (name, _) in super::Semantics::OPTIONS {
        out.push(format!("semantics.{name}"));
    }
    if let Some(dt) = &scenario.dynamic_toxicity {
        let [d, e, c] = MODES.map(|m| format!("dynamic_toxicity.{m}"));
        if dt.proxy_drift.is_some() {
            modelled(&mut out, &d, drift::FIELDS);
        }
        if dt.trust_erosion.is_some() {
            modelled(&mut out, &e, erosion::FIELDS);
        }
        if dt.quality_contagion.is_some() {
            modelled(&mut out, &c, contagion::FIELDS);
        }
    }
    if scenario.scholar.is_some() {
        modelled(&mut out, scholar::SECTION, scholar::FIELDS);
    }
    if scenario.resource_negotiation.is_some() {
        modelled(&mut out, NEGOTIATION, negotiation::FIELDS);
    }
    if scenario.tierra.is_some() {
        modelled(&mut out, "tierra", tierra::FIELDS);
    }
    if scenario.spawn.is_some() {
        modelled(&mut out, "spawn", spawn::FIELDS);
    }
    if scenario.memory_tiers.is_some() {
        modelled(&mut out, memory::SECTION, memory::FIELDS);
    }
    if scenario.awm.is_some() {
        modelled(&mut out, AWM, AWM_FIELDS);
    }
    if scenario.rivals.is_some() {
        modelled(&mut out, RIVALS, RIVALS_FIELDS);
    }
    out
}

fn resolve(scenario: &Scenario, path: &str) -> Result<Target, ParamError> {
    let (section, key) = path.split_once('.').unwrap_or((path, ""));
    let found = match section {
        "simulation" if key == "seed" => Err(Some(
            "the seed is not a sweep parameter; sweeps assign seeds per run".into(),
        )),
        "governance" => table_param(schema::GOVERNANCE, key).map(Target::Governance),
        "payoff" => table_param(schema::PAYOFF, key).map(Target::Payoff),
        "simulation" => table_param(schema::SIMULATION, key).map(Target::Simulation),
        "rate_limits" => table_param(schema::RATE_LIMITS, key).map(Target::RateLimits),
        "marketplace" => {
            let found = table_param(schema::MARKETPLACE, key).map(Target::Marketplace);
            present(found, scenario.marketplace.is_some(), "marketplace")
        }
        "contracts" => {
            let (sub, key) = key.split_once('.').unwrap_or((key, ""));
            let found = match sub {
                "truthful_auction" => {
                    table_param(schema::TRUTHFUL_AUCTION, key).map(Target::TruthfulAuction)
                }
                "fair_division" => {
                    table_param(schema::FAIR_DIVISION, key).map(Target::FairDivision)
                }
                "market" => table_param(schema::CONTRACT_MARKET, key).map(Target::ContractMarket),
                _ => Err(None),
            };
            present(found, scenario.contracts.is_some(), "contract market")
        }
        "agents" => resolve_agent(scenario, key),
        "dynamic_toxicity" => resolve_dynamic_toxicity(scenario, key),
        "semantics" => super::Semantics::OPTIONS
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(n, _)| Target::Semantics(n))
            .ok_or(None),
        scholar::SECTION if scenario.scholar.is_none() => Err(Some(
            "the scenario builds no scholar handler (no enabled 'scholar' section)".into(),
        )),
        scholar::SECTION => table_param(scholar::FIELDS, key).map(Target::Scholar),
        "tierra" => {
            let found = table_param(tierra::FIELDS, key).map(Target::Tierra);
            present(found, scenario.tierra.is_some(), "Tierra handler")
        }
        "spawn" => {
            let found = table_param(spawn::FIELDS, key).map(Target::Spawn);
            present(found, scenario.spawn.is_some(), "spawn section")
        }
        NEGOTIATION => {
            let found = table_param(negotiation::FIELDS, key).map(Target::ResourceNegotiation);
            present(
                found,
                scenario.resource_negotiation.is_some(),
                "resource negotiation handler",
            )
        }
        memory::SECTION if scenario.memory_tiers.is_none() => Err(Some(
            "the scenario builds no memory-tier handler (no enabled 'memory_tiers' section)".into(),
        )),
        memory::SECTION => table_param(memory::FIELDS, key).map(Target::MemoryTiers),
        AWM if scenario.awm.is_none() => Err(Some(
            "the scenario builds no agent-world-model handler (no enabled 'awm' section)".into(),
        )),
        AWM => table_param(AWM_FIELDS, key).map(Target::Awm),
        RIVALS if scenario.rivals.is_none() => Err(Some(
            "the scenario builds no team-of-rivals handler (no enabled 'rivals' section)".into(),
        )),
        RIVALS => table_param(RIVALS_FIELDS, key).map(Target::Rivals),
        _ => Err(None),
    };
    found.map_err(|why| {
        let message = why.unwrap_or_else(|| {
            let paths = param_paths(scenario);
            format!(
                "unknown parameter{}",
                did_you_mean(path, paths.iter().map(String::as_str))
            )
        });
        ParamError {
            message: format!("{path}: {message}"),
        }
    })
}

/// A market setting resolves only when the scenario builds that market.
fn present(
    found: Result<Target, Option<String>>,
    built: bool,
    what: &str,
) -> Result<Target, Option<String>> {
    match found {
        Ok(_) if !built => Err(Some(format!(
            "the scenario has no {what} (its section is absent or switched off)"
        ))),
        other => other,
    }
}

/// A settable row of `table`. `Err(None)` means "no such key"; `Err(Some)`
/// says why a known key cannot be set.
fn table_param<T>(
    table: &'static [Field<T>],
    key: &str,
) -> Result<&'static Field<T>, Option<String>> {
    let f = schema::find(table, key).ok_or(None)?;
    match f.role {
        Role::Modelled { .. } => Ok(f),
        Role::ModelledList { .. } => Err(Some("a list-valued key; it cannot be swept".into())),
        Role::Dropped(why) | Role::Refused(why) => Err(Some(format!("{why}; it cannot be swept"))),
        Role::Read { .. } => Err(Some(
            "read by the reference but not modelled by this engine; it cannot be swept".into(),
        )),
    }
}

/// `<type>.count` or `<type>.config.<key>`.
fn resolve_agent(scenario: &Scenario, rest: &str) -> Result<Target, Option<String>> {
    let (type_name, tail) = rest.split_once('.').ok_or(None)?;
    let kind = AgentKind::parse(type_name).ok_or(None)?;
    if !scenario.agents.iter().any(|s| s.kind == kind) {
        let present: Vec<&str> = AgentKind::ALL
            .iter()
            .filter(|k| scenario.agents.iter().any(|s| s.kind == **k))
            .map(|k| k.as_str())
            .collect();
        return Err(Some(format!(
            "the scenario has no '{kind}' agents (it has: {})",
            present.join(", ")
        )));
    }
    if tail == "count" {
        return Ok(Target::AgentCount(kind));
    }
    let key = tail.strip_prefix("config.").ok_or(None)?;
    let (key, ty, rule) = agent_config_field(kind, key).ok_or(None)?;
    Ok(Target::AgentConfig(kind, key, ty, rule))
}

/// `<mode>.<key>` of a mode the scenario enables.
fn resolve_dynamic_toxicity(scenario: &Scenario, rest: &str) -> Result<Target, Option<String>> {
    let (mode, key) = rest.split_once('.').ok_or(None)?;
    let dt = scenario.dynamic_toxicity.as_ref();
    let built = match mode {
        "proxy_drift" => dt.is_some_and(|c| c.proxy_drift.is_some()),
        "trust_erosion" => dt.is_some_and(|c| c.trust_erosion.is_some()),
        "quality_contagion" => dt.is_some_and(|c| c.quality_contagion.is_some()),
        _ => return Err(None),
    };
    if !built {
        return Err(Some(format!(
            "the scenario does not enable {mode} (dynamic_toxicity.enabled)"
        )));
    }
    match mode {
        "proxy_drift" => table_param(drift::FIELDS, key).map(Target::ProxyDrift),
        "trust_erosion" => table_param(erosion::FIELDS, key).map(Target::TrustErosion),
        _ => table_param(contagion::FIELDS, key).map(Target::QualityContagion),
    }
}

fn get_field<T>(f: &Field<T>, value: &T) -> Option<ParamValue> {
    match f.role {
        Role::Modelled { get, .. } => Some(get(value)),
        _ => None,
    }
}

fn set_field<T>(f: &Field<T>, target: &mut T, value: &ParamValue) {
    if let Role::Modelled { set, .. } = f.role {
        set(target, value);
    }
}

fn agent_config_keys(kind: AgentKind) -> Vec<&'static str> {
    super::agents::config_keys(kind)
}

fn agent_config_field(kind: AgentKind, key: &str) -> Option<(&'static str, Ty, Rule)> {
    struct Row<'a>(&'a str);
    impl ConfigVisitor for Row<'_> {
        type Out = Option<(&'static str, Ty, Rule)>;
        fn visit<T: 'static>(self, fields: &'static [Field<T>], _: &T) -> Self::Out {
            schema::find(fields, self.0).map(|f| (f.key, f.ty, f.rule))
        }
    }
    kind.visit_fields(Row(key))
}

fn agent_config_inert(kind: AgentKind, key: &str) -> Option<Inert> {
    struct Row<'a>(&'a str);
    impl ConfigVisitor for Row<'_> {
        type Out = Option<Inert>;
        fn visit<T: 'static>(self, fields: &'static [Field<T>], _: &T) -> Self::Out {
            schema::find(fields, self.0).and_then(|f| f.inert)
        }
    }
    kind.visit_fields(Row(key))
}

fn get_agent_config(config: &AgentConfig, key: &str) -> Option<ParamValue> {
    struct Get<'a>(&'a str);
    impl ConfigVisitor for Get<'_> {
        type Out = Option<ParamValue>;
        fn visit<T: 'static>(self, fields: &'static [Field<T>], c: &T) -> Self::Out {
            get_field(schema::find(fields, self.0)?, c)
        }
    }
    config.visit(Get(key))
}

fn set_agent_config(config: &mut AgentConfig, key: &str, value: &ParamValue) {
    struct Set<'a>(&'a str, &'a ParamValue);
    impl ConfigVisitorMut for Set<'_> {
        type Out = ();
        fn visit<T: 'static>(self, fields: &'static [Field<T>], c: &mut T) {
            if let Some(f) = schema::find(fields, self.0) {
                set_field(f, c, self.1);
            }
        }
    }
    config.visit_mut(Set(key, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, LoadOptions};

    fn scenario() -> Scenario {
        let text =
            "agents:\n  - type: honest\n    count: 2\n  - type: deceptive\n  - type: honest\n";
        load_str(text, "test.yaml", LoadOptions::default())
            .unwrap()
            .scenario
    }

    fn error(s: &mut Scenario, path: &str, value: ParamValue) -> String {
        set_param(s, path, &value).unwrap_err().message
    }

    #[test]
    fn kinds_of_each_section() {
        let s = scenario();
        let kind = |p| param_kind(&s, p).unwrap();
        assert_eq!(kind("governance.audit_probability"), ParamKind::Float);
        assert_eq!(kind("governance.bandwidth_cap"), ParamKind::Int);
        assert_eq!(kind("governance.audit_enabled"), ParamKind::Bool);
        assert_eq!(kind("payoff.theta"), ParamKind::Float);
        assert_eq!(kind("simulation.schedule_mode"), ParamKind::Str);
        assert_eq!(kind("simulation.n_epochs"), ParamKind::Int);
        assert_eq!(kind("rate_limits.posts_per_epoch"), ParamKind::Int);
        assert_eq!(kind("agents.honest.count"), ParamKind::Int);
        assert_eq!(
            kind("agents.deceptive.config.trust_building_phase"),
            ParamKind::Int
        );
        assert_eq!(kind("agents.honest.config.trust_weight"), ParamKind::Float);
    }

    #[test]
    fn a_count_that_brings_unmodelled_marketplace_agents_is_refused() {
        let text = "agents:\n  - type: honest\n  - type: ldt\n    count: 0\nmarketplace:\n  enabled: true\n";
        let mut s = load_str(text, "t.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        let e = error(&mut s, "agents.ldt.count", ParamValue::Int(2));
        assert!(
            e.starts_with(
                "agents.ldt.count: not modelled here: agents of type 'ldt': with a marketplace"
            ),
            "{e}"
        );
        set_param(&mut s, "agents.ldt.count", &ParamValue::Int(0)).unwrap();
        set_param(&mut s, "agents.honest.count", &ParamValue::Int(4)).unwrap();
    }

    #[test]
    fn market_settings_are_sweepable_when_the_scenario_has_the_market() {
        let mut s = scenario();
        let e = error(
            &mut s,
            "marketplace.min_bounty_amount",
            ParamValue::Float(2.0),
        );
        assert!(e.contains("the scenario has no marketplace"), "{e}");
        let text = "agents:\n  - type: honest\nmarketplace:\n  min_bounty_amount: 1.0\ncontracts:\n  market: {}\n";
        let mut s = load_str(text, "t.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        let paths = param_paths(&s);
        assert!(paths.contains(&"marketplace.min_bounty_amount".to_string()));
        assert!(paths.contains(&"contracts.fair_division.entry_fee".to_string()));
        set_param(
            &mut s,
            "marketplace.min_bounty_amount",
            &ParamValue::Float(2.5),
        )
        .unwrap();
        assert_eq!(s.marketplace.as_ref().unwrap().min_bounty_amount, 2.5);
        set_param(
            &mut s,
            "contracts.market.belief_update_rate",
            &ParamValue::Float(0.7),
        )
        .unwrap();
        assert_eq!(
            get_param(&s, "contracts.market.belief_update_rate"),
            Some(ParamValue::Float(0.7))
        );
        let e = error(
            &mut s,
            "contracts.fair_division.redistribution_rate",
            ParamValue::Float(2.0),
        );
        assert!(e.contains("must be in [0, 1]"), "{e}");
        assert_eq!(
            kind_of(&s, "governance.sybil_max_cluster_size"),
            ParamKind::Int
        );
    }

    fn kind_of(s: &Scenario, path: &str) -> ParamKind {
        param_kind(s, path).unwrap()
    }

    #[test]
    fn unknown_paths_suggest_the_nearest() {
        let s = scenario();
        let err = |p| param_kind(&s, p).unwrap_err().message;
        assert_eq!(
            err("governance.audit_probabilty"),
            "governance.audit_probabilty: unknown parameter; did you mean 'governance.audit_probability'?"
        );
        assert_eq!(
            err("agents.honest.config.post_probabilty"),
            "agents.honest.config.post_probabilty: unknown parameter; did you mean 'agents.honest.config.post_probability'?"
        );
        assert_eq!(err("nonsense"), "nonsense: unknown parameter");
        assert!(err("simulation.seed").contains("not a sweep parameter"));
        assert!(
            err("governance.incoherence_breaker_enabled").contains("not modelled by this engine")
        );
        assert!(err("marketplace.min_bounty_amount").contains("the scenario has no marketplace"));
        assert!(err("governance.rbac_high_stakes_actions").contains("list-valued"));
        assert_eq!(
            param_kind(&s, "governance.rbac_violation_penalty").unwrap(),
            ParamKind::Float
        );
        assert!(
            err("governance.moderator_enabled").contains("dropped by the reference's YAML loader")
        );
        assert!(err("payoff.sigmoid_k").contains("not read by the reference's YAML loader"));
        assert_eq!(
            err("agents.adversarial.count"),
            "agents.adversarial.count: the scenario has no 'adversarial' agents (it has: honest, deceptive)"
        );
    }

    #[test]
    fn set_checks_type_and_range_like_the_loader() {
        let mut s = scenario();
        let range = error(
            &mut s,
            "governance.audit_probability",
            ParamValue::Float(1.5),
        );
        assert_eq!(
            range,
            "governance.audit_probability: must be in [0, 1], got 1.5"
        );
        let fraction = error(&mut s, "governance.bandwidth_cap", ParamValue::Float(2.5));
        assert_eq!(
            fraction,
            "governance.bandwidth_cap: expected an integer, got 2.5 (a number with a fractional part)"
        );
        let zero = error(&mut s, "simulation.steps_per_epoch", ParamValue::Int(0));
        assert_eq!(zero, "simulation.steps_per_epoch: must be >= 1, got 0");
        let mode = error(
            &mut s,
            "simulation.schedule_mode",
            ParamValue::Str("fifo".into()),
        );
        assert!(
            mode.starts_with("simulation.schedule_mode: must be one of"),
            "{mode}"
        );
        let flag = error(&mut s, "governance.audit_enabled", ParamValue::Float(0.5));
        assert_eq!(
            flag,
            "governance.audit_enabled: expected true or false, got 0.5"
        );
        assert_eq!(s, scenario(), "failed sets change nothing");
    }

    #[test]
    fn set_then_get() {
        let mut s = scenario();
        set_param(
            &mut s,
            "governance.transaction_tax_rate",
            &ParamValue::Int(0),
        )
        .unwrap();
        set_param(&mut s, "payoff.theta", &ParamValue::Int(1)).unwrap();
        set_param(&mut s, "governance.bandwidth_cap", &ParamValue::Float(4.0)).unwrap();
        set_param(
            &mut s,
            "simulation.schedule_mode",
            &ParamValue::Str("random".into()),
        )
        .unwrap();
        assert_eq!(s.payoff.theta, 1.0);
        assert_eq!(s.governance.bandwidth_cap, 4);
        assert_eq!(
            s.simulation.schedule_mode,
            crate::scenario::ScheduleMode::Random
        );
        assert_eq!(get_param(&s, "payoff.theta"), Some(ParamValue::Float(1.0)));
        assert_eq!(
            get_param(&s, "governance.bandwidth_cap"),
            Some(ParamValue::Int(4))
        );
        assert_eq!(
            get_param(&s, "simulation.schedule_mode"),
            Some(ParamValue::Str("random".into()))
        );
        assert_eq!(get_param(&s, "governance.nonsense"), None);
    }

    #[test]
    fn agent_count_sets_the_first_spec_and_config_sets_every_spec() {
        let mut s = scenario();
        set_param(&mut s, "agents.honest.count", &ParamValue::Int(5)).unwrap();
        let counts: Vec<u32> = s.agents.iter().map(|a| a.count).collect();
        assert_eq!(counts, [5, 1, 1]);
        assert_eq!(
            get_param(&s, "agents.honest.count"),
            Some(ParamValue::Int(5))
        );
        set_param(
            &mut s,
            "agents.honest.config.post_probability",
            &ParamValue::Float(0.9),
        )
        .unwrap();
        for spec in s.agents.iter().filter(|a| a.kind == AgentKind::Honest) {
            match &spec.config {
                AgentConfig::Honest(c) => assert_eq!(c.post_probability, 0.9),
                other => panic!("{other:?}"),
            }
        }
        let negative = error(&mut s, "agents.honest.count", ParamValue::Int(-1));
        assert_eq!(negative, "agents.honest.count: must be >= 0, got -1");
    }

    #[test]
    fn dynamic_toxicity_settings_of_enabled_modes_are_parameters() {
        let text = "agents:\n  - type: honest\ndynamic_toxicity:\n  enabled: [trust_erosion, quality_contagion]\n  trust_erosion: {beta: 0.5}\n";
        let mut s = load_str(text, "t.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        let dt: Vec<String> = param_paths(&s)
            .into_iter()
            .filter(|p| p.starts_with("dynamic_toxicity"))
            .collect();
        assert_eq!(
            dt,
            [
                "dynamic_toxicity.trust_erosion.beta",
                "dynamic_toxicity.trust_erosion.exit_threshold",
                "dynamic_toxicity.trust_erosion.window",
                "dynamic_toxicity.trust_erosion.min_honest",
                "dynamic_toxicity.quality_contagion.gamma",
                "dynamic_toxicity.quality_contagion.neutral",
            ]
        );
        let path = "dynamic_toxicity.trust_erosion.beta";
        assert_eq!(get_param(&s, path), Some(ParamValue::Float(0.5)));
        set_param(&mut s, path, &ParamValue::Float(0.7)).unwrap();
        assert_eq!(
            s.dynamic_toxicity
                .as_ref()
                .unwrap()
                .trust_erosion
                .as_ref()
                .unwrap()
                .beta,
            0.7
        );
        set_param(
            &mut s,
            "dynamic_toxicity.trust_erosion.window",
            &ParamValue::Int(-2),
        )
        .unwrap();
        assert_eq!(
            param_kind(&s, "dynamic_toxicity.trust_erosion.min_honest").unwrap(),
            ParamKind::Int
        );
        let err = |p| param_kind(&s, p).unwrap_err().message;
        assert_eq!(
            err("dynamic_toxicity.proxy_drift.alpha"),
            "dynamic_toxicity.proxy_drift.alpha: the scenario does not enable proxy_drift (dynamic_toxicity.enabled)"
        );
        assert_eq!(
            err("dynamic_toxicity.quality_contagion.gama"),
            "dynamic_toxicity.quality_contagion.gama: unknown parameter; did you mean 'dynamic_toxicity.quality_contagion.gamma'?"
        );
    }

    #[test]
    fn inert_keys_say_why_and_come_alive_with_their_condition() {
        let mut s = scenario();
        let why = |s: &Scenario, p: &str| inert(s, p);
        assert!(why(&s, "governance.stake_slash_rate")
            .unwrap()
            .contains("nothing calls it"));
        assert!(why(&s, "agents.deceptive.config.post_probability").is_none());
        assert!(why(&s, "governance.audit_probability").is_none());
        assert!(why(&s, "governance.bandwidth_cap").is_some());
        s.semantics.enforce_bandwidth_cap = true;
        assert_eq!(why(&s, "governance.bandwidth_cap"), None);
        assert!(why(&s, "rate_limits.bounties_per_epoch")
            .unwrap()
            .contains("marketplace"));
        assert!(why(&s, "payoff.w_rep").is_some());
        s.contracts = Some(Default::default());
        assert_eq!(why(&s, "payoff.w_rep"), None);
        assert_eq!(why(&s, "nonsense.path"), None);
        let opp = load_str(
            "agents:\n  - type: opportunistic\n  - type: adversarial\n",
            "t.yaml",
            LoadOptions::default(),
        )
        .unwrap()
        .scenario;
        for p in [
            "agents.opportunistic.config.payoff_threshold",
            "agents.opportunistic.config.free_ride_probability",
            "agents.adversarial.config.aggression_level",
            "agents.adversarial.config.coordination_enabled",
        ] {
            assert!(why(&opp, p).is_some(), "{p}");
        }
    }

    #[test]
    fn a_key_read_only_by_an_unmodelled_module_comes_alive_with_it() {
        use crate::scenario::schema::{Inert, Live};
        let s = scenario();
        // moltipedia is not modelled (a DOMAIN_SECTIONS entry); the
        // marketplace is.
        let waiting = Inert {
            why: "x",
            live: Live::WithModule("moltipedia"),
        };
        let modelled = Inert {
            why: "x",
            live: Live::WithModule("marketplace"),
        };
        assert!(waiting.applies(&s));
        assert!(!modelled.applies(&s));
    }

    #[test]
    fn fix_options_are_boolean_parameters() {
        let mut s = scenario();
        let path = "semantics.tax_uses_payoff";
        assert_eq!(param_kind(&s, path).unwrap(), ParamKind::Bool);
        assert_eq!(get_param(&s, path), Some(ParamValue::Bool(false)));
        set_param(&mut s, path, &ParamValue::Bool(true)).unwrap();
        assert!(s.semantics.tax_uses_payoff);
        assert_eq!(get_param(&s, path), Some(ParamValue::Bool(true)));
        assert_eq!(
            error(&mut s, "semantics.tax_uses_payof", ParamValue::Bool(true)),
            "semantics.tax_uses_payof: unknown parameter; did you mean 'semantics.tax_uses_payoff'?"
        );
        assert_eq!(
            error(&mut s, path, ParamValue::Float(0.5)),
            "semantics.tax_uses_payoff: expected true or false, got 0.5"
        );
    }

    #[test]
    fn every_listed_path_reads_and_accepts_its_own_value() {
        let mut s = scenario();
        let paths = param_paths(&s);
        // governance (40 core, 6 Sybil, 5 RBAC, 2 memory write rate, 9
        // resample), payoff, simulation, rate limits, two counts, honest
        // and deceptive configs, fix options
        assert_eq!(paths.len(), 40 + 6 + 5 + 2 + 9 + 7 + 6 + 6 + 2 + 5 + 4 + 6);
        for path in paths {
            let value = get_param(&s, &path).unwrap_or_else(|| panic!("{path}"));
            assert_eq!(param_kind(&s, &path).unwrap(), value.kind(), "{path}");
            set_param(&mut s, &path, &value).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(s, scenario());
    }
}
