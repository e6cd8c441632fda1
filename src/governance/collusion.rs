//! Collusion detection lever (docs/model/governance.md §3.7 "Collusion
//! detection"): every finalized interaction goes into an unbounded history;
//! at epoch start the detector scores agent pairs and groups over the whole
//! history and the lever penalises agents whose risk reaches the threshold.
//! Means and deviations are numpy's (pairwise sums, BLAS correlation).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::Effect;
use crate::metrics::numpy;
use crate::pyfloat::{py_max, py_min};
use crate::scenario::GovernanceConfig;
use rustc_hash::FxBuildHasher as FxBuild;

/// One finalized interaction as the detector reads it; `c_a`/`c_b` are the
/// interaction's final governance costs (the reference stores the object
/// and adds the costs to it after the levers have run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CollusionRecord {
    pub initiator: usize,
    pub counterparty: usize,
    pub accepted: bool,
    pub p: f64,
    pub tau: f64,
    pub c_a: f64,
    pub c_b: f64,
}

/// Room the detector's lists get at first: a short run's interactions.
const SHORT_RUN: usize = 64;

/// The figures of the latest analysis (reported with a one-epoch lag).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CollusionReport {
    pub ecosystem_collusion_risk: f64,
    pub n_flagged_pairs: u64,
    pub n_flagged_groups: u64,
    pub avg_pair_collusion_score: f64,
    pub max_pair_collusion_score: f64,
    /// Risk per agent of the analysed list, in list order.
    pub agent_collusion_risk: Vec<(usize, f64)>,
}

impl CollusionReport {
    /// `agent_collusion_risk.get(agent, 0.0)`.
    pub fn risk_of(&self, agent: usize) -> f64 {
        self.agent_collusion_risk
            .iter()
            .find(|(a, _)| *a == agent)
            .map_or(0.0, |(_, r)| *r)
    }
}

/// One analysed agent pair: `a` has the lexicographically smaller id.
#[derive(Debug, Clone, Copy)]
struct PairScore {
    a: usize,
    b: usize,
    score: f64,
}

/// The parts of a pair's score that depend only on its own interactions
/// (kept while its list is unchanged: the history only grows, so most
/// pairs of a long run score the same figures epoch after epoch).
#[derive(Debug, Clone, Copy)]
struct PairStats {
    mutual_acceptance: f64,
    correlation: f64,
    avg_p: f64,
}

/// An unordered pair's interactions (positions in the history) and, while
/// they are unchanged, their statistics.
#[derive(Debug, Clone)]
struct Pair {
    /// The smaller id.
    a: usize,
    b: usize,
    list: Vec<u32>,
    stats: Option<PairStats>,
}

/// Buffers an analysis reuses (no allocation per epoch once grown).
#[derive(Debug, Clone, Default)]
struct Scratch {
    counts: Vec<f64>,
    scored: Vec<PairScore>,
    /// Positions in `scored` of the suspicious pairs, best first.
    suspicious: Vec<usize>,
    agents: Vec<usize>,
    benefits_a: Vec<f64>,
    benefits_b: Vec<f64>,
    p_by_a: Vec<f64>,
    p_by_b: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct Collusion {
    frequency_threshold: f64,
    min_interactions: i64,
    score_threshold: f64,
    penalty_multiplier: f64,
    realtime_penalty: bool,
    realtime_rate: f64,
    clear_history_on_epoch: bool,
    /// Each registered agent's place in the sorted order of the agent ids
    /// (equal ids share one): pairs are keyed by id order, and comparing
    /// ranks spares comparing strings for every interaction of every
    /// analysis.
    id_rank: Vec<usize>,
    history: Vec<CollusionRecord>,
    /// The analysed part of `history`, indexed as each analysis finds it
    /// (between clears the history only grows, so an analysis indexes only
    /// the interactions since the last one): the listed interactions, and
    /// the unordered pairs in first-seen order with their interactions.
    index: PairIndex,
    scratch: Scratch,
    pub latest: Option<CollusionReport>,
}

/// Positions in `history` of its first `indexed` entries, by pair.
#[derive(Debug, Clone, Default)]
struct PairIndex {
    indexed: usize,
    /// The interactions between listed agents, in order.
    listed: Vec<u32>,
    pairs: Vec<Pair>,
    /// FxHash: the default SipHash cost more than the rest of indexing
    /// an interaction.
    pair_at: HashMap<(usize, usize), usize, FxBuild>,
}

impl Collusion {
    pub fn new(cfg: &GovernanceConfig) -> Collusion {
        Collusion {
            frequency_threshold: cfg.collusion_frequency_threshold,
            min_interactions: cfg.collusion_min_interactions,
            score_threshold: cfg.collusion_score_threshold,
            penalty_multiplier: cfg.collusion_penalty_multiplier,
            realtime_penalty: cfg.collusion_realtime_penalty,
            realtime_rate: cfg.collusion_realtime_rate,
            clear_history_on_epoch: cfg.collusion_clear_history_on_epoch,
            id_rank: Vec::new(),
            // A short run's history without regrowing (4, 8, 16, ...).
            history: Vec::with_capacity(if cfg.collusion_detection_enabled {
                SHORT_RUN
            } else {
                0
            }),
            index: PairIndex::default(),
            scratch: Scratch::default(),
            latest: None,
        }
    }

    /// Re-read the settings the reference reads from its live config at use
    /// time (a parameter shock changed it); the detector's thresholds stay
    /// as they were at construction, as there.
    pub fn reconfigure(&mut self, cfg: &GovernanceConfig) {
        self.penalty_multiplier = cfg.collusion_penalty_multiplier;
        self.realtime_penalty = cfg.collusion_realtime_penalty;
        self.realtime_rate = cfg.collusion_realtime_rate;
        self.clear_history_on_epoch = cfg.collusion_clear_history_on_epoch;
    }

    /// `set_agent_ids`: the analysis covers these agents (index = position).
    pub fn set_agent_ids(&mut self, ids: &[String]) {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|&x, &y| ids[x].cmp(&ids[y]));
        self.id_rank = vec![0; ids.len()];
        let mut rank = 0;
        for (k, &i) in order.iter().enumerate() {
            if k > 0 && ids[order[k - 1]] != ids[i] {
                rank += 1;
            }
            self.id_rank[i] = rank;
        }
        self.index = PairIndex::default();
    }

    /// Record the interaction (costs still zero); with the real-time
    /// penalty on and both parties at or above the threshold in the latest
    /// report, return the (equal) costs for both parties.
    pub fn on_interaction(&mut self, record: CollusionRecord) -> Option<(f64, f64)> {
        self.history.push(record);
        if !self.realtime_penalty {
            return None;
        }
        let report = self.latest.as_ref()?;
        let init = report.risk_of(record.initiator);
        let counter = report.risk_of(record.counterparty);
        if init < self.score_threshold || counter < self.score_threshold {
            return None;
        }
        let penalty = self.realtime_rate * (init + counter) / 2.0;
        Some((penalty, penalty))
    }

    /// Write the interaction's final costs into the newest history entry.
    pub fn settle_costs(&mut self, c_a: f64, c_b: f64) {
        let n = self.history.len();
        let Some(last) = self.history.last_mut() else {
            return;
        };
        last.c_a = c_a;
        last.c_b = c_b;
        let r = *last;
        // Analysed already (not in the run loop, which settles before the
        // next analysis): its pair's figures are stale.
        if n <= self.index.indexed {
            let key = self.pair_key(r.initiator, r.counterparty);
            if let Some(&at) = self.index.pair_at.get(&key) {
                self.index.pairs[at].stats = None;
            }
        }
    }

    /// Analyse the whole history and penalise flagged agents.
    pub fn on_epoch_start(&mut self, effect: &mut Effect) {
        if (self.history.len() as i64) < self.min_interactions {
            return;
        }
        let report = self.analyze();
        for &(agent, risk) in &report.agent_collusion_risk {
            if risk >= self.score_threshold {
                let rep = -risk * self.penalty_multiplier;
                effect.add_reputation(agent, rep);
                effect.add_resources(agent, rep * 10.0);
            }
        }
        self.latest = Some(report);
        if self.clear_history_on_epoch {
            self.history.clear();
            self.index = PairIndex::default();
        }
    }

    /// The agent list into `out`, ascending: the registered ids, or (none
    /// set) every agent seen.
    fn agents(&self, out: &mut Vec<usize>) {
        out.clear();
        if !self.id_rank.is_empty() {
            out.extend(0..self.id_rank.len());
            return;
        }
        out.extend(
            self.history
                .iter()
                .flat_map(|r| [r.initiator, r.counterparty]),
        );
        out.sort_unstable();
        out.dedup();
    }

    /// The pair's key: the smaller id first.
    fn pair_key(&self, initiator: usize, counterparty: usize) -> (usize, usize) {
        if self.id_less(counterparty, initiator) {
            (counterparty, initiator)
        } else {
            (initiator, counterparty)
        }
    }

    /// Pair keys order agents by their id strings, as the reference sorts them.
    fn id_less(&self, x: usize, y: usize) -> bool {
        match (self.id_rank.get(x), self.id_rank.get(y)) {
            (Some(a), Some(b)) => a < b,
            _ => x < y,
        }
    }

    /// Bring the pair index up to date with `history` (rebuilt from the
    /// start if the history was cleared or cut since).
    fn index_history(&mut self) {
        if self.history.len() < self.index.indexed {
            self.index = PairIndex::default();
        }
        // Registered agents, or (none registered) every agent seen: an
        // interaction's own agents are always seen.
        let n_listed = self.id_rank.len();
        let listed = |i: usize| n_listed == 0 || i < n_listed;
        self.index
            .listed
            .reserve((self.history.len() - self.index.indexed).max(SHORT_RUN));
        for k in self.index.indexed..self.history.len() {
            let r = &self.history[k];
            if !(listed(r.initiator) && listed(r.counterparty)) {
                continue;
            }
            let (a, b) = self.pair_key(r.initiator, r.counterparty);
            let k = u32::try_from(k).expect("fewer than 2^32 interactions");
            let index = &mut self.index;
            index.listed.push(k);
            match index.pair_at.entry((a, b)) {
                Entry::Occupied(at) => {
                    let pair = &mut index.pairs[*at.get()];
                    pair.list.push(k);
                    pair.stats = None;
                }
                Entry::Vacant(at) => {
                    at.insert(index.pairs.len());
                    let mut list = Vec::with_capacity(8);
                    list.push(k);
                    index.pairs.push(Pair {
                        a,
                        b,
                        list,
                        stats: None,
                    });
                }
            }
        }
        self.index.indexed = self.history.len();
    }

    fn analyze(&mut self) -> CollusionReport {
        self.index_history();
        let mut scratch = std::mem::take(&mut self.scratch);
        let report = self.analyze_indexed(&mut scratch);
        self.scratch = scratch;
        report
    }

    /// The analysis of the indexed history; `s` is scratch space.
    fn analyze_indexed(&mut self, s: &mut Scratch) -> CollusionReport {
        // Ascending either way.
        self.agents(&mut s.agents);
        if self.index.listed.is_empty() {
            return CollusionReport::default();
        }
        // Figures of the pairs whose lists changed since the last analysis.
        for pair in &mut self.index.pairs {
            if pair.stats.is_none() && (pair.list.len() as i64) >= self.min_interactions {
                pair.stats = Some(pair_stats(&self.history, pair.a, &pair.list, s));
            }
        }

        // Unordered pairs in first-seen order, each with its interactions.
        let pairs = &self.index.pairs;
        s.counts.clear();
        s.counts.extend(pairs.iter().map(|p| p.list.len() as f64));
        s.scored.clear();
        s.scored.reserve(pairs.len().max(SHORT_RUN));
        s.suspicious.clear();
        s.suspicious.reserve(pairs.len().max(SHORT_RUN));
        let count_mean = numpy::mean(&s.counts).unwrap_or(0.0);
        let count_std = numpy::std(&s.counts).unwrap_or(0.0);

        s.scored.clear();
        s.scored.extend(pairs.iter().filter_map(|p| {
            let stats = p
                .stats
                .filter(|_| (p.list.len() as i64) >= self.min_interactions)?;
            Some(PairScore {
                a: p.a,
                b: p.b,
                score: self.pair_score(p.list.len(), &stats, pairs.len(), count_mean, count_std),
            })
        }));

        s.suspicious.clear();
        s.suspicious
            .extend((0..s.scored.len()).filter(|&i| s.scored[i].score >= self.score_threshold));
        // Stable, descending: ties keep first-seen order.
        let scored = &s.scored;
        s.suspicious.sort_by(|&x, &y| {
            scored[y]
                .score
                .partial_cmp(&scored[x].score)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let groups = if s.suspicious.is_empty() {
            Vec::new()
        } else {
            let suspicious: Vec<PairScore> = s.suspicious.iter().map(|&i| scored[i]).collect();
            self.groups(&suspicious)
        };

        let agents = &s.agents;
        // The last report's list, refilled (one allocation per run).
        let mut risk = self
            .latest
            .take()
            .map(|r| r.agent_collusion_risk)
            .unwrap_or_default();
        risk.clear();
        risk.extend(agents.iter().map(|&a| (a, 0.0)));
        let raise = |risk: &mut Vec<(usize, f64)>, agent: usize, score: f64| {
            if let Ok(at) = agents.binary_search(&agent) {
                let r = &mut risk[at].1;
                *r = py_max(*r, score);
            }
        };
        for p in scored {
            raise(&mut risk, p.a, p.score);
            raise(&mut risk, p.b, p.score);
        }
        for (members, score) in &groups {
            for &m in members {
                raise(&mut risk, m, *score);
            }
        }

        let n_agents = agents.len();
        let ecosystem = if scored.is_empty() && groups.is_empty() {
            0.0
        } else {
            let possible = (n_agents * n_agents.saturating_sub(1)) as f64 / 2.0;
            let pair_fraction = if possible > 0.0 {
                s.suspicious.len() as f64 / possible
            } else {
                0.0
            };
            let mut in_groups: Vec<usize> = groups.iter().flat_map(|(m, _)| m.clone()).collect();
            in_groups.sort_unstable();
            in_groups.dedup();
            let group_fraction = if n_agents > 0 {
                in_groups.len() as f64 / n_agents as f64
            } else {
                0.0
            };
            let max_group = groups
                .iter()
                .map(|(_, s)| *s)
                .fold(None, |m: Option<f64>, s| {
                    Some(m.map_or(s, |m| py_max(m, s)))
                });
            let r = 0.3 * pair_fraction + 0.3 * group_fraction + 0.4 * max_group.unwrap_or(0.0);
            py_min(1.0, r)
        };

        // The scores' mean, without a copy of them.
        s.counts.clear();
        s.counts.extend(scored.iter().map(|p| p.score));
        CollusionReport {
            ecosystem_collusion_risk: ecosystem,
            n_flagged_pairs: s.suspicious.len() as u64,
            n_flagged_groups: groups.len() as u64,
            avg_pair_collusion_score: numpy::mean(&s.counts).unwrap_or(0.0),
            max_pair_collusion_score: s
                .counts
                .iter()
                .copied()
                .fold(None, |m: Option<f64>, s| {
                    Some(m.map_or(s, |m| py_max(m, s)))
                })
                .unwrap_or(0.0),
            agent_collusion_risk: risk,
        }
    }

    /// The composite score of one analysed pair of `n` interactions.
    fn pair_score(
        &self,
        n: usize,
        stats: &PairStats,
        n_pairs: usize,
        count_mean: f64,
        count_std: f64,
    ) -> f64 {
        let zscore = if n_pairs >= 2 && count_std > 0.0 {
            (n as f64 - count_mean) / count_std
        } else {
            0.0
        };
        let frequency = if zscore > 0.0 {
            py_min(1.0, py_max(0.0, zscore / self.frequency_threshold))
        } else {
            0.0
        };
        let corr = py_max(0.0, stats.correlation);
        let acceptance = py_max(0.0, (stats.mutual_acceptance - 0.5) * 2.0);
        let quality = if stats.mutual_acceptance > 0.5 {
            py_max(0.0, (0.5 - stats.avg_p) * 2.0)
        } else {
            0.0
        };
        let score = 0.25 * frequency + 0.30 * corr + 0.20 * acceptance + 0.25 * quality;
        let confidence = py_min(1.0, n as f64 / 10.0);
        score * confidence
    }

    /// Connected components of the suspicious-pair graph, scored; those at
    /// or above the threshold are kept (members, score).
    fn groups(&self, suspicious: &[PairScore]) -> Vec<(Vec<usize>, f64)> {
        // Adjacency in first-named order.
        let mut adjacency: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut link = |x: usize, y: usize| match adjacency.iter_mut().find(|(n, _)| *n == x) {
            Some((_, list)) => {
                if !list.contains(&y) {
                    list.push(y);
                }
            }
            None => adjacency.push((x, vec![y])),
        };
        for s in suspicious {
            link(s.a, s.b);
            link(s.b, s.a);
        }
        let neighbours = |x: usize| -> &[usize] {
            adjacency
                .iter()
                .find(|(n, _)| *n == x)
                .map_or(&[], |(_, l)| l.as_slice())
        };
        let mut visited: Vec<usize> = Vec::new();
        let mut kept = Vec::new();
        for &(start, _) in &adjacency {
            if visited.contains(&start) {
                continue;
            }
            let mut component = Vec::new();
            let mut queue = vec![start];
            while !queue.is_empty() {
                let node = queue.remove(0);
                if visited.contains(&node) {
                    continue;
                }
                visited.push(node);
                component.push(node);
                for &nb in neighbours(node) {
                    if !visited.contains(&nb) {
                        queue.push(nb);
                    }
                }
            }
            if component.len() >= 2 {
                let interactions = self.index.listed.iter().map(|&k| &self.history[k as usize]);
                let score = group_score(&component, interactions);
                if score >= self.score_threshold {
                    kept.push((component, score));
                }
            }
        }
        // Stable, descending by score.
        kept.sort_by(|x, y| y.1.partial_cmp(&x.1).unwrap_or(std::cmp::Ordering::Equal));
        kept
    }
}

/// A pair's own figures (`a` = smaller id; its interactions `list`):
/// mutual acceptance, benefit correlation and mean p; `s` lends buffers.
fn pair_stats(history: &[CollusionRecord], a: usize, list: &[u32], s: &mut Scratch) -> PairStats {
    let n = list.len();
    let (benefits_a, benefits_b) = (&mut s.benefits_a, &mut s.benefits_b);
    let (p_by_a, p_by_b) = (&mut s.p_by_a, &mut s.p_by_b);
    // A short run's lists fit the first allocation (each run's buffers
    // start empty; doubling from there cost more than the figures).
    for v in [
        &mut *benefits_a,
        &mut *benefits_b,
        &mut *p_by_a,
        &mut *p_by_b,
    ] {
        v.clear();
        v.reserve(n.max(SHORT_RUN));
    }
    let mut accepted = 0usize;
    for r in list.iter().map(|&k| &history[k as usize]) {
        accepted += usize::from(r.accepted);
        if r.initiator == a {
            benefits_a.push(-r.tau - r.c_a);
            benefits_b.push(r.tau - r.c_b);
            p_by_a.push(r.p);
        } else {
            benefits_b.push(-r.tau - r.c_a);
            benefits_a.push(r.tau - r.c_b);
            p_by_b.push(r.p);
        }
    }
    let mutual_acceptance = accepted as f64 / n as f64;
    let mut correlation = 0.0;
    if n >= 2 && numpy::std_is_positive(benefits_a) && numpy::std_is_positive(benefits_b) {
        let c = numpy::corrcoef(benefits_a, benefits_b);
        correlation = if c.is_nan() { 0.0 } else { c };
    }
    let avg_p_a = numpy::mean(p_by_a).unwrap_or(0.5);
    let avg_p_b = numpy::mean(p_by_b).unwrap_or(0.5);
    let avg_p = numpy::pairwise_sum(&[avg_p_a, avg_p_b]) / 2.0;
    PairStats {
        mutual_acceptance,
        correlation,
        avg_p,
    }
}

/// Internal-bias and quality-asymmetry score of one group, size-adjusted.
fn group_score<'h>(
    members: &[usize],
    interactions: impl Iterator<Item = &'h CollusionRecord>,
) -> f64 {
    let mut internal = Vec::new();
    let mut external = Vec::new();
    for r in interactions {
        let init_in = members.contains(&r.initiator);
        let counter_in = members.contains(&r.counterparty);
        if init_in && counter_in {
            internal.push(r.p);
        } else if init_in || counter_in {
            external.push(r.p);
        }
    }
    let total = internal.len() + external.len();
    let internal_rate = if total > 0 {
        internal.len() as f64 / total as f64
    } else {
        0.0
    };
    let avg_internal = numpy::mean(&internal).unwrap_or(0.5);
    let avg_external = numpy::mean(&external).unwrap_or(0.5);
    let internal_bias = py_max(0.0, internal_rate - 0.5) * 2.0;
    let asymmetry = py_max(0.0, avg_internal - avg_external);
    let score = internal_bias * 0.4 + asymmetry * 0.6;
    let size_factor = py_min(1.0, members.len() as f64 / 5.0);
    score * (0.5 + 0.5 * size_factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(score_threshold: f64) -> GovernanceConfig {
        GovernanceConfig {
            collusion_detection_enabled: true,
            collusion_score_threshold: score_threshold,
            ..GovernanceConfig::default()
        }
    }

    fn rec(i: usize, j: usize, accepted: bool, p: f64, c_a: f64, c_b: f64) -> CollusionRecord {
        CollusionRecord {
            initiator: i,
            counterparty: j,
            accepted,
            p,
            tau: 0.0,
            c_a,
            c_b,
        }
    }

    fn lever(score_threshold: f64, ids: &[&str], history: &[CollusionRecord]) -> Collusion {
        let mut c = Collusion::new(&cfg(score_threshold));
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        c.set_agent_ids(&ids);
        c.history = history.to_vec();
        c
    }

    /// A single pair's score: (10 interactions, accepted, p) → components.
    fn single_pair(n: usize, n_accepted: usize, p: f64) -> f64 {
        let h: Vec<CollusionRecord> = (0..n)
            .map(|k| rec(0, 1, k < n_accepted, p, 0.0, 0.0))
            .collect();
        lever(0.5, &["a", "b"], &h).analyze().risk_of(0)
    }

    #[test]
    fn pair_score_components_at_their_boundaries() {
        // Only `a` initiates, so avg_p = (mean p of a's + 0.5 for b's none)/2.
        // All accepted at p = 0.25: acceptance 1, quality (0.5 − 0.375)·2 =
        // 0.25; one pair (no frequency signal), zero costs (no correlation).
        assert_eq!(single_pair(10, 10, 0.25), 0.20 * 1.0 + 0.25 * 0.25);
        // Acceptance exactly one half: neither acceptance nor quality counts.
        assert_eq!(single_pair(10, 5, 0.25), 0.0);
        // Just above one half: quality counts again.
        assert_eq!(
            single_pair(10, 6, 0.25),
            0.20 * ((0.6 - 0.5) * 2.0) + 0.25 * 0.25
        );
        // avg_p ≥ 0.5 gives no quality signal.
        assert_eq!(single_pair(10, 10, 0.5), 0.20);
        // Confidence min(1, n/10): half weight at five interactions.
        assert_eq!(single_pair(5, 5, 0.25), (0.20 + 0.25 * 0.25) * 0.5);
        // Below collusion_min_interactions (3) the pair is not analysed.
        assert_eq!(single_pair(2, 2, 0.0), 0.0);
    }

    #[test]
    fn frequency_zscore_is_clamped_and_ignores_other_signals() {
        // One busy pair (12) among four single interactions, all rejected at
        // p = 0.5: only the frequency component can score.
        let mut h: Vec<CollusionRecord> =
            (0..12).map(|_| rec(0, 1, false, 0.5, 0.0, 0.0)).collect();
        h.extend((2..6).map(|j| rec(0, j, false, 0.5, 0.0, 0.0)));
        let mut c = lever(0.1, &["a", "b", "c", "d", "e", "f"], &h);
        let r = c.analyze();
        // counts [12, 1, 1, 1, 1]: mean 3.2, std 4.4 → z = 2, z / 2.0 = 1.
        assert_eq!(r.risk_of(1), 0.25);
        assert_eq!(r.n_flagged_pairs, 1);
        assert_eq!(r.risk_of(2), 0.0);
    }

    #[test]
    fn pairs_are_keyed_by_sorted_id_strings() {
        // "honest_10" sorts before "honest_2": benefits and p series are
        // assigned by string order, not index order.
        let c = lever(0.5, &["honest_2", "honest_10"], &[]);
        assert!(c.id_less(1, 0));
        assert!(!c.id_less(0, 1));
    }

    /// The reference's `CollusionDetector.analyze` on a synthetic history
    /// (swarm-safety 1.9.0, numpy 2.4.6): a busy, always-accepted, low-p
    /// pair with tax-like costs, a mixed pair, a costly triangle edge.
    fn synthetic() -> (Vec<&'static str>, Vec<CollusionRecord>) {
        let ids = vec![
            "honest_1",
            "honest_2",
            "honest_10",
            "adversarial_1",
            "opportunistic_1",
        ];
        let mut h = Vec::new();
        for r in 0..14 {
            let (i, j) = if r % 3 != 0 { (0, 2) } else { (2, 0) };
            let c = 0.05 * (1.0 + 0.1 * r as f64) * 0.5;
            h.push(rec(i, j, true, 0.2 + 0.01 * r as f64, c, c));
        }
        for r in 0..6 {
            h.push(rec(1, 3, r % 2 == 0, 0.45, 0.0, 0.0));
        }
        for r in 0..3 {
            h.push(rec(3, 4, true, 0.3, 0.02 * r as f64, 0.01));
        }
        h.push(rec(4, 0, false, 0.6, 0.0, 0.0));
        h.push(rec(1, 4, true, 0.7, 0.01, 0.02));
        (ids, h)
    }

    #[test]
    fn detector_matches_the_reference_on_a_synthetic_history() {
        let (ids, h) = synthetic();
        let r = lever(0.3, &ids, &h).analyze();
        assert_eq!(r.ecosystem_collusion_risk, 0.03);
        assert_eq!((r.n_flagged_pairs, r.n_flagged_groups), (1, 0));
        assert_eq!(r.avg_pair_collusion_score, 0.31335721547778034);
        assert_eq!(r.max_pair_collusion_score, 0.8496331407534794);
        let risks: Vec<f64> = (0..5).map(|a| r.risk_of(a)).collect();
        assert_eq!(
            risks,
            [
                0.8496331407534794,
                0.015438505679861592,
                0.8496331407534794,
                0.075,
                0.075
            ]
        );
        // A lower threshold keeps the {honest_1, honest_10} group.
        let r = lever(0.2, &ids, &h).analyze();
        assert_eq!(r.ecosystem_collusion_risk, 0.24706666666666666);
        assert_eq!((r.n_flagged_pairs, r.n_flagged_groups), (1, 1));
    }

    #[test]
    fn epoch_start_penalises_at_the_threshold_and_keeps_old_reports() {
        let (ids, h) = synthetic();
        let mut c = lever(0.075, &ids, &h);
        c.penalty_multiplier = 1.5;
        let mut e = Effect::default();
        c.on_epoch_start(&mut e);
        // Risk ≥ threshold (0.075 included), registration order.
        let flagged: Vec<usize> = e.reputation.iter().map(|(a, _)| *a).collect();
        assert_eq!(flagged, [0, 2, 3, 4]);
        let risk = 0.8496331407534794;
        assert_eq!(e.reputation[0], (0, -risk * 1.5));
        assert_eq!(e.resources[0], (0, -risk * 1.5 * 10.0));
        // Fewer than collusion_min_interactions (3): no analysis, report kept.
        let before = c.latest.clone();
        c.history.truncate(2);
        let mut e = Effect::default();
        c.on_epoch_start(&mut e);
        assert!(e.is_empty());
        assert_eq!(c.latest, before);
    }

    /// An analysis that indexes only the interactions since the last one
    /// reports what an analysis of the whole history does, and a cut
    /// history is indexed afresh.
    #[test]
    fn incremental_analysis_is_the_whole_analysis() {
        let (ids, h) = synthetic();
        for threshold in [0.075, 0.2, 0.3] {
            let mut c = lever(threshold, &ids, &h[..h.len() / 2]);
            c.analyze();
            for r in &h[h.len() / 2..] {
                c.on_interaction(*r);
            }
            assert_eq!(c.analyze(), lever(threshold, &ids, &h).analyze());
            c.history.truncate(h.len() / 3);
            assert_eq!(
                c.analyze(),
                lever(threshold, &ids, &h[..h.len() / 3]).analyze()
            );
        }
    }

    /// A pair's kept figures follow its interactions: costs settled on an
    /// analysed record, and a history cleared at epoch start and grown
    /// past its old length, are analysed as afresh.
    #[test]
    fn kept_pair_figures_follow_the_history() {
        let (ids, mut h) = synthetic();
        // Last, an interaction of the busy (scored) pair.
        h.push(rec(2, 0, true, 0.2, 0.0, 0.0));
        let mut c = lever(0.075, &ids, &h);
        c.analyze();
        c.settle_costs(0.3, 0.1);
        let mut settled = h.clone();
        let last = settled.last_mut().unwrap();
        (last.c_a, last.c_b) = (0.3, 0.1);
        assert_eq!(c.analyze(), lever(0.075, &ids, &settled).analyze());

        let mut c = lever(0.075, &ids, &h[..8]);
        c.clear_history_on_epoch = true;
        c.on_epoch_start(&mut Effect::default());
        assert!(c.history.is_empty());
        for r in &h[8..] {
            c.on_interaction(*r);
        }
        assert_eq!(c.analyze(), lever(0.075, &ids, &h[8..]).analyze());
    }

    #[test]
    fn realtime_penalty_needs_both_parties_flagged() {
        let (ids, h) = synthetic();
        let mut c = lever(0.5, &ids, &h);
        c.realtime_penalty = true;
        c.realtime_rate = 0.1;
        assert_eq!(c.on_interaction(rec(0, 2, true, 0.5, 0.0, 0.0)), None); // no report yet
        c.on_epoch_start(&mut Effect::default());
        let report = c.latest.clone().unwrap();
        let (r0, r2) = (report.risk_of(0), report.risk_of(2));
        assert!(r0 >= 0.5 && r2 >= 0.5 && report.risk_of(1) < 0.5);
        let penalty = 0.1 * (r2 + r0) / 2.0;
        assert_eq!(
            c.on_interaction(rec(2, 0, true, 0.5, 0.0, 0.0)),
            Some((penalty, penalty))
        );
        assert_eq!(c.on_interaction(rec(0, 1, true, 0.5, 0.0, 0.0)), None);
        // The newest record takes the interaction's final costs.
        c.settle_costs(0.25, 0.5);
        assert_eq!(
            (c.history.last().unwrap().c_a, c.history.last().unwrap().c_b),
            (0.25, 0.5)
        );
    }
}
