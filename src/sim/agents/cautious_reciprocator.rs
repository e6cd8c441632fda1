//! Cautious reciprocators (the reference's `CautiousReciprocator`;
//! docs/model/cautious-self-optimizer-obfuscating.md §4.2): a per-partner payoff ledger
//! lowers or raises the trust bar, partners whose ledger falls below the
//! blacklist threshold are refused for good, and partners met often with a
//! negative average are refused. The ledger also counts the payoffs of
//! rejected interactions (computed, never credited), which is how strangers
//! (trust 0.5 < 0.55) become acceptable. Reports the `honest` type.
//!
//! Bounties, bids and tasks need the marketplace, which scenarios this engine
//! runs never have: their observation lists are empty, so those branches
//! (and the bounty gate's draw) never happen.

use super::{Action, AgentType, Base, Content, InteractionType, Observation, Outcome};
use crate::rng::PyRandom;
use crate::scenario::coerce::{at_least, Rule, UNIT};
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub base_threshold: f64,
    /// A partner whose ledger drops strictly below this is never accepted again.
    pub blacklist_threshold: f64,
    /// From this many interactions on, a partner must average >= 0.
    pub max_per_partner: i64,
    pub post_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_threshold: 0.55,
            blacklist_threshold: -2.0,
            max_per_partner: 8,
            post_probability: 0.2,
        }
    }
}

static FIELDS: &[Field<Config>] = &[
    modelled!(base_threshold, Float, Rule::Any),
    modelled!(blacklist_threshold, Float, Rule::Any),
    modelled!(max_per_partner, Int, at_least(0)),
    modelled!(post_probability, Float, UNIT),
];

#[derive(Debug, Clone)]
pub struct CautiousReciprocator {
    cfg: Config,
    /// Per agent: the sum of this agent's payoffs with it (0.0 when none).
    ledger: Vec<f64>,
    /// Per agent: finalized interactions with it, accepted or not.
    count: Vec<i64>,
    blacklist: Vec<bool>,
}

impl AgentType for CautiousReciprocator {
    type Config = Config;
    const NAME: &'static str = "cautious_reciprocator";
    const ARCHETYPE: Archetype = Archetype::Honest;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> CautiousReciprocator {
        CautiousReciprocator {
            cfg: cfg.clone(),
            ledger: vec![0.0; n_agents],
            count: vec![0; n_agents],
            blacklist: vec![false; n_agents],
        }
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        if let Some(p) = obs.first_pending {
            return if self.acceptable(base, p.initiator) {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        if obs.can_interact {
            // Only the best partner (ledger, then trust; the first of equals,
            // as a stable descending sort) is considered.
            let mut best: Option<(usize, f64, f64)> = None;
            for a in obs.visible().filter(|a| !self.blacklist[a.idx]) {
                let (l, t) = (self.ledger[a.idx], base.trust(a.idx));
                if best.is_none_or(|(_, bl, bt)| l > bl || (l == bl && t > bt)) {
                    best = Some((a.idx, l, t));
                }
            }
            if let Some((counterparty, _, _)) = best {
                if self.acceptable(base, counterparty) {
                    return Action::Propose {
                        counterparty,
                        itype: InteractionType::Collaboration,
                        content: Content(0),
                    };
                }
            }
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            return Action::Post(Content(0));
        }
        if obs.can_vote && obs.has_posts() {
            let i = rng.choice_index(obs.n_visible_posts());
            if let Some(post) = obs.visible_posts().nth(i) {
                // Agents never see net_votes (docs/model/quirks.md §2.1): always an up-vote.
                return Action::Vote { post, up: true };
            }
        }
        Action::Noop
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

    fn record_outcome(&mut self, o: Outcome) {
        self.ledger[o.other] += o.payoff;
        self.count[o.other] += 1;
        if self.ledger[o.other] < self.cfg.blacklist_threshold {
            self.blacklist[o.other] = true;
        }
    }
}

impl CautiousReciprocator {
    fn acceptable(&self, base: &Base, other: usize) -> bool {
        if self.blacklist[other] {
            return false;
        }
        let (count, ledger) = (self.count[other], self.ledger[other]);
        // Diversification: a frequent partner must average at least 0.
        if count >= self.cfg.max_per_partner && ledger / (count.max(1) as f64) < 0.0 {
            return false;
        }
        let mut threshold = self.cfg.base_threshold;
        if ledger > 1.0 {
            threshold -= 0.15;
        } else if ledger < -0.5 {
            threshold += 0.2;
        }
        base.trust(other) >= threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(other: usize, payoff: f64) -> Outcome {
        Outcome {
            other,
            accepted: false,
            p: 0.5,
            payoff,
            itype: crate::sim::agents::InteractionType::Collaboration,
        }
    }

    #[test]
    fn rejected_payoffs_fill_the_ledger_until_a_stranger_qualifies() {
        // threshold_dancer_vs_cautious.yaml seed 1: honest_1's proposals to
        // cautious_reciprocator_1 were rejected, yet its counterparty payoffs
        // reached the ledger; above 1.0 trust 0.5 clears the lowered bar.
        let mut rng = PyRandom::new(2);
        let base = Base::for_test(0, 2);
        let mut agent = CautiousReciprocator::new(&Config::default(), 2, &mut rng);
        assert!(!agent.accept(&mut rng, &base, 1, InteractionType::Collaboration));
        agent.record_outcome(outcome(1, 0.562541168742988));
        assert!(!agent.accept(&mut rng, &base, 1, InteractionType::Collaboration));
        agent.record_outcome(outcome(1, 0.591505112156164));
        assert_eq!(agent.ledger[1], 0.562541168742988 + 0.591505112156164);
        assert!(agent.accept(&mut rng, &base, 1, InteractionType::Trade));
    }

    #[test]
    fn frequent_partners_with_a_negative_average_are_refused() {
        let mut rng = PyRandom::new(2);
        let mut base = Base::for_test(0, 3);
        base.trust[1] = Some(0.9).into();
        base.trust[2] = Some(0.9).into();
        let mut agent = CautiousReciprocator::new(&Config::default(), 3, &mut rng);
        for _ in 0..7 {
            agent.record_outcome(outcome(1, -0.05));
        }
        assert!(agent.acceptable(&base, 1));
        agent.record_outcome(outcome(1, -0.05));
        assert!(!agent.acceptable(&base, 1));
        // Below the blacklist threshold: refused at any trust, for good.
        agent.record_outcome(outcome(2, -2.5));
        agent.record_outcome(outcome(2, 3.0));
        assert!(agent.blacklist[2] && !agent.acceptable(&base, 2));
    }
}
