//! The `awm` and `rivals` sections (docs/model/tierra-awm-memory-negotiation-rivals.md
//! §2.1, §A.1, §R.1): when the reference builds its agent-world-model and
//! team-of-rivals handlers, with the settings their pydantic models accept
//! (lax: unknown keys ignored, values coerced). What would make a run
//! differ from the reference, or the reference irreproducible, is refused
//! by name.

use super::coerce::{at_least, coerce, Rule, Ty, UNIT};
use super::handler_levers::{self, Counterparty, Handler};
use super::handler_section::{built, enabled_and_seed, table_key};
use super::load::Report;
use super::params::ParamValue;
use super::schema::{inert, modelled, read, Field, Inert, Role};
use super::yaml::Entry;
use super::{AgentConfig, AgentKind, AwmConfig, RivalsConfig, Scenario};
use crate::sim::awm::MAX_RECORDED_CALLS;
use crate::sim::rivals::{roles, Mode};

pub(super) const AWM: &str = "awm";
pub(super) const RIVALS: &str = "rivals";

/// The `awm:` keys; a sweep may set the modelled scalars (`awm.<key>`).
pub(crate) static AWM_FIELDS: &[Field<AwmConfig>] = &[
    Field {
        key: "environment_id",
        ty: Ty::Str,
        rule: Rule::Any,
        role: Role::Modelled {
            get: |c| ParamValue::Str(c.environment_id.clone()),
            set: |c, v| c.environment_id = v.to_string(),
        },
        inert: Some(Inert::never("only in task texts and events")),
    },
    modelled!(max_steps_per_task, Int, Rule::Any),
    modelled!(max_tasks_per_epoch, Int, Rule::Any),
    modelled!(error_weight, Float, Rule::Any),
    modelled!(misuse_weight, Float, Rule::Any),
    inert(
        modelled!(verification_confidence, Float, Rule::Any),
        Inert::never("only in the episode's metadata (soft_p), which nothing reads"),
    ),
    inert(
        modelled!(conflict_probability, Float, UNIT),
        Inert::never("drawn against only with a shared database, which is refused"),
    ),
    read!(envs_path, Str, Rule::Any),
    read!(data_path, Str, Rule::Any),
    read!(base_port, Int, Rule::Any),
    read!(host, Str, Rule::Any),
    read!(verification_timeout, Float, Rule::Any),
    read!(server_startup_timeout, Float, Rule::Any),
    read!(server_command_template, Str, Rule::Any),
    read!(health_check_interval, Float, Rule::Any),
    read!(reset_between_epochs, Bool, Rule::Any),
    read!(max_concurrent_servers, Int, at_least(1)),
    read!(step_mode, Bool, Rule::Any),
    read!(isolation_level, Str, Rule::Any),
    read!(llm_planning, Bool, Rule::Any),
    read!(llm_temperature, Float, Rule::Any),
    read!(llm_max_tokens, Int, Rule::Any),
    read!(llm_timeout, Float, Rule::Any),
    read!(llm_max_retries, Int, Rule::Any),
    read!(llm_cost_tracking, Bool, Rule::Any),
    read!(llm_fallback_to_scripted, Bool, Rule::Any),
    read!(llm_max_calls_per_plan, Int, Rule::Any),
];

/// `awm:` keys that may be null (`Optional[...]`), read but never used by
/// the simulated path.
const AWM_OPTIONAL: [&str; 7] = [
    "seed",
    "llm_provider",
    "llm_model",
    "llm_api_key",
    "llm_base_url",
    "llm_system_prompt",
    "llm_prompt_audit_path",
];

/// The `rivals:` keys; a sweep may set the modelled scalars (`rivals.<key>`).
pub(crate) static RIVALS_FIELDS: &[Field<RivalsConfig>] = &[
    Field {
        key: "mode",
        ty: Ty::Choice(Mode::NAMES),
        rule: Rule::Any,
        role: Role::Modelled {
            get: |c| ParamValue::Str(c.mode.as_str().to_string()),
            set: |c, v| {
                if let Some(m) = Mode::parse(&v.to_string()) {
                    c.mode = m;
                }
            },
        },
        inert: None,
    },
    modelled!(max_retries_per_stage, Int, Rule::Any),
    modelled!(tasks_per_epoch, Int, Rule::Any),
    inert(
        modelled!(trap_probability, Float, Rule::Any),
        Inert::never("read but never used by the reference"),
    ),
    inert(
        modelled!(default_detection_rate, Float, Rule::Any),
        Inert::never("used only for actions without the critic's own rate, which rivals critics always send"),
    ),
    inert(
        modelled!(default_false_positive_rate, Float, Rule::Any),
        Inert::never("used only for actions without the critic's own rate, which rivals critics always send"),
    ),
    inert(
        modelled!(default_quality_level, Float, Rule::Any),
        Inert::never("used only for actions without the producer's own level, which rivals producers always send"),
    ),
    inert(
        modelled!(default_trap_awareness, Float, Rule::Any),
        Inert::never("used only for actions without the producer's own awareness, which rivals producers always send"),
    ),
];

/// The agent-world-model handler's settings, or `None` when the reference
/// builds none.
pub(super) fn read_awm(e: &Entry, report: &mut Report) -> Option<AwmConfig> {
    let entries = built(e, report)?;
    let mut cfg = AwmConfig::default();
    for x in entries {
        let path = format!("{AWM}.{}", x.key);
        if enabled_and_seed(AWM, x, &mut cfg.enabled, &mut cfg.seed, report) {
            continue;
        }
        match x.key.as_str() {
            "live_mode" | "shared_database" => match coerce(Ty::Bool, &x.value) {
                Ok(ParamValue::Bool(true)) => {
                    let what = if x.key == "live_mode" {
                        "live mode runs tool calls and verification against real servers"
                    } else {
                        "a shared database draws write conflicts between agents, which is not modelled"
                    };
                    report.unmodelled(x.value.line, &path, what);
                }
                Ok(_) => {}
                Err(m) => report.error(x.value.line, &path, m),
            },
            key if AWM_OPTIONAL.contains(&key) => {
                if !x.value.is_null() {
                    if let Err(m) = coerce(Ty::Str, &x.value) {
                        report.error(x.value.line, &path, m);
                    }
                }
            }
            _ => {
                let others = ["enabled", "live_mode", "shared_database"];
                let others: Vec<&str> = others.into_iter().chain(AWM_OPTIONAL).collect();
                table_key(AWM, AWM_FIELDS, &others, x, &mut cfg, report);
            }
        }
    }
    Some(cfg)
}

/// The team-of-rivals handler's settings, or `None` when the reference
/// builds none.
pub(super) fn read_rivals(e: &Entry, report: &mut Report) -> Option<RivalsConfig> {
    let entries = built(e, report)?;
    let mut cfg = RivalsConfig::default();
    let mut seed_line = e.key_line;
    for x in entries {
        if x.key == "seed" {
            seed_line = x.value.line;
        }
        if !enabled_and_seed(RIVALS, x, &mut cfg.enabled, &mut cfg.seed, report) {
            table_key(
                RIVALS,
                RIVALS_FIELDS,
                &["enabled", "seed"],
                x,
                &mut cfg,
                report,
            );
        }
    }
    if cfg.seed.is_none() {
        let what = "without a seed the handler draws from OS entropy: the reference's runs cannot be reproduced";
        report.unmodelled(seed_line, &format!("{RIVALS}.seed"), what);
    }
    Some(cfg)
}

/// The two handlers, as their guards name them: their interactions are
/// self-interactions.
const AWM_HANDLER: Handler = Handler {
    name: "AWM",
    counterparty: Counterparty::Itself,
};
const RIVALS_HANDLER: Handler = Handler {
    name: "rivals",
    counterparty: Counterparty::Itself,
};

/// Whether agents of these kinds act through a handler the scenario builds.
fn acts(s: &Scenario, kinds: &[AgentKind]) -> bool {
    s.agents
        .iter()
        .any(|a| kinds.contains(&a.kind) && a.count > 0)
}

/// What the two handlers meet in this scenario that is not modelled (also
/// checked when a sweep sets a value).
/// Each is (section, what).
pub(crate) fn unmodelled_with(s: &Scenario) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(cfg) = &s.awm {
        if acts(s, &[AgentKind::AwmAgent]) {
            out.extend(
                handler_levers::unmodelled(s, AWM_HANDLER)
                    .into_iter()
                    .map(|w| (AWM, w)),
            );
        }
        let long_plan = s.agents.iter().any(|a| match &a.config {
            AgentConfig::AwmAgent(c) => c.planned_calls() > i64::from(MAX_RECORDED_CALLS),
            _ => false,
        });
        if long_plan && cfg.max_steps_per_task > i64::from(MAX_RECORDED_CALLS) {
            out.push((AWM, format!(
                "awm_agent plans of more than {MAX_RECORDED_CALLS} calls with max_steps_per_task above {MAX_RECORDED_CALLS} are not modelled"
            )));
        }
    }
    if let Some(cfg) = &s.rivals {
        if acts(s, &[AgentKind::RivalsProducer, AgentKind::RivalsCritic]) {
            out.extend(
                handler_levers::unmodelled(s, RIVALS_HANDLER)
                    .into_iter()
                    .map(|w| (RIVALS, w)),
            );
        }
        if cfg.mode != Mode::SingleAgent {
            let configs: Vec<&AgentConfig> = s
                .agents
                .iter()
                .flat_map(|a| std::iter::repeat_n(&a.config, a.count as usize))
                .collect();
            let roles = roles(&configs);
            let shared = roles
                .iter()
                .enumerate()
                .find(|(i, r)| r.is_some() && roles[..*i].contains(r));
            if let Some((i, _)) = shared {
                let role = match configs[i] {
                    AgentConfig::RivalsProducer(c) => c.role.clone(),
                    AgentConfig::RivalsCritic(c) => c.role.clone(),
                    _ => String::new(),
                };
                out.push((RIVALS, format!(
                    "two or more agents with role '{role}': the reference assigns roles in Python set order, which depends on the process's string hash seed, so its draws cannot be reproduced"
                )));
            }
        }
    }
    out
}

/// The fidelity guard for [`unmodelled_with`]; `line(section)` is the
/// line of the section's key.
pub(super) fn check_combination(s: &Scenario, line: impl Fn(&str) -> usize, report: &mut Report) {
    for (section, what) in unmodelled_with(s) {
        report.unmodelled(line(section), section, what);
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::params::{param_paths, set_param, ParamValue};
    use crate::scenario::{load_str, LoadOptions, Scenario};
    use crate::sim::rivals::Mode;

    const RIVALS_AGENTS: &str =
        "agents:\n  - type: rivals_producer\n    config: {role: coder}\n  - type: rivals_critic\n";

    /// The scenario, and the key paths the guard refuses, of `text`.
    fn load(text: &str) -> Result<(Scenario, Vec<String>), String> {
        let opts = LoadOptions {
            allow_unmodelled: true,
            ..LoadOptions::default()
        };
        load_str(text, "t.yaml", opts)
            .map(|l| {
                let refused = l.scenario.unmodelled.clone();
                (l.scenario, refused)
            })
            .map_err(|e| e.message)
    }

    #[test]
    fn sections_are_read_with_the_reference_defaults() {
        let (s, refused) = load(&format!(
            "{RIVALS_AGENTS}rivals:\n  seed: '42'\n  mode: council\n  max_retries_per_stage: 2\n  colour: red\n"
        ))
        .unwrap();
        assert!(refused.is_empty(), "{refused:?}");
        let r = s.rivals.unwrap();
        assert_eq!(
            (r.seed, r.mode, r.max_retries_per_stage),
            (Some(42), Mode::Council, 2)
        );
        assert_eq!(r.tasks_per_epoch, 4);
        let (s, _) =
            load("agents:\n  - type: awm_agent\nawm:\n  max_steps_per_task: 15\n").unwrap();
        let a = s.awm.unwrap();
        assert_eq!((a.max_steps_per_task, a.max_tasks_per_epoch), (15, 5));
        // Not built: absent, empty, or switched off.
        let (s, _) =
            load("agents:\n  - type: awm_agent\nawm: {}\nrivals:\n  enabled: false\n").unwrap();
        assert!(s.awm.is_none() && s.rivals.is_none());
    }

    #[test]
    fn what_the_reference_cannot_reproduce_or_this_engine_does_not_model_is_refused() {
        let refused = |body: &str| load(body).unwrap().1;
        assert_eq!(
            refused(&format!("{RIVALS_AGENTS}rivals: {{mode: advisory}}\n")),
            ["rivals.seed"]
        );
        let two_coders = "agents:\n  - type: rivals_producer\n    count: 2\nrivals: {seed: 1}\n";
        assert_eq!(refused(two_coders), ["rivals"]);
        let single = "agents:\n  - type: rivals_producer\n    count: 2\nrivals: {seed: 1, mode: single_agent}\n";
        assert!(refused(single).is_empty());
        assert_eq!(
            refused(
                "agents:\n  - type: awm_agent\nawm: {live_mode: true, shared_database: false}\n"
            ),
            ["awm.live_mode"]
        );
        assert_eq!(
            refused("agents:\n  - type: awm_agent\nawm: {seed: 3}\ngovernance: {collusion_detection_enabled: true}\n"),
            ["awm"]
        );
        let long = "agents:\n  - type: awm_agent\n    config: {tool_call_count: 70}\nawm: {max_steps_per_task: 65}\n";
        assert_eq!(refused(long), ["awm"]);
        let e = load("agents:\n  - type: awm_agent\nawm: {conflict_probability: 2}\n").unwrap_err();
        assert!(e.contains("awm.conflict_probability"), "{e}");
        let e =
            load("agents:\n  - type: rivals_critic\nrivals: {seed: 1, mode: duel}\n").unwrap_err();
        assert!(e.contains("rivals.mode"), "{e}");
    }

    #[test]
    fn numeric_settings_are_sweepable() {
        let (mut s, _) = load(&format!("{RIVALS_AGENTS}rivals: {{seed: 42}}\n")).unwrap();
        let paths = param_paths(&s);
        assert!(paths.iter().any(|p| p == "rivals.max_retries_per_stage"));
        set_param(&mut s, "rivals.tasks_per_epoch", &ParamValue::Int(2)).unwrap();
        assert_eq!(s.rivals.as_ref().unwrap().tasks_per_epoch, 2);
        assert!(set_param(&mut s, "awm.error_weight", &ParamValue::Float(2.0)).is_err());
        // A sweep cannot reach what the loader refuses.
        let e = set_param(
            &mut s,
            "governance.security_enabled",
            &ParamValue::Bool(true),
        );
        assert!(e.is_err());
    }
}
