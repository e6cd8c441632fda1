//! `collusive_verifier` agents (the reference's `CollusiveVerifierAgent`,
//! docs/model/scholar.md §5.7, docs/model/tierra-awm-memory-negotiation-rivals.md
//! §M.4): rubber-stamp a partner's entries in the tiered shared memory, and
//! accept every proposal. Archetype deceptive.
//!
//! Its verifications and promotions need entries pending promotion, and
//! there never are any (see `sim::memory`): what is left is a write with
//! probability 0.5 while the write budget lasts. Without a memory handler
//! the budget is 0: the agent then never draws and always does nothing on
//! its turn (research_swarm.yaml).

use super::stock::{accept_every_proposal, write_memory_below};
use super::{Action, AgentType, Base, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, Ty};
use crate::scenario::params::ParamValue;
use crate::scenario::schema::{Field, Role};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The agent whose memory entries it verifies and promotes (read by
    /// the reference, used only on memory-tier entries).
    pub partner_id: Option<String>,
}

static FIELDS: &[Field<Config>] = &[Field {
    key: "partner_id",
    ty: Ty::Str,
    rule: Rule::Any,
    role: Role::Modelled {
        get: |c| ParamValue::Str(c.partner_id.clone().unwrap_or_default()),
        set: |c, v| c.partner_id = Some(v.to_string()),
    },
    inert: None,
}];

/// Below this draw it writes.
const WRITE_PROBABILITY: f64 = 0.5;

#[derive(Debug, Clone)]
pub struct CollusiveVerifier;

impl AgentType for CollusiveVerifier {
    type Config = Config;
    const NAME: &'static str = "collusive_verifier";
    const ARCHETYPE: Archetype = Archetype::Deceptive;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(_: &Config, _n_agents: usize, _rng: &mut PyRandom) -> CollusiveVerifier {
        CollusiveVerifier
    }

    /// No pending promotions: the partner branches are skipped, and the
    /// write branch draws only while there is a write budget.
    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        write_memory_below(rng, obs, WRITE_PROBABILITY)
    }

    accept_every_proposal!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::testing::{base, memory_obs};
    use crate::sim::agents::{Content, InteractionType};
    use crate::sim::feed::Feed;

    /// memory_tiers.yaml, seed 1, epoch 0 step 0: verifier_1 (Random(8))
    /// draws 0.226… (a write), verifier_2 (Random(9)) 0.463… (a write);
    /// Random(6) draws 0.793… (no write). Without a budget it never draws
    /// (`stock::write_memory_below`).
    #[test]
    fn writes_below_one_half_while_the_budget_lasts() {
        let feed = Feed::default();
        let obs = memory_obs(&feed, 20);
        let act = |seed| CollusiveVerifier.act(&mut PyRandom::new(seed), &base(), &obs);
        assert_eq!(act(8), Action::WriteMemory(Content(0)));
        assert_eq!(act(9), Action::WriteMemory(Content(0)));
        assert_eq!(act(6), Action::Noop);
        let spent = memory_obs(&feed, 0);
        assert_eq!(
            CollusiveVerifier.act(&mut PyRandom::new(8), &base(), &spent),
            Action::Noop
        );
        assert!(CollusiveVerifier.accept(
            &mut PyRandom::new(6),
            &base(),
            1,
            InteractionType::Trade
        ));
    }
}
