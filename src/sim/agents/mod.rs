//! Agent minds: the private state and the two decision functions (active
//! `act`, passive `accept`) of the four core scripted types
//! (simulation-model.md §2.3 and §7). Every draw happens exactly where the
//! reference draws, on the agent's own stream.

mod adversarial;
mod deceptive;
mod honest;
mod opportunistic;

use std::collections::VecDeque;

use super::feed::{Feed, VisiblePosts};
use crate::rng::PyRandom;
use crate::scenario::{AgentConfig, AgentKind};

/// Interaction types the core agents propose (they never propose the
/// reference's `reply` or `vote` interaction types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionType {
    Trade,
    Collaboration,
}

impl InteractionType {
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionType::Trade => "trade",
            InteractionType::Collaboration => "collaboration",
        }
    }
}

/// The first pending proposal addressed to the observing agent.
#[derive(Debug, Clone, Copy)]
pub struct PendingView {
    pub proposal_id: u64,
    pub initiator: usize,
}

/// One `visible_agents` record (values as of the observation).
#[derive(Debug, Clone, Copy)]
pub struct VisibleAgent {
    pub idx: usize,
    pub kind: AgentKind,
    pub reputation: f64,
    pub resources: f64,
}

/// What an agent sees on its turn (simulation-model.md §4, the fields core agents read).
pub struct Observation<'a> {
    pub resources: f64,
    pub can_post: bool,
    pub can_interact: bool,
    pub can_vote: bool,
    pub feed: &'a Feed,
    pub first_pending: Option<PendingView>,
    /// The observing agent.
    pub me: usize,
    /// State-unfrozen agents in registration order (self included;
    /// [`Observation::visible`] skips it); with a network only the
    /// observer's neighbours.
    pub unfrozen: &'a [usize],
    pub kinds: &'a [AgentKind],
    /// Reputation and resources as the observer sees them (live values, or
    /// noised copies with observation noise on). Nothing changes between
    /// building an observation and acting on it, so live reads equal the
    /// reference's copies.
    pub reputation: &'a [f64],
    pub resources_of: &'a [f64],
}

impl Observation<'_> {
    /// Whether the feed shows any post (the top 20 is non-empty exactly then).
    pub fn has_posts(&self) -> bool {
        !self.feed.posts.is_empty()
    }

    /// Ranked post indices (top 20), best first, read lazily.
    pub fn visible_posts(&self) -> VisiblePosts<'_> {
        self.feed.visible()
    }

    /// The best-ranked post (`visible_posts()[0]`), if any.
    pub fn top_post(&self) -> Option<usize> {
        self.feed.visible().next()
    }

    /// How many posts `visible_posts` yields.
    pub fn n_visible_posts(&self) -> usize {
        self.feed.n_visible()
    }

    /// `visible_agents`: registration order, state-frozen agents and self excluded.
    pub fn visible(&self) -> impl Iterator<Item = VisibleAgent> + '_ {
        self.unfrozen
            .iter()
            .filter(move |&&i| i != self.me)
            .map(move |&i| VisibleAgent {
                idx: i,
                kind: self.kinds[i],
                reputation: self.reputation[i],
                resources: self.resources_of[i],
            })
    }

    pub fn has_visible(&self) -> bool {
        self.unfrozen.iter().any(|&i| i != self.me)
    }
}

/// What an agent decided to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Noop,
    /// Fails silently without a marketplace (§14.3), but its draws happened.
    PostBounty,
    Post,
    Vote {
        post: usize,
        up: bool,
    },
    Propose {
        counterparty: usize,
        itype: InteractionType,
    },
    Accept(u64),
    Reject(u64),
}

const MAX_MEMORY: usize = 1000;
const MAX_HISTORY: usize = 500;

/// One agent's private state. Its random stream lives with the world's
/// (the streams are seeded side by side and never moved).
#[derive(Debug, Clone)]
pub struct Mind {
    pub idx: usize,
    /// `counterparty_memory`: trust per agent, absent = 0.5.
    trust: Vec<Option<f64>>,
    policy: Policy,
}

#[derive(Debug, Clone)]
enum Policy {
    Honest(honest::Honest),
    Opportunistic(opportunistic::Opportunistic),
    Deceptive(deceptive::Deceptive),
    Adversarial(adversarial::Adversarial),
}

/// A finalized interaction as an agent's memory sees it.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub other: usize,
    pub accepted: bool,
    pub p: f64,
}

impl Mind {
    pub fn new(idx: usize, n_agents: usize, config: &AgentConfig) -> Mind {
        let policy = match config {
            AgentConfig::Honest(c) => Policy::Honest(honest::Honest::new(c.clone(), n_agents)),
            AgentConfig::Opportunistic(c) => {
                Policy::Opportunistic(opportunistic::Opportunistic::new(c.clone(), n_agents))
            }
            AgentConfig::Deceptive(c) => {
                Policy::Deceptive(deceptive::Deceptive::new(c.clone(), n_agents))
            }
            AgentConfig::Adversarial(c) => {
                Policy::Adversarial(adversarial::Adversarial::new(c.clone(), n_agents))
            }
        };
        Mind {
            idx,
            trust: vec![None; n_agents],
            policy,
        }
    }

    /// The active decision on this agent's turn; `rng` is the agent's stream.
    pub fn act(&mut self, rng: &mut PyRandom, obs: &Observation) -> Action {
        let Mind { trust, policy, idx } = self;
        let view = TrustView(trust);
        match policy {
            Policy::Honest(h) => h.act(rng, &view, obs),
            Policy::Opportunistic(o) => o.act(rng, obs),
            Policy::Deceptive(d) => d.act(rng, *idx, obs),
            Policy::Adversarial(a) => a.act(rng, obs),
        }
    }

    /// The passive decision on a proposal still pending at step end.
    pub fn accept(&mut self, rng: &mut PyRandom, initiator: usize, itype: InteractionType) -> bool {
        let Mind { trust, policy, .. } = self;
        let view = TrustView(trust);
        match policy {
            Policy::Honest(h) => h.accept(&view, initiator, itype),
            Policy::Opportunistic(o) => o.accept(rng, initiator),
            Policy::Deceptive(d) => d.accept(rng, initiator),
            Policy::Adversarial(a) => a.accept(rng, initiator, itype),
        }
    }

    /// `update_from_outcome`, for both parties of every finalized interaction.
    pub fn record_outcome(&mut self, o: Outcome) {
        let current = self.trust[o.other].unwrap_or(0.5);
        self.trust[o.other] = Some(if o.accepted {
            current * (1.0 - 0.3) + o.p * 0.3
        } else {
            current * (1.0 - 0.1) + 0.5 * 0.1
        });
        match &mut self.policy {
            Policy::Honest(h) => h.memory.push_outcome(),
            Policy::Opportunistic(op) => op.push_history(o),
            Policy::Deceptive(d) => d.record_outcome(o),
            Policy::Adversarial(_) => {}
        }
    }
}

/// Read access to the agent's trust memory (`compute_counterparty_trust`):
/// the live EMA value or 0.5. The reference's history bootstrap is
/// unreachable (any outcome creates the memory entry).
pub(crate) struct TrustView<'a>(&'a [Option<f64>]);

impl TrustView<'_> {
    pub fn get(&self, other: usize) -> f64 {
        self.0[other].unwrap_or(0.5)
    }
}

/// The bounded (1000-item) general memory; only vote items are ever read,
/// so outcome items are kept as placeholders that age votes out (§14.29).
#[derive(Debug, Clone)]
pub(crate) struct VoteMemory {
    items: VecDeque<Option<u32>>,
    /// How many remembered vote items name each post.
    counts: Vec<u32>,
}

/// Room reserved up front for a memory or history (a short run's worth;
/// they grow from there to their bound).
const INITIAL_ROOM: usize = 128;

impl Default for VoteMemory {
    fn default() -> VoteMemory {
        VoteMemory {
            items: VecDeque::with_capacity(INITIAL_ROOM),
            counts: Vec::with_capacity(INITIAL_ROOM),
        }
    }
}

impl VoteMemory {
    fn push(&mut self, item: Option<u32>) {
        if self.items.len() == MAX_MEMORY {
            if let Some(Some(old)) = self.items.pop_front() {
                self.counts[old as usize] -= 1;
            }
        }
        if let Some(post) = item {
            let post = post as usize;
            if self.counts.len() <= post {
                self.counts.resize(post + 1, 0);
            }
            self.counts[post] += 1;
        }
        self.items.push_back(item);
    }

    pub fn push_outcome(&mut self) {
        self.push(None);
    }

    pub fn push_vote(&mut self, post: usize) {
        self.push(Some(post as u32));
    }

    pub fn has_voted(&self, post: usize) -> bool {
        self.counts.get(post).is_some_and(|&c| c > 0)
    }
}

/// The bounded (500-item) interaction history: (other party, p) pairs.
#[derive(Debug, Clone)]
pub(crate) struct History {
    items: VecDeque<(u32, f64)>,
}

impl Default for History {
    fn default() -> History {
        History {
            items: VecDeque::with_capacity(INITIAL_ROOM),
        }
    }
}

impl History {
    pub fn push(&mut self, other: usize, p: f64) {
        if self.items.len() == MAX_HISTORY {
            self.items.pop_front();
        }
        self.items.push_back((other as u32, p));
    }

    /// Python-3.11 `sum(p)/len` over interactions with `other`, oldest first.
    pub fn mean_p_with(&self, other: usize) -> Option<f64> {
        let mut n = 0usize;
        let mut sum = 0.0f64;
        for &(o, p) in &self.items {
            if o as usize == other {
                sum = if n == 0 { p } else { sum + p };
                n += 1;
            }
        }
        (n > 0).then(|| sum / n as f64)
    }
}
