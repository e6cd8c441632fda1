//! Fair negotiators (docs/model/tierra-awm-memory-negotiation-rivals.md
//! Part N). Their games never reach their observation in the reference
//! (its observation builder drops the negotiation fields), so every turn is
//! a no-op without a draw; a proposal is always accepted.

use super::{Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Read at construction; only the (unreachable) game logic uses it.
    pub accept_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            accept_threshold: 0.3,
        }
    }
}

static FIELDS: &[Field<Config>] = &[modelled!(accept_threshold, Number, Rule::Any)];

#[derive(Debug, Clone)]
pub struct FairNegotiator;

impl AgentType for FairNegotiator {
    type Config = Config;
    const NAME: &'static str = "fair_negotiator";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(_cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> FairNegotiator {
        FairNegotiator
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, _obs: &Observation) -> Action {
        Action::Noop
    }

    fn accept(&mut self, _: &mut PyRandom, _: &Base, _: usize, _: InteractionType) -> bool {
        true
    }
}
