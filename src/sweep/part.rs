//! Where one sweep process writes (docs/scale-out.md): a one-process sweep's
//! journal.jsonl, runs.parquet and epochs.parquet, or shard K of N's
//! journal.part-K-of-N.jsonl, runs.part-K-of-N.parquet,
//! epochs.part-K-of-N.parquet and, once those are complete, its part
//! manifest part-K-of-N.json, which `merge` and `status` read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::columns::Table;
use super::shard::Shard;
use crate::contract::{file, schema_version, PartFiles};

/// Bumped when the manifest's fields change.
pub const FORMAT: u32 = schema_version::PART_MANIFEST;

/// The files of one process's share of a sweep.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub dir: PathBuf,
    pub shard: Option<Shard>,
}

impl Outputs {
    pub fn journal(&self) -> PathBuf {
        self.dir.join(match &self.shard {
            Some(s) => PartFiles::JOURNAL.name(s.k, s.n),
            None => file::JOURNAL.into(),
        })
    }

    pub fn table(&self, t: Table) -> PathBuf {
        match &self.shard {
            Some(s) => self.dir.join(t.parts().name(s.k, s.n)),
            None => self.dir.join(t.file_name()),
        }
    }

    pub fn manifest(&self) -> Option<PathBuf> {
        self.shard
            .as_ref()
            .map(|s| self.dir.join(PartFiles::MANIFEST.name(s.k, s.n)))
    }

    /// Every file this process writes under a final name.
    pub fn finals(&self) -> Vec<PathBuf> {
        let mut v = vec![self.table(Table::Runs), self.table(Table::Epochs)];
        v.extend(self.manifest());
        v
    }
}

/// A failed run, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRun {
    pub index: usize,
    pub run_key: String,
    pub error: String,
}

/// One of a part's two table files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartTable {
    pub table: String,
    pub file: String,
    pub rows: usize,
    pub sha256: String,
}

/// part-K-of-N.json: written after the shard's part tables are complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartManifest {
    pub swarm_sweep_part: u32,
    pub spec_hash: String,
    pub name: String,
    pub engine_version: String,
    /// `K/N` or `hash:K/N`.
    pub shard: String,
    pub strategy: String,
    pub k: usize,
    pub n: usize,
    /// Runs in the whole sweep.
    pub n_runs: usize,
    /// This part's runs (indices into the run list, ascending) and keys.
    pub runs: Vec<usize>,
    pub run_keys: Vec<String>,
    pub failed: Vec<FailedRun>,
    pub tables: Vec<PartTable>,
}

impl PartManifest {
    pub fn table(&self, t: Table) -> Option<&PartTable> {
        self.tables.iter().find(|p| p.table == t.name())
    }
}

/// Every file in `dir` named by `pattern` (`{prefix}part-K-of-N{suffix}`),
/// as (k, n, path), sorted by n then k.
pub fn list_parts(dir: &Path, pattern: PartFiles) -> Result<Vec<(usize, usize, PathBuf)>> {
    let mut v = Vec::new();
    let rd = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for e in rd {
        let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = e.file_name();
        if let Some((k, n)) = pattern.parse(&name.to_string_lossy()) {
            v.push((k, n, e.path()));
        }
    }
    v.sort_by_key(|(k, n, _)| (*n, *k));
    Ok(v)
}

pub fn read_manifest(path: &Path) -> Result<PartManifest> {
    let text = crate::input::read_text(path, "a part manifest", "SWARM_MAX_INPUT_BYTES")
        .with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a part manifest", path.display()))
}

pub fn write_manifest(path: &Path, m: &PartManifest) -> Result<()> {
    let mut text = serde_json::to_string_pretty(m).expect("manifest serializes");
    text.push('\n');
    let mut f = crate::output::atomic::AtomicFile::create(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .and_then(|()| f.commit_durable())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Remove temporary files a killed process left beside `finals`
/// (`.NAME.tmp-PID`; never under a final name).
pub fn remove_stale_temporaries(finals: &[PathBuf]) {
    for f in finals {
        let (Some(dir), Some(name)) = (f.parent(), f.file_name()) else {
            continue;
        };
        let prefix = format!(".{}.tmp-", name.to_string_lossy());
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names() {
        let o = Outputs {
            dir: PathBuf::from("out"),
            shard: Some(Shard::parse("hash:2/4").unwrap()),
        };
        assert_eq!(o.journal(), PathBuf::from("out/journal.part-2-of-4.jsonl"));
        assert_eq!(
            o.table(Table::Epochs),
            PathBuf::from("out/epochs.part-2-of-4.parquet")
        );
        assert_eq!(o.manifest(), Some(PathBuf::from("out/part-2-of-4.json")));
        let whole = Outputs {
            dir: PathBuf::from("out"),
            shard: None,
        };
        assert_eq!(whole.table(Table::Runs), PathBuf::from("out/runs.parquet"));
        assert_eq!(whole.manifest(), None);
        assert_eq!(
            PartFiles::MANIFEST.parse("part-3-of-12.json"),
            Some((3, 12))
        );
        assert_eq!(
            PartFiles::JOURNAL.parse("journal.part-1-of-2.jsonl"),
            Some((1, 2))
        );
        assert_eq!(PartFiles::MANIFEST.parse("part-5-of-4.json"), None);
        assert_eq!(PartFiles::MANIFEST.parse("part-x-of-4.json"), None);
        assert_eq!(PartFiles::RUNS.parse("epochs.part-1-of-2.parquet"), None);
    }
}
