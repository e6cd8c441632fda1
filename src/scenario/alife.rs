//! The artificial-life and negotiation sections: `resource_negotiation:`,
//! `tierra:` and `spawn:` (docs/model/tierra-awm-memory-negotiation-rivals.md
//! §2.1, §N.1, §T.1; docs/model/perturbations-rbac-spawn.md §2.3), read into
//! plain dataclasses (the `awm:` and `rivals:` sections, pydantic models, are
//! in handlers.rs). Each follows the reference's parser: when it builds the
//! handler, which values its config model takes as written, and which fail
//! its load; and what is refused beside agents that spawn mid-run.

use super::handler_section::built;
use super::load::Report;
use super::schema::{self, Field};
use super::sections::apply_field;
use super::sections::apply_field as apply;
use super::yaml::{Entry, Value};
use super::{AgentKind, Scenario};
use crate::sim::{negotiation, spawn, tierra};
use crate::suggest::did_you_mean;

/// A section read into a plain dataclass (`Config(**data)`): every key
/// must be a field (`extra` lists the fields read elsewhere, whose values
/// are taken as they are), or the reference fails loading it.
fn dataclass<T>(
    section: &str,
    table: &'static [Field<T>],
    extra: &[&'static str],
    entries: &[Entry],
    target: &mut T,
    report: &mut Report,
) {
    for x in entries {
        let path = format!("{section}.{}", x.key);
        if extra.contains(&x.key.as_str()) {
            continue;
        }
        if !apply_field(report, table, target, &x.key, &path, x) {
            let candidates = schema::keys(table).chain(extra.iter().copied());
            let why = format!(
                "unknown key: the reference fails loading it (its config takes no such field){}",
                did_you_mean(&x.key, candidates)
            );
            report.error(x.key_line, &path, why);
        }
    }
}

/// `resource_negotiation:` (a plain dataclass; `enabled` is read only by
/// the section predicate, `seed` never: the handler draws on the
/// orchestrator's stream).
pub(super) fn resource_negotiation(e: &Entry, report: &mut Report) -> Option<negotiation::Config> {
    let entries = built(e, report)?;
    let mut cfg = negotiation::Config::default();
    let table = negotiation::FIELDS;
    dataclass(
        &e.key,
        table,
        &["enabled", "seed"],
        entries,
        &mut cfg,
        report,
    );
    for why in cfg.problems() {
        report.error(e.key_line, &e.key, why);
    }
    Some(cfg)
}

/// `tierra:` (a plain dataclass; `enabled` is read only by the section
/// predicate). The diversity-preserving reaper is not modelled.
pub(super) fn tierra(e: &Entry, report: &mut Report) -> Option<tierra::Config> {
    let entries = built(e, report)?;
    let mut cfg = tierra::Config::default();
    dataclass(
        &e.key,
        tierra::FIELDS,
        &["enabled"],
        entries,
        &mut cfg,
        report,
    );
    if cfg.reaper_mode == tierra::DIVERSITY_PRESERVING {
        let line = entries
            .iter()
            .find(|x| x.key == "reaper_mode")
            .map_or(e.key_line, |x| x.value.line);
        report.unmodelled(
            line,
            "tierra.reaper_mode",
            "the diversity-preserving reaper (it clusters genomes into species)",
        );
    }
    Some(cfg)
}

/// `spawn:` (read key by key into a lax pydantic model: unknown keys are
/// ignored; `attribution_mode` is lower-cased, then must name a mode).
pub(super) fn spawn(e: &Entry, report: &mut Report) -> Option<spawn::Config> {
    let entries = built(e, report)?;
    let mut cfg = spawn::Config::default();
    for x in entries {
        let path = format!("{}.{}", e.key, x.key);
        if x.key == "attribution_mode" {
            let ok = match &x.value.value {
                Value::Str(s) => spawn::ATTRIBUTION_MODES.contains(&s.to_lowercase().as_str()),
                _ => false,
            };
            if !ok {
                let why = format!(
                    "must be one of {} (any case); the reference fails on {}",
                    spawn::ATTRIBUTION_MODES.join(", "),
                    x.value.describe()
                );
                report.error(x.value.line, &path, why);
            }
        } else if !apply(report, spawn::FIELDS, &mut cfg, &x.key, &path, x) {
            let why = format!(
                "unknown key, ignored by the reference{}",
                did_you_mean(
                    &x.key,
                    schema::keys(spawn::FIELDS).chain(["attribution_mode"])
                )
            );
            report.warn(x.key_line, &path, why);
        }
    }
    Some(cfg)
}

/// What this engine does not model beside agents that spawn children
/// mid-run (tierra agents with a spawn tree): the modules that size their
/// per-agent state once, at the start of a run.
pub(super) fn spawning_unmodelled_with(s: &Scenario) -> Vec<&'static str> {
    let mut out = Vec::new();
    let spawning = s.spawn.as_ref().is_some_and(|c| c.enabled)
        && s.agents
            .iter()
            .any(|a| a.kind == AgentKind::Tierra && a.count > 0);
    if !spawning {
        return out;
    }
    let g = &s.governance;
    let sim = &s.simulation;
    for (on, what) in [
        (
            s.network.is_some(),
            "a network beside spawning tierra agents (children join it mid-run)",
        ),
        (
            s.marketplace.is_some(),
            "a marketplace beside spawning tierra agents",
        ),
        (
            s.contracts.is_some(),
            "a contract market beside spawning tierra agents",
        ),
        (
            s.perturbations.is_some(),
            "perturbations beside spawning tierra agents",
        ),
        (
            s.dynamic_toxicity.as_ref().is_some_and(|c| c.any()),
            "dynamic toxicity beside spawning tierra agents",
        ),
        (
            s.scholar.is_some(),
            "a scholar handler beside spawning tierra agents",
        ),
        (
            s.memory_tiers.is_some(),
            "a memory-tier handler beside spawning tierra agents",
        ),
        (
            s.awm.is_some(),
            "an agent-world-model handler beside spawning tierra agents",
        ),
        (
            s.rivals.is_some(),
            "a team-of-rivals handler beside spawning tierra agents",
        ),
        (
            sim.observation_noise_probability > 0.0 && sim.observation_noise_std > 0.0,
            "observation noise beside spawning tierra agents",
        ),
        (
            g.collusion_detection_enabled,
            "governance.collusion_detection_enabled beside spawning tierra agents",
        ),
        (
            g.security_enabled,
            "governance.security_enabled beside spawning tierra agents",
        ),
        (
            g.sybil_detection_enabled,
            "governance.sybil_detection_enabled beside spawning tierra agents",
        ),
        (
            g.resample_enabled,
            "governance.resample_enabled beside spawning tierra agents",
        ),
    ] {
        if on {
            out.push(what);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, LoadOptions};

    fn load(body: &str) -> Result<crate::scenario::Loaded, String> {
        let text = format!("agents:\n  - type: fair_negotiator\n    count: 2\n{body}");
        load_str(&text, "t.yaml", LoadOptions::default()).map_err(|e| e.message)
    }

    #[test]
    fn resource_negotiation_follows_the_dataclass() {
        let s = load("resource_negotiation:\n  min_resource_types: 3\n  seed: 7\n")
            .unwrap()
            .scenario;
        let cfg = s.resource_negotiation.unwrap();
        assert_eq!(cfg.min_resource_types, 3);
        assert_eq!(cfg.resource_names.len(), 5);
        let off = load("resource_negotiation:\n  enabled: false\n").unwrap();
        assert!(off.scenario.resource_negotiation.is_none());
        assert!(load("resource_negotiation: {}\n")
            .unwrap()
            .scenario
            .resource_negotiation
            .is_none());
        let e = load("resource_negotiation:\n  max_round: 3\n").unwrap_err();
        assert!(
            e.contains("resource_negotiation.max_round: unknown key"),
            "{e}"
        );
        assert!(e.contains("did you mean 'max_rounds'"), "{e}");
        let e = load("resource_negotiation:\n  min_quantity: 6\n").unwrap_err();
        assert!(
            e.contains("min_quantity (6) is above max_quantity (5)"),
            "{e}"
        );
        let e = load("resource_negotiation:\n  min_quantity: x\n").unwrap_err();
        assert!(e.contains("resource_negotiation.min_quantity"), "{e}");
        let e = load("resource_negotiation: yes\n").unwrap_err();
        assert!(e.contains("must be a mapping"), "{e}");
    }

    fn load_tierra(body: &str) -> Result<crate::scenario::Loaded, String> {
        let text = format!("agents:\n  - type: tierra\n    count: 2\n{body}");
        load_str(&text, "t.yaml", LoadOptions::default()).map_err(|e| e.message)
    }

    #[test]
    fn tierra_follows_the_dataclass() {
        let s = load_tierra("tierra:\n  population_cap: 7\n  reaper_mode: oldest\n")
            .unwrap()
            .scenario;
        let cfg = s.tierra.unwrap();
        assert_eq!(cfg.population_cap, 7);
        assert_eq!(cfg.reaper_mode, "oldest");
        assert_eq!(cfg.total_resource_pool, 10000.0);
        assert!(load_tierra("tierra:\n  enabled: false\n")
            .unwrap()
            .scenario
            .tierra
            .is_none());
        let e = load_tierra("tierra:\n  mutation_sd: 0.1\n").unwrap_err();
        assert!(e.contains("tierra.mutation_sd: unknown key"), "{e}");
        assert!(e.contains("did you mean 'mutation_std'"), "{e}");
        let e = load_tierra("tierra:\n  reaper_mode: diversity_preserving\n").unwrap_err();
        assert!(
            e.contains("tierra.reaper_mode: read by the reference but not modelled"),
            "{e}"
        );
    }

    #[test]
    fn spawn_is_validated_as_the_reference_does() {
        let s = load_tierra("spawn:\n  max_depth: 20\n  attribution_mode: LEAF_ONLY\n  extra: 1\n")
            .unwrap();
        let cfg = s.scenario.spawn.unwrap();
        assert!(cfg.enabled);
        assert_eq!(cfg.max_depth, 20);
        assert_eq!(cfg.spawn_cost, 10.0);
        assert!(load_tierra("spawn:\n  enabled: false\n")
            .unwrap()
            .scenario
            .spawn
            .is_none());
        // Built, but no tree: a falsy value other than the boolean false.
        let off = load_tierra("spawn:\n  enabled: 0\n")
            .unwrap()
            .scenario
            .spawn;
        assert!(!off.unwrap().enabled);
        let e = load_tierra("spawn:\n  attribution_mode: everyone\n").unwrap_err();
        assert!(e.contains("spawn.attribution_mode: must be one of"), "{e}");
        let e = load_tierra("spawn:\n  reputation_inheritance_factor: 1.5\n").unwrap_err();
        assert!(e.contains("spawn.reputation_inheritance_factor"), "{e}");
        let e = load_tierra("spawn:\n  max_children: -1\n").unwrap_err();
        assert!(e.contains("spawn.max_children"), "{e}");
    }

    /// Spawning tierra agents beside a module sized once per run.
    #[test]
    fn spawning_beside_per_agent_modules_is_refused() {
        let e =
            load_tierra("spawn:\n  enabled: true\nnetwork:\n  topology: complete\n").unwrap_err();
        assert!(
            e.contains("spawn: not modelled here: a network beside spawning"),
            "{e}"
        );
        let e = load_tierra(
            "spawn:\n  enabled: true\ngovernance:\n  collusion_detection_enabled: true\n",
        )
        .unwrap_err();
        assert!(
            e.contains("collusion_detection_enabled beside spawning"),
            "{e}"
        );
        for (section, what) in [
            ("memory_tiers", "a memory-tier handler"),
            ("awm", "an agent-world-model handler"),
            ("rivals", "a team-of-rivals handler"),
        ] {
            let e = load_tierra(&format!(
                "spawn:\n  enabled: true\n{section}:\n  enabled: true\n"
            ))
            .unwrap_err();
            assert!(e.contains(&format!("{what} beside spawning")), "{e}");
        }
        // Core agents never spawn: the same sections are fine beside them.
        let text = "agents:\n  - type: honest\n    count: 2\nspawn:\n  enabled: true\nnetwork:\n  topology: complete\n";
        assert!(load_str(text, "t.yaml", LoadOptions::default()).is_ok());
    }
}
