//! Why the loader refuses a value, before it knows the file, line and key
//! path the report adds (load.rs `Report`): a YAML value of the wrong type
//! or range, a scenario id, a record of a scholar data file, a YAML tag.

use super::params::ParamValue;

/// A YAML value (or sweep value) that does not pass its key's type and
/// rule (`coerce::coerce_checked`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// Not of the key's type: what it takes, and what was given.
    #[error("expected {want}, got {got}")]
    Type { want: &'static str, got: String },
    /// An agent setting of the wrong type: the reference uses it as given.
    #[error("expected {want}, got {got} (agent settings are used unconverted)")]
    Unconverted { want: &'static str, got: String },
    #[error("expected an integer, got {0} (a number with a fractional part)")]
    Fractional(String),
    #[error("integer {0} is out of range")]
    IntOutOfRange(String),
    #[error("must be in [{lo}, {hi}], got {got}")]
    OutOfRange { lo: f64, hi: f64, got: ParamValue },
    #[error("must be non-negative, got {0}")]
    Negative(ParamValue),
    #[error("must be positive, got {0}")]
    NotPositive(ParamValue),
    #[error("must be >= {lo}, got {got}")]
    Below { lo: i64, got: ParamValue },
    #[error("must be <= {hi}, got {got}")]
    Above { hi: i64, got: ParamValue },
    /// Not one of an enum's options: them quoted, and a suggestion.
    #[error("must be one of {options}, got '{got}'{hint}")]
    NotAnOption {
        options: String,
        got: String,
        hint: String,
    },
    /// The value under one key of a mapping.
    #[error("'{key}': {source}")]
    InEntry {
        key: String,
        source: Box<ValueError>,
    },
}

/// A `scenario_id` that cannot name output files (`load::check_scenario_id`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioIdError {
    #[error("must not be empty")]
    Empty,
    #[error("is {len} characters long; at most {max} (it names output files)")]
    TooLong { len: usize, max: usize },
    /// The id, escaped.
    #[error(
        "'{0}' cannot name output files: use letters, digits, '_', '-' and '.' (not first), one path component"
    )]
    Unusable(String),
}

/// A record of a scholar data file (JSONL) the reference's handler build
/// fails on; `at` is `file:record`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: '{field}' must be {want}, got {got}")]
pub struct RecordError {
    pub at: String,
    pub field: String,
    pub want: &'static str,
    pub got: String,
}

/// A YAML tag or merge key the loader cannot read (reported as a syntax
/// error at the node).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("unsupported tag '{0}'")]
    Unsupported(String),
    #[error("'{text}' is not a valid value for tag '{tag}'")]
    Mismatch { text: String, tag: String },
    #[error("a merge key ('<<') takes a mapping or a list of mappings")]
    MergeSource,
}
