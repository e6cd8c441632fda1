//! Honest agents (docs/model/simulation.md §6.1; marketplace branches:
//! docs/model/markets.md §A.4.1).

use super::{
    decide, Action, AgentType, Base, Content, InteractionType, Observation, Outcome, VoteMemory,
};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub acceptance_threshold: f64,
    pub trust_weight: f64,
    pub post_probability: f64,
    pub vote_probability: f64,
    pub interact_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            acceptance_threshold: 0.4,
            trust_weight: 0.3,
            post_probability: 0.3,
            vote_probability: 0.5,
            interact_probability: 0.4,
        }
    }
}

static FIELDS: &[Field<Config>] = decide::honest_fields![];

#[derive(Debug, Clone)]
pub struct Honest {
    cfg: Config,
    memory: VoteMemory,
}

impl AgentType for Honest {
    type Config = Config;
    const NAME: &'static str = "honest";
    const ARCHETYPE: Archetype = Archetype::Honest;
    // Picks by its own trust in each visible agent, never their values.
    const READS_VISIBLE_VALUES: bool = false;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> Honest {
        Honest {
            cfg: cfg.clone(),
            memory: VoteMemory::default(),
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return p.answer(base.trust(p.initiator) >= self.cfg.acceptance_threshold - 0.1);
        }
        if let Some(m) = obs.market {
            // Accept the cheapest bid on an own bounty, else maybe bid
            // 80–95 % of a randomly chosen visible bounty's reward.
            if let Some(a) = super::accept_cheapest_bid(m) {
                return a;
            }
            if let Some(a) = super::bid_on_random_bounty(rng, m, 0.3, (0.8, 0.95)) {
                return a;
            }
        }
        // The gate draw happens even when bounties are visible; without a
        // marketplace the post fails and the turn is lost (docs/model/quirks.md §2.2).
        if obs.resources > 20.0 && rng.random() < 0.15 && !obs.sees_bounties() {
            let reward = rng.uniform(5.0, 15.0);
            return Action::PostBounty {
                reward,
                min_reputation: 0.0,
                deadline: None,
            };
        }
        // Nothing moves a task to "in progress", so honest agents never
        // submit; they claim the best visible task.
        if let Some(task) = obs
            .market
            .filter(|m| m.can_claim_task)
            .and_then(|m| m.best_task())
        {
            return Action::ClaimTask(task);
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            // One of four helpful texts.
            return Action::Post(Content(rng.choice_index(4) as u8));
        }
        if obs.can_vote && obs.has_posts() && rng.random() < self.cfg.vote_probability {
            // Agents never see net_votes (§2.1): honest always up-votes.
            return decide::upvote_unvoted_post(rng, obs, &mut self.memory);
        }
        if obs.can_interact && rng.random() < self.cfg.interact_probability && obs.has_visible() {
            let Some(counterparty) =
                most_trusted(obs.visible().map(|a| (a.idx, base.trust(a.idx))))
            else {
                return Action::Noop;
            };
            return Action::propose(counterparty, InteractionType::Collaboration);
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        let mut threshold = self.cfg.acceptance_threshold;
        match itype {
            InteractionType::Collaboration => threshold -= 0.1,
            InteractionType::Trade => threshold += 0.1,
        }
        let w = self.cfg.trust_weight;
        let score = base.trust(initiator) * w + 0.5 * (1.0 - w);
        score >= threshold
    }

    fn record_outcome(&mut self, _o: Outcome) {
        self.memory.push_outcome();
    }
}

/// The reference ranks the candidates with trust ≥ 0.3 by a stable sort,
/// most trusted first, and proposes to the first. That is the first
/// candidate (registration order) of the highest trust: one pass, no
/// buffer. Trust is never NaN (a NaN would fail the ≥ 0.3 filter anyway).
fn most_trusted(candidates: impl Iterator<Item = (usize, f64)>) -> Option<usize> {
    decide::first_best(candidates.filter(|&(_, t)| t >= 0.3))
}

impl Honest {
    /// The settings, for types built on honest whose settings drift
    /// (`ralph_loop`'s learning boosts).
    pub(super) fn config_mut(&mut self) -> &mut Config {
        &mut self.cfg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::decide::market_checks::{
        assert_acts_as_twin, assert_turn, bids_on, fresh,
    };
    use crate::sim::marketplace::{BountyView, MarketView, TaskView};

    /// The reference's rule, literally: filter, stable sort descending, first.
    fn first_after_stable_sort(c: &[(usize, f64)]) -> Option<usize> {
        let mut ranked: Vec<(usize, f64)> = c.iter().copied().filter(|&(_, t)| t >= 0.3).collect();
        ranked.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        ranked.first().map(|&(i, _)| i)
    }

    #[test]
    fn most_trusted_is_the_stable_sorts_first() {
        // Ties, values at the 0.3 cut, NaN, empty: drawn from a small set so
        // ties are common.
        let values = [0.0, 0.29, 0.3, 0.3, 0.5, 0.5, 0.77, 1.0, f64::NAN];
        let mut rng = PyRandom::new(7);
        for _ in 0..2000 {
            let n = rng.choice_index(7);
            let c: Vec<(usize, f64)> = (0..n)
                .map(|i| (i, values[rng.choice_index(values.len())]))
                .collect();
            assert_eq!(
                most_trusted(c.iter().copied()),
                first_after_stable_sort(&c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn accepts_the_cheapest_pending_bid_without_drawing() {
        let view = MarketView {
            bid_decisions: bids_on(
                0,
                &[11.425103089860329, 9.477465076071129, 9.477465076071129],
            ),
            ..MarketView::default()
        };
        let want = Action::AcceptBid { bounty: 0, bid: 1 };
        assert_turn(&mut fresh::<Honest>(), &view, 5, 0, want);
    }

    /// marketplace_economy seed 1, step 0/1 (traced): honest_2 draws
    /// 0.2379… < 0.3, choice(1) and uniform(0.8, 0.95) = 0.855493274982212,
    /// and bids 11.425103089860329 on honest_1's 13.354988781294496.
    #[test]
    fn bids_on_a_random_visible_bounty_else_draws_the_post_gate_and_claims() {
        let reward = 13.354988781294496;
        assert_eq!(reward * 0.855493274982212, 11.425103089860329);
        let view = MarketView {
            bounties: vec![
                BountyView { id: 4, reward },
                BountyView { id: 6, reward: 3.5 },
            ],
            tasks: vec![TaskView {
                id: 7,
                bounty: reward,
            }],
            can_claim_task: true,
            ..MarketView::default()
        };
        assert_acts_as_twin::<Honest>(&view, |twin| {
            if twin.random() < 0.3 {
                let b = view.bounties[twin.choice_index(2)];
                Action::PlaceBid {
                    bounty: b.id,
                    amount: b.reward * twin.uniform(0.8, 0.95),
                }
            } else {
                // The bounty gate draws even though bounties are visible.
                twin.random();
                Action::ClaimTask(7)
            }
        });
    }
}
