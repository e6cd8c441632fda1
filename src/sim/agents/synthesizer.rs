//! `synthesizer` agents (the reference's `SynthesizerAgent`,
//! docs/model/scholar.md §5.2): answer the current query from the first
//! five pool passages, citing each honestly and appending every gold key
//! point the answer misses. Archetype honest; never draws.
//!
//! They synthesize only while no synthesis exists, and the reference never
//! clears its syntheses (§6): after the run's first one, they do
//! nothing. The reference reads none of their `config:` keys.

use super::{scholar_accepts, Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;
use crate::sim::scholar::{ScholarAction, Synthesis};

#[derive(Debug, Clone)]
pub struct Synthesizer;

impl AgentType for Synthesizer {
    type Config = ();
    const NAME: &'static str = "synthesizer";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<()>] {
        &[]
    }

    fn new(_: &(), _n_agents: usize, _rng: &mut PyRandom) -> Synthesizer {
        Synthesizer
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        match obs.scholar {
            Some(s) if s.query().is_some() && !s.pool_is_empty() && !s.has_synthesis() => {
                Action::Scholar(ScholarAction::Synthesize(Synthesis::Honest))
            }
            _ => Action::Noop,
        }
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        scholar_accepts(base, initiator, itype)
    }
}
