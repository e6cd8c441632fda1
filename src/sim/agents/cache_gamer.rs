//! `cache_gamer` agents (the reference's `CacheGamerAgent`,
//! docs/model/tierra-awm-memory-negotiation-rivals.md §M.4): write a
//! low-effort note on every turn while the write budget lasts, and accept
//! every proposal. Archetype opportunistic. They never draw: their other
//! branches need a pending promotion, and there never is one (see
//! `sim::memory`). The note's counter only numbers its text.

use super::stock::{accept_every_proposal, no_config};
use super::{Action, AgentType, Base, Content, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;

#[derive(Debug, Clone)]
pub struct CacheGamer;

impl AgentType for CacheGamer {
    const NAME: &'static str = "cache_gamer";
    const ARCHETYPE: Archetype = Archetype::Opportunistic;

    no_config!();

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if obs.memory_writes_remaining > 0 {
            Action::WriteMemory(Content(0))
        } else {
            Action::Noop
        }
    }

    accept_every_proposal!();
}
