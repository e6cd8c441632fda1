//! Opportunistic agents (docs/model/simulation.md §6.2; marketplace branches:
//! docs/model/markets.md §A.4.2).

use super::{Action, AgentType, Base, Content, History, InteractionType, Observation, Outcome};
use crate::pyfloat::py_max;
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, UNIT};
use crate::scenario::schema::{inert, modelled, Field, Inert, NEEDS_MARKETPLACE};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Parsed and ignored, as in the reference (docs/model/quirks.md §2.18).
    pub payoff_threshold: f64,
    pub risk_tolerance: f64,
    pub post_probability: f64,
    pub vote_probability: f64,
    pub free_ride_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            payoff_threshold: 0.0,
            risk_tolerance: 0.6,
            post_probability: 0.4,
            vote_probability: 0.6,
            free_ride_probability: 0.3,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    inert(
        modelled!(payoff_threshold, Float, Rule::Any),
        Inert::never("the reference's opportunistic agent stores it and never reads it"),
    ),
    modelled!(risk_tolerance, Float, UNIT),
    modelled!(post_probability, Float, UNIT),
    modelled!(vote_probability, Float, UNIT),
    inert(
        modelled!(free_ride_probability, Float, UNIT),
        NEEDS_MARKETPLACE,
    ),
];

#[derive(Debug, Clone)]
pub struct Opportunistic {
    cfg: Config,
    history: History,
    scratch: Vec<usize>,
}

impl AgentType for Opportunistic {
    type Config = Config;
    const NAME: &'static str = "opportunistic";
    const ARCHETYPE: Archetype = Archetype::Opportunistic;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> Opportunistic {
        Opportunistic {
            cfg: cfg.clone(),
            history: History::default(),
            scratch: Vec::with_capacity(n_agents),
        }
    }

    fn record_outcome(&mut self, o: Outcome) {
        self.history.push(o.other, o.p);
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(m) = obs.market {
            // Opportunists never post bounties: no bids to decide on.
            if let Some(a) = super::accept_cheapest_bid(m) {
                return a;
            }
            if !m.bounties.is_empty() && rng.random() < 0.5 {
                if let Some(best) = m.richest_bounty() {
                    let amount = best.reward * rng.uniform(0.5, 0.7);
                    return Action::PlaceBid {
                        bounty: best.id,
                        amount: py_max(amount, 1.0),
                    };
                }
            }
        }
        if let Some(p) = obs.first_pending {
            // offered_transfer is always 0 for core proposals (§2.21).
            let known_good = obs
                .visible()
                .any(|a| a.idx == p.initiator && a.reputation() > 0.0);
            return p.answer(known_good || rng.random() < 0.4);
        }
        if let Some(m) = obs.market {
            if let Some(task) = m.best_task().filter(|_| m.can_claim_task) {
                return Action::ClaimTask(task);
            }
            if let Some(task) = m.active_task {
                // Minimal (0) or standard (1) work.
                let standard = rng.random() >= self.cfg.free_ride_probability;
                return Action::SubmitOutput {
                    task,
                    content: Content(u8::from(standard)),
                };
            }
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            // One of five engagement-bait texts.
            return Action::Post(Content(rng.choice_index(5) as u8));
        }
        if obs.can_vote && obs.has_posts() && rng.random() < self.cfg.vote_probability {
            // net_votes reads as 0 (§2.1): always up-vote the top post.
            if let Some(post) = obs.top_post() {
                return Action::Vote { post, up: true };
            }
        }
        if obs.can_interact && obs.has_visible() {
            self.scratch.clear();
            self.scratch.extend(
                obs.visible()
                    .filter(|a| a.resources() > 80.0 || a.reputation() > 0.5)
                    .map(|a| a.idx),
            );
            if self.scratch.is_empty() {
                return Action::Noop;
            }
            let counterparty = self.scratch[rng.choice_index(self.scratch.len())];
            return Action::propose(counterparty, InteractionType::Trade);
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        _base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        match self.history.mean_p_with(initiator) {
            Some(mean_p) => mean_p > 0.5,
            None => rng.random() < self.cfg.risk_tolerance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::decide::market_checks::{assert_acts_as_twin, assert_turn};
    use crate::sim::marketplace::{BountyView, MarketView, TaskView};

    /// marketplace_economy seed 1, step 0/2 (traced): opportunistic_1 bids
    /// max(3.8192676914864316 · 0.6886713433996627, 1) = 2.6302202118988895
    /// on the richest visible bounty.
    #[test]
    fn undercuts_the_richest_bounty_else_claims_else_submits_after_one_draw() {
        let richest = 3.8192676914864316;
        assert_eq!(
            py_max(richest * 0.6886713433996627, 1.0),
            2.6302202118988895
        );
        let bounty = |id, reward| BountyView { id, reward };
        let view = MarketView {
            bounties: vec![bounty(0, 1.2), bounty(1, richest), bounty(2, richest)],
            tasks: vec![TaskView {
                id: 3,
                bounty: richest,
            }],
            can_claim_task: true,
            ..MarketView::default()
        };
        let mut o = assert_acts_as_twin::<Opportunistic>(&view, |twin| {
            if twin.random() < 0.5 {
                Action::PlaceBid {
                    bounty: 1,
                    amount: py_max(richest * twin.uniform(0.5, 0.7), 1.0),
                }
            } else {
                Action::ClaimTask(3)
            }
        });
        // Nothing to claim, a task in hand: one draw, a submission.
        let working = MarketView {
            active_task: Some(3),
            ..MarketView::default()
        };
        // Random(1)'s first draw 0.134… < free_ride_probability 0.3: minimal work.
        let minimal = Action::SubmitOutput {
            task: 3,
            content: Content(0),
        };
        assert_turn(&mut o, &working, 1, 1, minimal);
    }
}
