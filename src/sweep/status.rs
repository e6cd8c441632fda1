//! `swarm-sweep status` (docs/scale-out.md): from a results directory alone
//! (journals and part manifests), which runs are done, failed or missing,
//! shard by shard, and which shards to resubmit.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use super::columns::Table;
use super::journal::{self, JournalSummary};
use super::part::{self, PartManifest};
use super::shard::{Shard, Strategy};
use crate::contract::{file, key, PartFiles};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Its tables (or part files and manifest) are written.
    Complete,
    /// A process holds its journal: running now.
    Running,
    /// Started, not finished: crashed, killed, interrupted or stopped.
    Stopped,
    NotStarted,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Complete => "complete",
            State::Running => "running",
            State::Stopped => "stopped",
            State::NotStarted => "not started",
        }
    }
}

/// Where one run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    Done,
    Failed(String),
    Missing,
}

#[derive(Debug, Clone)]
pub struct ShardStatus {
    /// `None` for a one-process sweep.
    pub shard: Option<Shard>,
    pub state: State,
    /// Runs it takes, when known (a hash shard needs some journal's run keys).
    pub runs: Option<usize>,
    pub done: usize,
    pub failed: usize,
}

#[derive(Debug, Clone)]
pub struct SweepStatus {
    /// Adaptive replication: `n_runs` is the most it may make, and runs it
    /// did not need stay missing.
    pub adaptive: bool,
    pub dir: PathBuf,
    pub name: String,
    pub spec_hash: String,
    pub n_runs: usize,
    /// `(strategy, N)` for a sharded sweep.
    pub sharding: Option<(Strategy, usize)>,
    pub shards: Vec<ShardStatus>,
    /// Every run's state, in run order.
    pub runs: Vec<RunState>,
    /// Every run's key, where known (empty otherwise).
    pub keys: Vec<String>,
    pub failed_runs: Vec<(usize, String, Option<Shard>, String)>,
    /// runs.parquet of this sweep exists (merged, or a one-process sweep's).
    pub tables: bool,
    pub warnings: Vec<String>,
}

impl SweepStatus {
    pub fn done(&self) -> usize {
        self.shards.iter().map(|s| s.done).sum()
    }
    pub fn failed(&self) -> usize {
        self.shards.iter().map(|s| s.failed).sum()
    }
    pub fn missing(&self) -> usize {
        self.n_runs - self.done() - self.failed()
    }
    /// Shards with failed or missing runs that nothing is running now.
    pub fn to_resubmit(&self) -> Vec<usize> {
        self.shards
            .iter()
            .filter(|s| s.state != State::Running)
            .filter(|s| s.state != State::Complete || s.failed > 0)
            .filter_map(|s| s.shard.map(|sh| sh.k))
            .collect()
    }
}

/// The spec hash stored in `path`'s Parquet metadata, if readable.
fn table_spec_hash(path: &Path) -> Option<String> {
    super::owned::table_metadata(path, key::sweep::SPEC_HASH)
}

/// Read what `dir` holds.
pub fn status(dir: &Path) -> Result<SweepStatus> {
    let manifests: Vec<(usize, usize, PathBuf)> = part::list_parts(dir, PartFiles::MANIFEST)?;
    let journals = part::list_parts(dir, PartFiles::JOURNAL)?;
    let whole = dir.join(file::JOURNAL);
    if !manifests.is_empty() || !journals.is_empty() {
        return sharded_status(dir, &manifests, &journals);
    }
    if !whole.exists() {
        return Err(anyhow!(
            "{} holds no sweep journal (journal.jsonl, journal.part-K-of-N.jsonl) or part manifest (part-K-of-N.json)",
            dir.display()
        ));
    }
    one_process_status(dir, &whole)
}

/// A one-process sweep, from its journal `whole`.
fn one_process_status(dir: &Path, whole: &Path) -> Result<SweepStatus> {
    let j = journal::summarize(whole)?;
    let h = &j.header;
    let tables = table_spec_hash(&dir.join(Table::Runs.file_name())).as_deref()
        == Some(h.spec_hash.as_str());
    let mut s = SweepStatus {
        dir: dir.to_path_buf(),
        name: h.name.clone(),
        spec_hash: h.spec_hash.clone(),
        n_runs: h.n_runs,
        sharding: None,
        shards: Vec::new(),
        runs: vec![RunState::Missing; h.n_runs],
        keys: h.run_keys.to_strings(),
        failed_runs: Vec::new(),
        tables,
        adaptive: h.adaptive,
        warnings: Vec::new(),
    };
    let all: Vec<usize> = (0..h.n_runs).collect();
    let (done, failed) = tally(&j, &all, None, &mut s);
    let state = if j.running {
        State::Running
    } else if tables && (done + failed == h.n_runs || h.adaptive) {
        State::Complete
    } else {
        State::Stopped
    };
    s.shards.push(ShardStatus {
        shard: None,
        state,
        runs: Some(h.n_runs),
        done,
        failed,
    });
    Ok(s)
}

/// Part files as `part::list_parts` lists them: `(K, N, path)`.
type PartList = [(usize, usize, PathBuf)];

/// The manifests and journal summaries of one sharding, by shard (`k - 1`).
struct Parts {
    n: usize,
    manifests: Vec<Option<PartManifest>>,
    logs: Vec<Option<JournalSummary>>,
}

/// A sharded sweep, from its part manifests and shard journals.
fn sharded_status(dir: &Path, manifests: &PartList, journals: &PartList) -> Result<SweepStatus> {
    let mut warnings = Vec::new();
    let n = newest_sharding(dir, manifests, journals, &mut warnings);
    let mut parts = read_parts(dir, n, manifests, journals, &mut warnings)?;
    // The sweep: the newest journal's or manifest's; parts of another spec
    // hash are reported and counted as not started.
    let (name, spec_hash, n_runs) = parts
        .logs
        .iter()
        .flatten()
        .map(|j| {
            (
                j.header.name.clone(),
                j.header.spec_hash.clone(),
                j.header.n_runs,
            )
        })
        .chain(
            parts
                .manifests
                .iter()
                .flatten()
                .map(|m| (m.name.clone(), m.spec_hash.clone(), m.n_runs)),
        )
        .next()
        .ok_or_else(|| anyhow!("no readable journal or part manifest in {}", dir.display()))?;
    parts.drop_other_sweeps(&spec_hash, &mut warnings);
    let strategy = parts.strategy();
    let keys: Option<Vec<String>> = parts
        .logs
        .iter()
        .flatten()
        .next()
        .map(|j| j.header.run_keys.to_strings());
    let tables =
        table_spec_hash(&dir.join(Table::Runs.file_name())).as_deref() == Some(spec_hash.as_str());
    let mut s = SweepStatus {
        dir: dir.to_path_buf(),
        name,
        spec_hash,
        n_runs,
        sharding: Some((strategy, n)),
        shards: Vec::new(),
        runs: vec![RunState::Missing; n_runs],
        keys: keys.clone().unwrap_or_else(|| vec![String::new(); n_runs]),
        failed_runs: Vec::new(),
        tables,
        adaptive: false,
        warnings,
    };
    for k in 1..=n {
        let shard = Shard::new(strategy, k, n).expect("k in 1..=n");
        let status = shard_status(shard, &parts, keys.as_deref(), &mut s);
        s.shards.push(status);
    }
    s.failed_runs.sort_by_key(|f| f.0);
    Ok(s)
}

/// N of the newest part file's sharding; parts of other shardings are
/// warned about and left out.
fn newest_sharding(
    dir: &Path,
    manifests: &PartList,
    journals: &PartList,
    warnings: &mut Vec<String>,
) -> usize {
    let newest = manifests
        .iter()
        .chain(journals)
        .max_by_key(|(_, _, p)| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .expect("some part file");
    let n = newest.1;
    let mut others: Vec<usize> = manifests
        .iter()
        .chain(journals)
        .map(|(_, n, _)| *n)
        .filter(|&m| m != n)
        .collect();
    others.sort();
    others.dedup();
    if !others.is_empty() {
        warnings.push(format!(
            "{} also holds parts of {} shards (another sharding): ignored here",
            dir.display(),
            others
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    n
}

/// Read the manifests and journals of the `n`-shard sharding; unreadable
/// ones are warned about.
fn read_parts(
    dir: &Path,
    n: usize,
    manifests: &PartList,
    journals: &PartList,
    warnings: &mut Vec<String>,
) -> Result<Parts> {
    // Read what is there before anything is sized by N: a file name can
    // claim any number of shards.
    let mut found_parts = Vec::new();
    for (k, _, p) in manifests.iter().filter(|(_, m, _)| *m == n) {
        match part::read_manifest(p) {
            Ok(m) => found_parts.push((*k, m)),
            Err(e) => warnings.push(format!("{e:#}")),
        }
    }
    let mut found_logs = Vec::new();
    for (k, _, p) in journals.iter().filter(|(_, m, _)| *m == n) {
        match journal::summarize(p) {
            Ok(j) => found_logs.push((*k, j)),
            Err(e) => warnings.push(format!("{e:#}")),
        }
    }
    let most_runs = found_parts
        .iter()
        .map(|(_, m)| m.n_runs)
        .chain(found_logs.iter().map(|(_, j)| j.header.n_runs))
        .max()
        .ok_or_else(|| anyhow!("no readable journal or part manifest in {}", dir.display()))?;
    if n > most_runs.max(1) {
        return Err(anyhow!(
            "{} holds parts of {n} shards of a sweep of {most_runs} runs: more shards than \
             runs (swarm-sweep never makes such parts)",
            dir.display()
        ));
    }
    let mut parts = Parts {
        n,
        manifests: vec![None; n],
        logs: vec![None; n],
    };
    for (k, m) in found_parts {
        parts.manifests[k - 1] = Some(m);
    }
    for (k, j) in found_logs {
        parts.logs[k - 1] = Some(j);
    }
    Ok(parts)
}

impl Parts {
    /// Forget (with a warning) the parts of a sweep other than `spec_hash`.
    fn drop_other_sweeps(&mut self, spec_hash: &str, warnings: &mut Vec<String>) {
        let n = self.n;
        for (k, m) in self.manifests.iter_mut().enumerate() {
            if m.as_ref().is_some_and(|m| m.spec_hash != spec_hash) {
                warnings.push(format!(
                    "{} belongs to another sweep (spec hash differs): shard {}/{n} must be rerun",
                    PartFiles::MANIFEST.name(k + 1, n),
                    k + 1
                ));
                *m = None;
            }
        }
        for (k, j) in self.logs.iter_mut().enumerate() {
            if j.as_ref().is_some_and(|j| j.header.spec_hash != spec_hash) {
                warnings.push(format!(
                    "{} belongs to another sweep (spec hash differs)",
                    PartFiles::JOURNAL.name(k + 1, n)
                ));
                *j = None;
            }
        }
    }

    /// The sharding strategy a manifest or a journal header names.
    fn strategy(&self) -> Strategy {
        self.manifests
            .iter()
            .flatten()
            .find_map(|m| Strategy::parse(&m.strategy).ok())
            .or_else(|| {
                self.logs
                    .iter()
                    .flatten()
                    .find_map(|j| j.header.shard.as_deref().and_then(|s| Shard::parse(s).ok()))
                    .map(|s| s.strategy)
            })
            .unwrap_or(Strategy::RoundRobin)
    }
}

/// Where `shard` stands: complete (its manifest), started (its journal) or
/// not started; its runs' states go into `s`.
fn shard_status(
    shard: Shard,
    parts: &Parts,
    keys: Option<&[String]>,
    s: &mut SweepStatus,
) -> ShardStatus {
    let (k, n, n_runs) = (shard.k, parts.n, s.n_runs);
    if let Some(m) = &parts.manifests[k - 1] {
        for (i, key) in m.runs.iter().zip(&m.run_keys) {
            s.keys[*i] = key.clone();
            s.runs[*i] = RunState::Done;
        }
        for f in &m.failed {
            s.failed_runs
                .push((f.index, f.run_key.clone(), Some(shard), f.error.clone()));
            s.runs[f.index] = RunState::Failed(f.error.clone());
        }
        let running = parts.logs[k - 1].as_ref().is_some_and(|j| j.running);
        return ShardStatus {
            shard: Some(shard),
            state: if running {
                State::Running
            } else {
                State::Complete
            },
            runs: Some(m.runs.len()),
            done: m.runs.len() - m.failed.len(),
            failed: m.failed.len(),
        };
    }
    // The runs it takes, where the run list and the keys tell.
    let assigned: Option<Vec<usize>> = match (shard.strategy, keys) {
        (Strategy::RoundRobin, _) => Some((k - 1..n_runs).step_by(n).collect()),
        (Strategy::Hash, Some(keys)) => Some(
            (0..n_runs)
                .filter(|&i| shard.contains(i, &keys[i]))
                .collect(),
        ),
        (Strategy::Hash, None) => None,
    };
    if let Some(j) = &parts.logs[k - 1] {
        let mine = assigned.as_deref().unwrap_or_default();
        let (done, failed) = tally(j, mine, Some(shard), s);
        ShardStatus {
            shard: Some(shard),
            state: if j.running {
                State::Running
            } else {
                State::Stopped
            },
            runs: assigned.as_ref().map(Vec::len),
            done,
            failed,
        }
    } else {
        ShardStatus {
            shard: Some(shard),
            state: State::NotStarted,
            runs: assigned.as_ref().map(Vec::len),
            done: 0,
            failed: 0,
        }
    }
}

/// Count `runs`' states in journal `j`, noting failed runs.
fn tally(
    j: &JournalSummary,
    runs: &[usize],
    shard: Option<Shard>,
    s: &mut SweepStatus,
) -> (usize, usize) {
    let (mut done, mut failed) = (0, 0);
    for &i in runs {
        match j.latest.get(i).cloned().flatten() {
            Some(None) => {
                done += 1;
                s.runs[i] = RunState::Done;
            }
            Some(Some(e)) => {
                failed += 1;
                s.failed_runs.push((
                    i,
                    j.header.run_keys.key(i).unwrap_or_default(),
                    shard,
                    e.clone(),
                ));
                s.runs[i] = RunState::Failed(e);
            }
            None => {}
        }
    }
    (done, failed)
}

/// Shard numbers as ranges: `1-3,5`.
pub fn ranges(ks: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ks.len() {
        let mut j = i;
        while j + 1 < ks.len() && ks[j + 1] == ks[j] + 1 {
            j += 1;
        }
        out.push(if j > i {
            format!("{}-{}", ks[i], ks[j])
        } else {
            ks[i].to_string()
        });
        i = j + 1;
    }
    out.join(",")
}

/// The report `swarm-sweep status` prints.
pub fn render(s: &SweepStatus) -> String {
    let mut o = String::new();
    let hash = &s.spec_hash[..s.spec_hash.len().min(12)];
    match s.sharding {
        Some((strategy, n)) => {
            let _ = writeln!(
                o,
                "{}: {} runs in {n} shards ({}), spec hash {hash}",
                s.name,
                s.n_runs,
                strategy.name()
            );
        }
        None => {
            let _ = writeln!(
                o,
                "{}: {} runs, one process, spec hash {hash}",
                s.name, s.n_runs
            );
        }
    }
    if s.adaptive {
        let _ = writeln!(
            o,
            "adaptive replication: {} runs at most; it makes those its rule needs, so runs \
             it did not need stay missing",
            s.n_runs
        );
    }
    let _ = writeln!(
        o,
        "{:<8} {:<12} {:>7} {:>7} {:>7} {:>7}",
        "shard", "state", "runs", "done", "failed", "missing"
    );
    for sh in &s.shards {
        let label = sh
            .shard
            .map_or("all".to_string(), |x| format!("{}/{}", x.k, x.n));
        let runs = sh.runs.map_or("?".to_string(), |r| r.to_string());
        let missing = sh
            .runs
            .map_or("?".to_string(), |r| (r - sh.done - sh.failed).to_string());
        let _ = writeln!(
            o,
            "{label:<8} {:<12} {runs:>7} {:>7} {:>7} {missing:>7}",
            sh.state.name(),
            sh.done,
            sh.failed
        );
    }
    if s.sharding.is_some() {
        let _ = writeln!(
            o,
            "{:<8} {:<12} {:>7} {:>7} {:>7} {:>7}",
            "total",
            "",
            s.n_runs,
            s.done(),
            s.failed(),
            s.missing()
        );
    }
    if !s.failed_runs.is_empty() {
        let _ = writeln!(o, "failed runs:");
        const SHOWN: usize = 20;
        for (i, key, shard, err) in s.failed_runs.iter().take(SHOWN) {
            let first = err.lines().next().unwrap_or("");
            let shard = shard.map_or(String::new(), |x| format!(", shard {}/{}", x.k, x.n));
            let _ = writeln!(o, "  run {i} (run_key {key}{shard}): {first}");
        }
        if s.failed_runs.len() > SHOWN {
            let _ = writeln!(
                o,
                "  … and {} more (--runs lists every run)",
                s.failed_runs.len() - SHOWN
            );
        }
    }
    let dir = s.dir.display();
    match s.sharding {
        Some((strategy, n)) => {
            let ks = s.to_resubmit();
            let running: Vec<usize> = s
                .shards
                .iter()
                .filter(|x| x.state == State::Running)
                .filter_map(|x| x.shard.map(|y| y.k))
                .collect();
            if !running.is_empty() {
                let _ = writeln!(o, "running now: shards {}", ranges(&running));
            }
            if !ks.is_empty() {
                let ids: Vec<usize> = ks.iter().map(|k| k - 1).collect();
                let hash = if strategy == Strategy::Hash {
                    "hash:"
                } else {
                    ""
                };
                let _ = writeln!(o, "resubmit shards: {} of {n}", ranges(&ks));
                let _ = writeln!(
                    o,
                    "  by hand:    swarm-sweep SPEC --out {dir} --shard {hash}K/{n}"
                );
                let _ = writeln!(
                    o,
                    "  Slurm:      sbatch --array={} … deploy/slurm/sweep.sbatch (SHARDS={n})",
                    ranges(&ids)
                );
                let _ = writeln!(o, "  Kubernetes: completion indices {}", ranges(&ids));
            }
            let all_complete = s.shards.iter().all(|x| x.state == State::Complete);
            if s.tables {
                let _ = writeln!(o, "merged: runs.parquet and epochs.parquet are written");
            } else if all_complete {
                let _ = writeln!(o, "every shard is complete: swarm-sweep merge {dir}");
            } else {
                let _ = writeln!(
                    o,
                    "merge: when every shard is complete (swarm-sweep merge {dir})"
                );
            }
        }
        None => {
            let sh = &s.shards[0];
            if sh.state == State::Complete {
                let _ = writeln!(o, "tables: runs.parquet and epochs.parquet are written");
            }
            if sh.state != State::Running && (sh.state != State::Complete || sh.failed > 0) {
                let _ = writeln!(
                    o,
                    "to finish: rerun the same swarm-sweep command (finished runs are kept; failed ones are retried)"
                );
            }
        }
    }
    for w in &s.warnings {
        let _ = writeln!(o, "warning: {w}");
    }
    o
}

/// `--runs`: one tab-separated line per run: index, key (where known),
/// shard (where known), state, and the first line of a failure.
pub fn render_runs(s: &SweepStatus, out: &mut impl std::io::Write) -> std::io::Result<()> {
    writeln!(out, "run\trun_key\tshard\tstate\terror")?;
    for (i, st) in s.runs.iter().enumerate() {
        let key = s.keys.get(i).map_or("", String::as_str);
        let shard = match s.sharding {
            Some((strategy, n)) if strategy == Strategy::RoundRobin || !key.is_empty() => {
                let k = Shard::new(strategy, 1, n).expect("n >= 1").of(i, key);
                format!("{k}/{n}")
            }
            Some(_) => "?".into(),
            None => "-".into(),
        };
        let (state, err) = match st {
            RunState::Done => ("done", ""),
            RunState::Failed(e) => ("failed", e.lines().next().unwrap_or("")),
            RunState::Missing => ("missing", ""),
        };
        let err = super::summary::tsv(err);
        writeln!(out, "{i}\t{key}\t{shard}\t{state}\t{err}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ranges() {
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), "1-3,5,7-8");
        assert_eq!(ranges(&[4]), "4");
        assert_eq!(ranges(&[]), "");
    }
}
