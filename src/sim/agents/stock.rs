//! Stock parts of an `AgentType` that several reference classes share word
//! for word: the settings-less constructor, the three passive rules that
//! draw nothing (accept all, reject all, the scholar types' trust gate),
//! the memory-tier write gate and the scholar types' query gate.
//!
//! The first four are `impl AgentType` items, so they are macros used
//! inside the impl block (`no_config!();`); they expand to exactly what the
//! types wrote by hand, and the run loop still dispatches statically.

use super::{Action, Content, Observation};
use crate::rng::PyRandom;
use crate::sim::scholar::Scholar;

/// `Config`, `fields` and `new` of a type whose reference class reads none
/// of its `config:` keys and keeps no state of its own: no settings, and a
/// constructor that draws nothing.
macro_rules! no_config {
    () => {
        type Config = ();

        fn fields() -> &'static [$crate::scenario::schema::Field<()>] {
            &[]
        }

        fn new(_: &(), _n_agents: usize, _rng: &mut $crate::rng::PyRandom) -> Self {
            Self
        }
    };
}
pub(super) use no_config;

/// `accept`: every proposal still pending at the end of a step, no draw.
macro_rules! accept_every_proposal {
    () => {
        $crate::sim::agents::stock::passive_rule!(|_base, _initiator, _itype| true);
    };
}
pub(super) use accept_every_proposal;

/// `accept`: no proposal, no draw.
macro_rules! reject_every_proposal {
    () => {
        $crate::sim::agents::stock::passive_rule!(|_base, _initiator, _itype| false);
    };
}
pub(super) use reject_every_proposal;

/// `accept` of the scholar types (`BaseScholarAgent.accept_interaction`,
/// [`scholar_accepts`](super::scholar_accepts)): collaborations always,
/// anything else while trust in the initiator is at least 0.4. No draw.
macro_rules! accept_as_scholar {
    () => {
        $crate::sim::agents::stock::passive_rule!(|base, initiator, itype| {
            $crate::sim::agents::scholar_accepts(base, initiator, itype)
        });
    };
}
pub(super) use accept_as_scholar;

/// An `accept` that never touches the agent's stream: `$rule` over the
/// agent's base state, the initiator and the interaction type.
macro_rules! passive_rule {
    (|$base:ident, $initiator:ident, $itype:ident| $rule:expr) => {
        fn accept(
            &mut self,
            _rng: &mut $crate::rng::PyRandom,
            $base: &$crate::sim::agents::Base,
            $initiator: usize,
            $itype: $crate::sim::agents::InteractionType,
        ) -> bool {
            $rule
        }
    };
}
pub(super) use passive_rule;

/// The memory-tier write of the recorder-like types: while the write budget
/// lasts, one draw, and a write below `probability`. No draw once the budget
/// is spent, nor without a memory handler (a budget of 0).
#[inline]
pub(super) fn write_memory_below(
    rng: &mut PyRandom,
    obs: &Observation,
    probability: f64,
) -> Action {
    if obs.memory_writes_remaining > 0 && rng.random() < probability {
        Action::WriteMemory(Content(0))
    } else {
        Action::Noop
    }
}

/// The scholar handler, when the epoch has a query to work on: the
/// retrieving and synthesizing types do nothing without one.
#[inline]
pub(super) fn scholar_with_query<'a>(obs: &Observation<'a>) -> Option<&'a Scholar> {
    obs.scholar.filter(|s| s.query().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::scholar_observation;
    use crate::sim::agents::testing::memory_obs;
    use crate::sim::feed::Feed;
    use crate::sim::scholar::Config;

    /// Random(3) first draws 0.237…: a write below 0.4, none below 0.2.
    #[test]
    fn the_memory_write_draws_once_a_turn_and_only_while_the_budget_lasts() {
        let feed = Feed::default();
        let write = |budget, p| {
            let mut rng = PyRandom::new(3);
            let a = write_memory_below(&mut rng, &memory_obs(&feed, budget), p);
            (a, rng.random())
        };
        let mut twin = PyRandom::new(3);
        let (first, second) = (twin.random(), twin.random());
        assert_eq!(write(1, 0.4), (Action::WriteMemory(Content(0)), second));
        assert_eq!(write(20, 0.2), (Action::Noop, second));
        assert_eq!(write(0, 1.0), (Action::Noop, first));
    }

    #[test]
    fn the_query_gate_needs_a_handler_and_a_query_left() {
        let feed = Feed::default();
        let obs = Observation::for_test(&feed, &[], &[], &[]);
        assert!(scholar_with_query(&obs).is_none());
        let s = Scholar::with_pool(&Config::default(), 0, &[]);
        assert!(scholar_with_query(&scholar_observation(&feed, &s)).is_some());
        let past_the_last = Scholar::with_pool(&Config::default(), usize::MAX, &[]);
        assert!(scholar_with_query(&scholar_observation(&feed, &past_the_last)).is_none());
    }
}
