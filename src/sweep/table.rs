//! Writing the sweep's two tables, runs.parquet and epochs.parquet (their
//! columns: `columns`; their metadata: here, under `contract::key::sweep`):
//! rows are streamed into fixed-size row groups so
//! memory stays bounded and the bytes do not depend on how runs were
//! scheduled, sharded or resumed.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, SchemaRef};

use super::columns::Table;
use super::plan::{RunSpec, SweepPlan};
use super::rows::{RunRows, Value};
use crate::contract::{column, key, schema_version, ENGINE_VERSION};
use crate::output::atomic::AtomicFile;
use crate::output::parquet::ParquetFile;
use crate::scenario::params::ParamValue;

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// The file-level key-value metadata (`key::sweep::TABLES`, in order).
pub fn metadata(plan: &SweepPlan, table: Table) -> Vec<(String, String)> {
    use key::sweep as k;
    let json = |v: serde_json::Value| v.to_string();
    let bases: Vec<serde_json::Value> = plan
        .bases
        .iter()
        .map(|b| serde_json::json!({"path": b.path, "scenario": b.scenario_id, "sha256": b.sha256}))
        .collect();
    let kv = [
        (k::SCHEMA_VERSION, schema_version::SWEEP.to_string()),
        (k::TABLE, table.name().to_string()),
        (k::ENGINE_VERSION, ENGINE_VERSION.to_string()),
        (k::NAME, plan.spec.name.clone()),
        (k::SPEC_HASH, plan.spec_hash()),
        (k::SPEC_YAML, plan.spec.source.text.clone()),
        (
            k::SPEC_SHA256,
            super::key::sha256_hex(plan.spec.source.text.as_bytes()),
        ),
        (
            k::BASE_SHA256,
            json(plan.bases.iter().map(|b| b.sha256.clone()).collect()),
        ),
        (k::BASES, json(bases.into())),
        (k::FIDELITY, plan.fidelity().to_string()),
        (
            k::UNMODELLED,
            json(
                plan.bases
                    .iter()
                    .map(|b| (b.path.clone(), b.unmodelled.clone().into()))
                    .filter(|(_, v): &(String, serde_json::Value)| {
                        v.as_array().is_some_and(|a| !a.is_empty())
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into(),
            ),
        ),
        (k::SEEDS, json(plan.spec.seeds.clone().into())),
        (k::REPORT, report_json(&plan.spec.report)),
        (
            k::PARAM_COLUMNS,
            json(plan.params.iter().map(|p| p.path.clone()).collect()),
        ),
        (
            k::METRIC_COLUMNS,
            json(
                plan.shape()
                    .metric_columns(table)
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect(),
            ),
        ),
    ];
    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// `report:` of the spec as JSON (`{"metrics": [...], "plots": [...]}`):
/// what the analysis step leads with.
fn report_json(r: &super::spec::ReportSpec) -> String {
    let plots: Vec<serde_json::Value> = r
        .plots
        .iter()
        .map(
            |p| serde_json::json!({"type": p.kind, "x": p.x, "y": p.y, "z": p.z, "title": p.title}),
        )
        .collect();
    serde_json::json!({"metrics": r.metrics, "plots": plots}).to_string()
}

enum Builder {
    Str(StringDictionaryBuilder<Int32Type>),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
}

/// Rows being gathered into the next row group.
struct RowBuffer {
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
    col: usize,
}

impl RowBuffer {
    fn new(schema: SchemaRef) -> Result<RowBuffer> {
        let builders = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
                    Ok(Builder::Str(StringDictionaryBuilder::new()))
                }
                DataType::Int64 => Ok(Builder::Int(Int64Builder::new())),
                DataType::Float64 => Ok(Builder::Float(Float64Builder::new())),
                DataType::Boolean => Ok(Builder::Bool(BooleanBuilder::new())),
                other => Err(anyhow::anyhow!(
                    "column {} has type {other}, which sweep tables do not use",
                    f.name()
                )),
            })
            .collect::<Result<_>>()?;
        Ok(RowBuffer {
            schema,
            builders,
            rows: 0,
            col: 0,
        })
    }

    fn push(&mut self, cell: Cell) {
        let b = &mut self.builders[self.col];
        match (b, cell) {
            (Builder::Str(b), Cell::Str(s)) => b.append_value(s),
            (Builder::Int(b), Cell::Int(v)) => b.append_value(v),
            (Builder::Float(b), Cell::Float(v)) => b.append_value(v),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_value(v),
            (Builder::Str(b), Cell::Null) => b.append_null(),
            (Builder::Int(b), Cell::Null) => b.append_null(),
            (Builder::Float(b), Cell::Null) => b.append_null(),
            (Builder::Bool(b), Cell::Null) => b.append_null(),
            (_, cell) => panic!(
                "column {} got {cell:?} of the wrong type",
                self.schema.field(self.col).name()
            ),
        }
        self.col += 1;
    }

    fn end_row(&mut self) {
        debug_assert_eq!(self.col, self.builders.len(), "row is missing columns");
        self.col = 0;
        self.rows += 1;
    }

    fn take_batch(&mut self) -> Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Str(b) => Arc::new(b.finish()),
                    Builder::Int(b) => Arc::new(b.finish()),
                    Builder::Float(b) => Arc::new(b.finish()),
                    Builder::Bool(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        Ok(RecordBatch::try_new(self.schema.clone(), arrays)?)
    }
}

fn param_cell(v: &Option<ParamValue>) -> Cell<'_> {
    match v {
        None => Cell::Null,
        Some(ParamValue::Bool(b)) => Cell::Bool(*b),
        Some(ParamValue::Int(i)) => Cell::Int(*i),
        Some(ParamValue::Float(f)) => Cell::Float(*f),
        Some(ParamValue::Str(s)) => Cell::Str(s),
    }
}

fn metric_cell(v: Value) -> Cell<'static> {
    match v {
        Value::Null => Cell::Null,
        Value::Int(i) => Cell::Int(i),
        Value::Float(x) => Cell::Float(x),
    }
}

/// Streams rows of any schema to a Parquet file, cutting a row group every
/// `row_group` rows. The file appears under its name on `finish` only.
pub struct TableWriter {
    buffer: RowBuffer,
    file: ParquetFile,
    row_group: usize,
}

impl TableWriter {
    pub fn create(
        path: &Path,
        schema: SchemaRef,
        metadata: Vec<(String, String)>,
        row_group: usize,
    ) -> Result<TableWriter> {
        let buffer = RowBuffer::new(schema.clone())?;
        let file = ParquetFile::create(path, schema, metadata)?;
        Ok(TableWriter {
            buffer,
            file,
            row_group,
        })
    }

    /// The next cell of the current row.
    pub fn push(&mut self, cell: Cell) {
        self.buffer.push(cell);
    }

    pub fn end_row(&mut self) -> Result<()> {
        self.buffer.end_row();
        if self.buffer.rows == self.row_group {
            let batch = self.buffer.take_batch()?;
            self.file.write_row_group(&batch)?;
            drop(batch);
            release_free_memory();
        }
        Ok(())
    }

    /// Write the last row group, close the file and move it into place.
    pub fn finish(self) -> Result<()> {
        self.close()?
            .commit_durable()
            .context("moving Parquet file into place")
    }

    /// Write the last row group and close the file, still under its
    /// temporary name (`merge` commits both tables or neither).
    pub fn close(mut self) -> Result<AtomicFile> {
        if self.buffer.rows > 0 {
            let batch = self.buffer.take_batch()?;
            self.file.write_row_group(&batch)?;
        }
        self.file.close()
    }
}

/// One of the sweep's tables, written from finished runs in run order:
/// identity and parameter columns from the plan, the rest from `RunRows`.
pub struct TableSink {
    table: Table,
    writer: TableWriter,
    /// The plan's metric columns, as positions among the stored cells.
    projection: Vec<usize>,
}

impl TableSink {
    /// Start `table` at `path` (runs.parquet, a part file, ...).
    pub fn create(plan: &SweepPlan, table: Table, path: &Path) -> Result<TableSink> {
        let shape = plan.shape();
        let writer = TableWriter::create(
            path,
            shape.arrow_schema(table),
            metadata(plan, table),
            table.row_group(),
        )?;
        Ok(TableSink {
            table,
            writer,
            projection: shape.projection(table),
        })
    }

    fn identity(&mut self, plan: &SweepPlan, run: &RunSpec) {
        let cfg = &plan.configs[run.config];
        let w = &mut self.writer;
        w.push(Cell::Str(&run.run_key));
        w.push(Cell::Str(&plan.bases[cfg.base].scenario_id));
        w.push(Cell::Int(cfg.id as i64));
        w.push(Cell::Str(&cfg.label));
        w.push(Cell::Str(&cfg.arm));
        w.push(Cell::Int(run.replicate as i64));
        w.push(Cell::Int(run.seed));
        for v in &cfg.params {
            w.push(param_cell(v));
        }
    }

    /// Append the rows of `run`; runs must come in run order.
    pub fn write(&mut self, plan: &SweepPlan, run: &RunSpec, rows: &RunRows) -> Result<()> {
        match self.table {
            Table::Runs => {
                self.identity(plan, run);
                let fidelity = plan.configs[run.config].scenario.fidelity();
                let w = &mut self.writer;
                match &rows.error {
                    None => {
                        for &c in &self.projection {
                            w.push(metric_cell(rows.run[c]));
                        }
                        w.push(Cell::Str(fidelity));
                        w.push(Cell::Str(column::STATUS_OK));
                        w.push(Cell::Null);
                    }
                    Some(msg) => {
                        for _ in 0..self.projection.len() {
                            w.push(Cell::Null);
                        }
                        w.push(Cell::Str(fidelity));
                        w.push(Cell::Str(column::STATUS_FAILED));
                        w.push(Cell::Str(msg));
                    }
                }
                w.push(Cell::Float(rows.wall_time_s));
                w.end_row()
            }
            Table::Epochs => {
                for epoch in &rows.epochs {
                    self.identity(plan, run);
                    for &c in &self.projection {
                        self.writer.push(metric_cell(epoch[c]));
                    }
                    self.writer.end_row()?;
                }
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        self.writer.finish()
    }
}

/// Hand the pages of freed blocks back to the system after a row group.
/// A row group's buffers are freed in whichever worker's heap they grew in,
/// between the small blocks every row group leaves for the Parquet footer;
/// glibc keeps such holes (with the 1 MiB mmap threshold of
/// `cli::app::tune_allocator`, peak RSS of a 100k-run sweep was 2.2× that of
/// a 1k-run sweep without this, 1.7× with it). Once per row group: cheap.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
