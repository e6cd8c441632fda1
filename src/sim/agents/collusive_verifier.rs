//! `collusive_verifier` agents (the reference's `CollusiveVerifierAgent`,
//! docs/model/scholar.md §5.7): rubber-stamp a partner's entries in the
//! tiered shared memory, and accept every proposal. Archetype deceptive.
//!
//! All its actions act on the memory-tier handler's pending promotions and
//! write budget. No memory-tier handler is modelled here, and without one
//! the reference's observation offers no pending promotion and no write
//! budget: the agent then never draws and always does nothing on its turn
//! (research_swarm.yaml). The loader refuses `memory_tiers` together with
//! these agents.

use super::{Action, AgentType, Base, InteractionType, Observation};
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

    /// No pending promotions and no write budget: every branch of the
    /// reference's rule is skipped before its draw.
    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, _obs: &Observation) -> Action {
        Action::Noop
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
