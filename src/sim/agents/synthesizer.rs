//! `synthesizer` agents (the reference's `SynthesizerAgent`,
//! docs/model/scholar.md §5.2): answer the current query from the first
//! five pool passages, citing each honestly and appending every gold key
//! point the answer misses. Archetype honest; never draws.
//!
//! They synthesize only while no synthesis exists, and the reference never
//! clears its syntheses (§6): after the run's first one, they do
//! nothing. The reference reads none of their `config:` keys.

use super::stock::{accept_as_scholar, no_config, scholar_with_query};
use super::{Action, AgentType, Base, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;
use crate::sim::scholar::{ScholarAction, Synthesis};

#[derive(Debug, Clone)]
pub struct Synthesizer;

impl AgentType for Synthesizer {
    const NAME: &'static str = "synthesizer";
    const ARCHETYPE: Archetype = Archetype::Honest;

    no_config!();

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        match scholar_with_query(obs) {
            Some(s) if !s.pool_is_empty() && !s.has_synthesis() => {
                Action::Scholar(ScholarAction::Synthesize(Synthesis::Honest))
            }
            _ => Action::Noop,
        }
    }

    accept_as_scholar!();
}
