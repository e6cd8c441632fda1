//! River agents (the reference's `RiverAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.5.1): honest agents
//! with full memory persistence, which is every honest agent's default, so
//! they behave exactly as `honest`; only the id prefix differs.

use super::honest::{Config, Honest};
use super::{Action, AgentType, Base, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;

#[derive(Debug, Clone)]
pub struct River(Honest);

impl AgentType for River {
    type Config = Config;
    const NAME: &'static str = "river";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        Honest::fields()
    }

    fn new(cfg: &Config, n_agents: usize, rng: &mut PyRandom) -> River {
        River(Honest::new(cfg, n_agents, rng))
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        self.0.act(rng, base, obs)
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        self.0.accept(rng, base, initiator, itype)
    }

    fn record_outcome(&mut self, o: Outcome) {
        self.0.record_outcome(o);
    }
}
