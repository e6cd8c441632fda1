//! `adversarial_retriever` agents (the reference's
//! `AdversarialRetrieverAgent`, docs/model/scholar.md §5.4): retrieve like
//! a retriever while the pool is empty; once it is not, synthesize an answer
//! over the first five pool passages, laundering each citation with
//! probability 0.3 into a misleading claim. Archetype adversarial.
//!
//! Draws, per passage: `random()` (the attack gate); when planted, and the
//! first 80 characters have more than three words, `randint(1, min(3,
//! words − 1))` and `choice` of the four negations; when planted, `random()`
//! for the claimed entailment. The reference reads none of its `config:`
//! keys (`attack_strategy` and `attack_rate` are constructor arguments its
//! loader never passes): always citation laundering at rate 0.3.

use super::stock::{accept_as_scholar, no_config, scholar_with_query};
use super::{Action, AgentType, Base, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;
use crate::sim::scholar::{misleading_words, Claim, ScholarAction, Synthesis, NEGATIONS};

/// The constructor default the loader never overrides.
const ATTACK_RATE: f64 = 0.3;

#[derive(Debug, Clone)]
pub struct AdversarialRetriever;

impl AgentType for AdversarialRetriever {
    const NAME: &'static str = "adversarial_retriever";
    const ARCHETYPE: Archetype = Archetype::Adversarial;

    no_config!();

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        let Some(s) = scholar_with_query(obs) else {
            return Action::Noop;
        };
        if s.pool_is_empty() {
            return Action::Scholar(ScholarAction::Retrieve);
        }
        if s.has_synthesis() {
            return Action::Noop;
        }
        let mut claims = [Claim::Honest; 5];
        for (claim, passage) in claims.iter_mut().zip(s.pool()) {
            if rng.random() < ATTACK_RATE {
                let words = misleading_words(&passage.text);
                let negation = (words > 3).then(|| {
                    let pos = rng.randint(1, 3.min(words as i64 - 1)) as u8;
                    (pos, rng.choice_index(NEGATIONS.len()) as u8)
                });
                // The claimed entailment `0.3 + r · 0.2`: drawn, but the
                // handler recomputes it before anything reads it.
                rng.random();
                *claim = Claim::Planted { negation };
            }
        }
        Action::Scholar(ScholarAction::Synthesize(Synthesis::Laundering(claims)))
    }

    accept_as_scholar!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::scholar_observation;
    use crate::sim::feed::Feed;
    use crate::sim::scholar::{Config, Scholar};

    #[test]
    fn draws_match_the_reference_on_random_7() {
        // AdversarialRetrieverAgent with Random(7), query 1, pool passages
        // 000-004: attacks on 001 (randint 3, "not") and 004 (3, "never").
        let s = Scholar::with_pool(&Config::default(), 1, &[0, 1, 2, 3, 4]);
        let feed = Feed::default();
        let obs = scholar_observation(&feed, &s);
        let base = Base::for_test(0, 1);
        let mut rng = PyRandom::new(7);
        let Action::Scholar(ScholarAction::Synthesize(Synthesis::Laundering(claims))) =
            AdversarialRetriever.act(&mut rng, &base, &obs)
        else {
            panic!("expected a laundering synthesis");
        };
        let planted = |negation| Claim::Planted {
            negation: Some(negation),
        };
        assert_eq!(
            claims,
            [
                Claim::Honest,
                planted((3, 0)),
                Claim::Honest,
                Claim::Honest,
                planted((3, 1)),
            ]
        );
        // The reference's eleven draws, replayed on a twin stream; the
        // agent's stream is then where the twin's is.
        let mut twin = PyRandom::new(7);
        assert_eq!(twin.random(), 0.32383276483316237);
        assert_eq!(twin.random(), 0.15084917392450192);
        assert_eq!((twin.randint(1, 3), twin.choice_index(4)), (3, 0));
        assert_eq!(twin.random(), 0.07243628666754276);
        assert_eq!(twin.random(), 0.5358820043066892);
        assert_eq!(twin.random(), 0.36568891691258554);
        assert_eq!(twin.random(), 0.057998924774706806);
        assert_eq!((twin.randint(1, 3), twin.choice_index(4)), (3, 1));
        assert_eq!(twin.random(), 0.03749565844198488);
        assert_eq!(rng.random(), twin.random());
    }

    #[test]
    fn retrieves_while_the_pool_is_empty() {
        let s = Scholar::with_pool(&Config::default(), 0, &[]);
        let feed = Feed::default();
        let base = Base::for_test(0, 1);
        let mut rng = PyRandom::new(7);
        let a = AdversarialRetriever.act(&mut rng, &base, &scholar_observation(&feed, &s));
        assert_eq!(a, Action::Scholar(ScholarAction::Retrieve));
        assert_eq!(rng.random(), PyRandom::new(7).random());
    }
}
