//! Readers for the mapping sections of a scenario: `governance` (with its
//! aliases and unmodelled levers), `simulation`, the table-driven `payoff` and
//! `rate_limits`, `network` (with the precedence between `params` and flat
//! keys of docs/model/scenario.md §1.2), `success_criteria` and `outputs`
//! (§1).

use super::coerce::{at_least, check_choice, coerce, coerce_checked, Rule, Ty, UNIT};
use super::handler_section::unknown_key;
use super::load::Report;
use super::params::ParamValue;
use super::schema::{self, BuiltWhen, Field, LeverEffect, Role, SectionEffect};
use super::yaml::{Entry, Node, Value};
use super::{GovernanceConfig, NetworkConfig, OutputsConfig, Semantics, SimulationConfig};
use crate::suggest::did_you_mean;

/// Validates and stores one key through its table row. Returns false when
/// the table has no such key, leaving the message to the caller.
pub(super) fn apply_field<T>(
    report: &mut Report,
    table: &'static [Field<T>],
    target: &mut T,
    key: &str,
    path: &str,
    entry: &Entry,
) -> bool {
    let Some(field) = schema::find(table, key) else {
        return false;
    };
    match field.role {
        Role::Dropped(why) => report.warn(entry.key_line, path, format!("{why}; ignored")),
        Role::Refused(why) => report.error(entry.key_line, path, why),
        Role::Modelled { set, .. } => match coerce_checked(field.ty, field.rule, &entry.value) {
            Ok(value) => set(target, &value),
            Err(m) => report.error(entry.value.line, path, m),
        },
        Role::ModelledList { store, .. } => {
            match coerce_checked(field.ty, field.rule, &entry.value) {
                Ok(_) => store(target, &entry.value),
                Err(m) => report.error(entry.value.line, path, m),
            }
        }
        // The reference validates these, so a bad value is still an error;
        // levers are judged with their siblings (`governance_levers`).
        Role::Read { .. } => {
            if let Err(m) = coerce_checked(field.ty, field.rule, &entry.value) {
                report.error(entry.value.line, path, m);
            }
        }
    }
    true
}

/// A section whose keys are exactly the rows of `table`.
pub(super) fn table<T>(
    section: &str,
    table: &'static [Field<T>],
    entries: &[Entry],
    target: &mut T,
    report: &mut Report,
) {
    for e in entries {
        let path = format!("{section}.{}", e.key);
        if !apply_field(report, table, target, &e.key, &path, e) {
            report.warn(e.key_line, &path, unknown_key(&e.key, schema::keys(table)));
        }
    }
}

pub(super) fn governance(entries: &[Entry], g: &mut GovernanceConfig, report: &mut Report) {
    governance_levers(entries, report);
    for e in entries {
        let path = format!("governance.{}", e.key);
        let alias = schema::GOVERNANCE_ALIASES
            .iter()
            .find(|(alias, _)| *alias == e.key);
        if let Some(&(_, canonical)) = alias {
            if entries.iter().any(|other| other.key == canonical) {
                let why = format!("alias of '{canonical}', which is also given and wins; ignored");
                report.warn(e.key_line, &path, why);
            } else {
                apply_field(report, schema::GOVERNANCE, g, canonical, &path, e);
            }
        } else if !apply_field(report, schema::GOVERNANCE, g, &e.key, &path, e) {
            let aliases = schema::GOVERNANCE_ALIASES.iter().map(|(alias, _)| *alias);
            let candidates = schema::keys(schema::GOVERNANCE).chain(aliases);
            report.warn(e.key_line, &path, unknown_key(&e.key, candidates));
        }
    }
}

/// The fidelity guard for unmodelled levers switched on: refused when the
/// lever then changes results (with its settings as given, or the
/// reference's defaults), a warning when it cannot act.
fn governance_levers(entries: &[Entry], report: &mut Report) {
    let setting = |key: &str, default: f64| {
        get(entries, key)
            .and_then(|e| coerce(Ty::Float, &e.value).ok())
            .map_or(default, |v| v.to_f64())
    };
    for e in entries {
        let Some(Field {
            role: Role::Read { lever: Some(lever) },
            ty,
            rule,
            ..
        }) = schema::find(schema::GOVERNANCE, &e.key)
        else {
            continue;
        };
        if coerce_checked(*ty, *rule, &e.value) != Ok(ParamValue::Bool(true)) {
            continue;
        }
        let path = format!("governance.{}", e.key);
        let name = lever.name;
        match lever.effect {
            LeverEffect::Always(what) => {
                report.unmodelled(e.key_line, &path, format!("the {name} lever {what}"));
            }
            LeverEffect::When {
                what,
                settings,
                active,
            } => {
                let values: Vec<f64> = settings.iter().map(|(k, d)| setting(k, *d)).collect();
                if active(&values) {
                    report.unmodelled(e.key_line, &path, format!("the {name} lever {what}"));
                } else {
                    let why = format!(
                        "the {name} lever cannot act with {}; ignored",
                        settings
                            .iter()
                            .zip(&values)
                            .map(|((k, _), v)| format!("{k} = {v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    report.warn(e.key_line, &path, why);
                }
            }
            LeverEffect::Inert(why) => {
                let why = format!("the reference's {name} lever never acts here: {why}; ignored");
                report.warn(e.key_line, &path, why);
            }
        }
    }
}

pub(super) fn simulation(entries: &[Entry], sim: &mut SimulationConfig, report: &mut Report) {
    for e in entries {
        let path = format!("simulation.{}", e.key);
        if e.key == "seed" {
            // Null means unseeded; any integer (negative too) is a seed.
            if e.value.is_null() {
                sim.seed = None;
            } else {
                match coerce(Ty::Int, &e.value) {
                    Ok(v) => sim.seed = Some(v.int_into()),
                    Err(m) => report.error(e.value.line, &path, m),
                }
            }
        } else if !apply_field(report, schema::SIMULATION, sim, &e.key, &path, e) {
            let candidates = schema::keys(schema::SIMULATION).chain(["seed"]);
            report.warn(e.key_line, &path, unknown_key(&e.key, candidates));
        }
    }
}

fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Entry> {
    entries.iter().find(|e| e.key == key)
}

/// The network, or `None` when it is empty or `enabled: false`.
pub(super) fn network(entries: &[Entry], report: &mut Report) -> Option<NetworkConfig> {
    if entries.is_empty() {
        return None;
    }
    if let Some(e) = get(entries, "enabled") {
        match coerce(Ty::Bool, &e.value) {
            // The reference stops reading here, so nothing else is checked.
            Ok(ParamValue::Bool(false)) => return None,
            Ok(_) => {}
            Err(m) => report.error(e.value.line, "network.enabled", m),
        }
    }
    let mut topology = "complete".to_string();
    if let Some(e) = get(entries, "topology") {
        match coerce(Ty::Str, &e.value) {
            Ok(v) => {
                let name = v.to_string().to_lowercase();
                match check_choice(&name, schema::NETWORK_TOPOLOGIES) {
                    Ok(()) => topology = name,
                    Err(m) => report.error(e.value.line, "network.topology", m),
                }
            }
            Err(m) => report.error(e.value.line, "network.topology", m),
        }
    }
    let params: &[Entry] = match get(entries, "params") {
        Some(e) if !e.value.is_null() => match e.value.entries() {
            Some(params) => params,
            None => {
                let got = e.value.describe();
                report.error(
                    e.value.line,
                    "network.params",
                    format!("must be a mapping, got {got}"),
                );
                &[]
            }
        },
        _ => &[],
    };
    for e in params {
        if !schema::NETWORK_PARAMS_KEYS.contains(&e.key.as_str()) {
            let path = format!("network.params.{}", e.key);
            let candidates = schema::NETWORK_PARAMS_KEYS.iter().copied();
            report.warn(e.key_line, &path, unknown_key(&e.key, candidates));
        }
    }
    for e in entries {
        let path = format!("network.{}", e.key);
        match e.key.as_str() {
            "k" | "p" | "m" => {
                let why = format!(
                    "not read at this level by the reference; put it under 'params:' or use '{}'",
                    match e.key.as_str() {
                        "k" => "k_neighbors",
                        "p" => "rewire_probability",
                        _ => "m_edges",
                    }
                );
                report.warn(e.key_line, &path, why);
            }
            key if !schema::NETWORK_KEYS.contains(&key) => {
                let candidates = schema::NETWORK_KEYS.iter().copied();
                report.warn(e.key_line, &path, unknown_key(key, candidates));
            }
            _ => {}
        }
    }

    let params_src = |key| (params, key, "network.params");
    let flat_src = |key| (entries, key, "network");
    let flat = |r: &mut Report, key, ty, rule| pick(r, &[flat_src(key)], ty, rule);
    let edge_probability = pick(
        report,
        &[params_src("edge_probability"), flat_src("edge_probability")],
        Ty::Float,
        UNIT,
    );
    let k = pick(
        report,
        &[
            params_src("k"),
            params_src("k_neighbors"),
            flat_src("k_neighbors"),
        ],
        Ty::Int,
        at_least(2),
    );
    let p = pick(
        report,
        &[
            params_src("p"),
            params_src("rewire_probability"),
            flat_src("rewire_probability"),
        ],
        Ty::Float,
        UNIT,
    );
    let m = pick(
        report,
        &[params_src("m"), params_src("m_edges"), flat_src("m_edges")],
        Ty::Int,
        at_least(1),
    );
    let dynamic = flat(report, "dynamic", Ty::Bool, Rule::Any);
    let strengthen = flat(report, "edge_strengthen_rate", Ty::Float, Rule::Any);
    let decay = flat(report, "edge_decay_rate", Ty::Float, UNIT);
    let min_weight = flat(report, "min_edge_weight", Ty::Float, Rule::Any);
    let max_weight = flat(report, "max_edge_weight", Ty::Float, Rule::Any);
    let disconnect = match get(entries, "reputation_disconnect_threshold") {
        Some(e) if !e.value.is_null() => match coerce(Ty::Float, &e.value) {
            Ok(v) => Some(v.to_f64()),
            Err(m) => {
                report.error(e.value.line, "network.reputation_disconnect_threshold", m);
                None
            }
        },
        _ => None,
    };
    let float = |v: Option<ParamValue>, default: f64| v.map_or(default, |v| v.to_f64());
    let int = |v: Option<ParamValue>, default: i64| v.map_or(default, |v| v.int_into());
    Some(NetworkConfig {
        topology,
        edge_probability: float(edge_probability, 0.5),
        k: int(k, 4),
        p: float(p, 0.1),
        m: int(m, 2),
        dynamic: dynamic.is_some_and(|v| v.to_bool()),
        edge_strengthen_rate: float(strengthen, 0.1),
        edge_decay_rate: float(decay, 0.05),
        min_edge_weight: float(min_weight, 0.1),
        max_edge_weight: float(max_weight, 1.0),
        reputation_disconnect_threshold: disconnect,
    })
}

/// The first of `sources` that is present, validated; later ones that are
/// also present are shadowed (the reference never reads them) and warned about.
fn pick(
    report: &mut Report,
    sources: &[(&[Entry], &str, &str)],
    ty: Ty,
    rule: Rule,
) -> Option<ParamValue> {
    let mut found = None;
    let mut winner: Option<String> = None;
    for (entries, key, prefix) in sources {
        let Some(e) = get(entries, key) else { continue };
        let path = format!("{prefix}.{key}");
        if let Some(first) = &winner {
            let why = format!("shadowed by '{first}', which the reference reads first; ignored");
            report.warn(e.key_line, &path, why);
            continue;
        }
        match coerce_checked(ty, rule, &e.value) {
            Ok(v) => found = Some(v),
            Err(m) => report.error(e.value.line, &path, m),
        }
        winner = Some(path);
    }
    found
}

/// Numeric criteria in file order. Keys the reference does not evaluate are
/// kept (with a warning) so reports can show them; evaluators skip them.
pub(super) fn success_criteria(entries: &[Entry], report: &mut Report) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for e in entries {
        let path = format!("success_criteria.{}", e.key);
        let known = schema::SUCCESS_CRITERIA.contains(&e.key.as_str());
        match coerce(Ty::Float, &e.value) {
            Ok(v) => {
                if !known {
                    let hint = did_you_mean(&e.key, schema::SUCCESS_CRITERIA.iter().copied());
                    let why =
                        format!("not a criterion the reference evaluates; ignored by it{hint}");
                    report.warn(e.key_line, &path, why);
                }
                out.push((e.key.clone(), v.to_f64()));
            }
            Err(m) if known => report.error(e.value.line, &path, m),
            Err(m) => report.warn(e.value.line, &path, format!("{m}; ignored")),
        }
    }
    out
}

/// `semantics:` — our own section (not the reference's): fix options for
/// reference bugs, each `name: true|false`.
pub(super) fn semantics(entries: &[Entry], sem: &mut Semantics, report: &mut Report) {
    let names = || Semantics::OPTIONS.iter().map(|(n, _)| *n);
    for e in entries {
        let path = format!("semantics.{}", e.key);
        if !names().any(|n| n == e.key) {
            let hint = did_you_mean(&e.key, names());
            report.error(e.key_line, &path, format!("unknown fix option{hint}"));
            continue;
        }
        match coerce(Ty::Bool, &e.value) {
            Ok(v) => {
                sem.set(&e.key, v == ParamValue::Bool(true));
            }
            Err(m) => report.error(e.value.line, &path, m),
        }
    }
}

pub(super) fn outputs(entries: &[Entry], out: &mut OutputsConfig, report: &mut Report) {
    for e in entries {
        let path = format!("outputs.{}", e.key);
        let target = match e.key.as_str() {
            "event_log" => &mut out.event_log,
            "metrics_csv" => &mut out.metrics_csv,
            "graph_memory_path" => {
                // Any non-null value, even "", switches the store on.
                if !e.value.is_null() {
                    let what = "loads trust priors saved by earlier runs from this store and saves this run's";
                    report.unmodelled(e.key_line, &path, what);
                }
                continue;
            }
            key => {
                let hint = did_you_mean(key, schema::OUTPUT_KEYS.iter().copied());
                report.warn(
                    e.key_line,
                    &path,
                    format!("not read by the reference; ignored{hint}"),
                );
                continue;
            }
        };
        // Like the reference, an empty path means "no output".
        *target = match coerce(Ty::Str, &e.value) {
            _ if e.value.is_null() => None,
            Ok(v) => Some(v.to_string()).filter(|s| !s.is_empty()),
            Err(m) => {
                report.error(e.value.line, &path, m);
                None
            }
        };
    }
}

/// A domain section: refused (the fidelity guard) when the reference would
/// build its module from this value, otherwise ignored with a note.
pub(super) fn domain(e: &Entry, report: &mut Report) {
    let Some(section) = schema::domain_section(&e.key) else {
        return;
    };
    let key = e.key.as_str();
    let entries = match &e.value.value {
        Value::Null => return,
        Value::Map(entries) if entries.is_empty() => return,
        Value::Seq(items) if items.is_empty() => return,
        Value::Str(s) if s.is_empty() => return,
        Value::Map(entries) => entries,
        _ => {
            let got = e.value.describe();
            let why = format!("must be a mapping (the reference fails on {got})");
            report.error(e.value.line, key, why);
            return;
        }
    };
    let is_false = |node: &Node| node.value == Value::Bool(false);
    let enabled = get(entries, "enabled");
    let built = match section.built_when {
        BuiltWhen::EnabledMapping => !enabled.is_some_and(|e| is_false(&e.value)),
    };
    if !built {
        let why = "switched off: the reference builds nothing from it; ignored";
        report.warn(e.key_line, key, why);
        return;
    }
    let own_agents_only = |report: &mut Report, what: &str| {
        let why = format!(
            "the reference builds {what}, which acts only on its own agent types' actions and never changes the results of the agent types this engine models; ignored"
        );
        report.warn(e.key_line, key, why);
    };
    match section.effect {
        SectionEffect::Changes(what) => report.unmodelled(e.key_line, key, what),
        SectionEffect::OwnAgentsOnly(what) => own_agents_only(report, what),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, LoadOptions};

    /// The key paths the guard refuses in `body` (appended to a minimal
    /// scenario), or the load error.
    fn refused(body: &str) -> Result<Vec<String>, String> {
        let text = format!("agents:\n  - type: honest\n{body}");
        let opts = LoadOptions {
            allow_unmodelled: true,
            ..LoadOptions::default()
        };
        load_str(&text, "t.yaml", opts)
            .map(|l| l.scenario.unmodelled)
            .map_err(|e| e.message)
    }

    #[test]
    fn levers_are_refused_only_when_they_can_act() {
        let gov = |keys: &str| refused(&format!("governance:\n{keys}")).unwrap();
        assert_eq!(
            gov("  incoherence_breaker_enabled: true\n"),
            ["governance.incoherence_breaker_enabled"]
        );
        assert!(gov("  incoherence_breaker_enabled: false\n").is_empty());
        // Modelled levers are never refused.
        assert!(gov("  sybil_detection_enabled: true\n").is_empty());
        // Needs at least two samples (the default is 5).
        assert_eq!(gov("  self_ensemble_enabled: true\n").len(), 1);
        assert!(gov("  self_ensemble_enabled: true\n  self_ensemble_samples: 1\n").is_empty());
        assert!(
            gov("  incoherence_friction_enabled: true\n  incoherence_friction_rate: 0\n")
                .is_empty()
        );
        // RBAC is modelled.
        assert!(gov("  rbac_enabled: true\n").is_empty());
        // Levers that never act in a YAML-loaded run only warn.
        for inert in [
            "council_lever_enabled",
            "memory_provenance_enabled",
            "self_evolution_enabled",
            "moltbook_rate_limit_enabled",
            "decomposition_enabled",
        ] {
            assert!(gov(&format!("  {inert}: true\n")).is_empty(), "{inert}");
        }
    }

    #[test]
    fn domain_sections_are_refused_when_the_reference_builds_something_that_acts() {
        let refused = |body: &str| refused(body).unwrap();
        // Modelled now: never refused, built or not.
        assert!(refused("contracts:\n  enabled: false\n").is_empty());
        assert!(refused("marketplace:\n  enabled: 0\n").is_empty());
        assert!(refused("dynamic_toxicity:\n  enabled: [proxy_drift]\n").is_empty());
        assert!(refused("perturbations:\n  resource_shock:\n    enabled: true\n").is_empty());
        // Handlers of other agent types' domains do not touch core agents.
        assert!(refused("moltbook:\n  initial_posts: 3\n").is_empty());
        assert_eq!(
            refused("outputs:\n  graph_memory_path: \"\"\n"),
            ["outputs.graph_memory_path"]
        );
    }

    #[test]
    fn values_the_reference_fails_on_are_errors() {
        let e = refused("contracts: yes\n").unwrap_err();
        assert!(e.contains("contracts: must be a mapping"), "{e}");
    }
}
