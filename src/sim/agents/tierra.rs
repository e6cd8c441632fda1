//! Tierra agents (docs/model/tierra-awm-memory-negotiation-rivals.md §T.2,
//! §T.4): behaviour set by a heritable genome. A rich agent asks to spawn
//! a mutated child (the run loop builds it); otherwise it decides its
//! oldest pending proposal by trust, or proposes to the first (or, with
//! probability `selectivity`, the most reputable) visible agent.

use super::{Action, AgentType, Base, Content, InteractionType, Observation};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;

/// The ten genes, in the reference's order (the order of the mutation
/// draws and of the complexity sum).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Genome(pub [f64; 10]);

/// The genes' names, in order (the reference's genome dict keys).
pub const GENE_NAMES: [&str; 10] = [
    "acceptance_threshold",
    "cooperation_bias",
    "exploitation_tendency",
    "selectivity",
    "metabolism_rate",
    "efficiency",
    "replication_threshold",
    "resource_share_fraction",
    "interaction_aggression",
    "trust_learning_rate",
];

pub const ACCEPTANCE_THRESHOLD: usize = 0;
pub const COOPERATION_BIAS: usize = 1;
pub const SELECTIVITY: usize = 3;
pub const METABOLISM_RATE: usize = 4;
pub const EFFICIENCY: usize = 5;
pub const REPLICATION_THRESHOLD: usize = 6;
pub const RESOURCE_SHARE_FRACTION: usize = 7;
pub const INTERACTION_AGGRESSION: usize = 8;
pub const TRUST_LEARNING_RATE: usize = 9;

impl Genome {
    /// The defaults: every root starts from them.
    pub const DEFAULT: Genome = Genome([0.4, 0.6, 0.1, 0.5, 0.5, 0.5, 150.0, 0.5, 0.3, 0.3]);

    /// Each gene's clamp range (§T.4.5 item 7).
    const RANGES: [(f64, f64); 10] = [
        (0.0, 1.0),
        (0.0, 1.0),
        (0.0, 1.0),
        (0.0, 1.0),
        (0.05, 2.0),
        (0.0, 1.0),
        (50.0, 500.0),
        (0.1, 0.9),
        (0.0, 1.0),
        (0.01, 1.0),
    ];

    /// A child's genome: each gene plus `gauss(0, std)` on the child's
    /// stream, clamped as `max(lo, min(hi, v))`.
    pub fn mutate(&self, rng: &mut PyRandom, std: f64) -> Genome {
        let mut g = [0.0; 10];
        for (i, out) in g.iter_mut().enumerate() {
            let v = self.0[i] + rng.gauss(0.0, std);
            let (lo, hi) = Genome::RANGES[i];
            let capped = if hi < v { hi } else { v };
            *out = if capped < lo { lo } else { capped };
        }
        Genome(g)
    }

    /// The summed absolute deviation from the defaults, left to right from 0.0.
    pub fn complexity(&self) -> f64 {
        let mut total = 0.0;
        for (g, d) in self.0.iter().zip(Genome::DEFAULT.0) {
            total += (g - d).abs();
        }
        total
    }

    fn accepts(&self, trust: f64) -> bool {
        let tl = self.0[TRUST_LEARNING_RATE];
        trust * tl + 0.5 * (1.0 - tl) >= self.0[ACCEPTANCE_THRESHOLD]
    }
}

/// Tierra agents read no `config:` key: every root starts from the
/// default genome.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config;

#[derive(Debug, Clone)]
pub struct Tierra {
    pub genome: Genome,
}

impl Tierra {
    /// A spawned child with its mutated genome.
    pub fn with_genome(genome: Genome) -> Tierra {
        Tierra { genome }
    }
}

impl AgentType for Tierra {
    type Config = Config;
    const NAME: &'static str = "tierra";
    const ARCHETYPE: Archetype = Archetype::Tierra;

    fn fields() -> &'static [Field<Config>] {
        &[]
    }

    fn new(_cfg: &Config, _n_agents: usize, _rng: &mut PyRandom) -> Tierra {
        Tierra::with_genome(Genome::DEFAULT)
    }

    fn act(&mut self, rng: &mut PyRandom, base: &Base, obs: &Observation) -> Action {
        let g = &self.genome.0;
        if obs.can_spawn && obs.resources >= g[REPLICATION_THRESHOLD] {
            return Action::Spawn;
        }
        if let Some(p) = obs.first_pending {
            return if self.genome.accepts(base.trust(p.initiator)) {
                Action::Accept(p.proposal_id)
            } else {
                Action::Reject(p.proposal_id)
            };
        }
        if obs.can_interact && obs.has_visible() && rng.random() < g[INTERACTION_AGGRESSION] {
            let target = if rng.random() < g[SELECTIVITY] {
                // A stable descending sort keeps ties in registration
                // order: the first of the highest reputation.
                obs.most_reputable()
            } else {
                obs.visible().next().map(|a| a.idx)
            };
            if let Some(t) = target {
                let (itype, content) = if rng.random() < g[COOPERATION_BIAS] {
                    (InteractionType::Collaboration, Content(0))
                } else {
                    (InteractionType::Trade, Content(1))
                };
                return Action::Propose {
                    counterparty: t,
                    itype,
                    content,
                };
            }
        }
        Action::Noop
    }

    fn accept(
        &mut self,
        _: &mut PyRandom,
        base: &Base,
        initiator: usize,
        _: InteractionType,
    ) -> bool {
        self.genome.accepts(base.trust(initiator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first child of tierra.yaml at seed 1 draws on `Random(2)`
    /// (§7.3): its acceptance threshold, and its stream's next `random()`
    /// is the 11th of that stream.
    #[test]
    fn mutation_matches_the_reference() {
        let mut rng = PyRandom::new(2);
        let child = Genome::DEFAULT.mutate(&mut rng, 0.05);
        assert_eq!(child.0[ACCEPTANCE_THRESHOLD], 0.5169083368087951);
        assert_eq!(rng.random(), 0.5812040171120031);
        assert_eq!(Genome::DEFAULT.complexity(), 0.0);
        // It rejects unknown initiators: 0.5·tl + 0.5·(1 − tl) = 0.5 < 0.5169.
        assert!(!child.accepts(0.5));
        assert!(Genome::DEFAULT.accepts(0.5));
    }

    /// tierra.yaml seed 1, epoch 0 step 0 (§7.3): tierra_2 (stream
    /// `Random(3)`) passes the gate (0.2379…), skips the sort (0.5442…)
    /// and cooperates (0.3699…) with tierra_1; tierra_1 on `Random(2)`
    /// fails the gate (0.9560…).
    #[test]
    fn first_turns_match_the_reference() {
        let feed = crate::sim::feed::Feed::default();
        let unfrozen: Vec<usize> = (0..20).collect();
        let archetypes = vec![Archetype::Tierra; 20];
        let mut reputation = vec![0.0; 20];
        let mut obs = Observation::for_test(&feed, &unfrozen, &archetypes, &reputation);
        let mut a = Tierra::with_genome(Genome::DEFAULT);
        let base = Base::for_test(0, 20);
        assert_eq!(a.act(&mut PyRandom::new(2), &base, &obs), Action::Noop);
        obs.me = 1;
        let propose = Action::Propose {
            counterparty: 0,
            itype: InteractionType::Collaboration,
            content: Content(0),
        };
        assert_eq!(
            a.act(&mut PyRandom::new(3), &Base::for_test(1, 20), &obs),
            propose
        );
        // tierra_3 sorts (0.1031… < 0.5): the first of the most reputable.
        reputation[5] = 0.2;
        reputation[7] = 0.2;
        let mut obs = Observation::for_test(&feed, &unfrozen, &archetypes, &reputation);
        obs.me = 2;
        let to_5 = Action::Propose {
            counterparty: 5,
            itype: InteractionType::Collaboration,
            content: Content(0),
        };
        assert_eq!(
            a.act(&mut PyRandom::new(4), &Base::for_test(2, 20), &obs),
            to_5
        );
        // Rich, with the tree's leave: spawn before anything else.
        obs.can_spawn = true;
        obs.resources = 150.0;
        assert_eq!(
            a.act(&mut PyRandom::new(4), &Base::for_test(2, 20), &obs),
            Action::Spawn
        );
    }
}
