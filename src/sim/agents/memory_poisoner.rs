//! `memory_poisoner` agents (the reference's `MemoryPoisonerAgent`,
//! docs/model/tierra-awm-memory-negotiation-rivals.md §M.4): write to the
//! shared memory on every turn while the write budget lasts, and reject
//! every proposal. Archetype adversarial (the handler poisons all their
//! writes).
//!
//! A draw below 0.7 writes a "finding"; otherwise, with nothing of its own
//! or its partners' pending promotion (the list is always empty, see
//! `sim::memory`), it falls back to writing an "observation". One draw a
//! turn while the budget lasts, none after it or without a memory handler.

use super::stock::{no_config, reject_every_proposal};
use super::{Action, AgentType, Base, Content, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;

/// Below this draw it writes its first text.
const WRITE_PROBABILITY: f64 = 0.7;

#[derive(Debug, Clone)]
pub struct MemoryPoisoner;

impl AgentType for MemoryPoisoner {
    const NAME: &'static str = "memory_poisoner";
    const ARCHETYPE: Archetype = Archetype::Adversarial;

    no_config!();

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if obs.memory_writes_remaining == 0 {
            return Action::Noop;
        }
        if rng.random() < WRITE_PROBABILITY {
            Action::WriteMemory(Content(0))
        } else {
            Action::WriteMemory(Content(1))
        }
    }

    reject_every_proposal!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::testing::{base, memory_obs};
    use crate::sim::agents::InteractionType;
    use crate::sim::feed::Feed;

    /// memory_tiers.yaml, seed 1, epoch 0 step 0: poisoner_1 (Random(6))
    /// draws 0.793… (the fallback write), poisoner_2 (Random(7)) 0.323….
    #[test]
    fn always_writes_while_the_budget_lasts() {
        let feed = Feed::default();
        let mut a = MemoryPoisoner;
        let obs = memory_obs(&feed, 1);
        let w = |seed| a.clone().act(&mut PyRandom::new(seed), &base(), &obs);
        assert_eq!(w(6), Action::WriteMemory(Content(1)));
        assert_eq!(w(7), Action::WriteMemory(Content(0)));
        assert_eq!(
            a.act(&mut PyRandom::new(6), &base(), &memory_obs(&feed, 0)),
            Action::Noop
        );
        assert!(!a.accept(
            &mut PyRandom::new(6),
            &base(),
            1,
            InteractionType::Collaboration
        ));
    }
}
