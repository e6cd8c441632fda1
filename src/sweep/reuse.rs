//! Runs an earlier sweep of the same name left in this folder's tables
//! (docs/scale-out.md, "Reuse"): a completed sweep keeps its rows only in
//! runs.parquet and epochs.parquet (its journal is compacted), so a rerun —
//! the same spec, or an edited one — takes every run it still has from
//! there, by run key, into its journal, and runs only the others. The
//! tables are read once, in file order, a row group at a time.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use super::columns::{stored_columns, ColType, Table};
use super::journal::{parse_key, Journal};
use super::part;
use super::rows::{RunRows, Value};
use crate::contract::{column, key};

/// The runs of a plan still without rows, by key.
pub struct Needed {
    /// (key, run index), sorted by key; `done` says which keys were found.
    by_key: Vec<(u64, u32)>,
    done: Vec<bool>,
    left: usize,
}

impl Needed {
    /// `runs`: (index, key) of every run that needs rows.
    pub fn new(runs: impl Iterator<Item = (usize, u64)>) -> Needed {
        let mut by_key: Vec<(u64, u32)> = runs.map(|(i, k)| (k, i as u32)).collect();
        by_key.sort_unstable();
        let mut left = by_key.len();
        // Runs sharing a key (identical configurations) are found together.
        left -= by_key.windows(2).filter(|w| w[0].0 == w[1].0).count();
        Needed {
            done: vec![false; by_key.len()],
            by_key,
            left,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// The still-needed runs with this key (and marks them found).
    fn take(&mut self, key: u64) -> Vec<usize> {
        let start = self.by_key.partition_point(|&(k, _)| k < key);
        let mut out = Vec::new();
        for j in start..self.by_key.len() {
            if self.by_key[j].0 != key || self.done[j] {
                break;
            }
            self.done[j] = true;
            out.push(self.by_key[j].1 as usize);
        }
        if !out.is_empty() {
            self.left -= 1;
        }
        out
    }
}

/// The (runs, epochs) table pairs in `dir` that may hold runs of the sweep
/// `name`: the merged (or one-process) tables, then every part.
pub fn sources(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut out = vec![(
        dir.join(Table::Runs.file_name()),
        dir.join(Table::Epochs.file_name()),
    )];
    if let Ok(parts) = part::list_parts(dir, Table::Runs.parts()) {
        for (k, n, runs) in parts {
            out.push((runs, dir.join(Table::Epochs.parts().name(k, n))));
        }
    }
    out.retain(|(r, e)| r.is_file() && e.is_file());
    out
}

/// Take from `runs`/`epochs` (tables of the sweep `name`) the rows of every
/// run in `needed`, appending each to `journal` as the line of the runs with
/// its key. Returns how many runs (of the plan) were taken. A table of another sweep is
/// skipped; one that cannot be read is an error (said as a warning by the
/// caller: its runs just run again).
pub fn import(
    runs: &Path,
    epochs: &Path,
    name: &str,
    needed: &mut Needed,
    journal: &Journal,
) -> Result<usize, ImportError> {
    let mut taken = 0;
    let read = read_into(runs, epochs, name, needed, &mut |rows, indices| {
        taken += indices.len();
        journal.import(rows, indices)
    });
    match read {
        Ok(()) => Ok(taken),
        Err(e) if e.is::<JournalWrite>() => Err(ImportError::Journal(e)),
        Err(e) => Err(ImportError::Table(e)),
    }
}

/// Why runs could not be taken from a table.
#[derive(Debug)]
pub enum ImportError {
    /// The table could not be read: its runs run again.
    Table(anyhow::Error),
    /// The journal could not be written: the sweep stops.
    Journal(anyhow::Error),
}

/// Marks an error of the journal's, not the table's.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
struct JournalWrite(anyhow::Error);

fn read_into(
    runs: &Path,
    epochs: &Path,
    name: &str,
    needed: &mut Needed,
    take: &mut dyn FnMut(&RunRows, &[usize]) -> Result<()>,
) -> Result<()> {
    let (Some(mut r), Some(mut e)) = (
        TableReader::open(runs, Table::Runs, name)?,
        TableReader::open(epochs, Table::Epochs, name)?,
    ) else {
        return Ok(());
    };
    let (status, wall) = (r.column(column::STATUS)?, r.column(column::WALL_TIME_S)?);
    while !needed.is_empty() {
        let Some(key) = r.key()? else { break };
        let ok = r.string(status)?.as_deref() == Some(column::STATUS_OK);
        let indices = if ok { needed.take(key) } else { Vec::new() };
        let mut rows = RunRows {
            index: indices.first().copied().unwrap_or(0),
            run_key: format!("{key:016x}"),
            error: None,
            run: Vec::new(),
            epochs: Vec::new(),
            wall_time_s: r.float(wall)?.unwrap_or(0.0),
        };
        if !indices.is_empty() {
            rows.run = r.cells()?;
        }
        r.advance()?;
        if !ok {
            continue;
        }
        // Its epochs are the next rows of the epochs table.
        let mut n = 0;
        while e.key()? == Some(key) {
            if !indices.is_empty() {
                rows.epochs.push(e.cells()?);
            }
            e.advance()?;
            n += 1;
        }
        if n == 0 {
            bail!(
                "{} and {} do not match (run {key:016x} has no epochs)",
                runs.display(),
                epochs.display()
            );
        }
        if !indices.is_empty() {
            take(&rows, &indices).map_err(|e| anyhow::Error::new(JournalWrite(e)))?;
        }
    }
    Ok(())
}

/// One column of the projected batch.
#[derive(Clone, Copy)]
struct Col(usize);

/// A sweep table read row by row, a row group at a time, with the columns
/// it shares with `stored_columns` (lever columns it lacks read as null).
struct TableReader {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    batch: Option<RecordBatch>,
    row: usize,
    names: Vec<String>,
    /// Per stored column: its place in the batch, or none (null).
    stored: Vec<Option<usize>>,
    key: usize,
}

impl TableReader {
    /// `None` when the table is another sweep's.
    fn open(path: &Path, table: Table, name: &str) -> Result<Option<TableReader>> {
        let file: File = crate::input::open_regular(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
        let meta = |k: &str| {
            builder
                .metadata()
                .file_metadata()
                .key_value_metadata()
                .and_then(|kv| kv.iter().find(|x| x.key == k).and_then(|x| x.value.clone()))
        };
        if meta(key::sweep::NAME).as_deref() != Some(name)
            || meta(key::sweep::TABLE).as_deref() != Some(table.name())
        {
            return Ok(None);
        }
        let schema = builder.schema().clone();
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let position = |n: &str| names.iter().position(|x| x == n);
        let mut wanted: Vec<usize> = Vec::new();
        let mut want = |i: usize| {
            if !wanted.contains(&i) {
                wanted.push(i);
            }
        };
        let key = position(column::RUN_KEY)
            .ok_or_else(|| anyhow!("{}: no {} column", path.display(), column::RUN_KEY))?;
        want(key);
        for extra in [column::STATUS, column::WALL_TIME_S, column::ERROR] {
            if table == Table::Runs {
                if let Some(i) = position(extra) {
                    want(i);
                }
            }
        }
        let levers: Vec<&str> = crate::metrics::SECURITY_COLUMNS
            .iter()
            .chain(crate::metrics::COLLUSION_COLUMNS)
            .copied()
            .collect();
        let mut stored_at = Vec::new();
        for (n, t) in stored_columns(table) {
            match position(n) {
                Some(i) => {
                    let fits = matches!(
                        (t, schema.field(i).data_type()),
                        (ColType::Int, DataType::Int64) | (ColType::Float, DataType::Float64)
                    );
                    if !fits {
                        bail!("{}: column {n} has another type", path.display());
                    }
                    want(i);
                    stored_at.push(Some(i));
                }
                None if levers.contains(n) => stored_at.push(None),
                None => bail!(
                    "{}: no column {n} (a table of another engine version)",
                    path.display()
                ),
            }
        }
        wanted.sort_unstable();
        let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(table.row_group())
            .build()
            .with_context(|| format!("cannot read {}", path.display()))?;
        // Positions in the projected batch.
        let at = |i: usize| wanted.iter().position(|&w| w == i).expect("wanted");
        let stored = stored_at.into_iter().map(|o| o.map(at)).collect();
        let names = wanted.iter().map(|&i| names[i].clone()).collect();
        let mut t = TableReader {
            path: path.to_path_buf(),
            reader,
            batch: None,
            row: 0,
            names,
            stored,
            key: at(key),
        };
        t.fill()?;
        Ok(Some(t))
    }

    fn column(&self, name: &str) -> Result<Col> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(Col)
            .ok_or_else(|| anyhow!("{}: no column {name}", self.path.display()))
    }

    /// Make `batch` hold the current row (none at the end).
    fn fill(&mut self) -> Result<()> {
        while self.batch.as_ref().is_none_or(|b| self.row >= b.num_rows()) {
            match self.reader.next() {
                Some(b) => {
                    self.batch =
                        Some(b.with_context(|| format!("cannot read {}", self.path.display()))?);
                    self.row = 0;
                }
                None => {
                    self.batch = None;
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn advance(&mut self) -> Result<()> {
        self.row += 1;
        self.fill()
    }

    fn array(&self, c: usize) -> Option<&ArrayRef> {
        self.batch.as_ref().map(|b| b.column(c))
    }

    /// The current row's run key; `None` at the end.
    fn key(&self) -> Result<Option<u64>> {
        if self.batch.is_none() {
            return Ok(None);
        }
        let k = self.string(Col(self.key))?.unwrap_or_default();
        parse_key(&k)
            .map(Some)
            .ok_or_else(|| anyhow!("{}: {k:?} is not a run key", self.path.display()))
    }

    fn string(&self, c: Col) -> Result<Option<String>> {
        let Some(a) = self.array(c.0) else {
            return Ok(None);
        };
        if a.is_null(self.row) {
            return Ok(None);
        }
        match a.data_type() {
            DataType::Dictionary(_, _) => {
                let d = a.as_dictionary::<Int32Type>();
                let k = d.keys().value(self.row) as usize;
                Ok(Some(d.values().as_string::<i32>().value(k).to_string()))
            }
            DataType::Utf8 => Ok(Some(a.as_string::<i32>().value(self.row).to_string())),
            other => bail!("{}: a string column of type {other}", self.path.display()),
        }
    }

    fn float(&self, c: Col) -> Result<Option<f64>> {
        Ok(match self.value(c.0)? {
            Value::Float(x) => Some(x),
            _ => None,
        })
    }

    fn value(&self, c: usize) -> Result<Value> {
        let Some(a) = self.array(c) else {
            return Ok(Value::Null);
        };
        if a.is_null(self.row) {
            return Ok(Value::Null);
        }
        Ok(match a.data_type() {
            DataType::Int64 => Value::Int(a.as_primitive::<Int64Type>().value(self.row)),
            DataType::Float64 => Value::Float(a.as_primitive::<Float64Type>().value(self.row)),
            other => bail!("{}: a metric column of type {other}", self.path.display()),
        })
    }

    /// The current row's stored cells.
    fn cells(&self) -> Result<Vec<Value>> {
        self.stored
            .iter()
            .map(|c| match c {
                Some(c) => self.value(*c),
                None => Ok(Value::Null),
            })
            .collect()
    }
}
