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

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `candidates` to `name`, if it is close enough to be a typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let (best, d) = candidates
        .into_iter()
        .map(|c| (c, edit_distance(name, c)))
        .min_by_key(|(_, d)| *d)?;
    (d <= (name.chars().count() / 3).max(2)).then(|| best.to_string())
}

/// `UnknownMetric` for `name` among `available`.
pub fn unknown_metric(name: &str, available: &[String]) -> AnalysisError {
    AnalysisError::UnknownMetric {
        name: name.to_string(),
        suggestion: nearest(name, available.iter().map(String::as_str)),
        available: available.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["toxicity_rate", "quality_gap", "spread"];
        assert_eq!(
            nearest("toxicty_rate", names).as_deref(),
            Some("toxicity_rate")
        );
        assert_eq!(nearest("welfare", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
