//! `swarm-sweep merge` (docs/scale-out.md): check a sharded sweep's parts —
//! one spec hash, one sharding, every shard present, every run in exactly
//! one part, part files as their manifests describe them — then interleave
//! the part tables back into run order as runs.parquet and epochs.parquet,
//! written by the same writer with the same row groups, so their bytes are
//! those of a one-process run of the spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::columns::Table;
use super::part::{self, FailedRun, PartManifest};
use super::table::{Cell, TableWriter};
use crate::contract::{column, key, PartFiles};
use crate::output::atomic::AtomicFile;

/// Why the parts cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Some shards have not finished (yet): `merge --wait` waits for these.
    #[error("{0}")]
    Incomplete(String),
    /// The parts do not fit together (another sweep, another sharding, a
    /// part file changed after its manifest).
    #[error("{0}")]
    Inconsistent(String),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// A sharded sweep's parts, checked.
#[derive(Debug, Clone)]
pub struct Parts {
    pub dir: PathBuf,
    /// By shard, 1 to N.
    pub manifests: Vec<PartManifest>,
    pub n_runs: usize,
    /// Which part (0-based) holds each run.
    pub owner: Vec<usize>,
}

impl Parts {
    pub fn failed(&self) -> impl Iterator<Item = &FailedRun> {
        self.manifests.iter().flat_map(|m| &m.failed)
    }
}

/// Read and check the part manifests in `dir` (not the table files' bytes;
/// `merge` hashes those as it goes).
pub fn check_parts(dir: &Path) -> Result<Parts, MergeError> {
    if !dir.is_dir() {
        return Err(MergeError::Incomplete(format!(
            "{} is not a directory (yet): no shard has written to it",
            dir.display()
        )));
    }
    let found = part::list_parts(dir, PartFiles::MANIFEST)?;
    if found.is_empty() {
        return Err(MergeError::Incomplete(format!(
            "no shard has finished: there is no part manifest (part-K-of-N.json) in {} yet \
             (run the shards with --shard K/N --out {0}; `swarm-sweep status {0}` shows their progress)",
            dir.display()
        )));
    }
    let mut manifests = Vec::new();
    for (k, n, path) in &found {
        let m =
            part::read_manifest(path).map_err(|e| MergeError::Inconsistent(format!("{e:#}")))?;
        if (m.k, m.n) != (*k, *n) {
            return Err(MergeError::Inconsistent(format!(
                "{} describes shard {}/{}",
                path.display(),
                m.k,
                m.n
            )));
        }
        manifests.push(m);
    }
    let first = &manifests[0];
    let name = |m: &PartManifest| format!("part-{}-of-{}.json", m.k, m.n);
    for m in &manifests[1..] {
        if m.spec_hash != first.spec_hash {
            return Err(MergeError::Inconsistent(format!(
                "the parts come from different sweeps: {} has spec hash {} ('{}', engine {}), {} has {} ('{}', engine {}); \
                 remove the stale parts or rerun them with the same spec",
                name(first),
                &first.spec_hash[..12.min(first.spec_hash.len())],
                first.name,
                first.engine_version,
                name(m),
                &m.spec_hash[..12.min(m.spec_hash.len())],
                m.name,
                m.engine_version
            )));
        }
        if (m.n, &m.strategy) != (first.n, &first.strategy) {
            return Err(MergeError::Inconsistent(format!(
                "the parts come from different shardings: {} is shard {}, {} is shard {}; remove the stale ones",
                name(first),
                first.shard,
                name(m),
                m.shard
            )));
        }
    }
    let n = first.n;
    let have: Vec<usize> = manifests.iter().map(|m| m.k).collect();
    let missing: Vec<String> = (1..=n)
        .filter(|k| !have.contains(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Incomplete(format!(
            "{} of {n} parts are missing (shards {}); `swarm-sweep status {}` shows their progress",
            missing.len(),
            missing.join(", "),
            dir.display()
        )));
    }
    let n_runs = first.n_runs;
    let mut owner = vec![usize::MAX; n_runs];
    for (p, m) in manifests.iter().enumerate() {
        if m.n_runs != n_runs || m.runs.len() != m.run_keys.len() {
            return Err(MergeError::Inconsistent(format!(
                "{} does not describe the same run list",
                name(m)
            )));
        }
        for &i in &m.runs {
            if i >= n_runs {
                return Err(MergeError::Inconsistent(format!(
                    "{} lists run {i}, beyond the sweep's {n_runs} runs",
                    name(m)
                )));
            }
            if owner[i] != usize::MAX {
                return Err(MergeError::Inconsistent(format!(
                    "run {i} is in two parts: {} and {}",
                    name(&manifests[owner[i]]),
                    name(m)
                )));
            }
            owner[i] = p;
        }
    }
    if let Some(i) = owner.iter().position(|&o| o == usize::MAX) {
        let count = owner.iter().filter(|&&o| o == usize::MAX).count();
        return Err(MergeError::Inconsistent(format!(
            "{count} runs are in no part (run {i} first): the parts do not cover the sweep"
        )));
    }
    Ok(Parts {
        dir: dir.to_path_buf(),
        manifests,
        n_runs,
        owner,
    })
}

/// What `merge` wrote.
#[derive(Debug, Clone)]
pub struct MergeReport {
    pub name: String,
    pub n_runs: usize,
    pub n_parts: usize,
    pub failed: Vec<FailedRun>,
    pub written: Vec<PathBuf>,
}

/// Check the parts in `dir`, then write `dir`/runs.parquet and epochs.parquet.
pub fn merge(dir: &Path) -> Result<MergeReport, MergeError> {
    let parts = check_parts(dir)?;
    let name = &parts.manifests[0].name;
    for t in [Table::Runs, Table::Epochs] {
        let path = dir.join(t.file_name());
        if let Some(found) = super::owned::recorded_name(&path).filter(|n| n != name) {
            return Err(MergeError::Inconsistent(format!(
                "{} holds the tables of another sweep ('{found}'; the parts are of '{name}'): \
                 they are not replaced. Move the part files to a folder of their own and merge \
                 there",
                path.display()
            )));
        }
    }
    for m in &parts.manifests {
        for t in [Table::Runs, Table::Epochs] {
            verify_file(dir, m, t)?;
        }
    }
    // Both tables are read through (every row of every part checked) under
    // temporary names; they appear only when both are complete.
    let mut closed = Vec::new();
    for t in [Table::Runs, Table::Epochs] {
        closed.push(merge_table(&parts, t)?);
    }
    let mut written = Vec::new();
    for (dest, file) in closed {
        file.commit_durable()
            .with_context(|| format!("cannot write {}", dest.display()))?;
        written.push(dest);
    }
    let first = &parts.manifests[0];
    Ok(MergeReport {
        name: first.name.clone(),
        n_runs: parts.n_runs,
        n_parts: parts.manifests.len(),
        failed: parts.failed().cloned().collect(),
        written,
    })
}

/// The part file of table `t` exists and has the bytes its manifest names.
fn verify_file(dir: &Path, m: &PartManifest, t: Table) -> Result<(), MergeError> {
    let entry = m.table(t).ok_or_else(|| {
        MergeError::Inconsistent(format!("part {} lists no {} table", m.shard, t.name()))
    })?;
    let path = dir.join(&entry.file);
    let sha256 = super::key::sha256_file(&path).map_err(|e| {
        MergeError::Inconsistent(format!(
            "cannot read {} (part {}): {e}; rerun shard {}",
            path.display(),
            m.shard,
            m.shard
        ))
    })?;
    if sha256 != entry.sha256 {
        return Err(MergeError::Inconsistent(format!(
            "{} is not the file part-{}-of-{}.json describes (changed since); rerun shard {}",
            path.display(),
            m.k,
            m.n,
            m.shard
        )));
    }
    Ok(())
}

/// Interleave the parts of table `t` in run order into `dir`/<table>.parquet,
/// closed but not yet under that name.
fn merge_table(parts: &Parts, t: Table) -> Result<(PathBuf, AtomicFile), MergeError> {
    let mut readers = Vec::with_capacity(parts.manifests.len());
    let mut layout: Option<(SchemaRef, Metadata)> = None;
    for m in &parts.manifests {
        let file = &m.table(t).expect("verified").file;
        let (r, schema, kv) = PartRows::open(&parts.dir.join(file))?;
        match &layout {
            None => layout = Some((schema, kv)),
            Some((s, k)) if *s == schema && *k == kv => {}
            Some(_) => {
                return Err(MergeError::Inconsistent(format!(
                    "{file} has another schema or metadata than {}",
                    parts.manifests[0].table(t).expect("verified").file
                )))
            }
        }
        readers.push(r);
    }
    let (schema, kv) = layout.expect("at least one part");
    let meta: BTreeMap<&str, &str> = kv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if meta.get(key::sweep::TABLE) != Some(&t.name()) {
        return Err(MergeError::Inconsistent(format!(
            "{} is not a {} table",
            readers[0].path.display(),
            t.name()
        )));
    }
    let n_seeds = meta
        .get(key::sweep::SEEDS)
        .and_then(|s| serde_json::from_str::<Vec<i64>>(s).ok())
        .map(|s| s.len())
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            MergeError::Inconsistent(format!("part files lack {}", key::sweep::SEEDS))
        })?;
    let dest = parts.dir.join(t.file_name());
    let mut out = TableWriter::create(&dest, schema, kv, t.row_group())?;
    for (i, &p) in parts.owner.iter().enumerate() {
        let want_key = {
            let m = &parts.manifests[p];
            let pos = m.runs.binary_search(&i).unwrap_or_else(|_| {
                m.runs
                    .iter()
                    .position(|&r| r == i)
                    .expect("owner is from runs")
            });
            m.run_keys[pos].as_str()
        };
        let r = &mut readers[p];
        let mut rows = 0;
        while let Some(index) = r.peek_index(n_seeds)? {
            if index != i {
                break;
            }
            if r.key() != want_key {
                return Err(MergeError::Inconsistent(format!(
                    "{}: run {i} has key {}, its manifest says {want_key}",
                    r.path.display(),
                    r.key()
                )));
            }
            r.push_into(&mut out)?;
            rows += 1;
            if t == Table::Runs {
                break;
            }
        }
        if t == Table::Runs && rows != 1 {
            return Err(MergeError::Inconsistent(format!(
                "{} lacks run {i} (or has it out of order)",
                r.path.display()
            )));
        }
    }
    for r in &mut readers {
        if r.peek_index(n_seeds)?.is_some() {
            return Err(MergeError::Inconsistent(format!(
                "{} has rows its manifest does not list (or out of run order)",
                r.path.display()
            )));
        }
    }
    let file = out.close()?;
    Ok((dest, file))
}

/// Key-value metadata, as the writer takes it.
type Metadata = Vec<(String, String)>;

/// A part table read row by row.
struct PartRows {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    batch: Option<RecordBatch>,
    row: usize,
    config_col: usize,
    replicate_col: usize,
    key_col: usize,
}

impl PartRows {
    /// The reader, the table's schema (without metadata) and its key-value
    /// metadata (without the Arrow schema the writer adds itself).
    fn open(path: &Path) -> Result<(PartRows, SchemaRef, Metadata), MergeError> {
        let file = crate::input::open_regular(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
            MergeError::Inconsistent(format!(
                "{} is not a readable Parquet file ({e}); rerun its shard",
                path.display()
            ))
        })?;
        let fields: Vec<Field> = builder
            .schema()
            .fields()
            .iter()
            .map(|f| Field::new(f.name(), f.data_type().clone(), f.is_nullable()))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let kv: Metadata = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .into_iter()
            .flatten()
            .filter(|kv| kv.key != "ARROW:schema")
            .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
            .collect();
        let col = |name: &str| {
            schema.index_of(name).map_err(|_| {
                MergeError::Inconsistent(format!("{} has no {name} column", path.display()))
            })
        };
        let (config_col, replicate_col, key_col) = (
            col(column::CONFIG_ID)?,
            col(column::REPLICATE)?,
            col(column::RUN_KEY)?,
        );
        let reader = builder
            .with_batch_size(1024)
            .build()
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok((
            PartRows {
                path: path.to_path_buf(),
                reader,
                batch: None,
                row: 0,
                config_col,
                replicate_col,
                key_col,
            },
            schema,
            kv,
        ))
    }

    /// The current row's run index (config_id × seeds + replicate), loading
    /// the next batch when needed; `None` at the end.
    fn peek_index(&mut self, n_seeds: usize) -> Result<Option<usize>> {
        while self.batch.as_ref().is_none_or(|b| self.row >= b.num_rows()) {
            match self.reader.next() {
                None => {
                    self.batch = None;
                    return Ok(None);
                }
                Some(b) => {
                    self.batch =
                        Some(b.with_context(|| format!("cannot read {}", self.path.display()))?);
                    self.row = 0;
                }
            }
        }
        let b = self.batch.as_ref().expect("loaded");
        let int = |c: usize| -> Result<usize> {
            let a = b.column(c).as_primitive_opt::<Int64Type>();
            match a {
                Some(a) if !a.is_null(self.row) && a.value(self.row) >= 0 => {
                    Ok(a.value(self.row) as usize)
                }
                _ => Err(anyhow!("{}: bad identity column", self.path.display())),
            }
        };
        Ok(Some(
            int(self.config_col)? * n_seeds + int(self.replicate_col)?,
        ))
    }

    fn key(&self) -> &str {
        let b = self.batch.as_ref().expect("peeked");
        match cell(b.column(self.key_col), self.row) {
            Cell::Str(s) => s,
            _ => "",
        }
    }

    /// Copy the current row into `out` and move on.
    fn push_into(&mut self, out: &mut TableWriter) -> Result<()> {
        let b = self.batch.as_ref().expect("peeked");
        for c in b.columns() {
            out.push(cell(c, self.row));
        }
        out.end_row()?;
        self.row += 1;
        Ok(())
    }
}

fn cell(col: &ArrayRef, r: usize) -> Cell<'_> {
    if col.is_null(r) {
        return Cell::Null;
    }
    match col.data_type() {
        DataType::Dictionary(_, _) => {
            let d = col.as_dictionary::<Int32Type>();
            let k = d.keys().value(r) as usize;
            Cell::Str(d.values().as_string::<i32>().value(k))
        }
        DataType::Utf8 => Cell::Str(col.as_string::<i32>().value(r)),
        DataType::Int64 => Cell::Int(col.as_primitive::<Int64Type>().value(r)),
        DataType::Float64 => Cell::Float(col.as_primitive::<Float64Type>().value(r)),
        DataType::Boolean => Cell::Bool(col.as_boolean().value(r)),
        // RowBuffer refuses such a schema before any row is read.
        _ => Cell::Null,
    }
}
