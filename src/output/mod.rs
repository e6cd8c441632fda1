//! Writers: metrics CSV, events JSONL, console report, Parquet tables.

pub mod atomic;
pub mod parquet;
