//! The memory-tier handler and its store
//! (docs/model/tierra-awm-memory-negotiation-rivals.md Part M): a shared
//! three-tier memory seeded with entries at build time, a compaction gate
//! drawn at every observation build, and writes that become accepted
//! collaborations with the pseudo counterparty `memory_system`.
//!
//! Only writes ever happen (§M.4): an entry is offered for verification or
//! promotion only once someone has verified it, and challenged only once
//! someone has challenged it, and agents verify, promote and challenge only
//! entries from those lists. No entry is ever verified, promoted, challenged
//! or reverted, so the store keeps what writes, compaction and the hot cache
//! read, and the agents' rules reduce to their write branches.
//!
//! Two streams, both `Random(memory_tiers.seed)` and independent of the
//! simulation seed: the store's (seeding, at build time only) and the
//! handler's (compaction gates and write qualities).

use super::events::Event;
use super::observables::Observables;
use crate::rng::PyRandom;
use crate::scenario::Archetype;

/// The `memory_tiers:` section (the reference's `MemoryTierConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Informational: once the section builds the handler, the reference
    /// never reads it again.
    pub enabled: bool,
    pub initial_entries: i64,
    pub hot_cache_size: i64,
    /// The per-observation chance that the observer's unverified ephemeral
    /// entries are lost.
    pub compaction_probability: f64,
    /// Seeds both streams; `None` is OS entropy in the reference (refused
    /// by the loader where it matters).
    pub seed: Option<i64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            enabled: true,
            initial_entries: 100,
            hot_cache_size: 20,
            compaction_probability: 0.05,
            seed: None,
        }
    }
}

/// The reference's `memory_writes_remaining` cap: a literal, whatever the
/// write-rate lever's own cap.
const WRITES_PER_EPOCH: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Ephemeral,
    Structured,
    Graph,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Ephemeral => "ephemeral",
            Tier::Structured => "structured",
            Tier::Graph => "graph",
        }
    }
}

/// Who wrote an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Author {
    /// The build-time seeding (`"seed"`).
    Seed,
    Agent(usize),
}

/// One stored fact. Every entry stays ACTIVE and unverified (see the
/// module note), so neither status nor verifiers are kept.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    author: Author,
    tier: Tier,
    quality: f64,
}

/// A write the handler recorded: the interaction to finalize and its event
/// (emitted before the finalization's).
pub struct Written {
    pub observables: Observables,
    pub event: Event<'static>,
}

#[derive(Debug, Clone)]
pub struct Memory {
    /// The handler's stream: compaction gates and write qualities.
    rng: PyRandom,
    compaction_probability: f64,
    hot_cache_size: usize,
    /// Insertion order (the reference's dict).
    entries: Vec<Entry>,
    /// Writes per agent this epoch (the store's, never reduced by
    /// compaction).
    writes: Vec<u32>,
    /// Run-wide entry numbers (the reference's ids are uuid4 values that
    /// nothing orders or draws by).
    next_entry: u64,
}

impl Memory {
    /// The handler of a run with `n_agents` agents: the store seeded on its
    /// own stream (two draws per entry), the handler's stream fresh.
    pub fn new(cfg: &Config, n_agents: usize) -> Memory {
        let seed = i128::from(cfg.seed.unwrap_or(0));
        let mut store_rng = PyRandom::new(seed);
        let n = usize::try_from(cfg.initial_entries).unwrap_or(0);
        let entries = (0..n)
            .map(|_| {
                let quality = store_rng.uniform(0.5, 0.9);
                let r = store_rng.random();
                let tier = if r < 0.5 {
                    Tier::Ephemeral
                } else if r < 0.8 {
                    Tier::Structured
                } else {
                    Tier::Graph
                };
                Entry {
                    author: Author::Seed,
                    tier,
                    quality,
                }
            })
            .collect();
        Memory {
            rng: PyRandom::new(seed),
            compaction_probability: cfg.compaction_probability,
            hot_cache_size: usize::try_from(cfg.hot_cache_size).unwrap_or(0),
            entries,
            writes: vec![0; n_agents],
            next_entry: n as u64,
        }
    }

    /// The hot cache's size: the best GRAPH entries, at most
    /// `hot_cache_size` (every entry is active; which ones are in it is
    /// never read).
    fn hot_cache_len(&self) -> usize {
        let graph = self.entries.iter().filter(|e| e.tier == Tier::Graph);
        graph.count().min(self.hot_cache_size)
    }

    /// `on_epoch_start`: write counts cleared, hot cache rebuilt; its event.
    pub fn on_epoch_start(&mut self, epoch: u32, step: u32) -> Event<'static> {
        self.writes.iter_mut().for_each(|w| *w = 0);
        Event::MemoryCacheRebuilt {
            cache_size: self.hot_cache_len(),
            epoch,
            step,
        }
    }

    /// `on_pre_observation`, at every observation build for `agent`: one
    /// gate draw; below the compaction probability, the agent's ephemeral
    /// entries (all unverified) are lost. Returns how many, if any.
    pub fn pre_observation(&mut self, agent: usize) -> Option<usize> {
        if self.rng.random() >= self.compaction_probability {
            return None;
        }
        let before = self.entries.len();
        self.entries
            .retain(|e| !(e.author == Author::Agent(agent) && e.tier == Tier::Ephemeral));
        Some(before - self.entries.len()).filter(|&lost| lost > 0)
    }

    /// `memory_writes_remaining` in `agent`'s observation.
    pub fn writes_remaining(&self, agent: usize) -> u32 {
        WRITES_PER_EPOCH.saturating_sub(self.writes[agent])
    }

    /// WRITE_MEMORY by `agent` (reported archetype `archetype`): the
    /// quality draws, the new ephemeral entry, the observables.
    pub fn write(&mut self, agent: usize, archetype: Archetype, epoch: u32, step: u32) -> Written {
        let (quality, poisoned) = self.quality_for(archetype);
        self.entries.push(Entry {
            author: Author::Agent(agent),
            tier: Tier::Ephemeral,
            quality: quality.clamp(0.0, 1.0),
        });
        self.writes[agent] += 1;
        let entry = self.next_entry;
        self.next_entry += 1;
        Written {
            observables: write_observables(quality, poisoned, archetype),
            event: Event::MemoryWritten {
                agent,
                entry,
                tier: Tier::Ephemeral.as_str(),
                quality,
                epoch,
                step,
            },
        }
    }

    /// `_quality_for_agent`: (quality, poisoned) by the writer's type, on
    /// the handler's stream (the poison test before the quality).
    fn quality_for(&mut self, archetype: Archetype) -> (f64, bool) {
        let rng = &mut self.rng;
        match archetype {
            Archetype::Adversarial => (rng.uniform(0.3, 0.6), true),
            Archetype::Deceptive => {
                let poisoned = rng.random() < 0.6;
                (rng.uniform(0.4, 0.7), poisoned)
            }
            Archetype::Opportunistic => {
                let poisoned = rng.random() < 0.15;
                (rng.uniform(0.4, 0.65), poisoned)
            }
            _ => (rng.uniform(0.6, 0.9), false),
        }
    }

    /// Entries in the store (tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// `_write_outcome` mapped to observables (the unclamped quality).
fn write_observables(quality: f64, poisoned: bool, archetype: Archetype) -> Observables {
    let (task_progress, misuse, engagement) = if poisoned && archetype == Archetype::Adversarial {
        (-0.3, 1, -0.2)
    } else if poisoned {
        (0.1, 0, 0.05)
    } else {
        let progress = quality - 0.3;
        let engagement = quality - 0.4;
        (
            if progress > 0.1 { progress } else { 0.1 },
            0,
            if engagement > 0.0 { engagement } else { 0.0 },
        )
    };
    Observables {
        task_progress,
        rework_count: 0,
        verifier_rejections: 0,
        tool_misuse_flags: misuse,
        engagement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::observables::{soft_label, v_hat, SIGMOID_K};

    fn library() -> Memory {
        let cfg = Config {
            seed: Some(42),
            ..Config::default()
        };
        Memory::new(&cfg, 9)
    }

    /// memory_tiers.yaml, seed 1, epoch 0 step 0 (spec §7.3): the gates and
    /// quality draws of the handler stream, Random(42).
    #[test]
    fn handler_draws_match_the_reference_trace() {
        let mut m = library();
        assert_eq!(m.len(), 100);
        // recorder_1: gate 0.6394…, no write.
        assert_eq!(m.pre_observation(0), None);
        // recorder_2: gate 0.0250… < 0.05, but nothing of its own to lose.
        assert_eq!(m.pre_observation(1), None);
        let w = m.write(1, Archetype::Honest, 0, 0);
        assert_eq!(
            w.event,
            Event::MemoryWritten {
                agent: 1,
                entry: 100,
                tier: "ephemeral",
                quality: 0.6825087955107357,
                epoch: 0,
                step: 0
            }
        );
        assert_eq!(m.pre_observation(2), None);
        m.write(2, Archetype::Honest, 0, 0);
        assert_eq!(m.pre_observation(3), None);
        assert_eq!(m.pre_observation(4), None);
        let poisoner = m.write(4, Archetype::Adversarial, 0, 0);
        let p = soft_label(v_hat(&poisoner.observables), SIGMOID_K);
        assert!((p - 0.5695).abs() < 5e-5, "{p}");
        m.pre_observation(5);
        m.write(5, Archetype::Adversarial, 0, 0);
        m.pre_observation(6);
        // verifier_1: poisoned (0.5053… < 0.6), quality 0.4079….
        let w = m.write(6, Archetype::Deceptive, 0, 0);
        assert_eq!(w.observables.task_progress, 0.1);
        m.pre_observation(7);
        // verifier_2: not poisoned (0.6498…), quality 0.5634….
        let w = m.write(7, Archetype::Deceptive, 0, 0);
        let q = 0.5634824441809649;
        assert_eq!(w.observables.task_progress, q - 0.3);
        assert_eq!(w.observables.engagement, q - 0.4);
        m.pre_observation(8);
        // cache_gamer: not poisoned (0.5892…), quality 0.6023….
        let w = m.write(8, Archetype::Opportunistic, 0, 0);
        assert_eq!(w.observables.task_progress, 0.6023576141694567 - 0.3);
        assert_eq!(m.writes_remaining(8), 19);
        assert_eq!(m.writes_remaining(0), 20);
    }

    #[test]
    fn compaction_drops_the_agents_own_ephemeral_entries() {
        let cfg = Config {
            seed: Some(42),
            initial_entries: 3,
            compaction_probability: 1.0,
            ..Config::default()
        };
        let mut m = Memory::new(&cfg, 2);
        m.write(0, Archetype::Honest, 0, 0);
        m.write(0, Archetype::Honest, 0, 0);
        m.write(1, Archetype::Honest, 0, 0);
        assert_eq!(m.pre_observation(0), Some(2));
        assert_eq!(m.len(), 4);
        // The write counts are not reduced.
        assert_eq!(m.writes_remaining(0), 18);
        m.on_epoch_start(1, 0);
        assert_eq!(m.writes_remaining(0), 20);
    }

    #[test]
    fn the_hot_cache_holds_graph_entries_up_to_its_size() {
        let mut m = library();
        let graph = m.entries.iter().filter(|e| e.tier == Tier::Graph).count();
        let Event::MemoryCacheRebuilt { cache_size, .. } = m.on_epoch_start(0, 0) else {
            unreachable!()
        };
        assert_eq!(cache_size, graph.min(20));
        assert!(graph > 0);
    }
}
