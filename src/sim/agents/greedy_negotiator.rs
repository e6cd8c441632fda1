//! Greedy negotiators (docs/model/tierra-awm-memory-negotiation-rivals.md
//! Part N): they read no `config:` key. Their games never reach their
//! observation in the reference, so every turn is a no-op without a draw;
//! a proposal is always accepted.

use super::{Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config;

#[derive(Debug, Clone)]
pub struct GreedyNegotiator;

impl AgentType for GreedyNegotiator {
    type Config = Config;
    const NAME: &'static str = "greedy_negotiator";
    const ARCHETYPE: Archetype = Archetype::Opportunistic;

    fn fields() -> &'static [Field<Config>] {
        &[]
    }

    fn new(_cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> GreedyNegotiator {
        GreedyNegotiator
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, _obs: &Observation) -> Action {
        Action::Noop
    }

    fn accept(&mut self, _: &mut PyRandom, _: &Base, _: usize, _: InteractionType) -> bool {
        true
    }
}
