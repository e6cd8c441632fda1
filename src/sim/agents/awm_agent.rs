//! `awm_agent` (the reference's `AWMAgent`, docs/model/tierra-awm-memory-negotiation-rivals.md
//! §A.1, §A.5): with a task from the agent-world-model handler it plans
//! its tool calls (one malformed-call draw each, then a tool choice for a
//! well-formed one) and hands them in; otherwise it does nothing. Its
//! passive rule accepts with probability 0.7 (0.3 in adversarial mode).
//! Archetype honest.

use super::{Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, Ty};
use crate::scenario::schema::{modelled, Field, Role};
use crate::scenario::Archetype;
use crate::sim::awm::{AwmAction, MAX_RECORDED_CALLS, N_TOOLS};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `lazy` plans a third of the calls, `adversarial` accepts less
    /// often; any other value behaves as `diligent`.
    pub mode: String,
    pub tool_call_count: i64,
    pub malformed_rate: f64,
    /// Step mode: one call per turn in the reference's design; since its
    /// observation never shows an active episode, every turn with a task
    /// re-plans and finishes the episode at once.
    pub step_mode: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mode: "diligent".to_string(),
            tool_call_count: 5,
            malformed_rate: 0.0,
            step_mode: false,
        }
    }
}

impl Config {
    /// The number of calls a plan holds (`tool_call_count`, a third of it
    /// rounded down but at least one in lazy mode; none when negative).
    pub fn planned_calls(&self) -> i64 {
        if self.mode == "lazy" {
            self.tool_call_count.div_euclid(3).max(1)
        } else {
            self.tool_call_count.max(0)
        }
    }
}

const LLM: &str =
    "LLM planning needs a language-model provider, which this engine does not model; refused";

static FIELDS: &[Field<Config>] = &[
    modelled!(mode, Str),
    modelled!(tool_call_count, Integer, Rule::Any),
    modelled!(malformed_rate, Number, Rule::Any),
    modelled!(step_mode, Bool),
    Field {
        key: "llm_planning",
        ty: Ty::Bool,
        rule: Rule::Any,
        role: Role::Refused(LLM),
        inert: None,
    },
];

#[derive(Debug, Clone)]
pub struct AwmAgent {
    adversarial: bool,
    calls: i64,
    malformed_rate: f64,
    step_mode: bool,
}

impl AgentType for AwmAgent {
    type Config = Config;
    const NAME: &'static str = "awm_agent";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> AwmAgent {
        AwmAgent {
            adversarial: cfg.mode == "adversarial",
            calls: cfg.planned_calls(),
            malformed_rate: cfg.malformed_rate,
            step_mode: cfg.step_mode,
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if !obs.awm.is_some_and(|h| h.has_task(obs.me)) {
            return Action::Noop;
        }
        let mut malformed = 0u64;
        for i in 0..self.calls {
            if rng.random() < self.malformed_rate {
                if i < i64::from(MAX_RECORDED_CALLS) {
                    malformed |= 1 << i;
                }
            } else {
                // The tool it names changes nothing without a shared database.
                rng.choice_index(N_TOOLS);
            }
        }
        Action::Awm(if self.step_mode {
            AwmAction::Finish
        } else {
            AwmAction::Execute {
                calls: self.calls as u32,
                malformed,
            }
        })
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        _base: &Base,
        _initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        rng.random() < if self.adversarial { 0.3 } else { 0.7 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::{awm_observation, Base};
    use crate::sim::awm::{self, Awm};
    use crate::sim::feed::Feed;

    /// awm_demo.yaml, seed 1: awm_agent_4 (adversarial, 6 calls, malformed
    /// rate 0.3) draws a malformed call third and sixth (doc §7.3).
    #[test]
    fn adversarial_plan_matches_the_reference() {
        let cfg = Config {
            mode: "adversarial".into(),
            tool_call_count: 6,
            malformed_rate: 0.3,
            step_mode: false,
        };
        let mut rng = PyRandom::new(5);
        let mut agent = AwmAgent::new(&cfg, 4, &mut rng);
        let hcfg = awm::Config {
            max_tasks_per_epoch: 4,
            ..awm::Config::default()
        };
        let mut h = Awm::new(&hcfg, 4, PyRandom::new(1));
        h.on_epoch_start();
        let feed = Feed::default();
        let obs = awm_observation(&feed, &h, 3);
        let action = agent.act(&mut rng, &Base::for_test(3, 4), &obs);
        assert_eq!(
            action,
            Action::Awm(AwmAction::Execute {
                calls: 6,
                malformed: 0b100100,
            })
        );
    }

    #[test]
    fn lazy_plans_a_third_at_least_one() {
        let lazy = |n| Config {
            mode: "lazy".into(),
            tool_call_count: n,
            ..Config::default()
        };
        assert_eq!(lazy(3).planned_calls(), 1);
        assert_eq!(lazy(2).planned_calls(), 1);
        assert_eq!(lazy(8).planned_calls(), 2);
        assert_eq!(Config::default().planned_calls(), 5);
    }
}
