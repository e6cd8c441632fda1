//! The validated, typed scenario: what the simulation consumes.
//! Field names and defaults follow the reference loader
//! (docs/model/simulation.md §1, docs/model/governance.md §2 and
//! docs/model/scenario.md §1). Parsing and validation live in `load.rs`.

use std::fmt;

/// One fully validated SWARM scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub scenario_id: String,
    pub description: String,
    pub motif: String,
    pub agents: Vec<AgentSpec>,
    pub simulation: SimulationConfig,
    pub governance: GovernanceConfig,
    pub payoff: PayoffConfig,
    pub rate_limits: RateLimits,
    pub network: Option<NetworkConfig>,
    /// The `dynamic_toxicity` feedback loops; `None` when the reference
    /// builds none.
    pub dynamic_toxicity: Option<DynamicToxicityConfig>,
    /// The bounty marketplace (`marketplace:`), when the reference builds one.
    pub marketplace: Option<MarketplaceConfig>,
    /// The contract market (`contracts:`), when the reference builds one.
    pub contracts: Option<ContractsConfig>,
    /// The `perturbations` section; `None` when absent or empty.
    pub perturbations: Option<PerturbationConfig>,
    /// The resource-negotiation handler (`resource_negotiation:`), when the
    /// reference builds one.
    pub resource_negotiation: Option<ResourceNegotiationConfig>,
    /// The Tierra handler (`tierra:`), when the reference builds one.
    pub tierra: Option<TierraConfig>,
    /// The `spawn:` settings, when the reference reads them (the tree is
    /// built only when `enabled`).
    pub spawn: Option<SpawnConfig>,
    /// The scholar handler's settings and data; `None` when the reference
    /// builds no scholar handler.
    pub scholar: Option<ScholarConfig>,
    /// The memory-tier handler's settings; `None` when the reference
    /// builds no memory-tier handler.
    pub memory_tiers: Option<MemoryTiersConfig>,
    /// The agent-world-model handler's settings; `None` when the reference
    /// builds none.
    pub awm: Option<AwmConfig>,
    /// The team-of-rivals handler's settings; `None` when the reference
    /// builds none.
    pub rivals: Option<RivalsConfig>,
    /// Success criteria in file order (key, numeric value). Keys the
    /// reference does not evaluate are kept too (the loader warns about them).
    pub success_criteria: Vec<(String, f64)>,
    pub outputs: OutputsConfig,
    /// Parity mode (default) or corrected semantics for reference bugs.
    pub semantics: Semantics,
    /// Key paths the reference reads (at values that change its results)
    /// that this engine does not model. Empty unless loaded with
    /// `allow_unmodelled`; non-empty means the results are only partially
    /// faithful.
    pub unmodelled: Vec<String>,
}

/// What a scenario file with no keys loads as: the reference loader's
/// defaults, no agents.
impl Default for Scenario {
    fn default() -> Scenario {
        Scenario {
            scenario_id: "unnamed".to_string(),
            description: String::new(),
            motif: String::new(),
            agents: Vec::new(),
            simulation: SimulationConfig::default(),
            governance: GovernanceConfig::default(),
            payoff: PayoffConfig::default(),
            rate_limits: RateLimits::default(),
            network: None,
            dynamic_toxicity: None,
            marketplace: None,
            contracts: None,
            perturbations: None,
            resource_negotiation: None,
            tierra: None,
            spawn: None,
            scholar: None,
            memory_tiers: None,
            awm: None,
            rivals: None,
            success_criteria: Vec::new(),
            outputs: OutputsConfig::default(),
            semantics: Semantics::default(),
            unmodelled: Vec::new(),
        }
    }
}

impl Scenario {
    /// `exact` when every key the file sets is modelled, else `partial`.
    pub fn fidelity(&self) -> &'static str {
        if self.unmodelled.is_empty() {
            "exact"
        } else {
            "partial"
        }
    }
}

pub use super::perturbations::{
    AgentDropout, Condition, ConditionField, NetworkPartition, ParameterShock, ParameterShocks,
    PartitionMode, PerturbationConfig, ResourceShock, ResourceShockMode, Trigger,
};
pub use crate::sim::agents::{AgentConfig, AgentKind};
pub use crate::sim::awm::Config as AwmConfig;
pub use crate::sim::dynamic_toxicity::Config as DynamicToxicityConfig;
pub use crate::sim::memory::Config as MemoryTiersConfig;
pub use crate::sim::negotiation::Config as ResourceNegotiationConfig;
pub use crate::sim::rivals::Config as RivalsConfig;
pub use crate::sim::scholar::Config as ScholarConfig;
pub use crate::sim::spawn::Config as SpawnConfig;
pub use crate::sim::tierra::Config as TierraConfig;

/// The reference's `AgentType` enum (swarm/models/agent.py): the behavioural
/// archetype an agent reports. It selects the observable profile of the
/// interactions it initiates (docs/model/simulation.md §7.1), is what other agents
/// see as its type, and is the `agent_type` of the event log and console.
/// Several YAML types share one archetype (an `ldt` agent reports `honest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Archetype {
    Honest,
    Opportunistic,
    Deceptive,
    Adversarial,
    Rlm,
    Crewai,
    Swarms,
    Coding,
    Tierra,
    Cautious,
    Collaborative,
    Adaptive,
    WorkRegime,
    SelfModifying,
}

impl Archetype {
    pub fn as_str(self) -> &'static str {
        match self {
            Archetype::Honest => "honest",
            Archetype::Opportunistic => "opportunistic",
            Archetype::Deceptive => "deceptive",
            Archetype::Adversarial => "adversarial",
            Archetype::Rlm => "rlm",
            Archetype::Crewai => "crewai",
            Archetype::Swarms => "swarms",
            Archetype::Coding => "coding",
            Archetype::Tierra => "tierra",
            Archetype::Cautious => "cautious",
            Archetype::Collaborative => "collaborative",
            Archetype::Adaptive => "adaptive",
            Archetype::WorkRegime => "work_regime",
            Archetype::SelfModifying => "self_modifying",
        }
    }
}

impl fmt::Display for Archetype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for AgentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `agents:` entry, expanded `count` times by the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSpec {
    pub kind: AgentKind,
    pub count: u32,
    pub name: Option<String>,
    pub config: AgentConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleMode {
    RoundRobin,
    Random,
    Priority,
}

impl ScheduleMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleMode::RoundRobin => "round_robin",
            ScheduleMode::Random => "random",
            ScheduleMode::Priority => "priority",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimulationConfig {
    pub n_epochs: u32,
    pub steps_per_epoch: u32,
    /// `None` = unseeded in the reference; we substitute seed 0 and warn.
    pub seed: Option<i64>,
    pub schedule_mode: ScheduleMode,
    pub max_actions_per_step: u32,
    pub observation_noise_probability: f64,
    pub observation_noise_std: f64,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            n_epochs: 10,
            steps_per_epoch: 10,
            seed: None,
            schedule_mode: ScheduleMode::RoundRobin,
            max_actions_per_step: 20,
            observation_noise_probability: 0.0,
            observation_noise_std: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    pub posts_per_epoch: i64,
    pub interactions_per_step: i64,
    pub votes_per_epoch: i64,
    pub tasks_per_epoch: i64,
    pub bounties_per_epoch: i64,
    pub bids_per_epoch: i64,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            posts_per_epoch: 10,
            interactions_per_step: 5,
            votes_per_epoch: 50,
            tasks_per_epoch: 3,
            bounties_per_epoch: 3,
            bids_per_epoch: 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PayoffConfig {
    pub s_plus: f64,
    pub s_minus: f64,
    pub h: f64,
    pub theta: f64,
    pub rho_a: f64,
    pub rho_b: f64,
    pub w_rep: f64,
}

impl Default for PayoffConfig {
    fn default() -> Self {
        PayoffConfig {
            s_plus: 2.0,
            s_minus: 1.0,
            h: 2.0,
            theta: 0.5,
            rho_a: 0.0,
            rho_b: 0.0,
            w_rep: 1.0,
        }
    }
}

/// The governance levers this engine models (docs/model/governance.md §2:
/// the core levers, Sybil detection, RBAC
/// (docs/model/perturbations-rbac-spawn.md §2.2) and the resample lever).
/// Other reference levers are recognised by the loader but not modelled.
#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceConfig {
    pub transaction_tax_rate: f64,
    pub transaction_tax_split: f64,
    pub reputation_decay_rate: f64,
    pub vote_normalization_enabled: bool,
    pub max_vote_weight_per_agent: f64,
    pub bandwidth_cap: i64,
    pub staking_enabled: bool,
    pub min_stake_to_participate: f64,
    pub stake_slash_rate: f64,
    pub circuit_breaker_enabled: bool,
    pub freeze_threshold_toxicity: f64,
    pub freeze_threshold_violations: i64,
    pub freeze_duration_epochs: i64,
    pub audit_enabled: bool,
    pub audit_probability: f64,
    pub audit_penalty_multiplier: f64,
    pub audit_threshold_p: f64,
    pub collusion_detection_enabled: bool,
    pub collusion_frequency_threshold: f64,
    pub collusion_correlation_threshold: f64,
    pub collusion_min_interactions: i64,
    pub collusion_score_threshold: f64,
    pub collusion_penalty_multiplier: f64,
    pub collusion_realtime_penalty: bool,
    pub collusion_realtime_rate: f64,
    pub collusion_clear_history_on_epoch: bool,
    pub security_enabled: bool,
    pub security_injection_threshold: f64,
    pub security_manipulation_threshold: f64,
    pub security_laundering_trust_gap: f64,
    pub security_contagion_velocity: f64,
    pub security_min_chain_length: i64,
    pub security_min_interactions: i64,
    pub security_penalty_threshold: f64,
    pub security_quarantine_threshold: f64,
    pub security_penalty_multiplier: f64,
    pub security_realtime_penalty: bool,
    pub security_realtime_threshold: f64,
    pub security_realtime_rate: f64,
    pub security_clear_history_on_epoch: bool,
    pub sybil_detection_enabled: bool,
    pub sybil_similarity_threshold: f64,
    pub sybil_penalty_multiplier: f64,
    pub sybil_realtime_penalty: bool,
    pub sybil_realtime_rate: f64,
    pub sybil_max_cluster_size: i64,
    pub rbac_enabled: bool,
    pub rbac_violation_penalty: f64,
    pub rbac_violation_reputation_penalty: f64,
    pub rbac_high_stakes_actions: Vec<String>,
    pub rbac_security_clearance_required: i64,
    pub rbac_high_stakes_penalty_multiplier: f64,
    pub memory_write_rate_limit_enabled: bool,
    pub memory_write_rate_limit_per_epoch: i64,
    pub resample_enabled: bool,
    pub resample_suspicion_threshold: f64,
    pub resample_n_samples: i64,
    pub resample_trajectory_analysis: bool,
    pub resample_trajectory_window: i64,
    pub resample_incrimination_threshold: f64,
    pub resample_compute_cost: f64,
    pub resample_evidence_decay: f64,
    pub resample_evidence_rep_weight: f64,
}

impl Default for GovernanceConfig {
    fn default() -> Self {
        GovernanceConfig {
            transaction_tax_rate: 0.0,
            transaction_tax_split: 0.5,
            reputation_decay_rate: 1.0,
            vote_normalization_enabled: false,
            max_vote_weight_per_agent: 10.0,
            bandwidth_cap: 10,
            staking_enabled: false,
            min_stake_to_participate: 0.0,
            stake_slash_rate: 0.1,
            circuit_breaker_enabled: false,
            freeze_threshold_toxicity: 0.7,
            freeze_threshold_violations: 3,
            freeze_duration_epochs: 2,
            audit_enabled: false,
            audit_probability: 0.1,
            audit_penalty_multiplier: 2.0,
            audit_threshold_p: 0.5,
            collusion_detection_enabled: false,
            collusion_frequency_threshold: 2.0,
            collusion_correlation_threshold: 0.7,
            collusion_min_interactions: 3,
            collusion_score_threshold: 0.5,
            collusion_penalty_multiplier: 1.0,
            collusion_realtime_penalty: false,
            collusion_realtime_rate: 0.1,
            collusion_clear_history_on_epoch: false,
            security_enabled: false,
            security_injection_threshold: 0.3,
            security_manipulation_threshold: 0.5,
            security_laundering_trust_gap: 0.3,
            security_contagion_velocity: 2.0,
            security_min_chain_length: 3,
            security_min_interactions: 5,
            security_penalty_threshold: 0.3,
            security_quarantine_threshold: 0.7,
            security_penalty_multiplier: 1.0,
            security_realtime_penalty: false,
            security_realtime_threshold: 0.5,
            security_realtime_rate: 0.2,
            security_clear_history_on_epoch: false,
            sybil_detection_enabled: false,
            sybil_similarity_threshold: 0.8,
            sybil_penalty_multiplier: 1.0,
            sybil_realtime_penalty: false,
            sybil_realtime_rate: 0.1,
            sybil_max_cluster_size: 1,
            resample_enabled: false,
            resample_suspicion_threshold: 0.6,
            resample_n_samples: 3,
            resample_trajectory_analysis: false,
            resample_trajectory_window: 5,
            resample_incrimination_threshold: 2.0,
            resample_compute_cost: 0.01,
            resample_evidence_decay: 0.9,
            resample_evidence_rep_weight: 0.5,
            rbac_enabled: false,
            rbac_violation_penalty: 0.5,
            rbac_violation_reputation_penalty: -0.2,
            rbac_high_stakes_actions: Vec::new(),
            rbac_security_clearance_required: 2,
            rbac_high_stakes_penalty_multiplier: 2.0,
            memory_write_rate_limit_enabled: false,
            memory_write_rate_limit_per_epoch: 20,
        }
    }
}

/// `marketplace:` (the reference's `MarketplaceConfig`): bounties, bids,
/// escrow and disputes (docs/model/markets.md §A).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketplaceConfig {
    /// Only charged when an escrow settles or a dispute resolves.
    pub escrow_fee_rate: f64,
    /// A bounty below this fails to post (after its task was created).
    pub min_bounty_amount: f64,
    /// A bid fails once this many pending bids are on the bounty.
    pub max_bids_per_bounty: i64,
    /// Parsed and validated, read nowhere by the reference.
    pub bid_deadline_epochs: i64,
    /// An open dispute this many epochs old is resolved at epoch end.
    pub dispute_resolution_epochs: i64,
    /// Expire open bounties past their deadline at epoch end (refunded).
    pub auto_expire_bounties: bool,
    /// The worker's share when a dispute is resolved automatically.
    pub dispute_default_split: f64,
}

impl Default for MarketplaceConfig {
    fn default() -> Self {
        MarketplaceConfig {
            escrow_fee_rate: 0.02,
            min_bounty_amount: 1.0,
            max_bids_per_bounty: 10,
            bid_deadline_epochs: 3,
            dispute_resolution_epochs: 2,
            auto_expire_bounties: true,
            dispute_default_split: 0.5,
        }
    }
}

/// `contracts:` (the reference's `ContractsConfig`): the contract market
/// with its truthful-auction and fair-division contracts
/// (docs/model/markets.md §B). `default_market:` is parsed by the reference
/// and never used: its default market always charges 0.05.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContractsConfig {
    pub truthful_auction: TruthfulAuctionConfig,
    pub fair_division: FairDivisionConfig,
    pub market: ContractMarketConfig,
}

/// `contracts.truthful_auction:` (`TruthfulAuctionContract`).
#[derive(Debug, Clone, PartialEq)]
pub struct TruthfulAuctionConfig {
    pub stake_fraction: f64,
    pub audit_probability: f64,
    pub audit_threshold_p: f64,
    pub penalty_multiplier: f64,
    pub surplus_bonus: f64,
    pub min_bond: f64,
}

impl Default for TruthfulAuctionConfig {
    fn default() -> Self {
        TruthfulAuctionConfig {
            stake_fraction: 0.05,
            audit_probability: 0.2,
            audit_threshold_p: 0.4,
            penalty_multiplier: 3.0,
            surplus_bonus: 0.1,
            min_bond: 0.5,
        }
    }
}

/// `contracts.fair_division:` (`FairDivisionContract`).
#[derive(Debug, Clone, PartialEq)]
pub struct FairDivisionConfig {
    pub entry_fee: f64,
    pub fairness_bonus: f64,
    pub redistribution_rate: f64,
}

impl Default for FairDivisionConfig {
    fn default() -> Self {
        FairDivisionConfig {
            entry_fee: 2.0,
            fairness_bonus: 0.05,
            redistribution_rate: 0.1,
        }
    }
}

/// `contracts.market:` (`ContractMarketConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct ContractMarketConfig {
    pub allow_switching: bool,
    pub switching_cost_multiplier: f64,
    pub belief_update_rate: f64,
    pub honest_truthful_preference: f64,
    pub honest_fair_preference: f64,
    pub opportunistic_truthful_preference: f64,
    pub opportunistic_fair_preference: f64,
    pub adversarial_truthful_preference: f64,
    pub adversarial_fair_preference: f64,
}

impl Default for ContractMarketConfig {
    fn default() -> Self {
        ContractMarketConfig {
            allow_switching: true,
            switching_cost_multiplier: 0.5,
            belief_update_rate: 0.3,
            honest_truthful_preference: 0.8,
            honest_fair_preference: 0.6,
            opportunistic_truthful_preference: 0.3,
            opportunistic_fair_preference: 0.4,
            adversarial_truthful_preference: 0.1,
            adversarial_fair_preference: 0.15,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetworkConfig {
    pub topology: String,
    pub edge_probability: f64,
    pub k: i64,
    pub p: f64,
    pub m: i64,
    pub dynamic: bool,
    pub edge_strengthen_rate: f64,
    pub edge_decay_rate: f64,
    pub min_edge_weight: f64,
    pub max_edge_weight: f64,
    pub reputation_disconnect_threshold: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputsConfig {
    pub event_log: Option<String>,
    pub metrics_csv: Option<String>,
}

/// Which behaviour to use where the reference has a known bug.
/// `Parity` (the default) reproduces the reference bit for bit.
/// Corrections for reference bugs (docs/model/quirks.md §1). All off =
/// parity mode, which reproduces swarm-safety 1.9.0 bit for bit. Set in a
/// scenario's `semantics:` section or with `--fix NAME` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Semantics {
    /// Audit only accepted interactions (the reference also audits, and
    /// penalises, rejected ones).
    pub audit_accepted_only: bool,
    /// Charge an audit penalty once, as a cost (the reference also
    /// subtracts it from reputation directly, so it counts twice).
    pub audit_single_penalty: bool,
    /// Release a quarantined agent after `freeze_duration_epochs` epochs and
    /// forget the interactions (up to its quarantine) that led to it; it can
    /// be quarantined again for new behaviour. The reference quarantines for
    /// the rest of the run and re-penalises the same history every epoch.
    pub quarantine_release: bool,
    /// Tax base from the scenario's `payoff.s_plus`/`s_minus` (the reference
    /// hard-codes 2 and 1).
    pub tax_uses_payoff: bool,
    /// Enforce `governance.bandwidth_cap` as the most interactions an agent
    /// may propose per epoch (inert in the reference).
    pub enforce_bandwidth_cap: bool,
    /// Weight each vote by `1 / (1 + votes_cast / max_vote_weight_per_agent)`
    /// in the feed ranking when `vote_normalization_enabled` (inert in the
    /// reference).
    pub enforce_vote_normalization: bool,
}

impl Semantics {
    /// Every fix option: (name, description).
    pub const OPTIONS: [(&'static str, &'static str); 6] = [
        ("audit_accepted_only", "audit only accepted interactions"),
        (
            "audit_single_penalty",
            "charge an audit penalty once (as a cost), not twice",
        ),
        (
            "quarantine_release",
            "release quarantined agents after freeze_duration_epochs",
        ),
        (
            "tax_uses_payoff",
            "tax base from payoff.s_plus / s_minus instead of 2 and 1",
        ),
        (
            "enforce_bandwidth_cap",
            "bandwidth_cap = most proposals per agent per epoch",
        ),
        (
            "enforce_vote_normalization",
            "down-weight votes of heavy voters in the feed ranking",
        ),
    ];

    /// Turn on the option called `name`; false if there is none.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let flag = match name {
            "audit_accepted_only" => &mut self.audit_accepted_only,
            "audit_single_penalty" => &mut self.audit_single_penalty,
            "quarantine_release" => &mut self.quarantine_release,
            "tax_uses_payoff" => &mut self.tax_uses_payoff,
            "enforce_bandwidth_cap" => &mut self.enforce_bandwidth_cap,
            "enforce_vote_normalization" => &mut self.enforce_vote_normalization,
            _ => return false,
        };
        *flag = on;
        true
    }

    /// Whether the option called `name` is on; `None` if there is none.
    pub fn get(&self, name: &str) -> Option<bool> {
        let mut probe = *self;
        probe.set(name, false).then(|| probe != *self)
    }

    /// True when no fix is on (exact reference behaviour).
    pub fn is_parity(&self) -> bool {
        *self == Semantics::default()
    }
}
