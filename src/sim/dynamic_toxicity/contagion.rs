//! Quality contagion: every agent with an accepted interaction this epoch
//! (either role) shifts all the trust entries it has by
//! `gamma · (mean p of those interactions − neutral)`, clamped to [0, 1].
//! Absent entries (the implicit 0.5) stay absent. No draws; p and the
//! observables are untouched. Only honest agents read trust, but every
//! agent's memory is shifted, as in the reference.

use super::{py_max, py_min, EpochEnd};
use crate::metrics::PySum;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::sim::events::Event;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Contagion strength.
    pub gamma: f64,
    /// The mean p that shifts nothing.
    pub neutral: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            gamma: 0.1,
            neutral: 0.5,
        }
    }
}

/// The reference validates none of these; every number is reproduced.
pub(crate) static FIELDS: &[Field<Config>] = &[
    modelled!(gamma, Float, Rule::Any),
    modelled!(neutral, Float, Rule::Any),
];

#[derive(Debug, Clone)]
pub(crate) struct Contagion {
    cfg: Config,
    /// Each agent's running bias, clamped to [−0.5, 0.5]: reported in the
    /// event, never applied (the shift uses the raw delta).
    bias: Vec<f64>,
    /// Reused per epoch end: each agent's p values, and the agents in order
    /// of first appearance (the reference's dict order).
    ps: Vec<PySum>,
    order: Vec<usize>,
}

impl Contagion {
    pub fn new(cfg: &Config, n_parties: usize) -> Contagion {
        Contagion {
            cfg: cfg.clone(),
            bias: vec![0.0; n_parties],
            ps: vec![PySum::default(); n_parties],
            order: Vec::new(),
        }
    }

    fn add(&mut self, agent: usize, p: f64) {
        if self.ps[agent].mean().is_none() {
            self.order.push(agent);
        }
        self.ps[agent].add(p);
    }

    pub fn on_epoch_end(&mut self, ctx: &mut EpochEnd) {
        self.order.clear();
        for ix in ctx.interactions.epoch_interactions().filter(|i| i.accepted) {
            self.add(ix.initiator, ix.p);
            self.add(ix.counterparty, ix.p);
        }
        if self.order.is_empty() {
            return;
        }
        let (mut lo, mut hi, mut sum) = (0.0, 0.0, PySum::default());
        for (n, &agent) in self.order.iter().enumerate() {
            let avg = std::mem::take(&mut self.ps[agent]).mean().unwrap_or(0.0);
            let delta = self.cfg.gamma * (avg - self.cfg.neutral);
            let bias = py_max(-0.5, py_min(0.5, self.bias[agent] + delta));
            self.bias[agent] = bias;
            // A pseudo counterparty (no agent) has no memory to shift.
            if let Some(mind) = ctx.minds.get_mut(agent) {
                mind.shift_trust(delta);
            }
            (lo, hi) = if n == 0 {
                (bias, bias)
            } else {
                (py_min(lo, bias), py_max(hi, bias))
            };
            sum.add(bias);
        }
        if let Some(sink) = ctx.sink.as_deref_mut() {
            sink.event(&Event::QualityContagion {
                epoch: ctx.epoch,
                agents_updated: self.order.len(),
                bias_min: lo,
                bias_max: hi,
                bias_mean: sum.mean().unwrap_or(0.0),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{events, scenario};
    use crate::sim::agents::Mind;
    use crate::sim::Event;

    const AGGRESSIVE: &str =
        "dynamic_toxicity:\n  enabled: [quality_contagion]\n  quality_contagion: {gamma: 0.4, neutral: 0.5}\n";

    #[test]
    fn shift_clamps_and_keeps_absent_entries_absent() {
        let cfg = crate::scenario::AgentKind::Honest.default_config();
        let mut m = Mind::new(0, 3, &cfg, &mut crate::rng::PyRandom::new(1));
        m.record_outcome(crate::sim::agents::Outcome {
            other: 1,
            accepted: true,
            p: 0.752300132724292,
            payoff: 0.0,
            itype: crate::sim::agents::InteractionType::Collaboration,
        });
        // contagion_aggressive, epoch 0: honest_1's entry for honest_2.
        assert_eq!(m.trust(1), 0.5756900398172875);
        m.shift_trust(0.08739603750735997);
        assert_eq!(m.trust(1), 0.6630860773246474);
        assert_eq!(m.trust(2), 0.5, "no entry: untouched");
        m.shift_trust(1.0);
        assert_eq!(m.trust(1), 1.0);
        m.shift_trust(-3.0);
        assert_eq!(m.trust(1), 0.0);
        assert_eq!(m.trust(2), 0.5);
    }

    #[test]
    fn aggressive_file_epoch0_event_matches_the_reference() {
        // contagion_aggressive.yaml, seed 1: 9 agents updated at the end of epoch 0.
        let sc = scenario([6, 2, 2], AGGRESSIVE);
        let ev = events(&sc, 1);
        let want = Event::QualityContagion {
            epoch: 0,
            agents_updated: 9,
            bias_min: 0.06596822565093517,
            bias_max: 0.12015507712178608,
            bias_mean: 0.08592001426420101,
        };
        assert_eq!(ev[0], format!("{want:?}"));
    }
}
