//! Agent types: what an agent sees ([`Observation`]), what it may do
//! ([`Action`]), the state every agent shares (the reference's `BaseAgent`:
//! trust memory), and the [`AgentType`] trait that each type implements in
//! one file of this folder (simulation-model.md §2.3 and §7). `registry.rs`
//! lists the types; docs/extending.md shows how to add one. Every draw
//! happens exactly where the reference draws, on the agent's own stream.

mod adversarial;
mod adversarial_retriever;
mod adversarial_synthesizer;
mod collusive_verifier;
mod deceptive;
mod honest;
mod opportunistic;
mod registry;
mod retriever;
mod synthesizer;
#[cfg(test)]
mod toy;
mod verifier;

use std::collections::VecDeque;

pub use registry::{AgentConfig, AgentKind};
pub(crate) use registry::{ConfigVisitor, ConfigVisitorMut, Policy};

use super::feed::{Feed, VisiblePosts};
use super::scholar::{Scholar, ScholarAction};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;

/// One agent type of the reference (a class in its `AGENT_TYPES` registry):
/// its YAML name, its archetype, its `config:` keys, and its behaviour.
/// Implement it in one file and add one line to `registry.rs`.
pub trait AgentType: Sized + Clone + std::fmt::Debug {
    /// The agent's `config:` settings, with the reference's defaults.
    type Config: Clone + std::fmt::Debug + PartialEq + Default + 'static;
    /// The YAML `type:` (also the agent-id prefix).
    const NAME: &'static str;
    /// The reference's `AgentType` value the agent reports: its observable
    /// profile, what others see as its type, the event log's `agent_type`.
    const ARCHETYPE: Archetype;
    /// Every `config:` key the reference reads, with type and range.
    fn fields() -> &'static [Field<Self::Config>];
    /// A fresh agent in a population of `n_agents`; `rng` is its own
    /// stream, for types that draw in their constructor.
    fn new(config: &Self::Config, n_agents: usize, rng: &mut PyRandom) -> Self;
    /// The active decision on this agent's turn; `rng` is its own stream.
    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action;
    /// The passive decision on a proposal still pending at the end of a step.
    fn accept(
        &mut self,
        rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool;
    /// After the shared trust update of `update_from_outcome`.
    fn record_outcome(&mut self, _o: Outcome) {}
}

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
    pub archetype: Archetype,
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
    pub archetypes: &'a [Archetype],
    /// Reputation and resources as the observer sees them (live values, or
    /// noised copies with observation noise on). Nothing changes between
    /// building an observation and acting on it, so live reads equal the
    /// reference's copies.
    pub reputation: &'a [f64],
    pub resources_of: &'a [f64],
    /// The scholar handler's fields (`scholar_query`, the passage pool,
    /// ...), when the scenario builds one.
    pub scholar: Option<&'a Scholar>,
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
                archetype: self.archetypes[i],
                reputation: self.reputation[i],
                resources: self.resources_of[i],
            })
    }

    pub fn has_visible(&self) -> bool {
        self.unfrozen.iter().any(|&i| i != self.me)
    }
}

/// An observation with an empty world but for the scholar handler (unit
/// tests of the scholar types).
#[cfg(test)]
pub(crate) fn scholar_observation<'a>(feed: &'a Feed, scholar: &'a Scholar) -> Observation<'a> {
    Observation {
        resources: 100.0,
        can_post: true,
        can_interact: true,
        can_vote: true,
        feed,
        first_pending: None,
        me: 0,
        unfrozen: &[],
        archetypes: &[],
        reputation: &[],
        resources_of: &[],
        scholar: Some(scholar),
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
    /// An action for the scholar handler (fails without one).
    Scholar(ScholarAction),
}

const MAX_MEMORY: usize = 1000;
const MAX_HISTORY: usize = 500;

/// One agent's private state. Its random stream lives with the world's
/// (the streams are seeded side by side and never moved).
#[derive(Debug, Clone)]
pub struct Mind {
    base: Base,
    policy: Policy,
}

/// The state every reference agent has (`BaseAgent`): its index and its
/// trust in every other agent (`counterparty_memory`).
#[derive(Debug, Clone)]
pub struct Base {
    pub idx: usize,
    /// Trust per agent, absent = 0.5.
    trust: Vec<Option<f64>>,
}

impl Base {
    /// `compute_counterparty_trust`: the live EMA value or 0.5. The
    /// reference's history bootstrap is unreachable (any outcome creates
    /// the memory entry).
    pub fn trust(&self, other: usize) -> f64 {
        self.trust[other].unwrap_or(0.5)
    }
}

/// `BaseScholarAgent.accept_interaction`, the passive rule of the scholar
/// types (docs/model/scholar.md §5.6): collaborations always, anything else
/// while trust in the initiator is at least 0.4. No draw.
pub(super) fn scholar_accepts(base: &Base, initiator: usize, itype: InteractionType) -> bool {
    itype == InteractionType::Collaboration || base.trust(initiator) >= 0.4
}

/// A finalized interaction as an agent's memory sees it
/// (`update_from_outcome`).
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub other: usize,
    pub accepted: bool,
    pub p: f64,
    /// This agent's payoff from it, computed for rejected interactions too
    /// (where it is never credited).
    pub payoff: f64,
}

impl Mind {
    pub fn new(idx: usize, n_agents: usize, config: &AgentConfig, rng: &mut PyRandom) -> Mind {
        Mind {
            base: Base {
                idx,
                trust: vec![None; n_agents],
            },
            policy: Policy::new(config, n_agents, rng),
        }
    }

    /// The active decision on this agent's turn; `rng` is the agent's stream.
    pub fn act(&mut self, rng: &mut PyRandom, obs: &Observation) -> Action {
        self.policy.act(rng, &self.base, obs)
    }

    /// The passive decision on a proposal still pending at step end.
    pub fn accept(&mut self, rng: &mut PyRandom, initiator: usize, itype: InteractionType) -> bool {
        self.policy.accept(rng, &self.base, initiator, itype)
    }

    /// `update_from_outcome`, for both parties of every finalized interaction.
    pub fn record_outcome(&mut self, o: Outcome) {
        let current = self.base.trust(o.other);
        self.base.trust[o.other] = Some(if o.accepted {
            current * (1.0 - 0.3) + o.p * 0.3
        } else {
            current * (1.0 - 0.1) + 0.5 * 0.1
        });
        self.policy.record_outcome(o);
    }

    /// Shift every trust entry the agent has (absent ones stay at the
    /// implicit 0.5) by `delta`, clamped to [0, 1] as Python's
    /// `max(0.0, min(1.0, t + delta))` (dynamic toxicity's contagion).
    pub fn shift_trust(&mut self, delta: f64) {
        for t in self.base.trust.iter_mut().flatten() {
            let x = *t + delta;
            let capped = if x < 1.0 { x } else { 1.0 };
            *t = if capped > 0.0 { capped } else { 0.0 };
        }
    }

    /// The agent's trust in `other` (0.5 when it has no entry).
    #[cfg(test)]
    pub fn trust(&self, other: usize) -> f64 {
        self.base.trust(other)
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
