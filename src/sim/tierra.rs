//! The Tierra handler (docs/model/tierra-awm-memory-negotiation-rivals.md
//! §T.1-§T.3, §T.4.6): a shared resource pool that pays living tierra
//! agents by their efficiency gene at every step start, charges their
//! metabolism, starves the broke and reaps the poorest above the
//! population cap. It also keeps every tierra agent's genome (the
//! reference's genome registry), which the spawn path mutates.

use super::agents::tierra::{Genome, EFFICIENCY, METABOLISM_RATE};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, read, Field};
use crate::scenario::Archetype;

/// The `tierra:` settings, with the reference's defaults. A plain
/// dataclass: values are used as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub total_resource_pool: f64,
    pub resource_replenishment_rate: f64,
    pub base_metabolism_cost: f64,
    pub population_cap: i64,
    pub reaper_mode: String,
    pub mutation_std: f64,
    pub death_threshold: f64,
    pub pool_distribution_rate: f64,
    pub max_efficiency_weight: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            total_resource_pool: 10000.0,
            resource_replenishment_rate: 50.0,
            base_metabolism_cost: 2.0,
            population_cap: 100,
            reaper_mode: "lowest_fitness".into(),
            mutation_std: 0.05,
            death_threshold: 0.0,
            pool_distribution_rate: 0.1,
            max_efficiency_weight: 0.0,
        }
    }
}

/// The reaper mode this engine does not model (its species clustering).
pub const DIVERSITY_PRESERVING: &str = "diversity_preserving";

pub static FIELDS: &[Field<Config>] = &[
    modelled!(total_resource_pool, Number, Rule::Any),
    modelled!(resource_replenishment_rate, Number, Rule::Any),
    modelled!(base_metabolism_cost, Number, Rule::Any),
    modelled!(population_cap, Integer, Rule::Any),
    modelled!(reaper_mode, Str),
    // Read only by the diversity-preserving reaper.
    read!(reaper_diversity_min, Integer, Rule::Any),
    modelled!(mutation_std, Number, Rule::Any),
    modelled!(death_threshold, Number, Rule::Any),
    modelled!(pool_distribution_rate, Number, Rule::Any),
    modelled!(max_efficiency_weight, Number, Rule::Any),
];

/// Python's `sum()` of floats: from integer 0 (exact), left to right.
fn py_sum(xs: &[f64]) -> f64 {
    xs.iter().fold(0.0, |a, &b| a + b)
}

/// The handler's epoch summary (its own `epoch_completed` event's
/// `tierra_metrics`, §T.4.6).
#[derive(Debug, Clone, PartialEq)]
pub struct EpochSummary {
    pub population: usize,
    pub resource_pool: f64,
    pub total_resources_held: f64,
    pub births: u32,
    pub deaths: u32,
    /// Per gene, the mean over the living agents' genomes (none without
    /// living agents).
    pub genome_means: Option<[f64; 10]>,
}

/// Why an agent died (the `agent_state_updated` event's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Death {
    Starvation,
    Reaped,
}

impl Death {
    pub fn as_str(self) -> &'static str {
        match self {
            Death::Starvation => "starvation",
            Death::Reaped => "reaped",
        }
    }
}

/// What the step hook sees of the world: the agents in registration
/// order, whether each is a tierra agent, and their live state.
pub(crate) struct StepState<'a> {
    pub archetypes: &'a [Archetype],
    /// The agents not frozen at the hook's start, in registration order
    /// (the world's list, in step with `frozen`): the living are found
    /// among them instead of among every agent ever born.
    pub unfrozen: &'a [usize],
    pub frozen: &'a mut [bool],
    pub resources: &'a mut [f64],
    /// The orchestrator's stream (the `random` reaper shuffles on it).
    pub orch: &'a mut PyRandom,
}

#[derive(Debug, Clone)]
pub(crate) struct Tierra {
    /// `None` without a `tierra:` section: then the genomes are kept for
    /// spawning, but no handler hook runs.
    pub cfg: Option<Config>,
    pub pool: f64,
    /// Each agent's genome (`None` for agents of other types).
    genomes: Vec<Option<Genome>>,
    /// Each agent's metabolism cost per step, a function of its genome
    /// alone (0 without a handler).
    metabolism: Vec<f64>,
    pub births: u32,
    pub deaths: u32,
    living: Vec<usize>,
    weights: Vec<f64>,
}

impl Tierra {
    pub fn new(cfg: Option<Config>, genomes: Vec<Option<Genome>>) -> Tierra {
        let mut t = Tierra {
            pool: cfg.as_ref().map_or(0.0, |c| c.total_resource_pool),
            cfg,
            genomes: Vec::with_capacity(genomes.len()),
            metabolism: Vec::with_capacity(genomes.len()),
            births: 0,
            deaths: 0,
            living: Vec::new(),
            weights: Vec::new(),
        };
        genomes.into_iter().for_each(|g| t.add(g));
        t
    }

    /// Agent `a`'s genome (`None` for agents of other types).
    pub fn genome(&self, a: usize) -> Option<Genome> {
        self.genomes[a]
    }

    /// Register the next agent's genome.
    pub fn add(&mut self, genome: Option<Genome>) {
        let cost = self.cfg.as_ref().map_or(0.0, |cfg| match genome {
            Some(g) => {
                g.0[METABOLISM_RATE] * cfg.base_metabolism_cost * (1.0 + 0.1 * g.complexity())
            }
            None => cfg.base_metabolism_cost * 0.5,
        });
        self.genomes.push(genome);
        self.metabolism.push(cost);
    }

    /// Make room for `n` more agents.
    pub fn reserve(&mut self, n: usize) {
        self.genomes.reserve(n);
        self.metabolism.reserve(n);
    }

    /// The spawn path's mutation spread (0.05 without a handler).
    pub fn mutation_std(&self) -> f64 {
        self.cfg.as_ref().map_or(0.05, |c| c.mutation_std)
    }

    pub fn on_epoch_start(&mut self) {
        self.births = 0;
        self.deaths = 0;
    }

    /// The epoch-end summary over the living tierra agents.
    pub fn epoch_summary(
        &self,
        archetypes: &[Archetype],
        frozen: &[bool],
        resources: &[f64],
    ) -> EpochSummary {
        let living: Vec<usize> = (0..archetypes.len())
            .filter(|&i| archetypes[i] == Archetype::Tierra && !frozen[i])
            .collect();
        let held: Vec<f64> = living.iter().map(|&a| resources[a]).collect();
        let genomes: Vec<Genome> = living.iter().filter_map(|&a| self.genomes[a]).collect();
        let genome_means = (!genomes.is_empty()).then(|| {
            let mut means = [0.0; 10];
            for (k, m) in means.iter_mut().enumerate() {
                let vals: Vec<f64> = genomes.iter().map(|g| g.0[k]).collect();
                *m = py_sum(&vals) / vals.len() as f64;
            }
            means
        });
        EpochSummary {
            population: living.len(),
            resource_pool: self.pool,
            total_resources_held: py_sum(&held),
            births: self.births,
            deaths: self.deaths,
            genome_means,
        }
    }

    /// The living tierra agents, registration order: those of the agents
    /// unfrozen at the hook's start that are tierra agents and not frozen
    /// since (every agent frozen earlier is missing from `unfrozen`).
    fn collect_living(&mut self, st: &StepState) {
        self.living.clear();
        self.living.extend(
            st.unfrozen
                .iter()
                .copied()
                .filter(|&i| st.archetypes[i] == Archetype::Tierra && !st.frozen[i]),
        );
    }

    /// The step-start hook (§T.3): replenish, pay out by efficiency, charge
    /// metabolism (starving the broke), then reap above the cap. Returns
    /// the dead, in order.
    /// `dead` gets (agent, why, resources returned).
    pub fn on_step(&mut self, st: &mut StepState, dead: &mut Vec<(usize, Death, f64)>) {
        // Moved out for the hook (the kills need `self`), then back.
        let Some(cfg) = self.cfg.take() else {
            return;
        };
        self.hook(&cfg, st, dead);
        self.cfg = Some(cfg);
    }

    fn hook(&mut self, cfg: &Config, st: &mut StepState, dead: &mut Vec<(usize, Death, f64)>) {
        self.pool += cfg.resource_replenishment_rate;
        self.collect_living(st);
        if !self.living.is_empty() && self.pool > 0.0 {
            let distribute = self.pool * cfg.pool_distribution_rate;
            self.weights.clear();
            for &a in &self.living {
                let eff = self.genomes[a].map_or(0.5, |g| g.0[EFFICIENCY]);
                self.weights.push(if eff < 0.01 { 0.01 } else { eff });
            }
            if cfg.max_efficiency_weight > 0.0 && self.weights.len() > 1 {
                let mean = py_sum(&self.weights) / self.weights.len() as f64;
                let cap = mean * cfg.max_efficiency_weight;
                self.weights
                    .iter_mut()
                    .for_each(|w| *w = if cap < *w { cap } else { *w });
            }
            let total = py_sum(&self.weights);
            for (&a, &w) in self.living.iter().zip(&self.weights) {
                st.resources[a] += distribute * (w / total);
            }
            self.pool -= distribute;
        }
        for k in 0..self.living.len() {
            let a = self.living[k];
            let cost = self.metabolism[a];
            let actual = if st.resources[a] < cost {
                st.resources[a]
            } else {
                cost
            };
            st.resources[a] += -actual;
            self.pool += actual;
            if st.resources[a] <= cfg.death_threshold {
                self.kill(a, st, Death::Starvation, dead);
            }
        }
        self.collect_living(st);
        let excess = self.living.len() as i64 - cfg.population_cap;
        if excess > 0 {
            if cfg.reaper_mode == "random" {
                st.orch.shuffle(&mut self.living);
            } else {
                // `oldest` sorts by resources too (a reference bug); a stable
                // sort keeps ties in registration order.
                let res = &st.resources;
                self.living.sort_by(|&x, &y| {
                    res[x]
                        .partial_cmp(&res[y])
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
            }
            for k in 0..excess as usize {
                let a = self.living[k];
                self.kill(a, st, Death::Reaped, dead);
            }
        }
    }

    /// Return the agent's resources to the pool and freeze it for good.
    fn kill(
        &mut self,
        a: usize,
        st: &mut StepState,
        why: Death,
        dead: &mut Vec<(usize, Death, f64)>,
    ) {
        let remaining = st.resources[a];
        st.resources[a] = 0.0;
        self.pool += remaining;
        st.frozen[a] = true;
        self.deaths += 1;
        dead.push((a, why, remaining));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two steps of tierra.yaml's hook at seed 1 with 20 roots (§T.3's
    /// worked numbers: 50.25 each, metabolism 1.0, pool 9065.0; then
    /// 45.575 each, pool 8223.5).
    #[test]
    fn the_first_steps_match_the_worked_numbers() {
        let n = 20;
        let mut t = Tierra::new(Some(Config::default()), vec![Some(Genome::DEFAULT); n]);
        let archetypes = vec![Archetype::Tierra; n];
        let mut frozen = vec![false; n];
        let mut resources = vec![100.0; n];
        let mut orch = PyRandom::new(1);
        let mut dead = Vec::new();
        let unfrozen: Vec<usize> = (0..n).collect();
        let mut st = StepState {
            archetypes: &archetypes,
            unfrozen: &unfrozen,
            frozen: &mut frozen,
            resources: &mut resources,
            orch: &mut orch,
        };
        t.on_step(&mut st, &mut dead);
        assert_eq!(st.resources[0], 149.25);
        assert_eq!(t.pool, 9065.0);
        t.on_step(&mut st, &mut dead);
        assert_eq!(st.resources[19], 193.825);
        assert_eq!(t.pool, 8223.5);
        assert!(dead.is_empty());
    }

    /// tierra.yaml at seed 1, epoch 0 (§T.4.6): the handler's summary as
    /// the reference logs it, and the epoch's metrics (§7.1).
    #[test]
    fn tierra_yaml_epoch_0_matches_the_reference() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/reference-library/tierra.yaml"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            return; // the library is not beside this checkout
        };
        let text = text.replace("n_epochs: 50", "n_epochs: 1");
        let opts = crate::scenario::LoadOptions::default();
        let s = crate::scenario::load_str(&text, "tierra.yaml", opts)
            .unwrap()
            .scenario;
        let mut events: Vec<String> = Vec::new();
        let run = crate::sim::run_with_events(&s, 1, &mut events);
        let m = &run.epochs[0];
        assert_eq!(m.soft.toxicity_rate, 0.59660624837239);
        assert_eq!(m.soft.total_welfare, 23.960663056642623);
        let summary = events
            .iter()
            .find(|e| e.starts_with("TierraEpochCompleted"))
            .unwrap();
        for want in [
            "population: 80",
            "resource_pool: 2169.6574374556694",
            "total_resources_held: 10830.342562544343",
            "births: 60",
            "deaths: 0",
            "0.3941835224786659",
        ] {
            assert!(summary.contains(want), "{want} in {summary}");
        }
    }
}
