//! The agent network (docs/model/simulation.md §3.1, §4, §5, §8.4;
//! docs/model/scenario.md §1.2): a weighted graph over the agents that
//! limits who sees whom and who may propose to whom. Topologies are built
//! with numpy's `default_rng(seed)` exactly as the reference builds them;
//! dynamic networks strengthen edges on accepted interactions and decay and
//! prune them at epoch end.

use crate::rng::NumpyGenerator;
use crate::scenario::NetworkConfig;

/// The topologies the reference knows (`topology:` in the YAML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    Complete,
    Ring,
    Star,
    ErdosRenyi,
    SmallWorld,
    ScaleFree,
    /// Starts without edges; the reference adds edges only through its API.
    Custom,
}

impl Topology {
    pub fn parse(s: &str) -> Option<Topology> {
        Some(match s.to_lowercase().as_str() {
            "complete" => Topology::Complete,
            "ring" => Topology::Ring,
            "star" => Topology::Star,
            "random_erdos_renyi" => Topology::ErdosRenyi,
            "small_world" => Topology::SmallWorld,
            "scale_free" => Topology::ScaleFree,
            "custom" => Topology::Custom,
            _ => return None,
        })
    }
}

/// Adjacency with the reference's dict-of-dicts insertion order: each
/// agent's neighbours in the order their edges were (re)created.
#[derive(Debug, Clone)]
pub struct AgentNetwork {
    cfg: NetworkConfig,
    topology: Topology,
    rng: NumpyGenerator,
    adjacency: Vec<Vec<(usize, f64)>>,
}

impl AgentNetwork {
    /// `AgentNetwork(config, seed)` then `initialize(agent_ids)` for
    /// `n_agents` agents. The reference rejects negative seeds; we use the
    /// magnitude. An unknown topology name is the loader's error to report;
    /// here it builds no edges, like `custom`.
    pub fn new(cfg: &NetworkConfig, seed: i64, n_agents: usize) -> AgentNetwork {
        let topology = Topology::parse(&cfg.topology).unwrap_or(Topology::Custom);
        let mut net = AgentNetwork {
            cfg: cfg.clone(),
            topology,
            rng: NumpyGenerator::new(seed.unsigned_abs() as u128),
            adjacency: vec![Vec::new(); n_agents],
        };
        if n_agents >= 2 {
            match topology {
                Topology::Complete => net.build_complete(),
                Topology::Ring => net.build_ring(),
                Topology::Star => net.build_star(),
                Topology::ErdosRenyi => net.build_erdos_renyi(),
                Topology::SmallWorld => net.build_small_world(),
                Topology::ScaleFree => net.build_scale_free(),
                Topology::Custom => {}
            }
        }
        net
    }

    pub fn topology(&self) -> Topology {
        self.topology
    }

    fn n(&self) -> usize {
        self.adjacency.len()
    }

    /// Set a→b without touching b→a; a new edge goes last, an existing
    /// one keeps its place.
    fn set(&mut self, a: usize, b: usize, w: f64) {
        match self.adjacency[a].iter_mut().find(|(x, _)| *x == b) {
            Some((_, old)) => *old = w,
            None => self.adjacency[a].push((b, w)),
        }
    }

    fn unset(&mut self, a: usize, b: usize) {
        self.adjacency[a].retain(|(x, _)| *x != b);
    }

    fn link(&mut self, a: usize, b: usize) {
        self.set(a, b, 1.0);
        self.set(b, a, 1.0);
    }

    fn build_complete(&mut self) {
        let n = self.n();
        for a in 0..n {
            for b in 0..n {
                if a != b {
                    self.set(a, b, 1.0);
                }
            }
        }
    }

    fn build_ring(&mut self) {
        let n = self.n();
        for a in 0..n {
            self.set(a, (a + 1) % n, 1.0);
            self.set(a, (a + n - 1) % n, 1.0);
        }
    }

    fn build_star(&mut self) {
        for spoke in 1..self.n() {
            self.link(0, spoke);
        }
    }

    fn build_erdos_renyi(&mut self) {
        let n = self.n();
        let p = self.cfg.edge_probability;
        for a in 0..n {
            for b in a + 1..n {
                if self.rng.random() < p {
                    self.link(a, b);
                }
            }
        }
    }

    /// Watts–Strogatz: a ring lattice of k/2 neighbours per side, then each
    /// lattice edge (in lattice order) rewired with probability p to a
    /// uniformly chosen agent not yet linked.
    fn build_small_world(&mut self) {
        let n = self.n();
        let k = (self.cfg.k.max(0) as usize).min(n - 1);
        let p = self.cfg.p;
        for a in 0..n {
            for j in 1..=k / 2 {
                self.link(a, (a + j) % n);
            }
        }
        let mut candidates = Vec::with_capacity(n);
        for a in 0..n {
            for j in 1..=k / 2 {
                if self.rng.random() < p {
                    let old = (a + j) % n;
                    if self.has_edge(a, old) {
                        self.unset(a, old);
                        self.unset(old, a);
                    }
                    candidates.clear();
                    candidates.extend((0..n).filter(|&c| c != a && !self.has_edge(a, c)));
                    if !candidates.is_empty() {
                        let new = candidates[self.rng.choice_index(candidates.len())];
                        self.link(a, new);
                    }
                }
            }
        }
    }

    /// Barabási–Albert: a complete core of m+1 agents, then each further
    /// agent attaches to m distinct earlier agents drawn by degree.
    fn build_scale_free(&mut self) {
        let n = self.n();
        let m = self.cfg.m.max(0) as usize;
        if n <= m {
            self.build_complete();
            return;
        }
        for a in 0..=m {
            for b in a + 1..=m {
                self.link(a, b);
            }
        }
        for new in m + 1..n {
            let degrees: Vec<usize> = (0..new).map(|a| self.adjacency[a].len()).collect();
            let total: usize = degrees.iter().sum();
            let probs: Vec<f64> = if total == 0 {
                vec![1.0 / new as f64; new]
            } else {
                degrees.iter().map(|&d| d as f64 / total as f64).collect()
            };
            let targets = self.rng.choice_weighted_distinct(&probs, m.min(new));
            for t in targets {
                self.link(new, t);
            }
        }
    }

    pub fn has_edge(&self, a: usize, b: usize) -> bool {
        self.adjacency
            .get(a)
            .is_some_and(|l| l.iter().any(|(x, _)| *x == b))
    }

    /// The a→b weight, 0.0 without an edge.
    pub fn edge_weight(&self, a: usize, b: usize) -> f64 {
        self.adjacency
            .get(a)
            .and_then(|l| l.iter().find(|(x, _)| *x == b))
            .map_or(0.0, |(_, w)| *w)
    }

    /// Neighbours of `a` with the a→b weights, in insertion order.
    pub fn edges_of(&self, a: usize) -> &[(usize, f64)] {
        &self.adjacency[a]
    }

    /// Neighbours of `a` in insertion order.
    pub fn neighbours(&self, a: usize) -> impl Iterator<Item = usize> + '_ {
        self.adjacency[a].iter().map(|(x, _)| *x)
    }

    pub fn degree(&self, a: usize) -> usize {
        self.adjacency[a].len()
    }

    /// Undirected edge count (`sum(degree) // 2`).
    pub fn n_edges(&self) -> usize {
        self.adjacency.iter().map(Vec::len).sum::<usize>() / 2
    }

    /// `add_edge`: both directions, weight capped at `max_edge_weight`.
    pub(crate) fn add_edge(&mut self, a: usize, b: usize, weight: f64) {
        let w = if self.cfg.max_edge_weight < weight {
            self.cfg.max_edge_weight
        } else {
            weight
        };
        self.set(a, b, w);
        self.set(b, a, w);
    }

    pub(crate) fn remove_edge(&mut self, a: usize, b: usize) {
        self.unset(a, b);
        self.unset(b, a);
    }

    /// After an accepted interaction (dynamic networks only): creates the
    /// edge if missing.
    pub fn strengthen_edge(&mut self, a: usize, b: usize) {
        if !self.cfg.dynamic {
            return;
        }
        let raised = self.edge_weight(a, b) + self.cfg.edge_strengthen_rate;
        let w = if self.cfg.max_edge_weight < raised {
            self.cfg.max_edge_weight
        } else {
            raised
        };
        self.add_edge(a, b, w);
    }

    /// Epoch-end decay (dynamic networks only): every directed weight times
    /// (1 − rate); edges falling below `min_edge_weight` are removed in both
    /// directions. Returns the number of undirected edges pruned.
    pub fn decay_edges(&mut self) -> usize {
        if !self.cfg.dynamic {
            return 0;
        }
        let mut to_remove: Vec<(usize, usize)> = Vec::new();
        for a in 0..self.n() {
            for (b, w) in self.adjacency[a].iter_mut() {
                let new = *w * (1.0 - self.cfg.edge_decay_rate);
                if new < self.cfg.min_edge_weight {
                    to_remove.push((a, *b));
                } else {
                    *w = new;
                }
            }
        }
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for (a, b) in to_remove {
            let key = (a.min(b), a.max(b));
            if !seen.contains(&key) {
                self.remove_edge(a, b);
                seen.push(key);
            }
        }
        seen.len()
    }

    /// `disconnect_low_reputation`: drop every edge of an agent whose
    /// reputation is below the configured threshold. The reference defines
    /// it but its run loop never calls it, so neither does ours.
    pub fn disconnect_low_reputation(&mut self, agent: usize, reputation: f64) -> usize {
        match self.cfg.reputation_disconnect_threshold {
            Some(t) if reputation < t => {
                let others: Vec<usize> = self.neighbours(agent).collect();
                for &o in &others {
                    self.remove_edge(agent, o);
                }
                others.len()
            }
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(topology: &str) -> NetworkConfig {
        NetworkConfig {
            topology: topology.to_string(),
            edge_probability: 0.5,
            k: 4,
            p: 0.1,
            m: 2,
            dynamic: false,
            edge_strengthen_rate: 0.1,
            edge_decay_rate: 0.05,
            min_edge_weight: 0.1,
            max_edge_weight: 1.0,
            reputation_disconnect_threshold: None,
        }
    }

    fn edges(net: &AgentNetwork) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for a in 0..net.n() {
            for b in net.neighbours(a) {
                if a < b {
                    out.push((a, b));
                }
            }
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn deterministic_topologies_have_the_expected_edge_counts() {
        assert_eq!(AgentNetwork::new(&cfg("complete"), 1, 8).n_edges(), 28);
        assert_eq!(AgentNetwork::new(&cfg("ring"), 1, 8).n_edges(), 8);
        assert_eq!(AgentNetwork::new(&cfg("ring"), 1, 2).n_edges(), 1);
        assert_eq!(AgentNetwork::new(&cfg("star"), 1, 8).n_edges(), 7);
        assert_eq!(AgentNetwork::new(&cfg("custom"), 1, 8).n_edges(), 0);
        assert_eq!(AgentNetwork::new(&cfg("complete"), 1, 1).n_edges(), 0);
        // Scale-free: a complete core of m+1, then m edges per further agent.
        assert_eq!(
            AgentNetwork::new(&cfg("scale_free"), 3, 10).n_edges(),
            3 + 2 * 7
        );
        // Small world keeps k/2 edges per agent (rewiring moves them).
        assert_eq!(AgentNetwork::new(&cfg("small_world"), 42, 8).n_edges(), 16);
    }

    #[test]
    fn random_topologies_match_the_reference() {
        // AgentNetwork(NetworkConfig(...), seed).initialize([...]) in
        // swarm-safety 1.9.0 / numpy 2.4.6; undirected edges by agent index.
        let mut c = cfg("small_world");
        c.k = 4;
        c.p = 0.2;
        let net = AgentNetwork::new(&c, 42, 8);
        assert_eq!(edges(&net), SMALL_WORLD_42);
        let net = AgentNetwork::new(&cfg("random_erdos_renyi"), 7, 6);
        assert_eq!(edges(&net), ERDOS_RENYI_7);
        let net = AgentNetwork::new(&cfg("scale_free"), 5, 9);
        assert_eq!(edges(&net), SCALE_FREE_5);
    }

    const SMALL_WORLD_42: &[(usize, usize)] = &[
        (0, 1),
        (0, 2),
        (0, 6),
        (0, 7),
        (1, 2),
        (1, 3),
        (1, 7),
        (2, 4),
        (2, 6),
        (3, 4),
        (3, 7),
        (4, 5),
        (4, 6),
        (5, 6),
        (5, 7),
        (6, 7),
    ];
    const ERDOS_RENYI_7: &[(usize, usize)] = &[
        (0, 4),
        (0, 5),
        (1, 3),
        (2, 3),
        (2, 4),
        (2, 5),
        (3, 4),
        (3, 5),
    ];
    const SCALE_FREE_5: &[(usize, usize)] = &[
        (0, 1),
        (0, 2),
        (0, 4),
        (0, 5),
        (0, 6),
        (1, 2),
        (1, 3),
        (1, 4),
        (1, 5),
        (1, 7),
        (2, 3),
        (2, 8),
        (3, 7),
        (5, 6),
        (7, 8),
    ];

    #[test]
    fn dynamic_edges_strengthen_decay_and_prune() {
        let mut c = cfg("ring");
        c.dynamic = true;
        c.edge_decay_rate = 0.5;
        c.min_edge_weight = 0.3;
        let mut net = AgentNetwork::new(&c, 1, 4);
        assert!(!net.has_edge(0, 2));
        net.strengthen_edge(0, 2);
        assert_eq!(net.edge_weight(2, 0), 0.1);
        net.strengthen_edge(0, 1); // capped at max_edge_weight
        assert_eq!(net.edge_weight(0, 1), 1.0);
        // 0.1 → 0.05 is pruned; ring edges 1.0 → 0.5 survive.
        assert_eq!(net.decay_edges(), 1);
        assert!(!net.has_edge(0, 2) && !net.has_edge(2, 0));
        assert_eq!(net.edge_weight(1, 2), 0.5);
        assert_eq!(net.decay_edges(), 4);
        assert_eq!(net.n_edges(), 0);
    }
}
