//! The capability-envelope figures the reference adds to each epoch's
//! metrics when self-modifying agents exist
//! (docs/model/work-regime-coding-skillrl-ralph.md §4.4.4): per agent, the
//! share of the five capability types it demonstrates and the share of
//! those that governance covers; aggregated with numpy.

use super::numpy;

/// Capability types in the universe, demonstrated by every self-modifying
/// agent (four, plus creativity above the weight threshold), and governed.
const UNIVERSE: f64 = 5.0;
const BASE_DEMONSTRATED: u32 = 4;
const GOVERNED: f64 = 2.0;
/// Ungoverned proxy weight above which an agent demonstrates creativity.
const CREATIVITY_WEIGHT: f64 = 0.6;

/// `capability_envelope_metrics` of one epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapabilityEnvelope {
    pub mean_envelope: f64,
    pub mean_governance_coverage: f64,
    pub mean_governance_gap: f64,
    pub max_governance_gap: f64,
    pub n_self_mod_agents: u64,
    pub max_modification_depth: u64,
}

impl CapabilityEnvelope {
    /// From each self-modifying agent's (ungoverned proxy weight,
    /// modification depth), registration order; `None` without any.
    pub fn of(profiles: impl Iterator<Item = (f64, u32)>) -> Option<CapabilityEnvelope> {
        let mut envelopes = Vec::new();
        let mut coverages = Vec::new();
        let mut gaps = Vec::new();
        let mut depth = 0u32;
        for (weight, d) in profiles {
            let demonstrated = BASE_DEMONSTRATED + u32::from(weight > CREATIVITY_WEIGHT);
            let envelope = f64::from(demonstrated) / UNIVERSE;
            let coverage = GOVERNED / f64::from(demonstrated);
            envelopes.push(envelope);
            coverages.push(coverage);
            gaps.push(envelope * (1.0 - coverage));
            depth = depth.max(d);
        }
        let max_gap = gaps
            .iter()
            .copied()
            .fold(None, |m: Option<f64>, g| Some(m.map_or(g, |m| m.max(g))))?;
        Some(CapabilityEnvelope {
            mean_envelope: numpy::mean(&envelopes)?,
            mean_governance_coverage: numpy::mean(&coverages)?,
            mean_governance_gap: numpy::mean(&gaps)?,
            max_governance_gap: max_gap,
            n_self_mod_agents: envelopes.len() as u64,
            max_modification_depth: u64::from(depth),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hyperagent_self_mod.yaml, every epoch (measured): three agents at
    /// five capability types.
    #[test]
    fn three_creative_agents_match_the_reference() {
        let e = CapabilityEnvelope::of([(0.7, 1), (0.7, 1), (0.7, 1)].into_iter()).unwrap();
        assert_eq!(e.mean_envelope, 1.0);
        assert_eq!(e.mean_governance_coverage, 0.4000000000000001);
        assert_eq!(e.mean_governance_gap, 0.6);
        assert_eq!(e.max_governance_gap, 0.6);
        assert_eq!((e.n_self_mod_agents, e.max_modification_depth), (3, 1));
        assert_eq!(CapabilityEnvelope::of(std::iter::empty()), None);
    }
}
