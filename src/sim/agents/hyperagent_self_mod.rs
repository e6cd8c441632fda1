//! Self-modifying agents (the reference's `HyperagentSelfModAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.4): at every epoch
//! start (frozen or not) they shift their proxy weights toward a gameable
//! signal and lower their acceptance threshold. They accept every pending
//! proposal on their turn, otherwise propose a trade to a random visible
//! agent; passively they accept above the threshold (strict). The weights
//! feed only the epoch's capability-envelope figures. They report the
//! `self_modifying` type, which draws the adversarial observable profile.

use super::{
    decide, Action, AgentType, Base, CapabilityProfile, Hooks, InteractionType, Observation,
};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, read, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub modification_rate: f64,
    pub min_acceptance_threshold: f64,
    pub initial_acceptance_threshold: f64,
    /// Which proxy weight is boosted; a name that is not one of the four
    /// weights means no shift (the weights are still renormalised).
    pub weight_gaming_target: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            modification_rate: 0.10,
            min_acceptance_threshold: 0.2,
            initial_acceptance_threshold: 0.6,
            weight_gaming_target: "engagement_signal".to_string(),
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(modification_rate, Float, Rule::Any),
    modelled!(min_acceptance_threshold, Float, Rule::Any),
    modelled!(initial_acceptance_threshold, Float, Rule::Any),
    // The quality the agent tracks is never read by a decision or a metric.
    read!(initial_quality, Float, Rule::Any),
    read!(quality_decay_rate, Float, Rule::Any),
    read!(quality_floor, Float, Rule::Any),
    modelled!(weight_gaming_target, Str),
];

/// The proxy weights in the reference's dict order (the normalising sum
/// follows it).
const WEIGHTS: [&str; 4] = [
    "task_progress",
    "rework_penalty",
    "verifier_penalty",
    "engagement_signal",
];
const TASK_PROGRESS: usize = 0;
const SAFETY_SIGNALS: [usize; 2] = [1, 2];
const ENGAGEMENT: usize = 3;

#[derive(Debug, Clone)]
pub struct HyperagentSelfMod {
    rate: f64,
    min_threshold: f64,
    target: Option<usize>,
    weights: [f64; 4],
    acceptance_threshold: f64,
    modification_depth: u32,
}

impl AgentType for HyperagentSelfMod {
    type Config = Config;
    const NAME: &'static str = "hyperagent_self_mod";
    const ARCHETYPE: Archetype = Archetype::SelfModifying;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's hyperagent claims the first claimable task, then submits output on it every turn (hyperagent_self_mod.py act)",
    );
    const HOOKS: Hooks = Hooks {
        epoch_start: true,
        capability_profile: true,
        ..Hooks::NONE
    };

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> HyperagentSelfMod {
        HyperagentSelfMod {
            rate: cfg.modification_rate,
            min_threshold: cfg.min_acceptance_threshold,
            target: WEIGHTS.iter().position(|w| *w == cfg.weight_gaming_target),
            weights: [0.4, 0.2, 0.2, 0.2],
            acceptance_threshold: cfg.initial_acceptance_threshold,
            modification_depth: 0,
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return Action::Accept(p.proposal_id);
        }
        decide::propose_to_random(rng, obs, InteractionType::Trade).unwrap_or(Action::Noop)
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        base.trust(initiator) > self.acceptance_threshold
    }

    /// `self_modify`: no draws.
    fn on_epoch_start(&mut self, _epoch: u32) {
        self.modification_depth += 1;
        let w = &mut self.weights;
        if let Some(t) = self.target {
            let x = w[t] + self.rate;
            w[t] = if x < 0.8 { x } else { 0.8 };
            for s in SAFETY_SIGNALS {
                let x = w[s] - self.rate / 2.0;
                w[s] = if x > 0.05 { x } else { 0.05 };
            }
        }
        let total = w[0] + w[1] + w[2] + w[3];
        if total > 0.0 {
            w.iter_mut().for_each(|x| *x /= total);
        }
        let x = self.acceptance_threshold - self.rate * 0.5;
        self.acceptance_threshold = if x > self.min_threshold {
            x
        } else {
            self.min_threshold
        };
    }

    fn capability_profile(&self) -> Option<CapabilityProfile> {
        Some(CapabilityProfile {
            ungoverned_weight: self.weights[ENGAGEMENT] + self.weights[TASK_PROGRESS],
            modification_depth: self.modification_depth,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hyperagent_self_mod.yaml's values (§4.4.1, measured).
    #[test]
    fn thresholds_and_weights_follow_the_reference() {
        let mut rng = PyRandom::new(1);
        let mut a = HyperagentSelfMod::new(&Config::default(), 8, &mut rng);
        let expected = [
            0.5499999999999999,
            0.49999999999999994,
            0.44999999999999996,
            0.39999999999999997,
            0.35,
            0.3,
            0.25,
            0.2,
            0.2,
        ];
        for (e, want) in expected.into_iter().enumerate() {
            a.on_epoch_start(e as u32);
            assert_eq!(a.acceptance_threshold, want, "epoch {e}");
            if e == 0 {
                assert_eq!(
                    a.weights,
                    [
                        0.4,
                        0.15000000000000002,
                        0.15000000000000002,
                        0.30000000000000004
                    ]
                );
            }
            if e == 2 {
                assert_eq!(a.weights[ENGAGEMENT], 0.5);
            }
            if e == 3 {
                assert_eq!(a.weights[ENGAGEMENT], 0.5454545454545454);
                assert_eq!(a.weights[TASK_PROGRESS], 0.36363636363636365);
            }
        }
        assert_eq!(a.capability_profile().unwrap().modification_depth, 9);
        // Trust 0.5 against 0.2: a strict `>`.
        let base = Base::for_test(0, 8);
        assert!(a.accept(&mut rng, &base, 1, InteractionType::Collaboration));
    }

    #[test]
    fn an_unknown_target_only_renormalises() {
        let cfg = Config {
            weight_gaming_target: "nothing".into(),
            ..Config::default()
        };
        let mut rng = PyRandom::new(1);
        let mut a = HyperagentSelfMod::new(&cfg, 2, &mut rng);
        a.on_epoch_start(0);
        assert_eq!(a.weights, [0.4, 0.2, 0.2, 0.2]);
    }
}
