//! `rivals_producer` (the reference's `RivalsProducerAgent`,
//! docs/model/tierra-awm-memory-negotiation-rivals.md §R.1, §R.4): produces
//! the artifact of its pipeline stage when the team-of-rivals handler asks
//! it to, sending its quality level and trap awareness; otherwise does
//! nothing. Accepts every proposal; never draws. Archetype honest.

use super::{Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;
use crate::sim::rivals::RivalsAction;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub quality_level: f64,
    pub trap_awareness: f64,
    /// The handler's role (`coder`, `chart_maker`, `writer`); any other
    /// value is never assigned.
    pub role: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            quality_level: 0.7,
            trap_awareness: 0.5,
            role: "coder".to_string(),
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(quality_level, Float, Rule::Any),
    modelled!(trap_awareness, Float, Rule::Any),
    modelled!(role, Str),
];

/// Its settings travel with the handler (`sim::rivals::Member`).
#[derive(Debug, Clone)]
pub struct RivalsProducer;

impl AgentType for RivalsProducer {
    type Config = Config;
    const NAME: &'static str = "rivals_producer";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(_: &Config, _n_agents: usize, _rng: &mut PyRandom) -> RivalsProducer {
        RivalsProducer
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if obs.rivals.is_some_and(|h| h.assignments(obs.me).produce) {
            return Action::Rivals(RivalsAction::Produce);
        }
        Action::Noop
    }

    fn accept(&mut self, _: &mut PyRandom, _: &Base, _: usize, _: InteractionType) -> bool {
        true
    }
}
