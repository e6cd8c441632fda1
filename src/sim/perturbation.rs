//! The perturbation engine (docs/model/perturbations-rbac-spawn.md §3.1, §4.1–§4.6):
//! built for a `perturbations` section, hooked in after the governance
//! passes. Epoch start: revert expired parameter shocks, fire the epoch's
//! shocks, partition the network, shock resources, heal the partition.
//! Step start: tick and roll agent dropouts. Epoch end: condition-triggered
//! shocks. Its stream is its own `Random(perturbations.seed)`, drawn only
//! by dropout rolls and the bisect / random-fragment partitions.

use super::network::AgentNetwork;
use crate::governance::Governance;
use crate::rng::PyRandom;
use crate::scenario::params::ParamValue;
use crate::scenario::{
    Archetype, ParameterShock, PartitionMode, PerturbationConfig, ResourceShockMode, Trigger,
};

/// A fired shock that will be reverted.
#[derive(Debug, Clone)]
struct SavedShock {
    /// The first epoch start that restores it.
    revert_at: i64,
    /// Each parameter's value when the shock was applied, in shock order.
    originals: Vec<(&'static str, ParamValue)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Perturbations<'s> {
    cfg: &'s PerturbationConfig,
    rng: PyRandom,
    /// Dropped agents with the steps they stay dropped, in the order they
    /// were dropped.
    active: Vec<(usize, i64)>,
    /// Per agent: currently dropped. Empty unless dropout is on.
    dropped: Vec<bool>,
    /// Per agent: not exempt from dropout (its archetype is not listed).
    rolled: Vec<bool>,
    saved: Vec<SavedShock>,
    /// Per shock (list order): fired already.
    fired: Vec<bool>,
    resource_fired: bool,
    partition_fired: bool,
    /// Each agent's edges (with weights) when the partition was made.
    saved_edges: Vec<(usize, Vec<(usize, f64)>)>,
    partition_active: bool,
}

impl<'s> Perturbations<'s> {
    /// `fallback_seed` seeds the stream when the section has no seed (the
    /// reference uses OS entropy; the loader refuses such runs when they
    /// draw, unless told to run them anyway).
    pub fn new(
        cfg: &'s PerturbationConfig,
        fallback_seed: i64,
        archetypes: &[Archetype],
        gov: &mut Governance,
        agent_ids: &[String],
    ) -> Perturbations<'s> {
        let dropout = &cfg.agent_dropout;
        // The collusion lever keeps the agent list only when it is on; a
        // shock may switch it on later.
        if cfg.shocks_param("collusion_detection_enabled") {
            gov.collusion.set_agent_ids(agent_ids);
        }
        Perturbations {
            cfg,
            rng: PyRandom::new(i128::from(cfg.seed.unwrap_or(fallback_seed))),
            active: Vec::new(),
            dropped: if dropout.enabled {
                vec![false; archetypes.len()]
            } else {
                Vec::new()
            },
            rolled: archetypes
                .iter()
                .map(|a| !dropout.exempt_types.iter().any(|t| t == a.as_str()))
                .collect(),
            saved: Vec::new(),
            fired: vec![false; cfg.parameter_shocks.shocks.len()],
            resource_fired: false,
            partition_fired: false,
            saved_edges: Vec::new(),
            partition_active: false,
        }
    }

    /// The epoch-start hook, after the governance pass of `epoch`.
    pub fn on_epoch_start(
        &mut self,
        epoch: u32,
        gov: &mut Governance,
        resources: &mut [f64],
        network: Option<&mut AgentNetwork>,
        archetypes: &[Archetype],
    ) {
        let epoch = i64::from(epoch);
        self.revert_expired(epoch, gov);
        let shocks = &self.cfg.parameter_shocks;
        if shocks.enabled {
            for (i, spec) in shocks.shocks.iter().enumerate() {
                if spec.trigger == Trigger::Epoch && spec.at_epoch == Some(epoch) && !self.fired[i]
                {
                    self.apply_shock(spec, epoch, gov);
                    self.fired[i] = true;
                }
            }
        }
        let mut network = network;
        let p = &self.cfg.network_partition;
        if p.enabled
            && !self.partition_fired
            && p.trigger == Trigger::Epoch
            && p.at_epoch == Some(epoch)
        {
            if let Some(net) = network.as_deref_mut() {
                self.partition(net, archetypes);
            }
            self.partition_fired = true;
        }
        let r = &self.cfg.resource_shock;
        if r.enabled
            && !self.resource_fired
            && r.trigger == Trigger::Epoch
            && r.at_epoch == Some(epoch)
        {
            shock_resources(r.mode, r.magnitude, resources);
            self.resource_fired = true;
        }
        if let (true, Some(heal), Some(at)) =
            (self.partition_active, p.heal_after_epochs, p.at_epoch)
        {
            if epoch >= at + heal {
                if let Some(net) = network {
                    for (a, edges) in &self.saved_edges {
                        for &(b, w) in edges {
                            net.add_edge(*a, b, w);
                        }
                    }
                    self.saved_edges.clear();
                    self.partition_active = false;
                }
            }
        }
    }

    /// The step-start hook: expire dropouts, then roll new ones.
    pub fn on_step_start(&mut self) {
        let dropped = &mut self.dropped;
        self.active.retain_mut(|(agent, left)| {
            if *left <= 1 {
                if let Some(d) = dropped.get_mut(*agent) {
                    *d = false;
                }
                false
            } else {
                *left -= 1;
                true
            }
        });
        let d = &self.cfg.agent_dropout;
        if !d.enabled {
            return;
        }
        for agent in 0..self.dropped.len() {
            if self.dropped[agent] || !self.rolled[agent] {
                continue;
            }
            if self.rng.random() < d.probability_per_step {
                // `randint` of an empty range raises before drawing, and
                // the reference's pipeline drops the rest of the roll.
                let width = i128::from(d.max_duration_steps) - i128::from(d.min_duration_steps) + 1;
                if width <= 0 {
                    return;
                }
                let steps = d.min_duration_steps + self.rng.randbelow(width as usize) as i64;
                self.active.push((agent, steps));
                self.dropped[agent] = true;
            }
        }
    }

    /// Per agent, whether it sits out this step; `None` without dropout.
    pub fn dropped(&self) -> Option<&[bool]> {
        (!self.dropped.is_empty()).then_some(&self.dropped[..])
    }

    /// Whether the epoch-end hook needs the epoch's toxicity and quality gap.
    pub fn checks_conditions(&self) -> bool {
        let shocks = &self.cfg.parameter_shocks;
        shocks.enabled
            && shocks
                .shocks
                .iter()
                .zip(&self.fired)
                .any(|(s, fired)| s.trigger == Trigger::Condition && s.when.is_some() && !fired)
    }

    /// The epoch-end hook: condition-triggered shocks, judged on the
    /// epoch's metrics (0.0 and 0.0 for an epoch without interactions).
    pub fn on_epoch_end(
        &mut self,
        epoch: u32,
        toxicity_rate: f64,
        quality_gap: f64,
        gov: &mut Governance,
    ) {
        let shocks = &self.cfg.parameter_shocks;
        if !shocks.enabled {
            return;
        }
        for (i, spec) in shocks.shocks.iter().enumerate() {
            if spec.trigger != Trigger::Condition || self.fired[i] {
                continue;
            }
            if spec
                .when
                .is_some_and(|c| c.holds(epoch, toxicity_rate, quality_gap))
            {
                self.apply_shock(spec, i64::from(epoch), gov);
                self.fired[i] = true;
            }
        }
    }

    fn apply_shock(&mut self, spec: &ParameterShock, epoch: i64, gov: &mut Governance) {
        let mut originals = Vec::with_capacity(spec.params.len());
        for (key, value) in &spec.params {
            if let Some(old) = gov.param(key) {
                originals.push((*key, old));
                gov.set_param(key, value);
            }
        }
        if let Some(after) = spec.revert_after_epochs {
            // A revert due at or before the activation epoch's own check
            // (after ≤ 0) happens at the next epoch start.
            self.saved.push(SavedShock {
                revert_at: epoch.saturating_add(after),
                originals,
            });
        }
    }

    fn revert_expired(&mut self, epoch: i64, gov: &mut Governance) {
        self.saved.retain(|s| {
            if epoch < s.revert_at {
                return true;
            }
            for (key, value) in &s.originals {
                gov.set_param(key, value);
            }
            false
        });
    }

    fn partition(&mut self, net: &mut AgentNetwork, archetypes: &[Archetype]) {
        let n = archetypes.len();
        self.saved_edges = (0..n)
            .filter(|&a| !net.edges_of(a).is_empty())
            .map(|a| (a, net.edges_of(a).to_vec()))
            .collect();
        let cut = |net: &mut AgentNetwork, side: &[bool]| {
            for a in (0..n).filter(|&a| side[a]) {
                let across: Vec<usize> = net.neighbours(a).filter(|&b| !side[b]).collect();
                for b in across {
                    net.remove_edge(a, b);
                }
            }
        };
        let p = &self.cfg.network_partition;
        match p.mode {
            PartitionMode::Bisect => {
                let mut ids: Vec<usize> = (0..n).collect();
                self.rng.shuffle(&mut ids);
                let mut first_half = vec![false; n];
                for &a in &ids[..n / 2] {
                    first_half[a] = true;
                }
                cut(net, &first_half);
            }
            PartitionMode::IsolateType => {
                let Some(isolated) = &p.isolate_type else {
                    return;
                };
                let side: Vec<bool> = archetypes.iter().map(|a| a.as_str() == isolated).collect();
                cut(net, &side);
            }
            PartitionMode::RandomFragment => {
                // One draw per undirected edge, at its first sighting.
                let mut seen = vec![false; n * n];
                let mut doomed = Vec::new();
                for a in 0..n {
                    for b in net.neighbours(a) {
                        let key = a.min(b) * n + a.max(b);
                        if !seen[key] {
                            seen[key] = true;
                            if self.rng.random() < 0.5 {
                                doomed.push((a, b));
                            }
                        }
                    }
                }
                for (a, b) in doomed {
                    net.remove_edge(a, b);
                }
            }
        }
        self.partition_active = true;
    }
}

/// `_apply_resource_shock` on every agent, registration order.
fn shock_resources(mode: ResourceShockMode, magnitude: f64, resources: &mut [f64]) {
    match mode {
        ResourceShockMode::DrainAll => {
            for r in resources.iter_mut() {
                let drain = *r * magnitude;
                *r += -drain;
            }
        }
        ResourceShockMode::Inflate => {
            for r in resources.iter_mut() {
                let bonus = *r * magnitude;
                *r += bonus;
            }
        }
        ResourceShockMode::Redistribute => {
            if resources.is_empty() {
                return;
            }
            // Python's sum(): left to right from the integer 0.
            let total = resources.iter().fold(0.0, |acc, &r| acc + r);
            let share = total / resources.len() as f64;
            for r in resources.iter_mut() {
                let diff = share - *r;
                *r += diff * magnitude;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{
        AgentDropout, Condition, GovernanceConfig, ParameterShocks, PayoffConfig, ResourceShock,
        Semantics,
    };

    fn governance(cfg: &GovernanceConfig, n: usize) -> Governance {
        Governance::new(cfg, &PayoffConfig::default(), Semantics::default(), 1, n)
    }

    /// research_swarm.yaml's agents in registration order: honest ×8,
    /// deceptive ×3, opportunistic ×4, adversarial ×2 and collusive
    /// verifier ×2 (whose reference `AgentType` is deceptive).
    fn research_swarm() -> (Vec<Archetype>, Vec<String>) {
        let mut archetypes = Vec::new();
        let mut ids = Vec::new();
        for (name, archetype, count) in [
            ("honest", Archetype::Honest, 8),
            ("deceptive", Archetype::Deceptive, 3),
            ("opportunistic", Archetype::Opportunistic, 4),
            ("adversarial", Archetype::Adversarial, 2),
            ("collusive_verifier", Archetype::Deceptive, 2),
        ] {
            for k in 1..=count {
                archetypes.push(archetype);
                ids.push(format!("{name}_{k}"));
            }
        }
        (archetypes, ids)
    }

    #[test]
    fn dropouts_follow_the_reference_draws() {
        // docs/model/perturbations-rbac-spawn.md §7.2: seed 42, p 0.08, 2-5 steps,
        // honest exempt; `_active_dropouts` after each step-start hook.
        let cfg = PerturbationConfig {
            seed: Some(42),
            agent_dropout: AgentDropout {
                enabled: true,
                probability_per_step: 0.08,
                min_duration_steps: 2,
                max_duration_steps: 5,
                exempt_types: vec!["honest".into()],
            },
            ..PerturbationConfig::default()
        };
        let (archetypes, ids) = research_swarm();
        let mut gov = governance(&GovernanceConfig::default(), ids.len());
        // The simulation seed plays no part.
        let mut p = Perturbations::new(&cfg, 1, &archetypes, &mut gov, &ids);
        let expected: [&[(&str, i64)]; 8] = [
            &[("deceptive_2", 4), ("adversarial_2", 2)],
            &[("deceptive_2", 3), ("adversarial_2", 1), ("deceptive_1", 3)],
            &[("deceptive_2", 2), ("deceptive_1", 2)],
            &[("deceptive_2", 1), ("deceptive_1", 1), ("deceptive_3", 5)],
            &[("deceptive_3", 4), ("deceptive_2", 3)],
            &[
                ("deceptive_3", 3),
                ("deceptive_2", 2),
                ("opportunistic_4", 3),
            ],
            &[
                ("deceptive_3", 2),
                ("deceptive_2", 1),
                ("opportunistic_4", 2),
                ("adversarial_2", 2),
            ],
            &[
                ("deceptive_3", 1),
                ("opportunistic_4", 1),
                ("adversarial_2", 1),
                ("deceptive_1", 4),
            ],
        ];
        for (step, want) in expected.iter().enumerate() {
            p.on_step_start();
            let got: Vec<(&str, i64)> = p
                .active
                .iter()
                .map(|&(a, d)| (ids[a].as_str(), d))
                .collect();
            assert_eq!(got, *want, "step {step}");
            let dropped = p.dropped().unwrap();
            for (a, id) in ids.iter().enumerate() {
                assert_eq!(
                    dropped[a],
                    want.iter().any(|(w, _)| w == id),
                    "step {step} {id}"
                );
            }
        }
        // Step 0 drew 11 random() and 2 randint: the next random() of the
        // stream after step 0 is draw #13 of the trace (0.026535969683863625).
        let mut q = Perturbations::new(&cfg, 1, &archetypes, &mut gov, &ids);
        q.on_step_start();
        assert_eq!(q.rng.random(), 0.026535969683863625);
    }

    #[test]
    fn dropout_off_draws_nothing_and_an_empty_range_stops_the_roll() {
        let (archetypes, ids) = research_swarm();
        let mut gov = governance(&GovernanceConfig::default(), ids.len());
        let mut cfg = PerturbationConfig {
            seed: Some(42),
            ..PerturbationConfig::default()
        };
        let mut p = Perturbations::new(&cfg, 1, &archetypes, &mut gov, &ids);
        p.on_step_start();
        assert_eq!(p.dropped(), None);
        assert_eq!(p.rng.random(), PyRandom::new(42).random());
        // min > max: the first hit (deceptive_2, draw #1) ends the roll.
        cfg.agent_dropout = AgentDropout {
            enabled: true,
            probability_per_step: 0.08,
            min_duration_steps: 3,
            max_duration_steps: 2,
            exempt_types: vec!["honest".into()],
        };
        let mut p = Perturbations::new(&cfg, 1, &archetypes, &mut gov, &ids);
        p.on_step_start();
        assert!(p.active.is_empty());
        let mut twin = PyRandom::new(42);
        twin.random();
        twin.random();
        assert_eq!(p.rng.random(), twin.random());
    }

    #[test]
    fn resource_shocks_in_python_float_order() {
        let start = [100.0, 22.13151581832221, 52.11979602593624, 77.0];
        let shocked = |mode, magnitude| {
            let mut r = start;
            shock_resources(mode, magnitude, &mut r);
            r
        };
        assert_eq!(
            shocked(ResourceShockMode::DrainAll, 0.4),
            [60.0, 13.278909490993327, 31.271877615561742, 46.2]
        );
        assert_eq!(
            shocked(ResourceShockMode::Inflate, 0.3),
            [130.0, 28.770970563818874, 67.75573483371711, 100.1]
        );
        assert_eq!(
            shocked(ResourceShockMode::Redistribute, 0.5),
            [
                81.4064139805323,
                42.47217188969341,
                57.466311993500426,
                69.9064139805323
            ]
        );
        // Equal shares are not a fixed point when the sum rounds.
        let mut r = [0.1, 0.1, 0.1];
        shock_resources(ResourceShockMode::Redistribute, 1.0, &mut r);
        assert_eq!(r, [0.10000000000000002; 3]);
    }

    #[test]
    fn a_resource_shock_fires_once_at_its_epoch() {
        let cfg = PerturbationConfig {
            resource_shock: ResourceShock {
                enabled: true,
                at_epoch: Some(5),
                magnitude: 0.3,
                ..ResourceShock::default()
            },
            ..PerturbationConfig::default()
        };
        let mut gov = governance(&GovernanceConfig::default(), 2);
        let ids = ["a".to_string(), "b".to_string()];
        let archetypes = [Archetype::Honest, Archetype::Cautious];
        let mut p = Perturbations::new(&cfg, 1, &archetypes, &mut gov, &ids);
        let mut resources = [100.0, 100.0];
        for epoch in 0..10 {
            p.on_epoch_start(epoch, &mut gov, &mut resources, None, &archetypes);
            let want = if epoch < 5 { 100.0 } else { 70.0 };
            assert_eq!(resources, [want; 2], "epoch {epoch}");
        }
    }

    /// The decay rate each epoch's governance pass sees (it runs before the
    /// perturbation hook), for these shocks of `reputation_decay_rate`.
    fn decay_seen(shocks: Vec<ParameterShock>, epochs: u32) -> Vec<f64> {
        let cfg = PerturbationConfig {
            parameter_shocks: ParameterShocks {
                enabled: true,
                shocks,
            },
            ..PerturbationConfig::default()
        };
        let gcfg = GovernanceConfig {
            reputation_decay_rate: 0.9,
            ..GovernanceConfig::default()
        };
        let mut gov = governance(&gcfg, 1);
        let ids = ["a".to_string()];
        let mut p = Perturbations::new(&cfg, 1, &[Archetype::Honest], &mut gov, &ids);
        let mut seen = Vec::new();
        for epoch in 0..epochs {
            seen.push(gov.config().reputation_decay_rate);
            p.on_epoch_start(epoch, &mut gov, &mut [100.0], None, &[Archetype::Honest]);
            if p.checks_conditions() {
                p.on_epoch_end(epoch, 0.0, 0.0, &mut gov);
            }
        }
        seen
    }

    fn decay_shock(
        trigger: Trigger,
        at: Option<i64>,
        to: f64,
        revert: Option<i64>,
    ) -> ParameterShock {
        ParameterShock {
            trigger,
            at_epoch: at,
            when: Condition::parse("epoch >= 1").filter(|_| trigger == Trigger::Condition),
            params: vec![("reputation_decay_rate", ParamValue::Float(to))],
            revert_after_epochs: revert,
        }
    }

    #[test]
    fn shocks_and_reverts_land_after_the_governance_pass() {
        // docs/model/perturbations-rbac-spawn.md §4.2 and §4.5, measured on the reference.
        let at2 = decay_shock(Trigger::Epoch, Some(2), 0.5, Some(1));
        assert_eq!(decay_seen(vec![at2], 5), [0.9, 0.9, 0.9, 0.5, 0.9]);
        // Reverts restore the value seen when the shock was applied.
        let a = decay_shock(Trigger::Epoch, Some(1), 0.5, Some(3));
        let b = decay_shock(Trigger::Epoch, Some(2), 0.7, Some(1));
        assert_eq!(decay_seen(vec![a, b], 6), [0.9, 0.9, 0.5, 0.7, 0.5, 0.9]);
        // A revert after 0 epochs behaves like 1.
        let zero = decay_shock(Trigger::Epoch, Some(2), 0.5, Some(0));
        assert_eq!(decay_seen(vec![zero], 5), [0.9, 0.9, 0.9, 0.5, 0.9]);
        // Condition shocks fire at an epoch's end, once.
        let cond = decay_shock(Trigger::Condition, None, 0.5, Some(2));
        assert_eq!(decay_seen(vec![cond], 5), [0.9, 0.9, 0.5, 0.5, 0.9]);
        // Without a revert the value stays.
        let kept = decay_shock(Trigger::Epoch, Some(1), 0.5, None);
        assert_eq!(decay_seen(vec![kept], 4), [0.9, 0.9, 0.5, 0.5]);
    }

    fn load(body: &str) -> crate::scenario::Scenario {
        let text = format!(
            "agents:\n  - type: honest\n    count: 3\n  - type: adversarial\n    count: 2\nsimulation:\n  n_epochs: 3\n  steps_per_epoch: 5\n{body}"
        );
        crate::scenario::load_str(&text, "t.yaml", crate::scenario::LoadOptions::default())
            .unwrap()
            .scenario
    }

    #[test]
    fn the_stream_is_its_own_and_dropped_agents_sit_out() {
        let plain = crate::sim::run(&load(""), 5);
        // Dropout that never hits draws on its own stream only.
        let never = "perturbations:\n  seed: 3\n  agent_dropout:\n    enabled: true\n    probability_per_step: 0.0\n";
        assert_eq!(crate::sim::run(&load(never), 5).epochs, plain.epochs);
        // Every agent dropped for the whole run: nobody acts.
        let all = "perturbations:\n  seed: 3\n  agent_dropout:\n    enabled: true\n    probability_per_step: 1.0\n    min_duration_steps: 100\n    max_duration_steps: 100\n";
        let r = crate::sim::run(&load(all), 5);
        assert!(r
            .epochs
            .iter()
            .all(|e| e.soft.total_interactions == 0 && e.total_posts == 0));
        // Exempt archetypes keep acting.
        let exempt = format!("{all}    exempt_types: [honest, adversarial]\n");
        assert_eq!(crate::sim::run(&load(&exempt), 5).epochs, plain.epochs);
    }

    #[test]
    fn a_shock_changes_the_run_from_its_epoch_on() {
        let gov = "governance:\n  transaction_tax_rate: 0.1\n";
        let plain = crate::sim::run(&load(gov), 5);
        let shock = format!(
            "{gov}perturbations:\n  parameter_shocks:\n    enabled: true\n    shocks:\n      - at_epoch: 1\n        params:\n          transaction_tax_rate: 0.5\n"
        );
        let shocked = crate::sim::run(&load(&shock), 5);
        assert_eq!(shocked.epochs[0], plain.epochs[0]);
        assert_ne!(shocked.epochs[1], plain.epochs[1]);
        let drained = "perturbations:\n  resource_shock:\n    enabled: true\n    at_epoch: 2\n    magnitude: 0.25\n";
        let r = crate::sim::run(&load(drained), 5);
        assert!(r.agents.iter().all(|a| a.resources == 75.0));
    }
}
