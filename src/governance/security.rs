//! Security lever and threat analysis (docs/model/governance.md §3.8):
//! prompt-injection, manipulation,
//! information-laundering and contagion indicators over the whole history,
//! per-agent threat scores, penalties and permanent quarantine.

use std::collections::VecDeque;

use super::{Effect, GovInteraction};
use crate::scenario::GovernanceConfig;

/// The figures of the latest analysis (reported with a one-epoch lag).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecurityReport {
    pub ecosystem_threat_level: f64,
    pub active_threat_count: u64,
    pub contagion_depth: u64,
    /// Threat score per agent that appears in the history.
    pub agent_threat_scores: Vec<(usize, f64)>,
}

#[derive(Debug, Clone)]
pub struct Security {
    injection_threshold: f64,
    manipulation_threshold: f64,
    laundering_trust_gap: f64,
    contagion_velocity: f64,
    min_chain_length: usize,
    min_interactions: usize,
    penalty_threshold: f64,
    quarantine_threshold: f64,
    penalty_multiplier: f64,
    realtime_penalty: bool,
    realtime_threshold: f64,
    realtime_rate: f64,
    clear_history_on_epoch: bool,
    history: Vec<GovInteraction>,
    /// Trust = raw reputation, set at every epoch start.
    trust: Vec<f64>,
    /// Quarantined agents: (agent, epoch quarantined, interactions recorded by then).
    quarantined: Vec<(usize, u32, u64)>,
    /// Sequence number of each history entry (for `quarantine_release`).
    seqs: Vec<u64>,
    recorded: u64,
    /// With the `quarantine_release` fix: epochs a quarantine lasts.
    release_after: Option<i64>,
    /// Buffers an analysis reuses: which agents the history names, those
    /// agents, and the scores by agent.
    present: Vec<bool>,
    agents: Vec<usize>,
    scores: Vec<f64>,
    /// The contagion detector's lists, reused by every analysis.
    contagion: Contagion,
    pub latest: Option<SecurityReport>,
}

/// A contagion chain: the two agents of a bad interaction, then the
/// counterparties of up to five later bad interactions the counterparty
/// started (each once).
#[derive(Debug, Clone, Copy)]
struct Chain {
    agents: [usize; 7],
    len: usize,
}

impl Chain {
    fn agents(&self) -> &[usize] {
        &self.agents[..self.len]
    }
}

/// The contagion detector's lists, kept between analyses so that an
/// epoch's analysis allocates nothing once they have grown.
#[derive(Debug, Clone, Default)]
struct Contagion {
    /// The positions of the bad interactions, grouped by initiator
    /// (ascending in each group); initiator `a`'s are
    /// `bad[bad_start[a]..bad_start[a + 1]]`.
    bad: Vec<u32>,
    bad_start: Vec<u32>,
    chains: Vec<Chain>,
    /// The chains kept (indices into `chains`), deepest first.
    kept: Vec<u32>,
}

/// The threat scores as the detectors find indicators: an indicator's risk
/// is severity × confidence; an agent's score is the highest risk of the
/// indicators it is the source of, or 0.3 × the risk of one naming it as a
/// target, counted only for agents in the history. A maximum does not
/// depend on the order it is taken in, so each indicator is folded in as
/// it is found rather than collected first; only their number is kept.
struct Threats<'a> {
    present: &'a [bool],
    scores: Vec<f64>,
    count: usize,
}

impl Threats<'_> {
    fn add(&mut self, severity: f64, confidence: f64, source: usize, targets: &[usize]) {
        let risk = severity * confidence;
        if self.present[source] {
            self.scores[source] = self.scores[source].max(risk);
        }
        for &t in targets {
            if self.present[t] {
                self.scores[t] = self.scores[t].max(risk * 0.3);
            }
        }
        self.count += 1;
    }
}

impl Security {
    pub fn new(cfg: &GovernanceConfig, release_after: Option<i64>) -> Security {
        Security {
            injection_threshold: cfg.security_injection_threshold,
            manipulation_threshold: cfg.security_manipulation_threshold,
            laundering_trust_gap: cfg.security_laundering_trust_gap,
            contagion_velocity: cfg.security_contagion_velocity,
            min_chain_length: cfg.security_min_chain_length.max(0) as usize,
            min_interactions: cfg.security_min_interactions.max(0) as usize,
            penalty_threshold: cfg.security_penalty_threshold,
            quarantine_threshold: cfg.security_quarantine_threshold,
            penalty_multiplier: cfg.security_penalty_multiplier,
            realtime_penalty: cfg.security_realtime_penalty,
            realtime_threshold: cfg.security_realtime_threshold,
            realtime_rate: cfg.security_realtime_rate,
            clear_history_on_epoch: cfg.security_clear_history_on_epoch,
            // A short run's history without regrowing (4, 8, 16, ...).
            history: Vec::with_capacity(if cfg.security_enabled { 64 } else { 0 }),
            trust: Vec::new(),
            quarantined: Vec::new(),
            seqs: Vec::with_capacity(if cfg.security_enabled { 64 } else { 0 }),
            recorded: 0,
            release_after,
            present: Vec::new(),
            agents: Vec::new(),
            scores: Vec::new(),
            contagion: Contagion::default(),
            latest: None,
        }
    }

    /// Re-read the settings the reference reads from its live config at use
    /// time (a parameter shock changed it); the analyser's thresholds stay
    /// as they were at construction, as there.
    pub fn reconfigure(&mut self, cfg: &GovernanceConfig) {
        self.min_interactions = cfg.security_min_interactions.max(0) as usize;
        self.penalty_threshold = cfg.security_penalty_threshold;
        self.quarantine_threshold = cfg.security_quarantine_threshold;
        self.penalty_multiplier = cfg.security_penalty_multiplier;
        self.realtime_penalty = cfg.security_realtime_penalty;
        self.realtime_threshold = cfg.security_realtime_threshold;
        self.realtime_rate = cfg.security_realtime_rate;
        self.clear_history_on_epoch = cfg.security_clear_history_on_epoch;
    }

    pub fn is_quarantined(&self, agent: usize) -> bool {
        self.quarantined.iter().any(|&(a, _, _)| a == agent)
    }

    pub fn n_quarantined(&self) -> usize {
        self.quarantined.len()
    }

    /// Record the interaction; with the real-time penalty on, return its costs.
    pub fn on_interaction(&mut self, ix: &GovInteraction) -> Option<(f64, f64)> {
        self.history.push(*ix);
        self.seqs.push(self.recorded);
        self.recorded += 1;
        if !self.realtime_penalty {
            return None;
        }
        let mut score = 0.0;
        if ix.accepted && ix.p < 0.3 {
            score += 0.3;
        }
        if ix.tool_misuse_flags > 0 {
            score += f64::min(0.4, 0.2 * ix.tool_misuse_flags as f64);
        }
        if ix.verifier_rejections > 0 {
            score += f64::min(0.3, 0.15 * ix.verifier_rejections as f64);
        }
        if let Some(r) = &self.latest {
            let s = r
                .agent_threat_scores
                .iter()
                .find(|(a, _)| *a == ix.initiator)
                .map_or(0.0, |(_, s)| *s);
            score += s * 0.3;
        }
        let score = f64::min(1.0, score);
        if score < self.realtime_threshold {
            return None;
        }
        let penalty = self.realtime_rate * score;
        Some((penalty, penalty * 0.5))
    }

    /// Analyse the whole history; penalise and quarantine.
    pub fn on_epoch_start(&mut self, epoch: u32, reputation: &[f64], effect: &mut Effect) {
        self.trust.clear();
        self.trust.extend_from_slice(reputation);
        let mut released = Vec::new();
        if let Some(duration) = self.release_after {
            self.quarantined.retain(|&(a, since, upto)| {
                let keep = (epoch as i64) < since as i64 + duration;
                if !keep {
                    released.push((a, upto));
                }
                keep
            });
            // A served quarantine forgives the history that led to it.
            for &(agent, upto) in &released {
                let keep: Vec<bool> = self
                    .history
                    .iter()
                    .zip(&self.seqs)
                    .map(|(i, &q)| !(q < upto && (i.initiator == agent || i.counterparty == agent)))
                    .collect();
                let mut k = keep.iter();
                self.history.retain(|_| *k.next().unwrap_or(&true));
                let mut k = keep.iter();
                self.seqs.retain(|_| *k.next().unwrap_or(&true));
            }
        }
        let mut released: Vec<usize> = released.into_iter().map(|(a, _)| a).collect();
        if self.history.len() >= self.min_interactions {
            self.analyze_and_contain(epoch, effect);
        }
        // A released agent quarantined again in this pass stays frozen.
        released.retain(|&a| !self.is_quarantined(a));
        effect.unfreeze.extend(released);
    }

    fn analyze_and_contain(&mut self, epoch: u32, effect: &mut Effect) {
        let report = self.analyze();
        for &(agent, score) in &report.agent_threat_scores {
            if score >= self.quarantine_threshold {
                effect.freeze.push(agent);
                if !self.is_quarantined(agent) {
                    self.quarantined.push((agent, epoch, self.recorded));
                }
            }
            if score >= self.penalty_threshold {
                let rep = -score * self.penalty_multiplier;
                effect.add_reputation(agent, rep);
                effect.add_resources(agent, rep * 5.0);
            }
        }
        self.latest = Some(report);
        if self.clear_history_on_epoch {
            self.history.clear();
            self.seqs.clear();
        }
    }

    fn trust_of(&self, agent: usize) -> f64 {
        self.trust.get(agent).copied().unwrap_or(0.5)
    }

    fn analyze(&mut self) -> SecurityReport {
        let n_slots = self.trust.len().max(
            self.history
                .iter()
                .map(|i| i.initiator.max(i.counterparty) + 1)
                .max()
                .unwrap_or(0),
        );
        let mut present = std::mem::take(&mut self.present);
        present.clear();
        present.resize(n_slots, false);
        for i in &self.history {
            present[i.initiator] = true;
            present[i.counterparty] = true;
        }
        let mut agents = std::mem::take(&mut self.agents);
        agents.clear();
        agents.extend((0..n_slots).filter(|&a| present[a]));
        let mut scores = std::mem::take(&mut self.scores);
        scores.clear();
        scores.resize(n_slots, 0.0);

        let mut threats = Threats {
            present: &present,
            scores,
            count: 0,
        };
        self.injection_indicators(&mut threats);
        let n_manipulation = self.manipulation_patterns(&mut threats);
        self.laundering_indicators(&agents, &mut threats);
        let contagion_depth = self.contagion_indicators(&mut threats);
        let (scores, n_indicators) = (threats.scores, threats.count);
        // The last report's list, refilled (one allocation per run).
        let mut agent_threat_scores = self
            .latest
            .take()
            .map(|r| r.agent_threat_scores)
            .unwrap_or_default();
        agent_threat_scores.clear();
        agent_threat_scores.extend(agents.iter().map(|&a| (a, scores[a])));
        let n_agents = agents.len();
        (self.present, self.agents, self.scores) = (present, agents, scores);
        let flagged = agent_threat_scores
            .iter()
            .filter(|(_, s)| *s >= self.manipulation_threshold)
            .count();
        let level = if n_agents == 0 {
            0.0
        } else {
            let density = n_indicators as f64 / (n_agents * 5).max(1) as f64;
            let flagged_fraction = flagged as f64 / n_agents as f64;
            let contagion = f64::min(1.0, contagion_depth as f64 / 5.0);
            let manipulation = n_manipulation as f64 / n_agents.max(1) as f64;
            f64::min(
                1.0,
                0.25 * density + 0.25 * flagged_fraction + 0.30 * contagion + 0.20 * manipulation,
            )
        };
        SecurityReport {
            ecosystem_threat_level: level,
            active_threat_count: n_indicators as u64,
            contagion_depth: contagion_depth as u64,
            agent_threat_scores,
        }
    }

    fn injection_indicators(&self, out: &mut Threats) {
        for i in &self.history {
            let mut score = 0.0;
            if i.accepted && i.p < 0.3 {
                // Not the same double as 0.3 − p (docs/model/quirks.md §2.19).
                score += 0.3 * (0.3 - i.p) / 0.3;
            }
            if i.tool_misuse_flags > 0 {
                score += f64::min(0.4, 0.2 * i.tool_misuse_flags as f64);
            }
            if i.verifier_rejections > 0 {
                score += f64::min(0.3, 0.15 * i.verifier_rejections as f64);
            }
            let score = f64::min(1.0, score);
            if score >= self.injection_threshold {
                out.add(
                    score,
                    f64::min(0.9, score + 0.2),
                    i.initiator,
                    &[i.counterparty],
                );
            }
            // Exfiltration needs ≥ 2 misuse flags (never with core generators).
            if i.tool_misuse_flags >= 2 {
                let severity = f64::min(1.0, 0.3 * i.tool_misuse_flags as f64);
                out.add(severity, 0.6, i.initiator, &[i.counterparty]);
            }
        }
    }

    /// Manipulation patterns; with core agents τ = 0, and r_a > 0 only when
    /// a contract routed the interaction, so success is usually 0 and a
    /// pattern counts only when the threshold is 0.
    fn manipulation_patterns(&self, out: &mut Threats) -> usize {
        // Success needs an accepted interaction with τ < −1 or with a
        // reputation bonus; without one every success rate is 0 and no
        // pattern can reach a positive threshold.
        if self.manipulation_threshold > 0.0
            && !self.history.iter().any(|i| i.tau < -1.0 || i.r_a > 0.0)
        {
            return 0;
        }
        let mut initiators: Vec<usize> = Vec::new();
        for i in &self.history {
            if !initiators.contains(&i.initiator) {
                initiators.push(i.initiator);
            }
        }
        let mut n = 0;
        for &init in &initiators {
            let mine: Vec<&GovInteraction> = self
                .history
                .iter()
                .filter(|i| i.initiator == init)
                .collect();
            if mine.len() < 3 {
                continue;
            }
            let mut victims: Vec<usize> = Vec::new();
            let mut successful = 0usize;
            for i in &mine {
                // Reputation boosting and resource extraction each count.
                if i.accepted && i.p < 0.4 && i.r_a > 0.0 {
                    if !victims.contains(&i.counterparty) {
                        victims.push(i.counterparty);
                    }
                    successful += 1;
                }
                if i.accepted && i.tau < -1.0 && i.p < 0.5 {
                    if !victims.contains(&i.counterparty) {
                        victims.push(i.counterparty);
                    }
                    successful += 1;
                }
                let same = mine
                    .iter()
                    .filter(|j| j.counterparty == i.counterparty)
                    .count();
                if same >= 3 && i.p < 0.5 && !victims.contains(&i.counterparty) {
                    victims.push(i.counterparty);
                }
            }
            if victims.is_empty() {
                continue;
            }
            let success_rate = successful as f64 / mine.len() as f64;
            if success_rate >= self.manipulation_threshold {
                n += 1;
                let confidence = f64::min(0.9, 0.5 + success_rate * 0.4);
                out.add(success_rate, confidence, init, &victims);
            }
        }
        n
    }

    /// Breadth-first walks over accepted initiator → counterparty edges:
    /// from each agent, every agent reached that is more trusted by the
    /// gap, at a path length (in agents, the source included) of at least
    /// the minimum chain length. A walk reaches each agent once, at its
    /// shortest distance, so the indicators do not depend on the order the
    /// walk visits them in; up to 64 agents the walk goes level by level
    /// over bit sets.
    fn laundering_indicators(&self, agents: &[usize], out: &mut Threats) {
        let n_slots = self.trust.len().max(agents.last().map_or(0, |a| a + 1));
        if n_slots <= 64 {
            self.laundering_by_levels(agents, n_slots, out);
        } else {
            self.laundering_by_queue(agents, n_slots, out);
        }
    }

    fn laundering_by_levels(&self, agents: &[usize], n_slots: usize, out: &mut Threats) {
        let mut edges = [0u64; 64];
        for i in self.history.iter().filter(|i| i.accepted) {
            edges[i.initiator] |= 1 << i.counterparty;
        }
        let edges = &edges[..n_slots];
        for &source in agents {
            let start = self.trust_of(source);
            let mut visited = 1u64 << source;
            let mut level = visited;
            let mut path_len = 1;
            while level != 0 {
                let mut next = 0;
                for_each_bit(level, |c| next |= edges[c]);
                level = next & !visited;
                visited |= level;
                path_len += 1;
                if path_len >= self.min_chain_length {
                    for_each_bit(level, |t| self.laundering_gain(start, source, t, out));
                }
            }
        }
    }

    /// The same walk with a queue, for more than 64 agents.
    fn laundering_by_queue(&self, agents: &[usize], n_slots: usize, out: &mut Threats) {
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n_slots];
        for i in self.history.iter().filter(|i| i.accepted) {
            if !edges[i.initiator].contains(&i.counterparty) {
                edges[i.initiator].push(i.counterparty);
            }
        }
        let mut visited = vec![false; n_slots];
        let mut queue: VecDeque<(usize, usize)> = VecDeque::new();
        for &source in agents {
            let start = self.trust_of(source);
            visited.iter_mut().for_each(|v| *v = false);
            visited[source] = true;
            queue.clear();
            queue.push_back((source, 1));
            while let Some((current, path_len)) = queue.pop_front() {
                for &next in &edges[current] {
                    if visited[next] {
                        continue;
                    }
                    if path_len + 1 >= self.min_chain_length {
                        self.laundering_gain(start, source, next, out);
                    }
                    visited[next] = true;
                    queue.push_back((next, path_len + 1));
                }
            }
        }
    }

    /// A laundering indicator when `target` is more trusted than the
    /// source (trust `start`) by more than the gap.
    fn laundering_gain(&self, start: f64, source: usize, target: usize, out: &mut Threats) {
        let next_trust = self.trust_of(target);
        if next_trust > start + self.laundering_trust_gap {
            let gain = next_trust - start;
            let severity = f64::min(1.0, gain / 0.5);
            out.add(severity, f64::min(0.8, 0.4 + gain), source, &[target]);
        }
    }

    /// Contagion chains; wall-clock velocity always passes (§2.15).
    /// Returns the deepest chain's depth.
    fn contagion_indicators(&mut self, out: &mut Threats) -> usize {
        let h = &self.history;
        if h.len() < self.min_chain_length {
            return 0;
        }
        let bad = |i: &GovInteraction| i.accepted && i.p < 0.3;
        let Contagion {
            bad: bad_pos,
            bad_start,
            chains,
            kept,
        } = &mut self.contagion;
        // Positions of the bad interactions, per initiator, ascending (a
        // counting sort): the ones after `idx` started by X are a suffix of
        // X's list (one pass, instead of rescanning the rest of the
        // history for each).
        let n_slots = h
            .iter()
            .filter(|i| bad(i))
            .map(|i| i.initiator + 1)
            .max()
            .unwrap_or(0);
        if n_slots == 0 {
            // No bad interaction: no chain (and nothing to group).
            return 0;
        }
        bad_start.clear();
        bad_start.resize(n_slots + 1, 0);
        for i in h.iter().filter(|i| bad(i)) {
            bad_start[i.initiator + 1] += 1;
        }
        for a in 0..n_slots {
            bad_start[a + 1] += bad_start[a];
        }
        bad_pos.clear();
        bad_pos.resize(bad_start[n_slots] as usize, 0);
        // Filled through each group's own cursor, kept in `bad_start`
        // shifted by one (restored as the fill ends).
        for (idx, i) in h.iter().enumerate().filter(|(_, i)| bad(i)) {
            let at = &mut bad_start[i.initiator];
            bad_pos[*at as usize] = idx as u32;
            *at += 1;
        }
        bad_start.rotate_right(1);
        bad_start[0] = 0;
        chains.clear();
        let mut longest = 0;
        for (idx, i) in h.iter().enumerate() {
            if !bad(i) {
                continue;
            }
            let theirs = match bad_start.get(i.counterparty + 1) {
                Some(&end) => &bad_pos[bad_start[i.counterparty] as usize..end as usize],
                None => &[][..],
            };
            let subsequent = &theirs[theirs.partition_point(|&q| q as usize <= idx)..];
            if subsequent.len() < 2 {
                continue;
            }
            let mut chain = Chain {
                agents: [0; 7],
                len: 2,
            };
            chain.agents[..2].copy_from_slice(&[i.initiator, i.counterparty]);
            for &q in subsequent.iter().take(5) {
                let next = h[q as usize].counterparty;
                if !chain.agents().contains(&next) {
                    chain.agents[chain.len] = next;
                    chain.len += 1;
                }
            }
            if chain.len >= self.min_chain_length && f64::INFINITY >= self.contagion_velocity {
                longest = longest.max(chain.len);
                chains.push(chain);
            }
        }
        // Deepest first, in the order found among equals (the stable sort
        // by depth, length by length); drop chains whose agents are a
        // subset of a kept one.
        kept.clear();
        for len in (0..=longest).rev() {
            for (c, chain) in chains.iter().enumerate().filter(|(_, c)| c.len == len) {
                let covered = kept.iter().any(|&k| {
                    let k = chains[k as usize].agents();
                    chain.agents().iter().all(|a| k.contains(a))
                });
                if !covered {
                    kept.push(c as u32);
                }
            }
        }
        let mut depth = 0;
        for &c in kept.iter() {
            let c = chains[c as usize].agents();
            let d = c.len() - 1;
            depth = depth.max(d);
            out.add(f64::min(1.0, d as f64 / 5.0), 0.9, c[0], &c[1..]);
        }
        depth
    }
}

/// Call `f` with the index of every set bit of `bits`, lowest first.
fn for_each_bit(mut bits: u64, mut f: impl FnMut(usize)) {
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Agent 0's interactions each carry one misuse flag and two verifier
    /// rejections: injection score 0.2 + 0.3 = 0.5, risk 0.5 · (0.5 + 0.2).
    fn flagged_history(sec: &mut Security) {
        for _ in 0..5 {
            sec.on_interaction(&GovInteraction {
                accepted: false,
                verifier_rejections: 2,
                tool_misuse_flags: 1,
                ..GovInteraction::of_p(0.45)
            });
        }
    }

    const RISK: f64 = 0.5 * (0.5 + 0.2);

    /// The level-by-level walk over bit sets finds what the queue walk
    /// finds: the same scores (bit for bit) and the same indicator count,
    /// on random histories with self-loops, repeats and cycles.
    #[test]
    fn laundering_walks_agree() {
        let mut rng = crate::rng::PyRandom::new(11);
        let mut found = 0;
        for round in 0..300 {
            let n = 2 + rng.choice_index(if round % 3 == 0 { 62 } else { 9 });
            let cfg = GovernanceConfig {
                security_enabled: true,
                security_laundering_trust_gap: [0.0, 0.1, 0.3][rng.choice_index(3)],
                security_min_chain_length: 1 + rng.choice_index(4) as i64,
                ..GovernanceConfig::default()
            };
            let mut sec = Security::new(&cfg, None);
            for _ in 0..rng.choice_index(4 * n) {
                sec.history.push(GovInteraction {
                    initiator: rng.choice_index(n),
                    counterparty: rng.choice_index(n),
                    accepted: rng.random() < 0.7,
                    ..GovInteraction::of_p(0.5)
                });
            }
            sec.trust = (0..n).map(|_| rng.random()).collect();
            let agents: Vec<usize> = (0..n).collect();
            let present = vec![true; n];
            let walk = |by_levels: bool| {
                let mut t = Threats {
                    present: &present,
                    scores: vec![0.0; n],
                    count: 0,
                };
                if by_levels {
                    sec.laundering_by_levels(&agents, n, &mut t);
                } else {
                    sec.laundering_by_queue(&agents, n, &mut t);
                }
                (
                    t.scores.iter().map(|s| s.to_bits()).collect::<Vec<_>>(),
                    t.count,
                )
            };
            let by_levels = walk(true);
            found += by_levels.1;
            assert_eq!(by_levels, walk(false), "round {round}");
        }
        assert!(found > 1000, "the histories make indicators: {found}");
    }

    /// The contagion rule as the reference states it: for each bad
    /// interaction, a chain of its two agents and the counterparties of
    /// the counterparty's next five bad interactions; deepest first
    /// (stable), dropping chains covered by a kept one.
    fn contagion_literal(h: &[GovInteraction], min_chain: usize, out: &mut Threats) -> usize {
        if h.len() < min_chain {
            return 0;
        }
        let bad = |i: &GovInteraction| i.accepted && i.p < 0.3;
        let mut chains: Vec<Vec<usize>> = Vec::new();
        for (idx, i) in h.iter().enumerate().filter(|(_, i)| bad(i)) {
            let subsequent: Vec<&GovInteraction> = h[idx + 1..]
                .iter()
                .filter(|j| j.initiator == i.counterparty && bad(j))
                .collect();
            if subsequent.len() < 2 {
                continue;
            }
            let mut chain = vec![i.initiator, i.counterparty];
            for j in subsequent.iter().take(5) {
                if !chain.contains(&j.counterparty) {
                    chain.push(j.counterparty);
                }
            }
            if chain.len() >= min_chain {
                chains.push(chain);
            }
        }
        chains.sort_by_key(|c| std::cmp::Reverse(c.len()));
        let mut kept: Vec<Vec<usize>> = Vec::new();
        for c in chains {
            if !kept.iter().any(|k| c.iter().all(|a| k.contains(a))) {
                kept.push(c);
            }
        }
        let mut depth = 0;
        for c in &kept {
            depth = usize::max(depth, c.len() - 1);
            out.add(
                f64::min(1.0, (c.len() - 1) as f64 / 5.0),
                0.9,
                c[0],
                &c[1..],
            );
        }
        depth
    }

    /// The contagion detector's reused, grouped lists find what the
    /// literal rule finds (scores bit for bit, indicator count, depth), on
    /// random histories analysed one after another by one detector.
    #[test]
    fn contagion_matches_the_literal_rule() {
        let mut rng = crate::rng::PyRandom::new(5);
        let mut found = 0;
        let cfg = GovernanceConfig {
            security_enabled: true,
            ..GovernanceConfig::default()
        };
        let mut sec = Security::new(&cfg, None);
        for round in 0..400 {
            let n = 2 + rng.choice_index(if round % 4 == 0 { 20 } else { 6 });
            sec.min_chain_length = 1 + rng.choice_index(5);
            sec.history.clear();
            for _ in 0..rng.choice_index(6 * n) {
                sec.history.push(GovInteraction {
                    initiator: rng.choice_index(n),
                    counterparty: rng.choice_index(n),
                    accepted: rng.random() < 0.7,
                    ..GovInteraction::of_p(rng.random() * 0.6)
                });
            }
            let present = vec![true; n];
            let fresh = || Threats {
                present: &present,
                scores: vec![0.0; n],
                count: 0,
            };
            let (mut ours, mut literal) = (fresh(), fresh());
            let depth = sec.contagion_indicators(&mut ours);
            let want = contagion_literal(&sec.history, sec.min_chain_length, &mut literal);
            found += ours.count;
            let bits = |t: &Threats| t.scores.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                (depth, ours.count, bits(&ours)),
                (want, literal.count, bits(&literal)),
                "round {round}"
            );
        }
        assert!(found > 200, "the histories make chains: {found}");
    }

    fn epoch_start(quarantine: f64, penalty: f64) -> (Effect, Security) {
        let cfg = GovernanceConfig {
            security_enabled: true,
            security_quarantine_threshold: quarantine,
            security_penalty_threshold: penalty,
            security_penalty_multiplier: 2.0,
            ..GovernanceConfig::default()
        };
        let mut sec = Security::new(&cfg, None);
        flagged_history(&mut sec);
        let mut effect = Effect::default();
        sec.on_epoch_start(1, &[0.0, 0.0], &mut effect);
        (effect, sec)
    }

    #[test]
    fn quarantine_threshold_is_inclusive() {
        let (at, sec) = epoch_start(RISK, 1.0);
        assert_eq!(at.freeze, vec![0]);
        assert!(sec.is_quarantined(0) && !sec.is_quarantined(1));
        let (above, sec) = epoch_start(RISK.next_up(), 1.0);
        assert!(above.freeze.is_empty() && !sec.is_quarantined(0));
        let (below, _) = epoch_start(RISK.next_down(), 1.0);
        assert_eq!(below.freeze, vec![0]);
    }

    #[test]
    fn penalty_threshold_is_inclusive_and_scales_with_the_multiplier() {
        let (at, _) = epoch_start(1.0, RISK);
        assert_eq!(at.reputation, vec![(0, -RISK * 2.0)]);
        assert_eq!(at.resources, vec![(0, -RISK * 2.0 * 5.0)]);
        let (above, _) = epoch_start(1.0, RISK.next_up());
        assert!(above.reputation.is_empty());
        let (below, _) = epoch_start(1.0, RISK.next_down());
        assert_eq!(below.reputation.len(), 1);
        // The counterparty is only a target: 0.3 · risk, under both thresholds.
        assert!(at.reputation.iter().all(|(a, _)| *a == 0));
    }

    #[test]
    fn no_analysis_before_min_interactions() {
        let cfg = GovernanceConfig {
            security_enabled: true,
            security_min_interactions: 6,
            ..GovernanceConfig::default()
        };
        let mut sec = Security::new(&cfg, None);
        flagged_history(&mut sec);
        let mut effect = Effect::default();
        sec.on_epoch_start(1, &[0.0, 0.0], &mut effect);
        assert!(effect.is_empty() && sec.latest.is_none());
    }
}
