//! RLM agents, "recursive" level-k reasoners (docs/model/adaptive-adversary-rlm.md
//! §3.4). Nothing recurses in the reference: the depth sets an exploration
//! rate and one acceptance formula, and a turn is one scoring pass over
//! candidate actions with a discounted-payoff estimate from a model of each
//! partner. They report the `rlm` archetype (its own observable profile).

use std::collections::VecDeque;
use std::sync::OnceLock;

use super::{Action, AgentType, Base, Content, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::coerce::{at_least, Rule};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

/// Its settings. The reference uses them as written (no conversion), so
/// values that crash it at first use are refused: non-numbers, a float
/// planning horizon (a `range()` bound; the reference survives a float
/// above 6, which this engine does not model either), a float or negative
/// memory budget (a deque's `maxlen`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Python number; fractional depths work in the reference.
    pub recursion_depth: f64,
    pub planning_horizon: i64,
    /// Bounds a working-memory log nothing reads: no effect on a run.
    pub memory_budget: i64,
    pub discount_factor: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            recursion_depth: 3.0,
            planning_horizon: 5,
            memory_budget: 100,
            discount_factor: 0.9,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(recursion_depth, Number, Rule::Any),
    modelled!(planning_horizon, Integer, Rule::Any),
    modelled!(memory_budget, Integer, at_least(0)),
    modelled!(discount_factor, Number, Rule::Any),
];

/// Counterparty models kept (the first least-used one is dropped beyond).
const MAX_MODELS: usize = 500;
/// Payoffs a model remembers.
const MAX_PAYOFFS: usize = 100;
/// Weight of the newest payoff relative to the next older one.
const PAYOFF_DECAY: f64 = 0.7;
/// The cooperation-rate EMA's weight of the newest outcome.
const ALPHA: f64 = 0.3;

/// The payoff weights: `0.7 ** k` for every payoff age, as Python's float
/// `**` (C `pow`), and for every count `n` of payoffs the weights' total as
/// `expected_payoff` sums it (oldest first, from 0), which depends on `n`
/// alone.
struct PayoffWeights {
    by_age: [f64; MAX_PAYOFFS],
    /// `totals[n - 1]`: the total over `n` payoffs.
    totals: [f64; MAX_PAYOFFS],
}

fn payoff_weights() -> &'static PayoffWeights {
    static WEIGHTS: OnceLock<PayoffWeights> = OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let by_age = std::array::from_fn(|k| PAYOFF_DECAY.powf(k as f64));
        let totals = std::array::from_fn(|m| (0..=m).rev().fold(0.0, |t, k| t + by_age[k]));
        PayoffWeights { by_age, totals }
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Estimated {
    Unknown,
    Honest,
    Adversarial,
    Strategic,
}

/// `CounterpartyModel`: what an RLM agent has learnt of one partner.
#[derive(Debug, Clone)]
struct Model {
    interactions: u64,
    cooperation_rate: f64,
    /// The last three cooperation flags, newest in bit 0.
    recent: u8,
    payoffs: VecDeque<f64>,
    /// `expected_payoff()` of `payoffs` (kept current by `update`).
    expected: f64,
    estimated: Estimated,
}

impl Default for Model {
    fn default() -> Model {
        Model {
            interactions: 0,
            cooperation_rate: 0.5,
            recent: 0,
            payoffs: VecDeque::new(),
            expected: 0.0,
            estimated: Estimated::Unknown,
        }
    }
}

impl Model {
    fn acceptance_probability(&self) -> f64 {
        if self.interactions == 0 {
            0.5
        } else {
            self.cooperation_rate
        }
    }

    fn update(&mut self, cooperated: bool, payoff: f64) {
        self.interactions += 1;
        self.recent = (self.recent << 1 | u8::from(cooperated)) & 0b111;
        if self.payoffs.len() == MAX_PAYOFFS {
            self.payoffs.pop_front();
        }
        self.payoffs.push_back(payoff);
        let c = if cooperated { 1.0 } else { 0.0 };
        self.cooperation_rate = self.cooperation_rate * (1.0 - ALPHA) + c * ALPHA;
        if self.interactions >= 3 {
            self.estimated = match self.recent {
                0b111 => Estimated::Honest,
                0 => Estimated::Adversarial,
                _ => Estimated::Strategic,
            };
        }
        self.expected = self.expected_payoff();
    }

    /// Weighted mean of the payoffs, the newest weighing 1 and each older
    /// one 0.7 times the next; both sums run oldest first from 0.
    fn expected_payoff(&self) -> f64 {
        let n = self.payoffs.len();
        if n == 0 {
            return 0.0;
        }
        let w = payoff_weights();
        let mut weighted = 0.0;
        for (j, &p) in self.payoffs.iter().enumerate() {
            weighted += w.by_age[n - 1 - j] * p;
        }
        weighted / w.totals[n - 1]
    }
}

#[derive(Debug, Clone)]
pub struct Rlm {
    depth: f64,
    /// `0.1 / (depth + 1)` (used only at depth > 0).
    epsilon: f64,
    /// `γ ** t` for t = 1 .. min(h, 6) − 1: the look-ahead's discounts.
    discounts: Vec<f64>,
    /// A POST's score, `0.15 + (0.1·h)·γ`.
    post_score: f64,
    /// The passive decision's horizon bonus, `0.02·min(h, 10)`.
    horizon_bonus: f64,
    /// Per agent index; created on first look, as the reference's dict.
    models: Vec<Option<Model>>,
    /// Agents with a model, in creation order (for eviction).
    created: Vec<usize>,
}

const VOTE_SCORE: f64 = 0.05 + 0.0;
/// A NOOP's score; also the start of the strictly-greater search's winner.
const NOOP_SCORE: f64 = 0.0 + 0.0;

impl AgentType for Rlm {
    type Config = Config;
    const NAME: &'static str = "rlm";
    const ARCHETYPE: Archetype = Archetype::Rlm;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's RLM agent claims the first claimable task when it would otherwise idle, and counts claiming the first two tasks among its candidate actions (rlm_agent.py act, _generate_candidates)",
    );

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> Rlm {
        let gamma = cfg.discount_factor;
        // `range(1, min(h, 6))`.
        let terms = cfg.planning_horizon.min(6) - 1;
        let h = cfg.planning_horizon as f64;
        Rlm {
            depth: cfg.recursion_depth,
            epsilon: 0.1 / (cfg.recursion_depth + 1.0),
            discounts: (1..=terms).map(|t| gamma.powf(t as f64)).collect(),
            post_score: 0.15 + 0.1 * h * gamma,
            horizon_bonus: 0.02 * h.min(10.0),
            models: vec![None; n_agents],
            created: Vec::new(),
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            // Strategic acceptance: 0.1·min(depth, 5) first, then the trust term.
            let t = base.trust(p.initiator);
            let cr = self.model(p.initiator).cooperation_rate;
            let a = 0.5 + 0.1 * self.depth.min(5.0) * (t - 0.5);
            let a = (a + 0.1 * cr).clamp(0.0, 1.0);
            return if rng.random() < a {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        if self.depth <= 0.0 {
            return self.naive(rng, base, obs);
        }
        let (mut best, n) = self.best_candidate(base, obs);
        // Exploration draws on every scoring turn; the choice is over all
        // candidates, NOOP included.
        if rng.random() < self.epsilon && n > 1 {
            best = self.candidate(obs, rng.choice_index(n));
        }
        best
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        let depth = self.depth;
        let m = self.model(initiator);
        let mut b = base.trust(initiator);
        match m.estimated {
            Estimated::Honest => b += 0.15,
            Estimated::Adversarial => b -= 0.2,
            Estimated::Strategic if depth >= 2.0 => b += 0.05 * m.cooperation_rate,
            Estimated::Strategic | Estimated::Unknown => {}
        }
        b += self.horizon_bonus;
        rng.random() < b.clamp(0.0, 1.0)
    }

    /// Every finalized interaction, whoever decided it: the partner
    /// "cooperated" when it was accepted.
    fn record_outcome(&mut self, o: Outcome) {
        self.model(o.other).update(o.accepted, o.payoff);
    }
}

impl Rlm {
    /// `get_or_create_model`: at capacity the first model (in creation
    /// order) with the fewest interactions makes room.
    fn model(&mut self, agent: usize) -> &mut Model {
        if self.models[agent].is_none() {
            if self.created.len() >= MAX_MODELS {
                let models = &self.models;
                let count = |a: usize| models[a].as_ref().map_or(0, |m| m.interactions);
                let (pos, _) = self
                    .created
                    .iter()
                    .enumerate()
                    .min_by_key(|&(_, &a)| count(a))
                    .expect("at capacity");
                let evicted = self.created.remove(pos);
                self.models[evicted] = None;
            }
            self.created.push(agent);
        }
        self.models[agent].get_or_insert_with(Model::default)
    }

    /// A proposal's score: immediate trust/2 plus the discounted look-ahead
    /// `Σ ((γ^t · accept) · payoff)`, with an optimistic 0.5 for a zero
    /// expected payoff.
    fn propose_score(&mut self, base: &Base, other: usize) -> f64 {
        let immediate = base.trust(other) * 0.5;
        let m = self.model(other);
        let accept = m.acceptance_probability();
        let payoff = if m.expected == 0.0 { 0.5 } else { m.expected };
        let mut future = 0.0;
        for &g in &self.discounts {
            future += g * accept * payoff;
        }
        immediate + future
    }

    /// The first best-scoring candidate (strictly greater wins) and how
    /// many candidates there are. Candidates, in order: NOOP, a proposal
    /// to each visible agent, POST, up-votes on the first two posts.
    fn best_candidate(&mut self, base: &Base, obs: &Observation) -> (Action, usize) {
        let (mut best, mut best_score, mut n) = (Action::Noop, NOOP_SCORE, 1);
        if obs.can_interact {
            for a in obs.visible() {
                n += 1;
                let s = self.propose_score(base, a.idx);
                if s > best_score {
                    (best, best_score) = (propose(a.idx, Content(0)), s);
                }
            }
        }
        if obs.can_post {
            n += 1;
            if self.post_score > best_score {
                (best, best_score) = (Action::Post(Content(0)), self.post_score);
            }
        }
        if obs.can_vote {
            for post in obs.visible_posts().take(2) {
                n += 1;
                if VOTE_SCORE > best_score {
                    (best, best_score) = (Action::Vote { post, up: true }, VOTE_SCORE);
                }
            }
        }
        (best, n)
    }

    /// The `k`-th candidate of [`Rlm::best_candidate`]'s list.
    fn candidate(&self, obs: &Observation, k: usize) -> Action {
        let mut k = k;
        if k == 0 {
            return Action::Noop;
        }
        k -= 1;
        if obs.can_interact {
            if let Some(a) = obs.visible().nth(k) {
                return propose(a.idx, Content(0));
            }
            k -= obs.visible().count();
        }
        if obs.can_post {
            if k == 0 {
                return Action::Post(Content(0));
            }
            k -= 1;
        }
        match obs.visible_posts().nth(k) {
            Some(post) => Action::Vote { post, up: true },
            None => unreachable!("candidate index past the list"),
        }
    }

    /// Depth ≤ 0: propose to the first most-trusted visible agent, else
    /// post with probability 0.3 (no exploration draw).
    fn naive(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        let mut best: Option<(usize, f64)> = None;
        for a in obs.visible() {
            let t = base.trust(a.idx);
            if best.is_none_or(|(_, bt)| t > bt) {
                best = Some((a.idx, t));
            }
        }
        if let Some((other, _)) = best {
            return propose(other, Content(1));
        }
        if obs.can_post && rng.random() < 0.3 {
            return Action::Post(Content(1));
        }
        Action::Noop
    }
}

fn propose(counterparty: usize, content: Content) -> Action {
    Action::Propose {
        counterparty,
        itype: InteractionType::Collaboration,
        content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, LoadOptions};

    fn rlm(depth: f64, h: i64) -> Rlm {
        let cfg = Config {
            recursion_depth: depth,
            planning_horizon: h,
            ..Config::default()
        };
        Rlm::new(&cfg, 20, &mut PyRandom::new(1))
    }

    fn base() -> Base {
        Base::for_test(0, 20)
    }

    #[test]
    fn scores_of_a_fresh_partner_and_a_post_match_the_reference() {
        // Traced values (docs/model/adaptive-adversary-rlm.md §3.4.3).
        for (h, want) in [(3, 0.6775), (5, 1.023775), (8, 1.1713974999999999)] {
            assert_eq!(rlm(1.0, h).propose_score(&base(), 1), want, "h {h}");
        }
        assert_eq!(rlm(1.0, 3).post_score, 0.42000000000000004);
        assert_eq!(rlm(1.0, 8).post_score, 0.8700000000000001);
        assert_eq!(rlm(5.0, 5).epsilon, 0.016666666666666666);
        assert!(rlm(1.0, 1).discounts.is_empty() && rlm(1.0, -3).discounts.is_empty());
    }

    #[test]
    fn a_known_partner_scores_as_traced() {
        // rlm_recursive_collusion seed 1, rlm_1's score of rlm_5 at step 1.
        let mut r = rlm(1.0, 3);
        let mut b = base();
        b.trust[5] = Some(0.5662520908132115).into();
        r.record_outcome(Outcome {
            other: 5,
            accepted: true,
            p: 0.7208403027107051,
            payoff: 0.5696352449847365,
            itype: InteractionType::Collaboration,
        });
        let m = r.model(5);
        assert_eq!(m.cooperation_rate, 0.6499999999999999);
        assert_eq!(m.expected, 0.5696352449847365);
        assert_eq!(r.propose_score(&b, 5), 0.9162756202071403);
    }

    #[test]
    fn the_expected_payoff_weights_recent_payoffs_more() {
        let mut m = Model::default();
        for p in [1.0, 0.0, 2.0] {
            m.update(true, p);
        }
        let (w0, w1) = (0.7f64.powf(2.0), 0.7);
        let want = (((0.0 + w0 * 1.0) + w1 * 0.0) + 1.0 * 2.0) / (((0.0 + w0) + w1) + 1.0);
        assert_eq!(m.expected, want);
        assert_eq!(m.estimated, Estimated::Honest);
        m.update(false, 0.0);
        assert_eq!(m.estimated, Estimated::Strategic);
        m.update(false, 0.0);
        m.update(false, 0.0);
        assert_eq!(m.estimated, Estimated::Adversarial);
        // Past the memory's length, against the sum written out.
        for k in 0..150 {
            m.update(k % 3 == 0, f64::from(k) * 0.37 - 20.0);
        }
        let n = m.payoffs.len();
        let (mut total, mut weighted) = (0.0, 0.0);
        for (j, &p) in m.payoffs.iter().enumerate() {
            let wj = PAYOFF_DECAY.powf((n - 1 - j) as f64);
            total += wj;
            weighted += wj * p;
        }
        assert_eq!(n, MAX_PAYOFFS);
        assert_eq!(m.expected, weighted / total);
    }

    #[test]
    fn eviction_drops_the_first_least_used_model() {
        let mut r = Rlm::new(&Config::default(), MAX_MODELS + 2, &mut PyRandom::new(1));
        for a in 0..MAX_MODELS {
            r.model(a).interactions = if a == 3 || a == 7 { 0 } else { 1 };
        }
        r.model(MAX_MODELS);
        assert!(r.models[3].is_none() && r.models[7].is_some());
        assert_eq!(r.created.len(), MAX_MODELS);
        assert_eq!(r.created.last(), Some(&MAX_MODELS));
    }

    fn load(config: &str) -> Result<Config, String> {
        let yaml = format!("agents:\n  - type: rlm\n    config:\n{config}");
        load_str(&yaml, "r.yaml", LoadOptions::default())
            .map(|l| match &l.scenario.agents[0].config {
                crate::scenario::AgentConfig::Rlm(c) => c.clone(),
                other => panic!("{other:?}"),
            })
            .map_err(|e| e.message)
    }

    #[test]
    fn settings_that_crash_the_reference_are_refused_at_load() {
        assert_eq!(
            load("      planning_horizon: true\n")
                .unwrap()
                .planning_horizon,
            1
        );
        assert_eq!(
            load("      recursion_depth: 2.5\n")
                .unwrap()
                .recursion_depth,
            2.5
        );
        assert_eq!(
            load("      recursion_depth: true\n")
                .unwrap()
                .recursion_depth,
            1.0
        );
        for bad in [
            "      planning_horizon: 6.0\n",
            "      planning_horizon: '5'\n",
            "      recursion_depth: null\n",
            "      discount_factor: high\n",
            "      memory_budget: 10.0\n",
            "      memory_budget: -1\n",
        ] {
            let e = load(bad).unwrap_err();
            assert!(e.contains("agents[0].config."), "{bad}: {e}");
        }
    }
}
