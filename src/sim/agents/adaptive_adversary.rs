//! Adaptive adversaries (docs/model/adaptive-adversary-rlm.md §3.2): in the reference
//! the strategy learner never leaves its "lay low" mode (the detection
//! counter it waits on is only advanced by a red-team API no run calls), so
//! every turn is one draw: post (30 %) or up-vote the top-ranked post, both
//! built without an agent id, hence done by the anonymous actor `""` that
//! all adaptive adversaries share (§3.3). It never answers proposals on its
//! turn and accepts every one passively, without a draw.

use super::stock::accept_every_proposal;
use super::{Action, AgentType, Base, Content, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

/// Its settings. None of them changes a run: the learning rate is never
/// read, the exploration rate only by the unreachable strategy choice, and
/// the heat threshold only in a test that the permanent lay-low mode makes
/// moot for every number (a non-number crashes the reference, so it is
/// refused).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub learning_rate: f64,
    pub exploration_rate: f64,
    pub heat_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            learning_rate: 0.1,
            exploration_rate: 0.2,
            heat_threshold: 0.6,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(learning_rate, Number, Rule::Any),
    modelled!(exploration_rate, Number, Rule::Any),
    modelled!(heat_threshold, Number, Rule::Any),
];

/// Below this draw it posts.
const POST_PROBABILITY: f64 = 0.3;

#[derive(Debug, Clone)]
pub struct AdaptiveAdversary;

impl AgentType for AdaptiveAdversary {
    type Config = Config;
    const NAME: &'static str = "adaptive_adversary";
    const ARCHETYPE: Archetype = Archetype::Adversarial;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(_cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> AdaptiveAdversary {
        AdaptiveAdversary
    }

    /// `_act_innocently`; pending proposals are ignored, and neither the
    /// post nor the vote checks the agent's own rate limits (they are spent
    /// from the anonymous actor's bucket when executed).
    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if rng.random() < POST_PROBABILITY {
            return Action::AnonymousPost(Content(0));
        }
        // The "most voted" visible post by a key the post records lack: all
        // tie, and the first, the top-ranked post, wins.
        match obs.top_post() {
            Some(post) => Action::AnonymousVote { post, up: true },
            None => Action::Noop,
        }
    }

    // Lay-low mode accepts everything.
    accept_every_proposal!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, LoadOptions};
    use crate::sim;
    use crate::sim::agents::InteractionType;
    use crate::sim::feed::Feed;

    #[test]
    fn one_draw_a_turn_post_below_three_tenths_else_up_vote_the_top_post() {
        // adversarial_redteam seed 1: adaptive_adversary_1 draws on Random(8).
        let mut rng = PyRandom::new(8);
        let mut a = AdaptiveAdversary;
        let base = Base::for_test(0, 2);
        let mut feed = Feed::default();
        let obs = |feed: &Feed, f: &mut dyn FnMut(&Observation)| {
            // No action allowed: its post and vote ignore the agent's own
            // rate limits.
            f(&Observation {
                can_post: false,
                can_interact: false,
                can_vote: false,
                ..Observation::for_test(
                    feed,
                    &[0, 1],
                    &[Archetype::Adversarial, Archetype::Honest],
                    &[0.0, 0.0],
                )
            })
        };
        let mut got = Vec::new();
        obs(&feed, &mut |o| got.push(a.act(&mut rng, &base, o))); // 0.2267
        obs(&feed, &mut |o| got.push(a.act(&mut rng, &base, o))); // 0.9623, no post
        feed.create_post(Some(1));
        feed.create_post(None);
        obs(&feed, &mut |o| got.push(a.act(&mut rng, &base, o))); // 0.1263
        obs(&feed, &mut |o| got.push(a.act(&mut rng, &base, o))); // 0.7048
        assert_eq!(
            got,
            [
                Action::AnonymousPost(Content(0)),
                Action::Noop,
                Action::AnonymousPost(Content(0)),
                Action::AnonymousVote { post: 1, up: true },
            ]
        );
        assert!(a.accept(&mut rng, &base, 1, InteractionType::Trade));
        // No draw when accepting: the next one is the traced step-4 draw.
        assert_eq!(rng.random(), 0.08518526805075266);
    }

    #[test]
    fn adaptive_adversaries_share_one_post_budget_and_never_initiate() {
        // Honest agents that never post: every post is the anonymous
        // actor's, at most posts_per_epoch of them per epoch in all.
        let yaml = "agents:\n  - type: adaptive_adversary\n    count: 2\n  - type: honest\n    count: 2\n    config:\n      post_probability: 0.0\nrate_limits:\n  posts_per_epoch: 3\nsimulation:\n  n_epochs: 2\n  steps_per_epoch: 40\n";
        let s = load_str(yaml, "a.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        let r = sim::run(&s, 1);
        assert!(r.agents[..2].iter().all(|a| a.interactions_initiated == 0));
        let posts: Vec<u64> = r.epochs.iter().map(|e| e.total_posts).collect();
        assert_eq!(posts, [3, 6]);
    }

    #[test]
    fn a_non_numeric_heat_threshold_is_refused() {
        let yaml =
            "agents:\n  - type: adaptive_adversary\n    config:\n      heat_threshold: high\n";
        let e = load_str(yaml, "a.yaml", LoadOptions::default()).unwrap_err();
        assert!(e.message.contains("agents[0].config.heat_threshold"), "{e}");
        assert!(e.message.contains("expected a number"), "{e}");
    }
}
