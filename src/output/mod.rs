//! Writers: per-epoch metrics CSV, events JSONL, the console report, the
//! sweep's Parquet tables, YAML (specs and resolved scenarios), and atomic file creation (temporary name, then
//! rename) shared by all outputs.

pub mod atomic;
pub mod console;
pub mod csv;
pub mod format;
pub mod jsonl;
pub mod parquet;
pub mod target;
pub mod yaml;
