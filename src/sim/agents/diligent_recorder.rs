//! `diligent_recorder` agents (the reference's `DiligentRecorderAgent`,
//! docs/model/tierra-awm-memory-negotiation-rivals.md §M.4): write a fact to
//! the shared memory with probability `write_probability`, and accept every
//! proposal. Archetype honest.
//!
//! Their rule first challenges, verifies and promotes entries from the
//! memory handler's challenged and pending lists, which are always empty
//! (see `sim::memory`): those branches never draw and never act. One draw a
//! turn while the write budget lasts, none after it or without a memory
//! handler (a budget of 0).

use super::{Action, AgentType, Base, Content, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{inert, modelled, Field, Inert};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub write_probability: f64,
    /// Read only when an entry awaits promotion, which never happens.
    pub verify_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            write_probability: 0.4,
            verify_probability: 0.3,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(write_probability, Number, Rule::Any),
    inert(
        modelled!(verify_probability, Number, Rule::Any),
        Inert::never("it is drawn against only when a memory entry awaits promotion, and none ever does (entries are offered for promotion only once verified)"),
    ),
];

#[derive(Debug, Clone)]
pub struct DiligentRecorder {
    write_probability: f64,
}

impl AgentType for DiligentRecorder {
    type Config = Config;
    const NAME: &'static str = "diligent_recorder";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> DiligentRecorder {
        DiligentRecorder {
            write_probability: cfg.write_probability,
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if obs.memory_writes_remaining > 0 && rng.random() < self.write_probability {
            Action::WriteMemory(Content(0))
        } else {
            Action::Noop
        }
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        _base: &Base,
        _initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::testing::{base, memory_obs};
    use crate::sim::feed::Feed;

    /// memory_tiers.yaml, seed 1, epoch 0 step 0: recorder_1 (stream
    /// Random(2)) draws 0.956… (no write), recorder_2 (Random(3)) 0.237…
    /// (a write).
    #[test]
    fn writes_below_the_probability_and_only_with_a_budget() {
        let feed = Feed::default();
        let mut a = DiligentRecorder::new(&Config::default(), 9, &mut PyRandom::new(2));
        let obs = memory_obs(&feed, 20);
        assert_eq!(a.act(&mut PyRandom::new(2), &base(), &obs), Action::Noop);
        let mut rng = PyRandom::new(3);
        assert_eq!(
            a.act(&mut rng, &base(), &obs),
            Action::WriteMemory(Content(0))
        );
        // No budget: no draw.
        let before = rng.clone();
        assert_eq!(
            a.act(&mut rng, &base(), &memory_obs(&feed, 0)),
            Action::Noop
        );
        assert_eq!(rng.random(), before.clone().random());
        assert!(a.accept(&mut rng, &base(), 1, InteractionType::Trade));
    }
}
