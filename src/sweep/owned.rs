//! The files a sweep owns in its output folder (docs/scale-out.md), and the
//! guards around them: a folder holding another sweep's tables is refused
//! whether or not a journal is there; no owned name is ever followed through
//! a symbolic link; `--force-new` removes exactly these files, nothing a
//! user put beside them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::part::{self, Outputs};
use crate::output::atomic::existing_kind;

/// Files of the analysis step (`swarm-sweep analyze`), and the sweep's
/// configurations (`configs.rs`).
const ANALYSIS_FILES: &[&str] = &[
    "summary.parquet",
    "comparisons.parquet",
    "comparisons.csv",
    "report.md",
    super::configs::FILE,
    // A design's sensitivity analysis (analysis/sensitivity).
    "design.parquet",
    "sensitivity.parquet",
    "sensitivity_s2.parquet",
    "sensitivity.md",
];
const PLOTS_DIR: &str = crate::analysis::plot::PLOTS_DIR;
const RUNS_DIR: &str = "runs";
/// What a run's folder `runs/<run_key>/` holds.
const RUN_FILES: &[&str] = &["metrics.csv", "events.jsonl"];

/// Why a sweep may not use its output folder.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error(
        "{} is {what}: swarm-sweep never writes through or replaces it. \
         Choose another --out (or replace it with a regular file yourself)",
        path.display()
    )]
    NotRegular { path: PathBuf, what: &'static str },
    #[error(
        "{} holds the results of another sweep ('{found}'; this spec is '{expected}'). \
         Choose another --out to keep them; --force-new deletes that sweep's journal, \
         tables, reports, plots and per-run files in {} before starting",
        path.display(),
        dir.display()
    )]
    Foreign {
        path: PathBuf,
        dir: PathBuf,
        found: String,
        expected: String,
    },
}

/// The sweep name in a table's (or part manifest's) metadata; `None` when
/// the file is absent, `Some("not a swarm-sweep table")` when unreadable.
pub fn recorded_name(path: &Path) -> Option<String> {
    if !path.exists() {
        return None;
    }
    let name = if path.extension().is_some_and(|e| e == "json") {
        part::read_manifest(path).ok().map(|m| m.name)
    } else {
        table_metadata(path, "swarm_sweep.name")
    };
    Some(name.unwrap_or_else(|| "not a swarm-sweep table".to_string()))
}

/// One key of a Parquet file's key-value metadata (regular files only).
pub fn table_metadata(path: &Path, key: &str) -> Option<String> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let f = crate::input::open_regular(path).ok()?;
    let r = SerializedFileReader::new(f).ok()?;
    r.metadata()
        .file_metadata()
        .key_value_metadata()?
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.clone())
}

/// Check `out`'s folder before a sweep process writes there: none of its
/// files is a link or special file, and no table of another sweep (another
/// `name`) is there unless `force_new`.
pub fn guard(out: &Outputs, name: &str, force_new: bool) -> Result<(), FolderError> {
    let mut mine = vec![out.journal()];
    mine.extend(out.finals());
    let mut dirs = vec![out.dir.join(RUNS_DIR)];
    if force_new && out.shard.is_none() {
        mine.extend(owned_files(&out.dir));
        dirs.push(out.dir.join(PLOTS_DIR));
    }
    for path in &mine {
        if let Ok(Some(what)) = existing_kind(path) {
            return Err(FolderError::NotRegular {
                path: path.clone(),
                what,
            });
        }
    }
    for d in dirs {
        if let Ok(m) = std::fs::symlink_metadata(&d) {
            if !m.is_dir() {
                let what = existing_kind(&d).ok().flatten().unwrap_or("not a folder");
                return Err(FolderError::NotRegular { path: d, what });
            }
        }
    }
    // With a journal there, the journal decides (its header names the
    // sweep and spec hash: `JournalError::Mismatch`).
    if force_new || out.journal().exists() {
        return Ok(());
    }
    let whole = Outputs {
        dir: out.dir.clone(),
        shard: None,
    };
    let tables = whole.finals().into_iter().chain(out.finals());
    for path in tables {
        if let Some(found) = recorded_name(&path).filter(|n| n != name) {
            return Err(FolderError::Foreign {
                path,
                dir: out.dir.clone(),
                found,
                expected: name.to_string(),
            });
        }
    }
    Ok(())
}

/// Every file of a sweep in `dir` (journals, tables, part files and
/// manifests of any sharding, the analysis outputs, plots, per-run files),
/// as regular files or links by these names. Not the folders.
pub fn owned_files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let whole = Outputs {
        dir: dir.to_path_buf(),
        shard: None,
    };
    v.push(whole.journal());
    v.extend(whole.finals());
    v.extend(ANALYSIS_FILES.iter().map(|f| dir.join(f)));
    for (prefix, suffix) in [
        ("journal.", ".jsonl"),
        ("", ".json"),
        ("runs.", ".parquet"),
        ("epochs.", ".parquet"),
    ] {
        if let Ok(parts) = part::list_parts(dir, prefix, suffix) {
            v.extend(parts.into_iter().map(|(_, _, p)| p));
        }
    }
    v.extend(files_in(&dir.join(PLOTS_DIR), |n| {
        n.ends_with(".svg") || n.ends_with(".png")
    }));
    for run in subdirs(&dir.join(RUNS_DIR), is_run_key) {
        v.extend(RUN_FILES.iter().map(|f| run.join(f)));
    }
    v.push(dir.join(RUNS_DIR).join(super::configs::INDEX));
    v.retain(|p| std::fs::symlink_metadata(p).is_ok());
    v
}

/// `--force-new` of a one-process sweep: remove every owned file in `dir`
/// (and their temporaries), then the plots and per-run folders if that
/// leaves them empty. Nothing else is touched.
pub fn remove_owned(dir: &Path, keep: &Path) -> Result<usize> {
    let files = owned_files(dir);
    let mut removed = 0;
    for f in files.iter().filter(|f| f.as_path() != keep) {
        std::fs::remove_file(f).with_context(|| format!("cannot remove {}", f.display()))?;
        removed += 1;
    }
    let runs = subdirs(&dir.join(RUNS_DIR), is_run_key);
    for d in runs.iter().chain([&dir.join(PLOTS_DIR)]) {
        for f in files_in(d, |n| n.starts_with('.') && n.contains(".tmp-")) {
            let _ = std::fs::remove_file(f);
        }
    }
    for d in runs
        .iter()
        .chain([&dir.join(RUNS_DIR), &dir.join(PLOTS_DIR)])
    {
        let _ = std::fs::remove_dir(d); // only when empty
    }
    Ok(removed)
}

/// `--force-new` of shard K/N: its own journal is started over by the
/// journal; its part files go, and so do merged tables and analysis
/// outputs of another sweep. Other shards' files and per-run folders stay
/// (the other shards of the new sweep may be writing them now).
pub fn remove_shard_files(out: &Outputs, name: &str) -> Result<()> {
    let mut stale = out.finals();
    let whole = Outputs {
        dir: out.dir.clone(),
        shard: None,
    };
    let other_sweep = whole
        .finals()
        .iter()
        .any(|t| recorded_name(t).is_some_and(|n| n != name));
    if other_sweep {
        stale.extend(whole.finals());
        stale.extend(ANALYSIS_FILES.iter().map(|f| out.dir.join(f)));
    }
    for f in stale {
        match std::fs::remove_file(&f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", f.display()))
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_run_key(name: &str) -> bool {
    name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Regular files (or links) in `dir` whose name passes `keep`.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(&keep))
        .map(|e| e.path())
        .collect()
}

/// Real folders (not links) in `dir` whose name passes `keep`.
fn subdirs(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(&keep))
        .map(|e| e.path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_files_are_exactly_the_engines() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mine = [
            "journal.jsonl",
            "journal.part-1-of-2.jsonl",
            "runs.parquet",
            "epochs.part-2-of-2.parquet",
            "part-1-of-2.json",
            "summary.parquet",
            "report.md",
            "plots/heatmap_x.svg",
            "runs/0123456789abcdef/metrics.csv",
            "runs/index.tsv",
            "configs.parquet",
        ];
        let theirs = [
            "notes.md",
            "plots/README.txt",
            "runs/my-notes/metrics.csv",
            "journal.old",
        ];
        for f in mine.iter().chain(&theirs) {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(owned_files(d).len(), mine.len());
        assert_eq!(remove_owned(d, Path::new("")).unwrap(), mine.len());
        for f in theirs {
            assert!(d.join(f).exists(), "{f} was removed");
        }
        assert!(!d.join("runs/0123456789abcdef").exists());
        assert!(d.join("plots").exists(), "plots/ still holds a user's file");
    }
}
