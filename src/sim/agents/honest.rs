//! Honest agents (simulation-model.md §7.1).

use super::{Action, AgentType, Base, InteractionType, Observation, Outcome, VoteMemory};
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, UNIT};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;
use crate::sim::feed::VISIBLE_POSTS;

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

static FIELDS: &[Field<Config>] = &[
    modelled!(acceptance_threshold, Float, Rule::Any),
    modelled!(trust_weight, Float, Rule::Any),
    modelled!(post_probability, Float, UNIT),
    modelled!(vote_probability, Float, UNIT),
    modelled!(interact_probability, Float, UNIT),
];

#[derive(Debug, Clone)]
pub struct Honest {
    cfg: Config,
    memory: VoteMemory,
    /// Reused candidate buffer (no allocation per turn).
    ranked: Vec<(usize, f64)>,
}

impl AgentType for Honest {
    type Config = Config;
    const NAME: &'static str = "honest";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> Honest {
        Honest {
            cfg: cfg.clone(),
            memory: VoteMemory::default(),
            ranked: Vec::with_capacity(n_agents),
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return if base.trust(p.initiator) >= self.cfg.acceptance_threshold - 0.1 {
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
                    .map(|a| (a.idx, base.trust(a.idx)))
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

impl Honest {
    /// The settings, for types built on honest whose settings drift
    /// (`ralph_loop`'s learning boosts).
    pub(super) fn config_mut(&mut self) -> &mut Config {
        &mut self.cfg
    }
}
