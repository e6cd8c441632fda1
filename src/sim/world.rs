//! The run loop (docs/model/simulation.md §3): epochs of steps; each step builds
//! the eligible list, gives every eligible agent one turn on live state, then
//! resolves the proposals still pending. Completing an interaction draws its
//! observables, applies governance, pays out and updates memories (§8). The
//! optional marketplace and contract market (docs/model/markets.md) hook in
//! where the reference's handler and middleware do.

use super::agents::tierra::{Genome, RESOURCE_SHARE_FRACTION};
use super::agents::{
    Action, EpochEnd as AgentsEpochEnd, Hooks, InteractionType, Mind, NoiseDraw, Observation,
    Outcome, PendingView, Seen,
};
use super::awm::Awm;
use super::contracts::{ContractMarket, Terms};
use super::dynamic_toxicity::{DynamicToxicity, EpochEnd};
use super::events::{Event, EventSink, ReputationReason};
use super::feed::Feed;
use super::marketplace::Marketplace;
use super::memory::Memory;
use super::negotiation;
use super::network::AgentNetwork;
use super::observables::{self, Observables};
use super::party::Pseudo;
use super::perturbation::Perturbations;
use super::rivals::Rivals;
use super::scholar::{Scholar, ScholarAction};
use super::spawn::Tree;
use super::tierra::{StepState, Tierra};
use super::{AgentFinal, RunResult};
use crate::governance::{Effect, GovInteraction, GovView, Governance, ResampleNote};
use crate::metrics::{
    CapabilityEnvelope, CollusionFigures, ContractFigures, EpochMetrics, PySum, SecurityFigures,
    SoftAccumulator, SoftMetrics,
};
use crate::rng::{seed_cache, Chance, PyRandom};
use crate::scenario::{AgentKind, Archetype, Scenario, ScheduleMode};

/// The orchestrator's stream in `World::rngs`.
const ORCH: usize = 0;

/// The most interaction records a run reserves room for up front (192 KiB);
/// a longer run's list grows from there.
const MAX_RECORDS_RESERVED: usize = 4096;

/// An interaction to finalize: a completed proposal, or a handler's.
#[derive(Debug, Clone, Copy)]
struct Completed {
    id: u64,
    initiator: usize,
    /// An agent, or a handler's pseudo party (`sim::party`).
    counterparty: usize,
    itype: InteractionType,
    accepted: bool,
    /// Routed through the contract market, if any (proposals resolved at
    /// step end).
    routed: bool,
    resample: Option<ResampleNote>,
    /// A memory-tier write (the write-rate lever counts it).
    memory_write: bool,
}

#[derive(Debug, Clone, Copy)]
struct Proposal {
    id: u64,
    initiator: usize,
    counterparty: usize,
    itype: InteractionType,
    /// The resample lever's notes when the proposing turn was resampled
    /// (they ride on the proposal to its interaction).
    resample: Option<ResampleNote>,
}

/// Public per-agent state (`AgentState`, docs/model/simulation.md §2.1).
#[derive(Debug, Clone, Default)]
struct AgentStats {
    interactions_initiated: u64,
    interactions_received: u64,
    total_payoff: f64,
    average_p_initiated: f64,
    average_p_received: f64,
}

/// Per-agent rate-limit counters (§2.3).
#[derive(Debug, Clone, Copy, Default)]
struct RateState {
    posts_used: i64,
    interactions_used: i64,
    votes_used: i64,
    /// Proposals this epoch (only bounded with `enforce_bandwidth_cap`).
    proposals_epoch: i64,
}

pub(crate) struct World<'s, 'k> {
    sc: &'s Scenario,
    epoch: u32,
    step: u32,
    names: Vec<String>,
    kinds: Vec<AgentKind>,
    /// Each agent's reference `AgentType` (what observables and other agents see).
    archetypes: Vec<Archetype>,
    reputation: Vec<f64>,
    resources: Vec<f64>,
    stats: Vec<AgentStats>,
    frozen: Vec<bool>,
    rate: Vec<RateState>,
    /// The bucket of the anonymous actor `""`: the reference keys rate
    /// limits by the action's agent id, so every action built without one
    /// (the adaptive adversary's posts and votes) spends this one bucket
    /// (docs/model/adaptive-adversary-rlm.md §3.3). Only posts and votes use it.
    anonymous_rate: RateState,
    feed: Feed,
    pending: Vec<Proposal>,
    /// The proposals a state-frozen counterparty leaves pending (swapped
    /// with `pending` at each step end, so neither is reallocated).
    kept: Vec<Proposal>,
    next_interaction: u64,
    /// The random streams: the orchestrator's first (`ORCH`), then agent
    /// i's at `i + 1`.
    rngs: Vec<PyRandom>,
    minds: Vec<Mind>,
    /// The hooks any agent of the run uses (the union over its types).
    hooks: Hooks,
    /// Python's module-level `random` (`random.seed(S)`), when a type of
    /// the run draws from it.
    global: Option<Box<PyRandom>>,
    gov: Governance,
    network: Option<Box<AgentNetwork>>,
    market: Option<Box<Marketplace>>,
    contracts: Option<Box<ContractMarket>>,
    /// The perturbation engine, when the scenario has the section.
    perturb: Option<Box<Perturbations<'s>>>,
    /// The run's finalized interactions (the current epoch's are the tail).
    acc: SoftAccumulator,
    /// The proxy's sigmoid sharpness (2 unless proxy drift moves it).
    sigmoid_k: f64,
    /// The `dynamic_toxicity` epoch-end hooks, when the scenario builds any.
    dynamic_toxicity: Option<Box<DynamicToxicity>>,
    /// The scholar handler, when the scenario builds one.
    scholar: Option<Box<Scholar>>,
    /// The memory-tier handler, when the scenario builds one.
    memory: Option<Box<Memory>>,
    /// The agent-world-model handler, when the scenario builds one.
    awm: Option<Box<Awm>>,
    /// The team-of-rivals handler, when the scenario builds one.
    rivals: Option<Box<Rivals>>,
    /// The Tierra handler and genome registry, with tierra agents or a
    /// `tierra:` section.
    tierra: Option<Box<Tierra>>,
    /// The spawn tree, when the `spawn:` section builds one.
    spawn: Option<Box<Tree>>,
    /// The run's seed (spawned children's streams are `Random(S + c)`).
    seed: i128,
    noise: bool,
    /// `observation_noise_probability`, ready for the gates.
    noise_chance: Chance,
    /// Whether any module with a per-step or per-turn hook is on (the
    /// marketplace, memory tiers, spawn, perturbations, Tierra): decided
    /// once, so a run without them checks one flag per turn instead of
    /// one option per module.
    turn_modules: bool,
    /// The resample lever's note on the current turn (set only with the
    /// lever on), taken by the proposal the turn makes.
    turn_note: Option<ResampleNote>,
    // Reused buffers: no allocation per turn.
    /// State-unfrozen agents, registration order.
    unfrozen: Vec<usize>,
    /// With a network: the state-unfrozen neighbours of the current observer.
    neighbours: Vec<usize>,
    /// With observation noise on: the last noise drawn on each agent's
    /// reputation and resources for an observer that keeps its draws, with
    /// the observation it was drawn for (`noise_turn` is the current one;
    /// `Seen` reads older draws as none); values computed only if read.
    seen_noise: Vec<[NoiseDraw; 2]>,
    /// The observation whose draws `seen_noise` holds (counts observations
    /// that keep their draws).
    noise_turn: u32,
    order: Vec<usize>,
    eligible: Vec<usize>,
    /// A resampled turn's actions (original first).
    samples: Vec<Action>,
    sink: Option<&'k mut dyn EventSink>,
    /// Why the reference fails on this scenario where this engine does not
    /// (settings a sweep combined); the run is then refused.
    fails: Option<String>,
}

/// Agent ids in registration order: `<type>_<n>`, a 1-based counter per type.
pub(crate) fn agent_ids(sc: &Scenario) -> Vec<String> {
    let mut per_kind = vec![0u32; AgentKind::ALL.len()];
    let mut ids = Vec::with_capacity(sc.agents.iter().map(|s| s.count as usize).sum());
    for spec in &sc.agents {
        for _ in 0..spec.count {
            let k = &mut per_kind[spec.kind as usize];
            *k += 1;
            // Built by hand: `format!` costs about as much as a turn.
            let (name, mut digits, mut n) = (spec.kind.as_str(), [0u8; 10], *k);
            let mut start = digits.len();
            loop {
                start -= 1;
                digits[start] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            let mut id = String::with_capacity(name.len() + 1 + digits.len() - start);
            id.push_str(name);
            id.push('_');
            id.extend(digits[start..].iter().map(|&d| char::from(d)));
            ids.push(id);
        }
    }
    ids
}

impl<'s, 'k> World<'s, 'k> {
    pub fn new(sc: &'s Scenario, seed: i64, sink: Option<&'k mut dyn EventSink>) -> Self {
        let names = agent_ids(sc);
        let mut kinds = Vec::new();
        let mut configs = Vec::new();
        for spec in &sc.agents {
            for _ in 0..spec.count {
                kinds.push(spec.kind);
                configs.push(&spec.config);
            }
        }
        let n = names.len();
        let hooks = kinds.iter().fold(Hooks::NONE, |h, k| h.union(k.hooks()));
        let seed = seed as i128;
        // Stream S for the orchestrator (and the audit lever), S + 1 + i for
        // agent i: seeded together.
        let seeds: Vec<i128> = (0..=n as i128).map(|i| seed + i).collect();
        let mut rngs = seed_cache::seeded(&seeds);
        // Agents are built in registration order, each on its own stream.
        let minds = configs
            .iter()
            .enumerate()
            .map(|(i, cfg)| Mind::new(i, n, cfg, &mut rngs[i + 1]))
            .collect();
        let sim = &sc.simulation;
        // `_initialize_network`: the topology, then the collusion agent list.
        let network = sc
            .network
            .as_ref()
            .map(|cfg| AgentNetwork::new(cfg, seed as i64, n));
        // The orchestrator and the audit lever both seed Random(S); the
        // lever takes its copy at its first draw.
        // `random.seed(S)` leaves the module stream where a fresh Random(S) starts.
        let global = hooks.global_stream.then(|| rngs[ORCH].clone());
        let mut gov = Governance::new(&sc.governance, &sc.payoff, sc.semantics, seed, n);
        gov.set_collusion_agent_ids(&names);
        // Per configuration: some types report an archetype their settings choose.
        let archetypes: Vec<Archetype> = configs.iter().map(|c| c.archetype()).collect();
        let perturb = sc
            .perturbations
            .as_ref()
            .map(|p| Perturbations::new(p, seed as i64, &archetypes, &mut gov, &names));
        // Trust erosion seeds Random(S) as well: a third copy.
        let dynamic_toxicity = sc
            .dynamic_toxicity
            .as_ref()
            .filter(|c| c.any())
            .map(|c| Box::new(DynamicToxicity::new(c, &rngs[ORCH], n)));
        let market = sc
            .marketplace
            .as_ref()
            .map(|cfg| Marketplace::new(cfg, &sc.rate_limits, n));
        // The contract market seeds its own Random(S): one more copy.
        let contracts = sc
            .contracts
            .as_ref()
            .map(|cfg| ContractMarket::new(cfg, rngs[ORCH].clone(), &archetypes));
        // The agent-world-model handler draws on the simulation seed's own
        // Random(S): one more copy.
        let awm = sc
            .awm
            .as_ref()
            .map(|cfg| Box::new(Awm::new(cfg, n, rngs[ORCH].clone())));
        let rivals = sc
            .rivals
            .as_ref()
            .map(|cfg| Box::new(Rivals::new(cfg, &super::rivals::members(&configs))));
        // The negotiation handler creates its games on the orchestrator's
        // stream once every other Random(S) copy above has been taken.
        let mut fails = None;
        if let Some(cfg) = &sc.resource_negotiation {
            if let Err(why) = negotiation::create_games(cfg, n, &mut rngs[ORCH]) {
                fails = Some(format!("resource_negotiation: {why}"));
            }
        }
        let tierra = (sc.tierra.is_some() || kinds.contains(&AgentKind::Tierra)).then(|| {
            let genomes = kinds
                .iter()
                .map(|&k| (k == AgentKind::Tierra).then_some(Genome::DEFAULT))
                .collect();
            Box::new(Tierra::new(sc.tierra.clone(), genomes))
        });
        let spawn = sc
            .spawn
            .as_ref()
            .filter(|c| c.enabled)
            .map(|c| Box::new(Tree::new(c, n)));
        let mut feed = if sc.semantics.enforce_vote_normalization
            && sc.governance.vote_normalization_enabled
        {
            Feed::with_vote_normalization(sc.governance.max_vote_weight_per_agent)
        } else {
            Feed::default()
        };
        // A short run's worth; long runs grow from there.
        feed.reserve(64, 256);
        let memory = sc
            .memory_tiers
            .as_ref()
            .map(|c| Box::new(Memory::new(c, n)));
        let turn_modules = market.is_some()
            || memory.is_some()
            || spawn.is_some()
            || perturb.is_some()
            || tierra.is_some();
        let mut world = World {
            sc,
            epoch: 0,
            step: 0,
            names,
            archetypes,
            kinds,
            reputation: vec![0.0; n],
            resources: vec![100.0; n],
            stats: vec![
                AgentStats {
                    average_p_initiated: 0.5,
                    average_p_received: 0.5,
                    ..AgentStats::default()
                };
                n
            ],
            frozen: vec![false; n],
            rate: vec![RateState::default(); n],
            anonymous_rate: RateState::default(),
            feed,
            pending: Vec::with_capacity(16),
            kept: Vec::with_capacity(16),
            next_interaction: 0,
            rngs,
            minds,
            hooks,
            global: global.map(Box::new),
            gov,
            network: network.map(Box::new),
            market: market.map(Box::new),
            contracts: contracts.map(Box::new),
            perturb: perturb.map(Box::new),
            // At most one interaction a turn, as a rule: room for every
            // turn's (up to a bound), so a run's records are not copied
            // as they grow.
            acc: SoftAccumulator::with_capacity(
                (sim.n_epochs as usize)
                    .saturating_mul(sim.steps_per_epoch as usize)
                    .saturating_mul(n)
                    .clamp(64, MAX_RECORDS_RESERVED),
            ),
            sigmoid_k: observables::SIGMOID_K,
            dynamic_toxicity,
            scholar: sc.scholar.as_ref().map(|c| Box::new(Scholar::new(c))),
            memory,
            awm,
            rivals,
            tierra,
            spawn,
            seed,
            noise: sim.observation_noise_probability > 0.0 && sim.observation_noise_std > 0.0,
            noise_chance: Chance::new(sim.observation_noise_probability),
            turn_modules,
            turn_note: None,
            unfrozen: (0..n).collect(),
            neighbours: Vec::new(),
            seen_noise: Vec::new(),
            noise_turn: 0,
            order: Vec::with_capacity(n),
            eligible: Vec::with_capacity(n),
            samples: Vec::new(),
            sink,
            fails,
        };
        world.reserve_for_spawns();
        world
    }

    /// Room for every child the spawn tree allows (up to a bound), so that
    /// registering one grows no per-agent vector: each growth copied every
    /// agent's state, the streams' 5 KiB each included.
    fn reserve_for_spawns(&mut self) {
        let (Some(tree), Some(t)) = (self.spawn.as_deref(), self.tierra.as_deref_mut()) else {
            return;
        };
        let extra = tree.config().max_total_spawned.clamp(0, 1024) as usize;
        // Their streams too: most are the next run's (seed S + 1) as well.
        seed_cache::reserve(self.rngs.len() + extra);
        t.reserve(extra);
        self.names.reserve(extra);
        self.kinds.reserve(extra);
        self.archetypes.reserve(extra);
        self.reputation.reserve(extra);
        self.resources.reserve(extra);
        self.stats.reserve(extra);
        self.frozen.reserve(extra);
        self.rate.reserve(extra);
        self.rngs.reserve(extra);
        self.minds.reserve(extra);
        self.unfrozen.reserve(extra);
    }

    fn emit(&mut self, event: impl FnOnce(&World) -> Event<'static>) {
        if self.sink.is_some() {
            let e = event(self);
            if let Some(s) = self.sink.as_deref_mut() {
                s.event(&e);
            }
        }
    }

    pub fn run(mut self, seed: i64) -> RunResult {
        if let Some(sink) = self.sink.as_deref_mut() {
            for (i, name) in self.names.iter().enumerate() {
                sink.event(&Event::AgentCreated {
                    agent: i,
                    archetype: self.archetypes[i],
                    name,
                });
            }
            sink.event(&Event::SimulationStarted {
                n_epochs: self.sc.simulation.n_epochs,
                steps_per_epoch: self.sc.simulation.steps_per_epoch,
                n_agents: self.names.len(),
            });
        }
        // Room for the usual run; a long one grows as its epochs finish
        // instead of reserving every epoch up front (`footprint.rs`).
        let mut epochs = Vec::with_capacity((self.sc.simulation.n_epochs as usize).min(1024));
        for _ in 0..self.sc.simulation.n_epochs {
            let effect = {
                let view = GovView {
                    epoch: self.epoch,
                    reputation: &self.reputation,
                    resources: &self.resources,
                };
                self.gov.on_epoch_start(&view)
            };
            self.apply_effect(&effect);
            // Middleware after governance, in the reference's pipeline
            // order: the contract signing stage, then perturbation triggers;
            // then the agents' own epoch-start hooks (self-modification).
            if let Some(c) = self.contracts.as_mut() {
                c.on_epoch_start(&self.resources);
            }
            if let Some(p) = self.perturb.as_mut() {
                let net = self.network.as_deref_mut();
                p.on_epoch_start(
                    self.epoch,
                    &mut self.gov,
                    &mut self.resources,
                    net,
                    &self.archetypes,
                );
            }
            // Handler lifecycle middleware (after governance), handlers in
            // registration order (memory tiers, scholar, rivals, AWM, Tierra), then
            // the agents' own epoch-start hooks.
            if let Some(m) = self.memory.as_mut() {
                let e = m.on_epoch_start(self.epoch, self.step);
                if let Some(sink) = self.sink.as_deref_mut() {
                    sink.event(&e);
                }
            }
            if let Some(s) = self.scholar.as_mut() {
                s.on_epoch_start();
            }
            if let Some(r) = self.rivals.as_mut() {
                r.on_epoch_start();
            }
            if let Some(a) = self.awm.as_mut() {
                a.on_epoch_start();
            }
            if let Some(t) = self.tierra.as_mut() {
                t.on_epoch_start();
            }
            if self.hooks.epoch_start {
                let epoch = self.epoch;
                self.minds.iter_mut().for_each(|m| m.on_epoch_start(epoch));
            }
            for _ in 0..self.sc.simulation.steps_per_epoch {
                self.run_step();
                self.step += 1;
                self.rate.iter_mut().for_each(|r| r.interactions_used = 0);
            }
            // Epoch-end middleware in the reference's pipeline order: contract
            // beliefs and figures, condition-triggered shocks, the marketplace
            // handler (expiry, refunds, disputes), network edge decay, the
            // agents' memory decay and work-regime adaptation, then dynamic
            // toxicity; then the metrics. None of them touches the
            // epoch's interactions, so their soft metrics can be taken first
            // and shared.
            let contract = self.contracts.as_mut().map(|c| c.on_epoch_end());
            let soft = self.acc.epoch_metrics(&self.sc.payoff);
            if let Some(p) = self.perturb.as_mut() {
                if p.checks_conditions() {
                    let (tox, gap) = if self.acc.epoch_is_empty() {
                        (0.0, 0.0)
                    } else {
                        (soft.toxicity_rate, soft.quality_gap)
                    };
                    p.on_epoch_end(self.epoch, tox, gap, &mut self.gov);
                }
            }
            // Handler hooks in registration order: the marketplace's, the
            // scholar handler's (its own epoch_completed event), rivals',
            // AWM's, then the Tierra handler's (its summary event).
            if let Some(m) = self.market.as_mut() {
                m.on_epoch_end(self.epoch, &mut self.resources);
            }
            if let Some(s) = self.scholar.as_mut() {
                let e = s.on_epoch_end(self.epoch, self.step);
                if let Some(sink) = self.sink.as_deref_mut() {
                    sink.event(&e);
                }
            }
            if let Some(r) = self.rivals.as_mut() {
                r.on_epoch_end();
            }
            if let Some(a) = self.awm.as_mut() {
                a.on_epoch_end();
            }
            if let (Some(t), Some(sink)) = (self.tierra.as_ref(), self.sink.as_deref_mut()) {
                if t.cfg.is_some() {
                    let summary = t.epoch_summary(&self.archetypes, &self.frozen, &self.resources);
                    sink.event(&Event::TierraEpochCompleted(&summary));
                }
            }
            if let Some(net) = self.network.as_mut() {
                let pruned = net.decay_edges();
                if pruned > 0 {
                    let epoch = self.epoch;
                    self.emit(|_| Event::NetworkEdgesPruned { pruned, epoch });
                }
            }
            if self.hooks.epoch_end {
                self.agents_epoch_end();
            }
            self.dynamic_toxicity_epoch_end(soft.toxicity_rate);
            let m = self.epoch_metrics(soft, contract);
            if let Some(s) = self.sink.as_deref_mut() {
                s.event(&Event::EpochCompleted(&m));
            }
            epochs.push(m);
            self.epoch += 1;
            self.step = 0;
            self.rate.iter_mut().for_each(|r| *r = RateState::default());
            self.anonymous_rate = RateState::default();
            self.acc.start_epoch();
        }
        if let Some(s) = self.sink.as_deref_mut() {
            s.event(&Event::SimulationEnded {
                total_epochs: epochs.len() as u32,
                final_metrics: epochs.last(),
            });
        }
        // The run is over: the ids move into the result.
        let agents = std::mem::take(&mut self.names)
            .into_iter()
            .enumerate()
            .map(|(i, agent_id)| AgentFinal {
                agent_id,
                kind: self.kinds[i],
                reputation: self.reputation[i],
                resources: self.resources[i],
                total_payoff: self.stats[i].total_payoff,
                interactions_initiated: self.stats[i].interactions_initiated,
                interactions_received: self.stats[i].interactions_received,
                frozen: self.frozen[i],
                quarantined: self.gov.security.is_quarantined(i),
            })
            .collect();
        let unreproducible = self.fails.take().or_else(|| {
            self.minds
                .iter()
                .find_map(|m| m.unreproducible())
                .map(str::to_string)
        });
        RunResult {
            seed,
            unreproducible,
            run: self.acc.metrics(&self.sc.payoff),
            n_frozen: self.frozen.iter().filter(|&&f| f).count() as u64,
            n_quarantined: self.gov.security.n_quarantined() as u64,
            circuit_breaker_triggers: self.gov.circuit_breaker.triggers,
            epochs,
            agents,
        }
    }

    /// The agents' epoch-end hooks, registration order. The work-regime
    /// peer average is every agent's cumulative credited payoff, summed as
    /// Python does, over the number of agents.
    fn agents_epoch_end(&mut self) {
        let mut total = PySum::default();
        self.stats.iter().for_each(|s| total.add(s.total_payoff));
        let end = AgentsEpochEnd {
            epoch: self.epoch,
            peer_avg_payoff: total.mean().unwrap_or(0.0),
        };
        self.minds.iter_mut().for_each(|m| m.on_epoch_end(&end));
    }

    /// The capability envelope of the self-modifying agents (each
    /// demonstrates four capability types, five when its ungoverned proxy
    /// weight exceeds 0.6, of which two are governed), when there are any.
    fn capability_envelope(&self) -> Option<CapabilityEnvelope> {
        if !self.hooks.capability_profile {
            return None;
        }
        let profiles = self
            .minds
            .iter()
            .filter_map(|m| m.capability_profile())
            .map(|p| (p.ungoverned_weight, p.modification_depth));
        CapabilityEnvelope::of(profiles)
    }

    /// Run the dynamic-toxicity hooks, if the scenario builds any, at the
    /// end of the epoch whose `toxicity_rate` is `toxicity`.
    fn dynamic_toxicity_epoch_end(&mut self, toxicity: f64) {
        let Some(dt) = self.dynamic_toxicity.as_mut() else {
            return;
        };
        let mut ctx = EpochEnd {
            epoch: self.epoch,
            interactions: &self.acc,
            toxicity,
            archetypes: &self.archetypes,
            frozen: &mut self.frozen,
            minds: &mut self.minds,
            sigmoid_k: &mut self.sigmoid_k,
            sink: self.sink.as_deref_mut().map(|s| s as &mut dyn EventSink),
        };
        if dt.on_epoch_end(&mut ctx) {
            self.refresh_unfrozen();
        }
    }

    fn epoch_metrics(&self, soft: SoftMetrics, contract: Option<ContractFigures>) -> EpochMetrics {
        let any = !self.acc.epoch_is_empty();
        EpochMetrics {
            epoch: self.epoch,
            // The reference reports 0 for both in an epoch without interactions.
            total_posts: if any { self.feed.posts.len() as u64 } else { 0 },
            total_votes: if any { self.feed.n_votes() as u64 } else { 0 },
            soft,
            n_frozen: self.frozen.iter().filter(|&&f| f).count() as u64,
            n_quarantined: self.gov.security.n_quarantined() as u64,
            security: self.gov.security.latest.as_ref().map(|r| SecurityFigures {
                ecosystem_threat_level: r.ecosystem_threat_level,
                active_threat_count: r.active_threat_count,
                contagion_depth: r.contagion_depth,
            }),
            collusion: self
                .gov
                .collusion
                .latest
                .as_ref()
                .map(|r| CollusionFigures {
                    ecosystem_collusion_risk: r.ecosystem_collusion_risk,
                    n_flagged_pairs: r.n_flagged_pairs,
                }),
            contract,
            capability_envelope: self.capability_envelope(),
        }
    }

    /// Freezes, then unfreezes, then reputation (one event each), then resources.
    fn apply_effect(&mut self, e: &Effect) {
        for &a in &e.freeze {
            self.frozen[a] = true;
        }
        for &a in &e.unfreeze {
            self.frozen[a] = false;
        }
        if !e.freeze.is_empty() || !e.unfreeze.is_empty() {
            self.refresh_unfrozen();
        }
        for &(a, delta) in &e.reputation {
            let old = self.reputation[a];
            self.reputation[a] = old + delta;
            let (epoch, step, new) = (self.epoch, self.step, self.reputation[a]);
            self.emit(|_| Event::ReputationUpdated {
                agent: a,
                old,
                new,
                delta,
                reason: ReputationReason::Governance,
                epoch,
                step,
            });
        }
        for &(a, delta) in &e.resources {
            self.resources[a] += delta;
        }
    }

    fn run_step(&mut self) {
        if self.turn_modules {
            if let Some(p) = self.perturb.as_mut() {
                p.on_step_start();
            }
            if self.tierra.as_ref().is_some_and(|t| t.cfg.is_some()) {
                self.tierra_step();
            }
        }
        let n = self.names.len();
        // Round robin is registration order: no order list to build.
        let round_robin = self.sc.simulation.schedule_mode == ScheduleMode::RoundRobin;
        if !round_robin {
            self.order.clear();
            self.order.extend(0..n);
        }
        match self.sc.simulation.schedule_mode {
            ScheduleMode::RoundRobin => {}
            ScheduleMode::Random => self.rngs[ORCH].shuffle(&mut self.order),
            ScheduleMode::Priority => {
                let rep = &self.reputation;
                self.order.sort_by(|&a, &b| {
                    rep[b]
                        .partial_cmp(&rep[a])
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
            }
        }
        self.eligible.clear();
        let max = self.sc.simulation.max_actions_per_step as usize;
        let view = GovView {
            epoch: self.epoch,
            reputation: &self.reputation,
            resources: &self.resources,
        };
        // Dropped agents sit the step out (checked before the freezes).
        let dropped = if self.turn_modules {
            self.perturb.as_ref().and_then(|p| p.dropped())
        } else {
            None
        };
        // In round robin only the state-unfrozen agents can be eligible:
        // scan those (registration order too), not every agent ever born.
        let candidates = if round_robin {
            &self.unfrozen[..]
        } else {
            &self.order[..]
        };
        for &a in candidates {
            if self.eligible.len() >= max {
                break;
            }
            if dropped.is_some_and(|d| d[a]) {
                continue;
            }
            if self.frozen[a] || !self.gov.can_agent_act(a, &view) {
                continue;
            }
            self.eligible.push(a);
        }
        for i in 0..self.eligible.len() {
            let agent = self.eligible[i];
            let action = self.take_turn(agent);
            self.execute(agent, action);
        }
        self.resolve_pending();
    }

    /// The Tierra handler's step hook (before the eligible list): its
    /// deaths are permanent state freezes.
    fn tierra_step(&mut self) {
        let Some(t) = self.tierra.as_mut() else {
            return;
        };
        let mut dead = Vec::new();
        let mut st = StepState {
            archetypes: &self.archetypes,
            unfrozen: &self.unfrozen,
            frozen: &mut self.frozen,
            resources: &mut self.resources,
            orch: &mut self.rngs[ORCH],
        };
        t.on_step(&mut st, &mut dead);
        if !dead.is_empty() {
            // Deaths only freeze: drop them (in order) rather than rescan
            // every agent ever born.
            let frozen = &self.frozen;
            self.unfrozen.retain(|&i| !frozen[i]);
        }
        if let Some(sink) = self.sink.as_deref_mut() {
            for &(agent, why, resources_returned) in &dead {
                sink.event(&Event::AgentDied {
                    agent,
                    reason: why.as_str(),
                    resources_returned,
                });
            }
        }
    }

    /// The epoch-wide step number the spawn tree's cooldown counts in.
    fn global_step(&self) -> i64 {
        i64::from(self.epoch) * i64::from(self.sc.simulation.steps_per_epoch) + i64::from(self.step)
    }

    /// `SPAWN_SUBAGENT` (docs/model/tierra-awm-memory-negotiation-rivals.md
    /// §T.4.5): if the tree allows it, pay the spawn
    /// cost, mutate the parent's genome on the child's own stream
    /// `Random(S + c)`, hand the child its share of the parent's
    /// resources and register it after every existing agent.
    fn spawn_child(&mut self, parent: usize) {
        let global_step = self.global_step();
        let (Some(tree), Some(t)) = (self.spawn.as_mut(), self.tierra.as_mut()) else {
            return;
        };
        if !tree.can_spawn(parent, global_step, self.resources[parent]) {
            return;
        }
        let Some(parent_genome) = t.genome(parent) else {
            return;
        };
        self.resources[parent] += -tree.config().spawn_cost;
        tree.counter += 1;
        // Children's seeds run consecutively: the per-thread cache seeds
        // the next several with this one, side by side.
        let mut rng = seed_cache::seeded(&[self.seed + i128::from(tree.counter)])
            .pop()
            .expect("one stream per seed");
        let genome = parent_genome.mutate(&mut rng, t.mutation_std());
        let share = self.resources[parent] * parent_genome.0[RESOURCE_SHARE_FRACTION];
        self.resources[parent] += -share;
        t.add(Some(genome));
        if t.cfg.is_some() {
            t.births += 1;
        }
        let reputation = self.reputation[parent] * tree.config().reputation_inheritance_factor;
        tree.register_spawn(parent, global_step);
        let name = format!("{}_child{}", self.names[parent], tree.counter);
        let (depth, initial_resources, spawn_cost) = (
            tree.depth(parent) + 1,
            tree.config().initial_child_resources,
            tree.config().spawn_cost,
        );
        self.add_agent(name, genome, reputation, share, rng);
        let (child, epoch, step) = (self.names.len() - 1, self.epoch, self.step);
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.event(&Event::AgentSpawned {
                agent: child,
                parent,
                name: &self.names[child],
                depth,
                inherited_reputation: reputation,
                initial_resources,
                spawn_cost,
                epoch,
                step,
            });
        }
    }

    /// Register a spawned tierra agent after every existing one: every
    /// per-agent vector grows by one, every memory makes room for it.
    fn add_agent(
        &mut self,
        name: String,
        genome: Genome,
        reputation: f64,
        resources: f64,
        rng: PyRandom,
    ) {
        let idx = self.names.len();
        let n = idx + 1;
        self.names.push(name);
        self.kinds.push(AgentKind::Tierra);
        self.archetypes.push(Archetype::Tierra);
        self.reputation.push(reputation);
        self.resources.push(resources);
        self.stats.push(AgentStats {
            average_p_initiated: 0.5,
            average_p_received: 0.5,
            ..AgentStats::default()
        });
        self.frozen.push(false);
        self.rate.push(RateState::default());
        self.rngs.push(rng);
        self.minds.push(Mind::tierra_child(idx, n, genome));
        self.unfrozen.push(idx);
        self.gov.add_agent();
    }

    /// Build the live observation of `agent` and let it act (again, when
    /// the resample lever finds the turn suspicious).
    fn take_turn(&mut self, agent: usize) -> Action {
        self.fill_neighbours(agent);
        // Noised copies only for a type that reads them; others see (and
        // never read) the live values.
        let noised = self.noise && self.kinds[agent].reads_visible_values();
        if self.noise {
            self.draw_observation_noise(agent, noised);
        }
        let first_pending = self
            .pending
            .iter()
            .find(|p| p.counterparty == agent)
            .map(|p| PendingView {
                proposal_id: p.id,
                initiator: p.initiator,
            });
        let limits = &self.sc.rate_limits;
        let r = self.rate[agent];
        let can_interact =
            r.interactions_used < limits.interactions_per_step && self.within_bandwidth(agent);
        let modules = self.turn_modules;
        let can_spawn = modules
            && self
                .spawn
                .as_ref()
                .is_some_and(|t| t.can_spawn(agent, self.global_step(), self.resources[agent]));
        let memory_writes_remaining = if modules {
            self.memory_pre_observation(agent)
        } else {
            0
        };
        let epoch = self.epoch;
        let market = match self.market.as_mut() {
            Some(m) if modules => Some(m.observe(agent, self.reputation[agent], epoch)),
            _ => None,
        };
        let seen = Seen {
            reputation: &self.reputation,
            resources: &self.resources,
            noise: if noised { &self.seen_noise } else { &[] },
            turn: self.noise_turn,
            std: self.sc.simulation.observation_noise_std,
        };
        let obs = Observation {
            epoch: self.epoch,
            resources: self.resources[agent],
            can_spawn,
            can_post: r.posts_used < limits.posts_per_epoch,
            can_interact,
            can_vote: r.votes_used < limits.votes_per_epoch,
            feed: &self.feed,
            first_pending,
            me: agent,
            unfrozen: if self.network.is_some() {
                &self.neighbours
            } else {
                &self.unfrozen
            },
            archetypes: &self.archetypes,
            seen,
            market,
            scholar: self.scholar.as_deref(),
            memory_writes_remaining,
            awm: self.awm.as_deref(),
            rivals: self.rivals.as_deref(),
        };
        let (mind, rng) = (&mut self.minds[agent], &mut self.rngs[agent + 1]);
        let mut global = self.global.as_deref_mut();
        let action = mind.act(rng, global.as_deref_mut(), &obs);
        match &self.gov.resample {
            None => action,
            Some(lever) => {
                let rep = self.reputation[agent];
                let (action, note) = lever.select(
                    agent,
                    rep,
                    action,
                    &mut self.samples,
                    Action::signature,
                    || mind.act(rng, global.as_deref_mut(), &obs),
                );
                self.turn_note = note;
                action
            }
        }
    }

    /// The `enforce_bandwidth_cap` fix: at most `bandwidth_cap` proposals
    /// per agent per epoch. Always true in parity mode.
    fn within_bandwidth(&self, agent: usize) -> bool {
        !self.sc.semantics.enforce_bandwidth_cap
            || self.rate[agent].proposals_epoch < self.sc.governance.bandwidth_cap
    }

    /// With a network, `visible_agents` keeps only the observer's
    /// neighbours (registration order still).
    fn fill_neighbours(&mut self, agent: usize) {
        if let Some(net) = &self.network {
            self.neighbours.clear();
            self.neighbours.extend(
                self.unfrozen
                    .iter()
                    .copied()
                    .filter(|&i| net.has_edge(agent, i)),
            );
        }
    }

    /// Keep the registration-ordered list of state-unfrozen agents in step
    /// with the frozen flags (changes only when governance freezes or
    /// unfreezes someone).
    fn refresh_unfrozen(&mut self) {
        self.unfrozen.clear();
        self.unfrozen
            .extend((0..self.frozen.len()).filter(|&i| !self.frozen[i]));
    }

    /// Observation noise (docs/model/adaptive-adversary-rlm.md §4) for an
    /// observation built for `agent`: gate
    /// draws on the orchestrator stream for every numeric field of every
    /// visible agent (noising the observer's copies), then for the ecosystem
    /// snapshot (whose values core agents never read). `keep`: the observer
    /// may read the noised copies (its turn, if its type reads visible
    /// agents' values): the draws are kept in `seen_noise` and each value
    /// is computed if the agent reads it; a counterparty deciding a
    /// proposal reads none of them, so only the draws are made.
    fn draw_observation_noise(&mut self, agent: usize, keep: bool) {
        let prob = self.noise_chance;
        let rng = &mut self.rngs[ORCH];
        let visible = if self.network.is_some() {
            &self.neighbours
        } else {
            &self.unfrozen
        };
        // Three gates per visible agent (reputation, resources, edge
        // weight), then nine for the snapshot; self is not visible (the
        // list is in registration order: ascending).
        debug_assert!(visible.is_sorted());
        let me = visible.binary_search(&agent).unwrap_or(visible.len());
        let n_visible = visible.len() - usize::from(me < visible.len());
        if !keep {
            rng.skip_gated_gausses(prob, 3 * n_visible + 9);
            return;
        }
        if self.seen_noise.len() < self.reputation.len() {
            self.seen_noise
                .resize(self.reputation.len(), [NoiseDraw::NONE; 2]);
        }
        // A new observation: the draws of earlier ones no longer count.
        if self.noise_turn == u32::MAX {
            self.seen_noise.fill([NoiseDraw::NONE; 2]);
            self.noise_turn = 0;
        }
        self.noise_turn += 1;
        let turn = self.noise_turn;
        let seen = &mut self.seen_noise;
        // Reputation, then resources (array elements run in order), then
        // edge_weight, which core agents never read.
        rng.gated_gausses(prob, 3 * n_visible, 9, |g, draw| {
            let (k, field) = (g / 3, g % 3);
            if field < 2 {
                seen[visible[k + usize::from(k >= me)]][field] = NoiseDraw { turn, draw };
            }
        });
    }

    fn execute(&mut self, agent: usize, action: Action) {
        let limits = &self.sc.rate_limits;
        match action {
            Action::Noop => {}
            Action::PostBounty {
                reward,
                min_reputation,
                deadline,
            } => {
                if let Some(m) = self.market.as_mut() {
                    m.post_bounty(agent, reward, min_reputation, deadline, &mut self.resources);
                }
            }
            Action::PlaceBid { bounty, amount } => {
                if let Some(m) = self.market.as_mut() {
                    m.place_bid(agent, bounty, amount);
                }
            }
            Action::AcceptBid { bounty, bid } => {
                if let Some(m) = self.market.as_mut() {
                    m.accept_bid(agent, bounty, bid, &self.reputation);
                }
            }
            Action::FileDispute { escrow } => {
                if let Some(m) = self.market.as_mut() {
                    m.file_dispute(agent, escrow, self.epoch);
                }
            }
            Action::ClaimTask(task) => {
                if let Some(m) = self.market.as_mut() {
                    m.claim_task(agent, task, self.reputation[agent]);
                }
            }
            Action::SubmitOutput { task, .. } => {
                if let Some(m) = self.market.as_mut() {
                    m.submit_output(agent, task);
                }
            }
            Action::Post(_) => self.post(Some(agent)),
            Action::AnonymousPost(_) => self.post(None),
            Action::Vote { post, up } => self.vote(Some(agent), post, up),
            Action::AnonymousVote { post, up } => self.vote(None, post, up),
            Action::Propose {
                counterparty,
                itype,
                ..
            } => {
                // A proposal needs an edge when there is a network; a
                // refused one uses no counter.
                let linked = self
                    .network
                    .as_ref()
                    .is_none_or(|net| net.has_edge(agent, counterparty));
                if self.rate[agent].interactions_used < limits.interactions_per_step && linked {
                    let id = self.next_interaction;
                    self.next_interaction += 1;
                    self.pending.push(Proposal {
                        id,
                        initiator: agent,
                        counterparty,
                        itype,
                        resample: self.turn_note.take(),
                    });
                    self.rate[agent].interactions_used += 1;
                    self.rate[agent].proposals_epoch += 1;
                    let (epoch, step) = (self.epoch, self.step);
                    self.emit(|_| Event::InteractionProposed {
                        interaction: id,
                        initiator: agent,
                        counterparty,
                        interaction_type: itype.as_str(),
                        epoch,
                        step,
                    });
                }
            }
            Action::Accept(id) | Action::Reject(id) => {
                if let Some(pos) = self.pending.iter().position(|p| p.id == id) {
                    let p = self.pending.remove(pos);
                    // Decided in the counterparty's turn: not routed
                    // through the contract market.
                    self.complete(p, matches!(action, Action::Accept(_)), false);
                }
            }
            Action::Scholar(a) => self.scholar_action(agent, a),
            Action::WriteMemory(_) => self.memory_write(agent),
            Action::Awm(a) => {
                let episode = self.awm.as_mut().and_then(|h| h.handle(agent, a));
                if let Some(e) = episode {
                    self.handler_interaction(agent, agent, e.observables);
                }
            }
            Action::Rivals(a) => {
                let observables = self.rivals.as_mut().and_then(|h| h.handle(agent, a));
                if let Some(obs) = observables {
                    self.handler_interaction(agent, agent, obs);
                }
            }
            Action::Spawn => self.spawn_child(agent),
        }
    }

    /// The memory-tier handler's hook in every observation build for
    /// `agent` (a compaction gate draw); its write budget for the
    /// observation (0 without a handler).
    fn memory_pre_observation(&mut self, agent: usize) -> u32 {
        let Some(m) = self.memory.as_mut() else {
            return 0;
        };
        if let Some(entries_lost) = m.pre_observation(agent) {
            let (epoch, step) = (self.epoch, self.step);
            self.emit(|_| Event::MemoryCompaction {
                agent,
                entries_lost,
                epoch,
                step,
            });
        }
        self.memory
            .as_ref()
            .map_or(0, |m| m.writes_remaining(agent))
    }

    /// WRITE_MEMORY (docs/model/tierra-awm-memory-negotiation-rivals.md
    /// §M.5, §2.3): the handler's observables become an accepted
    /// collaboration with the pseudo counterparty `memory_system`,
    /// finalized at once, like a scholar action. Without a handler it fails.
    fn memory_write(&mut self, agent: usize) {
        let (epoch, step) = (self.epoch, self.step);
        let archetype = self.archetypes[agent];
        let Some(m) = self.memory.as_mut() else {
            return;
        };
        let written = m.write(agent, archetype, epoch, step);
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.event(&written.event);
        }
        let id = self.next_interaction;
        self.next_interaction += 1;
        // The loader refuses memory writers with a contract market or the
        // resample lever.
        let ix = Completed {
            id,
            initiator: agent,
            counterparty: Pseudo::MemorySystem.party(self.names.len()),
            itype: InteractionType::Collaboration,
            accepted: true,
            routed: false,
            resample: None,
            memory_write: true,
        };
        self.finalize(ix, written.observables);
    }

    /// A scholar action (docs/model/scholar.md §4): the handler's
    /// observables become an accepted collaboration with its pseudo
    /// counterparty, finalized at once. It is no proposal: no rate limit,
    /// no counter, no draw for observables. Without a handler it fails.
    fn scholar_action(&mut self, agent: usize, action: ScholarAction) {
        let (epoch, step) = (self.epoch, self.step);
        let Some(handled) = self
            .scholar
            .as_mut()
            .and_then(|s| s.handle(agent, action, epoch, step))
        else {
            return;
        };
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.event(&handled.event);
        }
        let counterparty = handled.counterparty.party(self.names.len());
        self.handler_interaction(agent, counterparty, handled.observables);
    }

    /// Finalize a handler's interaction at once (SVK C;
    /// docs/model/tierra-awm-memory-negotiation-rivals.md §2.3): an accepted
    /// collaboration of `agent` with `counterparty` (an agent, itself, or
    /// a pseudo party) with the handler's observables. It is no proposal:
    /// no rate limit, no counter, no draw for observables. The loaders
    /// refuse handler agents with a contract market or the resample lever,
    /// so it is neither routed nor resampled.
    fn handler_interaction(&mut self, agent: usize, counterparty: usize, obs: Observables) {
        let id = self.next_interaction;
        self.next_interaction += 1;
        let ix = Completed {
            id,
            initiator: agent,
            counterparty,
            itype: InteractionType::Collaboration,
            accepted: true,
            routed: false,
            resample: None,
            memory_write: false,
        };
        self.finalize(ix, obs);
    }

    /// The feed actor's rate-limit bucket: an agent's own, or the
    /// anonymous actor's.
    fn bucket(&mut self, actor: Option<usize>) -> &mut RateState {
        match actor {
            Some(a) => &mut self.rate[a],
            None => &mut self.anonymous_rate,
        }
    }

    fn post(&mut self, author: Option<usize>) {
        let limit = self.sc.rate_limits.posts_per_epoch;
        if self.bucket(author).posts_used < limit {
            self.feed.create_post(author);
            self.bucket(author).posts_used += 1;
        }
    }

    /// A failed vote (no such post) uses no budget; a repeated one does.
    fn vote(&mut self, voter: Option<usize>, post: usize, up: bool) {
        let limit = self.sc.rate_limits.votes_per_epoch;
        if self.bucket(voter).votes_used < limit && self.feed.vote(post, voter, up) {
            self.bucket(voter).votes_used += 1;
        }
    }

    /// End-of-step resolution: proposals in creation order, decided by the
    /// counterparty's passive rule unless it is state-frozen (checked live).
    fn resolve_pending(&mut self) {
        let mut snapshot = std::mem::take(&mut self.pending);
        self.kept.clear();
        for p in snapshot.drain(..) {
            if self.frozen[p.counterparty] {
                self.kept.push(p);
                continue;
            }
            if self.noise {
                self.fill_neighbours(p.counterparty);
                self.draw_observation_noise(p.counterparty, false);
            }
            // The counterparty's observation is built, handler hooks included.
            self.memory_pre_observation(p.counterparty);
            let cp = p.counterparty;
            let accepted = self.minds[cp].accept(
                &mut self.rngs[cp + 1],
                self.global.as_deref_mut(),
                p.initiator,
                p.itype,
            );
            self.complete(p, accepted, true);
        }
        debug_assert!(self.pending.is_empty());
        self.pending = std::mem::replace(&mut self.kept, snapshot);
    }

    /// Complete a proposal: draw its observables, then finalize it (§9);
    /// `routed`: resolved at step end, so a contract market (if any) routes
    /// it.
    fn complete(&mut self, prop: Proposal, accepted: bool, routed: bool) {
        let obs = observables::generate(
            &mut self.rngs[ORCH],
            self.archetypes[prop.initiator],
            self.reputation[prop.initiator],
            accepted,
        );
        let ix = Completed {
            id: prop.id,
            initiator: prop.initiator,
            counterparty: prop.counterparty,
            itype: prop.itype,
            accepted,
            routed,
            resample: prop.resample,
            memory_write: false,
        };
        self.finalize(ix, obs);
    }

    /// Finalize one interaction (§9): governance, payoffs, reputation,
    /// memories, metrics. The counterparty may be a handler's pseudo party
    /// (party number ≥ the number of agents): its payoff counts, but it has
    /// no state to credit and no memory to update.
    fn finalize(&mut self, ix: Completed, obs: Observables) {
        let Completed {
            id,
            initiator: init,
            counterparty: cp,
            itype,
            accepted,
            routed,
            resample,
            memory_write,
        } = ix;
        let cp_agent = cp < self.names.len();
        let v_hat = observables::v_hat(&obs);
        let p = observables::soft_label(v_hat, self.sigmoid_k);
        // offered_transfer is always 0 for core proposals (docs/model/quirks.md §2.21).
        let raw_tau = 0.0;
        let terms = match self.contracts.as_mut() {
            Some(c) if routed => Some(c.route(init, cp, p, raw_tau)),
            _ => None,
        };
        let Terms {
            tau,
            c_a: contract_c_a,
            c_b: contract_c_b,
            r_a,
            r_b,
            ..
        } = terms.unwrap_or(Terms::NONE);
        let gi = GovInteraction {
            initiator: init,
            counterparty: cp,
            accepted,
            p,
            tau,
            c_a: contract_c_a,
            c_b: contract_c_b,
            r_a,
            verifier_rejections: obs.verifier_rejections,
            tool_misuse_flags: obs.tool_misuse_flags,
            resample,
            memory_write,
        };
        let effect = {
            let view = GovView {
                epoch: self.epoch,
                reputation: &self.reputation,
                resources: &self.resources,
            };
            self.gov.on_interaction(&gi, &view)
        };
        let c_a = contract_c_a + effect.cost_a;
        let c_b = contract_c_b + effect.cost_b;
        self.apply_effect(&effect);
        let (epoch, step) = (self.epoch, self.step);
        if effect.cost_a > 0.0 || effect.cost_b > 0.0 {
            self.emit(|_| Event::GovernanceCostApplied {
                interaction: id,
                initiator: init,
                counterparty: cp,
                cost_a: effect.cost_a,
                cost_b: effect.cost_b,
                epoch,
                step,
            });
        }
        let pay = &self.sc.payoff;
        let surplus = p * pay.s_plus - (1.0 - p) * pay.s_minus;
        let harm = (1.0 - p) * pay.h;
        let payoff_a = pay.theta * surplus - tau - c_a - pay.rho_a * harm + pay.w_rep * r_a;
        let payoff_b = (1.0 - pay.theta) * surplus + tau - c_b - pay.rho_b * harm + pay.w_rep * r_b;
        if accepted {
            let s = &mut self.stats[init];
            s.interactions_initiated += 1;
            let n = s.interactions_initiated as f64;
            s.average_p_initiated = (s.average_p_initiated * (n - 1.0) + p) / n;
            s.total_payoff += payoff_a;
            let delta = (p - 0.5) - c_a;
            let old = self.reputation[init];
            self.reputation[init] = old + delta;
            let new = self.reputation[init];
            self.emit(|_| Event::ReputationUpdated {
                agent: init,
                old,
                new,
                delta,
                reason: ReputationReason::InteractionOutcome,
                epoch,
                step,
            });
            if cp_agent {
                let s = &mut self.stats[cp];
                s.interactions_received += 1;
                let n = s.interactions_received as f64;
                s.average_p_received = (s.average_p_received * (n - 1.0) + p) / n;
                s.total_payoff += payoff_b;
            }
        }
        // The initiator's memory of a pseudo party is never read (only
        // scholar agents act with handlers, and they read no trust).
        if cp_agent {
            self.minds[init].record_outcome(Outcome {
                other: cp,
                accepted,
                p,
                payoff: payoff_a,
                itype,
            });
            self.minds[cp].record_outcome(Outcome {
                other: init,
                accepted,
                p,
                payoff: payoff_b,
                itype,
            });
        }
        self.acc
            .push((init, cp), p, accepted, payoff_a, payoff_b, pay);
        if let (Some(c), Some(t)) = (self.contracts.as_mut(), terms) {
            c.record(t.pool, p, accepted, payoff_a + payoff_b);
        }
        self.emit(|_| Event::InteractionCompleted {
            interaction: id,
            initiator: init,
            counterparty: cp,
            interaction_type: itype.as_str(),
            accepted,
            p,
            v_hat,
            tau,
            c_a,
            c_b,
            payoff_initiator: payoff_a,
            payoff_counterparty: payoff_b,
            epoch,
            step,
        });
        if accepted && cp_agent {
            if let Some(net) = self.network.as_mut() {
                net.strengthen_edge(init, cp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, LoadOptions, Scenario};

    fn scenario(yaml: &str) -> Scenario {
        load_str(yaml, "test.yaml", LoadOptions::default())
            .unwrap()
            .scenario
    }

    /// The observation counter that stamps kept noise draws starts over
    /// (clearing every stamp) when it runs out: a run that crosses that
    /// point is the run that does not.
    #[test]
    fn noise_stamps_start_over_without_changing_a_run() {
        let yaml = "agents:\n  - type: honest\n    count: 2\n  - type: opportunistic\n    count: 2\n  - type: deceptive\n    count: 1\nsimulation:\n  n_epochs: 4\n  steps_per_epoch: 6\n  observation_noise_probability: 0.3\n  observation_noise_std: 0.2\n";
        let s = scenario(yaml);
        let plain = super::World::new(&s, 3, None).run(3);
        let mut world = super::World::new(&s, 3, None);
        world.noise_turn = u32::MAX - 7;
        let wrapped = world.run(3);
        assert!(!plain.epochs.is_empty());
        assert_eq!(format!("{plain:?}"), format!("{wrapped:?}"));
    }

    /// Room for a record per turn (agents × steps), within bounds: a
    /// run's records are not copied as the list grows.
    #[test]
    fn a_run_reserves_a_record_per_turn_up_to_the_bound() {
        let room = |agents: u32, epochs: u32, steps: u32| {
            let yaml = format!("agents:\n  - type: honest\n    count: {agents}\nsimulation:\n  n_epochs: {epochs}\n  steps_per_epoch: {steps}\n");
            super::World::new(&scenario(&yaml), 1, None).acc.capacity()
        };
        assert!(room(5, 10, 10) >= 500);
        assert!(room(1, 2, 2) >= 64);
        let long = room(50, 1000, 100);
        assert!((super::MAX_RECORDS_RESERVED..2 * super::MAX_RECORDS_RESERVED).contains(&long));
    }

    #[test]
    fn agent_ids_count_each_type_from_one_across_entries() {
        let yaml = "agents:\n  - type: honest\n    count: 12\n  - type: deceptive\n    count: 1\n  - type: honest\n    count: 1\n";
        let ids = super::agent_ids(&scenario(yaml));
        assert_eq!(ids.len(), 14);
        assert_eq!(
            [&ids[0], &ids[9], &ids[11], &ids[12], &ids[13]],
            [
                "honest_1",
                "honest_10",
                "honest_12",
                "deceptive_1",
                "honest_13"
            ]
        );
    }
}
