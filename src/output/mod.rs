//! Writers: per-epoch metrics CSV, events JSONL, the console report, and
//! atomic file creation (temporary name, then rename) shared by all outputs.

pub mod atomic;
pub mod console;
pub mod csv;
pub mod format;
pub mod jsonl;
