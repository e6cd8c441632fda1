//! The `memory_tiers` section (docs/model/tierra-awm-memory-negotiation-rivals.md
//! §2.1, §M.1): when the reference builds its memory-tier handler, and the
//! five settings its loader reads into the pydantic `MemoryTierConfig`
//! (lax coercion; other keys are not read). Also what the handler's writes
//! would meet that is not modelled.

use super::coerce::{at_least, UNIT};
use super::handler_levers::{self, Counterparty, Handler};
use super::handler_section::{built, enabled_and_seed, table_key};
use super::load::Report;
use super::schema::{modelled, Field};
use super::yaml::Entry;
use super::{AgentKind, MemoryTiersConfig, Scenario};

pub(super) const SECTION: &str = "memory_tiers";

/// The settings a sweep may set (`memory_tiers.<key>`).
pub(crate) static FIELDS: &[Field<MemoryTiersConfig>] = &[
    modelled!(initial_entries, Int, at_least(0)),
    modelled!(hot_cache_size, Int, at_least(1)),
    modelled!(compaction_probability, Float, UNIT),
];

/// Keys read by the reference besides [`FIELDS`].
const OTHER_KEYS: [&str; 2] = ["enabled", "seed"];

/// The agent types that write to the shared memory (when it gives them a
/// write budget).
pub(crate) const MEMORY_WRITERS: [AgentKind; 4] = [
    AgentKind::DiligentRecorder,
    AgentKind::MemoryPoisoner,
    AgentKind::CollusiveVerifier,
    AgentKind::CacheGamer,
];

/// Whether a run of `s` has memory-tier writes: a handler and a writer.
pub(crate) fn has_writes(s: &Scenario) -> bool {
    s.memory_tiers.is_some() && s.agents.iter().any(|a| MEMORY_WRITERS.contains(&a.kind))
}

/// The handler's settings, or `None` when the reference builds no
/// memory-tier handler (a false value, or `enabled: false`).
pub(super) fn read(e: &Entry, report: &mut Report) -> Option<MemoryTiersConfig> {
    let entries = built(e, report)?;
    let mut cfg = MemoryTiersConfig::default();
    for x in entries {
        // `enabled` is read once to decide whether to build; the handler
        // never looks again.
        if !enabled_and_seed(SECTION, x, &mut cfg.enabled, &mut cfg.seed, report) {
            table_key(SECTION, FIELDS, &OTHER_KEYS, x, &mut cfg, report);
        }
    }
    Some(cfg)
}

/// What memory-tier writes would meet that is not modelled: handler
/// streams seeded from OS entropy, and levers and modules that treat the
/// pseudo counterparty `memory_system` as an agent.
pub(super) fn unmodelled_with(s: &Scenario) -> Vec<String> {
    if !has_writes(s) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.memory_tiers.as_ref().is_some_and(|c| c.seed.is_none()) {
        out.push("without memory_tiers.seed, the reference seeds the memory handler's streams from OS entropy: its runs are not reproducible".to_string());
    }
    out.extend(handler_levers::unmodelled(s, HANDLER));
    out
}

/// The memory handler, as the guard names it.
const HANDLER: Handler = Handler {
    name: "memory",
    counterparty: Counterparty::Pseudo("the pseudo counterparty 'memory_system'"),
};

/// The fidelity guard for [`unmodelled_with`].
pub(super) fn check_combination(s: &Scenario, line: usize, report: &mut Report) {
    for what in unmodelled_with(s) {
        report.unmodelled(line, SECTION, what);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, LoadOptions, Loaded};

    const AGENTS: &str = "agents:\n  - type: diligent_recorder\n    count: 2\n";

    fn opts() -> LoadOptions {
        LoadOptions {
            allow_unmodelled: true,
            ..LoadOptions::default()
        }
    }

    fn load(body: &str) -> Result<Loaded, String> {
        load_str(&format!("{AGENTS}{body}"), "t.yaml", opts()).map_err(|e| e.message)
    }

    fn config(section: &str) -> Option<MemoryTiersConfig> {
        load(section).unwrap().scenario.memory_tiers
    }

    fn error(section: &str) -> String {
        load(section).unwrap_err()
    }

    #[test]
    fn settings_coerce_like_the_reference() {
        let c = config("memory_tiers:\n  initial_entries: '5'\n  hot_cache_size: 3.0\n  compaction_probability: 1\n  seed: 42\n  other: 1\n").unwrap();
        assert_eq!(
            c,
            MemoryTiersConfig {
                enabled: true,
                initial_entries: 5,
                hot_cache_size: 3,
                compaction_probability: 1.0,
                seed: Some(42),
            }
        );
        for (section, at) in [
            (
                "hot_cache_size: 0\n  seed: 1",
                "t.yaml:5: memory_tiers.hot_cache_size",
            ),
            (
                "compaction_probability: 1.5\n  seed: 1",
                "t.yaml:5: memory_tiers.compaction_probability",
            ),
            (
                "initial_entries: -1\n  seed: 1",
                "t.yaml:5: memory_tiers.initial_entries",
            ),
            (
                "initial_entries: 2.5\n  seed: 1",
                "t.yaml:5: memory_tiers.initial_entries",
            ),
            ("seed: x", "t.yaml:5: memory_tiers.seed"),
            ("enabled: null\n  seed: 1", "t.yaml:5: memory_tiers.enabled"),
        ] {
            let e = error(&format!("memory_tiers:\n  {section}\n"));
            assert!(e.contains(at), "{e}");
        }
        let e = error("memory_tiers: [1]\n");
        assert!(e.contains("t.yaml:4: memory_tiers"), "{e}");
    }

    #[test]
    fn the_handler_is_built_unless_the_section_is_false_or_switched_off() {
        assert_eq!(config("memory_tiers: {}\n"), None);
        assert_eq!(config("memory_tiers: false\n"), None);
        assert_eq!(config("memory_tiers:\n  enabled: false\n  seed: 1\n"), None);
        let c = config("memory_tiers:\n  enabled: 0\n  seed: 1\n").unwrap();
        assert!(!c.enabled);
    }

    #[test]
    fn writes_refuse_os_entropy_and_pseudo_party_levers() {
        let refused = |body: &str| load(body).unwrap().scenario.unmodelled;
        assert_eq!(refused("memory_tiers:\n  initial_entries: 5\n"), [SECTION]);
        let with = "memory_tiers: {seed: 1}\ngovernance:\n  resample_enabled: true\n";
        assert_eq!(refused(with), [SECTION]);
        assert!(refused("memory_tiers: {seed: 1}\n").is_empty());
        // Without agents that write, nothing to refuse.
        let core = "agents:\n  - type: honest\n    count: 2\nmemory_tiers: {initial_entries: 5}\n";
        assert!(load_str(core, "t.yaml", opts())
            .unwrap()
            .scenario
            .unmodelled
            .is_empty());
    }

    #[test]
    fn settings_are_sweepable_and_a_sweep_cannot_switch_on_what_is_refused() {
        use crate::scenario::params::{param_paths, set_param, ParamValue};
        let mut s = load("memory_tiers: {seed: 42}\n").unwrap().scenario;
        let paths = param_paths(&s);
        for key in [
            "initial_entries",
            "hot_cache_size",
            "compaction_probability",
        ] {
            assert!(paths.contains(&format!("memory_tiers.{key}")), "{key}");
        }
        set_param(
            &mut s,
            "memory_tiers.compaction_probability",
            &ParamValue::Float(0.5),
        )
        .unwrap();
        assert_eq!(s.memory_tiers.as_ref().unwrap().compaction_probability, 0.5);
        let e = set_param(&mut s, "memory_tiers.hot_cache_size", &ParamValue::Int(0)).unwrap_err();
        assert!(
            e.message.contains("memory_tiers.hot_cache_size"),
            "{}",
            e.message
        );
        let e = set_param(
            &mut s,
            "governance.resample_enabled",
            &ParamValue::Bool(true),
        )
        .unwrap_err();
        assert!(e.message.contains("not modelled here"), "{}", e.message);
        let core = load_str("agents:\n  - type: honest\n", "t.yaml", opts())
            .unwrap()
            .scenario;
        assert!(!param_paths(&core)
            .iter()
            .any(|p| p.starts_with("memory_tiers.")));
    }
}
