//! `retriever` agents (the reference's `RetrieverAgent`, docs/model/scholar.md
//! §5.1): ask the scholar handler for passages on the current query when
//! the epoch's pool is still empty. Archetype honest; never draws.
//!
//! The reference reads none of its `config:` keys: `bias` is a constructor
//! argument its loader never passes, so every retriever uses "recall" (the
//! full query text), and YAML `bias: precision` changes nothing.

use super::stock::{accept_as_scholar, no_config, scholar_with_query};
use super::{Action, AgentType, Base, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;
use crate::sim::scholar::ScholarAction;

#[derive(Debug, Clone)]
pub struct Retriever;

impl AgentType for Retriever {
    const NAME: &'static str = "retriever";
    const ARCHETYPE: Archetype = Archetype::Honest;

    no_config!();

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        match scholar_with_query(obs) {
            Some(s) if s.pool_is_empty() => Action::Scholar(ScholarAction::Retrieve),
            _ => Action::Noop,
        }
    }

    accept_as_scholar!();
}
