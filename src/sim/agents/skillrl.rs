//! SkillRL agents (the reference's `SkillRLAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.3): honest-like agents
//! with a private skill library. Outcomes whose group-relative advantage
//! (GRPO) is high enough become strategy skills, low enough lesson skills;
//! before each decision the agent picks an interaction-domain skill
//! (epsilon-greedy on Python's module-level `random`, shared by every
//! SkillRL agent), whose effect shifts its acceptance threshold and trust
//! weight. Reports `honest`.
//!
//! The reference keeps the selectable skills in a Python `set` of uuid4
//! strings, so which skill a choice or a tie returns differs between
//! processes; here it is library insertion order. That changes no decision
//! as long as every interaction skill of a library has the same effect, no
//! skill is ever refined (its effect would change) and none is evicted
//! (the victim depends on per-skill counts): then a decision depends only
//! on whether the agent owns an interaction skill. A run that leaves that
//! ground is reported unreproducible (§4.3.8).

use std::collections::VecDeque;

use super::decide;
use super::profile;
use super::{Action, AgentType, Base, Content, Hooks, InteractionType, Observation, Outcome};
use crate::metrics::PySum;
use crate::pyfloat::py_clamp;
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub acceptance_threshold: f64,
    pub trust_weight: f64,
    pub post_probability: f64,
    pub vote_probability: f64,
    pub interact_probability: f64,
    pub skill_exploration_rate: f64,
    /// Refinement / promotion epochs (`<= 0` disables).
    pub refinement_interval: i64,
    pub promotion_interval: i64,
    pub grpo_window_size: i64,
    pub grpo_temperature: f64,
    pub refinement_min_invocations: f64,
    pub refinement_success_threshold: f64,
    pub max_refinements_per_epoch: f64,
    pub tier_promotion_min_invocations: f64,
    pub tier_promotion_min_success_rate: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            acceptance_threshold: 0.4,
            trust_weight: 0.3,
            post_probability: 0.2,
            vote_probability: 0.3,
            interact_probability: 0.5,
            skill_exploration_rate: 0.15,
            refinement_interval: 2,
            promotion_interval: 5,
            grpo_window_size: 20,
            grpo_temperature: 1.0,
            refinement_min_invocations: 3.0,
            refinement_success_threshold: 0.4,
            max_refinements_per_epoch: 3.0,
            tier_promotion_min_invocations: 10.0,
            tier_promotion_min_success_rate: 0.6,
        }
    }
}

static FIELDS: &[Field<Config>] = decide::honest_fields![
    modelled!(skill_exploration_rate, Float, Rule::Any),
    modelled!(refinement_interval, Int, Rule::Any),
    modelled!(promotion_interval, Int, Rule::Any),
    modelled!(grpo_window_size, Int, Rule::Any),
    modelled!(grpo_temperature, Float, Rule::Any),
    modelled!(refinement_min_invocations, Float, Rule::Any),
    modelled!(refinement_success_threshold, Float, Rule::Any),
    modelled!(max_refinements_per_epoch, Float, Rule::Any),
    modelled!(tier_promotion_min_invocations, Float, Rule::Any),
    modelled!(tier_promotion_min_success_rate, Float, Rule::Any),
];

/// Fixed by the agent class and the engine's defaults (evolution.py).
const MIN_P_FOR_STRATEGY: f64 = 0.55;
const SUCCESS_ADVANTAGE: f64 = 0.5;
const FAILURE_ADVANTAGE: f64 = -0.3;
const MAX_EXTRACTIONS_PER_EPOCH: u32 = 5;
const MAX_SKILLS: usize = 50;
const PRUNE_MIN_INVOCATIONS: u32 = 3;
const EMA_ALPHA: f64 = 0.3;

/// What a skill does to a decision.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Effect {
    threshold_delta: f64,
    trust_weight_delta: f64,
    avoid: bool,
}

#[derive(Debug, Clone)]
struct Skill {
    /// Domain INTERACTION (the only one selected); else COORDINATION.
    interaction: bool,
    /// Tier GENERAL; else TASK_SPECIFIC.
    general: bool,
    effect: Effect,
    invocations: u32,
    successes: u32,
    ema_payoff: f64,
}

impl Skill {
    fn success_rate(&self) -> f64 {
        if self.invocations == 0 {
            0.5
        } else {
            f64::from(self.successes) / f64::from(self.invocations)
        }
    }

    fn effectiveness(&self) -> f64 {
        if self.invocations < 2 {
            return 0.5;
        }
        0.5 * self.success_rate() + 0.5 * py_clamp(0.0, 1.0, self.ema_payoff / 5.0)
    }
}

#[derive(Debug, Clone)]
pub struct Skillrl {
    cfg: Config,
    /// The library in insertion order.
    skills: Vec<Skill>,
    /// The skill selected last (`_active_skill_ids`), until an outcome.
    active: Option<usize>,
    /// The effect every interaction skill of the library has.
    interaction_effect: Option<Effect>,
    grpo: VecDeque<f64>,
    grpo_window: usize,
    extractions_this_epoch: u32,
    last_seen_epoch: Option<u32>,
    last_refinement_epoch: Option<u32>,
    last_promotion_epoch: Option<u32>,
    unreproducible: Option<&'static str>,
    /// Reused selection buffer.
    pool: Vec<usize>,
}

impl AgentType for Skillrl {
    type Config = Config;
    const NAME: &'static str = "skillrl";
    const ARCHETYPE: Archetype = Archetype::Honest;
    const HOOKS: Hooks = Hooks {
        global_stream: true,
        ..Hooks::NONE
    };

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> Skillrl {
        let grpo_window = cfg.grpo_window_size.max(1) as usize;
        Skillrl {
            cfg: cfg.clone(),
            skills: Vec::with_capacity(MAX_SKILLS),
            active: None,
            interaction_effect: None,
            grpo: VecDeque::with_capacity(grpo_window.min(1024)),
            grpo_window,
            extractions_this_epoch: 0,
            last_seen_epoch: None,
            last_refinement_epoch: None,
            last_promotion_epoch: None,
            unreproducible: None,
            pool: Vec::with_capacity(MAX_SKILLS),
        }
    }

    fn act(&mut self, _rng: &mut PyRandom, _base: &Base, _obs: &Observation) -> Action {
        unreachable!("skillrl draws from the module-level stream: the run loop calls act_global")
    }

    fn accept(&mut self, _: &mut PyRandom, _: &Base, _: usize, _: InteractionType) -> bool {
        unreachable!("skillrl draws from the module-level stream: the run loop calls accept_global")
    }

    fn act_global(
        &mut self,
        rng: &mut PyRandom,
        global: &mut PyRandom,
        base: &Base,
        obs: &Observation,
    ) -> Action {
        let epoch = obs.epoch;
        // Lazily, at the agent's first turn of an epoch.
        if self.last_seen_epoch != Some(epoch) {
            self.last_seen_epoch = Some(epoch);
            self.extractions_this_epoch = 0;
        }
        self.maybe_refine(epoch);
        self.maybe_promote(epoch);
        if let Some(p) = obs.first_pending {
            let skill = self.select(global);
            return if self.acceptable(skill, base.trust(p.initiator)) {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        if obs.can_interact && obs.has_visible() && rng.random() < self.cfg.interact_probability {
            // Python's `max`: the first of equally trusted agents.
            let mut best: Option<(usize, f64)> = None;
            for a in obs.visible() {
                let t = base.trust(a.idx);
                if best.is_none_or(|(_, bt)| t > bt) {
                    best = Some((a.idx, t));
                }
            }
            if let Some((counterparty, _)) = best {
                self.select(global);
                return Action::Propose {
                    counterparty,
                    itype: InteractionType::Collaboration,
                    content: Content(0),
                };
            }
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            return Action::Post(Content(0));
        }
        decide::upvote_random_post(rng, obs, Some(self.cfg.vote_probability))
            .unwrap_or(Action::Noop)
    }

    fn accept_global(
        &mut self,
        _rng: &mut PyRandom,
        global: &mut PyRandom,
        base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        let skill = self.select(global);
        self.acceptable(skill, base.trust(initiator))
    }

    fn record_outcome(&mut self, o: Outcome) {
        if let Some(i) = self.active.take() {
            let s = &mut self.skills[i];
            s.invocations += 1;
            if o.payoff > 0.0 {
                s.successes += 1;
            }
            s.ema_payoff = s.ema_payoff * (1.0 - EMA_ALPHA) + o.payoff * EMA_ALPHA;
        }
        self.extract(o);
    }

    fn unreproducible(&self) -> Option<&'static str> {
        self.unreproducible
    }
}

impl Skillrl {
    /// `select_best_skill_tiered(INTERACTION, ...)`: the task-specific
    /// interaction skills, else the general ones; epsilon-greedy on the
    /// module-level stream. Every condition matches (the context has no `p`
    /// and no interaction type). The pick overwrites the active slot.
    fn select(&mut self, global: &mut PyRandom) -> Option<usize> {
        self.pool.clear();
        let skills = &self.skills;
        self.pool
            .extend((0..skills.len()).filter(|&i| skills[i].interaction && !skills[i].general));
        if self.pool.is_empty() {
            self.pool
                .extend((0..skills.len()).filter(|&i| skills[i].general));
        }
        if self.pool.is_empty() {
            self.active = None;
            return None;
        }
        let pick = if global.random() < self.cfg.skill_exploration_rate {
            self.pool[global.choice_index(self.pool.len())]
        } else {
            let mut best = self.pool[0];
            let mut best_effectiveness = skills[best].effectiveness();
            for &i in &self.pool[1..] {
                let e = skills[i].effectiveness();
                if e > best_effectiveness {
                    (best, best_effectiveness) = (i, e);
                }
            }
            best
        };
        self.active = Some(pick);
        Some(pick)
    }

    /// The skill-adjusted acceptance rule.
    fn acceptable(&self, skill: Option<usize>, trust: f64) -> bool {
        let (mut threshold, mut tw) = (self.cfg.acceptance_threshold, self.cfg.trust_weight);
        if let Some(i) = skill {
            let e = self.skills[i].effect;
            if e.avoid {
                return false;
            }
            threshold = py_clamp(0.0, 1.0, threshold + e.threshold_delta);
            tw = py_clamp(0.0, 1.0, tw + e.trust_weight_delta);
        }
        trust * tw + 0.5 * (1.0 - tw) >= threshold
    }

    /// `extract_skill`: rate limit, GRPO advantage, strategy or lesson.
    fn extract(&mut self, o: Outcome) {
        if self.extractions_this_epoch >= MAX_EXTRACTIONS_PER_EPOCH {
            return;
        }
        let adv = self.grpo_advantage(o.payoff);
        let effect = if adv >= SUCCESS_ADVANTAGE && o.p >= MIN_P_FOR_STRATEGY {
            Effect {
                threshold_delta: if o.payoff > 1.0 { -0.1 } else { -0.05 },
                trust_weight_delta: 0.05,
                avoid: false,
            }
        } else if adv <= FAILURE_ADVANTAGE {
            Effect {
                threshold_delta: if o.payoff < -1.0 { 0.15 } else { 0.1 },
                trust_weight_delta: -0.05,
                avoid: o.payoff < -1.0,
            }
        } else {
            return;
        };
        let interaction = o.itype != InteractionType::Collaboration;
        if interaction {
            match self.interaction_effect {
                Some(e) if e != effect => {
                    self.refuse("a SkillRL library holds interaction skills with different effects, so which one a choice or tie picks (Python set order) changes decisions");
                }
                _ => self.interaction_effect = Some(effect),
            }
        }
        if self.skills.len() >= MAX_SKILLS {
            self.evict();
        }
        self.skills.push(Skill {
            interaction,
            general: false,
            effect,
            invocations: 0,
            successes: 0,
            ema_payoff: 0.0,
        });
        self.extractions_this_epoch += 1;
    }

    /// `compute_grpo_advantage` (appends `payoff` to the window). The
    /// reference squares and roots with `**`, i.e. libm `pow`
    /// ([`profile::py_square`], [`profile::py_pow_half`]).
    fn grpo_advantage(&mut self, payoff: f64) -> f64 {
        if !payoff.is_finite() {
            return 0.0;
        }
        if self.grpo.len() == self.grpo_window {
            self.grpo.pop_front();
        }
        self.grpo.push_back(payoff);
        if self.grpo.len() < 2 {
            return payoff;
        }
        let mut sum = PySum::default();
        self.grpo.iter().for_each(|&x| sum.add(x));
        let mean = sum.mean().unwrap_or(0.0);
        let mut squares = PySum::default();
        self.grpo
            .iter()
            .for_each(|&x| squares.add(profile::py_square(x - mean)));
        let variance = squares.mean().unwrap_or(0.0);
        let std = profile::py_pow_half(variance);
        let t = self.cfg.grpo_temperature;
        let denom = std + if t > 1e-8 { t } else { 1e-8 };
        (payoff - mean) / denom
    }

    /// `_maybe_refine`: would any skill be refined? Refining changes a
    /// skill's effect, and which skills qualify depends on which skill
    /// each earlier choice picked (Python set order): refused.
    fn maybe_refine(&mut self, epoch: u32) {
        let interval = self.cfg.refinement_interval;
        if interval <= 0
            || self.last_refinement_epoch.is_some_and(|e| epoch <= e)
            || i64::from(epoch) % interval != 0
        {
            return;
        }
        self.last_refinement_epoch = Some(epoch);
        if self.cfg.max_refinements_per_epoch <= 0.0 {
            return;
        }
        let cfg = &self.cfg;
        let eligible = self.skills.iter().any(|s| {
            f64::from(s.invocations) >= cfg.refinement_min_invocations
                && s.success_rate() < cfg.refinement_success_threshold
        });
        if eligible {
            self.refuse("a SkillRL skill qualifies for refinement, which changes its effect; which skills qualify depends on Python set order");
        }
    }

    /// `_maybe_promote`: proven task-specific skills become general.
    fn maybe_promote(&mut self, epoch: u32) {
        let interval = self.cfg.promotion_interval;
        if interval <= 0
            || self.last_promotion_epoch.is_some_and(|e| epoch <= e)
            || i64::from(epoch) % interval != 0
        {
            return;
        }
        self.last_promotion_epoch = Some(epoch);
        let cfg = &self.cfg;
        for s in self.skills.iter_mut().filter(|s| !s.general) {
            if f64::from(s.invocations) >= cfg.tier_promotion_min_invocations
                && s.success_rate() >= cfg.tier_promotion_min_success_rate
            {
                s.general = true;
            }
        }
    }

    /// `_evict_weakest` at capacity: the victim depends on per-skill counts
    /// (Python set order), so the run is refused; the library still evicts
    /// so that the run can finish.
    fn evict(&mut self) {
        self.refuse("a SkillRL library is full and evicts a skill chosen by per-skill counts that depend on Python set order");
        let mut victim = 0;
        let mut worst: Option<f64> = None;
        for (i, s) in self.skills.iter().enumerate() {
            if s.invocations >= PRUNE_MIN_INVOCATIONS {
                let e = s.effectiveness();
                if worst.is_none_or(|w| e < w) {
                    worst = Some(e);
                    victim = i;
                }
            }
        }
        self.skills.remove(victim);
        self.active = match self.active {
            Some(a) if a == victim => None,
            Some(a) if a > victim => Some(a - 1),
            a => a,
        };
    }

    fn refuse(&mut self, why: &'static str) {
        self.unreproducible.get_or_insert(why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(p: f64, payoff: f64, itype: InteractionType) -> Outcome {
        Outcome {
            other: 1,
            accepted: true,
            p,
            payoff,
            itype,
        }
    }

    #[test]
    fn grpo_uses_the_window_mean_and_deviation() {
        let mut rng = PyRandom::new(1);
        let mut a = Skillrl::new(&Config::default(), 3, &mut rng);
        // One value: the advantage is the payoff itself.
        assert_eq!(a.grpo_advantage(0.6), 0.6);
        // Python: (p - mean) / (((x - mean) ** 2 ...) ** 0.5 + 1.0).
        assert_eq!(a.grpo_advantage(-0.2), -0.28571428571428575);
    }

    #[test]
    fn a_trade_lesson_makes_the_agent_stricter() {
        let mut rng = PyRandom::new(1);
        let mut a = Skillrl::new(&Config::default(), 3, &mut rng);
        let mut global = PyRandom::new(1);
        // No skill: threshold 0.4, weight 0.3; nothing is drawn.
        let none = a.select(&mut global);
        assert_eq!(none, None);
        assert!(a.acceptable(none, 0.5));
        assert_eq!(global.random(), PyRandom::new(1).random());
        // A first collaboration: its payoff is its advantage → a
        // coordination strategy, never selected.
        a.record_outcome(outcome(0.7, 0.55, InteractionType::Collaboration));
        assert_eq!(a.select(&mut global), None);
        a.record_outcome(outcome(0.2, -0.5, InteractionType::Trade));
        assert_eq!(a.skills.len(), 2);
        assert!(a.skills[1].interaction && a.skills[1].effect.threshold_delta == 0.1);
        // With the lesson: threshold 0.5, weight 0.25 → trust 0.5 still
        // passes, just below does not.
        let skill = a.select(&mut global);
        assert_eq!(skill, Some(1));
        assert!(a.acceptable(skill, 0.5));
        assert!(!a.acceptable(skill, 0.49));
        assert_eq!(a.unreproducible, None);
    }

    #[test]
    fn mixed_interaction_effects_are_reported() {
        let mut rng = PyRandom::new(1);
        let mut a = Skillrl::new(&Config::default(), 3, &mut rng);
        a.record_outcome(outcome(0.7, 0.55, InteractionType::Collaboration));
        a.record_outcome(outcome(0.2, -0.5, InteractionType::Trade)); // lesson
        assert_eq!(a.unreproducible, None);
        a.record_outcome(outcome(0.99, 3.0, InteractionType::Trade)); // strategy
        assert_eq!(a.skills.len(), 3);
        assert!(a.unreproducible.is_some());
    }
}
