//! The resample lever (docs/model/adaptive-adversary-rlm.md §4; the reference's
//! "Ctrl-Z" protocol). Before an agent's action is executed, a suspicion
//! score from its live reputation (plus, optionally, the downward trend of
//! the p of its recent interactions) decides whether it acts again
//! `n_samples` times on the same observation; the majority action is
//! executed ([`Resample::select`], called by the run loop). A proposal made
//! on such a turn carries a [`ResampleNote`] to its interaction, which, when
//! finalized, costs compute, adds evidence, may cost reputation and may
//! freeze the initiator ([`Resample::on_interaction`]). The lever's own
//! `Random(seed)` is never drawn.

use std::collections::VecDeque;

use super::{Effect, GovInteraction};
use crate::pyfloat::{py_max, py_min};
use crate::scenario::GovernanceConfig;

/// What a resampled turn tells the lever about the proposal it made (the
/// reference's `resample_*` proposal metadata).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResampleNote {
    /// The executed action differs from the original one.
    pub blocked: bool,
    /// `max(0, min(1, 0.5 + reputation·0.5))` at the turn.
    pub p_proxy: f64,
    /// How many of the extra samples differ from the original action
    /// (their per-sample proxy is `min(1, p_proxy + 0.3)`, the others'
    /// `p_proxy`).
    pub divergent: u32,
}

#[derive(Debug, Clone)]
pub struct Resample {
    threshold: f64,
    n_samples: usize,
    /// The trend window, with trajectory analysis on.
    window: Option<usize>,
    incrimination: f64,
    compute_cost: f64,
    decay: f64,
    rep_weight: f64,
    /// Accumulated evidence per agent (0.0 = none).
    evidence: Vec<f64>,
    /// The p of each agent's last `window` initiated interactions.
    trajectory: Vec<VecDeque<f64>>,
}

impl Resample {
    /// The lever, when `resample_enabled`.
    pub fn new(cfg: &GovernanceConfig, n_agents: usize) -> Option<Resample> {
        if !cfg.resample_enabled {
            return None;
        }
        let window = cfg
            .resample_trajectory_analysis
            .then_some(cfg.resample_trajectory_window as usize);
        Some(Resample {
            threshold: cfg.resample_suspicion_threshold,
            n_samples: cfg.resample_n_samples as usize,
            window,
            incrimination: cfg.resample_incrimination_threshold,
            compute_cost: cfg.resample_compute_cost,
            decay: cfg.resample_evidence_decay,
            rep_weight: cfg.resample_evidence_rep_weight,
            evidence: vec![0.0; n_agents],
            trajectory: vec![VecDeque::with_capacity(window.unwrap_or(0)); n_agents],
        })
    }

    /// `compute_suspicion`: `1 − p`, raised by the negated least-squares
    /// slope of the agent's last `window` p values (at most by 0.2).
    fn suspicion(&self, p: f64, agent: usize) -> f64 {
        let mut s = 1.0 - p;
        let Some(w) = self.window else { return s };
        let recent = &self.trajectory[agent];
        if recent.len() < w {
            return s;
        }
        // Plain left-to-right sums from 0, as Python's sum(); (i − x̄) is a
        // multiple of 1/2, so its square is exact (the reference's `** 2`).
        let x_mean = (w - 1) as f64 / 2.0;
        let y_mean = recent.iter().fold(0.0, |acc, &y| acc + y) / w as f64;
        let (mut num, mut den) = (0.0, 0.0);
        for (i, &y) in recent.iter().enumerate() {
            let dx = i as f64 - x_mean;
            num += dx * (y - y_mean);
            den += dx * dx;
        }
        if den > 0.0 {
            let falling = -(num / den);
            let boost = py_min(0.2, py_max(0.0, falling));
            s = py_min(1.0, s + boost);
        }
        s
    }

    /// `_maybe_resample` for `agent`'s turn: when its suspicion reaches the
    /// threshold, `act` is called `n_samples` more times (each a full
    /// decision: draws and state changes), and the first action of the
    /// most frequent kind among the original and the samples is executed.
    /// `samples` is a reused buffer.
    /// Actions are told apart by `signature` (the reference's action
    /// signature).
    pub fn select<A: Copy, S: PartialEq>(
        &self,
        agent: usize,
        reputation: f64,
        original: A,
        samples: &mut Vec<A>,
        signature: impl Fn(&A) -> S,
        mut act: impl FnMut() -> A,
    ) -> (A, Option<ResampleNote>) {
        let p_proxy = py_max(0.0, py_min(1.0, 0.5 + reputation * 0.5));
        if self.suspicion(p_proxy, agent) < self.threshold {
            return (original, None);
        }
        samples.clear();
        samples.push(original);
        samples.extend((0..self.n_samples).map(|_| act()));
        let sigs: Vec<S> = samples.iter().map(&signature).collect();
        let selected = samples[majority(&sigs)];
        let divergent = sigs[1..].iter().filter(|&s| *s != sigs[0]).count() as u32;
        let note = ResampleNote {
            blocked: signature(&selected) != sigs[0],
            p_proxy,
            divergent,
        };
        (selected, Some(note))
    }

    /// Every finalized interaction (accepted or not): the initiator's
    /// trajectory gets its p; a resampled one costs `compute_cost · n`, adds
    /// `(k/n)·(1 − p)` evidence (k = suspicious per-sample proxies), costs
    /// `(−evidence)·rep_weight` reputation, and 0.1 more when blocked, and
    /// freezes the initiator once its evidence reaches the threshold.
    pub fn on_interaction(&mut self, ix: &GovInteraction, effect: &mut Effect) {
        let a = ix.initiator;
        if let Some(w) = self.window {
            let t = &mut self.trajectory[a];
            if t.len() == w {
                t.pop_front();
            }
            t.push_back(ix.p);
        }
        let Some(note) = ix.resample else { return };
        let n = self.n_samples;
        effect.cost_a += self.compute_cost * n as f64;
        let suspicious = |proxy: f64| usize::from(1.0 - proxy >= self.threshold);
        let divergent = note.divergent as usize;
        let k = (n - divergent) * suspicious(note.p_proxy)
            + divergent * suspicious(py_min(1.0, note.p_proxy + 0.3));
        let delta = (k as f64 / n as f64) * (1.0 - ix.p);
        self.evidence[a] += delta;
        let mut reputation = (delta > 0.0).then(|| -delta * self.rep_weight);
        if self.evidence[a] >= self.incrimination {
            effect.freeze.push(a);
        }
        if note.blocked {
            reputation = Some(reputation.unwrap_or(0.0) - 0.1);
        }
        if let Some(d) = reputation {
            effect.add_reputation(a, d);
        }
    }

    /// Evidence decays each epoch; below 1e-6 it is dropped.
    pub fn on_epoch_start(&mut self) {
        if self.decay < 1.0 {
            for ev in &mut self.evidence {
                *ev *= self.decay;
                if *ev < 1e-6 {
                    *ev = 0.0;
                }
            }
        }
    }
}

/// The index of the first sample of the most frequent kind (ties: the kind
/// seen first).
fn majority<A: PartialEq>(samples: &[A]) -> usize {
    let mut best = (0, 0);
    for (i, a) in samples.iter().enumerate() {
        let count = samples.iter().filter(|&b| b == a).count();
        // A repeat of an earlier kind has its count and a later index.
        if count > best.1 {
            best = (i, count);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lever(trajectory: bool) -> Resample {
        let cfg = GovernanceConfig {
            resample_enabled: true,
            resample_trajectory_analysis: trajectory,
            ..GovernanceConfig::default()
        };
        Resample::new(&cfg, 3).unwrap()
    }

    fn ix(p: f64, accepted: bool, resample: Option<ResampleNote>) -> GovInteraction {
        GovInteraction {
            accepted,
            resample,
            ..GovInteraction::of_p(p)
        }
    }

    #[test]
    fn majority_takes_the_most_frequent_kind_first_seen_on_ties() {
        assert_eq!(majority(&['a', 'b', 'c', 'b']), 1);
        assert_eq!(majority(&['a', 'b', 'b', 'a']), 0);
        assert_eq!(majority(&['a', 'b', 'c']), 0);
        assert_eq!(majority(&['a']), 0);
    }

    #[test]
    fn a_suspicious_turn_acts_again_and_keeps_the_majority() {
        let l = lever(false);
        let mut buf = Vec::new();
        // Reputation -0.2 gives p_proxy 0.4 and suspicion exactly 0.6.
        let mut next = ['x', 'z', 'x'].into_iter();
        let (a, note) = l.select(0, -0.2, 'y', &mut buf, |&c| c, || next.next().unwrap());
        assert_eq!(a, 'x');
        let note = note.unwrap();
        assert_eq!((note.blocked, note.p_proxy, note.divergent), (true, 0.4, 3));
        // A tie keeps the kind seen first: the original.
        let mut next = ['x', 'y', 'x'].into_iter();
        let (a, note) = l.select(0, -0.2, 'y', &mut buf, |&c| c, || next.next().unwrap());
        assert_eq!(
            (a, note.unwrap().blocked, note.unwrap().divergent),
            ('y', false, 2)
        );
        let (a, note) = l.select(0, -0.1, 'y', &mut buf, |&c| c, || unreachable!());
        assert_eq!((a, note), ('y', None));
    }

    #[test]
    fn evidence_cost_and_penalty_match_the_traced_interaction() {
        // resample_protocol seed 1, epoch 1 step 5 (docs/model/adaptive-adversary-rlm.md §4.4).
        let mut l = lever(true);
        let note = ResampleNote {
            blocked: false,
            p_proxy: 0.28208558693029784,
            divergent: 2,
        };
        let mut e = Effect::default();
        l.on_interaction(&ix(0.42937403917366646, false, Some(note)), &mut e);
        assert_eq!(e.cost_a, 0.03);
        assert_eq!(l.evidence[0], 0.19020865360877784);
        assert_eq!(e.reputation, vec![(0, -0.09510432680438892)]);
        assert!(e.freeze.is_empty());
        l.on_epoch_start();
        assert_eq!(l.evidence[0], 0.17118778824790007);
    }

    #[test]
    fn a_blocked_action_costs_a_tenth_of_reputation_even_without_evidence() {
        let mut l = lever(false);
        let note = ResampleNote {
            blocked: true,
            p_proxy: 0.37157864120827616,
            divergent: 2,
        };
        let mut e = Effect::default();
        l.on_interaction(&ix(0.4259372763582577, false, Some(note)), &mut e);
        // One suspicious proxy of three.
        let delta = (1.0 / 3.0) * (1.0 - 0.4259372763582577);
        assert_eq!(e.reputation, vec![(0, -delta * 0.5 - 0.1)]);
        let mut e = Effect::default();
        l.on_interaction(&ix(0.9, true, None), &mut e);
        assert!(e.is_empty());
    }

    #[test]
    fn a_falling_trajectory_raises_suspicion_by_at_most_a_fifth() {
        let mut l = lever(true);
        for p in [0.9, 0.7, 0.5, 0.3] {
            l.on_interaction(&ix(p, true, None), &mut Effect::default());
        }
        assert_eq!(l.suspicion(0.5, 0), 0.5);
        l.on_interaction(&ix(0.1, true, None), &mut Effect::default());
        // Slope -0.2 per interaction: a boost of 0.2.
        let s = l.suspicion(0.5, 0);
        assert!((s - 0.7).abs() < 1e-12, "{s}");
        for p in [0.1, 0.3, 0.5, 0.7, 0.9] {
            l.on_interaction(&ix(p, true, None), &mut Effect::default());
        }
        assert_eq!(l.suspicion(0.5, 0), 0.5);
    }

    #[test]
    fn the_lever_loads_sweeps_and_changes_a_run() {
        use crate::scenario::params::param_paths;
        use crate::scenario::{load_str, LoadOptions};
        let yaml = "agents:\n  - type: adversarial\n    count: 2\n  - type: honest\n    count: 2\ngovernance:\n  resample_enabled: true\n  resample_suspicion_threshold: 0.0\nsimulation:\n  n_epochs: 2\n  steps_per_epoch: 5\n";
        let s = load_str(yaml, "r.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        assert_eq!(s.fidelity(), "exact");
        assert!(param_paths(&s).contains(&"governance.resample_n_samples".to_string()));
        let mut off = s.clone();
        off.governance.resample_enabled = false;
        // Every turn is resampled: more draws, and every proposal costs.
        assert_ne!(
            crate::sim::run(&s, 1).epochs,
            crate::sim::run(&off, 1).epochs
        );
    }

    #[test]
    fn evidence_reaching_the_threshold_freezes() {
        let mut l = lever(false);
        l.evidence[0] = 1.9;
        let note = ResampleNote {
            blocked: false,
            p_proxy: 0.0,
            divergent: 0,
        };
        let mut e = Effect::default();
        l.on_interaction(&ix(0.5, true, Some(note)), &mut e);
        assert_eq!(e.freeze, vec![0]);
    }
}
