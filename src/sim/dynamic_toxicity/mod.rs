//! Dynamic toxicity (docs/model/dynamic-toxicity.md): up to three feedback
//! loops from an epoch's toxicity to the next epoch, each an epoch-end hook
//! of the reference's middleware pipeline, run after network decay and
//! before the epoch's metrics, always in the order proxy drift, trust
//! erosion, quality contagion. None of them changes the epoch's finalized
//! interactions, so an epoch's metrics never see its own feedback.

pub mod contagion;
pub mod drift;
pub mod erosion;

use super::agents::Mind;
use super::events::EventSink;
use crate::metrics::SoftAccumulator;
use crate::rng::PyRandom;
use crate::scenario::Archetype;

/// The mode names `dynamic_toxicity.enabled` may list, in pipeline order.
pub const MODES: [&str; 3] = ["proxy_drift", "trust_erosion", "quality_contagion"];

/// The `dynamic_toxicity` section: the modes it builds (`None` = not
/// listed in `enabled`, or inert in the reference, see the loader), each
/// with its settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub proxy_drift: Option<drift::Config>,
    pub trust_erosion: Option<erosion::Config>,
    pub quality_contagion: Option<contagion::Config>,
}

impl Config {
    /// Whether any mode is built (otherwise the run loop has nothing to do).
    pub fn any(&self) -> bool {
        self.proxy_drift.is_some()
            || self.trust_erosion.is_some()
            || self.quality_contagion.is_some()
    }
}

/// What the epoch-end hooks read and change: live references into the world.
pub(crate) struct EpochEnd<'a> {
    pub epoch: u32,
    /// The run's finalized interactions; the epoch's are the tail.
    pub interactions: &'a SoftAccumulator,
    /// The epoch's `toxicity_rate` (the metric's own value).
    pub toxicity: f64,
    pub archetypes: &'a [Archetype],
    /// State-frozen flags (an erosion exit sets one for good).
    pub frozen: &'a mut [bool],
    pub minds: &'a mut [Mind],
    /// The proxy's sigmoid sharpness, read by every later soft label.
    pub sigmoid_k: &'a mut f64,
    pub sink: Option<&'a mut dyn EventSink>,
}

/// The built modes and their state over a run.
#[derive(Debug, Clone)]
pub(crate) struct DynamicToxicity {
    drift: Option<drift::Drift>,
    erosion: Option<erosion::Erosion>,
    contagion: Option<contagion::Contagion>,
}

impl DynamicToxicity {
    /// `seeded` is the run's `Random(seed)` as freshly seeded: erosion
    /// draws on its own copy.
    pub fn new(cfg: &Config, seeded: &PyRandom, n_agents: usize) -> DynamicToxicity {
        DynamicToxicity {
            drift: cfg.proxy_drift.as_ref().map(drift::Drift::new),
            erosion: cfg
                .trust_erosion
                .as_ref()
                .map(|c| erosion::Erosion::new(c, seeded.clone())),
            contagion: cfg
                .quality_contagion
                .as_ref()
                // Handler interactions' pseudo counterparties get a bias too.
                .map(|c| contagion::Contagion::new(c, crate::sim::party::n_parties(n_agents))),
        }
    }

    /// The epoch-end hooks, in pipeline order. True when an agent exited
    /// (the caller refreshes what depends on the frozen flags).
    pub fn on_epoch_end(&mut self, ctx: &mut EpochEnd) -> bool {
        let mut exited = false;
        if let Some(d) = self.drift.as_mut() {
            d.on_epoch_end(ctx);
        }
        if let Some(e) = self.erosion.as_mut() {
            exited = e.on_epoch_end(ctx);
        }
        if let Some(c) = self.contagion.as_mut() {
            c.on_epoch_end(ctx);
        }
        exited
    }
}

/// Python's `max(a, b)`: `a` unless `b` is larger.
fn py_max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Python's `min(a, b)`: `a` unless `b` is smaller.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, LoadOptions};
    use crate::sim::{run, Event, EventSink};

    /// The library files' shared part: 30 epochs of 10 steps, core agents,
    /// the governance of SWARM's dynamic_toxicity_*.yaml.
    pub(super) fn scenario(agents: [u32; 3], section: &str) -> crate::scenario::Scenario {
        let text = format!(
            "scenario_id: dt\nagents:\n  - type: honest\n    count: {}\n  - type: opportunistic\n    count: {}\n  - type: deceptive\n    count: {}\n\
             simulation:\n  n_epochs: 30\n  steps_per_epoch: 10\n  seed: 42\n\
             governance:\n  transaction_tax_rate: 0.0\n  reputation_decay_rate: 0.95\n  bandwidth_cap: 10\n  staking_enabled: false\n  circuit_breaker_enabled: true\n  freeze_threshold_toxicity: 0.6\n  audit_enabled: true\n  audit_probability: 0.1\n  audit_threshold_p: 0.4\n\
             payoff:\n  s_plus: 2.0\n  s_minus: 1.0\n  h: 2.0\n  theta: 0.5\n  rho_a: 0.1\n  rho_b: 0.1\n  w_rep: 1.0\n{section}",
            agents[0], agents[1], agents[2]
        );
        load_str(&text, "dt.yaml", LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario
    }

    /// The dynamic-toxicity events of a run, as debug strings.
    pub(super) fn events(sc: &crate::scenario::Scenario, seed: i64) -> Vec<String> {
        struct Dt(Vec<String>);
        impl EventSink for Dt {
            fn event(&mut self, e: &Event<'_>) {
                if matches!(
                    e,
                    Event::ProxyDrift { .. }
                        | Event::TrustErosion { .. }
                        | Event::QualityContagion { .. }
                ) {
                    self.0.push(format!("{e:?}"));
                }
            }
        }
        let mut sink = Dt(Vec::new());
        crate::sim::run_with_events(sc, seed, &mut sink);
        sink.0
    }

    #[test]
    fn combined_seed1_first_epochs_match_the_reference() {
        // Values traced from swarm-safety 1.9.0 (dynamic_toxicity_combined.yaml, seed 1).
        let sc = scenario(
            [6, 2, 2],
            "dynamic_toxicity:\n  enabled: [proxy_drift, trust_erosion, quality_contagion]\n  proxy_drift: {alpha: 0.3, k_floor: 0.5}\n  trust_erosion: {beta: 0.5, exit_threshold: 0.30, window: 3, min_honest: 1}\n  quality_contagion: {gamma: 0.3, neutral: 0.5}\n",
        );
        let r = run(&sc, 1);
        let tox: Vec<f64> = r.epochs[..8].iter().map(|m| m.soft.toxicity_rate).collect();
        assert_eq!(
            tox,
            [
                0.2854597658691419,
                0.3351011176041068,
                0.33596349385258467,
                0.3802752185041573,
                0.3488418160919717,
                0.3858786069969973,
                0.4266341179335684,
                0.46038040311737116,
            ]
        );
        assert_eq!(r.epochs[6].soft.net_social_welfare, -1.1985353070105793);
        let frozen: Vec<u64> = r.epochs[..9].iter().map(|m| m.n_frozen).collect();
        assert_eq!(frozen, [0, 0, 0, 1, 2, 3, 3, 3, 4]);
        assert_eq!(r.n_frozen, 5);
        let total: u64 = r.epochs.iter().map(|m| m.soft.total_interactions).sum();
        assert_eq!(total, 206);
    }

    #[test]
    fn a_mode_that_never_fires_changes_nothing() {
        // dynamic_toxicity_trust_erosion.yaml: the rolling toxicity of seed 1
        // never passes 0.35, so the run is the run without the section.
        let section = "dynamic_toxicity:\n  enabled: [trust_erosion]\n  trust_erosion: {beta: 0.3, exit_threshold: 0.35, window: 3, min_honest: 1}\n";
        let with = run(&scenario([7, 2, 1], section), 1);
        let without = run(&scenario([7, 2, 1], ""), 1);
        assert_eq!(with, without);
        assert!(events(&scenario([7, 2, 1], section), 1).is_empty());
    }

    #[test]
    fn contagion_first_changes_honest_partner_choice() {
        // dynamic_toxicity_contagion_aggressive.yaml, seed 1: interaction #21
        // (epoch 2, step 6) is honest_1 -> honest_4 where the run without
        // contagion has honest_1 -> honest_6.
        struct Completed(Vec<(usize, usize, f64, u32, u32)>);
        impl EventSink for Completed {
            fn event(&mut self, e: &Event<'_>) {
                if let Event::InteractionCompleted {
                    initiator,
                    counterparty,
                    p,
                    epoch,
                    step,
                    ..
                } = *e
                {
                    self.0.push((initiator, counterparty, p, epoch, step));
                }
            }
        }
        let completed = |section: &str| {
            let mut sink = Completed(Vec::new());
            crate::sim::run_with_events(&scenario([6, 2, 2], section), 1, &mut sink);
            sink.0
        };
        let section = "dynamic_toxicity:\n  enabled: [quality_contagion]\n  quality_contagion: {gamma: 0.4, neutral: 0.5}\n";
        let with = completed(section);
        let without = completed("");
        assert_eq!(with[..21], without[..21]);
        assert_eq!(with[21], (0, 3, 0.6828508043736706, 2, 6));
        assert_eq!((without[21].0, without[21].1), (0, 5));
    }
}
