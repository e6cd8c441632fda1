//! Coding agents (the reference's `CodingAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.2): accept every
//! pending proposal, otherwise propose a code-review collaboration to a
//! random visible agent, drawing the submission-quality noise that only
//! ends up in the proposal's text. Without a task pool their task branches
//! never run. `adversarial: true` makes the agent report the adversarial
//! type (and so draw the adversarial observable profile); otherwise honest.

use super::stock::passive_rule;
use super::{decide, Action, AgentType, Base, Content, InteractionType, Observation};
use crate::pyfloat::py_round;
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, read, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub adversarial: bool,
    /// The mean of the quality draw (whose value no decision reads).
    pub skill_level: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            adversarial: false,
            skill_level: 0.7,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(adversarial, Bool),
    modelled!(skill_level, Float, Rule::Any),
    // Read only by the task and review branches, which need a task pool.
    read!(review_honesty, Float, Rule::Any),
    read!(subtlety, Float, Rule::Any),
];

#[derive(Debug, Clone)]
pub struct CodingAgent {
    skill_level: f64,
    adversarial: bool,
}

impl AgentType for CodingAgent {
    type Config = Config;
    const NAME: &'static str = "coding_agent";
    const ARCHETYPE: Archetype = Archetype::Honest;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's coding agent claims the first claimable task (coding_agent.py act, _pick_task)",
    );

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn archetype(cfg: &Config) -> Archetype {
        if cfg.adversarial {
            Archetype::Adversarial
        } else {
            Archetype::Honest
        }
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> CodingAgent {
        CodingAgent {
            skill_level: cfg.skill_level,
            adversarial: cfg.adversarial,
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return Action::Accept(p.proposal_id);
        }
        if !obs.can_interact {
            return Action::Noop;
        }
        if let Some(counterparty) = decide::random_visible(rng, obs) {
            // `_compute_submission_quality`: its value only shapes the
            // proposal's text, `quality={:.2}`.
            let noise = rng.gauss(0.0, 0.1);
            let mut quality = 0.0f64.max(1.0f64.min(self.skill_level + noise));
            if self.adversarial {
                quality = 1.0f64.min(quality + 0.2);
            }
            let hundredths = py_round(quality, 2) * 100.0;
            return Action::Propose {
                counterparty,
                itype: InteractionType::Collaboration,
                // `hundredths` is within 1e-12 of an integer in 0..=100.
                content: Content((hundredths + 0.5) as u8),
            };
        }
        Action::Noop
    }

    passive_rule!(|base, initiator, itype| {
        itype == InteractionType::Collaboration || base.trust(initiator) >= 0.3
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::feed::Feed;

    /// coding_bench/baseline.yaml seed 1, coding_agent_1 (stream 2) at 0/0:
    /// `choice` over 4 → index 0, then gauss 0.07940753444260594.
    #[test]
    fn proposes_to_a_random_agent_and_draws_the_quality_noise() {
        let feed = Feed::default();
        let archetypes = [Archetype::Honest; 5];
        let values = [0.0; 5];
        let unfrozen = [0, 1, 2, 3, 4];
        let obs = Observation::for_test(&feed, &unfrozen, &archetypes, &values);
        let base = Base::for_test(0, 5);
        let mut rng = PyRandom::new(2);
        let mut a = CodingAgent::new(&Config::default(), 5, &mut rng);
        let action = a.act(&mut rng, &base, &obs);
        assert_eq!(
            action,
            // Text `quality=0.78`: 0.7 + 0.0794… (the reference's f"{:.2f}").
            Action::Propose {
                counterparty: 1,
                itype: InteractionType::Collaboration,
                content: Content(78),
            }
        );
        let mut check = PyRandom::new(2);
        assert_eq!(check.choice_index(4), 0);
        assert_eq!(check.gauss(0.0, 0.1), 0.07940753444260594);
        assert_eq!(rng.random(), check.random());
    }

    #[test]
    fn the_adversarial_flag_picks_the_reported_type() {
        let cfg = Config {
            adversarial: true,
            ..Config::default()
        };
        assert_eq!(CodingAgent::archetype(&cfg), Archetype::Adversarial);
        assert_eq!(
            CodingAgent::archetype(&Config::default()),
            Archetype::Honest
        );
    }
}
