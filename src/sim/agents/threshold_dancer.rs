//! Threshold dancers (the reference's `ThresholdDancer`;
//! docs/model/cautious-self-optimizer-obfuscating.md §4.3): per partner, an estimate of
//! the partner's ledger of it and a phase (cooperative → exploit → recover)
//! that steps at most once per look. "Exploiting" a partner means rejecting
//! its proposals; the dancer proposes to unseen partners first, then to the
//! one with the most room above the partner's blacklist floor. Reports the
//! `adversarial` type.

use super::{decide, Action, AgentType, Base, Content, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::coerce::{at_least, Rule, UNIT};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Kept between the estimate and the assumed blacklist threshold.
    pub safety_margin: f64,
    /// The room needed to (keep) exploit(ing).
    pub exploitation_intensity: f64,
    /// Interactions with a partner before the first exploit.
    pub warmup_interactions: i64,
    /// Exploit above `floor + 0.5`, cooperate again above `floor + 0.3`.
    pub comfort_zone_floor: f64,
    pub max_consecutive_exploits: i64,
    pub post_probability: f64,
    /// The reciprocator's blacklist threshold the dancer assumes.
    pub blacklist_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            safety_margin: 0.5,
            exploitation_intensity: 0.6,
            warmup_interactions: 3,
            comfort_zone_floor: -0.3,
            max_consecutive_exploits: 2,
            post_probability: 0.2,
            blacklist_threshold: -2.0,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(safety_margin, Float, Rule::Any),
    modelled!(exploitation_intensity, Float, Rule::Any),
    modelled!(warmup_interactions, Int, at_least(0)),
    modelled!(comfort_zone_floor, Float, Rule::Any),
    modelled!(max_consecutive_exploits, Int, at_least(0)),
    modelled!(post_probability, Float, UNIT),
    modelled!(blacklist_threshold, Float, Rule::Any),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Cooperative,
    Exploit,
    Recover,
}

/// What the dancer believes a partner's ledger of it holds. The reference
/// creates one on first look; a fresh one is all defaults, so every agent
/// has one from the start here.
#[derive(Debug, Clone, Copy)]
struct Ledger {
    estimate: f64,
    phase: Phase,
    interactions: i64,
    cooperative: i64,
    exploits: i64,
    consecutive_cooperative: i64,
    consecutive_exploits: i64,
}

impl Default for Ledger {
    fn default() -> Ledger {
        Ledger {
            estimate: 0.0,
            phase: Phase::Cooperative,
            interactions: 0,
            cooperative: 0,
            exploits: 0,
            consecutive_cooperative: 0,
            consecutive_exploits: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ThresholdDancer {
    cfg: Config,
    ledgers: Vec<Ledger>,
}

impl AgentType for ThresholdDancer {
    type Config = Config;
    const NAME: &'static str = "threshold_dancer";
    const ARCHETYPE: Archetype = Archetype::Adversarial;
    // The reference's act reads, of the marketplace, only pending bids (it posts no bounties) and "in_progress" tasks (claimed tasks never are):
    // none can occur in 1.9.0, so a marketplace changes nothing here
    // (`MARKETPLACE_UNMODELLED` stays `None`; fidelity-classification.md §2.5).

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> ThresholdDancer {
        ThresholdDancer {
            cfg: cfg.clone(),
            ledgers: vec![Ledger::default(); n_agents],
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return p.answer(self.cooperate(p.initiator));
        }
        // The post gate comes before proposing: a post costs the proposal.
        if obs.can_post && rng.random() < self.cfg.post_probability {
            return Action::Post(Content(0));
        }
        if obs.can_interact {
            // A stable descending sort by score: the first of the best.
            let scored = obs.visible().map(|a| {
                let l = &self.ledgers[a.idx];
                let novelty = if l.interactions == 0 { 1.0 } else { 0.0 };
                (a.idx, self.room(l) + novelty)
            });
            if let Some(counterparty) = decide::first_best(scored) {
                return Action::propose(counterparty, InteractionType::Collaboration);
            }
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        _base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        self.cooperate(initiator)
    }

    fn record_outcome(&mut self, o: Outcome) {
        let l = &mut self.ledgers[o.other];
        l.interactions += 1;
        // The partner's estimated gain, judged by the phase before this outcome.
        let delta = if o.payoff > 0.0 {
            match l.phase {
                Phase::Cooperative | Phase::Recover => o.payoff * 0.8,
                Phase::Exploit => -o.payoff * 0.7,
            }
        } else {
            o.payoff.abs() * 0.5
        };
        l.estimate += delta;
        if l.phase == Phase::Exploit {
            l.exploits += 1;
            l.consecutive_exploits += 1;
            l.consecutive_cooperative = 0;
        } else {
            l.cooperative += 1;
            l.consecutive_cooperative += 1;
            l.consecutive_exploits = 0;
        }
        self.update_phase(o.other);
    }
}

impl ThresholdDancer {
    /// How far the estimate is above the floor the dancer keeps.
    fn room(&self, l: &Ledger) -> f64 {
        let floor = self.cfg.blacklist_threshold + self.cfg.safety_margin;
        l.estimate - floor
    }

    /// At most one phase transition, judged on the phase at entry.
    fn update_phase(&mut self, other: usize) -> Phase {
        let room = self.room(&self.ledgers[other]);
        let cfg = &self.cfg;
        let l = &mut self.ledgers[other];
        match l.phase {
            Phase::Cooperative => {
                if l.interactions >= cfg.warmup_interactions
                    && l.estimate > cfg.comfort_zone_floor + 0.5
                {
                    l.phase = Phase::Exploit;
                    l.consecutive_exploits = 0;
                }
            }
            Phase::Exploit => {
                if room < cfg.exploitation_intensity
                    || l.consecutive_exploits >= cfg.max_consecutive_exploits
                {
                    l.phase = Phase::Recover;
                    l.consecutive_cooperative = 0;
                }
            }
            Phase::Recover => {
                if l.estimate > cfg.comfort_zone_floor + 0.3 {
                    l.phase = Phase::Cooperative;
                    l.consecutive_cooperative = 0;
                }
            }
        }
        l.phase
    }

    /// Accept `other`'s proposal? Advances the phase machine first.
    fn cooperate(&mut self, other: usize) -> bool {
        match self.update_phase(other) {
            Phase::Cooperative | Phase::Recover => true,
            Phase::Exploit => self.room(&self.ledgers[other]) < self.cfg.exploitation_intensity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(other: usize, payoff: f64) -> Outcome {
        Outcome {
            other,
            accepted: true,
            p: 0.5,
            payoff,
            itype: crate::sim::agents::InteractionType::Collaboration,
        }
    }

    /// A payoff, or `None` for a decision on the partner's proposal.
    type Step = (Option<f64>, f64, Phase, [i64; 5]);

    /// Run `steps` on a fresh dancer's ledger of agent 1: a payoff, or
    /// `None` for a decision on its proposal (expected: accept iff the value
    /// is 1.0); then the estimate (outcomes only), the phase and (outcomes
    /// only) interactions, cooperative, exploits, consecutive cooperative,
    /// consecutive exploits.
    fn check(cfg: &Config, steps: &[Step]) {
        let mut rng = PyRandom::new(7);
        let mut d = ThresholdDancer::new(cfg, 2, &mut rng);
        for (i, &(payoff, value, phase, counts)) in steps.iter().enumerate() {
            let Some(payoff) = payoff else {
                assert_eq!(d.cooperate(1), value == 1.0, "step {i}");
                assert_eq!(d.ledgers[1].phase, phase, "step {i}");
                continue;
            };
            d.record_outcome(outcome(1, payoff));
            let l = d.ledgers[1];
            assert_eq!(l.estimate, value, "step {i}");
            assert_eq!(l.phase, phase, "step {i}");
            let got = [
                l.interactions,
                l.cooperative,
                l.exploits,
                l.consecutive_cooperative,
                l.consecutive_exploits,
            ];
            assert_eq!(got, counts, "step {i}");
        }
    }

    // Expected values below: the reference's ThresholdDancer fed the same
    // outcomes and decisions.

    #[test]
    fn phases_match_the_reference() {
        use Phase::*;
        check(
            &Config::default(),
            &[
                (Some(0.1), 0.08000000000000002, Cooperative, [1, 1, 0, 1, 0]),
                (Some(0.1), 0.16000000000000003, Cooperative, [2, 2, 0, 2, 0]),
                (Some(0.1), 0.24000000000000005, Exploit, [3, 3, 0, 3, 0]),
                (None, 0.0, Exploit, [0; 5]), // refuses
                (Some(0.1), 0.17000000000000004, Exploit, [4, 3, 1, 0, 1]),
                (Some(0.1), 0.10000000000000005, Recover, [5, 3, 2, 0, 2]),
                (None, 1.0, Cooperative, [0; 5]), // accepts
                (Some(-0.2), 0.20000000000000007, Exploit, [6, 4, 2, 1, 0]),
                (Some(0.3), -0.009999999999999926, Exploit, [7, 4, 3, 0, 1]),
                (Some(-0.05), 0.015000000000000076, Recover, [8, 4, 4, 0, 2]),
                (None, 1.0, Cooperative, [0; 5]),
                (Some(0.4), 0.33500000000000013, Exploit, [9, 5, 4, 1, 0]),
                (Some(0.2), 0.19500000000000015, Exploit, [10, 5, 5, 0, 1]),
            ],
        );
    }

    #[test]
    fn an_exploit_phase_without_room_accepts() {
        // Reachable only off the defaults: entering EXPLOIT with less room
        // than exploitation_intensity.
        use Phase::*;
        let cfg = Config {
            exploitation_intensity: 1.6,
            warmup_interactions: 0,
            comfort_zone_floor: -2.0,
            max_consecutive_exploits: 10,
            safety_margin: 0.1,
            ..Config::default()
        };
        check(
            &cfg,
            &[
                (None, 0.0, Exploit, [0; 5]),
                (Some(0.5), -0.35, Recover, [1, 0, 1, 0, 1]),
                (None, 1.0, Cooperative, [0; 5]),
                (None, 1.0, Exploit, [0; 5]),
                (None, 1.0, Recover, [0; 5]),
                (
                    Some(-0.4),
                    -0.14999999999999997,
                    Cooperative,
                    [2, 1, 1, 0, 0],
                ),
                (None, 0.0, Exploit, [0; 5]),
            ],
        );
    }

    #[test]
    fn proposes_to_strangers_first_then_to_the_most_room() {
        let feed = crate::sim::feed::Feed::default();
        let values = [0.0; 4];
        let archetypes = [Archetype::Adversarial; 4];
        let mut obs = Observation::for_test(&feed, &[0, 1, 2, 3], &archetypes, &values);
        obs.can_post = false;
        let base = Base::for_test(0, 4);
        let mut rng = PyRandom::new(7);
        let mut d = ThresholdDancer::new(&Config::default(), 4, &mut rng);
        let propose = |counterparty| Action::propose(counterparty, InteractionType::Collaboration);
        // All unseen (score 2.5 each): the first visible one.
        assert_eq!(d.act(&mut rng, &base, &obs), propose(1));
        d.record_outcome(outcome(1, -0.1));
        assert_eq!(d.act(&mut rng, &base, &obs), propose(2));
        // A seen partner whose estimate beats the novelty bonus comes first.
        d.record_outcome(outcome(3, 1.5));
        assert_eq!(d.act(&mut rng, &base, &obs), propose(3));
    }
}
