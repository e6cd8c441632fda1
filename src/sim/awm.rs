//! The agent-world-model handler in its simulated (non-live) mode
//! (docs/model/tierra-awm-memory-negotiation-rivals.md Part A): at every
//! epoch start it deals `max_tasks_per_epoch` tasks round-robin over all
//! registered agents; an agent with a task hands in its planned tool calls,
//! which the handler executes and verifies with draws on its own stream
//! (`Random(S)`, the simulation seed), and the episode becomes an accepted
//! collaboration of the agent with itself.

use super::observables::Observables;
use crate::rng::PyRandom;

/// The `awm:` section (the reference's `AWMConfig`): the settings the
/// simulated path reads. The live-server, LLM and shared-database keys are
/// validated by the loader; what would change results is refused there.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Informational: once the section builds the handler, the reference
    /// never reads it again.
    pub enabled: bool,
    /// Only in task texts and events.
    pub environment_id: String,
    pub max_steps_per_task: i64,
    pub max_tasks_per_epoch: i64,
    pub error_weight: f64,
    pub misuse_weight: f64,
    /// Only in the episode's metadata (`soft_p`).
    pub verification_confidence: f64,
    /// Validated, drawn against only with a shared database (refused).
    pub conflict_probability: f64,
    /// Inert: the handler draws on the simulation seed's stream.
    pub seed: Option<i64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            enabled: true,
            environment_id: "ecommerce_001".to_string(),
            max_steps_per_task: 20,
            max_tasks_per_epoch: 5,
            error_weight: 1.0,
            misuse_weight: 1.0,
            verification_confidence: 0.8,
            conflict_probability: 0.3,
            seed: None,
        }
    }
}

/// The number of tool names in the default tool list (`query_database`,
/// `update_record`, `create_record`, `delete_record`, `list_tables`), the
/// list every simulated task offers.
pub const N_TOOLS: usize = 5;

/// How many planned calls a plan records one by one: the handler executes
/// at most `max_steps_per_task` of them, and the loader refuses a scenario
/// where both that and a planned count exceed this.
pub const MAX_RECORDED_CALLS: u32 = 64;

/// What an `awm_agent` hands the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwmAction {
    /// AWM_EXECUTE_TASK: `calls` planned tool calls; bit `i` of `malformed`
    /// marks call `i` as a call of a tool that does not exist (the handler
    /// draws for every other call). Which valid tool a call names changes
    /// nothing without a shared database.
    Execute { calls: u32, malformed: u64 },
    /// AWM_FINISH_TASK (step mode): end the episode with the calls made so
    /// far (none, since the reference's observation never shows an active
    /// episode).
    Finish,
}

/// One agent's episode of the current epoch.
#[derive(Debug, Clone, Copy, Default)]
struct Trace {
    steps_used: i64,
    errors: i64,
    malformed: i64,
}

/// The finished episode, for the run loop to finalize.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Episode {
    pub observables: Observables,
    pub verified: bool,
    pub steps_used: i64,
}

#[derive(Debug, Clone)]
pub struct Awm {
    cfg: Config,
    rng: PyRandom,
    /// Each agent's assigned task and open trace (an assignment and its
    /// trace come and go together in batch mode).
    traces: Vec<Option<Trace>>,
}

impl Awm {
    /// The handler for `n_agents` agents, drawing on `rng` (a fresh
    /// `Random(S)`).
    pub fn new(cfg: &Config, n_agents: usize, rng: PyRandom) -> Awm {
        Awm {
            cfg: cfg.clone(),
            rng,
            traces: vec![None; n_agents],
        }
    }

    /// `awm_task` of `agent`'s observation is set.
    pub fn has_task(&self, agent: usize) -> bool {
        self.traces[agent].is_some()
    }

    /// Deal the epoch's tasks: task `i` to agent `i mod n` (a later task
    /// for the same agent replaces the earlier one). No draw.
    pub fn on_epoch_start(&mut self) {
        self.traces.iter_mut().for_each(|t| *t = None);
        let n = self.traces.len();
        if n == 0 {
            return;
        }
        for i in 0..self.cfg.max_tasks_per_epoch.max(0) as usize {
            self.traces[i % n] = Some(Trace::default());
        }
    }

    /// Unfinished episodes fail silently (no interaction, no draw).
    pub fn on_epoch_end(&mut self) {
        self.traces.iter_mut().for_each(|t| *t = None);
    }

    /// Execute `agent`'s action; `None` when it fails (no task, or no step
    /// left), which finalizes nothing.
    pub fn handle(&mut self, agent: usize, action: AwmAction) -> Option<Episode> {
        let mut trace = self.traces[agent]?;
        let max_steps = self.cfg.max_steps_per_task;
        if let AwmAction::Execute { calls, malformed } = action {
            if trace.steps_used >= max_steps {
                return None;
            }
            for i in 0..calls {
                // Calls past the recorded ones are never reached (loader).
                if i < MAX_RECORDED_CALLS && malformed >> i & 1 == 1 {
                    trace.malformed += 1;
                    trace.errors += 1;
                } else if self.rng.random() >= 0.85 {
                    trace.errors += 1;
                }
                trace.steps_used += 1;
                if trace.steps_used >= max_steps {
                    break;
                }
            }
        }
        self.traces[agent] = None;
        let verified = self.verify(&trace);
        Some(Episode {
            observables: self.observables(&trace, verified),
            verified,
            steps_used: trace.steps_used,
        })
    }

    /// The simulated verification: fewer errors and malformed calls pass
    /// more often; an episode without calls fails without a draw.
    fn verify(&mut self, t: &Trace) -> bool {
        if t.steps_used == 0 {
            return false;
        }
        let calls = t.steps_used as f64;
        let error_ratio = t.errors as f64 / calls;
        let malformed_ratio = t.malformed as f64 / calls;
        let x = 0.8 - error_ratio - malformed_ratio * 1.5;
        // Python's max(0.0, x): 0.0 unless x is greater.
        let prob = if x > 0.0 { x } else { 0.0 };
        self.rng.random() < prob
    }

    /// The observable mapping of a finished trace.
    fn observables(&self, t: &Trace, verified: bool) -> Observables {
        let max_steps = self.cfg.max_steps_per_task;
        let efficiency = if max_steps > 0 {
            1.0 - t.steps_used as f64 / max_steps as f64
        } else {
            0.0
        };
        Observables {
            task_progress: if verified { 1.0 } else { -0.5 },
            rework_count: (t.errors as f64 * self.cfg.error_weight) as i64,
            verifier_rejections: i64::from(!verified),
            tool_misuse_flags: (t.malformed as f64 * self.cfg.misuse_weight) as i64,
            engagement: efficiency.clamp(-1.0, 1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::observables::{soft_label, v_hat, SIGMOID_K};

    fn demo() -> Config {
        Config {
            max_steps_per_task: 15,
            max_tasks_per_epoch: 4,
            ..Config::default()
        }
    }

    /// awm_demo.yaml, seed 1, epoch 0: awm_agent_1's eight valid calls all
    /// succeed, verification passes (doc §7.3).
    #[test]
    fn first_episode_of_awm_demo_matches_the_reference() {
        let mut h = Awm::new(&demo(), 4, PyRandom::new(1));
        h.on_epoch_start();
        assert!((0..4).all(|a| h.has_task(a)));
        let ep = h
            .handle(
                0,
                AwmAction::Execute {
                    calls: 8,
                    malformed: 0,
                },
            )
            .unwrap();
        assert!(ep.verified);
        assert!(!h.has_task(0));
        let v = v_hat(&ep.observables);
        assert_eq!(v, 0.8933333333333334);
        assert_eq!(soft_label(v, SIGMOID_K), 0.8565181136966128);
        // A second action in the same epoch fails.
        assert!(h.handle(0, AwmAction::Finish).is_none());
    }

    #[test]
    fn an_episode_without_calls_fails_without_a_draw() {
        let mut h = Awm::new(&demo(), 1, PyRandom::new(1));
        h.on_epoch_start();
        let ep = h.handle(0, AwmAction::Finish).unwrap();
        assert!(!ep.verified);
        assert_eq!(
            ep.observables,
            Observables {
                task_progress: -0.5,
                rework_count: 0,
                verifier_rejections: 1,
                tool_misuse_flags: 0,
                engagement: 1.0,
            }
        );
        assert_eq!(h.rng.random(), PyRandom::new(1).random());
    }

    #[test]
    fn execution_stops_at_the_step_limit() {
        let cfg = Config {
            max_steps_per_task: 3,
            ..demo()
        };
        let mut h = Awm::new(&cfg, 1, PyRandom::new(7));
        h.on_epoch_start();
        let ep = h
            .handle(
                0,
                AwmAction::Execute {
                    calls: 10,
                    malformed: 0b10,
                },
            )
            .unwrap();
        assert_eq!(ep.steps_used, 3);
        assert_eq!(ep.observables.tool_misuse_flags, 1);
        assert_eq!(ep.observables.engagement, 0.0);
    }
}
