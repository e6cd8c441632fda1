//! The append-only journal of finished runs (docs/scale-out.md): a header
//! line naming the sweep (its name, spec hash and run keys), then one JSON
//! line per finished run, keyed by the run's key — a hash of its fully
//! resolved scenario, seed and the engine's results version — holding its
//! full row data, floats bit-exact; every line ends in its checksum
//! (`checksum.rs`). A rerun of the same sweep (the same `name`), whatever
//! was edited in its spec, uses every line whose key it still has: the
//! tables are rebuilt from the journal in run order, so a resumed or
//! extended sweep ends with the tables of an uninterrupted one. An edited
//! spec appends its own header (the last one is the sweep's plan now).
//!
//! When the tables are complete the journal is compacted to the header and
//! one short line per run saying its rows are in the tables
//! (`"stored":"tables"`); a rerun takes such runs back from the tables
//! (`reuse.rs`). A truncated last line (a crash mid-write) is ignored and cut
//! off before appending; a line whose checksum fails is reported and its run
//! redone; a damaged first header is refused.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};

use super::checksum;
use super::columns::{stored_columns, ColType, Table};
use super::plan::SweepPlan;
use super::rows::{RunRows, Value};

/// Bumped when the line format changes (2: lines end in a checksum; 3: runs
/// are keyed by content, cells are the stored columns, no run index).
pub const FORMAT: u32 = crate::contract::schema_version::JOURNAL;

/// What a stub line says: the run's rows are in the tables.
const IN_TABLES: &str = "tables";

/// A header line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub swarm_sweep_journal: u32,
    pub spec_hash: String,
    pub name: String,
    pub engine_version: String,
    /// `sim::RESULTS_VERSION` of the process that wrote it.
    #[serde(default)]
    pub results_version: u32,
    pub n_runs: usize,
    /// `K/N` or `hash:K/N`; `None` for a one-process sweep.
    pub shard: Option<String>,
    /// Adaptive replication (`seeds: {batch, max, until}`): `run_keys` are
    /// the runs its maximum allows, of which it makes those it needs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adaptive: bool,
    /// Every run's key, in run order (so `status` can place each run).
    pub run_keys: RunKeys,
}

/// Every run's key in run order, held as 64-bit numbers: a 100k-run
/// sweep's list takes 0.8 MB rather than 5 MB of strings. On disk, a JSON
/// list of the 16-hex-digit keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunKeys(Vec<u64>);

impl RunKeys {
    /// Run `i`'s key as it is written everywhere (16 hex digits).
    pub fn key(&self, i: usize) -> Option<String> {
        self.0.get(i).map(|k| format!("{k:016x}"))
    }

    pub fn to_strings(&self) -> Vec<String> {
        (0..self.0.len()).filter_map(|i| self.key(i)).collect()
    }

    /// Every run index, sorted by key: what `indices_of` searches.
    fn by_key(&self) -> Vec<(u64, u32)> {
        let mut v: Vec<(u64, u32)> = self
            .0
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        v.sort_unstable();
        v
    }
}

/// The run indices with key `key` in `by_key` (several when configurations
/// resolve to the same scenario).
fn indices_of(by_key: &[(u64, u32)], key: u64) -> impl Iterator<Item = usize> + '_ {
    let start = by_key.partition_point(|&(k, _)| k < key);
    by_key[start..]
        .iter()
        .take_while(move |&&(k, _)| k == key)
        .map(|&(_, i)| i as usize)
}

impl FromIterator<String> for RunKeys {
    /// Keys that are not 16 hex digits never come from a plan; they would
    /// match nothing.
    fn from_iter<I: IntoIterator<Item = String>>(keys: I) -> RunKeys {
        RunKeys(
            keys.into_iter()
                .map(|k| parse_key(&k).unwrap_or(u64::MAX))
                .collect(),
        )
    }
}

/// A run key (16 hex digits) as a number.
pub fn parse_key(key: &str) -> Option<u64> {
    (key.len() == 16 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| u64::from_str_radix(key, 16).ok())
        .flatten()
}

impl Serialize for RunKeys {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        struct Hex(u64);
        impl Serialize for Hex {
            fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                ser.collect_str(&format_args!("{:016x}", self.0))
            }
        }
        ser.collect_seq(self.0.iter().map(|&k| Hex(k)))
    }
}

impl<'de> Deserialize<'de> for RunKeys {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<RunKeys, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = RunKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of 16-hex-digit run keys")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RunKeys, A::Error> {
                let mut keys = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(k) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                    keys.push(parse_key(&k).ok_or_else(|| {
                        serde::de::Error::custom(format!("{k:?} is not a run key"))
                    })?);
                }
                Ok(RunKeys(keys))
            }
        }
        de.deserialize_seq(Keys)
    }
}

impl Header {
    pub fn new(plan: &SweepPlan, shard: Option<String>) -> Header {
        Header {
            swarm_sweep_journal: FORMAT,
            spec_hash: plan.spec_hash(),
            name: plan.spec.name.clone(),
            engine_version: crate::contract::ENGINE_VERSION.to_string(),
            results_version: crate::sim::RESULTS_VERSION,
            n_runs: plan.n_runs(),
            shard,
            adaptive: plan.spec.replication.is_some(),
            run_keys: (0..plan.n_runs()).map(|i| plan.run(i).run_key).collect(),
        }
    }

    /// One sealed line, with its newline.
    fn line(&self) -> io::Result<Vec<u8>> {
        let mut w = checksum::Summing::new(Vec::with_capacity(64 + 19 * self.n_runs));
        serde_json::to_writer(&mut w, self).map_err(io::Error::from)?;
        w.finish()
    }
}

/// Why a journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "{} belongs to another sweep ({found}); this spec is '{expected}'. \
         Choose another --out to keep it; --force-new deletes that sweep's journal, \
         tables, reports, plots and per-run files there before starting",
        path.display()
    )]
    Mismatch {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error(
        "{} was written by an earlier swarm-sweep ({found}), whose runs cannot be \
         matched to this one's by content. Choose another --out to keep it; --force-new \
         deletes that sweep's journal, tables, reports, plots and per-run files there \
         before starting",
        path.display()
    )]
    OldFormat { path: PathBuf, found: String },
    #[error("{} is being written by another swarm-sweep process (it holds the lock)", path.display())]
    Locked { path: PathBuf },
    #[error(
        "{} is not a swarm-sweep journal; it is left as it is: choose another --out, \
         or move the file away",
        path.display()
    )]
    Foreign { path: PathBuf },
    #[error(
        "{}: its header line is damaged ({why}), so the runs it holds cannot be matched \
         to this sweep. It is left as it is: restore it from a copy, or choose another --out",
        path.display()
    )]
    Damaged { path: PathBuf, why: String },
    #[error(transparent)]
    Folder(#[from] super::owned::FolderError),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// Where a run's latest line is.
#[derive(Debug, Clone, Copy)]
struct Loc {
    offset: u64,
    len: usize,
    ok: bool,
}

/// Every run's latest line, 12 bytes a run once there is one (a new
/// journal's index takes no memory): the offset with an ok bit on top
/// (`u64::MAX`: no line) and the length. Lines appended by `append` are not
/// indexed (their rows go to the tables from memory); imported ones are.
struct Locs {
    n: usize,
    offset_ok: Vec<u64>,
    len: Vec<u32>,
}

const OK_BIT: u64 = 1 << 63;

impl Locs {
    fn new(n: usize) -> Locs {
        Locs {
            n,
            offset_ok: Vec::new(),
            len: Vec::new(),
        }
    }

    fn get(&self, i: usize) -> Option<Loc> {
        let v = *self.offset_ok.get(i)?;
        (v != u64::MAX).then(|| Loc {
            offset: v & !OK_BIT,
            len: self.len[i] as usize,
            ok: v & OK_BIT != 0,
        })
    }

    /// Lines are far below 4 GiB and files below 2^63 bytes; a longer line
    /// is refused by the caller.
    fn set(&mut self, i: usize, loc: Loc) {
        debug_assert!(loc.offset < OK_BIT && loc.len <= u32::MAX as usize);
        if self.offset_ok.is_empty() {
            self.offset_ok = vec![u64::MAX; self.n];
            self.len = vec![0; self.n];
        }
        self.offset_ok[i] = loc.offset | if loc.ok { OK_BIT } else { 0 };
        self.len[i] = loc.len as u32;
    }

    fn count(&self) -> usize {
        self.offset_ok.iter().filter(|&&v| v != u64::MAX).count()
    }
}

struct Inner {
    file: File,
    latest: Locs,
    /// The file's length: where the next line goes.
    end: u64,
    /// A failed write may have left a partial line: no more appends.
    broken: bool,
}

/// An open journal, locked for this process.
pub struct Journal {
    path: PathBuf,
    header: Header,
    inner: Mutex<Inner>,
    reader: File,
    /// The same file for `sync`, so appends go on while it waits on the disk.
    syncer: File,
}

/// A journal just opened: how much it held, and what was wrong with it.
pub struct Opened {
    pub journal: Journal,
    /// Runs of the plan with a data line already (ok or failed).
    pub finished: usize,
    /// The spec changed since the journal's last header (a new one was appended).
    pub respecified: bool,
    pub warnings: Vec<String>,
}

/// What the scan found in one line after the first.
#[derive(Deserialize)]
struct LineHead {
    #[serde(default)]
    swarm_sweep_journal: Option<u32>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    stored: Option<String>,
}

enum Line {
    Header(Box<Header>),
    /// A run's rows (ok when `error` is none).
    Data {
        key: u64,
        ok: bool,
    },
    /// A run whose rows are in the tables (`error`: it failed).
    Stub {
        key: u64,
        error: Option<String>,
    },
}

fn read_line(json: &[u8]) -> Result<Line> {
    let h: LineHead = serde_json::from_slice(json)?;
    if h.swarm_sweep_journal.is_some() {
        return Ok(Line::Header(Box::new(serde_json::from_slice(json)?)));
    }
    let key = h.key.ok_or_else(|| anyhow!("no run key"))?;
    let key = parse_key(&key).ok_or_else(|| anyhow!("{key:?} is not a run key"))?;
    Ok(match h.stored.as_deref() {
        Some(IN_TABLES) => Line::Stub {
            key,
            error: h.error,
        },
        Some(other) => return Err(anyhow!("unknown store {other:?}")),
        None => Line::Data {
            key,
            ok: h.error.is_none(),
        },
    })
}

impl Journal {
    /// Open (or create) the journal at `path` for the sweep `header`
    /// describes, keeping the runs it holds: every line whose run key is
    /// one of `header`'s. A journal of another sweep (another name) is
    /// refused unless `force_new`, which starts it over.
    pub fn open(path: &Path, header: &Header, force_new: bool) -> Result<Opened, JournalError> {
        let file = open_locked(path)?;
        let mut scan = Scan::read(path, &header.name)?;
        let found = scan.last.take().or(scan.first.take());
        let kept = if starts_over(
            path,
            header,
            found.as_ref(),
            scan.bad_header.take(),
            force_new,
        )? {
            scan.warnings.clear();
            Kept::fresh(&file, path, header)?
        } else {
            Kept::resume(
                &file,
                path,
                header,
                found.as_ref(),
                scan.lines,
                scan.valid_end,
                scan.file_len,
            )?
        };
        let finished = kept.latest.count();
        let reader =
            File::open(path).with_context(|| format!("cannot read journal {}", path.display()))?;
        let syncer = file
            .try_clone()
            .with_context(|| format!("cannot open journal {}", path.display()))?;
        Ok(Opened {
            journal: Journal {
                path: path.to_path_buf(),
                header: header.clone(),
                inner: Mutex::new(Inner {
                    file,
                    latest: kept.latest,
                    end: kept.end,
                    broken: false,
                }),
                reader,
                syncer,
            },
            finished,
            respecified: kept.respecified,
            warnings: scan.warnings,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `Some(true)` when run `index` has an ok line (as opened, or
    /// imported), `Some(false)` when its line says it failed, `None` when it
    /// has none.
    pub fn state(&self, index: usize) -> Option<bool> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.latest.get(index).map(|l| l.ok)
    }

    /// Append a finished run (one write of one line; callable from workers).
    pub fn append(&self, rows: &RunRows) -> Result<()> {
        self.write_line(rows, &[]).map(drop)
    }

    /// Append a run taken from elsewhere (the tables of an earlier sweep)
    /// and index it as the line of runs `indices`.
    pub fn import(&self, rows: &RunRows, indices: &[usize]) -> Result<()> {
        self.write_line(rows, indices)
    }

    fn write_line(&self, rows: &RunRows, indices: &[usize]) -> Result<()> {
        let line = encode(rows);
        if line.len() > u32::MAX as usize {
            return Err(anyhow!(
                "run {} has {} bytes of rows, over the journal's 4 GiB a run",
                rows.index,
                line.len()
            ));
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.broken {
            return Err(anyhow!(
                "journal {} is unusable after a failed write",
                self.path.display()
            ));
        }
        if let Err(e) = inner.file.write_all(line.as_bytes()) {
            inner.broken = true;
            return Err(e).with_context(|| format!("cannot write journal {}", self.path.display()));
        }
        let loc = Loc {
            offset: inner.end,
            len: line.len() - 1,
            ok: rows.ok(),
        };
        inner.end += line.len() as u64;
        for &i in indices {
            inner.latest.set(i, loc);
        }
        Ok(())
    }

    /// Make what was appended durable.
    pub fn sync(&self) -> Result<()> {
        // Not under the append lock: fdatasync covers every write that
        // completed before it, whichever handle made it.
        self.syncer
            .sync_data()
            .with_context(|| format!("cannot sync journal {}", self.path.display()))
    }

    /// Run `index`'s latest rows (as opened, or imported).
    pub fn read(&self, index: usize) -> Result<RunRows> {
        use std::os::unix::fs::FileExt;
        let loc = {
            let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.latest.get(index)
        }
        .ok_or_else(|| anyhow!("run {index} is not in the journal"))?;
        let mut buf = vec![0u8; loc.len];
        self.reader
            .read_exact_at(&mut buf, loc.offset)
            .with_context(|| format!("cannot read journal {}", self.path.display()))?;
        checksum::open(&buf)
            .map_err(anyhow::Error::from)
            .and_then(|json| decode(json, index))
            .with_context(|| {
                format!(
                    "{}: the line of run {index} (at byte {}) is damaged; rerun the same \
                     command: the next start reports the line and runs the run again",
                    self.path.display(),
                    loc.offset
                )
            })
    }

    /// Once the tables hold every run: rewrite the journal as its header and
    /// one short line per run (`runs`: key and error, in run order) saying
    /// its rows are in the tables — a few dozen bytes a run rather than a
    /// few kilobytes. Written beside it and renamed over it, so a crash
    /// leaves the old journal or the new one.
    pub fn compact<'a>(
        &self,
        runs: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Result<()> {
        use crate::output::atomic::AtomicFile;
        let mut seen = std::collections::HashSet::new();
        let mut f = AtomicFile::create(&self.path)
            .with_context(|| format!("cannot write journal {}", self.path.display()))?;
        let w = f.writer();
        w.write_all(&self.header.line()?)?;
        let mut line = String::with_capacity(128);
        for (key, error) in runs {
            if !seen.insert(key) {
                continue;
            }
            line.clear();
            line.push_str("{\"key\":");
            line.push_str(&serde_json::to_string(key).expect("string"));
            if let Some(e) = error {
                line.push_str(",\"error\":");
                line.push_str(&serde_json::to_string(e).expect("string"));
            }
            let _ = write!(line, ",\"stored\":\"{IN_TABLES}\"}}");
            checksum::seal(&mut line);
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
        f.commit_durable()
            .with_context(|| format!("cannot write journal {}", self.path.display()))
    }
}

/// The journal at `path`, opened for reading and appending (created if
/// missing) and locked for this process.
fn open_locked(path: &Path) -> Result<File, JournalError> {
    use std::os::unix::fs::OpenOptionsExt;
    // Never through a link (`owned::guard` said so already; this closes the
    // race).
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .with_context(|| format!("cannot open journal {}", path.display()))?;
    if !lock(&file, true) {
        return Err(JournalError::Locked {
            path: path.to_path_buf(),
        });
    }
    Ok(file)
}

/// What a journal holds, read before it is appended to.
#[derive(Default)]
struct Scan {
    /// The first line's header, or why it is not one.
    first: Option<Header>,
    bad_header: Option<BadHeader>,
    /// The last header line after the first (the spec changed).
    last: Option<Header>,
    /// (key, line) of every data line, in file order.
    lines: Vec<(u64, Loc)>,
    /// Where the last complete line ends.
    valid_end: u64,
    file_len: u64,
    warnings: Vec<String>,
}

impl Scan {
    /// Read the journal at `path` for the sweep called `name`.
    fn read(path: &Path, name: &str) -> Result<Scan, JournalError> {
        let mut scan = Scan::default();
        scan.file_len = scan_lines(path, |offset, line, complete| {
            scan.line(path, name, offset, line, complete)
        })
        .with_context(|| format!("cannot read journal {}", path.display()))?;
        Ok(scan)
    }

    /// Take in the line at `offset`; false: read no further.
    fn line(&mut self, path: &Path, name: &str, offset: u64, line: &[u8], complete: bool) -> bool {
        if self.first.is_none() && self.bad_header.is_none() {
            if !complete {
                return false; // a header cut short: start over
            }
            match read_header(line) {
                Ok(h) => self.first = Some(h),
                Err(b) => self.bad_header = Some(b),
            }
            self.valid_end = offset + line.len() as u64 + 1;
            // Another sweep's journal is refused: no need to read on.
            return self.first.as_ref().is_some_and(|h| h.name == name);
        }
        let read = checksum::open(line)
            .map_err(anyhow::Error::from)
            .and_then(read_line);
        match read {
            Ok(_) if complete && line.len() > u32::MAX as usize => self.warnings.push(format!(
                "{}: ignoring a line of {} bytes at byte {offset} (over 4 GiB)",
                path.display(),
                line.len()
            )),
            Ok(Line::Header(h)) if complete => self.last = Some(*h),
            Ok(Line::Data { key, ok }) if complete => self.lines.push((
                key,
                Loc {
                    offset,
                    len: line.len(),
                    ok,
                },
            )),
            Ok(_) => {}
            Err(e) if complete => self.warnings.push(format!(
                "{}: ignoring a bad line at byte {offset} ({e}); a run without a good \
                 line runs again",
                path.display()
            )),
            Err(_) => {}
        }
        if complete {
            self.valid_end = offset + line.len() as u64 + 1;
        } else {
            self.warnings.push(format!(
                "{}: ignoring a truncated last line ({} bytes at byte {offset}; a crash mid-write)",
                path.display(),
                line.len()
            ));
        }
        true
    }
}

/// Whether the journal starts over for the sweep `header` describes, given
/// the header `found` in it (or why its first line is none): a journal of
/// another sweep or shard, or of another format, is refused unless
/// `force_new`.
fn starts_over(
    path: &Path,
    header: &Header,
    found: Option<&Header>,
    bad_header: Option<BadHeader>,
    force_new: bool,
) -> Result<bool, JournalError> {
    Ok(match (found, bad_header) {
        (None, Some(_)) if force_new => true,
        (None, Some(BadHeader::Damaged)) => {
            return Err(JournalError::Damaged {
                path: path.to_path_buf(),
                why: checksum::LineError::Mismatch.to_string(),
            })
        }
        (None, Some(BadHeader::Old(h))) => {
            return Err(JournalError::OldFormat {
                path: path.to_path_buf(),
                found: format!("{}, journal format {}", describe(&h), h.swarm_sweep_journal),
            })
        }
        (None, Some(BadHeader::Foreign)) => {
            return Err(JournalError::Foreign {
                path: path.to_path_buf(),
            })
        }
        (None, None) => true,
        (Some(h), _) if h.name != header.name && !force_new => {
            return Err(JournalError::Mismatch {
                path: path.to_path_buf(),
                found: describe(h),
                expected: header.name.clone(),
            })
        }
        (Some(h), _) if h.shard != header.shard && !force_new => {
            return Err(JournalError::Mismatch {
                path: path.to_path_buf(),
                found: describe(h),
                expected: format!("{}, {}", header.name, shard_name(&header.shard)),
            })
        }
        (Some(h), _) => force_new || h.name != header.name,
    })
}

/// The runs a journal keeps as it is opened, and where appends go.
struct Kept {
    latest: Locs,
    /// The file's length.
    end: u64,
    /// A header for a changed spec was appended.
    respecified: bool,
}

impl Kept {
    /// Empty `file` and write `header`: nothing kept.
    fn fresh(file: &File, path: &Path, header: &Header) -> Result<Kept> {
        file.set_len(0)
            .with_context(|| format!("cannot reset journal {}", path.display()))?;
        // Synced with the first runs (a header lost to a crash just starts
        // over).
        let line = header.line().map_err(anyhow::Error::from)?;
        (&mut &*file)
            .write_all(&line)
            .with_context(|| format!("cannot write journal {}", path.display()))?;
        Ok(Kept {
            latest: Locs::new(header.n_runs),
            end: line.len() as u64,
            respecified: false,
        })
    }

    /// Keep the data `lines` of runs of `header` (the latest line of each
    /// run key): cut a torn tail after `valid_end` and append `header` if
    /// the spec changed since `found`.
    fn resume(
        file: &File,
        path: &Path,
        header: &Header,
        found: Option<&Header>,
        mut lines: Vec<(u64, Loc)>,
        valid_end: u64,
        file_len: u64,
    ) -> Result<Kept> {
        let mut end = file_len;
        if valid_end < file_len {
            file.set_len(valid_end)
                .and_then(|()| file.sync_data())
                .with_context(|| format!("cannot repair journal {}", path.display()))?;
            end = valid_end;
        }
        let respecified = found != Some(header);
        if respecified {
            let line = header.line().map_err(anyhow::Error::from)?;
            (&mut &*file)
                .write_all(&line)
                .with_context(|| format!("cannot write journal {}", path.display()))?;
            end += line.len() as u64;
        }
        // The latest line of each key, for every run with that key.
        let mut latest = Locs::new(header.n_runs);
        lines.reverse();
        lines.sort_by_key(|&(k, _)| k); // stable: the last line first
        lines.dedup_by_key(|&mut (k, _)| k);
        let by_key = header.run_keys.by_key();
        for (key, loc) in lines {
            for i in indices_of(&by_key, key) {
                latest.set(i, loc);
            }
        }
        Ok(Kept {
            latest,
            end,
            respecified,
        })
    }
}

/// Why a journal's first line is not a header of this format.
enum BadHeader {
    /// Its checksum fails.
    Damaged,
    /// A header of an earlier format.
    Old(Box<Header>),
    /// Not a journal header at all.
    Foreign,
}

fn read_header(line: &[u8]) -> Result<Header, BadHeader> {
    let old = |h: Header| Err(BadHeader::Old(Box::new(h)));
    match checksum::open(line) {
        Ok(json) => match serde_json::from_slice::<Header>(json) {
            Ok(h) if h.swarm_sweep_journal == FORMAT => Ok(h),
            Ok(h) => old(h),
            Err(_) => Err(BadHeader::Foreign),
        },
        Err(checksum::LineError::Mismatch) => Err(BadHeader::Damaged),
        Err(checksum::LineError::Missing) => match serde_json::from_slice::<Header>(line) {
            Ok(h) => old(h),
            Err(_) => Err(BadHeader::Foreign),
        },
    }
}

fn short(hash: &str) -> String {
    hash[..hash.len().min(12)].to_string()
}

fn shard_name(shard: &Option<String>) -> String {
    match shard {
        Some(s) => format!("shard {s}"),
        None => "no shards".to_string(),
    }
}

fn describe(h: &Header) -> String {
    let shard = match &h.shard {
        Some(s) => format!(", shard {s}"),
        None => String::new(),
    };
    format!(
        "sweep '{}', spec hash {}{shard}, engine {}",
        h.name,
        short(&h.spec_hash),
        h.engine_version
    )
}

/// Read `path` line by line: `f(offset, line, complete)` for each line (a
/// last line without its newline is `complete == false`); `f` returns false
/// to stop. Returns the file's length.
fn scan_lines(path: &Path, mut f: impl FnMut(u64, &[u8], bool) -> bool) -> io::Result<u64> {
    let file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut buf = Vec::new();
    let mut offset = 0u64;
    loop {
        buf.clear();
        let n = r.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        let complete = buf.last() == Some(&b'\n');
        let line = if complete { &buf[..n - 1] } else { &buf[..] };
        if !f(offset, line, complete) {
            break;
        }
        offset += n as u64;
    }
    Ok(file_len)
}

/// What `status` needs from a journal, without a plan.
#[derive(Debug, Clone)]
pub struct JournalSummary {
    /// The latest header (the plan the sweep runs now).
    pub header: Header,
    /// Per run: `None` (no line), `Some(None)` ok, `Some(Some(error))` failed.
    pub latest: Vec<Option<Option<String>>>,
    /// Another process holds the journal's lock (the sweep is running).
    pub running: bool,
}

/// Read a journal for `status`: its latest header and each run's latest
/// state (a line of its rows, or a line saying they are in the tables).
pub fn summarize(path: &Path) -> Result<JournalSummary> {
    let file = crate::input::open_regular(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let running = !lock(&file, false);
    let mut first: Option<Header> = None;
    let mut bad = None;
    // (key, state) in file order; placed once the latest header is known.
    let mut states: Vec<(u64, Option<String>)> = Vec::new();
    let mut last: Option<Header> = None;
    scan_lines(path, |_, line, complete| {
        if !complete {
            return false;
        }
        if first.is_none() {
            return match read_header(line) {
                Ok(h) => {
                    first = Some(h);
                    true
                }
                Err(b) => {
                    bad = Some(match b {
                        BadHeader::Damaged => "its header's checksum fails".to_string(),
                        BadHeader::Old(h) => format!("journal format {}", h.swarm_sweep_journal),
                        BadHeader::Foreign => "no journal header".to_string(),
                    });
                    false
                }
            };
        }
        match checksum::open(line)
            .map_err(anyhow::Error::from)
            .and_then(read_line)
        {
            Ok(Line::Header(h)) => last = Some(*h),
            Ok(Line::Data { key, ok }) => {
                let error = (!ok).then(|| error_of(line).unwrap_or_default());
                states.push((key, error));
            }
            Ok(Line::Stub { key, error }) => states.push((key, error)),
            Err(_) => {}
        }
        true
    })
    .with_context(|| format!("cannot read {}", path.display()))?;
    let Some(header) = last.or(first) else {
        return Err(anyhow!(
            "{} is not a swarm-sweep journal{}",
            path.display(),
            bad.map(|e| format!(" ({e})")).unwrap_or_default()
        ));
    };
    let by_key = header.run_keys.by_key();
    let mut latest = vec![None; header.n_runs];
    for (key, state) in states {
        for i in indices_of(&by_key, key) {
            latest[i] = Some(state.clone());
        }
    }
    Ok(JournalSummary {
        header,
        latest,
        running,
    })
}

/// The error of a data line (for `status`).
fn error_of(line: &[u8]) -> Option<String> {
    let json = checksum::open(line).ok()?;
    serde_json::from_slice::<LineHead>(json).ok()?.error
}

/// One line (with its newline):
/// `{"key":"…","wall":0.5,"error":null,"run":[…],"epochs":[[…],…]}`.
pub fn encode(rows: &RunRows) -> String {
    let mut s = String::with_capacity(64 + 24 * (rows.run.len() * (1 + rows.epochs.len())));
    s.push_str("{\"key\":");
    s.push_str(&serde_json::to_string(&rows.run_key).expect("string"));
    s.push_str(",\"wall\":");
    push_value(&mut s, Value::Float(rows.wall_time_s));
    s.push_str(",\"error\":");
    match &rows.error {
        None => s.push_str("null"),
        Some(e) => s.push_str(&serde_json::to_string(e).expect("string")),
    }
    s.push_str(",\"run\":");
    push_values(&mut s, &rows.run);
    s.push_str(",\"epochs\":[");
    for (i, e) in rows.epochs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_values(&mut s, e);
    }
    s.push_str("]}");
    checksum::seal(&mut s);
    s.push('\n');
    s
}

fn push_values(s: &mut String, values: &[Value]) {
    s.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_value(s, *v);
    }
    s.push(']');
}

/// Floats as their shortest round-trip decimal, from `zmij` (which JSON
/// parses back to the same bits, and always as a float: "3.0", "1e+16");
/// NaN, infinities and -0.0, which JSON numbers cannot carry exactly, as
/// their bits in a "0x…" string.
fn push_value(s: &mut String, v: Value) {
    match v {
        Value::Null => s.push_str("null"),
        Value::Int(i) => s.push_str(itoa::Buffer::new().format(i)),
        Value::Float(x) if x.is_finite() && !(x == 0.0 && x.is_sign_negative()) => {
            s.push_str(zmij::Buffer::new().format_finite(x));
        }
        Value::Float(x) => {
            let _ = write!(s, "\"0x{:016x}\"", x.to_bits());
        }
    }
}

/// A cell as written by `push_value`, read straight from the JSON tokens
/// (no intermediate `serde_json::Value`): integer, float, null, or a float's
/// bits in a "0x…" string.
struct Cell(Value);

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, null or a float's bits as \"0x…\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell(Value::Int(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Cell, E> {
                i64::try_from(v)
                    .map(|v| Cell(Value::Int(v)))
                    .map_err(|_| E::custom(format!("integer {v} is out of range")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell(Value::Float(v)))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Cell, E> {
                Ok(Cell(Value::Null))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Cell, E> {
                s.strip_prefix("0x")
                    .and_then(|h| u64::from_str_radix(h, 16).ok())
                    .map(|b| Cell(Value::Float(f64::from_bits(b))))
                    .ok_or_else(|| E::custom(format!("bad float {s:?}")))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct Entry {
    key: String,
    wall: Cell,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    run: Vec<Cell>,
    #[serde(default)]
    epochs: Vec<Vec<Cell>>,
}

fn cells(values: Vec<Cell>, types: &[ColType]) -> Result<Vec<Value>> {
    if values.len() != types.len() {
        return Err(anyhow!(
            "{} cells where the table has {} metric columns",
            values.len(),
            types.len()
        ));
    }
    values
        .into_iter()
        .zip(types)
        .map(|(Cell(c), t)| {
            if c.fits(*t) {
                Ok(c)
            } else {
                Err(anyhow!("{c:?} in a {t:?} column"))
            }
        })
        .collect()
}

/// A data line's rows, as those of run `index`; cells are checked against
/// the stored columns.
fn decode(line: &[u8], index: usize) -> Result<RunRows> {
    let types = |t: Table| -> Vec<ColType> { stored_columns(t).iter().map(|(_, t)| *t).collect() };
    decode_with(line, index, &types(Table::Runs), &types(Table::Epochs))
}

fn decode_with(
    line: &[u8],
    index: usize,
    run_types: &[ColType],
    epoch_types: &[ColType],
) -> Result<RunRows> {
    let e: Entry = serde_json::from_slice(line)?;
    let wall = match e.wall.0 {
        Value::Float(x) => x,
        Value::Int(i) => i as f64,
        Value::Null => return Err(anyhow!("no wall time")),
    };
    let (run, epochs) = if e.error.is_none() {
        let run = cells(e.run, run_types)?;
        let epochs = e
            .epochs
            .into_iter()
            .map(|row| cells(row, epoch_types))
            .collect::<Result<_>>()?;
        (run, epochs)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(RunRows {
        index,
        run_key: e.key,
        error: e.error,
        run,
        epochs,
        wall_time_s: wall,
    })
}

/// Take the journal's advisory lock without waiting: exclusive for the
/// writer, shared for a reader (`status`), which fails while a sweep
/// writes. Best effort: true where locks are unsupported.
fn lock(file: &File, exclusive: bool) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let op = if exclusive {
            libc::LOCK_EX
        } else {
            libc::LOCK_SH
        };
        // SAFETY: flock on a file descriptor we own; no memory is involved.
        let r = unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) };
        if r == 0 {
            return true;
        }
        io::Error::last_os_error().raw_os_error() != Some(libc::EWOULDBLOCK)
    }
    #[cfg(not(unix))]
    {
        let _ = (file, exclusive);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &[ColType] = &[ColType::Float, ColType::Int, ColType::Float];
    const EPOCH: &[ColType] = &[ColType::Int, ColType::Float];

    fn decode_test(json: &[u8]) -> Result<RunRows> {
        decode_with(json, 0, RUN, EPOCH)
    }

    #[test]
    fn floats_round_trip_bit_exactly() {
        let mut xs = vec![
            0.0,
            -0.0,
            0.1 + 0.2,
            1.0,
            2.0,
            1e-300,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 3.0, // subnormal
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            1e16,
            123_456_789.123_456_79,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff0_0000_0000_0001), // a signalling NaN payload
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // And a spread of arbitrary bit patterns.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            xs.push(f64::from_bits(state));
        }
        for x in xs {
            let rows = RunRows {
                index: 0,
                run_key: "k".into(),
                error: None,
                run: vec![Value::Float(x), Value::Int(-3), Value::Null],
                epochs: vec![vec![Value::Int(i64::MAX), Value::Float(x)]],
                wall_time_s: x,
            };
            let line = encode(&rows);
            assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
            let json = checksum::open(line.trim_end().as_bytes()).unwrap();
            let back = decode_test(json).unwrap();
            let bits = |r: &RunRows| match (r.run[0], r.epochs[0][1]) {
                (Value::Float(a), Value::Float(b)) => {
                    (a.to_bits(), b.to_bits(), r.wall_time_s.to_bits())
                }
                other => panic!("{other:?}"),
            };
            assert_eq!(bits(&back), bits(&rows), "{x:e} via {line}");
            assert_eq!(back.run[1], Value::Int(-3));
            assert_eq!(back.epochs[0][0], Value::Int(i64::MAX));
        }
    }

    #[test]
    fn failed_runs_keep_their_message_and_types_are_checked() {
        let rows = RunRows {
            index: 0,
            run_key: "abc".into(),
            error: Some("panicked at x.rs:1: \"quoted\"\nsecond line".into()),
            run: Vec::new(),
            epochs: Vec::new(),
            wall_time_s: 0.25,
        };
        let line = encode(&rows);
        assert_eq!(line.matches('\n').count(), 1);
        let json = checksum::open(line.trim_end().as_bytes()).unwrap();
        assert_eq!(decode_test(json).unwrap(), rows);
        let wrong = br#"{"key":"k","wall":0.0,"error":null,"run":[1,2,3.0],"epochs":[]}"#;
        let e = decode_test(wrong).unwrap_err();
        assert!(e.to_string().contains("Float"), "{e}");
        let short = br#"{"key":"k","wall":0.0,"error":null,"run":[1.0],"epochs":[]}"#;
        assert!(decode_test(short).is_err());
    }
}
