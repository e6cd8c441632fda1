//! `retriever` agents (the reference's `RetrieverAgent`, docs/model/scholar.md
//! §5.1): ask the scholar handler for passages on the current query when
//! the epoch's pool is still empty. Archetype honest; never draws.
//!
//! The reference reads none of its `config:` keys: `bias` is a constructor
//! argument its loader never passes, so every retriever uses "recall" (the
//! full query text), and YAML `bias: precision` changes nothing.

use super::{scholar_accepts, Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;
use crate::sim::scholar::ScholarAction;

#[derive(Debug, Clone)]
pub struct Retriever;

impl AgentType for Retriever {
    type Config = ();
    const NAME: &'static str = "retriever";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<()>] {
        &[]
    }

    fn new(_: &(), _n_agents: usize, _rng: &mut PyRandom) -> Retriever {
        Retriever
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        match obs.scholar {
            Some(s) if s.query().is_some() && s.pool_is_empty() => {
                Action::Scholar(ScholarAction::Retrieve)
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
