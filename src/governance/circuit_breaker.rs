//! Circuit breaker (docs/model/governance.md §3.5): per-initiator toxicity window
//! of the last 10 values of 1 − p; a violation each time the window mean
//! reaches the threshold; freeze after enough violations.

use std::collections::VecDeque;

use crate::scenario::GovernanceConfig;

const WINDOW: usize = 10;

#[derive(Debug, Clone)]
struct Tracker {
    violations: i64,
    freeze_until: i64,
    recent: VecDeque<f64>,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker {
            violations: 0,
            freeze_until: -1,
            recent: VecDeque::with_capacity(WINDOW + 1),
        }
    }
}

impl Tracker {
    /// Python 3.11 `sum(window) / len(window)`, oldest first.
    fn mean(&self) -> f64 {
        let mut it = self.recent.iter();
        let Some(&first) = it.next() else { return 0.0 };
        let sum = it.fold(first, |acc, &x| acc + x);
        sum / self.recent.len() as f64
    }
}

#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    trackers: Vec<Tracker>,
    /// Times an initiator was (re)frozen.
    pub triggers: u64,
}

impl CircuitBreaker {
    pub fn new(n_agents: usize) -> CircuitBreaker {
        CircuitBreaker {
            trackers: vec![Tracker::default(); n_agents],
            triggers: 0,
        }
    }

    /// Track an agent added mid-run (a spawned child).
    pub fn add_agent(&mut self) {
        self.trackers.push(Tracker::default());
    }

    /// Unfreeze every agent whose freeze has run out at `epoch`.
    pub fn on_epoch_start(&mut self, epoch: u32, unfreeze: &mut Vec<usize>) {
        for (agent, t) in self.trackers.iter_mut().enumerate() {
            if t.freeze_until >= 0 && epoch as i64 >= t.freeze_until {
                unfreeze.push(agent);
                t.freeze_until = -1;
                t.violations = 0;
            }
        }
    }

    /// Track one interaction of `initiator`; true when it must be frozen.
    pub fn on_interaction(
        &mut self,
        initiator: usize,
        p: f64,
        epoch: u32,
        cfg: &GovernanceConfig,
    ) -> bool {
        let t = &mut self.trackers[initiator];
        t.recent.push_back(1.0 - p);
        if t.recent.len() > WINDOW {
            t.recent.pop_front();
        }
        if t.mean() >= cfg.freeze_threshold_toxicity {
            t.violations += 1;
            if t.violations >= cfg.freeze_threshold_violations {
                t.freeze_until = epoch as i64 + cfg.freeze_duration_epochs;
                self.triggers += 1;
                return true;
            }
        }
        false
    }

    pub fn can_act(&self, agent: usize, epoch: u32) -> bool {
        let t = &self.trackers[agent];
        t.freeze_until < 0 || epoch as i64 >= t.freeze_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(thr: f64, violations: i64) -> GovernanceConfig {
        GovernanceConfig {
            circuit_breaker_enabled: true,
            freeze_threshold_toxicity: thr,
            freeze_threshold_violations: violations,
            freeze_duration_epochs: 2,
            ..GovernanceConfig::default()
        }
    }

    #[test]
    fn threshold_is_inclusive_at_the_boundary() {
        // 1 − 0.5 = 0.5 exactly.
        let mut cb = CircuitBreaker::new(1);
        assert!(cb.on_interaction(0, 0.5, 0, &cfg(0.5, 1)));
        let mut cb = CircuitBreaker::new(1);
        assert!(!cb.on_interaction(0, 0.5, 0, &cfg(0.5000001, 1)));
        let mut cb = CircuitBreaker::new(1);
        assert!(cb.on_interaction(0, 0.5, 0, &cfg(0.4999999, 1)));
    }

    #[test]
    fn violations_count_up_to_the_limit_and_freeze_lasts_until_epoch_plus_duration() {
        let c = cfg(0.6, 2);
        let mut cb = CircuitBreaker::new(1);
        assert!(!cb.on_interaction(0, 0.3, 3, &c));
        assert!(cb.on_interaction(0, 0.3, 3, &c));
        assert!(!cb.can_act(0, 3));
        assert!(!cb.can_act(0, 4));
        assert!(cb.can_act(0, 5));
        let mut un = Vec::new();
        cb.on_epoch_start(4, &mut un);
        assert!(un.is_empty());
        cb.on_epoch_start(5, &mut un);
        assert_eq!(un, vec![0]);
        assert!(cb.can_act(0, 5));
    }

    #[test]
    fn window_keeps_last_ten_values() {
        let c = cfg(0.5, 100);
        let mut cb = CircuitBreaker::new(1);
        for _ in 0..10 {
            cb.on_interaction(0, 0.0, 0, &c);
        }
        for _ in 0..10 {
            cb.on_interaction(0, 1.0, 0, &c);
        }
        assert_eq!(cb.trackers[0].mean(), 0.0);
    }
}
