//! Opportunistic agents (simulation-model.md §7.2).

use super::{Action, History, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::OpportunisticConfig;

#[derive(Debug, Clone)]
pub(crate) struct Opportunistic {
    cfg: OpportunisticConfig,
    history: History,
    scratch: Vec<usize>,
}

impl Opportunistic {
    pub fn new(cfg: OpportunisticConfig, n_agents: usize) -> Opportunistic {
        Opportunistic {
            cfg,
            history: History::default(),
            scratch: Vec::with_capacity(n_agents),
        }
    }

    pub fn push_history(&mut self, o: Outcome) {
        self.history.push(o.other, o.p);
    }

    pub fn act(&mut self, rng: &mut PyRandom, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            // offered_transfer is always 0 for core proposals (§14.32).
            let known_good = obs
                .visible()
                .any(|a| a.idx == p.initiator && a.reputation > 0.0);
            return if known_good || rng.random() < 0.4 {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            rng.choice_index(5);
            return Action::Post;
        }
        if obs.can_vote && obs.has_posts() && rng.random() < self.cfg.vote_probability {
            // net_votes reads as 0 (§14.2): always up-vote the top post.
            if let Some(post) = obs.top_post() {
                return Action::Vote { post, up: true };
            }
        }
        if obs.can_interact && obs.has_visible() {
            self.scratch.clear();
            self.scratch.extend(
                obs.visible()
                    .filter(|a| a.resources > 80.0 || a.reputation > 0.5)
                    .map(|a| a.idx),
            );
            if self.scratch.is_empty() {
                return Action::Noop;
            }
            let counterparty = self.scratch[rng.choice_index(self.scratch.len())];
            return Action::Propose {
                counterparty,
                itype: InteractionType::Trade,
            };
        }
        Action::Noop
    }

    pub fn accept(&mut self, rng: &mut PyRandom, initiator: usize) -> bool {
        match self.history.mean_p_with(initiator) {
            Some(mean_p) => mean_p > 0.5,
            None => rng.random() < self.cfg.risk_tolerance,
        }
    }
}
