//! A small in-memory column table read from Parquet: what the analysis
//! needs of runs.parquet / epochs.parquet (typed columns and the file's
//! key-value metadata), with nothing else of Arrow leaking out.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayAccessor, ArrayRef, StringArray};
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
    let n = a.len();
    let nullable = |i: usize| a.is_valid(i);
    macro_rules! ints {
        ($t:ty) => {{
            let p = a.as_primitive::<$t>();
            Values::Int(
                (0..n)
                    .map(|i| nullable(i).then(|| p.value(i) as i64))
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
        DataType::Float32 => {
            let p = a.as_primitive::<Float32Type>();
            Values::Float(
                (0..n)
                    .map(|i| nullable(i).then(|| f64::from(p.value(i))))
                    .collect(),
            )
        }
        DataType::Float64 => {
            let p = a.as_primitive::<Float64Type>();
            Values::Float((0..n).map(|i| nullable(i).then(|| p.value(i))).collect())
        }
        DataType::Boolean => {
            let p = a.as_boolean();
            Values::Bool((0..n).map(|i| nullable(i).then(|| p.value(i))).collect())
        }
        DataType::Utf8 => {
            let p = a.as_string::<i32>();
            Values::Str(
                (0..n)
                    .map(|i| nullable(i).then(|| p.value(i).to_string()))
                    .collect(),
            )
        }
        DataType::LargeUtf8 => {
            let p = a.as_string::<i64>();
            Values::Str(
                (0..n)
                    .map(|i| nullable(i).then(|| p.value(i).to_string()))
                    .collect(),
            )
        }
        DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
            let d = a.as_dictionary::<Int32Type>();
            let typed = d.downcast_dict::<StringArray>()?;
            Values::Str(
                (0..n)
                    .map(|i| nullable(i).then(|| typed.value(i).to_string()))
                    .collect(),
            )
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

/// The Parquet file `path`, read into memory once, its parsed footer, and
/// its key-value metadata. Readers of it share the bytes: a reader of the
/// file itself duplicates, seeks and closes a handle for every column
/// chunk it reads (four system calls each, thousands for a large sweep).
fn open_parquet(
    path: &Path,
) -> Result<(Bytes, ArrowReaderMetadata, BTreeMap<String, String>), AnalysisError> {
    let mut buf = Vec::new();
    open_file(path)?
        .read_to_end(&mut buf)
        .map_err(|source| AnalysisError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let bytes = Bytes::from(buf);
    let (footer, metadata) = footer_of(&bytes, path)?;
    Ok((bytes, footer, metadata))
}

/// A reader of the file's bytes.
fn reader_of(
    bytes: &Bytes,
    footer: &ArrowReaderMetadata,
) -> ParquetRecordBatchReaderBuilder<Bytes> {
    ParquetRecordBatchReaderBuilder::new_with_metadata(bytes.clone(), footer.clone())
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
    builder: ParquetRecordBatchReaderBuilder<Bytes>,
    picked: &[usize],
    bad: &(dyn Fn(String) -> AnalysisError + Sync),
) -> Result<Part, AnalysisError> {
    let mask = ProjectionMask::roots(builder.parquet_schema(), picked.iter().copied());
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
        let (bytes, footer, metadata) = open_parquet(path)?;
        let schema = footer.schema().clone();
        let picked: Vec<usize> = (0..schema.fields().len())
            .filter(|&i| wanted.is_none_or(|w| w(schema.field(i).name())))
            .collect();
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
        Values::Int(v) => Arc::new(Int64Array::from(v.clone())),
        Values::Float(v) => Arc::new(Float64Array::from(v.clone())),
        Values::Bool(v) => Arc::new(BooleanArray::from(v.clone())),
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
        let mut out = String::with_capacity(64 * (self.rows + 1) * self.cols.len().max(1));
        for (i, n) in self.names.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            text(&mut out, n);
        }
        out.push('\n');
        let rows = self.cols.first().map_or(0, Values::len);
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
        }
        let mut f = crate::output::atomic::AtomicFile::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        f.write_all(out.as_bytes())
            .and_then(|()| f.commit())
            .with_context(|| format!("cannot write {}", path.display()))
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
}
