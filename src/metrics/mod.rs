//! Soft-label metrics (docs/model/metrics.md §1): per epoch and per run.

mod capability;
pub mod criteria;
pub mod numpy;
mod soft;

pub use capability::CapabilityEnvelope;
pub use soft::{
    CollusionFigures, Column, ContractFigures, EpochMetrics, Finalized, MetricValue, PySum,
    SecurityFigures, SoftAccumulator, SoftMetrics, COLLUSION_COLUMNS, EPOCH_COLUMNS,
    SECURITY_COLUMNS,
};
