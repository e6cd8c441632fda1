//! Soft metrics over a set of finalized interactions. Sums are plain
//! left-to-right additions in completion order, as CPython 3.11's `sum()`
//! (docs/model/simulation.md §9.3), so parity-mode values match bit for bit.

use crate::scenario::PayoffConfig;

/// One finalized interaction as the soft metrics read it.
#[derive(Debug, Clone, Copy)]
struct Record {
    p: f64,
    payoff_a: f64,
    payoff_b: f64,
    /// Social surplus minus harm, `S - H`.
    social: f64,
    /// The parties (agent indices), for epoch-end feedback that reads the
    /// epoch's interactions per agent (dynamic toxicity's contagion).
    initiator: u32,
    counterparty: u32,
    accepted: bool,
}

/// One finalized interaction of the current epoch, as epoch-end hooks read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finalized {
    pub initiator: usize,
    pub counterparty: usize,
    pub p: f64,
    pub accepted: bool,
}

/// The finalized interactions of a run, in completion order, with a mark
/// where the current epoch began: the epoch's metrics read the tail, the
/// run's the whole (one record per interaction, not two copies).
#[derive(Debug, Clone, Default)]
pub struct SoftAccumulator {
    /// Kept whole so every metric can be summed the way the reference sums
    /// it (each sum left to right).
    records: Vec<Record>,
    epoch_start: usize,
}

impl SoftAccumulator {
    /// An accumulator with room for `n` interactions before it grows.
    pub fn with_capacity(n: usize) -> SoftAccumulator {
        SoftAccumulator {
            records: Vec::with_capacity(n),
            ..SoftAccumulator::default()
        }
    }

    /// Record one interaction between agents `parties` (initiator,
    /// counterparty). `payoff` gives S and H for the social surplus.
    pub fn push(
        &mut self,
        parties: (usize, usize),
        p: f64,
        accepted: bool,
        payoff_a: f64,
        payoff_b: f64,
        cfg: &PayoffConfig,
    ) {
        let s = p * cfg.s_plus - (1.0 - p) * cfg.s_minus;
        let h = (1.0 - p) * cfg.h;
        self.records.push(Record {
            p,
            payoff_a,
            payoff_b,
            social: s - h,
            initiator: parties.0 as u32,
            counterparty: parties.1 as u32,
            accepted,
        });
    }

    /// How many records fit before the list grows.
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.records.capacity()
    }

    /// Start a new epoch: later records belong to it.
    pub fn start_epoch(&mut self) {
        self.epoch_start = self.records.len();
    }

    /// Whether the current epoch has no interaction yet.
    pub fn epoch_is_empty(&self) -> bool {
        self.records.len() == self.epoch_start
    }

    /// The current epoch's interactions, in completion order.
    pub fn epoch_interactions(&self) -> impl Iterator<Item = Finalized> + '_ {
        self.records[self.epoch_start..].iter().map(|r| Finalized {
            initiator: r.initiator as usize,
            counterparty: r.counterparty as usize,
            p: r.p,
            accepted: r.accepted,
        })
    }

    /// All soft metrics over the run's interactions.
    pub fn metrics(&self, cfg: &PayoffConfig) -> SoftMetrics {
        soft_metrics(&self.records, cfg)
    }

    /// All soft metrics over the current epoch's interactions.
    pub fn epoch_metrics(&self, cfg: &PayoffConfig) -> SoftMetrics {
        soft_metrics(&self.records[self.epoch_start..], cfg)
    }
}

/// A running Python-3.11 `sum()` (start from integer 0, add left to
/// right) and its count.
#[derive(Debug, Clone, Copy, Default)]
pub struct PySum {
    sum: f64,
    n: usize,
}

impl PySum {
    #[inline]
    pub fn add(&mut self, x: f64) {
        // 0 + x is exact: the first value is the sum so far.
        self.sum = if self.n == 0 { x } else { self.sum + x };
        self.n += 1;
    }

    /// `sum(values) / len(values)`; `None` for no values (where Python
    /// divides by zero).
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

/// The per-record sums the metrics take over one subset of records.
#[derive(Default)]
struct Sums {
    p: PySum,
    tox: PySum,
    payoff_a: PySum,
    payoff_b: PySum,
}

impl Sums {
    #[inline]
    fn add(&mut self, r: &Record) {
        self.p.add(r.p);
        self.tox.add(1.0 - r.p);
        self.payoff_a.add(r.payoff_a);
        self.payoff_b.add(r.payoff_b);
    }
}

/// The soft metrics of docs/model/metrics.md §1 over one set of interactions.
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

fn soft_metrics(recs: &[Record], cfg: &PayoffConfig) -> SoftMetrics {
    let n = recs.len() as u64;
    if n == 0 {
        return SoftMetrics::default();
    }
    // The reference's sums, one pass: each accumulator still adds its own
    // values left to right, so every sum is the one a separate pass gives.
    let mut all = Sums::default();
    let mut acc = Sums::default();
    let mut rej_p = PySum::default();
    let (mut welfare, mut social) = (PySum::default(), PySum::default());
    for r in recs {
        all.add(r);
        if r.accepted {
            acc.add(r);
            welfare.add(r.payoff_a + r.payoff_b);
            social.add(r.social);
        } else {
            rej_p.add(r.p);
        }
    }
    let na = acc.p.n as u64;
    let mut m = SoftMetrics {
        total_interactions: n,
        accepted_interactions: na,
        ..SoftMetrics::default()
    };
    let mean_p_all = all.p.mean().unwrap_or(0.0);
    let mean_p_acc = acc.p.mean();
    let mean_p_rej = rej_p.mean();
    m.toxicity_rate = acc.tox.mean().unwrap_or(0.0);
    m.toxicity_rate_all = all.tox.mean().unwrap_or(0.0);
    m.quality_gap = match (mean_p_acc, mean_p_rej) {
        (Some(a), Some(r)) => a - r,
        _ => 0.0,
    };
    m.average_quality = mean_p_all;
    m.acceptance_rate = na as f64 / n as f64;
    if let Some(mpa) = mean_p_acc {
        m.spread = (cfg.s_plus + cfg.s_minus) * (mean_p_all - mpa);
        let mean_a_acc = acc.payoff_a.mean().unwrap_or(0.0);
        let mean_b_acc = acc.payoff_b.mean().unwrap_or(0.0);
        m.conditional_loss_initiator = mean_a_acc - all.payoff_a.mean().unwrap_or(0.0);
        m.conditional_loss_counterparty = mean_b_acc - all.payoff_b.mean().unwrap_or(0.0);
        m.avg_payoff = mean_a_acc;
        m.total_welfare = welfare.sum;
        m.net_social_welfare = social.sum;
    }
    m.baseline_harm = 1.0 - mean_p_all;
    let alpha = m.acceptance_rate;
    let beta = 1.0 - alpha;
    m.selection_credit = beta * m.quality_gap;
    if n >= 2 && na > 0 && na < n {
        let mut var = PySum::default();
        for r in recs {
            var.add((r.p - mean_p_all) * (r.p - mean_p_all));
        }
        let sd = var.mean().unwrap_or(0.0).sqrt();
        if sd > 0.0 {
            let root = (alpha * beta).sqrt();
            m.quality_correlation = m.quality_gap * root / sd;
            m.selection_saturation = m.quality_gap.abs() * root / sd;
        }
    }
    m
}

/// The security report figures of one epoch (one-epoch lag, §2).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SecurityFigures {
    pub ecosystem_threat_level: f64,
    pub active_threat_count: u64,
    pub contagion_depth: u64,
}

/// The collusion report figures of one epoch (one-epoch lag, §2).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CollusionFigures {
    pub ecosystem_collusion_risk: f64,
    pub n_flagged_pairs: u64,
}

/// The contract market's screening figures of one epoch (its
/// `contract_metrics`, which the success criteria read from the last epoch).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ContractFigures {
    pub separation_quality: f64,
    pub infiltration_rate: f64,
    pub welfare_delta: f64,
    pub attack_displacement: f64,
}

/// One epoch's metrics: the `EPOCH_COMPLETED` payload plus the extra columns
/// of docs/model/outputs.md §3.
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
    /// With a contract market.
    pub contract: Option<ContractFigures>,
    /// `capability_envelope_metrics`, when self-modifying agents exist.
    pub capability_envelope: Option<super::CapabilityEnvelope>,
}

/// The per-epoch metrics columns (docs/model/outputs.md §3), in order.
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

/// What reads one column from an epoch's metrics: a column name looked up
/// once ([`EpochMetrics::column`]) rather than for every cell.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    Epoch(fn(&EpochMetrics) -> MetricValue),
    Soft(fn(&SoftMetrics) -> f64),
}

impl Column {
    pub fn read(self, e: &EpochMetrics) -> MetricValue {
        match self {
            Column::Epoch(read) => read(e),
            Column::Soft(read) => MetricValue::Float(read(&e.soft)),
        }
    }
}

impl EpochMetrics {
    /// The value of a column of [`EPOCH_COLUMNS`], [`SECURITY_COLUMNS`] or
    /// [`COLLUSION_COLUMNS`] (also `toxicity_rate_all`); `None` for an unknown name.
    pub fn get(&self, name: &str) -> Option<MetricValue> {
        Self::column(name).map(|c| c.read(self))
    }

    /// What reads the column `name` (see [`get`](Self::get)).
    pub fn column(name: &str) -> Option<Column> {
        use MetricValue::{Float, Int, Missing};
        Some(Column::Epoch(match name {
            "epoch" => |e| Int(u64::from(e.epoch)),
            "total_interactions" => |e| Int(e.soft.total_interactions),
            "accepted_interactions" => |e| Int(e.soft.accepted_interactions),
            "total_posts" => |e| Int(e.total_posts),
            "total_votes" => |e| Int(e.total_votes),
            "n_frozen" => |e| Int(e.n_frozen),
            "n_quarantined" => |e| Int(e.n_quarantined),
            "ecosystem_threat_level" => |e| {
                e.security
                    .map_or(Missing, |r| Float(r.ecosystem_threat_level))
            },
            "active_threat_count" => |e| e.security.map_or(Missing, |r| Int(r.active_threat_count)),
            "contagion_depth" => |e| e.security.map_or(Missing, |r| Int(r.contagion_depth)),
            "ecosystem_collusion_risk" => |e| {
                e.collusion
                    .map_or(Missing, |r| Float(r.ecosystem_collusion_risk))
            },
            "n_flagged_pairs" => |e| e.collusion.map_or(Missing, |r| Int(r.n_flagged_pairs)),
            other => return SoftMetrics::column(other).map(Column::Soft),
        }))
    }
}

impl SoftMetrics {
    /// A float metric by its SWARM name.
    pub fn get(&self, name: &str) -> Option<f64> {
        Self::column(name).map(|read| read(self))
    }

    /// What reads the float metric `name` (see [`get`](Self::get)).
    pub fn column(name: &str) -> Option<fn(&SoftMetrics) -> f64> {
        Some(match name {
            "toxicity_rate" => |s| s.toxicity_rate,
            "toxicity_rate_all" => |s| s.toxicity_rate_all,
            "quality_gap" => |s| s.quality_gap,
            "quality_correlation" => |s| s.quality_correlation,
            "baseline_harm" => |s| s.baseline_harm,
            "selection_credit" => |s| s.selection_credit,
            "selection_saturation" => |s| s.selection_saturation,
            "spread" => |s| s.spread,
            "conditional_loss_initiator" => |s| s.conditional_loss_initiator,
            "conditional_loss_counterparty" => |s| s.conditional_loss_counterparty,
            "average_quality" => |s| s.average_quality,
            "acceptance_rate" => |s| s.acceptance_rate,
            "avg_payoff" => |s| s.avg_payoff,
            "total_welfare" => |s| s.total_welfare,
            "net_social_welfare" => |s| s.net_social_welfare,
            "total_interactions" => |s| s.total_interactions as f64,
            "accepted_interactions" => |s| s.accepted_interactions as f64,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_reads_its_own_field() {
        let e = EpochMetrics {
            epoch: 3,
            total_posts: 11,
            soft: SoftMetrics {
                toxicity_rate: 0.25,
                toxicity_rate_all: 0.5,
                accepted_interactions: 7,
                ..SoftMetrics::default()
            },
            security: Some(SecurityFigures {
                contagion_depth: 4,
                ..SecurityFigures::default()
            }),
            ..EpochMetrics::default()
        };
        let cols = EPOCH_COLUMNS
            .iter()
            .chain(SECURITY_COLUMNS)
            .chain(COLLUSION_COLUMNS);
        for c in cols.chain(&["toxicity_rate_all"]) {
            assert!(EpochMetrics::column(c).is_some(), "{c}");
        }
        assert_eq!(e.get("epoch"), Some(MetricValue::Int(3)));
        assert_eq!(e.get("total_posts"), Some(MetricValue::Int(11)));
        assert_eq!(e.get("accepted_interactions"), Some(MetricValue::Int(7)));
        assert_eq!(e.get("toxicity_rate"), Some(MetricValue::Float(0.25)));
        assert_eq!(e.get("toxicity_rate_all"), Some(MetricValue::Float(0.5)));
        assert_eq!(e.get("contagion_depth"), Some(MetricValue::Int(4)));
        assert_eq!(e.get("n_flagged_pairs"), Some(MetricValue::Missing));
        assert_eq!(e.get("no_such_metric"), None);
        assert_eq!(e.soft.get("accepted_interactions"), Some(7.0));
        assert_eq!(e.soft.get("epoch"), None);
    }
}
