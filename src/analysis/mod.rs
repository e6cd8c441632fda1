//! The analysis layer: read what runs and sweeps wrote, summarise it, compare
//! variants with their baseline, and write tables, a report and plots.
//! Commands and file formats: docs/analysis.md.

pub mod compare;
pub mod direction;
pub mod error;
pub mod export;
pub mod findings;
pub mod frame;
pub mod levers;
pub mod plot;
pub mod replication;
pub mod report;
pub mod runs;
pub mod sensitivity;
pub mod series;
pub mod stats;
pub mod summary;
pub mod tables;
pub mod trend;
pub mod verdict;
