//! Logical-decision-theory agents (`ldt`, the reference's `LDTAgent`):
//! they cooperate with counterparties whose record looks like their own
//! ("logical twins"), at one of five levels of reasoning
//! (`acausality_depth`): twin detection with FDT/UDT proofs, policy
//! introspection, a recursive equilibrium, a twin graph, and Monte Carlo
//! over the twin graph on a private stream seeded from the agent's own
//! stream at construction (docs/model/ldt.md §3-§4.5).

use super::profile::{self, clamp01, max0, Entry};
use super::{
    decide, Action, AgentType, Base, Content, InteractionType, Observation, Outcome, VoteMemory,
};
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, Ty, COUNT, POSITIVE_COUNT, UNIT};
use crate::scenario::params::ParamValue;
use crate::scenario::schema::{inert, modelled, Field, Inert, Role};
use crate::scenario::Archetype;

/// `decision_theory`: how level 1 tells a twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionTheory {
    /// Cosine similarity of the records only.
    Tdt,
    /// Subjunctive dependence and proofs first.
    Fdt,
    /// FDT plus a precommitted policy.
    Udt,
}

const THEORIES: &[&str] = &["fdt", "udt", "tdt"];

impl DecisionTheory {
    fn as_str(self) -> &'static str {
        match self {
            DecisionTheory::Tdt => "tdt",
            DecisionTheory::Fdt => "fdt",
            DecisionTheory::Udt => "udt",
        }
    }

    fn parse(s: &str) -> Option<DecisionTheory> {
        match s {
            "tdt" => Some(DecisionTheory::Tdt),
            "fdt" => Some(DecisionTheory::Fdt),
            "udt" => Some(DecisionTheory::Udt),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub cooperation_prior: f64,
    pub similarity_threshold: f64,
    pub welfare_weight: f64,
    pub updateless_commitment: f64,
    /// Parsed and ignored, as in the reference.
    pub defection_memory_weight: f64,
    pub counterfactual_horizon: u32,
    pub post_probability: f64,
    pub vote_probability: f64,
    pub interact_probability: f64,
    /// 1 to 4 pick that level; 5 and above run Monte Carlo.
    pub acausality_depth: u32,
    pub max_recursion_depth: u32,
    pub convergence_epsilon: f64,
    pub mirror_prior_weight: f64,
    pub introspection_discount: f64,
    pub twin_graph_min_edge: f64,
    pub twin_graph_traversal_depth: u32,
    pub twin_graph_decay: f64,
    /// 0 makes Monte Carlo return 0.5: depth-5 agents then refuse everything.
    pub n_counterfactual_samples: u32,
    pub counterfactual_noise_std: f64,
    pub acausal_bonus_weight: f64,
    pub decision_theory: DecisionTheory,
    pub subjunctive_weight: f64,
    /// Absent: 1.0 when `decision_theory` is `udt`, else 0.0.
    pub precommitment_strength: Option<f64>,
    pub proof_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cooperation_prior: 0.65,
            similarity_threshold: 0.7,
            welfare_weight: 0.3,
            updateless_commitment: 0.8,
            defection_memory_weight: 0.5,
            counterfactual_horizon: 20,
            post_probability: 0.25,
            vote_probability: 0.4,
            interact_probability: 0.5,
            acausality_depth: 1,
            max_recursion_depth: 8,
            convergence_epsilon: 0.01,
            mirror_prior_weight: 0.6,
            introspection_discount: 0.9,
            twin_graph_min_edge: 0.3,
            twin_graph_traversal_depth: 2,
            twin_graph_decay: 0.9,
            n_counterfactual_samples: 50,
            counterfactual_noise_std: 0.1,
            acausal_bonus_weight: 0.1,
            decision_theory: DecisionTheory::Fdt,
            subjunctive_weight: 0.6,
            precommitment_strength: None,
            proof_threshold: 0.85,
        }
    }
}

impl Config {
    fn precommitment(&self) -> f64 {
        self.precommitment_strength
            .unwrap_or(if self.decision_theory == DecisionTheory::Udt {
                1.0
            } else {
                0.0
            })
    }

    /// [`Ldt::best_response`] with this agent's own parameters.
    fn best_response(&self, opponent: f64, twin: f64) -> f64 {
        Ldt::best_response(
            opponent,
            twin,
            self.cooperation_prior,
            self.similarity_threshold,
            self.welfare_weight,
            self.updateless_commitment,
        )
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(cooperation_prior, Float, UNIT),
    modelled!(similarity_threshold, Float, UNIT),
    modelled!(welfare_weight, Float, Rule::NonNegative),
    modelled!(updateless_commitment, Float, UNIT),
    inert(
        modelled!(defection_memory_weight, Float, Rule::Any),
        Inert::never("the reference's LDT agent stores it and never reads it"),
    ),
    modelled!(counterfactual_horizon, Int, POSITIVE_COUNT),
    modelled!(post_probability, Float, UNIT),
    modelled!(vote_probability, Float, UNIT),
    modelled!(interact_probability, Float, UNIT),
    modelled!(acausality_depth, Int, POSITIVE_COUNT),
    modelled!(max_recursion_depth, Int, COUNT),
    modelled!(convergence_epsilon, Float, Rule::NonNegative),
    modelled!(mirror_prior_weight, Float, UNIT),
    modelled!(introspection_discount, Float, UNIT),
    modelled!(twin_graph_min_edge, Float, UNIT),
    modelled!(twin_graph_traversal_depth, Int, POSITIVE_COUNT),
    modelled!(twin_graph_decay, Float, UNIT),
    modelled!(n_counterfactual_samples, Int, COUNT),
    modelled!(counterfactual_noise_std, Float, Rule::NonNegative),
    modelled!(acausal_bonus_weight, Float, UNIT),
    Field {
        key: "decision_theory",
        ty: Ty::Choice(THEORIES),
        rule: Rule::Any,
        role: Role::Modelled {
            get: |c| ParamValue::Str(c.decision_theory.as_str().to_string()),
            set: |c, v| {
                if let Some(t) = DecisionTheory::parse(&v.to_string()) {
                    c.decision_theory = t;
                }
            },
        },
        inert: None,
    },
    modelled!(subjunctive_weight, Float, UNIT),
    Field {
        key: "precommitment_strength",
        ty: Ty::Float,
        rule: UNIT,
        role: Role::Modelled {
            get: |c| ParamValue::Float(c.precommitment()),
            set: |c, v| c.precommitment_strength = Some(v.to_f64()),
        },
        inert: None,
    },
    modelled!(proof_threshold, Float, UNIT),
];

/// What level 2 infers of a counterparty's four parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Inferred {
    cooperation_prior: f64,
    similarity_threshold: f64,
    welfare_weight: f64,
    updateless_commitment: f64,
    confidence: f64,
}

/// The subjunctive-dependence values level 1 reads.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Dependence {
    agreement: f64,
    score: f64,
}

/// An LDT agent. Everything but its vote memory is boxed, so that the
/// policy enum every agent carries stays as small as the core types'.
#[derive(Debug, Clone)]
pub struct Ldt {
    cfg: Box<Config>,
    /// `counterfactual_horizon` as a length.
    h: usize,
    memory: VoteMemory,
    state: Box<State>,
}

/// Running figures of one counterparty's record, updated as its outcomes
/// come in. Sums add in record order, as the reference's `sum` over the
/// record does, so every value is the one a scan would give.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// The accepted `p` values' sum, oldest first.
    accepted_p: f64,
    accepted: u32,
    /// Entries with `p` in [0.4, 0.6], and how many of them were accepted.
    marginal: u32,
    marginal_accepted: u32,
}

impl Tally {
    fn push(&mut self, (accepted, p): Entry) {
        if accepted {
            self.accepted += 1;
            self.accepted_p += p;
        }
        if (0.4..=0.6).contains(&p) {
            self.marginal += 1;
            self.marginal_accepted += u32::from(accepted);
        }
    }

    /// Python's `sum(ps) / len(ps)` over the accepted `p` values, if any.
    fn mean_accepted_p(&self) -> Option<f64> {
        (self.accepted > 0).then(|| self.accepted_p / f64::from(self.accepted))
    }
}

/// An LDT agent's records, its Monte Carlo stream and the buffers every
/// decision reuses.
#[derive(Debug, Clone)]
struct State {
    /// The Monte Carlo stream's seed (`agent:<id>.mc_rng`), drawn at
    /// construction at every depth.
    mc_seed: i128,
    /// The Monte Carlo stream (depth ≥ 5, the only level that draws from
    /// it), seeded at the first evaluation that reads its noise values.
    mc: Option<PyRandom>,
    /// Gaussian draws the stream owes: evaluations whose outcome no noise
    /// value can change count their draws here, and the stream makes them
    /// (without their values) before its next values are read.
    mc_owed: usize,
    /// Counterparties in the order of their first outcome.
    order: Vec<usize>,
    /// Every outcome with each agent, oldest first (unbounded).
    profiles: Vec<Vec<Entry>>,
    /// Each counterparty's running figures, kept from depth 2 up (levels 2
    /// to 5 read them at every decision, where a scan of the unbounded
    /// record cost more); levels 0 and 1 alone read too little of them
    /// to pay for their upkeep, and scan.
    tallies: Vec<Tally>,
    /// Every own outcome, oldest first (unbounded).
    trace: Vec<Entry>,
    /// Twin graph between counterparties (depth ≥ 4), neighbours in
    /// first-outcome order. The reference also links the agent itself, but
    /// its search starts with itself visited, so those edges never count.
    graph: Vec<Vec<(usize, f64)>>,
    /// Outcomes came in since the graph was built: it is rebuilt when
    /// next searched (a pure function of the records).
    graph_stale: bool,
    /// The own behaviour vector and its norm, valid while `own_fresh`.
    own_vec: Vec<f64>,
    own_norm: f64,
    own_fresh: bool,
    vec: Vec<f64>,
    /// Each counterparty's behaviour vector (`h` values from `c * h`,
    /// allocated at the first read) and norm, valid where `fresh[c]`:
    /// an outcome with `c` makes them stale, and they are rebuilt when
    /// next read.
    vecs: Vec<f64>,
    norms: Vec<f64>,
    fresh: Vec<bool>,
    visited: Vec<bool>,
    frontier: Vec<(usize, f64)>,
    next: Vec<(usize, f64)>,
    twins: Vec<(usize, f64)>,
}

impl AgentType for Ldt {
    type Config = Config;
    const NAME: &'static str = "ldt";
    const ARCHETYPE: Archetype = Archetype::Honest;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's LDT agent bids on a visible bounty (a 0.25 draw on its stream, then a choice and a uniform) and claims the task it ranks best (ldt_agent.py act, steps 3 and 5)",
    );

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, rng: &mut PyRandom) -> Ldt {
        // Every LDT agent seeds its Monte Carlo stream, whatever its depth.
        let seed = rng.randint(0, 4_294_967_295);
        let h = cfg.counterfactual_horizon as usize;
        Ldt {
            cfg: Box::new(cfg.clone()),
            h,
            memory: VoteMemory::default(),
            state: Box::new(State {
                mc_seed: i128::from(seed),
                mc: None,
                mc_owed: 0,
                order: Vec::with_capacity(n_agents),
                profiles: vec![Vec::new(); n_agents],
                tallies: if cfg.acausality_depth >= 2 {
                    vec![Tally::default(); n_agents]
                } else {
                    Vec::new()
                },
                // Records grow by one entry an outcome, for the whole run:
                // room up front saves most of their reallocations.
                trace: Vec::with_capacity(64),
                graph: vec![Vec::new(); n_agents],
                graph_stale: false,
                own_vec: Vec::with_capacity(h),
                own_norm: 0.0,
                own_fresh: false,
                vec: Vec::with_capacity(h),
                vecs: Vec::new(),
                norms: vec![0.0; n_agents],
                fresh: vec![false; n_agents],
                visited: vec![false; n_agents],
                frontier: Vec::with_capacity(n_agents),
                next: Vec::with_capacity(n_agents),
                twins: Vec::with_capacity(n_agents),
            }),
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return if self.decide(p.initiator) {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            return Action::Post(Content(rng.choice_index(4) as u8));
        }
        if obs.can_vote && obs.has_posts() && rng.random() < self.cfg.vote_probability {
            // Posts show no net votes and get no replies: always an up-vote.
            return decide::upvote_unvoted_post(rng, obs, &mut self.memory);
        }
        // Unlike honest agents, no draw without visible agents.
        if obs.can_interact && obs.has_visible() && rng.random() < self.cfg.interact_probability {
            self.fill_own_vector();
            // The first best `0.6 * twin + 0.4 * trust` (a stable descending sort).
            let mut best: Option<(usize, f64)> = None;
            for a in obs.visible() {
                let combined = 0.6 * self.twin(a.idx) + 0.4 * base.trust(a.idx);
                if best.is_none_or(|(_, b)| combined > b) {
                    best = Some((a.idx, combined));
                }
            }
            let (counterparty, _) = best.expect("a visible agent");
            if !self.decide(counterparty) {
                return Action::Noop;
            }
            return Action::Propose {
                counterparty,
                itype: InteractionType::Collaboration,
                content: Content(0),
            };
        }
        Action::Noop
    }

    fn accept(&mut self, _: &mut PyRandom, _: &Base, initiator: usize, _: InteractionType) -> bool {
        self.decide(initiator)
    }

    fn record_outcome(&mut self, o: Outcome) {
        self.memory.push_outcome();
        if self.state.profiles[o.other].is_empty() {
            self.state.order.push(o.other);
            self.state.profiles[o.other].reserve(16);
        }
        self.state.profiles[o.other].push((o.accepted, o.p));
        if let Some(tally) = self.state.tallies.get_mut(o.other) {
            tally.push((o.accepted, o.p));
        }
        self.state.trace.push((o.accepted, o.p));
        self.state.own_fresh = false;
        self.state.fresh[o.other] = false;
        if self.cfg.acausality_depth >= 4 {
            self.state.graph_stale = true;
        }
    }
}

/// Python's numerically stable sigmoid of the reference.
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let ex = x.exp();
        ex / (1.0 + ex)
    }
}

/// A record entry as a behaviour-vector component: `p` if accepted, else
/// `-(1 - p)`.
#[inline]
fn signal((accepted, p): Entry) -> f64 {
    if accepted {
        p
    } else {
        -(1.0 - p)
    }
}

/// `sqrt(sum(x * x))`, summed left to right.
fn norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |s, x| s + x * x).sqrt()
}

/// The reference's cosine similarity from a dot product and two norms.
#[inline]
fn cosine_of(dot: f64, na: f64, nb: f64) -> f64 {
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na * nb)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| s + x * y)
}

/// The last `h` entries of `entries` as signals, padded with `pad` to `h`.
fn behaviour_vector(entries: &[Entry], h: usize, pad: f64, out: &mut Vec<f64>) {
    out.clear();
    out.extend(
        entries[entries.len().saturating_sub(h)..]
            .iter()
            .map(|&e| signal(e)),
    );
    out.resize(h, pad);
}

/// The last `h` entries (`list[-h:]`).
fn last(entries: &[Entry], h: usize) -> &[Entry] {
    &entries[entries.len().saturating_sub(h)..]
}

impl State {
    /// The acceptance rate of `c`'s record (non-empty).
    fn acceptance_rate(&self, c: usize) -> f64 {
        f64::from(self.tallies[c].accepted) / self.profiles[c].len() as f64
    }
}

impl Ldt {
    fn is_subjunctive(&self) -> bool {
        matches!(
            self.cfg.decision_theory,
            DecisionTheory::Fdt | DecisionTheory::Udt
        )
    }

    /// The own behaviour vector (padded with `cooperation_prior`) and its norm.
    fn fill_own_vector(&mut self) {
        if self.state.own_fresh {
            return;
        }
        behaviour_vector(
            &self.state.trace,
            self.h,
            self.cfg.cooperation_prior,
            &mut self.state.own_vec,
        );
        self.state.own_norm = norm(&self.state.own_vec);
        self.state.own_fresh = true;
    }

    /// `c`'s behaviour vector (padded with 0.5) and norm, rebuilt if stale.
    fn refresh(&mut self, c: usize) {
        let (st, h) = (&mut *self.state, self.h);
        if st.fresh[c] {
            return;
        }
        if st.vecs.is_empty() {
            st.vecs.resize(st.fresh.len() * h, 0.0);
        }
        behaviour_vector(&st.profiles[c], h, 0.5, &mut st.vec);
        st.norms[c] = norm(&st.vec);
        st.vecs[c * h..(c + 1) * h].copy_from_slice(&st.vec);
        st.fresh[c] = true;
    }

    /// The twin score of `c` (needs [`Ldt::fill_own_vector`]).
    fn twin(&mut self, c: usize) -> f64 {
        self.refresh(c);
        let (st, h) = (&*self.state, self.h);
        clamp01(cosine_of(
            dot(&st.own_vec, &st.vecs[c * h..(c + 1) * h]),
            st.own_norm,
            st.norms[c],
        ))
    }

    /// Subjunctive dependence with `c`, given its twin score.
    fn dependence(&self, c: usize, twin: f64) -> Dependence {
        let profile = &self.state.profiles[c];
        let own = last(&self.state.trace, self.h);
        let n = profile.len().min(own.len());
        if n < 3 {
            return Dependence {
                agreement: twin,
                score: twin,
            };
        }
        // Paired by position from the end, as the reference does.
        let (mut oa, mut ta, mut both, mut neither) = (0usize, 0usize, 0usize, 0usize);
        for (o, t) in own[own.len() - n..]
            .iter()
            .zip(&profile[profile.len() - n..])
        {
            oa += usize::from(o.0);
            ta += usize::from(t.0);
            both += usize::from(o.0 && t.0);
            neither += usize::from(!o.0 && !t.0);
        }
        let agreement = if oa > 0 { both as f64 / oa as f64 } else { 0.5 };
        let defection = if oa < n {
            neither as f64 / (n - oa) as f64
        } else {
            0.5
        };
        let nf = n as f64;
        let our = oa as f64 / nf;
        let their = ta as f64 / nf;
        let triples = [
            (both as f64 / nf, our, their),
            (neither as f64 / nf, 1.0 - our, 1.0 - their),
            ((oa - both) as f64 / nf, our, 1.0 - their),
            ((ta - both) as f64 / nf, 1.0 - our, their),
        ];
        let mut mi = 0.0;
        for (pxy, px, py) in triples {
            if pxy > 1e-10 && px > 1e-10 && py > 1e-10 {
                mi += pxy * (pxy / (px * py)).log2();
            }
        }
        let score = clamp01(0.3 * twin + 0.3 * agreement + 0.15 * defection + 0.25 * clamp01(mi));
        Dependence { agreement, score }
    }

    /// Level 1: twin detection (with proofs under FDT/UDT), then the
    /// counterfactual payoff comparison.
    fn level1(&self, c: usize, twin: f64) -> bool {
        let cfg = &self.cfg;
        let effective = if self.is_subjunctive() {
            let d = self.dependence(c, twin);
            if d.score >= cfg.proof_threshold {
                return true;
            }
            if d.score < 0.2 && d.agreement < 0.3 {
                return false;
            }
            cfg.subjunctive_weight * d.score + (1.0 - cfg.subjunctive_weight) * twin
        } else {
            twin
        };
        if effective >= cfg.similarity_threshold {
            return true;
        }
        let cf = match self.state.tallies.get(c) {
            Some(tally) => tally.mean_accepted_p(),
            None => profile::mean_accepted_p(&self.state.profiles[c]),
        }
        .unwrap_or(cfg.cooperation_prior);
        let defect = -0.5 * max0(cf - 0.5);
        let value = cf + cfg.welfare_weight * cf;
        let effective_coop = cfg.updateless_commitment * cfg.cooperation_prior
            + (1.0 - cfg.updateless_commitment) * value;
        let strength = cfg.precommitment();
        if cfg.decision_theory == DecisionTheory::Udt && strength > 0.0 {
            let prior = cfg.cooperation_prior;
            let precommitted = prior + cfg.welfare_weight * prior > -0.5 * max0(prior - 0.5);
            let greedy = if effective_coop > defect { 1.0 } else { 0.0 };
            let blended =
                strength * if precommitted { 1.0 } else { 0.0 } + (1.0 - strength) * greedy;
            return blended > 0.5;
        }
        effective_coop > defect
    }

    /// Level 2's confidence in what it infers of `c`: `min(1, n / h)` of
    /// `c`'s record length `n`.
    fn confidence(&self, c: usize) -> f64 {
        let ratio = self.state.profiles[c].len() as f64 / self.h as f64;
        if 1.0 < ratio {
            1.0
        } else {
            ratio
        }
    }

    /// Level 2's inference of `c`'s parameters, blended with a mirror
    /// prior that fades as its record grows.
    fn infer(&self, c: usize) -> Inferred {
        let confidence = self.confidence(c);
        let cfg = &self.cfg;
        let profile = &self.state.profiles[c];
        let tally = &self.state.tallies[c];
        let n = profile.len();
        if n == 0 {
            return Inferred {
                cooperation_prior: cfg.cooperation_prior,
                similarity_threshold: cfg.similarity_threshold,
                welfare_weight: cfg.welfare_weight,
                updateless_commitment: cfg.updateless_commitment,
                confidence: 0.0,
            };
        }
        // Not cached: almost every read of `c` is followed by an outcome with `c`.
        let accepted = tally.accepted as usize;
        let coop = accepted as f64 / n as f64;
        let selectivity = match tally.mean_accepted_p() {
            Some(mean) if accepted >= 2 => profile::selectivity_about(profile, accepted, mean),
            _ => 0.5,
        };
        let welfare = if tally.marginal > 0 {
            f64::from(tally.marginal_accepted) / f64::from(tally.marginal)
        } else {
            0.5
        };
        let commitment = profile::stability_about(profile, accepted);
        let w = cfg.mirror_prior_weight * (1.0 - confidence);
        let blend = |observed: f64, mine: f64| clamp01(w * mine + (1.0 - w) * observed);
        Inferred {
            cooperation_prior: blend(coop, cfg.cooperation_prior),
            similarity_threshold: blend(selectivity, cfg.similarity_threshold),
            welfare_weight: blend(welfare, cfg.welfare_weight),
            updateless_commitment: blend(commitment, cfg.updateless_commitment),
            confidence,
        }
    }

    /// Level 2: would `c`, with the inferred parameters, cooperate with us?
    fn simulate(&self, inferred: &Inferred, twin: f64) -> bool {
        if twin >= inferred.similarity_threshold {
            return true;
        }
        let cf = profile::mean_accepted_p(last(&self.state.trace, self.h))
            .unwrap_or(inferred.cooperation_prior);
        let defect = -0.5 * max0(cf - 0.5);
        let value = cf + inferred.welfare_weight * cf;
        let effective = inferred.updateless_commitment * inferred.cooperation_prior
            + (1.0 - inferred.updateless_commitment) * value;
        effective > defect
    }

    /// The soft best response: cooperation probability against an
    /// opponent cooperating with probability `opponent`.
    fn best_response(opponent: f64, twin: f64, cp: f64, st: f64, ww: f64, uc: f64) -> f64 {
        let twin_p = sigmoid(10.0 * (twin - st));
        let cf = opponent * cp + (1.0 - opponent) * 0.5 * cp;
        let defect = -0.5 * max0(cf - 0.5);
        let value = cf + ww * cf;
        let effective = uc * cp + (1.0 - uc) * value;
        let payoff_p = sigmoid(5.0 * (effective - defect));
        clamp01(twin_p * 1.0 + (1.0 - twin_p) * payoff_p)
    }

    fn own_best_response(&self, opponent: f64, twin: f64) -> f64 {
        self.cfg.best_response(opponent, twin)
    }

    /// Level 3: the iterated best responses of both sides.
    fn equilibrium(&self, inferred: &Inferred, twin: f64) -> f64 {
        let cfg = &self.cfg;
        let d = cfg.introspection_discount;
        let eps = cfg.convergence_epsilon;
        let mut mine = cfg.cooperation_prior;
        let mut theirs = inferred.cooperation_prior;
        for _ in 0..cfg.max_recursion_depth {
            let new_mine = self.own_best_response(theirs, twin);
            let new_theirs = Ldt::best_response(
                mine,
                twin,
                inferred.cooperation_prior,
                inferred.similarity_threshold,
                inferred.welfare_weight,
                inferred.updateless_commitment,
            );
            let new_mine = d * new_mine + (1.0 - d) * mine;
            let new_theirs = d * new_theirs + (1.0 - d) * theirs;
            let converged = (new_mine - mine).abs() < eps && (new_theirs - theirs).abs() < eps;
            mine = new_mine;
            if converged {
                break;
            }
            theirs = new_theirs;
        }
        clamp01(mine)
    }

    /// The twin graph: counterparties linked by the clamped cosine of
    /// their behaviour vectors where it reaches `twin_graph_min_edge`.
    fn rebuild_graph(&mut self) {
        for g in &mut self.state.graph {
            g.clear();
        }
        let h = self.h;
        for i in 0..self.state.order.len() {
            self.refresh(self.state.order[i]);
        }
        for (i, &a) in self.state.order.iter().enumerate() {
            let va = &self.state.vecs[a * h..(a + 1) * h];
            for &b in &self.state.order[i + 1..] {
                let vb = &self.state.vecs[b * h..(b + 1) * h];
                let s = clamp01(cosine_of(
                    dot(va, vb),
                    self.state.norms[a],
                    self.state.norms[b],
                ));
                if s >= self.cfg.twin_graph_min_edge {
                    self.state.graph[a].push((b, s));
                    self.state.graph[b].push((a, s));
                }
            }
        }
    }

    /// Transitive twins of `c` into `self.state.twins`: a breadth-first search
    /// of the twin graph, scores decaying per hop, negligible paths pruned.
    fn find_twins(&mut self, c: usize) {
        if self.state.graph_stale {
            self.rebuild_graph();
            self.state.graph_stale = false;
        }
        self.state.twins.clear();
        self.state.frontier.clear();
        self.state.visited.fill(false);
        self.state.visited[c] = true;
        let decay = self.cfg.twin_graph_decay;
        for &(x, edge) in &self.state.graph[c] {
            if !self.state.visited[x] {
                self.state.frontier.push((x, edge * decay));
                self.state.visited[x] = true;
            }
        }
        let mut depth = 1;
        while !self.state.frontier.is_empty() && depth < self.cfg.twin_graph_traversal_depth {
            self.state.twins.extend_from_slice(&self.state.frontier);
            self.state.next.clear();
            for &(node, score) in &self.state.frontier {
                for &(x, edge) in &self.state.graph[node] {
                    if !self.state.visited[x] {
                        let decayed = score * edge * decay;
                        if decayed > 0.01 {
                            self.state.next.push((x, decayed));
                            self.state.visited[x] = true;
                        }
                    }
                }
            }
            std::mem::swap(&mut self.state.frontier, &mut self.state.next);
            depth += 1;
        }
        self.state.twins.extend_from_slice(&self.state.frontier);
    }

    /// The acausal bonus of `self.state.twins`: their acceptance rates weighted
    /// by path score (acceptance flags are never perturbed).
    fn twin_bonus(&self) -> f64 {
        let (mut sum, mut weight) = (0.0, 0.0);
        for &(id, score) in &self.state.twins {
            if !self.state.profiles[id].is_empty() {
                sum += score * self.state.acceptance_rate(id);
                weight += score;
            }
        }
        clamp01(if weight > 0.0 { sum / weight } else { 0.0 })
    }

    /// Level 4: level 3 blended with the acausal bonus of transitive twins.
    fn twin_graph_coop(&mut self, c: usize, twin: f64) -> f64 {
        let inferred = self.infer(c);
        let l3 = self.equilibrium(&inferred, twin);
        self.find_twins(c);
        if self.state.twins.is_empty() {
            return l3;
        }
        let beta = self.cfg.acausal_bonus_weight;
        clamp01((1.0 - beta) * l3 + beta * self.twin_bonus())
    }

    /// Level 5: the mean of a single best response over samples whose
    /// recorded `p` values carry Gaussian noise drawn on the Monte Carlo
    /// stream (every entry of every counterparty, every sample; needs
    /// [`Ldt::fill_own_vector`]). The stream is seeded at its first use
    /// and first makes the draws it owes.
    fn monte_carlo(&mut self, c: usize) -> f64 {
        let samples = self.cfg.n_counterfactual_samples;
        if samples == 0 {
            return 0.5;
        }
        self.find_twins(c);
        let bonus = (!self.state.twins.is_empty()).then(|| self.twin_bonus());
        let beta = self.cfg.acausal_bonus_weight;
        let std = self.cfg.counterfactual_noise_std;
        let h = self.h;
        let opponent = self.opponent_rate(c);
        let profile_c = &self.state.profiles[c];
        // Entries of `c` from `first` on make its (noised) vector.
        let first = profile_c.len().saturating_sub(h);
        self.state.vec.clear();
        self.state.vec.resize(h, 0.5);
        // Every entry of every counterparty draws a noise value, in
        // first-outcome order; only those of `c`'s last `h` entries are
        // read: the others are skipped (same draws, no sine or logarithm).
        let (mut before, mut after, mut seen) = (0, 0, false);
        for &a in &self.state.order {
            let n = self.state.profiles[a].len();
            match (a == c, seen) {
                (true, _) => seen = true,
                (false, false) => before += n,
                (false, true) => after += n,
            }
        }
        let before = before + first;
        let cfg = &*self.cfg;
        let st = &mut *self.state;
        let read = &st.profiles[c][first..];
        let mc = st.mc.get_or_insert_with(|| PyRandom::new(st.mc_seed));
        mc.skip_gausses(std::mem::take(&mut st.mc_owed));
        let mut sum = 0.0;
        for _ in 0..samples {
            mc.skip_gausses(before);
            let noised = &mut st.vec[..read.len()];
            mc.gauss_fill(noised, 0.0, std);
            for (slot, &(accepted, p)) in noised.iter_mut().zip(read) {
                *slot = signal((accepted, clamp01(p + *slot)));
            }
            mc.skip_gausses(after);
            let twin = clamp01(cosine_of(
                dot(&st.own_vec, &st.vec),
                st.own_norm,
                norm(&st.vec),
            ));
            let mine = cfg.best_response(opponent, twin);
            sum += match bonus {
                None => mine,
                Some(b) => clamp01((1.0 - beta) * mine + beta * b),
            };
        }
        sum / f64::from(samples)
    }

    /// `c`'s acceptance rate, or `cooperation_prior` without a record: the
    /// opponent's cooperation in every Monte Carlo sample (acceptance flags
    /// carry no noise).
    fn opponent_rate(&self, c: usize) -> f64 {
        if self.state.profiles[c].is_empty() {
            self.cfg.cooperation_prior
        } else {
            self.state.acceptance_rate(c)
        }
    }

    /// Level 5's decision, `monte_carlo(c) > 0.5`, without the samples where
    /// their values cannot change it. A sample's value is a best response
    /// that rises with its twin score, which lies in [0, 1], then blended
    /// (or not) with a bonus in [0, 1]; so every sample, and their mean,
    /// lies between the values at the ends of those ranges. Where that
    /// whole range is clear of 0.5 by far more than the few roundings in
    /// a sample (each value is within 1e-15 of the real function's) and in
    /// the mean of at most 2^32 samples, the answer is known; the stream
    /// then owes the evaluation's draws and makes them only before its
    /// next read values, so every value read is the one the reference
    /// reads.
    fn monte_carlo_cooperates(&mut self, c: usize) -> bool {
        const MARGIN: f64 = 1e-6;
        let cfg = &*self.cfg;
        let samples = cfg.n_counterfactual_samples;
        if samples > 0 {
            let opponent = self.opponent_rate(c);
            let br = |twin: f64| cfg.best_response(opponent, twin);
            let beta = cfg.acausal_bonus_weight;
            let (low, high) = (br(0.0), br(1.0));
            let (low_bonus, high_bonus) = ((1.0 - beta) * low, (1.0 - beta) * high + beta);
            // Comparisons only: a NaN anywhere leaves the answer to the samples.
            let above = low > 0.5 + MARGIN && low_bonus > 0.5 + MARGIN;
            let below = high < 0.5 - MARGIN && high_bonus < 0.5 - MARGIN;
            if above || below {
                // One draw per entry of every counterparty, every sample.
                self.state.mc_owed += samples as usize * self.state.trace.len();
                return above;
            }
        }
        self.monte_carlo(c) > 0.5
    }

    /// Whether to cooperate with `c` at the configured depth. Only the
    /// Monte Carlo level draws; the other levels are pure, so a depth
    /// computes only the levels it reads.
    fn decide(&mut self, c: usize) -> bool {
        self.fill_own_vector();
        match self.cfg.acausality_depth {
            0 | 1 => {
                let twin = self.twin(c);
                self.level1(c, twin)
            }
            2 => {
                // The reference's four cases (level 1 and 2 agree, or
                // one wins by level 2's confidence) come to: level 1
                // decides under 0.5 confidence, level 2's simulation from
                // 0.5 up; only that level (pure, both) is computed.
                let twin = self.twin(c);
                if self.confidence(c) < 0.5 {
                    self.level1(c, twin)
                } else {
                    let inferred = self.infer(c);
                    self.simulate(&inferred, twin)
                }
            }
            3 => {
                let twin = self.twin(c);
                let l1 = if self.level1(c, twin) { 1.0 } else { 0.0 };
                let inferred = self.infer(c);
                let l2 = if self.simulate(&inferred, twin) {
                    1.0
                } else {
                    0.0
                };
                let l3 = self.equilibrium(&inferred, twin);
                0.2 * l1 + 0.3 * l2 + 0.5 * l3 > 0.5
            }
            4 => {
                let twin = self.twin(c);
                self.twin_graph_coop(c, twin) > 0.5
            }
            _ => self.monte_carlo_cooperates(c),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Values traced from the reference (docs/model/ldt.md §7.5): an agent
    //! `me` fed 14 outcomes with A, B, C; D is unknown to it.
    use super::*;

    const A: usize = 1;
    const B: usize = 2;
    const C: usize = 3;
    const D: usize = 4;
    const HISTORY: [(usize, bool, f64); 14] = [
        (A, true, 0.33),
        (B, true, 0.361),
        (C, false, 0.363),
        (A, true, 0.645),
        (B, true, 0.81),
        (C, true, 0.474),
        (A, true, 0.341),
        (B, false, 0.443),
        (C, true, 0.644),
        (A, true, 0.629),
        (B, false, 0.42),
        (C, false, 0.544),
        (A, false, 0.505),
        (A, true, 0.375),
    ];

    fn agent(depth: u32, theory: DecisionTheory, samples: u32, outcomes: usize) -> Ldt {
        let cfg = Config {
            counterfactual_horizon: 6,
            acausality_depth: depth,
            decision_theory: theory,
            n_counterfactual_samples: samples,
            ..Config::default()
        };
        let mut a = Ldt::new(&cfg, 5, &mut PyRandom::new(7));
        for &(other, accepted, p) in &HISTORY[..outcomes] {
            a.record_outcome(Outcome {
                other,
                accepted,
                p,
                payoff: 0.0,
                itype: crate::sim::agents::InteractionType::Collaboration,
            });
        }
        a.fill_own_vector();
        a
    }

    fn decisions(depth: u32, theory: DecisionTheory) -> [bool; 4] {
        let mut a = agent(depth, theory, 50, 14);
        [A, B, C, D].map(|c| a.decide(c))
    }

    /// Depth 2 computes only the level its confidence picks: the same
    /// decisions as the reference's four cases, on every prefix of the
    /// history (confidence from 0 to 1) and every theory.
    #[test]
    fn depth_two_reads_one_level_as_the_four_cases_decide() {
        for theory in [
            DecisionTheory::Tdt,
            DecisionTheory::Fdt,
            DecisionTheory::Udt,
        ] {
            for outcomes in 0..=HISTORY.len() {
                let mut a = agent(2, theory, 50, outcomes);
                for c in [A, B, C, D] {
                    let twin = a.twin(c);
                    let l1 = a.level1(c, twin);
                    let inferred = a.infer(c);
                    let want = match (l1, a.simulate(&inferred, twin)) {
                        (true, true) => true,
                        (true, false) => inferred.confidence < 0.5,
                        (false, true) => inferred.confidence >= 0.5,
                        (false, false) => false,
                    };
                    assert_eq!(a.decide(c), want, "{theory:?} {outcomes} {c}");
                }
            }
        }
    }

    #[test]
    fn construction_draws_the_monte_carlo_seed() {
        // Two MT outputs per 33-bit attempt, about half rejected.
        let seeds = [242886303, 2337446730, 1013818839, 2675342405, 3530265750];
        for (s, want) in (2..).zip(seeds) {
            assert_eq!(PyRandom::new(s).randint(0, 4_294_967_295), want);
        }
        assert_eq!(PyRandom::new(7).randint(0, 4_294_967_295), 647892279);
    }

    #[test]
    fn levels_one_to_three_match_the_reference() {
        // Depth 3: levels 2 and 3 read the running tallies kept from depth 2
        // up (level 1's `cf` then comes from them too, not from a scan).
        let mut a = agent(3, DecisionTheory::Fdt, 50, 14);
        let twin = [A, B, C, D].map(|c| a.twin(c));
        assert_eq!(
            twin,
            [
                0.33002623779828905,
                0.692139736515757,
                0.0,
                0.03620681439618663
            ]
        );
        let dep = [A, B, C, D].map(|c| {
            let twin = a.twin(c);
            a.dependence(c, twin)
        });
        let scores = dep.map(|d| (d.score, d.agreement));
        assert_eq!(
            scores,
            [
                (0.49672649749476405, 1.0),
                (0.3354614520695103, 0.0),
                (0.1278195311147832, 0.0),
                (0.03620681439618663, 0.03620681439618663),
            ]
        );
        let inferred = [A, B, C, D].map(|c| {
            let i = a.infer(c);
            [
                i.cooperation_prior,
                i.similarity_threshold,
                i.welfare_weight,
                i.updateless_commitment,
                i.confidence,
            ]
        });
        assert_eq!(
            inferred,
            [
                [
                    0.8333333333333334,
                    0.8578789248563043,
                    0.0,
                    0.6666666666666666,
                    1.0
                ],
                [
                    0.53,
                    0.7604000000000001,
                    0.06,
                    0.16000000000000003,
                    0.6666666666666666
                ],
                [
                    0.53,
                    0.8720000000000001,
                    0.46,
                    0.9600000000000001,
                    0.6666666666666666
                ],
                [0.65, 0.7, 0.3, 0.8, 0.0],
            ]
        );
        for (i, c) in [A, B, C, D].into_iter().enumerate() {
            assert!(a.simulate(&a.infer(c), twin[i]));
        }
        let l3 = [A, B, C, D].map(|c| {
            let twin = a.twin(c);
            a.equilibrium(&a.infer(c), twin)
        });
        assert_eq!(
            l3,
            [
                0.9784107043943728,
                0.9877453460391449,
                0.9762287784738906,
                0.9773391931294182
            ]
        );
    }

    #[test]
    fn decisions_per_depth_and_theory_match_the_reference() {
        use DecisionTheory::*;
        // FDT rejects C and D: their proofs fail.
        assert_eq!(decisions(1, Fdt), [true, true, false, false]);
        assert_eq!(decisions(1, Tdt), [true; 4]);
        assert_eq!(decisions(1, Udt), [true, true, false, false]);
        assert_eq!(decisions(2, Fdt), [true, true, true, false]);
        assert_eq!(decisions(3, Fdt), [true; 4]);
        assert_eq!(decisions(4, Fdt), [true; 4]);
    }

    #[test]
    fn twin_graph_and_level_four_match_the_reference() {
        let mut a = agent(4, DecisionTheory::Fdt, 50, 14);
        // Built at the first search.
        a.find_twins(D);
        assert_eq!(a.state.graph[A], []);
        assert_eq!(a.state.graph[B], [(C, 0.3040666158309734)]);
        assert_eq!(a.state.graph[C], [(B, 0.3040666158309734)]);
        let twins = [A, B, C, D].map(|c| {
            a.find_twins(c);
            a.state.twins.clone()
        });
        assert_eq!(
            twins,
            [
                vec![],
                vec![(C, 0.27365995424787604)],
                vec![(B, 0.27365995424787604)],
                vec![]
            ]
        );
        let l4 = [A, B, C, D].map(|c| {
            let twin = a.twin(c);
            a.twin_graph_coop(c, twin)
        });
        assert_eq!(
            l4,
            [
                0.9784107043943728,
                0.9389708114352304,
                0.9286059006265016,
                0.9773391931294182
            ]
        );
    }

    #[test]
    fn monte_carlo_keeps_the_cached_gaussian_between_calls() {
        // 13 entries × 3 samples = 39 draws a call: the odd one leaves a
        // cached Gaussian that the next call starts with.
        let mut a = agent(5, DecisionTheory::Fdt, 3, 13);
        let l5 = [A, B, C, D].map(|c| a.monte_carlo(c));
        assert_eq!(
            l5,
            [
                0.9727325764502672,
                0.9159073917120087,
                0.9185386074746961,
                0.9673492649407632
            ]
        );
    }

    /// Level 5 decided without its samples where they cannot change the
    /// answer: the same decisions as with them, and the stream, making its
    /// owed draws later, reads the same values after.
    #[test]
    fn monte_carlo_decisions_match_the_samples() {
        let mut rng = PyRandom::new(11);
        let (mut shortcuts, mut sampled, mut refused) = (0, 0, 0);
        for case in 0..400 {
            let cfg = Config {
                acausality_depth: 5,
                counterfactual_horizon: 1 + rng.randbelow(8) as u32,
                n_counterfactual_samples: rng.randbelow(5) as u32,
                cooperation_prior: rng.random(),
                similarity_threshold: rng.random(),
                welfare_weight: 2.0 * rng.random(),
                updateless_commitment: rng.random(),
                acausal_bonus_weight: rng.random(),
                counterfactual_noise_std: 0.5 * rng.random(),
                ..Config::default()
            };
            let mut fast = Ldt::new(&cfg, 5, &mut PyRandom::new(case));
            let mut full = fast.clone();
            for _ in 0..25 {
                let o = Outcome {
                    other: 1 + rng.randbelow(4),
                    accepted: rng.random() < 0.6,
                    p: rng.random(),
                    payoff: 0.0,
                    itype: crate::sim::agents::InteractionType::Collaboration,
                };
                fast.record_outcome(o);
                full.record_outcome(o);
                let c = 1 + rng.randbelow(4);
                let owed = fast.state.mc_owed;
                full.fill_own_vector();
                let want = full.monte_carlo(c) > 0.5;
                assert_eq!(fast.decide(c), want, "case {case}");
                refused += usize::from(!want && cfg.n_counterfactual_samples > 0);
                if fast.state.mc_owed > owed {
                    shortcuts += 1;
                } else if cfg.n_counterfactual_samples > 0 {
                    sampled += 1;
                }
            }
            full.fill_own_vector();
            fast.fill_own_vector();
            assert_eq!(fast.monte_carlo(1), full.monte_carlo(1), "case {case}");
            assert_eq!(fast.state.mc_owed, 0);
            let next = |a: &mut Ldt| a.state.mc.as_mut().map(|mc| mc.random());
            assert_eq!(next(&mut fast), next(&mut full), "case {case}");
        }
        // Both paths, and refusals among the sampled decisions.
        assert!(
            shortcuts > 1000 && sampled > 1000 && refused > 100,
            "{shortcuts} {sampled} {refused}"
        );
    }

    #[test]
    fn no_samples_means_one_half() {
        let mut a = agent(5, DecisionTheory::Fdt, 0, 14);
        assert_eq!(a.monte_carlo(A), 0.5);
        assert!(!a.decide(A));
    }

    #[test]
    fn config_is_validated_sweepable_and_runs() {
        use crate::scenario::params::{param_paths, set_param};
        use crate::scenario::{load_str, LoadOptions};
        const YAML: &str = "agents:\n  - type: ldt\n    count: 2\n    config:\n      acausality_depth: 5\n      n_counterfactual_samples: 3\n      decision_theory: udt\n  - type: modeling_adversary\n    count: 1\n  - type: honest\n    count: 1\nsimulation:\n  n_epochs: 2\n  steps_per_epoch: 3\n";
        let load = |y: &str| load_str(y, "ldt.yaml", LoadOptions::default());
        let mut s = load(YAML).unwrap().scenario;
        let paths = param_paths(&s);
        for key in [
            "acausality_depth",
            "decision_theory",
            "precommitment_strength",
        ] {
            assert!(paths.contains(&format!("agents.ldt.config.{key}")), "{key}");
        }
        assert!(paths.contains(&"agents.modeling_adversary.config.aggression_level".to_string()));
        for (bad, key) in [
            ("decision_theory: udt", "decision_theory: fdtt"),
            ("n_counterfactual_samples: 3", "counterfactual_horizon: 0"),
        ] {
            let e = load(&YAML.replace(bad, key)).unwrap_err();
            let field = key.split(':').next().unwrap();
            assert!(
                e.message.contains(&format!("agents[0].config.{field}")),
                "{e}"
            );
        }
        assert_eq!(crate::sim::run(&s, 1).epochs.len(), 2);
        set_param(
            &mut s,
            "agents.ldt.config.acausality_depth",
            &ParamValue::Int(3),
        )
        .unwrap();
        assert_eq!(crate::sim::run(&s, 1).epochs.len(), 2);
    }

    #[test]
    fn precommitment_defaults_to_the_decision_theory() {
        let udt = Config {
            decision_theory: DecisionTheory::Udt,
            ..Config::default()
        };
        assert_eq!(udt.precommitment(), 1.0);
        assert_eq!(Config::default().precommitment(), 0.0);
    }
}
