//! Errors a user can cause in the analysis commands (bad input: exit 2).
//! Everything else (an output that cannot be written) is a runtime error.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum AnalysisError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: line {line}: {message}", path.display())]
    BadCsv {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    BadJson { path: PathBuf, message: String },
    #[error("{}: {message}", path.display())]
    BadTable { path: PathBuf, message: String },
    #[error("unknown metric '{name}'{}; available metrics: {}",
        suggestion.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default(),
        available.join(", "))]
    UnknownMetric {
        name: String,
        suggestion: Option<String>,
        available: Vec<String>,
    },
    #[error("{}: no numeric metric columns", path.display())]
    NoMetrics { path: PathBuf },
}

/// `UnknownMetric` for `name` among `available`.
pub fn unknown_metric(name: &str, available: &[String]) -> AnalysisError {
    AnalysisError::UnknownMetric {
        name: name.to_string(),
        suggestion: crate::suggest::nearest(name, available.iter().map(String::as_str))
            .map(str::to_string),
        available: available.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_metrics_suggest_near_names_only() {
        let names = ["toxicity_rate".to_string(), "quality_gap".to_string()];
        let AnalysisError::UnknownMetric { suggestion, .. } =
            unknown_metric("toxicty_rate", &names)
        else {
            panic!("not UnknownMetric")
        };
        assert_eq!(suggestion.as_deref(), Some("toxicity_rate"));
        let AnalysisError::UnknownMetric { suggestion, .. } = unknown_metric("welfare", &names)
        else {
            panic!("not UnknownMetric")
        };
        assert_eq!(suggestion, None);
    }
}
