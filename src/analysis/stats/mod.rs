//! Statistics for the analysis layer, each checked against scipy
//! (tests/scipy/check_stats.py): descriptive summaries and t-intervals,
//! paired t and Wilcoxon signed-rank tests, effect sizes, Holm's adjustment
//! and a seeded bootstrap.

pub mod bootstrap;
pub mod describe;
pub mod dist;
pub mod paired;
pub mod wilcoxon;

pub use describe::Describe;
