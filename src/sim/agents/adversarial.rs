//! Adversarial agents (docs/model/simulation.md §6.4; marketplace branches:
//! docs/model/markets.md §A.4.4).

use super::{Action, AgentType, Base, Content, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::coerce::{Rule, UNIT};
use crate::scenario::schema::{inert, modelled, Field, Inert};
use crate::scenario::Archetype;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Parsed and ignored, as in the reference (docs/model/quirks.md §2.18).
    pub aggression_level: f64,
    /// Parsed and ignored, as in the reference (§2.18).
    pub coordination_enabled: bool,
    pub target_honest: bool,
    pub post_probability: f64,
    pub attack_probability: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            aggression_level: 0.7,
            coordination_enabled: true,
            target_honest: true,
            post_probability: 0.5,
            attack_probability: 0.6,
        }
    }
}

/// Why `aggression_level` and `coordination_enabled` do nothing.
const UNUSED: &str = "the reference's adversarial agent stores it and never reads it";

static FIELDS: &[Field<Config>] = &[
    inert(
        modelled!(aggression_level, Float, Rule::Any),
        Inert::never(UNUSED),
    ),
    inert(modelled!(coordination_enabled, Bool), Inert::never(UNUSED)),
    modelled!(target_honest, Bool),
    modelled!(post_probability, Float, UNIT),
    modelled!(attack_probability, Float, UNIT),
];

#[derive(Debug, Clone)]
pub struct Adversarial {
    cfg: Config,
    known_allies: Vec<bool>,
    target_list: Vec<bool>,
    attack_cooldown: i64,
    scratch: Vec<usize>,
}

impl AgentType for Adversarial {
    type Config = Config;
    const NAME: &'static str = "adversarial";
    const ARCHETYPE: Archetype = Archetype::Adversarial;

    fn fields() -> &'static [Field<Config>] {
        FIELDS
    }

    fn new(cfg: &Config, n_agents: usize, _rng: &mut PyRandom) -> Adversarial {
        Adversarial {
            cfg: cfg.clone(),
            known_allies: vec![false; n_agents],
            target_list: vec![false; n_agents],
            attack_cooldown: 0,
            scratch: Vec::with_capacity(n_agents),
        }
    }

    fn act(&mut self, rng: &mut PyRandom, _base: &Base, obs: &Observation) -> Action {
        if self.attack_cooldown > 0 {
            self.attack_cooldown -= 1;
        }
        for a in obs.visible() {
            if self.cfg.target_honest
                && a.archetype == Archetype::Honest
                && (a.resources() > 50.0 || a.reputation() > 0.0)
            {
                self.target_list[a.idx] = true;
            }
            if a.archetype == Archetype::Adversarial {
                self.known_allies[a.idx] = true;
            }
        }
        if obs.resources > 10.0 && rng.random() < 0.2 {
            // A bait bounty with a one-epoch deadline (fails without a
            // marketplace, §2.2).
            let reward = rng.uniform(1.0, 5.0);
            return Action::PostBounty {
                reward,
                min_reputation: 0.0,
                deadline: Some(obs.epoch + 1),
            };
        }
        // Never in practice: adversaries neither bid nor accept bids, so
        // they are party to no escrow.
        if let Some(m) = obs.market.filter(|m| !m.escrows.is_empty()) {
            if rng.random() < 0.4 {
                let escrow = m.escrows[rng.choice_index(m.escrows.len())];
                return Action::FileDispute { escrow };
            }
        }
        if let Some(p) = obs.first_pending {
            return p.answer(self.is_friendly_or_target(p.initiator) || rng.random() < 0.4);
        }
        if self.attack_cooldown == 0 && rng.random() < self.cfg.attack_probability {
            let attack = self.attack(rng, obs);
            if attack != Action::Noop {
                self.attack_cooldown = 2;
                return attack;
            }
        }
        if obs.can_post && rng.random() < self.cfg.post_probability {
            // One of five disruptive texts.
            return Action::Post(Content(rng.choice_index(5) as u8));
        }
        if obs.can_vote && obs.has_posts() {
            let targeted = obs.visible_posts().find(|&p| {
                obs.feed.posts[p]
                    .author
                    .is_some_and(|a| self.target_list[a])
            });
            // Sorting by the unseen net_votes (all 0) keeps rank order.
            if let Some(post) = targeted.or_else(|| obs.top_post()) {
                return Action::Vote { post, up: false };
            }
        }
        if obs.can_interact && obs.has_visible() {
            self.collect_targets(obs);
            // The targets' offer, else any visible agent's (another text).
            let mut content = Content(1);
            if self.scratch.is_empty() {
                self.scratch.extend(obs.visible().map(|a| a.idx));
                content = Content(2);
            }
            let counterparty = self.scratch[rng.choice_index(self.scratch.len())];
            return Action::Propose {
                counterparty,
                itype: InteractionType::Trade,
                content,
            };
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        rng: &mut PyRandom,
        _base: &Base,
        initiator: usize,
        itype: InteractionType,
    ) -> bool {
        if self.is_friendly_or_target(initiator) || itype == InteractionType::Trade {
            return true;
        }
        // Only collaborations reach here (trades are always accepted).
        rng.random() < 0.3
    }
}

impl Adversarial {
    fn is_friendly_or_target(&self, idx: usize) -> bool {
        self.known_allies[idx] || self.target_list[idx]
    }

    fn collect_targets(&mut self, obs: &Observation) {
        self.scratch.clear();
        let targets = &self.target_list;
        self.scratch
            .extend(obs.visible().map(|a| a.idx).filter(|&i| targets[i]));
    }

    fn attack(&mut self, rng: &mut PyRandom, obs: &Observation) -> Action {
        if obs.can_interact {
            self.collect_targets(obs);
            if !self.scratch.is_empty() {
                let counterparty = self.scratch[rng.choice_index(self.scratch.len())];
                return Action::propose(counterparty, InteractionType::Trade);
            }
        }
        // Claim the highest-bounty task to waste it (never submitted).
        if let Some(task) = obs
            .market
            .filter(|m| m.can_claim_task)
            .and_then(|m| m.best_task())
        {
            return Action::ClaimTask(task);
        }
        if obs.can_post {
            // One of four attack texts (none shared with the disruptive five).
            return Action::Post(Content(5 + rng.choice_index(4) as u8));
        }
        Action::Noop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::testing::{base, market_obs};
    use crate::sim::feed::Feed;
    use crate::sim::marketplace::{MarketView, TaskView};

    /// marketplace_economy seed 1, step 0/1 (traced): adversarial_1 draws
    /// 0.1263… < 0.2 and posts a bounty of uniform(1, 5) =
    /// 3.8192676914864316 with deadline epoch + 1.
    #[test]
    fn posts_bait_bounties_else_attacks_by_claiming_the_best_task() {
        let view = MarketView {
            tasks: vec![TaskView {
                id: 9,
                bounty: 12.0,
            }],
            can_claim_task: true,
            ..MarketView::default()
        };
        let feed = Feed::default();
        for seed in 0..20 {
            let mut a = Adversarial::new(&Config::default(), 2, &mut PyRandom::new(0));
            let (mut rng, mut twin) = (PyRandom::new(seed), PyRandom::new(seed));
            let want = if twin.random() < 0.2 {
                Action::PostBounty {
                    reward: twin.uniform(1.0, 5.0),
                    min_reputation: 0.0,
                    deadline: Some(1),
                }
            } else if twin.random() < 0.6 {
                // The attack has no target to trade with: it claims.
                Action::ClaimTask(9)
            } else {
                Action::Noop
            };
            assert_eq!(
                a.act(&mut rng, &base(), &market_obs(&feed, &view, 100.0)),
                want
            );
            assert_eq!(rng.random(), twin.random(), "seed {seed}");
            if want == Action::ClaimTask(9) {
                assert_eq!(a.attack_cooldown, 2);
            }
        }
        // At 10 or less, no bounty gate draw.
        let mut a = Adversarial::new(&Config::default(), 2, &mut PyRandom::new(0));
        let (mut rng, mut twin) = (PyRandom::new(3), PyRandom::new(3));
        let got = a.act(&mut rng, &base(), &market_obs(&feed, &view, 10.0));
        let want = if twin.random() < 0.6 {
            Action::ClaimTask(9)
        } else {
            Action::Noop
        };
        assert_eq!(got, want);
    }
}
