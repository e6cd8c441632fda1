//! The resource-negotiation handler (docs/model/tierra-awm-memory-negotiation-rivals.md
//! Part N). The reference pairs every agent into games once, before the
//! run, drawing the games on the orchestrator's own stream; the games are
//! never played (the observation builder drops them), so those build-time
//! draws are all that reaches a run: they shift every later draw of that
//! stream.

use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, Ty};
use crate::scenario::schema::{modelled, read, Field, Role};

/// The `resource_negotiation:` settings, with the reference's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub min_resource_types: i64,
    pub max_resource_types: i64,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub min_valuation: f64,
    pub max_valuation: f64,
    pub resource_names: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_resource_types: 2,
            max_resource_types: 4,
            min_quantity: 1,
            max_quantity: 5,
            min_valuation: 1.0,
            max_valuation: 10.0,
            resource_names: ["apples", "bananas", "cherries", "dates", "elderberries"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// The section's keys. Its config is a plain dataclass: values are used as
/// written, an unknown key fails the reference's load. The turn and
/// deadline settings only drive the games, which are never played.
pub static FIELDS: &[Field<Config>] = &[
    modelled!(min_resource_types, Integer, Rule::IntRange(0, i64::MAX)),
    modelled!(max_resource_types, Integer, Rule::IntRange(0, i64::MAX)),
    modelled!(min_quantity, Integer, Rule::Any),
    modelled!(max_quantity, Integer, Rule::Any),
    modelled!(min_valuation, Number, Rule::Any),
    modelled!(max_valuation, Number, Rule::Any),
    Field {
        key: "resource_names",
        ty: Ty::StrList,
        rule: Rule::Any,
        role: Role::ModelledList {
            store: |c, node| {
                c.resource_names = crate::scenario::coerce::str_list(node).unwrap_or_default()
            },
            get: |c| Some(c.resource_names.clone()),
        },
        inert: None,
    },
    read!(guaranteed_rounds, Number, Rule::Any),
    read!(termination_probability, Number, Rule::Any),
    read!(no_deal_score, Number, Rule::Any),
    read!(max_rounds, Number, Rule::Any),
];

impl Config {
    /// What would make the reference's game creation fail: `randint` over
    /// an empty range.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, lo, hi) in [
            (
                "resource_types",
                self.min_resource_types,
                self.max_resource_types,
            ),
            ("quantity", self.min_quantity, self.max_quantity),
        ] {
            if lo > hi {
                out.push(format!(
                    "min_{what} ({lo}) is above max_{what} ({hi}): the reference fails creating its games"
                ));
            }
        }
        out
    }
}

/// One game as created: the players (indices into the agents), the
/// resources in the pool (indices into `resource_names`, first occurrence
/// order), their quantities, and each player's valuations as drawn (the
/// reference keeps them rounded to one decimal; nothing reads them).
#[derive(Debug, Clone, PartialEq)]
pub struct Game {
    pub players: (usize, usize),
    pub resources: Vec<usize>,
    pub quantities: Vec<i64>,
    pub valuations_a: Vec<f64>,
    pub valuations_b: Vec<f64>,
}

/// `create_games_for_agents`: shuffle a copy of the agent list on `rng`,
/// then one game per consecutive pair (an odd last agent gets none). `Err`
/// (why) where the reference fails instead (settings a sweep combined).
pub fn create_games(
    cfg: &Config,
    n_agents: usize,
    rng: &mut PyRandom,
) -> Result<Vec<Game>, String> {
    let mut order: Vec<usize> = (0..n_agents).collect();
    rng.shuffle(&mut order);
    if order.len() >= 2 {
        if let Some(why) = cfg.problems().into_iter().next() {
            return Err(why);
        }
    }
    Ok(order
        .chunks_exact(2)
        .map(|pair| create_game(cfg, (pair[0], pair[1]), rng))
        .collect())
}

fn create_game(cfg: &Config, players: (usize, usize), rng: &mut PyRandom) -> Game {
    let names = &cfg.resource_names;
    let n_types = rng.randint(cfg.min_resource_types, cfg.max_resource_types);
    let k = (n_types.max(0) as usize).min(names.len());
    let picks = rng.sample_indices(names.len(), k);
    // The pool is a dict keyed by name: a repeated name keeps its first
    // place and its last quantity, and is valued once.
    let mut resources: Vec<usize> = Vec::with_capacity(k);
    let mut quantities: Vec<i64> = Vec::with_capacity(k);
    for &i in &picks {
        let q = rng.randint(cfg.min_quantity, cfg.max_quantity);
        match resources.iter().position(|&r| names[r] == names[i]) {
            Some(at) => quantities[at] = q,
            None => {
                resources.push(i);
                quantities.push(q);
            }
        }
    }
    let value = |rng: &mut PyRandom| -> Vec<f64> {
        resources
            .iter()
            .map(|_| rng.uniform(cfg.min_valuation, cfg.max_valuation))
            .collect()
    };
    let valuations_a = value(rng);
    let valuations_b = value(rng);
    Game {
        players,
        resources,
        quantities,
        valuations_a,
        valuations_b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// resource_negotiation.yaml at seed 1 (§7.3): the shuffled pairing and
    /// the first games' pools and valuations, 40 draws in all.
    #[test]
    fn build_time_draws_match_the_reference_at_seed_1() {
        let cfg = Config {
            min_resource_types: 3,
            ..Config::default()
        };
        let mut rng = PyRandom::new(1);
        let games = create_games(&cfg, 6, &mut rng).unwrap();
        // strategic_1..2, fair_1..2, greedy_1..2 → fair_1, fair_2,
        // greedy_2, strategic_1, greedy_1, strategic_2.
        let players: Vec<_> = games.iter().map(|g| g.players).collect();
        assert_eq!(players, [(2, 3), (5, 0), (4, 1)]);
        assert_eq!(games[0].resources, [3, 4, 2, 1]);
        assert_eq!(games[0].quantities, [2, 1, 4, 1]);
        assert_eq!(
            games[0].valuations_a,
            [
                9.039853383018716,
                4.508279263190206,
                6.466941966567343,
                7.904418662331659
            ]
        );
        assert_eq!(games[0].valuations_b[0], 7.262495800915991);
        assert_eq!(games[0].valuations_b[3], 6.320380915011735);
        assert_eq!(games[1].resources, [2, 0, 3]);
        assert_eq!(games[1].quantities, [1, 5, 1]);
        assert_eq!(games[2].resources, [3, 1, 4, 0]);
        assert_eq!(games[2].quantities, [2, 4, 3, 1]);
        // After the 40 draws the stream continues where the reference's does.
        assert_eq!(rng.random(), 0.8955753946414917);
    }

    /// Core agents beside the section: its build-time draws shift every
    /// observable of the run (reference values, seed 3).
    #[test]
    fn the_build_time_draws_shift_a_core_run_as_in_the_reference() {
        let text = "agents:\n  - type: honest\n    count: 3\n  - type: adversarial\n    count: 2\n  - type: greedy_negotiator\n    count: 2\nresource_negotiation:\n  enabled: true\nsimulation:\n  n_epochs: 2\n  steps_per_epoch: 5\n";
        let opts = crate::scenario::LoadOptions::default();
        let s = crate::scenario::load_str(text, "t.yaml", opts)
            .unwrap()
            .scenario;
        let run = crate::sim::run(&s, 3);
        assert_eq!(run.epochs[0].soft.toxicity_rate, 0.5482934269117813);
        assert_eq!(run.epochs[1].soft.quality_gap, 0.19835518406535552);
    }
}
