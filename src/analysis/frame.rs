//! A small in-memory column table read from Parquet: what the analysis
//! needs of runs.parquet / epochs.parquet (typed columns and the file's
//! key-value metadata), with nothing else of Arrow leaking out.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

use super::error::AnalysisError;

/// One cell of a parameter column (or any identity column).
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Cell {
    /// As written in a label or axis tick: `0.6`, `true`, `none`.
    pub fn render(&self) -> String {
        match self {
            Cell::Null => "none".into(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => crate::output::format::py_float(*f),
            Cell::Str(s) => s.clone(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Bool(b) => Some(f64::from(u8::from(*b))),
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// A typed column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
}

impl Values {
    pub fn cell(&self, row: usize) -> Cell {
        match self {
            Values::Str(v) => v[row].clone().map_or(Cell::Null, Cell::Str),
            Values::Int(v) => v[row].map_or(Cell::Null, Cell::Int),
            Values::Float(v) => v[row].map_or(Cell::Null, Cell::Float),
            Values::Bool(v) => v[row].map_or(Cell::Null, Cell::Bool),
        }
    }

    /// A number (booleans as 0/1); `None` for nulls, NaN and text.
    pub fn f64(&self, row: usize) -> Option<f64> {
        self.raw_f64(row).filter(|v| !v.is_nan())
    }

    /// A number as stored (NaN kept, booleans as 0/1); `None` for nulls
    /// and text. No allocation: for the analysis's inner loops.
    #[inline]
    pub fn raw_f64(&self, row: usize) -> Option<f64> {
        match self {
            Values::Float(v) => v[row],
            Values::Int(v) => v[row].map(|i| i as f64),
            Values::Bool(v) => v[row].map(|b| f64::from(u8::from(b))),
            Values::Str(_) => None,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Values::Str(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Values::Int(_) | Values::Float(_))
    }

    fn reserve(&mut self, more: usize) {
        match self {
            Values::Str(v) => v.reserve_exact(more),
            Values::Int(v) => v.reserve_exact(more),
            Values::Float(v) => v.reserve_exact(more),
            Values::Bool(v) => v.reserve_exact(more),
        }
    }

    fn extend(&mut self, other: Values) {
        match (self, other) {
            (Values::Str(a), Values::Str(b)) => a.extend(b),
            (Values::Int(a), Values::Int(b)) => a.extend(b),
            (Values::Float(a), Values::Float(b)) => a.extend(b),
            (Values::Bool(a), Values::Bool(b)) => a.extend(b),
            _ => unreachable!("a column keeps its type across row groups"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub names: Vec<String>,
    pub cols: Vec<Values>,
    pub rows: usize,
    /// Key-value metadata of the file.
    pub metadata: BTreeMap<String, String>,
}

fn convert(a: &ArrayRef) -> Option<Values> {
    // Typed iterators read the null bitmap directly (a call through the
    // `Array` trait per value cost more than the value).
    macro_rules! ints {
        ($t:ty) => {{
            Values::Int(
                a.as_primitive::<$t>()
                    .iter()
                    .map(|v| v.map(|x| x as i64))
                    .collect(),
            )
        }};
    }
    Some(match a.data_type() {
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        DataType::Float32 => Values::Float(
            a.as_primitive::<Float32Type>()
                .iter()
                .map(|v| v.map(f64::from))
                .collect(),
        ),
        DataType::Float64 => Values::Float(a.as_primitive::<Float64Type>().iter().collect()),
        DataType::Boolean => Values::Bool(a.as_boolean().iter().collect()),
        DataType::Utf8 => Values::Str(
            a.as_string::<i32>()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect(),
        ),
        DataType::LargeUtf8 => Values::Str(
            a.as_string::<i64>()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect(),
        ),
        DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
            let d = a.as_dictionary::<Int32Type>();
            let typed = d.downcast_dict::<StringArray>()?;
            Values::Str(typed.into_iter().map(|v| v.map(str::to_string)).collect())
        }
        _ => return None,
    })
}

/// The parsed footer of a Parquet file (`source`: its bytes or the file).
fn footer_of<T: ChunkReader>(
    source: &T,
    path: &Path,
) -> Result<(ArrowReaderMetadata, BTreeMap<String, String>), AnalysisError> {
    let footer = ArrowReaderMetadata::load(source, ArrowReaderOptions::default()).map_err(|e| {
        AnalysisError::BadTable {
            path: path.to_path_buf(),
            message: format!("not a readable Parquet file: {e}"),
        }
    })?;
    let metadata = footer
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .filter_map(|k| Some((k.key.clone(), k.value.clone()?)))
                .collect()
        })
        .unwrap_or_default();
    Ok((footer, metadata))
}

fn open_file(path: &Path) -> Result<File, AnalysisError> {
    crate::input::open_regular(path).map_err(|e| AnalysisError::Read {
        path: path.to_path_buf(),
        source: e.into(),
    })
}

/// The Parquet file `path`, open, its parsed footer, and its key-value
/// metadata.
fn open_parquet(
    path: &Path,
) -> Result<(File, ArrowReaderMetadata, BTreeMap<String, String>), AnalysisError> {
    let file = open_file(path)?;
    let (footer, metadata) = footer_of(&file, path)?;
    Ok((file, footer, metadata))
}

/// The bytes of a Parquet file that reading some of its columns needs (the
/// column chunks of those columns in every row group), read once and
/// shared by every reader of them. Readers of the file itself would
/// duplicate, seek and close a handle for every column chunk (four system
/// calls each, thousands for a large sweep); a copy of the whole file would
/// hold the columns not read too (epochs.parquet's other metrics).
#[derive(Clone)]
struct Chunks {
    /// The file's length.
    len: u64,
    /// (offset, bytes) of each stretch read, by offset, none overlapping.
    parts: std::sync::Arc<[(u64, Bytes)]>,
}

impl Chunks {
    fn read(file: &File, footer: &ArrowReaderMetadata, roots: &[usize]) -> std::io::Result<Chunks> {
        use std::os::unix::fs::FileExt;
        let meta = footer.metadata();
        let schema = meta.file_metadata().schema_descr();
        let leaves: Vec<usize> = (0..schema.num_columns())
            .filter(|&c| roots.contains(&schema.get_column_root_idx(c)))
            .collect();
        let mut ranges: Vec<(u64, u64)> = meta
            .row_groups()
            .iter()
            .flat_map(|rg| leaves.iter().map(|&c| rg.column(c).byte_range()))
            .map(|(start, len)| (start, start.saturating_add(len)))
            .collect();
        ranges.sort_unstable();
        // Adjacent or overlapping chunks are read as one stretch.
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        let len = file.metadata()?.len();
        let parts = merged
            .into_iter()
            .map(|(start, end)| {
                if end > len {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!(
                            "a column chunk ends at byte {end}, past the end of the file ({len})"
                        ),
                    ));
                }
                let mut buf = vec![0; usize::try_from(end - start).unwrap_or(usize::MAX)];
                file.read_exact_at(&mut buf, start)?;
                Ok((start, Bytes::from(buf)))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Chunks {
            len,
            parts: parts.into(),
        })
    }

    /// The stretch holding byte `start` and the offset of `start` in it.
    fn find(&self, start: u64) -> parquet::errors::Result<(&Bytes, usize)> {
        let k = self.parts.partition_point(|(s, _)| *s <= start);
        match k.checked_sub(1).map(|k| &self.parts[k]) {
            Some((s, b)) if start - s <= b.len() as u64 => Ok((b, (start - s) as usize)),
            _ => Err(parquet::errors::ParquetError::General(format!(
                "byte {start} is outside the column chunks read"
            ))),
        }
    }
}

impl parquet::file::reader::Length for Chunks {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for Chunks {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        use bytes::Buf;
        let (b, at) = self.find(start)?;
        Ok(b.slice(at..).reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let (b, at) = self.find(start)?;
        if at + length > b.len() {
            return Err(parquet::errors::ParquetError::General(format!(
                "{length} bytes at byte {start} run past the column chunks read"
            )));
        }
        Ok(b.slice(at..at + length))
    }
}

/// A reader of the chunks read.
fn reader_of(
    chunks: &Chunks,
    footer: &ArrowReaderMetadata,
) -> ParquetRecordBatchReaderBuilder<Chunks> {
    ParquetRecordBatchReaderBuilder::new_with_metadata(chunks.clone(), footer.clone())
}

/// Some columns of a file, all its rows.
struct Part {
    names: Vec<String>,
    cols: Vec<Values>,
    rows: usize,
    /// Whether the file had a row group at all.
    any_batch: bool,
}

/// Read the columns `picked` (schema indices) through `builder`; columns of
/// types the analysis does not use are skipped.
fn read_part(
    builder: ParquetRecordBatchReaderBuilder<Chunks>,
    picked: &[usize],
    bad: &(dyn Fn(String) -> AnalysisError + Sync),
) -> Result<Part, AnalysisError> {
    let mask = ProjectionMask::roots(builder.parquet_schema(), picked.iter().copied());
    // Each column is given its full length at its first row group: no
    // growth by doubling, so no spare capacity and no copies.
    // (At most 2^24 rows ahead: a damaged footer cannot ask for more.)
    let total = usize::try_from(builder.metadata().file_metadata().num_rows())
        .unwrap_or(0)
        .min(1 << 24);
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    let mut part = Part {
        names: Vec::new(),
        cols: Vec::new(),
        rows: 0,
        any_batch: false,
    };
    for batch in reader {
        let batch = batch.map_err(|e| bad(format!("cannot read a row group: {e}")))?;
        let mut k = 0;
        for (i, field) in batch.schema().fields().iter().enumerate() {
            let Some(vals) = convert(batch.column(i)) else {
                continue;
            };
            if part.any_batch {
                part.cols[k].extend(vals);
            } else {
                let mut vals = vals;
                vals.reserve(total.saturating_sub(vals.len()));
                part.names.push(field.name().clone());
                part.cols.push(vals);
            }
            k += 1;
        }
        part.rows += batch.num_rows();
        part.any_batch = true;
    }
    Ok(part)
}

impl Frame {
    /// Read `path`, only the columns `wanted` selects (all when `None`);
    /// columns of types the analysis does not use are skipped.
    pub fn read_parquet(
        path: &Path,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<Frame, AnalysisError> {
        let bad = |message: String| AnalysisError::BadTable {
            path: path.to_path_buf(),
            message,
        };
        let (file, footer, metadata) = open_parquet(path)?;
        let schema = footer.schema().clone();
        let picked: Vec<usize> = (0..schema.fields().len())
            .filter(|&i| wanted.is_none_or(|w| w(schema.field(i).name())))
            .collect();
        let bytes =
            Chunks::read(&file, &footer, &picked).map_err(|source| AnalysisError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        drop(file);
        // Columns decode independently: on a pool of several threads each
        // reads a share of them, through its own reader of the file, and
        // the shares are put back in the file's order (the frame does not
        // depend on the number of threads). A few shares per thread even
        // out columns of different costs (text against numbers).
        let threads = rayon::current_num_threads();
        let shares = if threads > 1 {
            (threads * 3).min(picked.len()).max(1)
        } else {
            1
        };
        let parts: Vec<Part> = if shares == 1 {
            vec![read_part(reader_of(&bytes, &footer), &picked, &bad)?]
        } else {
            use rayon::prelude::*;
            picked
                .chunks(picked.len().div_ceil(shares))
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|cols| read_part(reader_of(&bytes, &footer), cols, &bad))
                .collect::<Result<_, _>>()?
        };
        let mut frame = Frame {
            metadata,
            ..Frame::default()
        };
        let mut first = true;
        for part in parts {
            frame.names.extend(part.names);
            frame.cols.extend(part.cols);
            frame.rows = part.rows;
            first &= !part.any_batch;
        }
        if first {
            // No row groups: still learn the column names and types.
            for f in schema
                .fields()
                .iter()
                .filter(|f| wanted.is_none_or(|w| w(f.name())))
            {
                let empty = match f.data_type() {
                    DataType::Float32 | DataType::Float64 => Values::Float(vec![]),
                    DataType::Boolean => Values::Bool(vec![]),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Dictionary(..) => {
                        Values::Str(vec![])
                    }
                    t if t.is_integer() => Values::Int(vec![]),
                    _ => continue,
                };
                frame.names.push(f.name().clone());
                frame.cols.push(empty);
            }
        }
        Ok(frame)
    }

    /// The key-value metadata of a Parquet file, without reading its rows.
    pub fn read_metadata(path: &Path) -> Result<BTreeMap<String, String>, AnalysisError> {
        Ok(footer_of(&open_file(path)?, path)?.1)
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub fn get(&self, name: &str) -> Option<&Values> {
        self.index(name).map(|i| &self.cols[i])
    }

    /// A JSON list of strings from the metadata (`swarm_sweep.param_columns` …).
    pub fn metadata_list(&self, key: &str) -> Option<Vec<String>> {
        serde_json::from_str(self.metadata.get(key)?).ok()
    }
}

fn to_array(v: &Values) -> ArrayRef {
    use arrow_array::builder::StringDictionaryBuilder;
    use arrow_array::{BooleanArray, Float64Array, Int64Array};
    use std::sync::Arc;
    match v {
        Values::Str(v) => {
            let mut b = StringDictionaryBuilder::<Int32Type>::new();
            for s in v {
                b.append_option(s.as_deref());
            }
            Arc::new(b.finish())
        }
        Values::Int(v) => Arc::new(v.iter().copied().collect::<Int64Array>()),
        Values::Float(v) => Arc::new(v.iter().copied().collect::<Float64Array>()),
        Values::Bool(v) => Arc::new(v.iter().copied().collect::<BooleanArray>()),
    }
}

impl Frame {
    /// An empty column of the same type as `like`.
    pub fn empty_like(like: &Values) -> Values {
        match like {
            Values::Str(_) => Values::Str(vec![]),
            Values::Int(_) => Values::Int(vec![]),
            Values::Float(_) => Values::Float(vec![]),
            Values::Bool(_) => Values::Bool(vec![]),
        }
    }

    /// Write the frame atomically as ZSTD Parquet (one row group), strings
    /// as dictionary columns, with `metadata` as key-value metadata.
    pub fn write_parquet(&self, path: &Path, metadata: &[(String, String)]) -> anyhow::Result<()> {
        use anyhow::Context;
        use arrow_array::RecordBatch;
        use arrow_schema::{Field, Schema};
        use parquet::arrow::ArrowWriter;
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;
        use parquet::schema::types::ColumnPath;
        use std::sync::Arc;

        let arrays: Vec<ArrayRef> = self.cols.iter().map(to_array).collect();
        let fields: Vec<Field> = self
            .names
            .iter()
            .zip(&arrays)
            .map(|(n, a)| Field::new(n, a.data_type().clone(), true))
            .collect();
        // Also on the Arrow schema: pyarrow reads metadata from there.
        let schema = Arc::new(
            Schema::new(fields).with_metadata(
                metadata
                    .iter()
                    .cloned()
                    .collect::<std::collections::BTreeMap<_, _>>(),
            ),
        );
        let batch = RecordBatch::try_new(schema.clone(), arrays).context("assembling the table")?;
        let kv = metadata
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        // Numbers are written plain: the analysis's floats are nearly all
        // distinct, so a dictionary of them (the default) is hashed value by
        // value only to be larger than the values. Text keeps its dictionary.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_key_value_metadata(Some(kv));
        for (name, col) in self.names.iter().zip(&self.cols) {
            if !matches!(col, Values::Str(_)) {
                props = props.set_column_dictionary_enabled(ColumnPath::from(name.as_str()), false);
            }
        }
        let props = props.build();
        let file = crate::output::atomic::AtomicFile::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut writer = ArrowWriter::try_new(file, schema, Some(props))?;
        writer.write(&batch)?;
        let file = writer.into_inner().context("closing the Parquet file")?;
        file.commit()
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Write the frame atomically as CSV: a header of the column names,
    /// floats as Python's `repr` (full precision), booleans `True`/`False`
    /// (as pandas writes them), nulls empty, text quoted when it must be
    /// (RFC 4180).
    pub fn write_csv(&self, path: &Path) -> anyhow::Result<()> {
        use anyhow::Context;
        use std::io::Write;
        fn text(out: &mut String, s: &str) {
            if s.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&s.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(s);
            }
        }
        // Written a block at a time: the file's text is never all in memory.
        const BLOCK: usize = 1 << 18;
        let mut f = crate::output::atomic::AtomicFile::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = String::with_capacity(BLOCK + 4096);
        for (i, n) in self.names.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            text(&mut out, n);
        }
        out.push('\n');
        let rows = self.cols.first().map_or(0, Values::len);
        let cannot = || format!("cannot write {}", path.display());
        for r in 0..rows {
            for (i, c) in self.cols.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match c {
                    Values::Str(v) => text(&mut out, v[r].as_deref().unwrap_or("")),
                    Values::Int(v) => {
                        if let Some(x) = v[r] {
                            out.push_str(itoa::Buffer::new().format(x));
                        }
                    }
                    Values::Float(v) => {
                        if let Some(x) = v[r] {
                            crate::output::format::push_py_float(&mut out, x);
                        }
                    }
                    Values::Bool(v) => {
                        out.push_str(match v[r] {
                            Some(true) => "True",
                            Some(false) => "False",
                            None => "",
                        });
                    }
                }
            }
            out.push('\n');
            if out.len() >= BLOCK {
                f.write_all(out.as_bytes()).with_context(cannot)?;
                out.clear();
            }
        }
        f.write_all(out.as_bytes())
            .and_then(|()| f.commit())
            .with_context(cannot)
    }

    /// Append a column.
    pub fn push(&mut self, name: &str, values: Values) {
        self.names.push(name.to_string());
        self.cols.push(values);
    }
}

impl Values {
    /// Append a cell (nulls and type mismatches become null).
    pub fn push_cell(&mut self, c: &Cell) {
        match (self, c) {
            (Values::Str(v), Cell::Str(s)) => v.push(Some(s.clone())),
            (Values::Int(v), Cell::Int(i)) => v.push(Some(*i)),
            (Values::Float(v), Cell::Float(f)) => v.push(Some(*f)),
            (Values::Float(v), Cell::Int(i)) => v.push(Some(*i as f64)),
            (Values::Bool(v), Cell::Bool(b)) => v.push(Some(*b)),
            (Values::Str(v), _) => v.push(None),
            (Values::Int(v), _) => v.push(None),
            (Values::Float(v), _) => v.push(None),
            (Values::Bool(v), _) => v.push(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Frame {
        let mut f = Frame::default();
        f.push(
            "scenario",
            Values::Str(vec![Some("a".into()), None, Some("b,c".into())]),
        );
        f.push("config_id", Values::Int(vec![Some(0), Some(1), None]));
        f.push("x", Values::Float(vec![Some(0.5), None, Some(-1e300)]));
        f.push("ok", Values::Bool(vec![Some(true), Some(false), None]));
        f.push("y", Values::Float(vec![Some(1.0), Some(2.0), Some(3.0)]));
        f.rows = 3;
        f
    }

    #[test]
    fn columns_read_in_parallel_are_the_columns_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let f = sample();
        f.write_parquet(&path, &[("k".into(), "v".into())]).unwrap();
        // all columns, or all but `x` and `scenario`
        let read = |threads: usize, all: bool| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let some = |n: &str| n != "x" && n != "scenario";
                    let wanted: Option<&dyn Fn(&str) -> bool> = (!all).then_some(&some);
                    Frame::read_parquet(&path, wanted).unwrap()
                })
        };
        for threads in [1, 2, 5] {
            let got = read(threads, true);
            assert_eq!((&got.names, &got.cols, got.rows), (&f.names, &f.cols, 3));
            assert_eq!(got.metadata.get("k").map(String::as_str), Some("v"));
            let some = read(threads, false);
            assert_eq!(some.names, ["config_id", "ok", "y"]);
            assert_eq!(some.cols[0], f.cols[1]);
            assert_eq!(some.cols[1..], f.cols[3..]);
        }
    }

    #[test]
    fn only_the_chunks_of_the_columns_read_are_read() {
        use arrow_array::{Float64Array, Int64Array, RecordBatch};
        use arrow_schema::{Field, Schema};
        use parquet::arrow::ArrowWriter;
        use parquet::file::properties::WriterProperties;
        use std::sync::Arc;
        // Four row groups of three columns: `b`'s chunk lies between `a`'s
        // and `c`'s in each.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Float64, true),
            Field::new("c", DataType::Float64, true),
        ]));
        let n = 1000i64;
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter(
                    (0..n).map(|i| (i % 7 != 0).then_some(i)),
                )),
                Arc::new(Float64Array::from_iter_values(
                    (0..n).map(|i| i as f64 * 0.5),
                )),
                Arc::new(Float64Array::from_iter_values((0..n).map(|i| -(i as f64)))),
            ],
        )
        .unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(250))
            .build();
        let mut w =
            ArrowWriter::try_new(File::create(&path).unwrap(), schema, Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();

        let some = |name: &str| name != "b";
        let got = Frame::read_parquet(&path, Some(&some)).unwrap();
        assert_eq!(got.names, ["a", "c"]);
        assert_eq!(got.rows, 1000);
        let all = Frame::read_parquet(&path, None).unwrap();
        assert_eq!(got.cols[0], all.cols[0]);
        assert_eq!(got.cols[1], all.cols[2]);
        assert_eq!(
            got.cols[0],
            Values::Int((0..n).map(|i| (i % 7 != 0).then_some(i)).collect())
        );

        // Only `a`'s and `c`'s chunks are held; anything else is an error,
        // not a read of the file.
        let (file, footer, _) = open_parquet(&path).unwrap();
        let chunks = Chunks::read(&file, &footer, &[0, 2]).unwrap();
        // a₀ | c₀ a₁ | c₁ a₂ | c₂ a₃ | c₃: a row group's `c` ends where the
        // next one's `a` starts.
        assert_eq!(chunks.parts.len(), 5);
        let b_chunk = footer.metadata().row_group(1).column(1).byte_range();
        assert!(chunks.get_bytes(b_chunk.0, 4).is_err());
        let c_chunk = footer.metadata().row_group(3).column(2).byte_range();
        let len = usize::try_from(c_chunk.1).unwrap();
        assert_eq!(chunks.get_bytes(c_chunk.0, len).unwrap().len(), len);
        assert!(chunks.get_bytes(c_chunk.0, len + 1).is_err());
    }

    #[test]
    fn a_long_csv_is_written_block_by_block_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut f = Frame::default();
        let n = 40_000;
        f.push("i", Values::Int((0..n).map(Some).collect()));
        f.push(
            "label",
            Values::Str((0..n).map(|i| Some(format!("x,{i}"))).collect()),
        );
        f.rows = n as usize;
        f.write_csv(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.len() > 1 << 19, "more than two blocks");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("i,label"));
        for (i, line) in (0..n).zip(lines.by_ref()) {
            assert_eq!(line, format!("{i},\"x,{i}\""));
        }
        assert_eq!(lines.next(), None);
    }
}
