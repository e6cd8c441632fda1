//! Scenario files: the typed model, the YAML loader with validation and
//! diagnostics, and dotted-path parameters for sweeps.

mod model;

pub use model::*;
