//! The event stream (simulation-model.md §13, governance-metrics-io.md §4.2).
//! The simulation hands events to an [`EventSink`]; with no sink nothing is
//! built, so the hot path pays nothing when nobody listens.

use crate::metrics::EpochMetrics;
use crate::scenario::Archetype;

/// Why a reputation changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReputationReason {
    Governance,
    InteractionOutcome,
}

impl ReputationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReputationReason::Governance => "governance",
            ReputationReason::InteractionOutcome => "interaction_outcome",
        }
    }
}

/// One simulation event. Agent and interaction references are indices and
/// sequence numbers; the writer turns them into ids.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    AgentCreated {
        agent: usize,
        archetype: Archetype,
        name: &'a str,
    },
    SimulationStarted {
        n_epochs: u32,
        steps_per_epoch: u32,
        n_agents: usize,
    },
    InteractionProposed {
        interaction: u64,
        initiator: usize,
        counterparty: usize,
        interaction_type: &'static str,
        epoch: u32,
        step: u32,
    },
    ReputationUpdated {
        agent: usize,
        old: f64,
        new: f64,
        delta: f64,
        reason: ReputationReason,
        epoch: u32,
        step: u32,
    },
    GovernanceCostApplied {
        interaction: u64,
        initiator: usize,
        counterparty: usize,
        cost_a: f64,
        cost_b: f64,
        epoch: u32,
        step: u32,
    },
    InteractionCompleted {
        interaction: u64,
        initiator: usize,
        counterparty: usize,
        interaction_type: &'static str,
        accepted: bool,
        p: f64,
        v_hat: f64,
        tau: f64,
        c_a: f64,
        c_b: f64,
        payoff_initiator: f64,
        payoff_counterparty: f64,
        epoch: u32,
        step: u32,
    },
    /// Epoch-end network decay removed edges. The reference logs this as a
    /// second `epoch_completed` event, before the metrics one.
    NetworkEdgesPruned {
        pruned: usize,
        epoch: u32,
    },
    /// Dynamic toxicity's proxy drift moved k (every epoch with
    /// interactions). Like the next two, the reference logs it as an
    /// `epoch_completed` event of its own, before the metrics one.
    ProxyDrift {
        epoch: u32,
        epoch_toxicity: f64,
        cumulative_toxicity: f64,
        sigmoid_k_old: f64,
        sigmoid_k_new: f64,
    },
    /// Dynamic toxicity's trust erosion: honest agents exited.
    TrustErosion {
        epoch: u32,
        rolling_toxicity: f64,
        exit_threshold: f64,
        exit_probability: f64,
        agents_exited: &'a [usize],
        remaining_honest: usize,
    },
    /// Dynamic toxicity's quality contagion shifted trust memories.
    QualityContagion {
        epoch: u32,
        agents_updated: usize,
        bias_min: f64,
        bias_max: f64,
        bias_mean: f64,
    },
    /// The scholar handler retrieved passages for `agent` (query index).
    ScholarRetrieval {
        agent: usize,
        query: usize,
        passages_retrieved: usize,
        epoch: u32,
        step: u32,
    },
    /// The scholar handler recorded `agent`'s synthesis (run-wide number).
    ScholarSynthesis {
        agent: usize,
        query: usize,
        synthesis: u64,
        citations: usize,
        coverage: f64,
        epoch: u32,
        step: u32,
    },
    /// The scholar handler checked `agent`'s verdict on a citation.
    ScholarVerification {
        agent: usize,
        citation: u64,
        verdict: bool,
        actual_valid: bool,
        entailment_score: f64,
        is_adversarial: bool,
        epoch: u32,
        step: u32,
    },
    /// The scholar handler's epoch summary: an `epoch_completed` event of
    /// its own, before the other epoch-end events.
    ScholarEpochCompleted {
        passages_retrieved: usize,
        citations_verified: usize,
        syntheses_completed: u64,
        epoch: u32,
        step: u32,
    },
    /// The memory-tier handler rebuilt its hot cache (every epoch start).
    MemoryCacheRebuilt {
        cache_size: usize,
        epoch: u32,
        step: u32,
    },
    /// The memory-tier handler stored `agent`'s write as entry `entry`
    /// (a run-wide number).
    MemoryWritten {
        agent: usize,
        entry: u64,
        tier: &'static str,
        quality: f64,
        epoch: u32,
        step: u32,
    },
    /// A compaction lost `agent`'s unverified ephemeral entries.
    MemoryCompaction {
        agent: usize,
        entries_lost: usize,
        epoch: u32,
        step: u32,
    },
    EpochCompleted(&'a EpochMetrics),
    SimulationEnded {
        total_epochs: u32,
        final_metrics: Option<&'a EpochMetrics>,
    },
}

/// Receives events in simulation order.
pub trait EventSink {
    fn event(&mut self, event: &Event<'_>);
}

/// Collects events into owned debug strings (tests).
impl EventSink for Vec<String> {
    fn event(&mut self, event: &Event<'_>) {
        self.push(format!("{event:?}"));
    }
}
