//! One table per section of every key the reference knows: its type, its
//! constraint, and whether the reference reads it and this engine models it
//! (docs/model/governance.md §2, docs/model/scenario.md §1;
//! docs/model/simulation.md §6). The loader and the sweep parameters both
//! validate through these tables.

use super::coerce::{at_least, str_list, Rule, Ty, POSITIVE_COUNT, UNIT};
use super::params::ParamValue;
use super::yaml::Node;
use super::{
    ContractMarketConfig, FairDivisionConfig, GovernanceConfig, MarketplaceConfig, PayoffConfig,
    RateLimits, ScheduleMode, SimulationConfig, TruthfulAuctionConfig,
};

/// One key of a section whose values land in a struct `T`.
pub struct Field<T: 'static> {
    pub key: &'static str,
    pub ty: Ty,
    pub rule: Rule,
    pub role: Role<T>,
    /// A modelled key that changes nothing in a run (always, or unless a
    /// condition holds), and why: a sweep over it is warned about
    /// (`params::inert`). Set with [`inert`].
    pub inert: Option<Inert>,
}

/// Why a modelled key changes nothing in a run, and when it does after all
/// (docs/model/fidelity-classification.md §1.4; the agent files).
#[derive(Clone, Copy)]
pub struct Inert {
    pub why: &'static str,
    pub live: Live,
}

/// When an inert key acts after all.
#[derive(Clone, Copy)]
pub enum Live {
    /// Never: nothing in a run reads it.
    Never,
    /// When this holds of the scenario (a fix option is on, the section that
    /// reads it is built).
    When(fn(&super::Scenario) -> bool),
    /// Only the reference's module of this top-level section reads it, and
    /// this engine does not model that module yet (it is in
    /// `DOMAIN_SECTIONS`): the key is live once the module is modelled.
    WithModule(&'static str),
}

impl Inert {
    /// Inert whatever the scenario.
    pub const fn never(why: &'static str) -> Inert {
        Inert {
            why,
            live: Live::Never,
        }
    }

    /// Inert unless `live` holds of the scenario.
    pub const fn unless(live: fn(&super::Scenario) -> bool, why: &'static str) -> Inert {
        Inert {
            why,
            live: Live::When(live),
        }
    }

    /// Whether the key changes nothing in a run of `scenario`.
    pub fn applies(&self, scenario: &super::Scenario) -> bool {
        match self.live {
            Live::Never => true,
            Live::When(live) => !live(scenario),
            Live::WithModule(section) => domain_section(section).is_some(),
        }
    }
}

// The schema module is crate-private; `Node` only looks more private.
#[allow(private_interfaces)]
pub enum Role<T: 'static> {
    /// Read by the reference and modelled here.
    Modelled {
        get: fn(&T) -> ParamValue,
        /// Stores a value that already passed `ty` and `rule`.
        set: fn(&mut T, &ParamValue),
    },
    /// Read by the reference and modelled here, list- or map-valued: stored
    /// from a YAML value that already passed `ty` (not a sweep parameter).
    ModelledList {
        store: fn(&mut T, &Node),
        /// The stored list (for a run's identity and its resolved YAML);
        /// `None` when nothing is stored (the key is inert).
        get: fn(&T) -> Option<Vec<String>>,
    },
    /// Read and validated by the reference, but not modelled here. `lever`
    /// describes the lever this flag switches on, if it is such a flag.
    Read { lever: Option<Lever> },
    /// Silently dropped by the reference's YAML loader, for this reason.
    Dropped(&'static str),
    /// Read by the reference and able to change results, but not modelled
    /// here: giving it is an error that says why.
    Refused(&'static str),
}

/// A reference lever this engine does not model, and when switching it on
/// changes a run's results (derived from the reference's governance engine
/// and the levers' hooks; A/B-checked on core-agent scenarios).
#[derive(Clone, Copy)]
pub struct Lever {
    pub name: &'static str,
    pub effect: LeverEffect,
}

#[derive(Clone, Copy)]
pub enum LeverEffect {
    /// Switched on, it changes results: what it does.
    Always(&'static str),
    /// Switched on, it changes results when `active` holds for the values of
    /// these sibling `governance` keys (the reference's default when absent).
    When {
        what: &'static str,
        settings: &'static [(&'static str, f64)],
        active: fn(&[f64]) -> bool,
    },
    /// Switched on, it never acts in a run loaded from YAML whose agents are
    /// of the types this engine models: why.
    Inert(&'static str),
}

/// `field`, marked inert (see [`Inert`]): `inert(modelled!(...), why)`.
pub const fn inert<T>(field: Field<T>, inert: Inert) -> Field<T> {
    Field {
        inert: Some(inert),
        ..field
    }
}

impl<T> Field<T> {
    pub fn is_modelled(&self) -> bool {
        matches!(self.role, Role::Modelled { .. } | Role::ModelledList { .. })
    }

    /// A modelled scalar: a sweep parameter (and a parameter shock target).
    pub fn is_sweepable(&self) -> bool {
        matches!(self.role, Role::Modelled { .. })
    }
}

pub(crate) fn find<T>(table: &'static [Field<T>], key: &str) -> Option<&'static Field<T>> {
    table.iter().find(|f| f.key == key)
}

pub(crate) fn keys<T>(table: &'static [Field<T>]) -> impl Iterator<Item = &'static str> {
    table.iter().map(|f| f.key)
}

macro_rules! modelled {
    ($name:ident, Str) => {
        $crate::scenario::schema::modelled!(@field $name, Str, $crate::scenario::coerce::Rule::Any,
            |c| Str(c.$name.clone()), to_string)
    };
    ($name:ident, Bool) => {
        $crate::scenario::schema::modelled!(@field $name, Bool, $crate::scenario::coerce::Rule::Any,
            |c| Bool(c.$name), to_bool)
    };
    ($name:ident, Float, $rule:expr) => {
        $crate::scenario::schema::modelled!(@field $name, Float, $rule, |c| Float(c.$name), to_f64)
    };
    ($name:ident, Number, $rule:expr) => {
        $crate::scenario::schema::modelled!(@field $name, Number, $rule, |c| Float(c.$name), to_f64)
    };
    ($name:ident, Integer, $rule:expr) => {
        $crate::scenario::schema::modelled!(@field $name, Integer, $rule,
            |c| Int(::std::primitive::i64::from(c.$name)), int_into)
    };
    ($name:ident, Int, $rule:expr) => {
        $crate::scenario::schema::modelled!(@field $name, Int, $rule,
            |c| Int(::std::primitive::i64::from(c.$name)), int_into)
    };
    // `get` wraps the field in a `ParamValue` variant; `set` stores a
    // checked value with the `ParamValue` method `to`.
    (@field $name:ident, $ty:ident, $rule:expr, |$c:ident| $variant:ident($get:expr), $to:ident) => {
        $crate::scenario::schema::Field {
            key: stringify!($name),
            ty: $crate::scenario::coerce::Ty::$ty,
            rule: $rule,
            role: $crate::scenario::schema::Role::Modelled {
                get: |$c| $crate::scenario::params::ParamValue::$variant($get),
                set: |c, v| c.$name = v.$to(),
            },
            inert: None,
        }
    };
}

macro_rules! read {
    ($name:ident, $ty:ident, $rule:expr) => {
        $crate::scenario::schema::Field {
            key: stringify!($name),
            ty: $crate::scenario::coerce::Ty::$ty,
            rule: $rule,
            role: $crate::scenario::schema::Role::Read { lever: None },
            inert: None,
        }
    };
}

macro_rules! lever {
    ($name:ident, $lever:expr, $effect:expr) => {
        $crate::scenario::schema::Field {
            key: stringify!($name),
            ty: $crate::scenario::coerce::Ty::Bool,
            rule: $crate::scenario::coerce::Rule::Any,
            role: $crate::scenario::schema::Role::Read {
                lever: Some($crate::scenario::schema::Lever {
                    name: $lever,
                    effect: $effect,
                }),
            },
            inert: None,
        }
    };
}

macro_rules! dropped {
    ($name:ident) => {
        dropped!(
            $name,
            "dropped by the reference's YAML loader (settable only from code there)"
        )
    };
    ($name:ident, $why:expr) => {
        $crate::scenario::schema::Field {
            key: stringify!($name),
            ty: $crate::scenario::coerce::Ty::Str,
            rule: $crate::scenario::coerce::Rule::Any,
            role: $crate::scenario::schema::Role::Dropped($why),
            inert: None,
        }
    };
}

pub(crate) use modelled;
pub(crate) use read;

/// Read only by the marketplace (its rate limits, its tasks).
pub(crate) const NEEDS_MARKETPLACE: Inert = Inert::unless(
    |s| s.marketplace.is_some(),
    "only the marketplace reads it, and this scenario builds none",
);

const MOLTIPEDIA_ONLY: &str =
    "it acts only on the metadata of the Moltipedia handler's own actions, which agent types this engine models never take";
const MOLTBOOK_ONLY: &str =
    "it reads Moltbook state that only the Moltbook handler and its agent types produce";
const MEMORY_UNREACHED: &str =
    "it acts only on memory-tier promotions, verifications or reverts, and none ever happens (entries are offered for them only once verified or challenged)";

/// Read only on memory-tier writes.
const MEMORY_WRITES: Inert = Inert::unless(
    super::memory::has_writes,
    "it acts only on memory-tier writes, and this scenario has no memory-tier handler or no agent that writes",
);

/// The 165 `GovernanceConfig` fields in reference order: rows 1–40 are the
/// core levers this engine models, rows 61–66 the Sybil detection lever;
/// the RBAC and `resample_*` rows are modelled too.
pub(crate) static GOVERNANCE: &[Field<GovernanceConfig>] = &[
    modelled!(transaction_tax_rate, Float, UNIT),
    modelled!(transaction_tax_split, Float, UNIT),
    modelled!(reputation_decay_rate, Float, UNIT),
    inert(modelled!(vote_normalization_enabled, Bool), Inert::unless(
        |s| s.semantics.enforce_vote_normalization,
        "the reference computes vote weights in a function nothing calls; live with the fix semantics.enforce_vote_normalization",
    )),
    inert(modelled!(max_vote_weight_per_agent, Float, Rule::Positive), Inert::unless(
        |s| s.semantics.enforce_vote_normalization && s.governance.vote_normalization_enabled,
        "it weights votes only under vote normalisation, which the reference never applies; live with the fix semantics.enforce_vote_normalization and vote_normalization_enabled",
    )),
    inert(modelled!(bandwidth_cap, Int, at_least(0)), Inert::unless(
        |s| s.semantics.enforce_bandwidth_cap,
        "no part of a reference run reads it (one middleware looks for it on the wrong object); live with the fix semantics.enforce_bandwidth_cap",
    )),
    modelled!(staking_enabled, Bool),
    modelled!(min_stake_to_participate, Float, Rule::NonNegative),
    inert(modelled!(stake_slash_rate, Float, UNIT), Inert::never(
        "only the reference's stake slashing reads it, and nothing calls it",
    )),
    modelled!(circuit_breaker_enabled, Bool),
    modelled!(freeze_threshold_toxicity, Float, UNIT),
    modelled!(freeze_threshold_violations, Int, at_least(1)),
    modelled!(freeze_duration_epochs, Int, at_least(1)),
    modelled!(audit_enabled, Bool),
    modelled!(audit_probability, Float, UNIT),
    modelled!(audit_penalty_multiplier, Float, Rule::NonNegative),
    modelled!(audit_threshold_p, Float, UNIT),
    modelled!(collusion_detection_enabled, Bool),
    modelled!(collusion_frequency_threshold, Float, Rule::Positive),
    inert(modelled!(collusion_correlation_threshold, Float, UNIT), Inert::never(
        "the reference's collusion detector stores it and never reads it",
    )),
    modelled!(collusion_min_interactions, Int, at_least(1)),
    modelled!(collusion_score_threshold, Float, UNIT),
    modelled!(collusion_penalty_multiplier, Float, Rule::NonNegative),
    modelled!(collusion_realtime_penalty, Bool),
    modelled!(collusion_realtime_rate, Float, Rule::NonNegative),
    modelled!(collusion_clear_history_on_epoch, Bool),
    modelled!(security_enabled, Bool),
    modelled!(security_injection_threshold, Float, UNIT),
    modelled!(security_manipulation_threshold, Float, UNIT),
    modelled!(security_laundering_trust_gap, Float, Rule::NonNegative),
    modelled!(security_contagion_velocity, Float, Rule::Positive),
    modelled!(security_min_chain_length, Int, at_least(2)),
    modelled!(security_min_interactions, Int, at_least(1)),
    modelled!(security_penalty_threshold, Float, UNIT),
    modelled!(security_quarantine_threshold, Float, UNIT),
    modelled!(security_penalty_multiplier, Float, Rule::NonNegative),
    modelled!(security_realtime_penalty, Bool),
    modelled!(security_realtime_threshold, Float, UNIT),
    modelled!(security_realtime_rate, Float, Rule::NonNegative),
    modelled!(security_clear_history_on_epoch, Bool),
    lever!(
        self_ensemble_enabled,
        "self-ensemble",
        LeverEffect::When {
            what: "the orchestrator calls each agent's act() self_ensemble_samples times and takes the majority action, and charges accepted interactions a cost",
            settings: &[("self_ensemble_samples", 5.0)],
            active: |v| v[0] >= 2.0,
        }
    ),
    read!(self_ensemble_samples, Int, at_least(1)),
    lever!(
        incoherence_breaker_enabled,
        "incoherence breaker",
        LeverEffect::Always(
            "freezes initiators whose last 10 interactions are too uncertain on average (1 - |2p - 1|)"
        )
    ),
    read!(incoherence_breaker_threshold, Float, UNIT),
    lever!(
        decomposition_enabled,
        "decomposition",
        LeverEffect::Inert(
            "its penalty needs an acceptance rate below 0.2, but the reference only records accepted initiations"
        )
    ),
    read!(decomposition_horizon_threshold, Int, at_least(1)),
    lever!(
        incoherence_friction_enabled,
        "incoherence friction",
        LeverEffect::When {
            what: "charges accepted interactions rate * (1 - |2p - 1|) * (|tau| + 1), split like the tax",
            settings: &[("incoherence_friction_rate", 0.05)],
            active: |v| v[0] > 0.0,
        }
    ),
    read!(incoherence_friction_rate, Float, Rule::NonNegative),
    lever!(
        adaptive_governance_enabled,
        "adaptive governance",
        LeverEffect::Inert("its gating needs an incoherence forecaster that nothing sets")
    ),
    read!(adaptive_incoherence_threshold, Float, UNIT),
    read!(adaptive_use_behavioral_features, Bool, Rule::Any),
    dropped!(adaptive_controller_enabled),
    dropped!(adaptive_controller_evidence_window),
    dropped!(adaptive_controller_contemplation_interval),
    dropped!(adaptive_controller_min_evidence_epochs),
    dropped!(adaptive_controller_confidence_threshold),
    dropped!(adaptive_controller_crystallization_min_epochs),
    dropped!(adaptive_controller_require_human_review),
    dropped!(adaptive_controller_max_degradation_tolerance),
    dropped!(adaptive_controller_max_active_proposals),
    modelled!(sybil_detection_enabled, Bool),
    modelled!(sybil_similarity_threshold, Float, UNIT),
    modelled!(sybil_penalty_multiplier, Float, Rule::NonNegative),
    modelled!(sybil_realtime_penalty, Bool),
    modelled!(sybil_realtime_rate, Float, Rule::NonNegative),
    modelled!(sybil_max_cluster_size, Int, at_least(1)),
    dropped!(transparency_enabled),
    dropped!(transparency_bonus_rate),
    dropped!(transparency_threshold_p),
    lever!(
        council_lever_enabled,
        "council",
        LeverEffect::Inert(
            "it needs a council object, which the reference's scenario builder never passes"
        )
    ),
    read!(council_lever_review_probability, Float, UNIT),
    read!(council_lever_penalty_multiplier, Float, Rule::NonNegative),
    dropped!(moderator_enabled),
    dropped!(moderator_review_probability),
    dropped!(moderator_penalty_multiplier),
    dropped!(moderator_threshold_p),
    lever!(
        moltipedia_pair_cap_enabled,
        "Moltipedia pair cap",
        LeverEffect::Inert(MOLTIPEDIA_ONLY)
    ),
    read!(moltipedia_pair_cap_max, Int, at_least(1)),
    lever!(
        moltipedia_page_cooldown_enabled,
        "Moltipedia page cooldown",
        LeverEffect::Inert(MOLTIPEDIA_ONLY)
    ),
    read!(moltipedia_page_cooldown_steps, Int, at_least(0)),
    lever!(
        moltipedia_daily_cap_enabled,
        "Moltipedia daily cap",
        LeverEffect::Inert(MOLTIPEDIA_ONLY)
    ),
    read!(moltipedia_daily_policy_fix_cap, Float, Rule::NonNegative),
    lever!(
        moltipedia_no_self_fix,
        "Moltipedia no-self-fix",
        LeverEffect::Inert(MOLTIPEDIA_ONLY)
    ),
    lever!(
        moltbook_rate_limit_enabled,
        "Moltbook rate limit",
        LeverEffect::Inert(MOLTBOOK_ONLY)
    ),
    read!(moltbook_post_cooldown_steps, Int, at_least(0)),
    read!(moltbook_comment_cooldown_steps, Int, at_least(0)),
    read!(moltbook_daily_comment_cap, Int, at_least(0)),
    read!(moltbook_request_cap_per_step, Int, at_least(0)),
    lever!(
        moltbook_challenge_enabled,
        "Moltbook challenge",
        LeverEffect::Inert(MOLTBOOK_ONLY)
    ),
    read!(moltbook_challenge_difficulty, Float, UNIT),
    read!(moltbook_challenge_window_steps, Int, at_least(0)),
    lever!(
        memory_promotion_gate_enabled,
        "memory promotion gate",
        LeverEffect::Inert(MEMORY_UNREACHED)
    ),
    read!(memory_promotion_min_quality, Float, UNIT),
    read!(memory_promotion_min_verifications, Int, at_least(0)),
    inert(modelled!(memory_write_rate_limit_enabled, Bool), MEMORY_WRITES),
    inert(
        modelled!(memory_write_rate_limit_per_epoch, Int, at_least(0)),
        MEMORY_WRITES,
    ),
    lever!(
        memory_cross_verification_enabled,
        "memory cross-verification",
        LeverEffect::Inert(MEMORY_UNREACHED)
    ),
    read!(memory_cross_verification_k, Int, at_least(1)),
    lever!(
        memory_provenance_enabled,
        "memory provenance",
        LeverEffect::Inert(MEMORY_UNREACHED)
    ),
    read!(memory_provenance_revert_penalty, Float, Rule::NonNegative),
    lever!(
        self_evolution_enabled,
        "self-evolution",
        LeverEffect::Inert(
            "only the live-SWE bridge reads it, and the orchestrator never loads that bridge"
        )
    ),
    read!(self_evolution_max_growth_rate, Float, Rule::NonNegative),
    read!(self_evolution_max_tools, Int, at_least(1)),
    read!(self_evolution_block_self_mod, Bool, Rule::Any),
    read!(self_evolution_divergence_threshold, Float, UNIT),
    read!(self_evolution_tool_risk_threshold, Float, UNIT),
    read!(self_evolution_growth_freeze_duration, Int, at_least(1)),
    lever!(
        self_modification_enabled,
        "self-modification",
        LeverEffect::Inert(
            "it acts only on interactions whose metadata carries a self-modification proposal, which no agent type this engine models attaches (hyperagent_self_mod agents modify themselves without it)"
        )
    ),
    read!(self_modification_max_per_epoch, Int, at_least(1)),
    read!(self_modification_tau_min_low, Float, Rule::Any),
    read!(self_modification_tau_min_medium, Float, Rule::Any),
    read!(self_modification_tau_min_high, Float, Rule::Any),
    read!(self_modification_k_max_low, Float, Rule::NonNegative),
    read!(self_modification_k_max_medium, Float, Rule::NonNegative),
    read!(self_modification_k_max_high, Float, Rule::NonNegative),
    read!(self_modification_window_days, Int, at_least(1)),
    dropped!(refinery_enabled),
    dropped!(refinery_p_threshold),
    dropped!(loop_detector_enabled),
    dropped!(loop_detector_quality_threshold),
    dropped!(loop_detector_tool_misuse_threshold),
    dropped!(loop_detector_rework_threshold),
    dropped!(loop_detector_penalty_multiplier),
    dropped!(loop_detector_replan_threshold),
    dropped!(loop_detector_freeze_threshold),
    dropped!(loop_detector_freeze_duration),
    modelled!(rbac_enabled, Bool),
    modelled!(rbac_violation_penalty, Float, Rule::NonNegative),
    modelled!(rbac_violation_reputation_penalty, Float, Rule::Any),
    Field {
        key: "rbac_high_stakes_actions",
        ty: Ty::StrList,
        rule: Rule::Any,
        role: Role::ModelledList {
            store: |c, node| c.rbac_high_stakes_actions = str_list(node).unwrap_or_default(),
            get: |c| Some(c.rbac_high_stakes_actions.clone()),
        },
        inert: None,
    },
    inert(modelled!(rbac_security_clearance_required, Int, at_least(0)), Inert::never(
        "the RBAC lever consults it only for agents with a role, which no agent has",
    )),
    modelled!(
        rbac_high_stakes_penalty_multiplier,
        Float,
        Rule::NonNegative
    ),
    Field {
        key: "rbac_role_action_map",
        ty: Ty::StrListMap,
        rule: Rule::Any,
        // Copied by the lever at construction and consulted only for
        // agents with a role, which no agent ever has: validated, inert.
        role: Role::ModelledList {
            store: |_, _| {},
            get: |_| None,
        },
        inert: None,
    },
    dropped!(attestation_heartbeat_enabled),
    dropped!(attestation_heartbeat_interval),
    dropped!(attestation_heartbeat_reputation_penalty),
    dropped!(attestation_heartbeat_reset_on_epoch),
    lever!(
        hardware_trust_enabled,
        "hardware trust",
        LeverEffect::Inert("it acts on halts, and nothing in the reference issues one")
    ),
    read!(hardware_trust_propagation_enabled, Bool, Rule::Any),
    read!(hardware_trust_recovery_max_steps, Int, at_least(1)),
    dropped!(diversity_enabled),
    dropped!(diversity_rho_max),
    dropped!(diversity_entropy_min),
    dropped!(diversity_adversarial_fraction_min),
    dropped!(diversity_disagreement_tau),
    dropped!(diversity_error_threshold_p),
    dropped!(diversity_correlation_penalty_rate),
    dropped!(diversity_entropy_penalty_rate),
    dropped!(diversity_audit_cost),
    dropped!(diversity_correlation_window),
    modelled!(resample_enabled, Bool),
    modelled!(resample_suspicion_threshold, Float, UNIT),
    modelled!(resample_n_samples, Int, at_least(1)),
    modelled!(resample_trajectory_analysis, Bool),
    modelled!(resample_trajectory_window, Int, at_least(2)),
    modelled!(resample_incrimination_threshold, Float, Rule::Positive),
    modelled!(resample_compute_cost, Float, Rule::NonNegative),
    modelled!(resample_evidence_decay, Float, UNIT),
    modelled!(resample_evidence_rep_weight, Float, Rule::NonNegative),
    dropped!(cascade_risk_enabled),
    dropped!(cascade_risk_threshold),
    dropped!(cascade_risk_penalty_scale),
    dropped!(cascade_risk_reputation_scale),
    dropped!(cascade_risk_p_threshold),
    dropped!(cascade_risk_window),
];

/// Alternative spellings the reference accepts; the canonical key wins.
pub(crate) const GOVERNANCE_ALIASES: [(&str, &str); 2] = [
    ("transaction_tax", "transaction_tax_rate"),
    ("reputation_decay", "reputation_decay_rate"),
];

pub(crate) static PAYOFF: &[Field<PayoffConfig>] = &[
    modelled!(s_plus, Float, Rule::NonNegative),
    modelled!(s_minus, Float, Rule::NonNegative),
    modelled!(h, Float, Rule::NonNegative),
    modelled!(theta, Float, UNIT),
    modelled!(rho_a, Float, UNIT),
    modelled!(rho_b, Float, UNIT),
    inert(modelled!(w_rep, Float, Rule::Range(0.0, 100.0)), Inert::unless(
        |s| s.contracts.is_some(),
        "it multiplies the interactions' reputation terms, which only a contract market makes non-zero",
    )),
    dropped!(
        sigmoid_k,
        "not read by the reference's YAML loader (its proxy always uses k = 2)"
    ),
];

pub(crate) static RATE_LIMITS: &[Field<RateLimits>] = &[
    modelled!(posts_per_epoch, Int, at_least(0)),
    modelled!(interactions_per_step, Int, at_least(0)),
    modelled!(votes_per_epoch, Int, at_least(0)),
    inert(
        modelled!(tasks_per_epoch, Int, at_least(0)),
        NEEDS_MARKETPLACE,
    ),
    inert(
        modelled!(bounties_per_epoch, Int, at_least(0)),
        NEEDS_MARKETPLACE,
    ),
    inert(
        modelled!(bids_per_epoch, Int, at_least(0)),
        NEEDS_MARKETPLACE,
    ),
];

/// `marketplace:` keys besides `enabled` (which only decides whether the
/// reference builds the marketplace). The reference validates the fee, the
/// minimum, the bid cap and the split; the two epoch counts are plain ints.
pub(crate) static MARKETPLACE: &[Field<MarketplaceConfig>] = &[
    modelled!(escrow_fee_rate, Float, UNIT),
    modelled!(min_bounty_amount, Float, Rule::NonNegative),
    modelled!(max_bids_per_bounty, Int, at_least(1)),
    inert(
        modelled!(bid_deadline_epochs, Int, Rule::Any),
        Inert::never("the reference validates it and reads it nowhere"),
    ),
    modelled!(dispute_resolution_epochs, Int, Rule::Any),
    modelled!(auto_expire_bounties, Bool),
    modelled!(dispute_default_split, Float, UNIT),
];

/// `contracts.truthful_auction:` (the contract's constructor checks).
pub(crate) static TRUTHFUL_AUCTION: &[Field<TruthfulAuctionConfig>] = &[
    modelled!(stake_fraction, Float, UNIT),
    modelled!(audit_probability, Float, UNIT),
    modelled!(audit_threshold_p, Float, UNIT),
    modelled!(penalty_multiplier, Float, Rule::NonNegative),
    modelled!(surplus_bonus, Float, Rule::NonNegative),
    modelled!(min_bond, Float, Rule::NonNegative),
];

/// `contracts.fair_division:` (the contract's constructor checks).
pub(crate) static FAIR_DIVISION: &[Field<FairDivisionConfig>] = &[
    modelled!(entry_fee, Float, Rule::NonNegative),
    modelled!(fairness_bonus, Float, Rule::NonNegative),
    modelled!(redistribution_rate, Float, UNIT),
];

/// `contracts.market:` (pydantic: weights and rates non-negative, unbounded).
pub(crate) static CONTRACT_MARKET: &[Field<ContractMarketConfig>] = &[
    modelled!(allow_switching, Bool),
    modelled!(switching_cost_multiplier, Float, Rule::NonNegative),
    modelled!(belief_update_rate, Float, Rule::NonNegative),
    modelled!(honest_truthful_preference, Float, Rule::NonNegative),
    modelled!(honest_fair_preference, Float, Rule::NonNegative),
    modelled!(opportunistic_truthful_preference, Float, Rule::NonNegative),
    modelled!(opportunistic_fair_preference, Float, Rule::NonNegative),
    modelled!(adversarial_truthful_preference, Float, Rule::NonNegative),
    modelled!(adversarial_fair_preference, Float, Rule::NonNegative),
];

/// The sub-sections of `contracts:` the reference reads.
pub(crate) const CONTRACT_SUBSECTIONS: &[&str] = &[
    "truthful_auction",
    "fair_division",
    "default_market",
    "market",
];

pub(crate) const SCHEDULE_MODES: &[&str] = &["round_robin", "random", "priority"];

fn schedule_mode(name: &str) -> Option<ScheduleMode> {
    [
        ScheduleMode::RoundRobin,
        ScheduleMode::Random,
        ScheduleMode::Priority,
    ]
    .into_iter()
    .find(|m| m.as_str() == name)
}

/// The sweepable simulation keys; `seed` (nullable) is handled by the loader.
/// The reference checks none of these; zero epochs, steps or actions and
/// unknown schedule modes are rejected here because they can only be typos.
pub(crate) static SIMULATION: &[Field<SimulationConfig>] = &[
    modelled!(n_epochs, Int, POSITIVE_COUNT),
    modelled!(steps_per_epoch, Int, POSITIVE_COUNT),
    modelled!(max_actions_per_step, Int, POSITIVE_COUNT),
    Field {
        key: "schedule_mode",
        ty: Ty::Choice(SCHEDULE_MODES),
        rule: Rule::Any,
        role: Role::Modelled {
            get: |c| ParamValue::Str(c.schedule_mode.as_str().to_string()),
            set: |c, v| {
                if let Some(mode) = schedule_mode(&v.to_string()) {
                    c.schedule_mode = mode;
                }
            },
        },
        inert: None,
    },
    modelled!(observation_noise_probability, Float, UNIT),
    modelled!(observation_noise_std, Float, Rule::NonNegative),
];

/// Keys of one `agents:` entry.
pub(crate) const AGENT_SPEC_KEYS: &[&str] = &["type", "count", "name", "config"];
/// Entry keys read only for the reference's special agent types.
pub(crate) const SPECIAL_AGENT_SPEC_KEYS: &[&str] =
    &["llm", "council", "concordia", "letta", "params", "strategy"];

/// Every `type:` the reference accepts (its `AGENT_TYPES` registry plus the
/// special types built by hand in `create_agents`).
pub(crate) const REFERENCE_AGENT_TYPES: &[&str] = &[
    "honest",
    "ldt",
    "opportunistic",
    "deceptive",
    "adversarial",
    "adaptive_adversary",
    "modeling_adversary",
    "diligent_editor",
    "point_farmer",
    "collusive_editor",
    "vandal",
    "diligent_moltbook",
    "spam_bot",
    "human_pretender",
    "collusive_voter",
    "diligent_recorder",
    "memory_poisoner",
    "cache_gamer",
    "collusive_verifier",
    "retriever",
    "synthesizer",
    "verifier",
    "adversarial_retriever",
    "adversarial_synthesizer",
    "rlm",
    "skill_honest",
    "skill_opportunistic",
    "skillrl",
    "self_optimizer",
    "hyperagent_self_mod",
    "rivals_producer",
    "rivals_critic",
    "obfuscating",
    "awm_agent",
    "rain",
    "river",
    "ralph_loop",
    "adversarial_ralph",
    "cautious",
    "cautious_reciprocator",
    "threshold_dancer",
    "coding_agent",
    "tierra",
    "work_regime",
    "fair_negotiator",
    "greedy_negotiator",
    "strategic_negotiator",
    "llm",
    "council",
    "concordia_entity",
    "crewai_adapter",
    "swarms_adapter",
    "letta",
];

/// Top-level sections this engine reads.
pub(crate) const SECTIONS: &[&str] = &[
    "scenario_id",
    "description",
    "motif",
    "agents",
    "simulation",
    "governance",
    "payoff",
    "rate_limits",
    "network",
    "dynamic_toxicity",
    "marketplace",
    "contracts",
    "scholar",
    "memory_tiers",
    "awm",
    "rivals",
    "outputs",
    "success_criteria",
    "perturbations",
    "resource_negotiation",
    "tierra",
    "spawn",
];

/// When the reference builds something from a domain section (its
/// `parse_*_config` functions in `scenarios/loader.py` and the orchestrator's
/// use of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BuiltWhen {
    /// A non-empty mapping whose `enabled` is not the boolean false.
    EnabledMapping,
}

/// What the module the reference builds does to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionEffect {
    /// It changes results: what it does (the fidelity guard refuses it).
    Changes(&'static str),
    /// It never changes the results of agents of the types this engine
    /// models (it acts on its own agent types' actions): what it is.
    OwnAgentsOnly(&'static str),
}

/// A top-level section the reference hands to a domain module.
pub(crate) struct DomainSection {
    pub key: &'static str,
    pub built_when: BuiltWhen,
    pub effect: SectionEffect,
}

const fn changes(key: &'static str, built_when: BuiltWhen, what: &'static str) -> DomainSection {
    DomainSection {
        key,
        built_when,
        effect: SectionEffect::Changes(what),
    }
}

const fn own_agents_only(key: &'static str, what: &'static str) -> DomainSection {
    DomainSection {
        key,
        built_when: BuiltWhen::EnabledMapping,
        effect: SectionEffect::OwnAgentsOnly(what),
    }
}

/// Sections the reference hands to domain modules this engine does not
/// model (A/B-checked with core agents: which of them change results).
pub(crate) static DOMAIN_SECTIONS: &[DomainSection] = &[
    changes(
        "evo_game",
        BuiltWhen::EnabledMapping,
        "builds the evolutionary-game handler (it needs the optional gamescape package)",
    ),
    own_agents_only("moltipedia", "the Moltipedia wiki handler"),
    own_agents_only("moltbook", "the Moltbook social-network handler"),
    own_agents_only("kernel_oracle", "the kernel-oracle handler"),
    own_agents_only("letta", "the Letta lifecycle manager"),
];

pub(crate) fn domain_section(key: &str) -> Option<&'static DomainSection> {
    DOMAIN_SECTIONS.iter().find(|d| d.key == key)
}

/// Sections found in reference scenario files that its loader never reads.
pub(crate) const IGNORED_SECTIONS: &[&str] = &[
    "domain",
    "delivery",
    "csm",
    "bridge_config",
    "dilemma",
    "drift_detection",
    "environment",
    "boundaries",
    "metrics_to_track",
    "docker",
    "composite_tasks",
    "evoskill",
    "flash_crash",
    "horizon_eval",
    "llm",
    "task_prompt",
    "sweep",
    "metrics",
    "prime_intellect",
    "community",
    "seed_personas",
    "persona_expansion",
    "thread_generation",
    "whatif_injections",
    "multiverse",
];

pub(crate) const NETWORK_TOPOLOGIES: &[&str] = &[
    "complete",
    "ring",
    "star",
    "random_erdos_renyi",
    "small_world",
    "scale_free",
    "custom",
];

/// Flat `network:` keys (parameters may also sit under `network.params`).
pub(crate) const NETWORK_KEYS: &[&str] = &[
    "enabled",
    "topology",
    "params",
    "edge_probability",
    "k_neighbors",
    "rewire_probability",
    "m_edges",
    "dynamic",
    "edge_strengthen_rate",
    "edge_decay_rate",
    "min_edge_weight",
    "max_edge_weight",
    "reputation_disconnect_threshold",
];

pub(crate) const NETWORK_PARAMS_KEYS: &[&str] = &[
    "edge_probability",
    "k",
    "k_neighbors",
    "p",
    "rewire_probability",
    "m",
    "m_edges",
];

/// The criteria the reference evaluates (docs/model/metrics.md §4).
pub(crate) const SUCCESS_CRITERIA: &[&str] = &[
    "min_epochs",
    "min_agents",
    "toxicity_threshold",
    "min_net_social_welfare",
    "min_separation_quality",
    "max_infiltration_rate",
    "min_welfare_delta",
    "min_attack_displacement",
];

pub(crate) const OUTPUT_KEYS: &[&str] = &["event_log", "metrics_csv"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governance_table_matches_the_reference_counts() {
        assert_eq!(GOVERNANCE.len(), 165);
        let dropped = GOVERNANCE
            .iter()
            .filter(|f| matches!(f.role, Role::Dropped(_)))
            .count();
        assert_eq!(dropped, 46);
        assert_eq!(GOVERNANCE.iter().filter(|f| f.is_modelled()).count(), 64);
        assert_eq!(GOVERNANCE.iter().filter(|f| f.is_sweepable()).count(), 62);
        assert!(GOVERNANCE[..40].iter().all(|f| f.is_modelled()));
        let sybil: Vec<_> = keys(&GOVERNANCE[60..66]).collect();
        assert!(GOVERNANCE[60..66].iter().all(|f| f.is_modelled()));
        assert!(sybil.iter().all(|k| k.starts_with("sybil_")), "{sybil:?}");
        for (prefix, n) in [("rbac_", 7), ("resample_", 9)] {
            let rows: Vec<_> = GOVERNANCE
                .iter()
                .filter(|f| f.key.starts_with(prefix))
                .collect();
            assert_eq!(rows.len(), n, "{prefix}");
            assert!(rows.iter().all(|f| f.is_modelled()), "{prefix}");
        }
        let mut keys: Vec<_> = keys(GOVERNANCE).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 165);
    }

    #[test]
    fn modelled_getters_read_the_model_defaults() {
        let g = GovernanceConfig::default();
        let get = |key: &str| match &find(GOVERNANCE, key).unwrap().role {
            Role::Modelled { get, .. } => get(&g),
            _ => panic!("{key} is not modelled"),
        };
        assert_eq!(get("audit_probability"), ParamValue::Float(0.1));
        assert_eq!(get("bandwidth_cap"), ParamValue::Int(10));
        assert_eq!(get("security_enabled"), ParamValue::Bool(false));
    }

    #[test]
    fn every_modelled_default_passes_its_own_rule() {
        fn check<T>(table: &'static [Field<T>], value: &T) {
            for f in table {
                if let Role::Modelled { get, .. } = f.role {
                    assert_eq!(f.rule.check(&get(value)), Ok(()), "{}", f.key);
                }
            }
        }
        check(GOVERNANCE, &GovernanceConfig::default());
        check(PAYOFF, &PayoffConfig::default());
        check(RATE_LIMITS, &RateLimits::default());
        check(SIMULATION, &SimulationConfig::default());
        {
            use crate::sim::dynamic_toxicity::{contagion, drift, erosion};
            check(drift::FIELDS, &drift::Config::default());
            check(erosion::FIELDS, &erosion::Config::default());
            check(contagion::FIELDS, &contagion::Config::default());
        }
        check(MARKETPLACE, &MarketplaceConfig::default());
        check(TRUTHFUL_AUCTION, &TruthfulAuctionConfig::default());
        check(FAIR_DIVISION, &FairDivisionConfig::default());
        check(CONTRACT_MARKET, &ContractMarketConfig::default());
        struct Defaults;
        impl crate::sim::agents::ConfigVisitor for Defaults {
            type Out = ();
            fn visit<T: 'static>(self, fields: &'static [Field<T>], config: &T) {
                check(fields, config);
            }
        }
        for kind in crate::scenario::AgentKind::ALL {
            kind.visit_fields(Defaults);
        }
    }

    #[test]
    fn schedule_mode_round_trips() {
        let f = find(SIMULATION, "schedule_mode").unwrap();
        let Role::Modelled { get, set } = f.role else {
            panic!()
        };
        let mut sim = SimulationConfig::default();
        set(&mut sim, &ParamValue::Str("priority".into()));
        assert_eq!(get(&sim), ParamValue::Str("priority".into()));
    }
}
