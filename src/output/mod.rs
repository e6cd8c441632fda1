//! Writers: metrics CSV, events JSONL, console report.
