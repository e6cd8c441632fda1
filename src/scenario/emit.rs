//! A scenario written back as a scenario file: a sweep configuration's fully
//! resolved scenario (configs.parquet, `swarm-sweep show --config`,
//! `swarm-sweep rerun`). Every modelled setting is written, defaults
//! included, so the file says everything the run used; loading it gives a
//! scenario with the same run identity (`canonical`; tested on every
//! bundled and library scenario). Keys the engine ignores (sections the
//! fidelity guard let through with --allow-unmodelled, sections the
//! reference never reads) are not written.

use super::perturbations::{
    name_of, CmpOp, Condition, ConditionField, PerturbationConfig, Trigger, PARTITION_MODES,
    RESOURCE_MODES, TRIGGERS,
};
use super::schema::{self, Field, Role};
use super::{AgentSpec, NetworkConfig, Scenario};
use crate::output::yaml::{self, Yaml};
use crate::sim::agents::ConfigVisitor;
use crate::sim::dynamic_toxicity::{contagion, drift, erosion, MODES};

/// The scenario as YAML; `header` lines go first, as comments.
pub fn to_yaml(s: &Scenario, header: &[String]) -> String {
    let mut doc = Yaml::map();
    doc.push("scenario_id", yaml::string(&s.scenario_id));
    if !s.description.is_empty() {
        doc.push("description", yaml::string(&s.description));
    }
    if !s.motif.is_empty() {
        doc.push("motif", yaml::string(&s.motif));
    }
    doc.push("agents", Yaml::Seq(s.agents.iter().map(agent).collect()));
    let mut sim = table(schema::SIMULATION, &s.simulation);
    if let Some(seed) = s.simulation.seed {
        sim.push("seed", yaml::int(seed));
    }
    doc.push("simulation", sim);
    doc.push("governance", table(schema::GOVERNANCE, &s.governance));
    doc.push("payoff", table(schema::PAYOFF, &s.payoff));
    doc.push("rate_limits", table(schema::RATE_LIMITS, &s.rate_limits));
    if let Some(n) = &s.network {
        doc.push("network", network(n));
    }
    if let Some(dt) = &s.dynamic_toxicity {
        let mut m = Yaml::map();
        let on = [
            dt.proxy_drift.is_some(),
            dt.trust_erosion.is_some(),
            dt.quality_contagion.is_some(),
        ];
        let enabled = MODES
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(m, _)| yaml::string(m))
            .collect();
        m.push("enabled", Yaml::Flow(enabled));
        if let Some(c) = &dt.proxy_drift {
            m.push(MODES[0], table(drift::FIELDS, c));
        }
        if let Some(c) = &dt.trust_erosion {
            m.push(MODES[1], table(erosion::FIELDS, c));
        }
        if let Some(c) = &dt.quality_contagion {
            m.push(MODES[2], table(contagion::FIELDS, c));
        }
        doc.push("dynamic_toxicity", m);
    }
    if let Some(m) = &s.marketplace {
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(schema::MARKETPLACE, m) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        doc.push("marketplace", t);
    }
    if let Some(c) = &s.contracts {
        let mut t = Yaml::map();
        t.push(
            "truthful_auction",
            table(schema::TRUTHFUL_AUCTION, &c.truthful_auction),
        );
        t.push(
            "fair_division",
            table(schema::FAIR_DIVISION, &c.fair_division),
        );
        t.push("market", table(schema::CONTRACT_MARKET, &c.market));
        doc.push("contracts", t);
    }
    if let Some(p) = &s.perturbations {
        doc.push("perturbations", perturbations(p));
    }
    if let Some(c) = &s.resource_negotiation {
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(crate::sim::negotiation::FIELDS, c) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        doc.push("resource_negotiation", t);
    }
    if let Some(c) = &s.tierra {
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(crate::sim::tierra::FIELDS, c) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        doc.push("tierra", t);
    }
    if let Some(c) = &s.spawn {
        doc.push("spawn", table(crate::sim::spawn::FIELDS, c));
    }
    if let Some(c) = &s.scholar {
        // Built whenever the section is there (`enabled` is informational).
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(super::scholar::FIELDS, c) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        if let Some(seed) = c.seed {
            t.push("seed", yaml::int(seed));
        }
        if let Some(p) = &c.corpus_path {
            t.push("corpus_path", yaml::string(p));
        }
        if let Some(p) = &c.dataset_path {
            t.push("dataset_path", yaml::string(p));
        }
        doc.push("scholar", t);
    }
    if let Some(c) = &s.memory_tiers {
        // Built whenever the section is there (`enabled` is informational).
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(super::memory::FIELDS, c) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        if let Some(seed) = c.seed {
            t.push("seed", yaml::int(seed));
        }
        doc.push("memory_tiers", t);
    }
    // Built whenever the section is there (`enabled` is informational).
    if let Some(c) = &s.awm {
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(super::handlers::AWM_FIELDS, c) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        doc.push("awm", t);
    }
    if let Some(c) = &s.rivals {
        let mut t = Yaml::map();
        t.push("enabled", yaml::bool(true));
        if let Yaml::Map(rows) = table(super::handlers::RIVALS_FIELDS, c) {
            for (k, v) in rows {
                t.push(k, v);
            }
        }
        if let Some(seed) = c.seed {
            t.push("seed", yaml::int(seed));
        }
        doc.push("rivals", t);
    }
    let fixes: Vec<(String, Yaml)> = super::Semantics::OPTIONS
        .iter()
        .filter(|(n, _)| s.semantics.get(n) == Some(true))
        .map(|(n, _)| (n.to_string(), yaml::bool(true)))
        .collect();
    if !fixes.is_empty() {
        doc.push("semantics", Yaml::Map(fixes));
    }
    if !s.success_criteria.is_empty() {
        doc.push(
            "success_criteria",
            Yaml::Map(
                s.success_criteria
                    .iter()
                    .map(|(k, v)| (k.clone(), yaml::float_scalar(*v)))
                    .collect(),
            ),
        );
    }
    let mut text = String::new();
    for line in header {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str(&yaml::render(&doc));
    text
}

/// Every modelled row of `table`, with its value in `value`.
fn table<T>(table: &'static [Field<T>], value: &T) -> Yaml {
    let mut m = Yaml::map();
    for f in table {
        match f.role {
            Role::Modelled { get, .. } => m.push(f.key, yaml::value(&get(value))),
            Role::ModelledList { get, .. } => {
                if let Some(list) = get(value) {
                    m.push(
                        f.key,
                        Yaml::Flow(list.iter().map(|s| yaml::string(s)).collect()),
                    );
                }
            }
            Role::Read { .. } | Role::Dropped(_) | Role::Refused(_) => {}
        }
    }
    m
}

fn agent(a: &AgentSpec) -> Yaml {
    struct Config;
    impl ConfigVisitor for Config {
        type Out = Yaml;
        fn visit<T: 'static>(self, fields: &'static [Field<T>], config: &T) -> Yaml {
            table(fields, config)
        }
    }
    let mut m = Yaml::map();
    m.push("type", yaml::string(a.kind.as_str()));
    m.push("count", yaml::int(i64::from(a.count)));
    if let Some(name) = &a.name {
        m.push("name", yaml::string(name));
    }
    let config = a.config.visit(Config);
    if config != Yaml::map() {
        m.push("config", config);
    }
    m
}

fn network(n: &NetworkConfig) -> Yaml {
    let mut m = Yaml::map();
    m.push("enabled", yaml::bool(true));
    m.push("topology", yaml::string(&n.topology));
    let mut params = Yaml::map();
    params.push("edge_probability", yaml::float_scalar(n.edge_probability));
    params.push("k", yaml::int(n.k));
    params.push("p", yaml::float_scalar(n.p));
    params.push("m", yaml::int(n.m));
    m.push("params", params);
    m.push("dynamic", yaml::bool(n.dynamic));
    m.push(
        "edge_strengthen_rate",
        yaml::float_scalar(n.edge_strengthen_rate),
    );
    m.push("edge_decay_rate", yaml::float_scalar(n.edge_decay_rate));
    m.push("min_edge_weight", yaml::float_scalar(n.min_edge_weight));
    m.push("max_edge_weight", yaml::float_scalar(n.max_edge_weight));
    if let Some(t) = n.reputation_disconnect_threshold {
        m.push("reputation_disconnect_threshold", yaml::float_scalar(t));
    }
    m
}

fn trigger(t: Trigger) -> Yaml {
    yaml::string(name_of(TRIGGERS, &t))
}

fn optional_int(m: &mut Yaml, key: &str, v: Option<i64>) {
    if let Some(v) = v {
        m.push(key, yaml::int(v));
    }
}

/// `field op value`, as the reference's condition grammar reads it.
fn condition(c: &Condition) -> String {
    let field = match c.field {
        ConditionField::Epoch => "epoch",
        ConditionField::ToxicityRate => "toxicity_rate",
        ConditionField::QualityGap => "quality_gap",
    };
    let op = match c.op {
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
    };
    format!("{field} {op} {:?}", c.threshold)
}

fn perturbations(p: &PerturbationConfig) -> Yaml {
    let mut m = Yaml::map();
    optional_int(&mut m, "seed", p.seed);
    let d = &p.agent_dropout;
    let mut dropout = Yaml::map();
    dropout.push("enabled", yaml::bool(d.enabled));
    dropout.push(
        "probability_per_step",
        yaml::float_scalar(d.probability_per_step),
    );
    dropout.push("min_duration_steps", yaml::int(d.min_duration_steps));
    dropout.push("max_duration_steps", yaml::int(d.max_duration_steps));
    dropout.push(
        "exempt_types",
        Yaml::Flow(d.exempt_types.iter().map(|t| yaml::string(t)).collect()),
    );
    m.push("agent_dropout", dropout);
    let s = &p.parameter_shocks;
    let mut shocks = Yaml::map();
    shocks.push("enabled", yaml::bool(s.enabled));
    let list = s
        .shocks
        .iter()
        .map(|x| {
            let mut one = Yaml::map();
            one.push("trigger", trigger(x.trigger));
            optional_int(&mut one, "at_epoch", x.at_epoch);
            if let Some(c) = &x.when {
                one.push("when", yaml::string(&condition(c)));
            }
            one.push(
                "params",
                Yaml::Map(
                    x.params
                        .iter()
                        .map(|(k, v)| (k.to_string(), yaml::value(v)))
                        .collect(),
                ),
            );
            optional_int(&mut one, "revert_after_epochs", x.revert_after_epochs);
            one
        })
        .collect();
    shocks.push("shocks", Yaml::Seq(list));
    m.push("parameter_shocks", shocks);
    let n = &p.network_partition;
    let mut part = Yaml::map();
    part.push("enabled", yaml::bool(n.enabled));
    part.push("trigger", trigger(n.trigger));
    optional_int(&mut part, "at_epoch", n.at_epoch);
    part.push("mode", yaml::string(name_of(PARTITION_MODES, &n.mode)));
    if let Some(t) = &n.isolate_type {
        part.push("isolate_type", yaml::string(t));
    }
    optional_int(&mut part, "heal_after_epochs", n.heal_after_epochs);
    m.push("network_partition", part);
    let r = &p.resource_shock;
    let mut res = Yaml::map();
    res.push("enabled", yaml::bool(r.enabled));
    res.push("trigger", trigger(r.trigger));
    optional_int(&mut res, "at_epoch", r.at_epoch);
    res.push("mode", yaml::string(name_of(RESOURCE_MODES, &r.mode)));
    res.push("magnitude", yaml::float_scalar(r.magnitude));
    m.push("resource_shock", res);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::canonical::canonical;
    use crate::scenario::{load_str, LoadOptions};

    fn round_trip(path: &std::path::Path) -> Option<()> {
        let text = std::fs::read_to_string(path).ok()?;
        let opts = LoadOptions {
            strict: false,
            allow_unmodelled: true,
        };
        let origin = path.display().to_string();
        let a = load_str(&text, &origin, opts).ok()?.scenario;
        let written = to_yaml(&a, &["resolved".into()]);
        let b = load_str(&written, "written.yaml", opts)
            .unwrap_or_else(|e| panic!("{origin}: {e}\n{written}"))
            .scenario;
        assert_eq!(canonical(&a), canonical(&b), "{origin}\n{written}");
        assert_eq!(
            (&a.description, &a.motif, &a.success_criteria),
            (&b.description, &b.motif, &b.success_criteria),
            "{origin}"
        );
        // Sections the engine ignores are not written; what it runs anyway
        // with --allow-unmodelled (an unseeded dropout) is, and says so again.
        assert!(
            b.unmodelled.iter().all(|k| a.unmodelled.contains(k)),
            "{origin}: {:?}",
            b.unmodelled
        );
        Some(())
    }

    /// Every bundled scenario, and every library scenario the engine loads,
    /// reads back with the same run identity.
    #[test]
    fn every_scenario_reads_back_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("scenarios")];
        let library = root.join("../shared/reference-library");
        // The six bundled scenarios, and with the library many more.
        let least = if library.is_dir() { 10 } else { 6 };
        if library.is_dir() {
            dirs.push(library.clone());
            for e in std::fs::read_dir(&library).unwrap().flatten() {
                if e.path().is_dir() {
                    dirs.push(e.path());
                }
            }
        } else {
            eprintln!("SKIPPED (library part): no {}", library.display());
        }
        let mut n = 0;
        for d in dirs {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "yaml") && round_trip(&p).is_some() {
                    n += 1;
                }
            }
        }
        eprintln!("{n} scenarios read back");
        assert!(n >= least, "only {n} scenarios loaded");
    }
}
