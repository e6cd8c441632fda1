//! Agent types: what an agent sees ([`Observation`]), what it may do
//! ([`Action`]), the state every agent shares (the reference's `BaseAgent`:
//! trust memory), and the [`AgentType`] trait that each type implements in
//! one file of this folder (docs/model/simulation.md §2.2 and §6). `registry.rs`
//! lists the types; docs/extending.md shows how to add one. Every draw
//! happens exactly where the reference draws, on the agent's own stream.

mod adaptive_adversary;
mod adversarial;
mod adversarial_retriever;
mod adversarial_synthesizer;
mod awm_agent;
mod cache_gamer;
mod cautious;
mod cautious_reciprocator;
mod coding_agent;
mod collusive_verifier;
mod deceptive;
mod decide;
mod diligent_recorder;
mod fair_negotiator;
mod greedy_negotiator;
mod honest;
mod hyperagent_self_mod;
mod ldt;
mod memory_poisoner;
mod modeling_adversary;
mod obfuscating;
mod opportunistic;
mod profile;
mod rain;
mod ralph_loop;
mod registry;
mod retriever;
mod rivals_critic;
mod rivals_producer;
mod river;
mod rlm;
mod self_optimizer;
mod skillrl;
mod stock;
mod strategic_negotiator;
mod synthesizer;
mod threshold_dancer;
pub(crate) mod tierra;
#[cfg(test)]
mod toy;
mod verifier;
mod work_regime;

use std::cell::Cell;
use std::collections::VecDeque;

pub use registry::{AgentConfig, AgentKind};
pub(crate) use registry::{ConfigVisitor, ConfigVisitorMut, Policy};

use super::awm::{Awm, AwmAction};
use super::feed::{Feed, VisiblePosts};
pub use super::marketplace::MarketView;
use super::rivals::{Rivals, RivalsAction};
use super::scholar::{Scholar, ScholarAction};
use crate::rng::{GaussDraw, PyRandom};
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

    /// The hooks beyond `act`/`accept`/`record_outcome` this type uses. The
    /// run loop takes the union over a scenario's types once and skips every
    /// hook no agent uses, so the defaults cost other types nothing.
    const HOOKS: Hooks = Hooks::NONE;
    /// The archetype of an agent with these settings (a few types report a
    /// type that depends on their `config:`).
    fn archetype(_config: &Self::Config) -> Archetype {
        Self::ARCHETYPE
    }
    /// [`act`](AgentType::act) for types with [`Hooks::global_stream`]
    /// (called only for those): `global` is the reference's module-level
    /// `random` (seeded `random.seed(S)`), one stream shared by every agent
    /// of the run.
    fn act_global(
        &mut self,
        rng: &mut PyRandom,
        _global: &mut PyRandom,
        base: &Base,
        obs: &Observation,
    ) -> Action {
        self.act(rng, base, obs)
    }
    /// [`accept`](AgentType::accept) with the module-level stream.
    fn accept_global(
        &mut self,
        rng: &mut PyRandom,
        _global: &mut PyRandom,
        base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        self.accept(rng, base, initiator, itype)
    }
    /// [`Hooks::epoch_start`]: after the governance epoch-start effect and
    /// before step 0 (the reference's `self_modify` pass).
    fn on_epoch_start(&mut self, _epoch: u32) {}
    /// [`Hooks::epoch_end`]: the reference's epoch-end middleware after
    /// network edge decay and before dynamic toxicity (memory decay, then
    /// work-regime adaptation: no type needs both, so one pass in
    /// registration order keeps their order).
    fn on_epoch_end(&mut self, _base: &mut Base, _end: &EpochEnd) {}
    /// [`Hooks::capability_profile`]: what the epoch's capability-envelope
    /// metrics read from a self-modifying agent.
    fn capability_profile(&self) -> Option<CapabilityProfile> {
        None
    }
    /// What this type's reference `act` does with the marketplace and task
    /// fields of its observation (bounties, bids, tasks) that this engine
    /// does not model, if it can do something: those fields are only
    /// non-empty when the scenario builds a marketplace, and the loader
    /// refuses a marketplace beside agents of such a type. `None` for types
    /// that model those branches, never read them, or read them only in
    /// branches 1.9.0 cannot reach (docs/model/fidelity-classification.md).
    const MARKETPLACE_UNMODELLED: Option<&'static str> = None;
    /// Whether `act` reads the reputation or resources of the visible
    /// agents ([`Observation::visible`]). With observation noise on, the
    /// run loop makes the noise draws either way, and keeps them (for
    /// [`Seen`] to compute the values an agent reads: sine or cosine,
    /// logarithm) only for types that may read them.
    const READS_VISIBLE_VALUES: bool = true;
    /// Why the reference's results can no longer be reproduced from this
    /// point of the run, if they cannot (asked once, at the end of a run).
    fn unreproducible(&self) -> Option<&'static str> {
        None
    }
}

/// The hooks an agent type uses beyond `act`, `accept` and `record_outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hooks {
    /// Draws from the module-level `random` (`act_global`/`accept_global`).
    pub global_stream: bool,
    pub epoch_start: bool,
    pub epoch_end: bool,
    /// Clears its trust memory (epoch end), so reads must rebuild trust from
    /// the interaction history (see [`Base::trust`]).
    pub trust_rebuild: bool,
    pub capability_profile: bool,
}

impl Hooks {
    pub const NONE: Hooks = Hooks {
        global_stream: false,
        epoch_start: false,
        epoch_end: false,
        trust_rebuild: false,
        capability_profile: false,
    };

    pub const fn union(self, o: Hooks) -> Hooks {
        Hooks {
            global_stream: self.global_stream || o.global_stream,
            epoch_start: self.epoch_start || o.epoch_start,
            epoch_end: self.epoch_end || o.epoch_end,
            trust_rebuild: self.trust_rebuild || o.trust_rebuild,
            capability_profile: self.capability_profile || o.capability_profile,
        }
    }
}

/// What the epoch-end hook sees.
#[derive(Debug, Clone, Copy)]
pub struct EpochEnd {
    pub epoch: u32,
    /// The work-regime middleware's peer average: every registered agent's
    /// cumulative credited payoff, summed in registration order, over the
    /// number of agents.
    pub peer_avg_payoff: f64,
}

/// A self-modifying agent's figures for the capability envelope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapabilityProfile {
    /// `engagement_signal + task_progress` proxy weight.
    pub ungoverned_weight: f64,
    pub modification_depth: u32,
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
pub struct VisibleAgent<'a> {
    pub idx: usize,
    pub archetype: Archetype,
    seen: Seen<'a>,
}

impl VisibleAgent<'_> {
    pub fn reputation(&self) -> f64 {
        self.seen.reputation(self.idx)
    }

    pub fn resources(&self) -> f64 {
        self.seen.resources(self.idx)
    }
}

/// Other agents' reputation and resources as an observer sees them: the
/// live values, plus the observation noise drawn on some of them (the
/// reference's noised copies), computed only when read.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    pub reputation: &'a [f64],
    pub resources: &'a [f64],
    /// Per agent, the last noise drawn on its reputation and on its
    /// resources; those of observation `turn` are this observation's.
    /// Empty for an observation without noise.
    pub noise: &'a [[NoiseDraw; 2]],
    /// Which observation this is (see `noise`).
    pub turn: u32,
    /// The noise's standard deviation.
    pub std: f64,
}

impl<'a> Seen<'a> {
    /// The live values, unnoised.
    pub fn live(reputation: &'a [f64], resources: &'a [f64]) -> Seen<'a> {
        Seen {
            reputation,
            resources,
            noise: &[],
            turn: 0,
            std: 0.0,
        }
    }

    pub fn reputation(&self, i: usize) -> f64 {
        self.noised(i, 0, self.reputation[i])
    }

    pub fn resources(&self, i: usize) -> f64 {
        self.noised(i, 1, self.resources[i])
    }

    /// `live + gauss(0, std)`, as the reference adds the noise.
    fn noised(&self, i: usize, field: usize, live: f64) -> f64 {
        match self.noise.get(i).map(|n| n[field]) {
            Some(n) if n.turn == self.turn => live + n.draw.value(0.0, self.std),
            _ => live,
        }
    }
}

/// A noise draw on a field of an agent, and the observation it was drawn
/// for: an observation needs no clearing of the draws its gates did not
/// make.
#[derive(Debug, Clone, Copy)]
pub struct NoiseDraw {
    /// The observation (0: none).
    pub turn: u32,
    pub draw: GaussDraw,
}

impl NoiseDraw {
    pub const NONE: NoiseDraw = NoiseDraw {
        turn: 0,
        draw: GaussDraw::Value(0.0),
    };
}

/// What an agent sees on its turn (docs/model/simulation.md §4, the fields core agents read).
pub struct Observation<'a> {
    /// The current epoch (`current_epoch`).
    pub epoch: u32,
    pub resources: f64,
    pub can_post: bool,
    pub can_interact: bool,
    pub can_vote: bool,
    pub feed: &'a Feed,
    pub first_pending: Option<PendingView>,
    /// Whether the spawn tree would let this agent spawn now (false
    /// without a tree).
    pub can_spawn: bool,
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
    pub seen: Seen<'a>,
    /// The marketplace and task fields; `None` without a marketplace, where
    /// every one of them is empty.
    pub market: Option<&'a MarketView>,
    /// The scholar handler's fields (`scholar_query`, the passage pool,
    /// ...), when the scenario builds one.
    pub scholar: Option<&'a Scholar>,
    /// `memory_writes_remaining`: the memory-tier handler's write budget
    /// (0 without one).
    pub memory_writes_remaining: u32,
    /// The agent-world-model handler (`awm_task`), when the scenario
    /// builds one.
    pub awm: Option<&'a Awm>,
    /// The team-of-rivals handler (`rivals_assignments`), when the
    /// scenario builds one.
    pub rivals: Option<&'a Rivals>,
}

impl<'a> Observation<'a> {
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
    pub fn visible(&self) -> impl Iterator<Item = VisibleAgent<'a>> + '_ {
        self.unfrozen
            .iter()
            .filter(move |&&i| i != self.me)
            .map(move |&i| VisibleAgent {
                idx: i,
                archetype: self.archetypes[i],
                seen: self.seen,
            })
    }

    /// The first of the visible agents with the highest reputation (a
    /// stable descending sort's head), reading nothing else of them.
    pub fn most_reputable(&self) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for &i in self.unfrozen {
            if i == self.me {
                continue;
            }
            let r = self.seen.reputation(i);
            match best {
                Some((_, b)) if r > b => best = Some((i, r)),
                None => best = Some((i, r)),
                Some(_) => {}
            }
        }
        best.map(|(i, _)| i)
    }

    pub fn has_visible(&self) -> bool {
        self.unfrozen.iter().any(|&i| i != self.me)
    }

    /// Agent 0's observation with every action allowed, no pending proposal,
    /// and `values` as everyone's reputation and resources (for unit tests).
    #[cfg(test)]
    pub(crate) fn for_test(
        feed: &'a Feed,
        unfrozen: &'a [usize],
        archetypes: &'a [Archetype],
        values: &'a [f64],
    ) -> Observation<'a> {
        Observation {
            epoch: 0,
            resources: 100.0,
            can_post: true,
            can_interact: true,
            can_vote: true,
            feed,
            first_pending: None,
            can_spawn: false,
            me: 0,
            unfrozen,
            archetypes,
            seen: Seen::live(values, values),
            market: None,
            scholar: None,
            memory_writes_remaining: 0,
            awm: None,
            rivals: None,
        }
    }

    /// Whether `available_bounties` is non-empty.
    pub fn sees_bounties(&self) -> bool {
        self.market.is_some_and(|m| !m.bounties.is_empty())
    }
}

/// An observation with an empty world but for the scholar handler (unit
/// tests of the scholar types).
#[cfg(test)]
pub(crate) fn scholar_observation<'a>(feed: &'a Feed, scholar: &'a Scholar) -> Observation<'a> {
    Observation {
        scholar: Some(scholar),
        ..Observation::for_test(feed, &[], &[], &[])
    }
}

/// Agent `me`'s observation with an empty world but for the
/// agent-world-model handler (unit tests of `awm_agent`).
#[cfg(test)]
pub(crate) fn awm_observation<'a>(feed: &'a Feed, awm: &'a Awm, me: usize) -> Observation<'a> {
    Observation {
        awm: Some(awm),
        me,
        ..Observation::for_test(feed, &[], &[], &[])
    }
}

/// What an agent decided to do. Two actions are equal exactly when the
/// reference's action signatures are (type, target, counterparty,
/// interaction type, vote direction, content): the resample lever's majority
/// vote compares them (docs/model/adaptive-adversary-rlm.md §4.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Noop,
    /// Post a bounty (it creates a task). Fails silently without a
    /// marketplace (docs/model/quirks.md §2.2), but its draws happened.
    PostBounty {
        reward: f64,
        min_reputation: f64,
        deadline: Option<u32>,
    },
    PlaceBid {
        bounty: usize,
        amount: f64,
    },
    AcceptBid {
        bounty: usize,
        bid: usize,
    },
    FileDispute {
        escrow: usize,
    },
    ClaimTask(usize),
    SubmitOutput {
        task: usize,
        content: Content,
    },
    Post(Content),
    Vote {
        post: usize,
        up: bool,
    },
    Propose {
        counterparty: usize,
        itype: InteractionType,
        content: Content,
    },
    Accept(u64),
    Reject(u64),
    /// A post built without an agent id (the adaptive adversary's): the
    /// feed and the rate limits see the anonymous actor `""`, one author and
    /// one bucket shared by every agent that acts so (docs/model/adaptive-adversary-rlm.md §3.3).
    AnonymousPost(Content),
    /// A vote built without an agent id: cast by the anonymous voter `""`.
    AnonymousVote {
        post: usize,
        up: bool,
    },
    /// An action for the scholar handler (fails without one).
    Scholar(ScholarAction),
    /// `SPAWN_SUBAGENT`: a tierra agent asks for a mutated child (the run
    /// loop builds it from the agent's registered genome).
    Spawn,
    /// WRITE_MEMORY for the memory-tier handler (fails without one), with
    /// which of its type's texts.
    WriteMemory(Content),
    /// An action for the agent-world-model handler (fails without one).
    Awm(AwmAction),
    /// An action for the team-of-rivals handler (fails without one).
    Rivals(RivalsAction),
}

/// Which of its type's fixed texts a post or proposal carries (numbered per
/// type and branch). Nothing reads the text, but the reference tells
/// actions apart by it, so two posts with different texts differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Content(pub u8);

/// The reference's action signature: type, target, counterparty,
/// interaction type, vote direction and content. The resample lever's
/// majority vote groups actions by it; amounts and rewards (metadata in the
/// reference) are not part of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signature {
    kind: u8,
    target: Option<u64>,
    counterparty: Option<usize>,
    itype: Option<InteractionType>,
    up: Option<bool>,
    content: Option<Content>,
}

impl Action {
    pub fn signature(&self) -> Signature {
        let sig = |kind| Signature {
            kind,
            target: None,
            counterparty: None,
            itype: None,
            up: None,
            content: None,
        };
        match *self {
            Action::Noop => sig(0),
            // Each type posts bounties and bids with one fixed text.
            Action::PostBounty { .. } => sig(1),
            Action::PlaceBid { bounty, .. } => Signature {
                target: Some(bounty as u64),
                ..sig(2)
            },
            Action::AcceptBid { bounty, .. } => Signature {
                target: Some(bounty as u64),
                ..sig(3)
            },
            Action::FileDispute { escrow } => Signature {
                target: Some(escrow as u64),
                ..sig(4)
            },
            Action::ClaimTask(task) => Signature {
                target: Some(task as u64),
                ..sig(5)
            },
            Action::SubmitOutput { task, content } => Signature {
                target: Some(task as u64),
                content: Some(content),
                ..sig(6)
            },
            Action::Post(content) | Action::AnonymousPost(content) => Signature {
                content: Some(content),
                ..sig(7)
            },
            Action::Vote { post, up } | Action::AnonymousVote { post, up } => Signature {
                target: Some(post as u64),
                up: Some(up),
                ..sig(8)
            },
            Action::Propose {
                counterparty,
                itype,
                content,
            } => Signature {
                counterparty: Some(counterparty),
                itype: Some(itype),
                content: Some(content),
                ..sig(9)
            },
            Action::Accept(id) => Signature {
                target: Some(id),
                ..sig(10)
            },
            Action::Reject(id) => Signature {
                target: Some(id),
                ..sig(11)
            },
            // Apart by kind and target only: the loader refuses the resample
            // lever with agents that act through the scholar handler.
            Action::Scholar(ScholarAction::Retrieve) => sig(12),
            Action::Scholar(ScholarAction::Synthesize(_)) => sig(13),
            Action::Scholar(ScholarAction::Verify { citation, .. }) => Signature {
                target: Some(u64::from(citation)),
                ..sig(14)
            },
            // The loader refuses the resample lever with memory writers too.
            Action::WriteMemory(content) => Signature {
                content: Some(content),
                ..sig(15)
            },
            // The loader refuses the resample lever with these agents too.
            Action::Awm(AwmAction::Execute { .. }) => sig(15),
            Action::Awm(AwmAction::Finish) => sig(16),
            Action::Rivals(RivalsAction::Produce) => sig(17),
            Action::Rivals(RivalsAction::Review) => sig(18),
            Action::Spawn => sig(19),
        }
    }
}

/// Observations for unit tests of the marketplace branches.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Base, Feed, MarketView, Observation};

    /// What agent 0 sees in epoch 0 when nothing but the marketplace (and
    /// its own resources) is there: no feed, no other agents, no limits left.
    pub fn market_obs<'a>(
        feed: &'a Feed,
        market: &'a MarketView,
        resources: f64,
    ) -> Observation<'a> {
        Observation {
            epoch: 0,
            resources,
            can_post: false,
            can_interact: false,
            can_vote: false,
            feed,
            first_pending: None,
            can_spawn: false,
            me: 0,
            unfrozen: &[],
            archetypes: &[],
            seen: super::Seen::live(&[], &[]),
            market: Some(market),
            scholar: None,
            memory_writes_remaining: 0,
            awm: None,
            rivals: None,
        }
    }

    /// What agent 0 sees with a memory-tier write budget of `writes` and
    /// nothing else.
    pub fn memory_obs(feed: &Feed, writes: u32) -> Observation<'_> {
        Observation {
            memory_writes_remaining: writes,
            ..Observation::for_test(feed, &[], &[], &[])
        }
    }

    pub fn base() -> Base {
        Base::for_test(0, 2)
    }
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
    /// Trust per agent, absent = 0.5. A cell: a read may store the value it
    /// rebuilds (`compute_counterparty_trust`). Agents registered mid-run
    /// may lie past its end (absent too) until the first outcome with them.
    trust: Vec<Cell<Option<f64>>>,
    /// The interaction history the rebuild reads; kept only by types whose
    /// trust memory is ever cleared ([`Hooks::trust_rebuild`]).
    recall: Option<Box<Recall>>,
}

impl Base {
    fn new(idx: usize, n_agents: usize, rebuild: bool) -> Base {
        Base {
            idx,
            trust: vec![Cell::new(None); n_agents],
            recall: rebuild.then(Box::default),
        }
    }

    /// `compute_counterparty_trust`: the live EMA value; without one, the
    /// EMA over the accepted interactions with `other` still in the history
    /// (stored), or 0.5 when there are none (not stored). Only a cleared
    /// memory lacks an entry for an agent met before, so for the types that
    /// never clear it the rebuild is 0.5 (docs/model/work-regime-coding-skillrl-ralph.md §4.5.3).
    #[inline]
    pub fn trust(&self, other: usize) -> f64 {
        match self.trust.get(other).and_then(Cell::get) {
            Some(t) => t,
            None => self.rebuild(other),
        }
    }

    #[cold]
    fn rebuild(&self, other: usize) -> f64 {
        let Some(recall) = self.recall.as_deref() else {
            return 0.5;
        };
        let mut t = None;
        for &(o, accepted, p) in &recall.items {
            if accepted && o as usize == other {
                t = Some(t.unwrap_or(0.5) * (1.0 - 0.3) + p * 0.3);
            }
        }
        if t.is_some() {
            // An agent in the history had an outcome: it has an entry.
            self.trust[other].set(t);
        }
        t.unwrap_or(0.5)
    }

    /// `apply_memory_decay` with epistemic persistence 0: every trust entry
    /// is dropped (the history stays).
    pub fn clear_trust(&mut self) {
        self.trust.iter_mut().for_each(|t| *t.get_mut() = None);
    }

    /// Agent `idx` with no trust memory yet (for unit tests).
    #[cfg(test)]
    pub(crate) fn for_test(idx: usize, n_agents: usize) -> Base {
        Base::new(idx, n_agents, false)
    }
}

/// The marketplace's first choice of every type that trades: accept the
/// cheapest pending bid on an own bounty (`AcceptBid`), if there is one.
pub(super) fn accept_cheapest_bid(m: &MarketView) -> Option<Action> {
    m.cheapest_bid().map(|b| Action::AcceptBid {
        bounty: b.bounty,
        bid: b.bid,
    })
}

/// Behind a `gate` draw (made only when bounties are visible), bid a
/// `uniform(lo, hi)` share of a randomly chosen visible bounty's reward:
/// the draws `random`, `choice`, `uniform`, in the reference's order.
pub(super) fn bid_on_random_bounty(
    rng: &mut PyRandom,
    m: &MarketView,
    gate: f64,
    (lo, hi): (f64, f64),
) -> Option<Action> {
    if m.bounties.is_empty() || rng.random() >= gate {
        return None;
    }
    let b = m.bounties[rng.choice_index(m.bounties.len())];
    let amount = b.reward * rng.uniform(lo, hi);
    Some(Action::PlaceBid {
        bounty: b.id,
        amount,
    })
}

/// `BaseScholarAgent.accept_interaction`, the passive rule of the scholar
/// types (docs/model/scholar.md §5.6): collaborations always, anything else
/// while trust in the initiator is at least 0.4. No draw.
pub(super) fn scholar_accepts(base: &Base, initiator: usize, itype: InteractionType) -> bool {
    itype == InteractionType::Collaboration || base.trust(initiator) >= 0.4
}

/// The reference's `_interaction_history` (the last 500 outcomes) as the
/// trust rebuild reads it: (other party, accepted, p).
#[derive(Debug, Clone, Default)]
struct Recall {
    items: VecDeque<(u32, bool, f64)>,
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
    pub itype: InteractionType,
}

impl Mind {
    pub fn new(idx: usize, n_agents: usize, config: &AgentConfig, rng: &mut PyRandom) -> Mind {
        Mind {
            base: Base::new(idx, n_agents, config.kind().hooks().trust_rebuild),
            policy: Policy::new(config, n_agents, rng),
        }
    }

    /// A spawned tierra child: agent `idx` of `n_agents` (itself
    /// included), with its mutated genome and no memory yet.
    pub fn tierra_child(idx: usize, n_agents: usize, genome: tierra::Genome) -> Mind {
        Mind {
            base: Base::new(idx, n_agents, AgentKind::Tierra.hooks().trust_rebuild),
            policy: Policy::Tierra(tierra::Tierra::with_genome(genome)),
        }
    }

    /// The active decision on this agent's turn; `rng` is the agent's
    /// stream, `global` the module-level one (when a type of the run uses it).
    pub fn act(
        &mut self,
        rng: &mut PyRandom,
        global: Option<&mut PyRandom>,
        obs: &Observation,
    ) -> Action {
        self.policy.act(rng, global, &self.base, obs)
    }

    /// The passive decision on a proposal still pending at step end.
    pub fn accept(
        &mut self,
        rng: &mut PyRandom,
        global: Option<&mut PyRandom>,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        self.policy
            .accept(rng, global, &self.base, initiator, itype)
    }

    /// `update_from_outcome`, for both parties of every finalized
    /// interaction. The update reads the stored value or 0.5: it never
    /// rebuilds a cleared entry.
    pub fn record_outcome(&mut self, o: Outcome) {
        if o.other >= self.base.trust.len() {
            // An agent registered after this one's memory was sized.
            self.base.trust.resize(o.other + 1, Cell::new(None));
        }
        let slot = self.base.trust[o.other].get_mut();
        let current = slot.unwrap_or(0.5);
        *slot = Some(if o.accepted {
            current * (1.0 - 0.3) + o.p * 0.3
        } else {
            current * (1.0 - 0.1) + 0.5 * 0.1
        });
        if let Some(recall) = self.base.recall.as_deref_mut() {
            if recall.items.len() == MAX_HISTORY {
                recall.items.pop_front();
            }
            recall.items.push_back((o.other as u32, o.accepted, o.p));
        }
        self.policy.record_outcome(o);
    }

    /// [`AgentType::on_epoch_start`].
    pub fn on_epoch_start(&mut self, epoch: u32) {
        self.policy.on_epoch_start(epoch);
    }

    /// [`AgentType::on_epoch_end`].
    pub fn on_epoch_end(&mut self, end: &EpochEnd) {
        self.policy.on_epoch_end(&mut self.base, end);
    }

    /// [`AgentType::capability_profile`].
    pub fn capability_profile(&self) -> Option<CapabilityProfile> {
        self.policy.capability_profile()
    }

    /// [`AgentType::unreproducible`].
    pub fn unreproducible(&self) -> Option<&'static str> {
        self.policy.unreproducible()
    }

    /// Shift every trust entry the agent has (absent ones stay at the
    /// implicit 0.5) by `delta`, clamped to [0, 1] as Python's
    /// `max(0.0, min(1.0, t + delta))` (dynamic toxicity's contagion).
    pub fn shift_trust(&mut self, delta: f64) {
        for t in self
            .base
            .trust
            .iter_mut()
            .filter_map(|t| t.get_mut().as_mut())
        {
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
/// so outcome items are kept as placeholders that age votes out (docs/model/quirks.md §2.20).
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

#[cfg(test)]
mod seen_tests {
    use super::{NoiseDraw, Seen};
    use crate::rng::GaussDraw;

    /// A field's noise counts only in the observation it was drawn for:
    /// draws left from earlier observations are not cleared, and read as
    /// no noise.
    #[test]
    fn a_noise_draw_counts_only_in_its_own_observation() {
        let live = [0.5, 0.25, 0.75];
        let draw = |turn| NoiseDraw {
            turn,
            draw: GaussDraw::Value(2.0),
        };
        let noise = [
            [draw(7), draw(6)],
            [draw(6), NoiseDraw::NONE],
            [draw(7), draw(7)],
        ];
        let seen = Seen {
            reputation: &live,
            resources: &live,
            noise: &noise,
            turn: 7,
            std: 0.1,
        };
        let read: Vec<(f64, f64)> = (0..3)
            .map(|i| (seen.reputation(i), seen.resources(i)))
            .collect();
        assert_eq!(read, [(0.7, 0.5), (0.25, 0.25), (0.95, 0.95)]);
        // Without noise, every value is the live one.
        let plain = Seen::live(&live, &live);
        assert_eq!(plain.reputation(2), 0.75);
    }
}
