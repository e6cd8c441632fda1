//! Honest agents (simulation-model.md §7.1).

use super::{Action, InteractionType, Observation, TrustView, VoteMemory};
use crate::rng::PyRandom;
use crate::scenario::HonestConfig;
use crate::sim::feed::VISIBLE_POSTS;

#[derive(Debug, Clone)]
pub(crate) struct Honest {
    cfg: HonestConfig,
    pub memory: VoteMemory,
    /// Reused candidate buffer (no allocation per turn).
    ranked: Vec<(usize, f64)>,
}

impl Honest {
    pub fn new(cfg: HonestConfig, n_agents: usize) -> Honest {
        Honest {
            cfg,
            memory: VoteMemory::default(),
            ranked: Vec::with_capacity(n_agents),
        }
    }

    pub fn act(&mut self, rng: &mut PyRandom, trust: &TrustView, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return if trust.get(p.initiator) >= self.cfg.acceptance_threshold - 0.1 {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        // POST_BOUNTY without a marketplace: the turn is lost (§14.3).
        if obs.resources > 20.0 && rng.random() < 0.15 {
            rng.uniform(5.0, 15.0);
            return Action::PostBounty;
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            rng.choice_index(4);
            return Action::Post;
        }
        if obs.can_vote && obs.has_posts() && rng.random() < self.cfg.vote_probability {
            // The visible posts not voted on yet, in rank order (written
            // unconditionally, kept by advancing: no branch to mispredict).
            let mut unvoted = [0usize; VISIBLE_POSTS];
            let mut n = 0;
            for p in obs.visible_posts() {
                unvoted[n] = p;
                n += usize::from(!self.memory.has_voted(p));
            }
            if n == 0 {
                return Action::Noop;
            }
            let post = unvoted[rng.choice_index(n)];
            // Agents never see net_votes (§14.2): honest always up-votes.
            self.memory.push_vote(post);
            return Action::Vote { post, up: true };
        }
        if obs.can_interact && rng.random() < self.cfg.interact_probability && obs.has_visible() {
            self.ranked.clear();
            self.ranked.extend(
                obs.visible()
                    .map(|a| (a.idx, trust.get(a.idx)))
                    .filter(|&(_, t)| t >= 0.3),
            );
            if self.ranked.is_empty() {
                return Action::Noop;
            }
            // Stable sort, descending: ties keep registration order.
            self.ranked
                .sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
            return Action::Propose {
                counterparty: self.ranked[0].0,
                itype: InteractionType::Collaboration,
            };
        }
        Action::Noop
    }

    pub fn accept(&self, trust: &TrustView, initiator: usize, itype: InteractionType) -> bool {
        let mut threshold = self.cfg.acceptance_threshold;
        match itype {
            InteractionType::Collaboration => threshold -= 0.1,
            InteractionType::Trade => threshold += 0.1,
        }
        let w = self.cfg.trust_weight;
        let score = trust.get(initiator) * w + 0.5 * (1.0 - w);
        score >= threshold
    }
}
