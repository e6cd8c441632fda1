//! Parquet tables read back into plain rows, and byte-for-byte comparison of
//! two results folders' tables.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type};
use arrow_array::Array;
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Val {
    pub fn str(&self) -> &str {
        match self {
            Val::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            other => panic!("not an int: {other:?}"),
        }
    }
    pub fn float(&self) -> f64 {
        match self {
            Val::Float(f) => *f,
            other => panic!("not a float: {other:?}"),
        }
    }
}

pub type Row = BTreeMap<String, Val>;

pub struct TableData {
    pub schema: SchemaRef,
    pub rows: Vec<Row>,
    pub metadata: BTreeMap<String, String>,
    pub row_groups: usize,
}

pub fn read_table(path: &Path) -> TableData {
    let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let schema = builder.schema().clone();
    let meta = builder.metadata().clone();
    let metadata = meta
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    let mut rows = Vec::new();
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        for r in 0..batch.num_rows() {
            let mut row = Row::new();
            for (field, col) in schema.fields().iter().zip(batch.columns()) {
                let v = if col.is_null(r) {
                    Val::Null
                } else {
                    match field.data_type() {
                        DataType::Dictionary(_, _) => {
                            let d = col.as_dictionary::<Int32Type>();
                            let k = d.keys().value(r) as usize;
                            Val::Str(d.values().as_string::<i32>().value(k).to_string())
                        }
                        DataType::Utf8 => Val::Str(col.as_string::<i32>().value(r).to_string()),
                        DataType::Int64 => Val::Int(col.as_primitive::<Int64Type>().value(r)),
                        DataType::Float64 => Val::Float(col.as_primitive::<Float64Type>().value(r)),
                        DataType::Boolean => Val::Bool(col.as_boolean().value(r)),
                        other => panic!("unexpected column type {other}"),
                    }
                };
                row.insert(field.name().clone(), v);
            }
            rows.push(row);
        }
    }
    TableData {
        schema,
        rows,
        metadata,
        row_groups: meta.num_row_groups(),
    }
}

/// runs.parquet and epochs.parquet of the results folders `a` and `b` are
/// the same bytes.
#[track_caller]
pub fn assert_same_tables(a: &Path, b: &Path) {
    for f in ["runs.parquet", "epochs.parquet"] {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}
