//! Work-regime agents (the reference's `WorkRegimeAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.1): a worker whose
//! policy (compliance, cooperation threshold, redistribution preference,
//! exit propensity) drifts at every epoch end with its grievance, fed by its
//! outcome payoffs against the population's cumulative average. A strike
//! draw opens every turn. It reports the `work_regime` type, which draws
//! the adversarial observable profile.

use super::decide;
use super::{
    Action, AgentType, Base, Content, EpochEnd, Hooks, InteractionType, Observation, Outcome,
};
use crate::metrics::PySum;
use crate::pyfloat::py_clamp;
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, UNIT};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub compliance_propensity: f64,
    pub cooperation_threshold: f64,
    pub redistribution_preference: f64,
    pub exit_propensity: f64,
    pub adapt_rate: f64,
    pub grievance_decay: f64,
    pub post_probability: f64,
    pub vote_probability: f64,
    pub interact_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            compliance_propensity: 0.8,
            cooperation_threshold: 0.3,
            redistribution_preference: 0.2,
            exit_propensity: 0.05,
            adapt_rate: 0.05,
            grievance_decay: 0.9,
            post_probability: 0.25,
            vote_probability: 0.4,
            interact_probability: 0.4,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(compliance_propensity, Float, Rule::Any),
    modelled!(cooperation_threshold, Float, Rule::Any),
    modelled!(redistribution_preference, Float, Rule::Any),
    modelled!(exit_propensity, Float, Rule::Any),
    modelled!(adapt_rate, Float, Rule::Any),
    modelled!(grievance_decay, Float, Rule::Any),
    modelled!(post_probability, Float, UNIT),
    modelled!(vote_probability, Float, UNIT),
    modelled!(interact_probability, Float, UNIT),
];

const GRIEVANCE_CAP: f64 = 10.0;

#[derive(Debug, Clone)]
pub struct WorkRegime {
    cfg: Config,
    /// The drifting policy (starts at the configured values).
    compliance: f64,
    cooperation_threshold: f64,
    redistribution: f64,
    exit: f64,
    grievance: f64,
    /// This epoch's outcome payoffs, rejected interactions included.
    epoch_payoffs: Vec<f64>,
    /// Reused candidate buffer (no allocation per turn).
    candidates: Vec<usize>,
}

impl AgentType for WorkRegime {
    type Config = Config;
    const NAME: &'static str = "work_regime";
    const ARCHETYPE: Archetype = Archetype::WorkRegime;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's work-regime agent claims a task chosen by a draw on its stream (rng.choice over the claimable tasks; work_regime_agent.py act, _select_task)",
    );
    const HOOKS: Hooks = Hooks {
        epoch_end: true,
        ..Hooks::NONE
    };

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> WorkRegime {
        WorkRegime {
            cfg: cfg.clone(),
            compliance: cfg.compliance_propensity,
            cooperation_threshold: cfg.cooperation_threshold,
            redistribution: cfg.redistribution_preference,
            exit: cfg.exit_propensity,
            grievance: 0.0,
            epoch_payoffs: Vec::with_capacity(32),
            candidates: Vec::with_capacity(n_agents),
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        // The strike draw comes first, pending proposal or not.
        if rng.random() < self.exit {
            return Action::Noop;
        }
        if let Some(p) = obs.first_pending {
            let mut threshold = self.cooperation_threshold;
            if self.compliance < 0.4 {
                threshold += 0.15;
            }
            return p.answer(base.trust(p.initiator) >= threshold);
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            // Three text pools by policy state (reform, grievance, neutral).
            let (pool, size) = if self.redistribution > 0.6 {
                (0, 4)
            } else if self.grievance > 1.0 {
                (1, 3)
            } else {
                (2, 3)
            };
            return Action::Post(Content(pool * 4 + rng.choice_index(size) as u8));
        }
        if let Some(vote) = decide::upvote_random_post(rng, obs, Some(self.cfg.vote_probability)) {
            return vote;
        }
        if obs.can_interact && obs.has_visible() && rng.random() < self.cfg.interact_probability {
            self.candidates.clear();
            let threshold = self.cooperation_threshold;
            self.candidates.extend(
                obs.visible()
                    .map(|a| a.idx)
                    .filter(|&i| base.trust(i) >= threshold),
            );
            if self.candidates.is_empty() {
                return Action::Noop;
            }
            let counterparty = self.candidates[rng.choice_index(self.candidates.len())];
            return Action::propose(counterparty, InteractionType::Collaboration);
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        base.trust(initiator) >= self.cooperation_threshold
    }

    fn record_outcome(&mut self, o: Outcome) {
        self.epoch_payoffs.push(o.payoff);
    }

    fn on_epoch_end(&mut self, _base: &mut Base, end: &EpochEnd) {
        let mut sum = PySum::default();
        let mut negative = 0usize;
        for &x in &self.epoch_payoffs {
            sum.add(x);
            negative += usize::from(x < 0.0);
        }
        let n = self.epoch_payoffs.len();
        let avg = sum.mean().unwrap_or(0.0);
        let noise = if n > 0 {
            negative as f64 / n as f64
        } else {
            0.0
        };
        // The reference reads `bandwidth_cap` from the orchestrator's config,
        // which has no such field: the workload pressure is always 0.
        self.adapt(avg, end.peer_avg_payoff, noise, 0.0);
        self.epoch_payoffs.clear();
    }
}

impl WorkRegime {
    /// `adapt_policy`: each line reads the values the lines above it set.
    fn adapt(&mut self, avg: f64, peer_avg: f64, eval_noise: f64, workload: f64) {
        let rate = self.cfg.adapt_rate;
        let pay_gap = avg - peer_avg;
        let underpaid = py_clamp(0.0, f64::INFINITY, -pay_gap);
        let unfairness = underpaid + eval_noise * 0.5;
        let g = self.grievance * self.cfg.grievance_decay + unfairness;
        self.grievance = if g < GRIEVANCE_CAP { g } else { GRIEVANCE_CAP };
        let pressure = workload * 0.3 + self.grievance * 0.2;
        self.compliance = py_clamp(0.0, 1.0, self.compliance - rate * pressure);
        self.cooperation_threshold = py_clamp(
            0.0,
            1.0,
            self.cooperation_threshold + rate * self.grievance * 0.3,
        );
        let redistribution_signal = underpaid * 0.5 + self.grievance * 0.2;
        self.redistribution =
            py_clamp(0.0, 1.0, self.redistribution + rate * redistribution_signal);
        if self.grievance > 1.0 {
            let x = self.exit + rate * 0.1;
            self.exit = if x < 0.8 { x } else { 0.8 };
        } else if self.grievance < 0.3 {
            let x = self.exit - rate * 0.05;
            self.exit = if x > 0.0 { x } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// work_regime_drift/baseline.yaml seed 1, end of epoch 0
    /// (docs/model/work-regime-coding-skillrl-ralph.md §4.1.5).
    #[test]
    fn the_first_drift_matches_the_reference() {
        let mut rng = PyRandom::new(1);
        let mut a = WorkRegime::new(&Config::default(), 10, &mut rng);
        // No payoffs this epoch: the pay gap is the whole peer average.
        let peer = 0.3144706739383544;
        a.adapt(0.0, peer, 0.0, 0.0);
        assert_eq!(a.grievance, 0.3144706739383544);
        assert_eq!(a.compliance, 0.7968552932606165);
        // grievance 0.1 (a zero pay gap plus noise 0.2): the exit step down.
        let mut b = WorkRegime::new(&Config::default(), 10, &mut rng);
        b.adapt(peer, peer, 0.2, 0.0);
        assert_eq!(b.grievance, 0.1);
        assert_eq!(b.compliance, 0.799);
        assert_eq!(b.cooperation_threshold, 0.3015);
        assert_eq!(b.redistribution, 0.201);
        assert_eq!(b.exit, 0.0475);
    }

    #[test]
    fn grievance_above_one_raises_exit() {
        let mut rng = PyRandom::new(1);
        let mut a = WorkRegime::new(&Config::default(), 10, &mut rng);
        a.grievance = 1.0;
        a.adapt(0.0, 0.5, 0.0, 0.0);
        assert_eq!(a.exit, 0.05500000000000001);
    }
}
