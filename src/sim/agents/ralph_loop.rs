//! Ralph-loop agents (the reference's `RalphLoopAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.6): honest agents that
//! work one task of a queue per epoch. An outcome with `p` at the quality
//! gate completes the current task (too many failures abandon it); after
//! that the agent idles for the rest of the epoch, yet every later outcome
//! of the epoch is logged as another learning for the same task. Every few
//! epochs the learnings are consolidated into the success rate and quality
//! awareness that drift its interact probability and acceptance threshold
//! on each turn. Like rain, its trust memory is cleared at every epoch end.

use super::decide;
use super::honest::{self, Honest};
use super::{Action, AgentType, Base, EpochEnd, Hooks, InteractionType, Observation, Outcome};
use crate::metrics::PySum;
use crate::pyfloat::py_clamp;
use crate::rng::PyRandom;
use crate::scenario::coerce::{at_least, Rule, Ty};
use crate::scenario::schema::{modelled, Field, Role};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub acceptance_threshold: f64,
    pub trust_weight: f64,
    pub post_probability: f64,
    pub vote_probability: f64,
    pub interact_probability: f64,
    pub quality_gate_threshold: f64,
    /// Consolidation at the end of epochs `E > 0` with `E % interval == 0`
    /// (0 raises in the reference from epoch 1 on and stops that epoch's
    /// memory decay for the later agents: refused).
    pub consolidation_interval: i64,
    pub max_task_attempts: f64,
    pub learning_boost: f64,
    pub one_task_per_epoch: bool,
}

impl Default for Config {
    fn default() -> Self {
        let h = honest::Config::default();
        Config {
            acceptance_threshold: h.acceptance_threshold,
            trust_weight: h.trust_weight,
            post_probability: h.post_probability,
            vote_probability: h.vote_probability,
            interact_probability: h.interact_probability,
            quality_gate_threshold: 0.6,
            consolidation_interval: 5,
            max_task_attempts: 3.0,
            learning_boost: 0.05,
            one_task_per_epoch: true,
        }
    }
}

static FIELDS: &[Field<Config>] = decide::honest_fields![
    modelled!(quality_gate_threshold, Float, Rule::Any),
    modelled!(consolidation_interval, Int, at_least(1)),
    modelled!(max_task_attempts, Float, Rule::Any),
    modelled!(learning_boost, Float, Rule::Any),
    modelled!(one_task_per_epoch, Bool),
    Field {
        key: "tasks",
        ty: Ty::StrList,
        rule: Rule::Any,
        role: Role::Refused(
            "a custom task queue is not modelled by this engine (the reference's five default tasks are); refused",
        ),
        inert: None,
    },
];

/// The reference's default queue length (`_DEFAULT_TASKS`); tasks differ
/// only in name, which no decision reads.
const DEFAULT_TASKS: usize = 5;

#[derive(Debug, Clone, Copy, Default)]
struct Task {
    completed: bool,
    attempts: u32,
}

#[derive(Debug, Clone)]
pub struct RalphLoop {
    honest: Honest,
    quality_gate: f64,
    consolidation_interval: i64,
    max_attempts: f64,
    learning_boost: f64,
    one_task_per_epoch: bool,
    /// The queue in priority order.
    tasks: Vec<Task>,
    current: Option<usize>,
    completed_this_epoch: bool,
    /// The learnings as consolidation reads them: how many, how many
    /// successes, and the running (Python, in order) sum of their `p`.
    learnings: u64,
    successes: u64,
    success_p: PySum,
    success_rate: f64,
    quality_awareness: f64,
}

impl AgentType for RalphLoop {
    type Config = Config;
    const NAME: &'static str = "ralph_loop";
    const ARCHETYPE: Archetype = Archetype::Honest;
    const HOOKS: Hooks = Hooks {
        epoch_end: true,
        trust_rebuild: true,
        ..Hooks::NONE
    };

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, rng: &mut PyRandom) -> RalphLoop {
        let honest_cfg = honest::Config {
            acceptance_threshold: cfg.acceptance_threshold,
            trust_weight: cfg.trust_weight,
            post_probability: cfg.post_probability,
            vote_probability: cfg.vote_probability,
            interact_probability: cfg.interact_probability,
        };
        RalphLoop {
            honest: Honest::new(&honest_cfg, n_agents, rng),
            quality_gate: cfg.quality_gate_threshold,
            consolidation_interval: cfg.consolidation_interval,
            max_attempts: cfg.max_task_attempts,
            learning_boost: cfg.learning_boost,
            one_task_per_epoch: cfg.one_task_per_epoch,
            tasks: vec![Task::default(); DEFAULT_TASKS],
            current: None,
            completed_this_epoch: false,
            learnings: 0,
            successes: 0,
            success_p: PySum::default(),
            success_rate: 0.5,
            quality_awareness: 0.5,
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        if self.current.is_none() && !self.completed_this_epoch {
            self.current = self.tasks.iter().position(|t| !t.completed);
        }
        if self.one_task_per_epoch && self.completed_this_epoch {
            return Action::Noop;
        }
        self.apply_learning_boosts();
        self.honest.act(rng, base, obs)
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        self.honest.accept(rng, base, initiator, itype)
    }

    /// The quality gate. The completed task stays current until the epoch
    /// ends, so every later outcome adds a learning for it.
    fn record_outcome(&mut self, o: Outcome) {
        self.honest.record_outcome(o);
        let Some(i) = self.current else {
            return;
        };
        let task = &mut self.tasks[i];
        self.learnings += 1;
        if o.p >= self.quality_gate {
            task.completed = true;
            self.completed_this_epoch = true;
            self.successes += 1;
            self.success_p.add(o.p);
        } else {
            task.attempts += 1;
            if f64::from(task.attempts) >= self.max_attempts {
                task.completed = true; // abandoned
                self.completed_this_epoch = true;
            }
        }
    }

    /// `apply_memory_decay`: trust cleared, the epoch's task state reset,
    /// and the periodic consolidation.
    fn on_epoch_end(&mut self, base: &mut Base, end: &EpochEnd) {
        base.clear_trust();
        self.current = None;
        self.completed_this_epoch = false;
        let epoch = i64::from(end.epoch);
        if epoch > 0 && epoch % self.consolidation_interval == 0 && self.learnings > 0 {
            self.success_rate = self.successes as f64 / self.learnings as f64;
            if let Some(avg) = self.success_p.mean() {
                self.quality_awareness = avg;
            }
        }
    }
}

impl RalphLoop {
    fn apply_learning_boosts(&mut self) {
        let boost = (self.success_rate - 0.5) * self.learning_boost;
        let qa_boost = (self.quality_awareness - 0.5) * self.learning_boost;
        let cfg = self.honest.config_mut();
        cfg.interact_probability = py_clamp(0.1, 0.9, cfg.interact_probability + boost);
        cfg.acceptance_threshold = py_clamp(0.2, 0.8, cfg.acceptance_threshold + qa_boost);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(p: f64) -> Outcome {
        Outcome {
            other: 1,
            accepted: true,
            p,
            payoff: 0.0,
            itype: InteractionType::Collaboration,
        }
    }

    #[test]
    fn a_completed_task_keeps_collecting_learnings_until_the_epoch_ends() {
        let mut rng = PyRandom::new(1);
        let mut a = RalphLoop::new(&Config::default(), 3, &mut rng);
        // No turn yet: no current task, nothing recorded.
        a.record_outcome(outcome(0.9));
        assert_eq!(a.learnings, 0);
        a.current = Some(0);
        a.record_outcome(outcome(0.752300132724292));
        a.record_outcome(outcome(0.5));
        a.record_outcome(outcome(0.7));
        assert_eq!((a.learnings, a.successes), (3, 2));
        assert!(a.tasks[0].completed && a.completed_this_epoch);
        let mut base = Base::for_test(0, 3);
        for epoch in 0..5 {
            a.on_epoch_end(
                &mut base,
                &EpochEnd {
                    epoch,
                    peer_avg_payoff: 0.0,
                },
            );
            assert_eq!(a.success_rate, 0.5, "no consolidation before epoch 5");
        }
        a.on_epoch_end(
            &mut base,
            &EpochEnd {
                epoch: 5,
                peer_avg_payoff: 0.0,
            },
        );
        assert_eq!(a.success_rate, 2.0 / 3.0);
        assert_eq!(a.quality_awareness, (0.752300132724292 + 0.7) / 2.0);
        assert_eq!(a.current, None);
    }

    #[test]
    fn failures_abandon_the_task_at_max_attempts() {
        let mut rng = PyRandom::new(1);
        let mut a = RalphLoop::new(&Config::default(), 3, &mut rng);
        a.current = Some(0);
        a.record_outcome(outcome(0.1));
        a.record_outcome(outcome(0.1));
        assert!(!a.completed_this_epoch);
        a.record_outcome(outcome(0.1));
        assert!(a.tasks[0].completed && a.completed_this_epoch);
    }
}
