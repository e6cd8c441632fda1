//! Which way is better, per metric: what `p_improve` counts and how the
//! report words a change. Unlisted metrics are neutral (no improvement share).

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
}

/// Harm: expected harm among accepted (or all) interactions; adverse
/// selection (`spread` > 0 means accepted interactions are worse than the
/// pool); security and collusion pressure.
const LOWER: &[&str] = &[
    "toxicity_rate",
    "toxicity_rate_all",
    "mean_epoch_toxicity_rate",
    "spread",
    "baseline_harm",
    "ecosystem_threat_level",
    "active_threat_count",
    "contagion_depth",
    "ecosystem_collusion_risk",
    "n_flagged_pairs",
];

/// Quality and welfare. `quality_gap` = E[p | accepted] − E[p | rejected]
/// and the conditional losses = E[π | accepted] − E[π | all]: negative
/// values are adverse selection, so higher is better.
const HIGHER: &[&str] = &[
    "quality_gap",
    "mean_epoch_quality_gap",
    "conditional_loss_initiator",
    "conditional_loss_counterparty",
    "total_welfare",
    "net_social_welfare",
    "mean_epoch_total_welfare",
    "mean_epoch_net_social_welfare",
    "avg_payoff",
    "average_quality",
    "quality_correlation",
    "selection_credit",
];

pub fn direction(metric: &str) -> Direction {
    if LOWER.contains(&metric) {
        Direction::LowerIsBetter
    } else if HIGHER.contains(&metric) {
        Direction::HigherIsBetter
    } else {
        Direction::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(direction("toxicity_rate"), Direction::LowerIsBetter);
        assert_eq!(direction("quality_gap"), Direction::HigherIsBetter);
        assert_eq!(direction("acceptance_rate"), Direction::Neutral);
        assert_eq!(Direction::LowerIsBetter.improved(-0.1), Some(true));
        assert_eq!(Direction::HigherIsBetter.improved(0.0), Some(false));
    }
}
