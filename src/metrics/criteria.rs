//! Success criteria (docs/model/metrics.md §4): the ones the reference
//! evaluates, in its order, on one run's epochs. `swarm run` prints them
//! (output/console.rs); `swarm-sweep check --criteria` enforces them.

use super::{ContractFigures, EpochMetrics};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// value >= threshold
    AtLeast,
    /// value <= threshold
    AtMost,
}

impl Bound {
    pub fn symbol(self) -> &'static str {
        match self {
            Bound::AtLeast => ">=",
            Bound::AtMost => "<=",
        }
    }
}

/// One evaluated criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// The key in `success_criteria` (`toxicity_threshold`, ...).
    pub key: &'static str,
    /// The reference's name for the measured figure (`Toxicity`).
    pub label: &'static str,
    pub value: f64,
    /// The value is a count (printed without decimals).
    pub count: bool,
    pub bound: Bound,
    pub threshold: f64,
    pub passed: bool,
}

/// Left-to-right mean over epochs (Python's `sum(xs) / len(xs)`); 0 without epochs.
pub fn epoch_mean(epochs: &[EpochMetrics], f: impl Fn(&EpochMetrics) -> f64) -> f64 {
    if epochs.is_empty() {
        return 0.0;
    }
    let mut it = epochs.iter().map(f);
    let first = it.next().unwrap_or(0.0);
    it.fold(first, |a, x| a + x) / epochs.len() as f64
}

/// The recognised criteria of `criteria` (keys the reference does not
/// evaluate are skipped), in the reference's order.
pub fn evaluate(criteria: &[(String, f64)], epochs: &[EpochMetrics]) -> Vec<Criterion> {
    // Contract screening figures come from the last epoch; without a
    // contract market the reference reads its defaults (0 or 1).
    let contract = epochs.last().and_then(|e| e.contract);
    let figure =
        |f: fn(&ContractFigures) -> f64, default: f64| contract.as_ref().map_or(default, f);
    let rules: [(&str, &str, Bound, bool, f64); 7] = [
        (
            "min_epochs",
            "Epochs",
            Bound::AtLeast,
            true,
            epochs.len() as f64,
        ),
        (
            "toxicity_threshold",
            "Toxicity",
            Bound::AtMost,
            false,
            epoch_mean(epochs, |m| m.soft.toxicity_rate),
        ),
        (
            "min_net_social_welfare",
            "Net social welfare",
            Bound::AtLeast,
            false,
            epoch_mean(epochs, |m| m.soft.net_social_welfare),
        ),
        (
            "min_separation_quality",
            "Separation quality",
            Bound::AtLeast,
            false,
            figure(|c| c.separation_quality, 0.0),
        ),
        (
            "max_infiltration_rate",
            "Infiltration rate",
            Bound::AtMost,
            false,
            figure(|c| c.infiltration_rate, 1.0),
        ),
        (
            "min_welfare_delta",
            "Welfare delta",
            Bound::AtLeast,
            false,
            figure(|c| c.welfare_delta, 0.0),
        ),
        (
            "min_attack_displacement",
            "Attack displacement",
            Bound::AtLeast,
            false,
            figure(|c| c.attack_displacement, 0.0),
        ),
    ];
    let get = |k: &str| criteria.iter().find(|(key, _)| key == k).map(|(_, v)| *v);
    rules
        .into_iter()
        .filter_map(|(key, label, bound, count, value)| {
            let threshold = get(key)?;
            let passed = match bound {
                Bound::AtLeast => value >= threshold,
                Bound::AtMost => value <= threshold,
            };
            Some(Criterion {
                key,
                label,
                value,
                count,
                bound,
                threshold,
                passed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epochs(tox: &[f64]) -> Vec<EpochMetrics> {
        tox.iter()
            .map(|&t| {
                let mut m = EpochMetrics::default();
                m.soft.toxicity_rate = t;
                m
            })
            .collect()
    }

    #[test]
    fn reference_order_and_unknown_keys_skipped() {
        let c = vec![
            ("toxicity_threshold".to_string(), 0.3),
            ("min_agents".to_string(), 5.0),
            ("min_epochs".to_string(), 3.0),
        ];
        let out = evaluate(&c, &epochs(&[0.2, 0.5]));
        let keys: Vec<_> = out.iter().map(|o| o.key).collect();
        assert_eq!(keys, ["min_epochs", "toxicity_threshold"]);
        assert!(!out[0].passed && out[0].count && out[0].value == 2.0);
        assert!(!out[1].passed);
        assert!((out[1].value - 0.35).abs() < 1e-15);
    }

    #[test]
    fn bounds_are_inclusive() {
        let c = vec![("toxicity_threshold".to_string(), 0.25)];
        assert!(evaluate(&c, &epochs(&[0.25]))[0].passed);
    }
}
