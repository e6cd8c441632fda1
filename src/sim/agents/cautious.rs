//! Cautious agents (the reference's `CautiousAgent`;
//! docs/model/cautious-self-optimizer-obfuscating.md §4.1): accept and propose only at
//! trust >= `threshold`, otherwise post or up-vote. Trust starts at 0.5 and
//! only accepted interactions move it, so with the default threshold 0.7 the
//! agent rejects everything and never proposes. It reports the `cautious`
//! type, which draws the adversarial observable profile
//! (docs/model/quirks.md §2.17).

use super::{decide, Action, AgentType, Base, Content, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, UNIT};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Minimum trust to accept a proposal or propose to an agent (`>=`).
    pub threshold: f64,
    pub post_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.7,
            post_probability: 0.2,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(threshold, Float, Rule::Any),
    modelled!(post_probability, Float, UNIT),
];

#[derive(Debug, Clone)]
pub struct Cautious {
    cfg: Config,
}

impl AgentType for Cautious {
    type Config = Config;
    const NAME: &'static str = "cautious";
    const ARCHETYPE: Archetype = Archetype::Cautious;
    // The reference's act reads, of the marketplace, only pending bids (it posts no bounties), "in_progress" tasks (claimed tasks never are) and trivial or easy tasks (bounty tasks are medium):
    // none can occur in 1.9.0, so a marketplace changes nothing here
    // (`MARKETPLACE_UNMODELLED` stays `None`; fidelity-classification.md §2.5).

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> Cautious {
        Cautious { cfg: cfg.clone() }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        // Proposals carry no `expected_p`, so trust decides.
        if let Some(p) = obs.first_pending {
            return p.answer(self.acceptable(base, p.initiator));
        }
        if obs.can_interact {
            // Python's `max` keeps the first of equally trusted agents.
            let trusted = obs
                .visible()
                .map(|a| (a.idx, base.trust(a.idx)))
                .filter(|&(_, t)| t >= self.cfg.threshold);
            if let Some(counterparty) = decide::first_best(trusted) {
                return Action::propose(counterparty, InteractionType::Collaboration);
            }
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            return Action::Post(Content(0));
        }
        decide::upvote_random_post(rng, obs, None).unwrap_or(Action::Noop)
    }

    fn accept(
        &mut self,
        _rng: &mut PyRandom,
        base: &Base,
        initiator: usize,
        _itype: InteractionType,
    ) -> bool {
        self.acceptable(base, initiator)
    }
}

impl Cautious {
    fn acceptable(&self, base: &Base, other: usize) -> bool {
        base.trust(other) >= self.cfg.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::feed::Feed;

    const ARCHETYPES: [Archetype; 3] = [Archetype::Cautious, Archetype::Honest, Archetype::Honest];

    #[test]
    fn with_the_default_threshold_it_posts_or_up_votes_and_rejects() {
        // flash_crash.yaml seed 1, cautious_1 (stream seed 11) at 0/0: post
        // gate 0.4523795535098186 (no post), then choice over 3 posts: index 2.
        let mut feed = Feed::default();
        for author in [1, 2, 1] {
            feed.create_post(Some(author));
        }
        let obs = Observation::for_test(&feed, &[0, 1, 2], &ARCHETYPES, &[0.0; 3]);
        let base = Base::for_test(0, 3);
        let mut rng = PyRandom::new(11);
        let mut agent = Cautious::new(&Config::default(), 3, &mut rng);
        let third = obs.visible_posts().nth(2).unwrap();
        let action = agent.act(&mut rng, &base, &obs);
        assert_eq!(
            action,
            Action::Vote {
                post: third,
                up: true
            }
        );
        let mut check = PyRandom::new(11);
        assert_eq!(check.random(), 0.4523795535098186);
        assert_eq!(check.choice_index(3), 2);
        assert_eq!(rng.random(), check.random());
        // Trust 0.5 < 0.7: every proposal is refused.
        assert!(!agent.accept(&mut rng, &base, 1, InteractionType::Collaboration));
    }

    #[test]
    fn a_low_threshold_proposes_to_the_first_most_trusted() {
        let feed = Feed::default();
        let obs = Observation::for_test(&feed, &[0, 1, 2], &ARCHETYPES, &[0.0; 3]);
        let base = Base::for_test(0, 3);
        let cfg = Config {
            threshold: 0.5,
            ..Config::default()
        };
        let mut rng = PyRandom::new(1);
        let mut agent = Cautious::new(&cfg, 3, &mut rng);
        let action = agent.act(&mut rng, &base, &obs);
        assert_eq!(action, Action::propose(1, InteractionType::Collaboration));
    }
}
