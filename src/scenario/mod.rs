//! Scenario files: the typed model, the YAML loader with validation and
//! diagnostics, and dotted-path parameters for sweeps.

mod agents;
mod alife;
pub mod canonical;
pub(crate) mod coerce;
mod dynamic_toxicity;
pub mod emit;
mod error;
mod handler_levers;
mod handler_section;
mod handlers;
mod load;
mod markets;
mod memory;
mod model;
pub mod params;
mod perturbations;
pub(crate) mod schema;
mod scholar;
mod sections;
/// The YAML tree with lines, shared with the sweep spec reader.
pub(crate) mod yaml;

pub use load::{load_file, load_str, LoadOptions, Loaded, ScenarioError, Warning};
pub use model::*;
