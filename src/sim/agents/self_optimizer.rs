//! Self-optimizers (the reference's `SelfOptimizerAgent`;
//! docs/model/cautious-self-optimizer-obfuscating.md §4.4): accept every proposal on
//! their turn, accept passively at trust > 0.3, and propose a trade to a
//! uniformly chosen visible agent. The reference's cost/quality ratchet
//! (`optimize_step`) is never called by its run loop, so its five settings
//! are read and have no effect, here as there. Reports the `opportunistic`
//! type.

use super::stock::passive_rule;
use super::{decide, Action, AgentType, Base, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{inert, modelled, Field, Inert};
use crate::scenario::Archetype;

/// All five settings only feed the reference's never-called `optimize_step`
/// (and the cost multiplier it would lower stays 1.0): inert.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub optimization_rate: f64,
    pub quality_floor: f64,
    pub benchmark_threshold: f64,
    pub initial_quality: f64,
    pub initial_cost: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            optimization_rate: 0.15,
            quality_floor: 0.35,
            benchmark_threshold: 0.45,
            initial_quality: 0.85,
            initial_cost: 0.10,
        }
    }
}

const RATCHET: Inert =
    Inert::never("only the reference's optimize_step reads it, and its run loop never calls it");

static FIELDS: &[Field<Config>] = &[
    inert(modelled!(optimization_rate, Float, Rule::Any), RATCHET),
    inert(modelled!(quality_floor, Float, Rule::Any), RATCHET),
    inert(modelled!(benchmark_threshold, Float, Rule::Any), RATCHET),
    inert(modelled!(initial_quality, Float, Rule::Any), RATCHET),
    inert(modelled!(initial_cost, Float, Rule::Any), RATCHET),
];

#[derive(Debug, Clone)]
pub struct SelfOptimizer;

impl AgentType for SelfOptimizer {
    type Config = Config;
    const NAME: &'static str = "self_optimizer";
    const ARCHETYPE: Archetype = Archetype::Opportunistic;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's self-optimizer claims the first claimable task, then submits output on it every turn (self_optimizer.py act)",
    );

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(_cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> SelfOptimizer {
        SelfOptimizer
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return Action::Accept(p.proposal_id);
        }
        decide::propose_to_random(rng, obs, InteractionType::Trade).unwrap_or(Action::Noop)
    }

    // The reference first accepts outright at a cost multiplier < 0.5,
    // which never happens (it stays 1.0).
    passive_rule!(|base, initiator, _itype| base.trust(initiator) > 0.3);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::feed::Feed;

    #[test]
    fn proposes_trades_to_uniformly_chosen_agents() {
        // self_optimizer.yaml seed 1: self_optimizer_1 (stream seed 7) sees
        // honest_1..5, self_optimizer_2, self_optimizer_3 and picks indices
        // 2, 1, 3, 5, 0 on its first five turns.
        let feed = Feed::default();
        let archetypes = [Archetype::Honest; 8];
        let unfrozen: Vec<usize> = (0..8).collect();
        let mut obs = Observation::for_test(&feed, &unfrozen, &archetypes, &[0.0; 8]);
        obs.me = 5;
        let base = Base::for_test(5, 8);
        let mut rng = PyRandom::new(7);
        let mut agent = SelfOptimizer::new(&Config::default(), 8, &mut rng);
        let picked: Vec<Action> = (0..5).map(|_| agent.act(&mut rng, &base, &obs)).collect();
        // Visible order skips self (index 5): 0..=4, 6, 7.
        let trade = |c| Action::propose(c, InteractionType::Trade);
        assert_eq!(picked, [2, 1, 3, 6, 0].map(trade));
        assert!(agent.accept(&mut rng, &base, 1, InteractionType::Trade));
    }
}
