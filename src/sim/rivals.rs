//! The team-of-rivals handler (docs/model/tierra-awm-memory-negotiation-rivals.md
//! Part R): each epoch it samples tasks and assigns one agent per pipeline
//! role; producers make artifacts for the code, chart and write stages,
//! critics pass or veto them, a veto sends the stage back to its producer
//! until the retry limit fails the episode. Every produce and review is an
//! accepted collaboration of the agent with itself, with fixed observables.
//! All draws are on the handler's own stream, `Random(rivals.seed)`.

use super::agents::AgentConfig;
use super::observables::Observables;
use crate::rng::PyRandom;

/// The ablation modes (`RivalsMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    SingleAgent,
    Advisory,
    Council,
    TeamOfRivals,
}

impl Mode {
    pub const NAMES: &'static [&'static str] =
        &["single_agent", "advisory", "council", "team_of_rivals"];
    const ALL: [Mode; 4] = [
        Mode::SingleAgent,
        Mode::Advisory,
        Mode::Council,
        Mode::TeamOfRivals,
    ];

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Mode::ALL[i])
    }

    pub fn as_str(self) -> &'static str {
        Mode::NAMES[self as usize]
    }
}

/// The `rivals:` section (the reference's `RivalsConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Informational: once the section builds the handler, the reference
    /// never reads it again.
    pub enabled: bool,
    pub mode: Mode,
    pub max_retries_per_stage: i64,
    pub tasks_per_epoch: i64,
    /// Read, never used by the reference.
    pub trap_probability: f64,
    /// Seeds the handler's stream; `None` (OS entropy) is refused by the loader.
    pub seed: Option<i64>,
    /// Used only for actions without the agent's own values, which the
    /// modelled agent types always send.
    pub default_detection_rate: f64,
    pub default_false_positive_rate: f64,
    pub default_quality_level: f64,
    pub default_trap_awareness: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            enabled: true,
            mode: Mode::TeamOfRivals,
            max_retries_per_stage: 3,
            tasks_per_epoch: 4,
            trap_probability: 0.5,
            seed: None,
            default_detection_rate: 0.7,
            default_false_positive_rate: 0.1,
            default_quality_level: 0.7,
            default_trap_awareness: 0.5,
        }
    }
}

/// A pipeline role, by the agent's `role` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Coder,
    ChartMaker,
    Writer,
    CriticCode,
    CriticChart,
    CriticOutput,
}

impl Role {
    const NAMES: [&'static str; 6] = [
        "coder",
        "chart_maker",
        "writer",
        "critic_code",
        "critic_chart",
        "critic_output",
    ];
    const ALL: [Role; 6] = [
        Role::Coder,
        Role::ChartMaker,
        Role::Writer,
        Role::CriticCode,
        Role::CriticChart,
        Role::CriticOutput,
    ];

    /// A role the handler assigns; any other string is never assigned.
    pub fn parse(s: &str) -> Option<Role> {
        Role::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Role::ALL[i])
    }

    fn is_producer(self) -> bool {
        (self as usize) < 3
    }
}

/// Each agent's registered role, from its settings (every agent with a
/// `role` attribute registers it: the two rivals types).
pub fn roles(configs: &[&AgentConfig]) -> Vec<Option<Role>> {
    configs.iter().map(|c| member(c).role).collect()
}

/// What the handler knows of an agent: its role and the two values its
/// actions carry (a producer's quality level and trap awareness, a
/// critic's detection and false-positive rates). They are the agent's
/// fixed settings, so the handler holds them and actions stay small.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    role: Option<Role>,
    values: (f64, f64),
}

fn member(config: &AgentConfig) -> Member {
    match config {
        AgentConfig::RivalsProducer(c) => Member {
            role: Role::parse(&c.role),
            values: (c.quality_level, c.trap_awareness),
        },
        AgentConfig::RivalsCritic(c) => Member {
            role: Role::parse(&c.role),
            values: (c.detection_rate, c.false_positive_rate),
        },
        _ => Member {
            role: None,
            values: (0.0, 0.0),
        },
    }
}

/// The handler's view of every agent, in registration order.
pub fn members(configs: &[&AgentConfig]) -> Vec<Member> {
    configs.iter().map(|c| member(c)).collect()
}

/// The pipeline stages; an episode's stage indexes its producer (`Role`
/// 0-2) and critic (`Role` 3-5).
const STAGES: usize = 3;

/// The trap-list length of each catalog task, in catalog order (recon,
/// trend, kpi, anomaly; four each). Only their number changes results.
const CATALOG_TRAPS: [u8; 16] = [1, 2, 1, 2, 1, 2, 2, 1, 1, 2, 1, 2, 1, 2, 1, 2];

/// What a rivals agent hands the handler (its settings ride along in the
/// reference; the handler holds them here, see [`Member`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RivalsAction {
    /// RIVALS_PRODUCE.
    Produce,
    /// RIVALS_REVIEW.
    Review,
}

/// The handler's fixed observables of a produce or a passed review, and of
/// a veto.
const PASS: Observables = Observables {
    task_progress: 0.3,
    rework_count: 0,
    verifier_rejections: 0,
    tool_misuse_flags: 0,
    engagement: 0.2,
};
const VETO: Observables = Observables {
    task_progress: -0.2,
    rework_count: 1,
    verifier_rejections: 1,
    tool_misuse_flags: 0,
    engagement: -0.1,
};

#[derive(Debug, Clone)]
struct Episode {
    traps: u8,
    /// 0-2 while running (code, chart, write).
    stage: usize,
    retries: [i64; STAGES],
    /// Each stage's latest artifact quality.
    artifacts: [Option<f64>; STAGES],
    /// The agent assigned to each role.
    assigned: [Option<usize>; 6],
}

#[derive(Debug, Clone)]
pub struct Rivals {
    cfg: Config,
    rng: PyRandom,
    /// Each agent's registered role.
    roles: Vec<Option<Role>>,
    /// Each agent's action values ([`Member`]).
    values: Vec<(f64, f64)>,
    /// The epoch's episodes; `None` once scored or failed (removed).
    episodes: Vec<Option<Episode>>,
    /// Per agent: the episode it is to produce for / review next.
    pending_produce: Vec<Option<usize>>,
    pending_review: Vec<Option<usize>>,
}

/// What the rivals handler shows an agent (`rivals_assignments`): whether
/// it has a produce and a review entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Assignments {
    pub produce: bool,
    pub review: bool,
}

impl Rivals {
    /// The handler; `members[i]` is what it knows of agent `i` (no role
    /// for agents without one, or with a role the handler never assigns).
    pub fn new(cfg: &Config, members: &[Member]) -> Rivals {
        let n = members.len();
        Rivals {
            rng: PyRandom::new(i128::from(cfg.seed.unwrap_or(0))),
            cfg: cfg.clone(),
            roles: members.iter().map(|m| m.role).collect(),
            values: members.iter().map(|m| m.values).collect(),
            episodes: Vec::new(),
            pending_produce: vec![None; n],
            pending_review: vec![None; n],
        }
    }

    fn live(&self, pending: Option<usize>) -> bool {
        pending.is_some_and(|e| self.episodes[e].is_some())
    }

    pub fn assignments(&self, agent: usize) -> Assignments {
        Assignments {
            produce: self.live(self.pending_produce[agent]),
            review: self.live(self.pending_review[agent]),
        }
    }

    /// Sample the epoch's tasks, assign roles and queue each episode's
    /// coder (a later episode replaces an earlier one in the queue).
    pub fn on_epoch_start(&mut self) {
        self.episodes.clear();
        self.pending_produce.iter_mut().for_each(|p| *p = None);
        self.pending_review.iter_mut().for_each(|p| *p = None);
        let n_tasks = self.cfg.tasks_per_epoch.max(0) as usize;
        let tasks: Vec<u8> = (0..n_tasks)
            .map(|_| CATALOG_TRAPS[self.rng.choice_index(CATALOG_TRAPS.len())])
            .collect();
        let producers: Vec<usize> = (0..self.roles.len())
            .filter(|&a| self.roles[a].is_some_and(Role::is_producer))
            .collect();
        for traps in tasks {
            let mut assigned = [None; 6];
            if self.cfg.mode == Mode::SingleAgent {
                if !producers.is_empty() {
                    let a = producers[self.rng.choice_index(producers.len())];
                    assigned = [Some(a); 6];
                }
            } else {
                // The reference iterates Python sets of role names; the
                // loader refuses two agents sharing a role, so every
                // `choice` is over one candidate and the order of the
                // roles changes no draw.
                for (r, slot) in assigned.iter_mut().enumerate() {
                    let candidates: Vec<usize> = (0..self.roles.len())
                        .filter(|&a| self.roles[a] == Some(Role::ALL[r]))
                        .collect();
                    if !candidates.is_empty() {
                        *slot = Some(candidates[self.rng.choice_index(candidates.len())]);
                    }
                }
            }
            let id = self.episodes.len();
            if let Some(coder) = assigned[Role::Coder as usize] {
                self.pending_produce[coder] = Some(id);
            }
            self.episodes.push(Some(Episode {
                traps,
                stage: 0,
                retries: [0; STAGES],
                artifacts: [None; STAGES],
                assigned,
            }));
        }
    }

    /// Unfinished episodes fail; nothing draws.
    pub fn on_epoch_end(&mut self) {
        self.episodes.clear();
        self.pending_produce.iter_mut().for_each(|p| *p = None);
        self.pending_review.iter_mut().for_each(|p| *p = None);
    }

    /// Handle `agent`'s action: the observables of its self-interaction,
    /// or `None` when it fails (nothing pending, or the episode is gone).
    pub fn handle(&mut self, agent: usize, action: RivalsAction) -> Option<Observables> {
        let (a, b) = self.values[agent];
        match action {
            RivalsAction::Produce => self.produce(agent, a, b),
            RivalsAction::Review => self.review(agent, a, b),
        }
    }

    fn produce(&mut self, agent: usize, ql: f64, ta: f64) -> Option<Observables> {
        let id = self.pending_produce[agent].take()?;
        let ep = self.episodes[id].as_mut()?;
        let base = ql + self.rng.gauss(0.0, 0.1);
        let mut penalty = 0.0;
        for _ in 0..ep.traps {
            if self.rng.random() > ta {
                penalty += 0.15;
            }
        }
        let x = base - penalty;
        // Python's max(0.0, min(1.0, x)).
        let capped = if x < 1.0 { x } else { 1.0 };
        let quality = if capped > 0.0 { capped } else { 0.0 };
        ep.artifacts[ep.stage] = Some(quality);
        if self.cfg.mode == Mode::SingleAgent {
            self.advance(id);
        } else if let Some(critic) = ep.assigned[STAGES + ep.stage] {
            self.pending_review[critic] = Some(id);
        }
        Some(PASS)
    }

    fn review(&mut self, agent: usize, detection: f64, false_positive: f64) -> Option<Observables> {
        let id = self.pending_review[agent].take()?;
        let ep = self.episodes[id].as_mut()?;
        let quality = ep.artifacts[ep.stage].unwrap_or(0.5);
        let defect = quality < 0.6;
        let r = self.rng.random();
        let mut vetoed = if defect {
            r < detection
        } else {
            r < false_positive
        };
        match self.cfg.mode {
            Mode::Advisory => vetoed = false,
            Mode::Council => {
                let votes = (0..3).filter(|_| self.rng.random() < detection).count();
                vetoed = defect && votes >= 2;
            }
            Mode::SingleAgent | Mode::TeamOfRivals => {}
        }
        if !vetoed {
            self.advance(id);
            return Some(PASS);
        }
        ep.retries[ep.stage] += 1;
        if ep.retries[ep.stage] >= self.cfg.max_retries_per_stage {
            self.episodes[id] = None;
        } else if let Some(producer) = ep.assigned[ep.stage] {
            self.pending_produce[producer] = Some(id);
        }
        Some(VETO)
    }

    /// The next stage and its producer, or, after the last, the score
    /// (reported nowhere) and the episode's removal.
    fn advance(&mut self, id: usize) {
        let Some(ep) = self.episodes[id].as_mut() else {
            return;
        };
        if ep.stage + 1 >= STAGES {
            self.episodes[id] = None;
            return;
        }
        ep.stage += 1;
        if let Some(producer) = ep.assigned[ep.stage] {
            self.pending_produce[producer] = Some(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::observables::{soft_label, v_hat, SIGMOID_K};

    /// team_of_rivals.yaml's six agents.
    fn team() -> Rivals {
        let cfg = Config {
            seed: Some(42),
            ..Config::default()
        };
        let values = [
            (0.75, 0.6),
            (0.70, 0.5),
            (0.80, 0.55),
            (0.75, 0.10),
            (0.70, 0.12),
            (0.80, 0.08),
        ];
        let members: Vec<Member> = Role::ALL
            .iter()
            .zip(values)
            .map(|(&r, values)| Member {
                role: Some(r),
                values,
            })
            .collect();
        Rivals::new(&cfg, &members)
    }

    const PRODUCE: RivalsAction = RivalsAction::Produce;
    const REVIEW: RivalsAction = RivalsAction::Review;

    #[test]
    fn fixed_observables_give_the_traced_labels() {
        assert_eq!(soft_label(v_hat(&PASS), SIGMOID_K), 0.7539887164489482);
        assert_eq!(soft_label(v_hat(&VETO), SIGMOID_K), 0.45016600268752216);
    }

    /// team_of_rivals.yaml, epoch 0 (doc §7.3): only the last task
    /// (trend_04, one trap) runs; coder pass; chart veto, veto, pass.
    #[test]
    fn first_epoch_of_team_of_rivals_matches_the_reference() {
        let mut h = team();
        h.on_epoch_start();
        assert_eq!(h.episodes.len(), 4);
        assert!(h.assignments(0).produce);
        assert_eq!(h.pending_produce[0], Some(3));
        assert_eq!(h.handle(0, PRODUCE), Some(PASS));
        assert!(h.assignments(3).review);
        assert_eq!(h.handle(3, REVIEW), Some(PASS));
        assert!(h.assignments(1).produce);
        assert_eq!(h.handle(1, PRODUCE), Some(PASS));
        assert_eq!(h.handle(4, REVIEW), Some(VETO));
        assert_eq!(h.handle(1, PRODUCE), Some(PASS));
        // Quality 0.5000...: a defect, detected.
        assert!(h.episodes[3].as_ref().unwrap().artifacts[1].unwrap() < 0.6);
        assert_eq!(h.handle(4, REVIEW), Some(VETO));
        assert_eq!(h.handle(1, PRODUCE), Some(PASS));
        assert_eq!(h.handle(4, REVIEW), Some(PASS));
        assert!(h.assignments(2).produce);
        // Nothing pending: the action fails.
        assert_eq!(h.handle(0, PRODUCE), None);
    }
}
