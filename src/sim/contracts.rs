//! The contract market (docs/model/markets.md §B): at every epoch start each
//! agent signs the contract with the best noisy utility (drawn on the
//! market's own `Random(seed)`), and every interaction resolved at the end
//! of a step is routed through the contract both parties share, or the
//! default market: contract costs and reputation bonuses enter its payoffs
//! (and, through `c_a`, the initiator's reputation). At epoch end the
//! market updates its pool-quality beliefs and its screening figures.
//! Signing costs only decide affordability: the reference never charges them.

use crate::metrics::ContractFigures;
use crate::pyfloat::py_max;
use crate::rng::PyRandom;
use crate::scenario::{Archetype, ContractsConfig};

/// The pools, in the reference's contract order (signing, beliefs, metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    TruthfulAuction = 0,
    FairDivision = 1,
    DefaultMarket = 2,
}

const GOVERNED: [Pool; 2] = [Pool::TruthfulAuction, Pool::FairDivision];
/// The default market's friction (its `friction_premium` is never configured).
const DEFAULT_FRICTION: f64 = 0.05;

/// What routing did to an interaction before governance sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    pub pool: Pool,
    pub tau: f64,
    pub c_a: f64,
    pub c_b: f64,
    pub r_a: f64,
    pub r_b: f64,
}

impl Terms {
    /// An interaction no contract routed: τ and every term 0.
    pub const NONE: Terms = Terms {
        pool: Pool::DefaultMarket,
        tau: 0.0,
        c_a: 0.0,
        c_b: 0.0,
        r_a: 0.0,
        r_b: 0.0,
    };
}

/// A routed interaction as the epoch-end figures read it.
#[derive(Debug, Clone, Copy)]
struct Routed {
    p: f64,
    accepted: bool,
    /// π_a + π_b with the interaction's final costs.
    welfare: f64,
}

pub struct ContractMarket {
    cfg: ContractsConfig,
    rng: PyRandom,
    /// Each agent's pool this epoch (`None` before the first signing).
    membership: Vec<Option<Pool>>,
    archetypes: Vec<Archetype>,
    beliefs: [f64; 3],
    /// This epoch's routed interactions per pool, in routing order.
    routed: [Vec<Routed>; 3],
}

impl ContractMarket {
    /// `rng` is a just-seeded `Random(S)` (the market seeds its own with the
    /// run's seed).
    pub fn new(cfg: &ContractsConfig, rng: PyRandom, archetypes: &[Archetype]) -> ContractMarket {
        ContractMarket {
            cfg: cfg.clone(),
            rng,
            membership: vec![None; archetypes.len()],
            archetypes: archetypes.to_vec(),
            beliefs: [0.5; 3],
            routed: Default::default(),
        }
    }

    /// The middleware's epoch start: forget last epoch's routed
    /// interactions, then every agent (registration order, frozen ones too)
    /// chooses its pool for the epoch.
    pub fn on_epoch_start(&mut self, resources: &[f64]) {
        self.routed.iter_mut().for_each(Vec::clear);
        for (agent, &r) in resources.iter().enumerate() {
            let pool = self.choose(agent, r);
            self.membership[agent] = Some(pool);
        }
    }

    fn signing_cost(&self, pool: Pool, resources: f64) -> f64 {
        let t = &self.cfg.truthful_auction;
        match pool {
            Pool::TruthfulAuction => py_max(t.min_bond, resources * t.stake_fraction),
            Pool::FairDivision => self.cfg.fair_division.entry_fee,
            Pool::DefaultMarket => 0.0,
        }
    }

    fn preference(&self, agent: usize, pool: Pool) -> f64 {
        let m = &self.cfg.market;
        let truthful = pool == Pool::TruthfulAuction;
        match self.archetypes[agent] {
            Archetype::Honest if truthful => m.honest_truthful_preference,
            Archetype::Honest => m.honest_fair_preference,
            Archetype::Opportunistic if truthful => m.opportunistic_truthful_preference,
            Archetype::Opportunistic => m.opportunistic_fair_preference,
            Archetype::Deceptive | Archetype::Adversarial if truthful => {
                m.adversarial_truthful_preference
            }
            Archetype::Deceptive | Archetype::Adversarial => m.adversarial_fair_preference,
            _ => 0.3,
        }
    }

    /// `_agent_choose_contract`: the default market (utility 0) unless an
    /// affordable governed contract's noisy utility beats it; one `gauss`
    /// per affordable contract, none when switching is off and the agent
    /// already has a pool.
    fn choose(&mut self, agent: usize, resources: f64) -> Pool {
        let prev = self.membership[agent];
        if let (false, Some(prev)) = (self.cfg.market.allow_switching, prev) {
            return prev;
        }
        let (mut best, mut best_utility) = (Pool::DefaultMarket, 0.0);
        for pool in GOVERNED {
            let cost = self.signing_cost(pool, resources);
            if cost > resources {
                continue;
            }
            let preference = self.preference(agent, pool);
            let belief = self.beliefs[pool as usize];
            let switching = match prev {
                Some(p) if p != pool => cost * self.cfg.market.switching_cost_multiplier,
                _ => 0.0,
            };
            let mut utility = preference * belief * resources - cost - switching;
            utility += self.rng.gauss(0.0, 0.1 * utility.abs() + 0.01);
            if utility > best_utility {
                best_utility = utility;
                best = pool;
            }
        }
        best
    }

    /// `route_interaction`: the parties' shared pool, else the default
    /// market; the contract's terms (from τ and zero costs and bonuses),
    /// and for the truthful auction an audit draw that may add a penalty
    /// to both costs.
    pub fn route(&mut self, initiator: usize, counterparty: usize, p: f64, tau: f64) -> Terms {
        let pool_of = |a: usize| self.membership[a].unwrap_or(Pool::DefaultMarket);
        let pool = if pool_of(initiator) == pool_of(counterparty) {
            pool_of(initiator)
        } else {
            Pool::DefaultMarket
        };
        let mut t = Terms {
            pool,
            tau,
            c_a: 0.0,
            c_b: 0.0,
            r_a: 0.0,
            r_b: 0.0,
        };
        match pool {
            Pool::TruthfulAuction => {
                let c = &self.cfg.truthful_auction;
                t.c_a = py_max(0.0, t.c_a * 0.5);
                t.c_b = py_max(0.0, t.c_b * 0.5);
                t.r_a += c.surplus_bonus;
                if self.rng.random() < c.audit_probability {
                    let penalty = if p >= c.audit_threshold_p {
                        0.0
                    } else {
                        (c.audit_threshold_p - p) * c.penalty_multiplier
                    };
                    if penalty > 0.0 {
                        t.c_a += penalty;
                        t.c_b += penalty;
                    }
                }
            }
            Pool::FairDivision => {
                let c = &self.cfg.fair_division;
                t.tau = tau * (1.0 - c.redistribution_rate);
                t.r_a += c.fairness_bonus;
                t.r_b += c.fairness_bonus;
            }
            Pool::DefaultMarket => {
                t.c_a += DEFAULT_FRICTION;
                t.c_b += DEFAULT_FRICTION;
            }
        }
        t
    }

    /// The routed interaction, finalized (its welfare from the final costs).
    pub fn record(&mut self, pool: Pool, p: f64, accepted: bool, welfare: f64) {
        self.routed[pool as usize].push(Routed {
            p,
            accepted,
            welfare,
        });
    }

    /// The middleware's epoch end: beliefs move toward each pool's mean p
    /// (pools without interactions keep theirs), then the epoch's figures.
    pub fn on_epoch_end(&mut self) -> ContractFigures {
        let alpha = self.cfg.market.belief_update_rate;
        for (pool, list) in self.routed.iter().enumerate() {
            if let Some(first) = list.first() {
                let sum = list[1..].iter().fold(first.p, |s, r| s + r.p);
                let quality = sum / list.len() as f64;
                self.beliefs[pool] = alpha * quality + (1.0 - alpha) * self.beliefs[pool];
            }
        }
        self.figures()
    }

    /// `compute_contract_metrics` for this epoch's decisions and routings
    /// (the four figures the success criteria read).
    fn figures(&self) -> ContractFigures {
        let governed = |p: Option<Pool>| p.is_some_and(|p| p != Pool::DefaultMarket);
        let (mut good, mut good_governed, mut good_default) = (0u64, 0u64, 0u64);
        let (mut bad, mut bad_governed) = (0u64, 0u64);
        for (a, &pool) in self.membership.iter().enumerate() {
            match self.archetypes[a] {
                Archetype::Honest | Archetype::WorkRegime => {
                    good += 1;
                    if governed(pool) {
                        good_governed += 1;
                    } else {
                        good_default += 1;
                    }
                }
                Archetype::Deceptive | Archetype::Adversarial => {
                    bad += 1;
                    if governed(pool) {
                        bad_governed += 1;
                    }
                }
                _ => {}
            }
        }
        let separation_quality = if good > 0 {
            good_governed as f64 / good as f64 - good_default as f64 / good as f64
        } else {
            0.0
        };
        let infiltration_rate = if bad > 0 {
            bad_governed as f64 / bad as f64
        } else {
            0.0
        };
        let welfare = |pool: Pool| {
            let accepted: Vec<f64> = self.routed[pool as usize]
                .iter()
                .filter(|r| r.accepted)
                .map(|r| r.welfare)
                .collect();
            match accepted.split_first() {
                Some((&first, rest)) => {
                    rest.iter().fold(first, |s, w| s + w) / accepted.len() as f64
                }
                None => 0.0,
            }
        };
        let governed_welfare = (welfare(Pool::TruthfulAuction) + welfare(Pool::FairDivision)) / 2.0;
        let welfare_delta = governed_welfare - welfare(Pool::DefaultMarket);
        let attacks = |pool: usize| self.routed[pool].iter().filter(|r| r.p < 0.4).count();
        let total_attacks: usize = (0..3).map(attacks).sum();
        let attack_displacement = if total_attacks > 0 {
            attacks(Pool::DefaultMarket as usize) as f64 / total_attacks as f64
        } else {
            0.0
        };
        ContractFigures {
            separation_quality,
            infiltration_rate,
            welfare_delta,
            attack_displacement,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ContractMarketConfig, FairDivisionConfig};

    /// cake_splitting's contracts section.
    fn cake() -> ContractsConfig {
        ContractsConfig {
            fair_division: FairDivisionConfig {
                entry_fee: 2.0,
                fairness_bonus: 0.08,
                redistribution_rate: 0.3,
            },
            market: ContractMarketConfig {
                honest_truthful_preference: 0.3,
                honest_fair_preference: 0.9,
                opportunistic_truthful_preference: 0.2,
                opportunistic_fair_preference: 0.5,
                adversarial_truthful_preference: 0.05,
                adversarial_fair_preference: 0.1,
                ..ContractMarketConfig::default()
            },
            ..ContractsConfig::default()
        }
    }

    fn cake_agents() -> Vec<Archetype> {
        use Archetype::*;
        let mut v = vec![Honest; 4];
        v.extend([Opportunistic; 3]);
        v.extend([Deceptive; 2]);
        v.push(Adversarial);
        v
    }

    /// cake_splitting seed 1, epoch 0 (traced from the reference): the
    /// market stream's first gauss calls, e.g. honest_1's truthful utility
    /// 10.0 (sigma 1.01) draws 1.3010666006870175 and its fair utility
    /// 43.0 (sigma 4.31) takes the cached normal, 6.247110573496012.
    #[test]
    fn signing_draws_on_the_market_stream_with_the_cached_normal() {
        let mut m = ContractMarket::new(&cake(), PyRandom::new(1), &cake_agents());
        m.on_epoch_start(&[100.0; 10]);
        assert!(m.membership.iter().all(|&p| p == Some(Pool::FairDivision)));
        let mut twin = PyRandom::new(1);
        assert_eq!(twin.gauss(0.0, 1.01), 1.3010666006870175);
        assert_eq!(twin.gauss(0.0, 4.31), 6.247110573496012);
        // Twenty calls in epoch 0: the market stream is where the 21st starts.
        for _ in 2..20 {
            twin.gauss(0.0, 1.0);
        }
        assert_eq!(m.rng.random(), twin.random());
    }

    /// n 2 of the same run: adversarial_1 → honest_4 at step end, both in
    /// fair division: r_a = r_b = 0.08, no costs.
    #[test]
    fn routing_applies_the_shared_contract_or_the_default_market() {
        let mut m = ContractMarket::new(&cake(), PyRandom::new(1), &cake_agents());
        m.on_epoch_start(&[100.0; 10]);
        let t = m.route(9, 3, 0.47946531953980537, 0.0);
        assert_eq!(
            (t.pool, t.c_a, t.c_b, t.r_a, t.r_b),
            (Pool::FairDivision, 0.0, 0.0, 0.08, 0.08)
        );
        m.membership[3] = Some(Pool::DefaultMarket);
        let t = m.route(9, 3, 0.5, 0.0);
        assert_eq!((t.pool, t.c_a, t.r_a), (Pool::DefaultMarket, 0.05, 0.0));
        // fair_division's belief after epoch 0 of that run.
        m.membership[3] = Some(Pool::FairDivision);
        m.routed.iter_mut().for_each(Vec::clear);
        m.record(Pool::FairDivision, 0.5793493481837256, true, 1.0);
        m.on_epoch_end();
        assert_eq!(m.beliefs[1], 0.3 * 0.5793493481837256 + (1.0 - 0.3) * 0.5);
        assert_eq!(m.beliefs[1], 0.5238048044551177);
    }

    #[test]
    fn unaffordable_contracts_draw_nothing_and_locked_agents_keep_their_pool() {
        let mut cfg = cake();
        let mut m = ContractMarket::new(&cfg, PyRandom::new(3), &[Archetype::Honest]);
        // Below the minimum bond: neither contract is affordable.
        m.on_epoch_start(&[0.4]);
        assert_eq!(m.membership[0], Some(Pool::DefaultMarket));
        assert_eq!(m.rng.random(), PyRandom::new(3).random());
        cfg.market.allow_switching = false;
        let mut m = ContractMarket::new(&cfg, PyRandom::new(3), &[Archetype::Honest]);
        m.on_epoch_start(&[100.0]);
        let first = m.membership[0];
        m.on_epoch_start(&[0.0]);
        assert_eq!(m.membership[0], first);
    }
}
