//! Deceptive agents (docs/model/simulation.md §6.3): a trust-building facade with
//! an (in practice unreachable) exploitation mode (marketplace branches:
//! docs/model/markets.md §A.4.3).

use super::{decide, Action, AgentType, Base, Content, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::coerce::{at_least, Rule, UNIT};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub trust_building_phase: i64,
    pub exploitation_threshold: f64,
    pub facade_probability: f64,
    pub post_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            trust_building_phase: 5,
            exploitation_threshold: 0.7,
            facade_probability: 0.8,
            post_probability: 0.35,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(trust_building_phase, Int, at_least(0)),
    modelled!(exploitation_threshold, Float, Rule::Any),
    modelled!(facade_probability, Float, UNIT),
    modelled!(post_probability, Float, UNIT),
];

#[derive(Debug, Clone)]
pub struct Deceptive {
    cfg: Config,
    /// Private trust per agent, absent = default of the reading site.
    trust_scores: Vec<Option<f64>>,
    /// Passive decisions per initiator.
    interactions_with: Vec<i64>,
    /// Kept with the two above (read every turn): how many trust scores
    /// exceed the exploitation threshold, and the decisions in all.
    n_trusted: usize,
    n_decisions: i64,
    scratch: Vec<usize>,
}

impl AgentType for Deceptive {
    type Config = Config;
    const NAME: &'static str = "deceptive";
    const ARCHETYPE: Archetype = Archetype::Deceptive;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> Deceptive {
        Deceptive {
            cfg: cfg.clone(),
            trust_scores: vec![None; n_agents],
            interactions_with: vec![0; n_agents],
            n_trusted: 0,
            n_decisions: 0,
            scratch: Vec::with_capacity(n_agents),
        }
    }

    fn record_outcome(&mut self, o: Outcome) {
        if o.accepted {
            let thr = self.cfg.exploitation_threshold;
            let old = self.trust_scores[o.other];
            let new = (old.unwrap_or(0.5) + 0.1).min(1.0);
            self.trust_scores[o.other] = Some(new);
            let was = old.is_some_and(|t| t > thr);
            self.n_trusted = self.n_trusted + usize::from(new > thr) - usize::from(was);
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(m) = obs.market {
            // Deceptive agents never post bounties: no bids to decide on.
            if !m.bid_decisions.is_empty() && rng.random() < 0.7 {
                if let Some(a) = super::accept_cheapest_bid(m) {
                    return a;
                }
            }
            if !m.bounties.is_empty() && rng.random() < 0.4 {
                if let Some(best) = m.richest_bounty() {
                    let amount = best.reward * rng.uniform(0.7, 0.9);
                    return Action::PlaceBid {
                        bounty: best.id,
                        amount: if 1.0 > amount { 1.0 } else { amount },
                    };
                }
            }
        }
        if let Some(p) = obs.first_pending {
            let c = self.interactions_with[p.initiator];
            let limit = if c < self.cfg.trust_building_phase {
                0.9
            } else {
                0.6
            };
            return p.answer(rng.random() < limit);
        }
        if self.should_exploit() {
            if obs.can_interact {
                let thr = self.cfg.exploitation_threshold;
                // First of the highest (stable descending sort).
                let marks = obs
                    .visible()
                    .filter(|a| a.resources() > 50.0)
                    .map(|a| (a.idx, self.trust_or(a.idx, 0.0)))
                    .filter(|&(_, t)| t > thr);
                if let Some(counterparty) = decide::first_best(marks) {
                    return Action::propose(counterparty, InteractionType::Trade);
                }
            }
            if let Some(task) = obs.market.and_then(|m| m.active_task) {
                // Subtly poor (0) or careful (1) work.
                let careful = rng.random() >= 0.4;
                return Action::SubmitOutput {
                    task,
                    content: Content(u8::from(careful)),
                };
            }
        }
        self.facade(rng, obs)
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        _base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        let c = self.interactions_with[initiator];
        self.interactions_with[initiator] = c + 1;
        self.n_decisions += 1;
        if c < self.cfg.trust_building_phase {
            rng.random() < self.cfg.facade_probability
        } else {
            self.trust_or(initiator, 0.5) > 0.6
        }
    }
}

impl Deceptive {
    fn trust_or(&self, idx: usize, default: f64) -> f64 {
        self.trust_scores[idx].unwrap_or(default)
    }

    fn should_exploit(&self) -> bool {
        debug_assert_eq!(
            self.n_trusted,
            self.trust_scores
                .iter()
                .flatten()
                .filter(|&&t| t > self.cfg.exploitation_threshold)
                .count()
        );
        debug_assert_eq!(self.n_decisions, self.interactions_with.iter().sum::<i64>());
        self.n_trusted >= 2 && self.n_decisions > 10
    }

    fn facade(&mut self, rng: &mut PyRandom, obs: &Observation) -> Action {
        if let Some(m) = obs.market {
            if let Some(task) = m.active_task {
                // Careful work, the facade's one text.
                return Action::SubmitOutput {
                    task,
                    content: Content(1),
                };
            }
            // The first easy-or-medium task: all are medium.
            if let Some(task) = m.best_task().filter(|_| m.can_claim_task) {
                return Action::ClaimTask(task);
            }
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            // One of five trust-building texts.
            return Action::Post(Content(rng.choice_index(5) as u8));
        }
        if let Some(vote) = decide::upvote_random_post(rng, obs, None) {
            return vote;
        }
        if obs.can_interact && obs.has_visible() {
            self.scratch.clear();
            let phase = self.cfg.trust_building_phase;
            let iw = &self.interactions_with;
            self.scratch
                .extend(obs.visible().map(|a| a.idx).filter(|&i| iw[i] < phase));
            if self.scratch.is_empty() {
                return Action::Noop;
            }
            let counterparty = self.scratch[rng.choice_index(self.scratch.len())];
            return Action::Propose {
                counterparty,
                itype: InteractionType::Collaboration,
                content: Content(1),
            };
        }
        Action::Noop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::decide::market_checks::{assert_acts_as_twin, assert_turn};
    use crate::sim::marketplace::{BountyView, MarketView, TaskView};

    /// marketplace_economy seed 1, step 0/1 (traced): deceptive_1 draws
    /// 0.3948… < 0.4 and uniform(0.7, 0.9) = 0.7096572847253624, and bids
    /// 9.477465076071129 on the 13.354988781294496 bounty.
    #[test]
    fn bids_competitively_else_its_facade_claims_or_submits() {
        let reward = 13.354988781294496;
        assert_eq!(reward * 0.7096572847253624, 9.477465076071129);
        let view = MarketView {
            bounties: vec![BountyView { id: 0, reward }],
            tasks: vec![TaskView {
                id: 2,
                bounty: reward,
            }],
            can_claim_task: true,
            ..MarketView::default()
        };
        let mut d = assert_acts_as_twin::<Deceptive>(&view, |twin| {
            if twin.random() < 0.4 {
                let amount = reward * twin.uniform(0.7, 0.9);
                Action::PlaceBid {
                    bounty: 0,
                    amount: if 1.0 > amount { 1.0 } else { amount },
                }
            } else {
                Action::ClaimTask(2)
            }
        });
        // The facade submits an active task first, without a draw.
        let working = MarketView {
            active_task: Some(5),
            tasks: view.tasks.clone(),
            can_claim_task: true,
            ..MarketView::default()
        };
        let careful = Action::SubmitOutput {
            task: 5,
            content: Content(1),
        };
        assert_turn(&mut d, &working, 1, 0, careful);
    }
}
