//! Modeling adversaries (`modeling_adversary`, the reference's
//! `ModelingAdversary`): they model each counterparty's decision procedure
//! from their shared record, hunt LDT-like agents, and would switch from
//! building trust to exploiting it — but a counterparty's phase is fixed at
//! its first consultation, which always comes before any shared record, so
//! with a positive `exploitation_threshold` every counterparty stays in
//! trust building (docs/model/ldt.md §4.6).

use super::profile::{self, Entry};
use super::{decide, Action, AgentType, Base, Content, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::coerce::{COUNT, UNIT};
use crate::scenario::schema::{inert, modelled, Field, Inert};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Parsed and ignored, as in the reference (models read the whole record).
    pub modeling_horizon: u32,
    pub mimicry_probability: f64,
    pub exploitation_threshold: u32,
    pub ldt_detection_sensitivity: f64,
    pub aggression_level: f64,
    pub post_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            modeling_horizon: 15,
            mimicry_probability: 0.6,
            exploitation_threshold: 5,
            ldt_detection_sensitivity: 0.7,
            aggression_level: 0.6,
            post_probability: 0.3,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    inert(
        modelled!(modeling_horizon, Int, COUNT),
        Inert::never("the reference stores it; its models read an agent's whole record"),
    ),
    modelled!(mimicry_probability, Float, UNIT),
    modelled!(exploitation_threshold, Int, COUNT),
    modelled!(ldt_detection_sensitivity, Float, UNIT),
    modelled!(aggression_level, Float, UNIT),
    modelled!(post_probability, Float, UNIT),
];

/// The estimated type of a counterparty (its `CounterpartyModel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Estimate {
    #[default]
    Unknown,
    Ldt,
    Cooperative,
    Selective,
    Adversarial,
    Mixed,
}

/// What the adversary reads of its model of a counterparty.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Model {
    estimate: Estimate,
    interactions: usize,
}

impl Model {
    fn of(history: &[Entry], sensitivity: f64) -> Model {
        let n = history.len();
        if n == 0 {
            return Model::default();
        }
        let coop = profile::n_accepted(history) as f64 / n as f64;
        let selectivity = profile::selectivity(history);
        let stability = profile::stability(history);
        let score = 0.4 * selectivity + 0.3 * stability + 0.3 * coop;
        let estimate = if score >= sensitivity {
            Estimate::Ldt
        } else if coop > 0.8 {
            Estimate::Cooperative
        } else if selectivity > 0.7 {
            Estimate::Selective
        } else if coop < 0.3 {
            Estimate::Adversarial
        } else {
            Estimate::Mixed
        };
        Model {
            estimate,
            interactions: n,
        }
    }

    fn is_ldt_like(self) -> bool {
        self.estimate == Estimate::Ldt
    }
}

#[derive(Debug, Clone)]
pub struct ModelingAdversary {
    /// Boxed to keep the policy enum every agent carries small.
    cfg: Box<Config>,
    /// Every outcome with each agent, oldest first (unbounded).
    history: Vec<Vec<Entry>>,
    /// The model of each agent, rebuilt on each outcome with it.
    models: Vec<Model>,
    /// Agents seen reporting the adversarial type (never forgotten).
    allies: Vec<bool>,
    /// Exploit (true) or build trust (false), fixed at the first consultation.
    exploit: Vec<Option<bool>>,
}

impl AgentType for ModelingAdversary {
    type Config = Config;
    const NAME: &'static str = "modeling_adversary";
    const ARCHETYPE: Archetype = Archetype::Adversarial;
    // The reference's act reads, of the marketplace, only pending bids (it
    // posts no bounties) and "in_progress" tasks (claimed tasks never are):
    // none can occur in 1.9.0, so a marketplace changes nothing here
    // (`MARKETPLACE_UNMODELLED` stays `None`;
    // docs/model/fidelity-classification.md §2.5).

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> ModelingAdversary {
        ModelingAdversary {
            cfg: Box::new(cfg.clone()),
            history: vec![Vec::new(); n_agents],
            models: vec![Model::default(); n_agents],
            allies: vec![false; n_agents],
            exploit: vec![None; n_agents],
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        for a in obs.visible() {
            if a.archetype == Archetype::Adversarial {
                self.allies[a.idx] = true;
            }
        }
        if let Some(p) = obs.first_pending {
            return p.answer(self.cooperate(rng, p.initiator));
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            // Constructive (mimicry) or disruptive text.
            let disruptive = rng.random() >= self.cfg.mimicry_probability;
            return Action::Post(Content(u8::from(disruptive)));
        }
        if obs.can_vote && obs.has_posts() {
            for post in obs.visible_posts() {
                // The anonymous author "" is never an ally, and its model
                // (no history) is never LDT-like.
                let Some(author) = obs.feed.posts[post].author else {
                    continue;
                };
                if self.allies[author] {
                    return Action::Vote { post, up: true };
                }
                if self.models[author].is_ldt_like() && self.exploits(author) {
                    return Action::Vote { post, up: false };
                }
            }
            // Sorting by the unseen net votes (all 0) keeps rank order.
            let post = obs.top_post().expect("visible posts");
            return Action::Vote { post, up: false };
        }
        if obs.can_interact && obs.has_visible() {
            // The first best score (a stable descending sort).
            let scored = obs.visible().map(|a| {
                let score = match self.models[a.idx].estimate {
                    Estimate::Ldt => 1.0,
                    Estimate::Cooperative => 0.8,
                    Estimate::Selective => 0.5,
                    _ => 0.2,
                };
                (a.idx, score)
            });
            let counterparty = decide::first_best(scored).expect("a visible agent");
            if !self.cooperate(rng, counterparty) {
                return Action::Noop;
            }
            let itype = if self.models[counterparty].is_ldt_like() {
                InteractionType::Collaboration
            } else {
                InteractionType::Trade
            };
            return Action::propose(counterparty, itype);
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        _base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        self.cooperate(rng, initiator)
    }

    fn record_outcome(&mut self, o: Outcome) {
        let history = &mut self.history[o.other];
        history.push((o.accepted, o.p));
        self.models[o.other] = Model::of(history, self.cfg.ldt_detection_sensitivity);
    }
}

impl ModelingAdversary {
    /// The phase toward `c`: decided from the record at the first call and
    /// kept for the whole run.
    fn exploits(&mut self, c: usize) -> bool {
        let threshold = self.cfg.exploitation_threshold as usize;
        let interactions = self.models[c].interactions;
        *self.exploit[c].get_or_insert(interactions >= threshold)
    }

    /// Whether to cooperate with `c`: allies always; while building trust
    /// always; otherwise mimic cooperation or exploit by chance.
    fn cooperate(&mut self, rng: &mut PyRandom, c: usize) -> bool {
        if self.allies[c] {
            return true;
        }
        if !self.exploits(c) {
            return true;
        }
        let ldt_like = self.models[c].is_ldt_like();
        let mimic = if ldt_like {
            self.cfg.mimicry_probability
        } else {
            0.2
        };
        if rng.random() < mimic {
            return true;
        }
        if ldt_like {
            rng.random() < 0.4
        } else {
            rng.random() < 1.0 - self.cfg.aggression_level
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ldt tests' record (docs/model/ldt.md §7.5) as (other, accepted, p).
    const HISTORY: [(usize, bool, f64); 14] = [
        (1, true, 0.33),
        (2, true, 0.361),
        (3, false, 0.363),
        (1, true, 0.645),
        (2, true, 0.81),
        (3, true, 0.474),
        (1, true, 0.341),
        (2, false, 0.443),
        (3, true, 0.644),
        (1, true, 0.629),
        (2, false, 0.42),
        (3, false, 0.544),
        (1, false, 0.505),
        (1, true, 0.375),
    ];

    fn record_history(m: &mut ModelingAdversary) {
        for &(other, accepted, p) in &HISTORY {
            m.record_outcome(Outcome {
                other,
                accepted,
                p,
                payoff: 0.0,
                itype: crate::sim::agents::InteractionType::Collaboration,
            });
        }
    }

    fn adversary() -> ModelingAdversary {
        let mut m = ModelingAdversary::new(&Config::default(), 5, &mut PyRandom::new(3));
        record_history(&mut m);
        m
    }

    #[test]
    fn models_match_the_reference() {
        let m = adversary();
        let got = [1, 2, 3, 4].map(|c| (m.models[c].estimate, m.models[c].interactions));
        assert_eq!(
            got,
            [
                (Estimate::Ldt, 6),
                (Estimate::Selective, 4),
                (Estimate::Ldt, 4),
                (Estimate::Unknown, 0)
            ]
        );
    }

    #[test]
    fn the_phase_is_fixed_at_the_first_consultation() {
        let mut m = ModelingAdversary::new(&Config::default(), 5, &mut PyRandom::new(3));
        let mut rng = PyRandom::new(3);
        // First consulted with no record: trust building, no draw, forever.
        assert!(m.cooperate(&mut rng, 1));
        record_history(&mut m);
        assert!(m.cooperate(&mut rng, 1));
        assert_eq!(rng.random(), PyRandom::new(3).random());
        // First consulted after 6 outcomes (threshold 5): exploit, with draws.
        let mut fresh = adversary();
        assert!(fresh.exploits(1));
        assert!(!fresh.exploits(2));
    }
}
