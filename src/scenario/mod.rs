//! Scenario files: the typed model, the YAML loader with validation and
//! diagnostics, and dotted-path parameters for sweeps.

mod load;
mod model;
pub mod params;
#[allow(dead_code)] // used by the loader in the next commit
mod yaml;

pub use load::{load_file, load_str, LoadOptions, Loaded, ScenarioError, Warning};
pub use model::*;
