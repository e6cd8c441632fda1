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

use super::stock::{accept_every_proposal, write_memory_below};
use super::{Action, AgentType, Base, Observation};
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
        write_memory_below(rng, obs, self.write_probability)
    }

    accept_every_proposal!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::testing::{base, memory_obs};
    use crate::sim::agents::{Content, InteractionType};
    use crate::sim::feed::Feed;

    /// memory_tiers.yaml, seed 1, epoch 0 step 0: recorder_1 (stream
    /// Random(2)) draws 0.956… (no write), recorder_2 (Random(3)) 0.237…
    /// (a write). Without a budget it never draws
    /// (`stock::write_memory_below`).
    #[test]
    fn writes_below_the_write_probability_while_the_budget_lasts() {
        let feed = Feed::default();
        let mut a = DiligentRecorder::new(&Config::default(), 9, &mut PyRandom::new(2));
        let obs = memory_obs(&feed, 20);
        assert_eq!(a.act(&mut PyRandom::new(2), &base(), &obs), Action::Noop);
        assert_eq!(
            a.act(&mut PyRandom::new(3), &base(), &obs),
            Action::WriteMemory(Content(0))
        );
        let spent = memory_obs(&feed, 0);
        assert_eq!(a.act(&mut PyRandom::new(3), &base(), &spent), Action::Noop);
        // A setting of 0.2 turns recorder_2's draw into no write.
        a.write_probability = 0.2;
        assert_eq!(a.act(&mut PyRandom::new(3), &base(), &obs), Action::Noop);
        assert!(a.accept(&mut PyRandom::new(3), &base(), 1, InteractionType::Trade));
    }
}
