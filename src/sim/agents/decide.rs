//! The steps of a decision that several agent types take the same way:
//! answering the pending proposal, picking a partner (uniformly, or the
//! first of the best), proposing and up-voting a visible post. Each draws
//! exactly what the reference's step draws, in its order
//! (docs/model/simulation.md §6), and all are plain functions the
//! compiler inlines into each type's `act`.

use super::{Action, Content, InteractionType, Observation, PendingView, VoteMemory};
use crate::rng::PyRandom;
use crate::sim::feed::VISIBLE_POSTS;

impl PendingView {
    /// Accept or reject this proposal.
    #[inline(always)]
    pub fn answer(self, accept: bool) -> Action {
        if accept {
            Action::Accept(self.proposal_id)
        } else {
            Action::Reject(self.proposal_id)
        }
    }
}

impl Action {
    /// A proposal of `itype` to `counterparty` carrying its type's first
    /// (for most types, only) text.
    #[inline(always)]
    pub fn propose(counterparty: usize, itype: InteractionType) -> Action {
        Action::Propose {
            counterparty,
            itype,
            content: Content(0),
        }
    }
}

/// `rng.choice(visible_agents)`: a uniformly chosen visible agent; `None`,
/// without a draw, when none is visible.
#[inline(always)]
pub(super) fn random_visible(rng: &mut PyRandom, obs: &Observation) -> Option<usize> {
    if !obs.has_visible() {
        return None;
    }
    let i = rng.choice_index(obs.visible().count());
    obs.visible().nth(i).map(|a| a.idx)
}

/// Propose `itype` (the first text) to a uniformly chosen visible agent, if
/// the agent may interact and sees anyone.
#[inline(always)]
pub(super) fn propose_to_random(
    rng: &mut PyRandom,
    obs: &Observation,
    itype: InteractionType,
) -> Option<Action> {
    if !obs.can_interact {
        return None;
    }
    random_visible(rng, obs).map(|counterparty| Action::propose(counterparty, itype))
}

/// The first candidate with the highest score: what Python's `max(...,
/// key=)` returns, and the head of a stable descending sort. A NaN score
/// never displaces the best so far.
#[inline(always)]
pub(super) fn first_best(candidates: impl Iterator<Item = (usize, f64)>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (idx, score) in candidates {
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((idx, score));
        }
    }
    best.map(|(idx, _)| idx)
}

/// Behind the agent's own vote gate (a draw made only when it may vote and
/// sees posts; `None`: no gate), up-vote a uniformly chosen visible post.
/// Agents never see net votes (docs/model/quirks.md §2.1), so the votes of
/// the types that vote by net votes are always up-votes.
#[inline(always)]
pub(super) fn upvote_random_post(
    rng: &mut PyRandom,
    obs: &Observation,
    gate: Option<f64>,
) -> Option<Action> {
    if !obs.can_vote || !obs.has_posts() {
        return None;
    }
    let passed = match gate {
        Some(probability) => rng.random() < probability,
        None => true,
    };
    if !passed {
        return None;
    }
    let i = rng.choice_index(obs.n_visible_posts());
    obs.visible_posts()
        .nth(i)
        .map(|post| Action::Vote { post, up: true })
}

/// Up-vote a uniformly chosen visible post that `memory` holds no vote on
/// (the reference filters the visible posts by its memory, then draws
/// `choice`) and remember the vote; `Noop`, without a draw, when every
/// visible post has been voted on.
#[inline(always)]
pub(super) fn upvote_unvoted_post(
    rng: &mut PyRandom,
    obs: &Observation,
    memory: &mut VoteMemory,
) -> Action {
    // The candidates in rank order, written unconditionally and kept by
    // advancing: no branch to mispredict.
    let mut unvoted = [0usize; VISIBLE_POSTS];
    let mut n = 0;
    for p in obs.visible_posts() {
        unvoted[n] = p;
        n += usize::from(!memory.has_voted(p));
    }
    if n == 0 {
        return Action::Noop;
    }
    let post = unvoted[rng.choice_index(n)];
    memory.push_vote(post);
    Action::Vote { post, up: true }
}

/// A `fields()` table that opens with the five settings honest agents
/// read, for the types that take honest's decisions with those settings
/// (honest, ralph_loop, skillrl), followed by the type's own `rows`.
macro_rules! honest_fields {
    ($($row:expr),* $(,)?) => {
        &[
            $crate::scenario::schema::modelled!(
                acceptance_threshold,
                Float,
                $crate::scenario::coerce::Rule::Any
            ),
            $crate::scenario::schema::modelled!(
                trust_weight,
                Float,
                $crate::scenario::coerce::Rule::Any
            ),
            $crate::scenario::schema::modelled!(
                post_probability,
                Float,
                $crate::scenario::coerce::UNIT
            ),
            $crate::scenario::schema::modelled!(
                vote_probability,
                Float,
                $crate::scenario::coerce::UNIT
            ),
            $crate::scenario::schema::modelled!(
                interact_probability,
                Float,
                $crate::scenario::coerce::UNIT
            ),
            $($row),*
        ]
    };
}
pub(super) use honest_fields;

/// The items of an `AgentType` impl for a newtype over `Honest` (field
/// `.0`) that behaves exactly as honest agents do, as rain and river do:
/// honest's settings, constructor and three decisions, passed through.
/// The type adds its name, archetype and hooks.
macro_rules! behaves_as_honest {
    () => {
        fn fields() -> &'static [$crate::scenario::schema::Field<Self::Config>] {
            <$crate::sim::agents::honest::Honest as $crate::sim::agents::AgentType>::fields()
        }

        fn new(cfg: &Self::Config, n_agents: usize, rng: &mut $crate::rng::PyRandom) -> Self {
            Self(
                <$crate::sim::agents::honest::Honest as $crate::sim::agents::AgentType>::new(
                    cfg, n_agents, rng,
                ),
            )
        }

        fn act(
            &mut self,
            rng: &mut $crate::rng::PyRandom,
            base: &$crate::sim::agents::Base,
            obs: &$crate::sim::agents::Observation,
        ) -> $crate::sim::agents::Action {
            self.0.act(rng, base, obs)
        }

        fn accept(
            &mut self,
            rng: &mut $crate::rng::PyRandom,
            base: &$crate::sim::agents::Base,
            initiator: usize,
            itype: $crate::sim::agents::InteractionType,
        ) -> bool {
            self.0.accept(rng, base, initiator, itype)
        }

        fn record_outcome(&mut self, o: $crate::sim::agents::Outcome) {
            self.0.record_outcome(o);
        }
    };
}
pub(super) use behaves_as_honest;

/// Checks of the marketplace branches, shared by the unit tests of the
/// types that trade.
#[cfg(test)]
pub(super) mod market_checks {
    use super::super::testing::{base, market_obs};
    use super::super::{Action, AgentType};
    use crate::rng::PyRandom;
    use crate::sim::feed::Feed;
    use crate::sim::marketplace::{BidView, MarketView};

    /// Pending bids of `amounts` (bid ids 0, 1, ...) on the agent's own
    /// bounty `bounty`.
    pub fn bids_on(bounty: usize, amounts: &[f64]) -> Vec<BidView> {
        let bid = |(bid, &amount)| BidView {
            bid,
            bounty,
            amount,
        };
        amounts.iter().enumerate().map(bid).collect()
    }

    /// A default agent of type `T` (agent 0 of 2).
    pub fn fresh<T: AgentType>() -> T {
        T::new(&T::Config::default(), 2, &mut PyRandom::new(0))
    }

    /// One turn of `agent` (100 resources) shown `view`, on the stream
    /// seeded `seed`, returns `want` after exactly `draws` draws of
    /// `random()`.
    pub fn assert_turn<T: AgentType>(
        agent: &mut T,
        view: &MarketView,
        seed: i128,
        draws: usize,
        want: Action,
    ) {
        let feed = Feed::default();
        let mut rng = PyRandom::new(seed);
        let got = agent.act(&mut rng, &base(), &market_obs(&feed, view, 100.0));
        assert_eq!(got, want);
        let mut twin = PyRandom::new(seed);
        for _ in 0..draws {
            twin.random();
        }
        assert_eq!(rng.random(), twin.random(), "not {draws} draws");
    }

    /// On the streams of seeds 0..20, a default agent of type `T` shown
    /// `view` returns what `want` computes from a twin of the stream, and
    /// leaves its stream where the twin's is. Returns the agent.
    pub fn assert_acts_as_twin<T: AgentType>(
        view: &MarketView,
        mut want: impl FnMut(&mut PyRandom) -> Action,
    ) -> T {
        let feed = Feed::default();
        let mut agent = fresh::<T>();
        for seed in 0..20 {
            let (mut rng, mut twin) = (PyRandom::new(seed), PyRandom::new(seed));
            let expected = want(&mut twin);
            let got = agent.act(&mut rng, &base(), &market_obs(&feed, view, 100.0));
            assert_eq!(got, expected, "seed {seed}");
            assert_eq!(rng.random(), twin.random(), "seed {seed}");
        }
        agent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Archetype;
    use crate::sim::feed::Feed;

    #[test]
    fn first_best_keeps_the_first_of_equals_and_skips_nan() {
        let c = [(3, 0.5), (1, 0.9), (4, 0.9), (0, f64::NAN), (2, 0.1)];
        assert_eq!(first_best(c.into_iter()), Some(1));
        assert_eq!(first_best([(7, f64::NAN), (8, 1.0)].into_iter()), Some(7));
        assert_eq!(first_best(std::iter::empty::<(usize, f64)>()), None);
    }

    #[test]
    fn random_steps_draw_only_when_there_is_something_to_choose() {
        let feed = Feed::default();
        let archetypes = [Archetype::Honest; 3];
        let alone = Observation::for_test(&feed, &[0], &archetypes, &[0.0; 3]);
        let mut rng = PyRandom::new(4);
        assert_eq!(random_visible(&mut rng, &alone), None);
        assert_eq!(upvote_random_post(&mut rng, &alone, Some(1.0)), None);
        assert_eq!(rng.random(), PyRandom::new(4).random());

        let obs = Observation::for_test(&feed, &[0, 1, 2], &archetypes, &[0.0; 3]);
        let mut twin = PyRandom::new(4);
        let want = [1, 2][twin.choice_index(2)];
        let mut rng = PyRandom::new(4);
        assert_eq!(
            propose_to_random(&mut rng, &obs, InteractionType::Trade),
            Some(Action::propose(want, InteractionType::Trade))
        );
        assert_eq!(rng.random(), twin.random());
    }

    #[test]
    fn up_votes_a_post_not_voted_on_and_remembers_it() {
        let mut feed = Feed::default();
        for author in [1, 2] {
            feed.create_post(Some(author));
        }
        let obs = Observation::for_test(&feed, &[0, 1, 2], &[Archetype::Honest; 3], &[0.0; 3]);
        let mut memory = VoteMemory::default();
        let mut rng = PyRandom::new(9);
        let first = upvote_unvoted_post(&mut rng, &obs, &mut memory);
        let Action::Vote { post, up: true } = first else {
            panic!("{first:?}");
        };
        assert!(memory.has_voted(post));
        // One post left: still a draw (choice over one), then that post.
        let other = obs.visible_posts().find(|&p| p != post).unwrap();
        assert_eq!(
            upvote_unvoted_post(&mut rng, &obs, &mut memory),
            Action::Vote {
                post: other,
                up: true
            }
        );
        let mut twin = PyRandom::new(9);
        twin.choice_index(2);
        twin.choice_index(1);
        assert_eq!(rng.random(), twin.random());
        // All voted on: no draw, no vote.
        assert_eq!(
            upvote_unvoted_post(&mut rng, &obs, &mut memory),
            Action::Noop
        );
    }
}
