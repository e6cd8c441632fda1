//! `adversarial_synthesizer` agents (the reference's
//! `AdversarialSynthesizerAgent`, docs/model/scholar.md §5.5): while no
//! synthesis exists, answer from the first three pool passages and add
//! `int(citations · 0.4)` hallucinated claims, each citing a random pool
//! passage. Archetype adversarial.
//!
//! Draws per hallucination: `choice` of the four templates, then `choice`
//! over the whole pool. With at most three honest citations that is at
//! most one hallucination (3 · 0.4 = 1.2000000000000002 → 1). The reference
//! reads none of its `config:` keys: `hallucination_rate` is a constructor
//! argument its loader never passes, so it is always 0.4.

use super::stock::{accept_as_scholar, no_config, scholar_with_query};
use super::{Action, AgentType, Base, Observation};
use crate::rng::PyRandom;
use crate::scenario::Archetype;
use crate::sim::scholar::{Hallucination, ScholarAction, Synthesis, HALLUCINATION_TEMPLATES};

/// The constructor default the loader never overrides.
const HALLUCINATION_RATE: f64 = 0.4;

#[derive(Debug, Clone)]
pub struct AdversarialSynthesizer;

impl AgentType for AdversarialSynthesizer {
    const NAME: &'static str = "adversarial_synthesizer";
    const ARCHETYPE: Archetype = Archetype::Adversarial;

    no_config!();

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        let Some(s) = scholar_with_query(obs) else {
            return Action::Noop;
        };
        if s.pool_is_empty() || s.has_synthesis() {
            return Action::Noop;
        }
        let pool = s.pool().len();
        let honest = pool.min(3);
        // `int(len(citations) * rate)`: the product truncated.
        let hallucinations = (honest as f64 * HALLUCINATION_RATE) as usize;
        debug_assert!(hallucinations <= 1);
        let hallucination = (hallucinations > 0).then(|| Hallucination {
            template: rng.choice_index(HALLUCINATION_TEMPLATES.len()) as u8,
            passage: rng.choice_index(pool) as u32,
        });
        Action::Scholar(ScholarAction::Synthesize(Synthesis::Hallucinating(
            hallucination,
        )))
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
    fn draws_match_the_reference_on_random_5() {
        // AdversarialSynthesizerAgent with Random(5), query 1, pool
        // passages 000-004: template 2, then passage_002 from the pool.
        let s = Scholar::with_pool(&Config::default(), 1, &[0, 1, 2, 3, 4]);
        let feed = Feed::default();
        let base = Base::for_test(0, 1);
        let a = AdversarialSynthesizer.act(
            &mut PyRandom::new(5),
            &base,
            &scholar_observation(&feed, &s),
        );
        let h = Hallucination {
            template: 2,
            passage: 2,
        };
        assert_eq!(
            a,
            Action::Scholar(ScholarAction::Synthesize(Synthesis::Hallucinating(Some(h))))
        );
        // Two pool passages: int(2 · 0.4) = 0 hallucinations, no draw.
        let s = Scholar::with_pool(&Config::default(), 1, &[0, 1]);
        let mut rng = PyRandom::new(5);
        let a = AdversarialSynthesizer.act(&mut rng, &base, &scholar_observation(&feed, &s));
        assert_eq!(
            a,
            Action::Scholar(ScholarAction::Synthesize(Synthesis::Hallucinating(None)))
        );
        assert_eq!(rng.random(), PyRandom::new(5).random());
    }
}
