//! `verifier` agents (the reference's `VerifierAgent`, docs/model/scholar.md
//! §5.3): judge the first unverified draft citation by their own
//! keyword entailment against the pool passage it cites, right with
//! probability 0.9. Archetype honest.
//!
//! One draw per verification (none while there is nothing to verify, and so
//! none at all without a scholar handler, as in the kernel_market files).
//! Their own threshold is a fixed 0.5; the handler scores the verdict
//! against `entailment_threshold`. The reference reads none of their
//! `config:` keys: `accuracy` is a constructor argument its loader never
//! passes, so it is always 0.9.

use super::stock::{accept_as_scholar, no_config};
use super::{Action, AgentType, Base, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;
use crate::sim::scholar::{verifier_entailment, ScholarAction};

/// The constructor default the loader never overrides.
const ACCURACY: f64 = 0.9;

#[derive(Debug, Clone)]
pub struct Verifier;

impl AgentType for Verifier {
    const NAME: &'static str = "verifier";
    const ARCHETYPE: Archetype = Archetype::Honest;

    no_config!();

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        let Some(s) = obs.scholar else {
            return Action::Noop;
        };
        let Some((citation, c)) = s.citation_to_verify() else {
            return Action::Noop;
        };
        // The text of the first pool passage with the cited id ("" if none).
        let passage = s
            .pool()
            .find(|p| p.id == c.passage_id)
            .map_or("", |p| p.text.as_str());
        let entailment = verifier_entailment(&c.claim, passage);
        let verdict = if rng.random() < ACCURACY {
            entailment >= 0.5
        } else {
            entailment < 0.5
        };
        Action::Scholar(ScholarAction::Verify { citation, verdict })
    }

    accept_as_scholar!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::{scholar_observation, InteractionType};
    use crate::sim::feed::Feed;
    use crate::sim::scholar::{Config, Scholar};

    #[test]
    fn nothing_to_verify_draws_nothing_and_collaborations_are_accepted() {
        let s = Scholar::with_pool(&Config::default(), 0, &[2]);
        let feed = Feed::default();
        let base = Base::for_test(0, 2);
        base.trust[1].set(Some(0.3989282866763134));
        let mut rng = PyRandom::new(1);
        let a = Verifier.act(&mut rng, &base, &scholar_observation(&feed, &s));
        assert_eq!(a, Action::Noop);
        assert_eq!(rng.random(), PyRandom::new(1).random());
        // kernel_market/v2 seed 1: a trade from an initiator trusted at
        // 0.3989... is rejected, a collaboration never.
        assert!(!Verifier.accept(&mut rng, &base, 1, InteractionType::Trade));
        assert!(Verifier.accept(&mut rng, &base, 1, InteractionType::Collaboration));
        base.trust[1].set(Some(0.4));
        assert!(Verifier.accept(&mut rng, &base, 1, InteractionType::Trade));
        assert!(Verifier.accept(&mut rng, &base, 0, InteractionType::Trade));
    }
}
