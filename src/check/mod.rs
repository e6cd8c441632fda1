//! Regression checks (`swarm-sweep check`): a sweep rerun against stored
//! results, configuration by configuration, within tolerances, and
//! optionally against the scenarios' success criteria. Pure comparison
//! here; running and printing live in cli/check.rs.

pub mod compare;
pub mod criteria;
pub mod junit;
pub mod tolerance;

pub use compare::{compare, ConfigCheck, Problem};
pub use tolerance::{Tol, ToleranceError, ToleranceItem, Tolerances};
