//! Soft-label metrics (governance-metrics-io.md §2): per epoch and per run.

mod soft;

pub use soft::{EpochMetrics, SecurityFigures, CollusionFigures, SoftAccumulator, SoftMetrics};
