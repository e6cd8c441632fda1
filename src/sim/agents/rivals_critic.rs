//! `rivals_critic` (the reference's `RivalsCriticAgent`,
//! docs/model/tierra-awm-memory-negotiation-rivals.md §R.1, §R.4): reviews
//! the artifact of its pipeline stage when the team-of-rivals handler asks
//! it to, sending its detection and false-positive rates; otherwise does
//! nothing. Accepts every proposal; never draws. Archetype honest.

use super::{Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;
use crate::sim::rivals::RivalsAction;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub detection_rate: f64,
    pub false_positive_rate: f64,
    /// The handler's role (`critic_code`, `critic_chart`,
    /// `critic_output`); any other value is never assigned.
    pub role: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            detection_rate: 0.7,
            false_positive_rate: 0.1,
            role: "critic_code".to_string(),
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(detection_rate, Float, Rule::Any),
    modelled!(false_positive_rate, Float, Rule::Any),
    modelled!(role, Str),
];

/// Its settings travel with the handler (`sim::rivals::Member`).
#[derive(Debug, Clone)]
pub struct RivalsCritic;

impl AgentType for RivalsCritic {
    type Config = Config;
    const NAME: &'static str = "rivals_critic";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(_: &Config, _n_agents: usize, _rng: &mut PyRandom) -> RivalsCritic {
        RivalsCritic
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if obs.rivals.is_some_and(|h| h.assignments(obs.me).review) {
            return Action::Rivals(RivalsAction::Review);
        }
        Action::Noop
    }

    fn accept(&mut self, _: &mut PyRandom, _: &Base, _: usize, _: InteractionType) -> bool {
        true
    }
}
