//! One verdict per configuration and metric, computed once (when the
//! comparisons are), and the per-configuration outcome built from them.
//! Every sentence of report.md, `swarm-sweep show` and comparisons.parquet's
//! `verdict` column read these, so no two places can disagree.
//! The rule is docs/analysis.md's "Verdicts".

use super::compare::ComparisonRow;
use super::direction::{Direction, Role};

/// What a comparison says about a configuration on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// Significant after Holm and at least the minimum effect, the good way.
    Better,
    /// Significant after Holm and at least the minimum effect, the bad way.
    Worse,
    /// As Better/Worse, on a metric with no better side (a count, a rate).
    Changed,
    /// The estimated change is below the minimum effect (significant or not):
    /// nothing worth a sentence was detected.
    NoChange,
    /// The estimate is at least the minimum effect but not significant after
    /// Holm, or there is nothing to test (fewer than two pairs, an overflow).
    Inconclusive,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::Better,
        Verdict::Worse,
        Verdict::Changed,
        Verdict::NoChange,
        Verdict::Inconclusive,
    ];

    /// The name in comparisons.parquet and on the terminal.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Changed => "changed",
            Verdict::NoChange => "no change",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// The rule's two thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Significance level of the Holm-adjusted paired t-test.
    pub alpha: f64,
    /// Smallest change worth a verdict, relative to the baseline mean.
    pub min_effect: f64,
}

pub const DEFAULT_ALPHA: f64 = 0.05;
pub const DEFAULT_MIN_EFFECT: f64 = 0.01;

impl Default for Rule {
    fn default() -> Self {
        Rule {
            alpha: DEFAULT_ALPHA,
            min_effect: DEFAULT_MIN_EFFECT,
        }
    }
}

impl Rule {
    /// The verdict on one comparison row (its `p_holm` must be set).
    ///
    /// * no p-value: `no change` when every pair is identical (at least two
    ///   pairs, mean difference 0), else `inconclusive`;
    /// * the change is "large" when |diff| / |baseline mean| ≥ min_effect
    ///   (when the baseline mean is 0: when diff ≠ 0);
    /// * large and p_holm < alpha: `better` / `worse` by the metric's
    ///   direction (`changed` for neutral metrics);
    /// * not large: `no change`;
    /// * large but not significant: `inconclusive`.
    pub fn verdict(&self, c: &ComparisonRow) -> Verdict {
        let Some(diff) = c.diff else {
            return Verdict::Inconclusive;
        };
        let Some(p) = c.p_holm else {
            return if c.n_pairs >= 2 && diff == 0.0 {
                Verdict::NoChange
            } else {
                Verdict::Inconclusive
            };
        };
        let large = match c.rel_change {
            Some(r) => r.abs() >= self.min_effect,
            None => diff != 0.0,
        };
        if !large {
            return Verdict::NoChange;
        }
        if p >= self.alpha {
            return Verdict::Inconclusive;
        }
        match c.direction.improved(diff) {
            Some(true) => Verdict::Better,
            Some(false) => Verdict::Worse,
            None => Verdict::Changed,
        }
    }

    /// The rule in words, for the tables' metadata and the report.
    pub fn describe(&self) -> String {
        format!(
            "better/worse (changed, for metrics with no better side): p_holm < {} and \
             |diff| >= {}% of |mean_baseline| (any diff when that mean is 0); no change: \
             |diff| below that (or every pair identical); inconclusive: at least that large \
             but p_holm >= {}, or no test (fewer than 2 pairs)",
            self.alpha,
            100.0 * self.min_effect,
            self.alpha
        )
    }
}

/// How one configuration did against its baseline, over every metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Lower harm, and no quality or welfare metric worse.
    ReducesHarm,
    /// Lower harm, with a quality or welfare metric worse.
    ReducesHarmAtCost,
    /// One harm metric better, another worse.
    MixedHarm,
    /// Higher harm, no harm metric better.
    IncreasesHarm,
    /// No harm verdict, but a quality or welfare metric worse.
    CostOnly,
    /// No harm verdict, a quality or welfare metric better and none worse.
    GainOnly,
    /// Harm, quality and welfare all `no change`.
    NoChange,
    /// Nothing better or worse, and some harm, quality or welfare metric
    /// inconclusive.
    Inconclusive,
}

impl Class {
    pub const ALL: [Class; 8] = [
        Class::ReducesHarm,
        Class::ReducesHarmAtCost,
        Class::MixedHarm,
        Class::IncreasesHarm,
        Class::CostOnly,
        Class::GainOnly,
        Class::NoChange,
        Class::Inconclusive,
    ];
}

/// The verdicts of one configuration, grouped by the metric's role (indices
/// into the comparison rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub config: usize,
    pub harm_better: Vec<usize>,
    pub harm_worse: Vec<usize>,
    /// Quality or welfare metrics that are worse: the cost of the change.
    pub costs: Vec<usize>,
    pub gains: Vec<usize>,
    pub security_worse: Vec<usize>,
    pub security_better: Vec<usize>,
    /// Every `worse` verdict, whatever the role (the report's risks).
    pub worse: Vec<usize>,
    pub class: Class,
    /// Every metric identical to the baseline in every seed: the variant's
    /// settings never made a difference (class `NoChange`).
    pub identical: bool,
}

impl Outcome {
    /// Classify configuration `config` from its rows (`rows[i]` with
    /// `verdicts[i]`, only the indices in `mine`).
    pub fn of(
        config: usize,
        mine: &[usize],
        rows: &[ComparisonRow],
        verdicts: &[Verdict],
    ) -> Outcome {
        let pick = |role: fn(Role) -> bool, v: Verdict| -> Vec<usize> {
            mine.iter()
                .copied()
                .filter(|&i| verdicts[i] == v && role(rows[i].role()))
                .collect()
        };
        let harm = |r: Role| r == Role::Harm;
        let cost = |r: Role| r.is_cost();
        let sec = |r: Role| r == Role::Security;
        let harm_better = pick(harm, Verdict::Better);
        let harm_worse = pick(harm, Verdict::Worse);
        let costs = pick(cost, Verdict::Worse);
        let gains = pick(cost, Verdict::Better);
        let core =
            |i: &usize| matches!(rows[*i].role(), Role::Harm | Role::Quality | Role::Welfare);
        let any_inconclusive = mine
            .iter()
            .filter(|i| core(i))
            .any(|&i| verdicts[i] == Verdict::Inconclusive);
        let class = match (
            !harm_better.is_empty(),
            !harm_worse.is_empty(),
            !costs.is_empty(),
            !gains.is_empty(),
        ) {
            (true, true, _, _) => Class::MixedHarm,
            (true, false, false, _) => Class::ReducesHarm,
            (true, false, true, _) => Class::ReducesHarmAtCost,
            (false, true, _, _) => Class::IncreasesHarm,
            (false, false, true, _) => Class::CostOnly,
            (false, false, false, true) => Class::GainOnly,
            (false, false, false, false) if any_inconclusive => Class::Inconclusive,
            (false, false, false, false) => Class::NoChange,
        };
        Outcome {
            config,
            identical: !mine.is_empty() && mine.iter().all(|&i| rows[i].identical()),
            security_worse: pick(sec, Verdict::Worse),
            security_better: pick(sec, Verdict::Better),
            worse: mine
                .iter()
                .copied()
                .filter(|&i| verdicts[i] == Verdict::Worse)
                .collect(),
            harm_better,
            harm_worse,
            costs,
            gains,
            class,
        }
    }

    /// Whether the configuration may be recommended without a caveat.
    pub fn is_clean(&self) -> bool {
        self.class == Class::ReducesHarm
    }
}

/// The improvement of a row in its metric's better direction, relative to
/// the baseline mean when that is defined (for ranking: the best first).
pub fn improvement(c: &ComparisonRow) -> Option<f64> {
    let s = c.direction.sign();
    let d = c.diff?;
    Some(match (c.direction, c.rel_change) {
        (Direction::Neutral, Some(r)) => r.abs(),
        (Direction::Neutral, None) => d.abs(),
        (_, Some(r)) => s * r,
        (_, None) => s * d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::findings::testing::row;

    fn v(metric: &str, base: f64, diff: f64, p: Option<f64>) -> Verdict {
        Rule::default().verdict(&row(1, metric, base, diff, p))
    }

    #[test]
    fn the_rule() {
        // lower is better
        assert_eq!(v("toxicity_rate", 0.3, -0.03, Some(0.001)), Verdict::Better);
        assert_eq!(v("toxicity_rate", 0.3, 0.03, Some(0.001)), Verdict::Worse);
        // higher is better
        assert_eq!(v("quality_gap", 0.2, -0.07, Some(0.03)), Verdict::Worse);
        assert_eq!(v("spread", -0.25, 0.2, Some(0.01)), Verdict::Worse);
        // neutral
        assert_eq!(v("acceptance_rate", 0.5, 0.1, Some(0.01)), Verdict::Changed);
        // significant but below the minimum effect (0.1% of the mean)
        assert_eq!(
            v("toxicity_rate", 0.3, 0.0003, Some(1e-6)),
            Verdict::NoChange
        );
        // small and not significant
        assert_eq!(v("toxicity_rate", 0.3, 0.001, Some(0.8)), Verdict::NoChange);
        // a −35% change that the seeds do not confirm is not "no change"
        assert_eq!(
            v("quality_gap", 0.2045, -0.0719, Some(0.252)),
            Verdict::Inconclusive
        );
        // exactly at alpha is not significant
        assert_eq!(
            v("toxicity_rate", 0.3, -0.1, Some(0.05)),
            Verdict::Inconclusive
        );
        // a zero baseline mean: any change is large
        assert_eq!(v("n_flagged_pairs", 0.0, 2.0, Some(0.001)), Verdict::Worse);
        // identical runs: no p-value, no change
        assert_eq!(v("toxicity_rate", 0.3, 0.0, None), Verdict::NoChange);
        let mut one = row(1, "toxicity_rate", 0.3, -0.1, None);
        one.n_pairs = 1;
        assert_eq!(Rule::default().verdict(&one), Verdict::Inconclusive);
        let mut none = row(1, "toxicity_rate", 0.3, 0.0, None);
        none.diff = None;
        assert_eq!(Rule::default().verdict(&none), Verdict::Inconclusive);
        // the thresholds are the rule's
        let loose = Rule {
            alpha: 0.3,
            min_effect: 0.5,
        };
        assert_eq!(
            loose.verdict(&row(1, "quality_gap", 0.2, -0.07, Some(0.25))),
            Verdict::NoChange
        );
        assert_eq!(
            loose.verdict(&row(1, "quality_gap", 0.2, -0.15, Some(0.25))),
            Verdict::Worse
        );
        for x in Verdict::ALL {
            assert_eq!(Verdict::parse(x.name()), Some(x));
        }
    }

    fn outcome(rows: Vec<ComparisonRow>) -> Outcome {
        let verdicts: Vec<Verdict> = rows.iter().map(|r| Rule::default().verdict(r)).collect();
        let mine: Vec<usize> = (0..rows.len()).collect();
        Outcome::of(1, &mine, &rows, &verdicts)
    }

    #[test]
    fn a_quality_regression_is_always_a_cost() {
        // The circuit-breaker contradiction: toxicity_rate_all lower, but
        // mean_epoch_quality_gap, spread and a conditional loss worse.
        let o = outcome(vec![
            row(1, "toxicity_rate", 0.31, -0.008, Some(1.0)),
            row(1, "toxicity_rate_all", 0.375, -0.06, Some(0.001)),
            row(1, "quality_gap", 0.2045, -0.034, Some(1.0)),
            row(1, "spread", -0.2566, 0.2, Some(0.02)),
            row(1, "conditional_loss_initiator", 0.1437, -0.11, Some(0.02)),
            row(1, "mean_epoch_quality_gap", 0.1375, -0.1, Some(0.025)),
        ]);
        assert_eq!(o.class, Class::ReducesHarmAtCost);
        assert_eq!(o.harm_better, vec![1]);
        assert_eq!(o.costs, vec![3, 4, 5]);
        assert_eq!(o.worse, vec![3, 4, 5]);
        assert!(!o.is_clean());
    }

    #[test]
    fn classes() {
        let clean = outcome(vec![
            row(1, "toxicity_rate", 0.31, -0.03, Some(0.001)),
            row(1, "quality_gap", 0.2, 0.0001, Some(0.9)),
            row(1, "total_welfare", 10.0, 1.0, Some(0.01)),
        ]);
        assert_eq!(clean.class, Class::ReducesHarm);
        assert!(clean.is_clean());
        assert_eq!(clean.gains, vec![2]);
        // The tax contradiction: toxicity_rate significantly higher is a
        // verdict of its own, never "no configuration changes toxicity".
        let raises = outcome(vec![row(1, "toxicity_rate", 0.3046, 0.0059, Some(1e-5))]);
        assert_eq!(raises.class, Class::IncreasesHarm);
        let mixed = outcome(vec![
            row(1, "toxicity_rate", 0.31, 0.03, Some(0.001)),
            row(1, "toxicity_rate_all", 0.375, -0.06, Some(0.001)),
        ]);
        assert_eq!(mixed.class, Class::MixedHarm);
        let cost = outcome(vec![
            row(1, "toxicity_rate", 0.31, 0.0, None),
            row(1, "quality_gap", 0.2, -0.07, Some(0.01)),
        ]);
        assert_eq!(cost.class, Class::CostOnly);
        let gain = outcome(vec![row(1, "quality_gap", 0.2, 0.07, Some(0.01))]);
        assert_eq!(gain.class, Class::GainOnly);
        let nothing = outcome(vec![
            row(1, "toxicity_rate", 0.31, 0.0, None),
            row(1, "acceptance_rate", 0.5, 0.2, Some(0.001)),
        ]);
        assert_eq!(nothing.class, Class::NoChange);
        assert!(!nothing.identical);
        let same = outcome(vec![
            row(1, "toxicity_rate", 0.31, 0.0, None),
            row(1, "quality_gap", 0.2, 0.0, None),
        ]);
        assert_eq!(same.class, Class::NoChange);
        assert!(same.identical);
        let unsure = outcome(vec![
            row(1, "toxicity_rate", 0.31, 0.0, None),
            row(1, "quality_gap", 0.2, -0.07, Some(0.2)),
            row(1, "ecosystem_threat_level", 0.3, 0.1, Some(0.001)),
        ]);
        assert_eq!(unsure.class, Class::Inconclusive);
        assert_eq!(unsure.security_worse, vec![2]);
        assert_eq!(unsure.worse, vec![2]);
    }

    #[test]
    fn improvement_ranks_the_good_way_first() {
        let a = row(1, "toxicity_rate", 0.3, -0.03, Some(0.01));
        let b = row(2, "toxicity_rate", 0.3, 0.03, Some(0.01));
        assert!(improvement(&a).unwrap() > improvement(&b).unwrap());
        let q = row(1, "quality_gap", 0.2, 0.02, Some(0.01));
        assert!((improvement(&q).unwrap() - 0.1).abs() < 1e-12);
        let n = row(1, "acceptance_rate", 0.5, -0.1, Some(0.01));
        assert!((improvement(&n).unwrap() - 0.2).abs() < 1e-12);
    }
}
