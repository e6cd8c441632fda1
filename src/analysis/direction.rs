//! Which way is better, per metric, and what a metric is about: what
//! `p_improve` counts, which verdicts a change gets (verdict.rs) and how the
//! report groups them. Unlisted metrics are neutral (no improvement share).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
    Neutral,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::LowerIsBetter => "lower",
            Direction::HigherIsBetter => "higher",
            Direction::Neutral => "neutral",
        }
    }

    /// Whether a change `diff = variant − baseline` is an improvement.
    pub fn improved(self, diff: f64) -> Option<bool> {
        match self {
            Direction::LowerIsBetter => Some(diff < 0.0),
            Direction::HigherIsBetter => Some(diff > 0.0),
            Direction::Neutral => None,
        }
    }

    /// +1 when higher is better, −1 when lower is, 0 for neutral metrics:
    /// `sign · diff` is the improvement.
    pub fn sign(self) -> f64 {
        match self {
            Direction::LowerIsBetter => -1.0,
            Direction::HigherIsBetter => 1.0,
            Direction::Neutral => 0.0,
        }
    }
}

/// What a metric measures, for the report's questions: harm (do the
/// interventions reduce it?), selection quality and welfare (at what cost?),
/// security and collusion (any amplification?), or something else
/// (counts, rates with no better side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Harm,
    Quality,
    Welfare,
    Security,
    Other,
}

impl Role {
    /// A worsening of this role is a cost of an intervention.
    pub fn is_cost(self) -> bool {
        matches!(self, Role::Quality | Role::Welfare)
    }
}

/// Harm: expected harm among accepted (or all) interactions.
const HARM: &[&str] = &[
    "toxicity_rate",
    "toxicity_rate_all",
    "mean_epoch_toxicity_rate",
    "baseline_harm",
];

/// Selection quality: `quality_gap` = E[p | accepted] − E[p | rejected] and
/// the conditional losses = E[π | accepted] − E[π | all] (negative values
/// are adverse selection, so higher is better); `spread` > 0 means accepted
/// interactions are worse than the pool (lower is better).
const QUALITY_HIGHER: &[&str] = &[
    "quality_gap",
    "mean_epoch_quality_gap",
    "conditional_loss_initiator",
    "conditional_loss_counterparty",
    "average_quality",
    "quality_correlation",
    "selection_credit",
];
const QUALITY_LOWER: &[&str] = &["spread"];

const WELFARE: &[&str] = &[
    "total_welfare",
    "net_social_welfare",
    "mean_epoch_total_welfare",
    "mean_epoch_net_social_welfare",
    "avg_payoff",
];

/// Security and collusion pressure (lower is better).
const SECURITY: &[&str] = &[
    "ecosystem_threat_level",
    "active_threat_count",
    "contagion_depth",
    "ecosystem_collusion_risk",
    "n_flagged_pairs",
];

pub fn role(metric: &str) -> Role {
    if HARM.contains(&metric) {
        Role::Harm
    } else if QUALITY_HIGHER.contains(&metric) || QUALITY_LOWER.contains(&metric) {
        Role::Quality
    } else if WELFARE.contains(&metric) {
        Role::Welfare
    } else if SECURITY.contains(&metric) {
        Role::Security
    } else {
        Role::Other
    }
}

pub fn direction(metric: &str) -> Direction {
    match role(metric) {
        Role::Harm | Role::Security => Direction::LowerIsBetter,
        Role::Quality if QUALITY_LOWER.contains(&metric) => Direction::LowerIsBetter,
        Role::Quality | Role::Welfare => Direction::HigherIsBetter,
        Role::Other => Direction::Neutral,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(direction("toxicity_rate"), Direction::LowerIsBetter);
        assert_eq!(direction("quality_gap"), Direction::HigherIsBetter);
        assert_eq!(direction("spread"), Direction::LowerIsBetter);
        assert_eq!(direction("n_flagged_pairs"), Direction::LowerIsBetter);
        assert_eq!(direction("avg_payoff"), Direction::HigherIsBetter);
        assert_eq!(direction("acceptance_rate"), Direction::Neutral);
        assert_eq!(Direction::LowerIsBetter.improved(-0.1), Some(true));
        assert_eq!(Direction::HigherIsBetter.improved(0.0), Some(false));
        assert_eq!(role("spread"), Role::Quality);
        assert_eq!(role("mean_epoch_quality_gap"), Role::Quality);
        assert_eq!(role("toxicity_rate_all"), Role::Harm);
        assert!(role("total_welfare").is_cost() && !role("toxicity_rate").is_cost());
    }
}
