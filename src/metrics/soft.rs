//! Soft metrics over a set of finalized interactions. Sums are plain
//! left-to-right additions in completion order, as CPython 3.11's `sum()`
//! (simulation-model.md §12.3), so parity-mode values match bit for bit.

use crate::scenario::PayoffConfig;

/// Running sums over finalized interactions, in completion order.
#[derive(Debug, Clone, Default)]
pub struct SoftAccumulator {
    pub n: u64,
    pub n_accepted: u64,
    /// Per-interaction values kept so every metric can be summed the way the
    /// reference sums it (separate passes, each left to right).
    p: Vec<f64>,
    accepted: Vec<bool>,
    payoff_a: Vec<f64>,
    payoff_b: Vec<f64>,
    social: Vec<f64>,
}

impl SoftAccumulator {
    pub fn clear(&mut self) {
        self.n = 0;
        self.n_accepted = 0;
        self.p.clear();
        self.accepted.clear();
        self.payoff_a.clear();
        self.payoff_b.clear();
        self.social.clear();
    }

    /// Record one interaction. `payoff` gives S and H for the social surplus.
    pub fn push(
        &mut self,
        p: f64,
        accepted: bool,
        payoff_a: f64,
        payoff_b: f64,
        cfg: &PayoffConfig,
    ) {
        self.n += 1;
        if accepted {
            self.n_accepted += 1;
        }
        let s = p * cfg.s_plus - (1.0 - p) * cfg.s_minus;
        let h = (1.0 - p) * cfg.h;
        self.p.push(p);
        self.accepted.push(accepted);
        self.payoff_a.push(payoff_a);
        self.payoff_b.push(payoff_b);
        self.social.push(s - h);
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// All soft metrics over the recorded interactions.
    pub fn metrics(&self, cfg: &PayoffConfig) -> SoftMetrics {
        soft_metrics(self, cfg)
    }
}

/// Python-3.11 `sum()` over an iterator: start from integer 0, add left to right.
#[inline]
fn py_sum(it: impl Iterator<Item = f64>) -> f64 {
    let mut acc = 0.0f64;
    let mut first = true;
    for x in it {
        if first {
            acc = x; // 0 + x is exact
            first = false;
        } else {
            acc += x;
        }
    }
    acc
}

fn mean_where(values: &[f64], mask: &[bool], want: bool) -> Option<f64> {
    let mut n = 0usize;
    let s = py_sum(
        values
            .iter()
            .zip(mask)
            .filter(|(_, &m)| m == want)
            .map(|(&v, _)| {
                n += 1;
                v
            }),
    );
    if n == 0 {
        None
    } else {
        Some(s / n as f64)
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(py_sum(values.iter().copied()) / values.len() as f64)
    }
}

/// The soft metrics of governance-metrics-io.md §2.2 over one set of interactions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SoftMetrics {
    pub total_interactions: u64,
    pub accepted_interactions: u64,
    pub toxicity_rate: f64,
    pub toxicity_rate_all: f64,
    pub quality_gap: f64,
    pub quality_correlation: f64,
    pub baseline_harm: f64,
    pub selection_credit: f64,
    pub selection_saturation: f64,
    pub spread: f64,
    pub conditional_loss_initiator: f64,
    pub conditional_loss_counterparty: f64,
    pub average_quality: f64,
    pub acceptance_rate: f64,
    pub avg_payoff: f64,
    pub total_welfare: f64,
    pub net_social_welfare: f64,
}

fn soft_metrics(acc: &SoftAccumulator, cfg: &PayoffConfig) -> SoftMetrics {
    let n = acc.n;
    let na = acc.n_accepted;
    let mut m = SoftMetrics {
        total_interactions: n,
        accepted_interactions: na,
        ..SoftMetrics::default()
    };
    if n == 0 {
        return m;
    }
    let tox: Vec<f64> = acc.p.iter().map(|p| 1.0 - p).collect();
    let mean_p_all = mean(&acc.p).unwrap_or(0.0);
    let mean_p_acc = mean_where(&acc.p, &acc.accepted, true);
    let mean_p_rej = mean_where(&acc.p, &acc.accepted, false);
    m.toxicity_rate = mean_where(&tox, &acc.accepted, true).unwrap_or(0.0);
    m.toxicity_rate_all = mean(&tox).unwrap_or(0.0);
    m.quality_gap = match (mean_p_acc, mean_p_rej) {
        (Some(a), Some(r)) => a - r,
        _ => 0.0,
    };
    m.average_quality = mean_p_all;
    m.acceptance_rate = na as f64 / n as f64;
    if let Some(mpa) = mean_p_acc {
        m.spread = (cfg.s_plus + cfg.s_minus) * (mean_p_all - mpa);
        let mean_a_acc = mean_where(&acc.payoff_a, &acc.accepted, true).unwrap_or(0.0);
        let mean_b_acc = mean_where(&acc.payoff_b, &acc.accepted, true).unwrap_or(0.0);
        m.conditional_loss_initiator = mean_a_acc - mean(&acc.payoff_a).unwrap_or(0.0);
        m.conditional_loss_counterparty = mean_b_acc - mean(&acc.payoff_b).unwrap_or(0.0);
        m.avg_payoff = mean_a_acc;
        m.total_welfare = py_sum(
            acc.payoff_a
                .iter()
                .zip(&acc.payoff_b)
                .zip(&acc.accepted)
                .filter(|(_, &a)| a)
                .map(|((a, b), _)| a + b),
        );
        m.net_social_welfare = py_sum(
            acc.social
                .iter()
                .zip(&acc.accepted)
                .filter(|(_, &a)| a)
                .map(|(s, _)| *s),
        );
    }
    m.baseline_harm = 1.0 - mean_p_all;
    let alpha = m.acceptance_rate;
    let beta = 1.0 - alpha;
    m.selection_credit = beta * m.quality_gap;
    if n >= 2 && na > 0 && na < n {
        let var = py_sum(acc.p.iter().map(|p| (p - mean_p_all) * (p - mean_p_all))) / n as f64;
        let sd = var.sqrt();
        if sd > 0.0 {
            let root = (alpha * beta).sqrt();
            m.quality_correlation = m.quality_gap * root / sd;
            m.selection_saturation = m.quality_gap.abs() * root / sd;
        }
    }
    m
}

/// The security report figures of one epoch (one-epoch lag, §2.4).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SecurityFigures {
    pub ecosystem_threat_level: f64,
    pub active_threat_count: u64,
    pub contagion_depth: u64,
}

/// The collusion report figures of one epoch (one-epoch lag, §2.4).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CollusionFigures {
    pub ecosystem_collusion_risk: f64,
    pub n_flagged_pairs: u64,
}

/// One epoch's metrics: the `EPOCH_COMPLETED` payload plus the extra columns
/// of governance-metrics-io.md §4.5.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EpochMetrics {
    pub epoch: u32,
    /// Cumulative feed sizes (0 in an epoch without interactions, as in the reference).
    pub total_posts: u64,
    pub total_votes: u64,
    pub soft: SoftMetrics,
    pub n_frozen: u64,
    pub n_quarantined: u64,
    pub security: Option<SecurityFigures>,
    pub collusion: Option<CollusionFigures>,
}

/// The per-epoch metrics columns (governance-metrics-io.md §4.5), in order.
pub const EPOCH_COLUMNS: &[&str] = &[
    "epoch",
    "total_interactions",
    "accepted_interactions",
    "total_posts",
    "total_votes",
    "toxicity_rate",
    "quality_gap",
    "quality_correlation",
    "baseline_harm",
    "selection_credit",
    "selection_saturation",
    "avg_payoff",
    "total_welfare",
    "net_social_welfare",
    "spread",
    "average_quality",
    "acceptance_rate",
    "conditional_loss_initiator",
    "conditional_loss_counterparty",
    "n_frozen",
    "n_quarantined",
];

/// Columns added when the security lever is on.
pub const SECURITY_COLUMNS: &[&str] = &[
    "ecosystem_threat_level",
    "active_threat_count",
    "contagion_depth",
];

/// Columns added when collusion detection is on.
pub const COLLUSION_COLUMNS: &[&str] = &["ecosystem_collusion_risk", "n_flagged_pairs"];

/// A metric value: counts stay integers so writers print them as such.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    Int(u64),
    Float(f64),
    /// No report yet (security/collusion figures lag one epoch).
    Missing,
}

impl MetricValue {
    pub fn as_f64(self) -> Option<f64> {
        match self {
            MetricValue::Int(i) => Some(i as f64),
            MetricValue::Float(x) => Some(x),
            MetricValue::Missing => None,
        }
    }
}

impl EpochMetrics {
    /// The value of a column of [`EPOCH_COLUMNS`], [`SECURITY_COLUMNS`] or
    /// [`COLLUSION_COLUMNS`] (also `toxicity_rate_all`); `None` for an unknown name.
    pub fn get(&self, name: &str) -> Option<MetricValue> {
        use MetricValue::{Float, Int, Missing};
        let s = &self.soft;
        Some(match name {
            "epoch" => Int(self.epoch as u64),
            "total_interactions" => Int(s.total_interactions),
            "accepted_interactions" => Int(s.accepted_interactions),
            "total_posts" => Int(self.total_posts),
            "total_votes" => Int(self.total_votes),
            "n_frozen" => Int(self.n_frozen),
            "n_quarantined" => Int(self.n_quarantined),
            "ecosystem_threat_level" => self
                .security
                .map_or(Missing, |r| Float(r.ecosystem_threat_level)),
            "active_threat_count" => self
                .security
                .map_or(Missing, |r| Int(r.active_threat_count)),
            "contagion_depth" => self.security.map_or(Missing, |r| Int(r.contagion_depth)),
            "ecosystem_collusion_risk" => self
                .collusion
                .map_or(Missing, |r| Float(r.ecosystem_collusion_risk)),
            "n_flagged_pairs" => self.collusion.map_or(Missing, |r| Int(r.n_flagged_pairs)),
            other => Float(s.get(other)?),
        })
    }
}

impl SoftMetrics {
    /// A float metric by its SWARM name.
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "toxicity_rate" => self.toxicity_rate,
            "toxicity_rate_all" => self.toxicity_rate_all,
            "quality_gap" => self.quality_gap,
            "quality_correlation" => self.quality_correlation,
            "baseline_harm" => self.baseline_harm,
            "selection_credit" => self.selection_credit,
            "selection_saturation" => self.selection_saturation,
            "spread" => self.spread,
            "conditional_loss_initiator" => self.conditional_loss_initiator,
            "conditional_loss_counterparty" => self.conditional_loss_counterparty,
            "average_quality" => self.average_quality,
            "acceptance_rate" => self.acceptance_rate,
            "avg_payoff" => self.avg_payoff,
            "total_welfare" => self.total_welfare,
            "net_social_welfare" => self.net_social_welfare,
            "total_interactions" => self.total_interactions as f64,
            "accepted_interactions" => self.accepted_interactions as f64,
            _ => return None,
        })
    }
}
