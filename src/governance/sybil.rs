//! Sybil detection lever (docs/model/markets.md §C): every finalized
//! interaction adds to both parties' counterparty counts; at epoch start
//! agents are clustered greedily by the similarity of those counts, every
//! member of a cluster is penalised, and members of clusters larger than
//! the allowed size may not act for the epoch.

use super::Effect;
use crate::scenario::GovernanceConfig;

#[derive(Debug, Clone)]
pub struct Sybil {
    threshold: f64,
    penalty_multiplier: f64,
    realtime_penalty: bool,
    realtime_rate: f64,
    max_cluster_size: i64,
    /// Agents with a pattern, in first-appearance order (the reference's
    /// insertion-ordered dict; never cleared during a run).
    order: Vec<usize>,
    /// Per agent: its counterparties in first-appearance order.
    keys: Vec<Vec<usize>>,
    /// `counts[a * n + b]`: interactions between `a` and `b`.
    counts: Vec<u32>,
    n: usize,
    /// The clusters found at the last epoch start, anchor first.
    pub clusters: Vec<Vec<usize>>,
    /// Members of some current cluster.
    flagged: Vec<bool>,
    /// Members of a current cluster larger than the allowed size.
    blocked: Vec<bool>,
}

impl Sybil {
    /// `n_agents` is 0 when the lever is off (nothing is kept then).
    pub fn new(cfg: &GovernanceConfig, n_agents: usize) -> Sybil {
        Sybil {
            threshold: cfg.sybil_similarity_threshold,
            penalty_multiplier: cfg.sybil_penalty_multiplier,
            realtime_penalty: cfg.sybil_realtime_penalty,
            realtime_rate: cfg.sybil_realtime_rate,
            max_cluster_size: cfg.sybil_max_cluster_size,
            order: Vec::with_capacity(n_agents),
            keys: vec![Vec::new(); n_agents],
            counts: vec![0; n_agents * n_agents],
            n: n_agents,
            clusters: Vec::new(),
            flagged: vec![false; n_agents],
            blocked: vec![false; n_agents],
        }
    }

    fn count(&mut self, a: usize, b: usize) {
        if self.keys[a].is_empty() {
            self.order.push(a);
        }
        let c = &mut self.counts[a * self.n + b];
        if *c == 0 {
            self.keys[a].push(b);
        }
        *c += 1;
    }

    /// Record the interaction (initiator's pattern first); with the
    /// real-time penalty on and both parties flagged, their costs.
    pub fn on_interaction(&mut self, initiator: usize, counterparty: usize) -> Option<(f64, f64)> {
        self.count(initiator, counterparty);
        self.count(counterparty, initiator);
        (self.realtime_penalty && self.flagged[initiator] && self.flagged[counterparty])
            .then_some((self.realtime_rate, self.realtime_rate))
    }

    /// Cluster, flag and penalise (one delta per member, after the earlier
    /// levers' in the caller's effect).
    pub fn on_epoch_start(&mut self, effect: &mut Effect) {
        self.detect_clusters();
        self.flagged.iter_mut().for_each(|f| *f = false);
        self.blocked.iter_mut().for_each(|b| *b = false);
        let rep = 0.0 - self.penalty_multiplier * 0.1;
        let res = 0.0 - self.penalty_multiplier * 1.0;
        for cluster in &self.clusters {
            let too_big = cluster.len() as i64 > self.max_cluster_size;
            for &m in cluster {
                self.flagged[m] = true;
                self.blocked[m] = too_big;
                effect.add_reputation(m, rep);
                effect.add_resources(m, res);
            }
        }
    }

    /// False for members of a cluster larger than `sybil_max_cluster_size`.
    pub fn can_act(&self, agent: usize) -> bool {
        !self.blocked[agent]
    }

    /// Greedy clustering anchored on each not-yet-clustered agent, in
    /// first-appearance order: later agents join when similar to the anchor.
    fn detect_clusters(&mut self) {
        self.clusters.clear();
        let mut visited = vec![false; self.n];
        for (i, &a) in self.order.iter().enumerate() {
            if visited[a] {
                continue;
            }
            let mut cluster = vec![a];
            for &b in &self.order[i + 1..] {
                if !visited[b] && self.similarity(a, b) >= self.threshold {
                    cluster.push(b);
                }
            }
            if cluster.len() > 1 {
                for &m in &cluster {
                    visited[m] = true;
                }
                self.clusters.push(cluster);
            }
        }
    }

    /// `(J + dot) / 2` with `J` the Jaccard index of the two counterparty
    /// sets and `dot` the product of the shared counterparties' normalised
    /// counts; `J` alone when nothing is shared. The reference sums `dot` in
    /// a set's hash order (not reproducible even by itself); here the order
    /// is `a`'s first-appearance order.
    fn similarity(&self, a: usize, b: usize) -> f64 {
        let (ka, kb) = (&self.keys[a], &self.keys[b]);
        if ka.is_empty() || kb.is_empty() {
            return 0.0;
        }
        let row_a = &self.counts[a * self.n..(a + 1) * self.n];
        let row_b = &self.counts[b * self.n..(b + 1) * self.n];
        let shared = || ka.iter().copied().filter(|&k| row_b[k] > 0);
        let n_shared = shared().count();
        let union = ka.len() + kb.len() - n_shared;
        let jaccard = n_shared as f64 / union as f64;
        if n_shared == 0 {
            return jaccard;
        }
        let total_a: u64 = shared().map(|k| u64::from(row_a[k])).sum();
        let total_b: u64 = shared().map(|k| u64::from(row_b[k])).sum();
        let mut dot = 0.0;
        for k in shared() {
            dot += (f64::from(row_a[k]) / total_a as f64) * (f64::from(row_b[k]) / total_b as f64);
        }
        (jaccard + dot) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lever(threshold: f64, multiplier: f64, max: i64, n: usize) -> Sybil {
        let cfg = GovernanceConfig {
            sybil_detection_enabled: true,
            sybil_similarity_threshold: threshold,
            sybil_penalty_multiplier: multiplier,
            sybil_max_cluster_size: max,
            ..GovernanceConfig::default()
        };
        Sybil::new(&cfg, n)
    }

    /// cake_splitting seed 1, epoch 1 (traced from the reference): the
    /// epoch-0 interactions give one cluster {deceptive_2, opportunistic_2},
    /// penalised −0.1 / −1.0 and blocked (max 1).
    #[test]
    fn cake_splitting_seed_1_epoch_1() {
        // honest_1..4 = 0..3, opportunistic_1..3 = 4..6, deceptive_1..2 = 7..8,
        // adversarial_1 = 9; interactions (initiator, counterparty) in order.
        let (h1, h2, h3, h4, o1, o2, o3, d1, d2, a1) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        let mut s = lever(0.8, 1.0, 1, 10);
        for (x, y) in [
            (h1, h2),
            (o1, d2),
            (a1, h4),
            (o3, o1),
            (h3, h1),
            (d1, o3),
            (o2, o1),
            (h1, a1),
            (a1, h1),
            (h4, h1),
            (h4, h1),
            (h2, o1),
            (o1, h4),
            (a1, o3),
        ] {
            s.on_interaction(x, y);
        }
        let mut e = Effect::default();
        s.on_epoch_start(&mut e);
        assert_eq!(s.clusters, vec![vec![d2, o2]]);
        assert_eq!(e.reputation, vec![(d2, -0.1), (o2, -0.1)]);
        assert_eq!(e.resources, vec![(d2, -1.0), (o2, -1.0)]);
        assert!(!s.can_act(d2) && !s.can_act(o2) && s.can_act(h2));
        // honest_2 ~ deceptive_2 = (1/2 + 1)/2 = 0.75 < 0.8.
        assert_eq!(s.similarity(h2, d2), 0.75);
    }

    /// Exact ties at the threshold cluster: J = 1/2 with one shared
    /// counterparty gives exactly 0.75 (research_swarm, threshold 0.75).
    #[test]
    fn threshold_is_inclusive_and_small_clusters_are_not_blocked() {
        let mut s = lever(0.75, 2.0, 2, 4);
        s.on_interaction(1, 0);
        s.on_interaction(1, 3);
        s.on_interaction(2, 0);
        assert_eq!(s.similarity(1, 2), 0.75);
        let mut e = Effect::default();
        s.on_epoch_start(&mut e);
        // Anchors in first-appearance order (1, 0, 3, 2): 1 takes 2 at
        // exactly 0.75, then 0 takes 3 (also J = 1/2 with one shared).
        assert_eq!(s.clusters, vec![vec![1, 2], vec![0, 3]]);
        assert!(e.reputation.iter().all(|&(_, d)| d == 0.0 - 2.0 * 0.1));
        assert!((0..4).all(|a| s.can_act(a)));
    }

    #[test]
    fn realtime_penalty_needs_both_parties_flagged() {
        let cfg = GovernanceConfig {
            sybil_detection_enabled: true,
            sybil_realtime_penalty: true,
            sybil_realtime_rate: 0.25,
            ..GovernanceConfig::default()
        };
        let mut s = Sybil::new(&cfg, 3);
        s.on_interaction(0, 2);
        s.on_interaction(1, 2);
        let mut e = Effect::default();
        s.on_epoch_start(&mut e);
        assert_eq!(s.clusters, vec![vec![0, 1]]);
        assert_eq!(s.on_interaction(0, 1), Some((0.25, 0.25)));
        assert_eq!(s.on_interaction(0, 2), None);
    }
}
