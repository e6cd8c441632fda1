//! Governance levers (simulation-model.md §10, governance-metrics-io.md §1).
