//! A scenario's result-affecting content as canonical text: what a run's
//! identity is hashed from (docs/scale-out.md, "Reuse"). Two scenarios with
//! the same text give the same numbers for the same seed, whatever file,
//! comment, override or spec they came from. Settings at their defaults are
//! left out, so modelling a new key (a new schema row, default off) changes
//! no existing identity; a key that is set is in, typed (`1` and `1.0` and
//! `"1"` differ).

use std::fmt::Write;

use super::params::ParamValue;
use super::schema::{self, Field, Role};
use super::{AgentKind, GovernanceConfig, PayoffConfig, RateLimits, Scenario, SimulationConfig};
use crate::sim::agents::ConfigVisitor;
use crate::sim::dynamic_toxicity::{contagion, drift, erosion, MODES};

/// The canonical text. `simulation.seed` is not in it: runs set their own.
pub fn canonical(s: &Scenario) -> String {
    // Every field named, so that a field added to `Scenario` must be placed
    // here (in the text, or out of it with a reason) before this compiles.
    let Scenario {
        scenario_id,
        description: _, // display only
        motif: _,       // display only
        agents,
        simulation,
        governance,
        payoff,
        rate_limits,
        network,
        dynamic_toxicity,
        marketplace,
        contracts,
        perturbations,
        resource_negotiation,
        tierra,
        spawn,
        scholar,
        memory_tiers,
        awm,
        rivals,
        success_criteria: _, // evaluated after the run, never by it
        outputs: _,          // where the reference writes, not what
        semantics,
        // Keys the engine ignores (with --allow-unmodelled): they change
        // nothing it computes.
        unmodelled: _,
    } = s;
    let mut out = String::with_capacity(512);
    // The event log names the scenario.
    let _ = writeln!(out, "scenario_id={scenario_id:?}");
    core_sections(&mut out, simulation, governance, payoff, rate_limits);
    agents_text(&mut out, agents);
    if let Some(n) = network {
        // No schema table: every field, in declaration order.
        let _ = writeln!(out, "network={n:?}");
    }
    if let Some(dt) = dynamic_toxicity {
        dynamic_toxicity_text(&mut out, dt);
    }
    if let Some(m) = marketplace {
        let _ = writeln!(out, "marketplace");
        let d = super::MarketplaceConfig::default();
        section(&mut out, "marketplace", schema::MARKETPLACE, m, &d);
    }
    if let Some(c) = contracts {
        contracts_text(&mut out, c);
    }
    if let Some(p) = perturbations {
        // No schema table: every field, in declaration order.
        let _ = writeln!(out, "perturbations={p:?}");
    }
    alife_text(&mut out, resource_negotiation, tierra, spawn);
    handlers_text(&mut out, scholar, memory_tiers, awm, rivals);
    for (name, _) in super::Semantics::OPTIONS {
        if semantics.get(name) == Some(true) {
            let _ = writeln!(out, "semantics.{name}=true");
        }
    }
    out
}

/// The four sections every scenario has, by their schema tables.
fn core_sections(
    out: &mut String,
    simulation: &SimulationConfig,
    governance: &GovernanceConfig,
    payoff: &PayoffConfig,
    rate_limits: &RateLimits,
) {
    let sim_default = SimulationConfig::default();
    section(
        out,
        "simulation",
        schema::SIMULATION,
        simulation,
        &sim_default,
    );
    let gov_default = GovernanceConfig::default();
    section(
        out,
        "governance",
        schema::GOVERNANCE,
        governance,
        &gov_default,
    );
    section(
        out,
        "payoff",
        schema::PAYOFF,
        payoff,
        &PayoffConfig::default(),
    );
    let rate_default = RateLimits::default();
    section(
        out,
        "rate_limits",
        schema::RATE_LIMITS,
        rate_limits,
        &rate_default,
    );
}

/// Each agent group: its type and count, its name, and its config's
/// settings away from the type's defaults.
fn agents_text(out: &mut String, agents: &[super::AgentSpec]) {
    for (i, a) in agents.iter().enumerate() {
        let _ = writeln!(out, "agents[{i}]={}*{}", a.kind, a.count);
        if let Some(name) = &a.name {
            let _ = writeln!(out, "agents[{i}].name={name:?}");
        }
        a.config.visit(NonDefault {
            out,
            prefix: format!("agents[{i}].config"),
            kind: a.kind,
        });
    }
}

/// The dynamic-toxicity modes that are on, each with its settings.
fn dynamic_toxicity_text(out: &mut String, dt: &super::DynamicToxicityConfig) {
    let [d, e, c] = MODES.map(|m| format!("dynamic_toxicity.{m}"));
    if let Some(cfg) = &dt.proxy_drift {
        let _ = writeln!(out, "{d}");
        section(out, &d, drift::FIELDS, cfg, &drift::Config::default());
    }
    if let Some(cfg) = &dt.trust_erosion {
        let _ = writeln!(out, "{e}");
        section(out, &e, erosion::FIELDS, cfg, &erosion::Config::default());
    }
    if let Some(cfg) = &dt.quality_contagion {
        let _ = writeln!(out, "{c}");
        section(
            out,
            &c,
            contagion::FIELDS,
            cfg,
            &contagion::Config::default(),
        );
    }
}

/// The contract market: its three tables.
fn contracts_text(out: &mut String, c: &super::ContractsConfig) {
    let _ = writeln!(out, "contracts");
    let p = "contracts.truthful_auction";
    let d = super::TruthfulAuctionConfig::default();
    section(out, p, schema::TRUTHFUL_AUCTION, &c.truthful_auction, &d);
    let p = "contracts.fair_division";
    let d = super::FairDivisionConfig::default();
    section(out, p, schema::FAIR_DIVISION, &c.fair_division, &d);
    let d = super::ContractMarketConfig::default();
    section(
        out,
        "contracts.market",
        schema::CONTRACT_MARKET,
        &c.market,
        &d,
    );
}

/// Resource negotiation, Tierra and spawning.
fn alife_text(
    out: &mut String,
    resource_negotiation: &Option<crate::sim::negotiation::Config>,
    tierra: &Option<crate::sim::tierra::Config>,
    spawn: &Option<crate::sim::spawn::Config>,
) {
    if let Some(c) = resource_negotiation {
        // Its build-time draws shift the orchestrator stream even at the
        // defaults: the section's presence is part of the identity.
        let p = "resource_negotiation";
        let _ = writeln!(out, "{p}");
        let d = crate::sim::negotiation::Config::default();
        section(out, p, crate::sim::negotiation::FIELDS, c, &d);
    }
    if let Some(c) = tierra {
        let _ = writeln!(out, "tierra");
        let d = crate::sim::tierra::Config::default();
        section(out, "tierra", crate::sim::tierra::FIELDS, c, &d);
    }
    // Without a tree the section changes nothing.
    if let Some(c) = spawn.as_ref().filter(|c| c.enabled) {
        let _ = writeln!(out, "spawn");
        let d = crate::sim::spawn::Config::default();
        section(out, "spawn", crate::sim::spawn::FIELDS, c, &d);
    }
}

/// The handler modules, with no schema tables: every field, in
/// declaration order. `enabled` is informational once the section builds
/// the handler.
fn handlers_text(
    out: &mut String,
    scholar: &Option<super::ScholarConfig>,
    memory_tiers: &Option<super::MemoryTiersConfig>,
    awm: &Option<super::AwmConfig>,
    rivals: &Option<super::RivalsConfig>,
) {
    if let Some(c) = scholar {
        // Passages and queries included (the files' content is what
        // matters; their paths come along, so a moved file only costs a
        // rerun).
        let c = super::ScholarConfig {
            enabled: true,
            ..c.clone()
        };
        let _ = writeln!(out, "scholar={c:?}");
    }
    if let Some(c) = memory_tiers {
        // The seed included: it seeds the handler's streams.
        let c = super::MemoryTiersConfig {
            enabled: true,
            ..c.clone()
        };
        let _ = writeln!(out, "memory_tiers={c:?}");
    }
    if let Some(c) = awm {
        // AWM's seed is never read.
        let c = super::AwmConfig {
            enabled: true,
            seed: None,
            ..c.clone()
        };
        let _ = writeln!(out, "awm={c:?}");
    }
    if let Some(c) = rivals {
        let c = super::RivalsConfig {
            enabled: true,
            ..c.clone()
        };
        let _ = writeln!(out, "rivals={c:?}");
    }
}

/// `prefix.key=value` for every modelled field of `table` whose value in
/// `value` differs from `default`.
fn section<T>(out: &mut String, prefix: &str, table: &'static [Field<T>], value: &T, default: &T) {
    for f in table {
        match f.role {
            Role::Modelled { get, .. } => {
                let v = get(value);
                if v != get(default) {
                    let _ = writeln!(out, "{prefix}.{}={}", f.key, typed(&v));
                }
            }
            Role::ModelledList { get, .. } => {
                let v = get(value);
                if v != get(default) {
                    let _ = writeln!(out, "{prefix}.{}=list:{v:?}", f.key);
                }
            }
            Role::Read { .. } | Role::Dropped(_) | Role::Refused(_) => {}
        }
    }
}

struct NonDefault<'a> {
    out: &'a mut String,
    prefix: String,
    kind: AgentKind,
}

impl ConfigVisitor for NonDefault<'_> {
    type Out = ();
    fn visit<T: 'static>(self, fields: &'static [Field<T>], config: &T) {
        // The type's defaults, read through the same visitor.
        struct Defaults<'c>(&'c mut Vec<Option<ParamValue>>);
        impl ConfigVisitor for Defaults<'_> {
            type Out = ();
            fn visit<U: 'static>(self, fields: &'static [Field<U>], config: &U) {
                self.0.extend(fields.iter().map(|f| match f.role {
                    Role::Modelled { get, .. } => Some(get(config)),
                    _ => None,
                }));
            }
        }
        let mut defaults = Vec::with_capacity(fields.len());
        self.kind.visit_fields(Defaults(&mut defaults));
        for (i, f) in fields.iter().enumerate() {
            if let Role::Modelled { get, .. } = f.role {
                let v = get(config);
                if defaults.get(i).cloned().flatten().as_ref() != Some(&v) {
                    let _ = writeln!(self.out, "{}.{}={}", self.prefix, f.key, typed(&v));
                }
            }
        }
    }
}

/// A value with its type: `bool:true`, `int:3`, `float:0.1`, `str:"x"`.
/// Floats in Rust's shortest round-trip form, so distinct bits differ.
fn typed(v: &ParamValue) -> String {
    match v {
        ParamValue::Bool(b) => format!("bool:{b}"),
        ParamValue::Int(i) => format!("int:{i}"),
        ParamValue::Float(f) => format!("float:{f:?}"),
        ParamValue::Str(s) => format!("str:{s:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::params::set_param;
    use crate::scenario::{load_str, LoadOptions};

    fn load(text: &str) -> Scenario {
        load_str(text, "t.yaml", LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario
    }

    const BASE: &str =
        "scenario_id: t\nagents:\n  - type: honest\n    count: 2\n  - type: opportunistic\n";

    #[test]
    fn display_fields_comments_and_defaults_written_out_do_not_count() {
        let a = load(BASE);
        let b = load(&format!(
            "# a comment\ndescription: other\nmotif: m\n{BASE}governance:\n  audit_probability: 0.1\nsuccess_criteria:\n  min_epochs: 3\n"
        ));
        assert_eq!(canonical(&a), canonical(&b));
        let mut seeded = a.clone();
        seeded.simulation.seed = Some(7);
        assert_eq!(canonical(&a), canonical(&seeded));
    }

    #[test]
    fn every_result_affecting_setting_counts() {
        let a = load(BASE);
        let base = canonical(&a);
        let changed = |path: &str, v: ParamValue| {
            let mut s = a.clone();
            set_param(&mut s, path, &v).unwrap();
            canonical(&s)
        };
        for (path, v) in [
            ("governance.audit_probability", ParamValue::Float(0.2)),
            ("payoff.theta", ParamValue::Float(0.6)),
            ("simulation.n_epochs", ParamValue::Int(3)),
            ("rate_limits.posts_per_epoch", ParamValue::Int(1)),
            ("agents.honest.count", ParamValue::Int(3)),
            (
                "agents.opportunistic.config.post_probability",
                ParamValue::Float(0.5),
            ),
        ] {
            assert_ne!(changed(path, v), base, "{path}");
        }
        let mut fixed = a.clone();
        fixed.semantics.set("tax_uses_payoff", true);
        assert!(canonical(&fixed).contains("semantics.tax_uses_payoff=true"));
        let mut renamed = a.clone();
        renamed.scenario_id = "u".into();
        assert_ne!(canonical(&renamed), base);
        // List-valued settings count too.
        let mut listed = a.clone();
        listed.governance.rbac_high_stakes_actions = vec!["propose_interaction".into()];
        assert_ne!(canonical(&listed), base);
        // Agent order is the registration order: it counts.
        let swapped = load(
            "scenario_id: t\nagents:\n  - type: opportunistic\n  - type: honest\n    count: 2\n",
        );
        assert_ne!(canonical(&swapped), base);
    }
}
