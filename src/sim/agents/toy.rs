//! docs/extending.md's worked example, compiled only for unit tests: a
//! "toy" agent that posts with `post_probability` on its turn and accepts
//! every proposal. Everything a type needs is in this file; the registry
//! line in registry.rs is the only other change.

use super::stock::accept_every_proposal;
use super::{Action, AgentType, Base, Content, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::UNIT;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

/// Its `config:` settings, with defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub post_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            post_probability: 0.5,
        }
    }
}

/// Its `config:` keys: type and range, validated and sweepable like any other.
static FIELDS: &[Field<Config>] = &[modelled!(post_probability, Float, UNIT)];

#[derive(Debug, Clone)]
pub struct Toy {
    cfg: Config,
}

impl AgentType for Toy {
    type Config = Config;
    const NAME: &'static str = "toy";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> Toy {
        Toy { cfg: cfg.clone() }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        // One draw per turn on the agent's own stream.
        if obs.can_post && rng.random() < self.cfg.post_probability {
            return Action::Post(Content(0));
        }
        Action::Noop
    }

    accept_every_proposal!();
}

#[cfg(test)]
mod tests {
    use crate::scenario::params::{param_paths, set_param, ParamValue};
    use crate::scenario::{load_str, LoadOptions};
    use crate::sim;

    const SCENARIO: &str = "agents:\n  - type: toy\n    count: 2\n    config:\n      post_probability: 1.0\n  - type: honest\n    count: 2\nsimulation:\n  n_epochs: 2\n  steps_per_epoch: 3\n";

    #[test]
    fn a_registered_type_loads_validates_sweeps_and_runs() {
        let mut s = load_str(SCENARIO, "toy.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        assert_eq!(sim::agent_ids(&s)[..2], ["toy_1", "toy_2"]);
        assert!(param_paths(&s).contains(&"agents.toy.config.post_probability".to_string()));
        let bad = SCENARIO.replace("1.0", "1.5");
        let e = load_str(&bad, "toy.yaml", LoadOptions::default()).unwrap_err();
        assert!(
            e.message.contains("agents[0].config.post_probability"),
            "{e}"
        );
        let r = sim::run(&s, 1);
        assert_eq!(r.epochs.len(), 2);
        set_param(
            &mut s,
            "agents.toy.config.post_probability",
            &ParamValue::Float(0.0),
        )
        .unwrap();
        assert!(sim::run(&s, 1)
            .epochs
            .iter()
            .all(|e| e.total_posts <= r.epochs[1].total_posts));
    }
}
