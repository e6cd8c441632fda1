//! Parquet files: ZSTD-compressed, one row group per written batch, with
//! key-value metadata, written atomically (temporary name, then rename).
//! The sweep tables (`sweep::table`) decide what goes in them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use super::atomic::AtomicFile;

/// Metadata kept in the Parquet key-value list only, not again on the
/// embedded Arrow schema: the spec's text can be megabytes, and the footer
/// would hold it twice (once base64-encoded). pyarrow reads it with
/// `pq.read_metadata(path).metadata`; polars, duckdb and parquet-rs see
/// every key in the one list.
pub use crate::contract::key::sweep::KEY_VALUE_ONLY;

/// A Parquet file being written; it appears under its name on `finish`.
pub struct ParquetFile {
    writer: ArrowWriter<AtomicFile>,
}

impl ParquetFile {
    pub fn create(
        dest: &Path,
        schema: SchemaRef,
        metadata: Vec<(String, String)>,
    ) -> Result<ParquetFile> {
        let file = AtomicFile::create(dest)
            .with_context(|| format!("cannot create {}", dest.display()))?;
        // The metadata goes in the Parquet key-value list (polars, duckdb,
        // parquet-rs read it there) and on the embedded Arrow schema, which
        // is where pyarrow looks (`pq.read_schema(path).metadata`).
        let on_schema: BTreeMap<String, String> = metadata
            .iter()
            .filter(|(k, _)| !KEY_VALUE_ONLY.contains(&k.as_str()))
            .cloned()
            .collect();
        let schema = Arc::new(schema.as_ref().clone().with_metadata(on_schema));
        let kv = metadata
            .into_iter()
            .map(|(k, v)| KeyValue::new(k, v))
            .collect();
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_key_value_metadata(Some(kv))
            // Row groups are cut by the caller (one per batch), never by size.
            .set_max_row_group_row_count(None)
            .set_max_row_group_bytes(None)
            // Min/max per row group (what readers prune on), not per page:
            // the writer keeps every page's statistics in memory until the
            // footer, which grew with the sweep.
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props))
            .with_context(|| format!("cannot start Parquet file {}", dest.display()))?;
        Ok(ParquetFile { writer })
    }

    /// Write `batch` as one row group.
    pub fn write_row_group(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer
            .write(batch)
            .context("writing a Parquet row group")?;
        self.writer
            .flush()
            .context("flushing a Parquet row group")?;
        Ok(())
    }

    /// Close the file and move it into place.
    pub fn finish(self) -> Result<()> {
        self.close()?
            .commit_durable()
            .context("moving Parquet file into place")
    }

    /// Close the file, still under its temporary name: the caller commits
    /// it (several files that appear together, or none).
    pub fn close(self) -> Result<AtomicFile> {
        self.writer.into_inner().context("closing Parquet file")
    }
}
