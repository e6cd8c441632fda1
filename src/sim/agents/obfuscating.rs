//! Obfuscating agents (the reference's `ObfuscatingAgent`;
//! docs/model/cautious-self-optimizer-obfuscating.md §4.5): mimic an honest agent for
//! their first `trust_building_phase` finalized interactions (posting and
//! proposing collaborations), then propose trades to anyone visible. Report
//! the `deceptive` type.
//!
//! The reference's observable decorator that would apply each strategy's
//! signal offsets is never installed by its run loop, so the four
//! strategies behave identically and the strategy parameters are read but
//! inert: interactions carry plain deceptive-profile observables and no
//! offset is drawn.

use super::{decide, Action, AgentType, Base, Content, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::coerce::{at_least, Rule, Ty};
use crate::scenario::params::ParamValue;
use crate::scenario::schema::{inert, modelled, Field, Inert, Role};
use crate::scenario::Archetype;

/// `obfuscation_strategy`: validated by the reference (an unknown value
/// fails its build), behaviourally inert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Blatant,
    PolicyObfuscation,
    ActivationObfuscation,
    Adaptive,
}

const STRATEGIES: &[&str] = &[
    "blatant",
    "policy_obfuscation",
    "activation_obfuscation",
    "adaptive",
];

impl Strategy {
    const ALL: [Strategy; 4] = [
        Strategy::Blatant,
        Strategy::PolicyObfuscation,
        Strategy::ActivationObfuscation,
        Strategy::Adaptive,
    ];

    pub fn as_str(self) -> &'static str {
        STRATEGIES[self as usize]
    }

    fn parse(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub obfuscation_strategy: Strategy,
    /// Finalized interactions (either role, accepted or not) spent mimicking
    /// an honest agent.
    pub trust_building_phase: i64,
    // Inert: only the dormant decorator and unused helpers read these.
    pub rationalization_strength: f64,
    pub signal_inflation_cap: f64,
    pub drift_rate: f64,
    pub activation_noise_scale: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            obfuscation_strategy: Strategy::Blatant,
            trust_building_phase: 5,
            rationalization_strength: 0.7,
            signal_inflation_cap: 0.4,
            drift_rate: 0.05,
            activation_noise_scale: 0.1,
        }
    }
}

const DORMANT: Inert =
    Inert::never("only the reference's dormant decorator and unused helpers read it");

static FIELDS: &[Field<Config>] = &[
    Field {
        key: "obfuscation_strategy",
        ty: Ty::Choice(STRATEGIES),
        rule: Rule::Any,
        role: Role::Modelled {
            get: |c| ParamValue::Str(c.obfuscation_strategy.as_str().to_string()),
            set: |c, v| {
                if let Some(s) = Strategy::parse(&v.to_string()) {
                    c.obfuscation_strategy = s;
                }
            },
        },
        inert: None,
    },
    modelled!(trust_building_phase, Int, at_least(0)),
    inert(
        modelled!(rationalization_strength, Float, Rule::Any),
        DORMANT,
    ),
    inert(modelled!(signal_inflation_cap, Float, Rule::Any), DORMANT),
    inert(modelled!(drift_rate, Float, Rule::Any), DORMANT),
    inert(modelled!(activation_noise_scale, Float, Rule::Any), DORMANT),
];

#[derive(Debug, Clone)]
pub struct Obfuscating {
    trust_building_phase: i64,
    /// Finalized interactions so far. (The reference's adaptive detection
    /// counters feed only the dormant decorator, so they are not kept.)
    interactions: i64,
}

impl AgentType for Obfuscating {
    type Config = Config;
    const NAME: &'static str = "obfuscating";
    const ARCHETYPE: Archetype = Archetype::Deceptive;
    const MARKETPLACE_UNMODELLED: Option<&'static str> = Some(
        "with a marketplace the reference's obfuscating agent claims the first claimable task and submits output on its claimed tasks (obfuscating.py _act_honest and _act_strategic)",
    );

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> Obfuscating {
        Obfuscating {
            trust_building_phase: cfg.trust_building_phase,
            interactions: 0,
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return p.answer(rng.random() < 0.8);
        }
        if self.in_trust_building() {
            if obs.can_post && rng.random() < 0.3 {
                return Action::Post(Content(0));
            }
            // Each proposal type has one fixed text.
            return decide::propose_to_random(rng, obs, InteractionType::Collaboration)
                .unwrap_or(Action::Noop);
        }
        if let Some(action) = decide::propose_to_random(rng, obs, InteractionType::Trade) {
            return action;
        }
        if obs.can_post && rng.random() < 0.2 {
            return Action::Post(Content(1));
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        _base: &Base,
        _initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        let p = if self.in_trust_building() { 0.85 } else { 0.75 };
        rng.random() < p
    }

    fn record_outcome(&mut self, _o: Outcome) {
        self.interactions += 1;
    }
}

impl Obfuscating {
    fn in_trust_building(&self) -> bool {
        self.interactions < self.trust_building_phase
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::feed::Feed;

    fn outcome() -> Outcome {
        Outcome {
            other: 1,
            accepted: false,
            p: 0.5,
            payoff: -1.0,
            itype: crate::sim::agents::InteractionType::Collaboration,
        }
    }

    #[test]
    fn mimics_honest_agents_then_trades() {
        // obfuscation_atlas.yaml seed 1, obfuscating_1 (blatant, trust
        // building 3, stream seed 6), neighbours honest_3, honest_4,
        // obfuscating_3, obfuscating_8: 0/0 post gate 0.793340083761663, then
        // choice index 0; 0/1 gate 0.4850346279309453, index 2; 0/2 gate
        // 0.036822743717221273 (post).
        let feed = Feed::default();
        let archetypes = [Archetype::Deceptive; 5];
        let obs = Observation::for_test(&feed, &[0, 1, 2, 3, 4], &archetypes, &[0.0; 5]);
        let base = Base::for_test(0, 5);
        let cfg = Config {
            trust_building_phase: 3,
            ..Config::default()
        };
        let mut rng = PyRandom::new(6);
        let mut agent = Obfuscating::new(&cfg, 5, &mut rng);
        let collaborate =
            |counterparty| Action::propose(counterparty, InteractionType::Collaboration);
        assert_eq!(agent.act(&mut rng, &base, &obs), collaborate(1));
        assert_eq!(agent.act(&mut rng, &base, &obs), collaborate(3));
        assert_eq!(agent.act(&mut rng, &base, &obs), Action::Post(Content(0)));
        // Rejected interactions count too: after three, it trades.
        for _ in 0..3 {
            agent.record_outcome(outcome());
        }
        let action = agent.act(&mut rng, &base, &obs);
        assert!(matches!(
            action,
            Action::Propose {
                itype: InteractionType::Trade,
                ..
            }
        ));
    }

    #[test]
    fn the_strategy_is_validated_and_sweepable() {
        use crate::scenario::params::{get_param, param_paths, set_param};
        use crate::scenario::{load_str, LoadOptions};
        let text = "agents:\n  - type: obfuscating\n    config:\n      obfuscation_strategy: adaptive\n  - type: honest\n";
        let mut s = load_str(text, "o.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        let path = "agents.obfuscating.config.obfuscation_strategy";
        assert!(param_paths(&s).contains(&path.to_string()));
        assert_eq!(
            get_param(&s, path).unwrap(),
            ParamValue::Str("adaptive".into())
        );
        set_param(&mut s, path, &ParamValue::Str("blatant".into())).unwrap();
        assert!(set_param(&mut s, path, &ParamValue::Str("stealth".into())).is_err());
        let bad = text.replace("adaptive", "Adaptive");
        let e = load_str(&bad, "o.yaml", LoadOptions::default()).unwrap_err();
        assert!(e.message.contains("obfuscation_strategy"), "{e}");
    }
}
