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

use super::{Action, AgentType, Base, Content, InteractionType, Observation};
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
        if obs.memory_writes_remaining > 0 && rng.random() < WRITE_PROBABILITY {
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

    /// memory_tiers.yaml, seed 1, epoch 0 step 0: verifier_1 (Random(8))
    /// draws 0.226… (a write), verifier_2 (Random(9)) 0.463… (a write).
    #[test]
    fn writes_below_one_half_with_a_budget_and_never_draws_without() {
        let feed = Feed::default();
        let mut a = CollusiveVerifier;
        let obs = memory_obs(&feed, 20);
        let mut rng = PyRandom::new(8);
        assert_eq!(
            a.act(&mut rng, &base(), &obs),
            Action::WriteMemory(Content(0))
        );
        let before = rng.clone();
        assert_eq!(
            a.act(&mut rng, &base(), &memory_obs(&feed, 0)),
            Action::Noop
        );
        assert_eq!(rng.random(), before.clone().random());
        let mut rng = PyRandom::new(9);
        assert_eq!(
            a.act(&mut rng, &base(), &obs),
            Action::WriteMemory(Content(0))
        );
    }
}
