//! "Did you mean" suggestions, one rule for every name the user can misspell
//! (scenario and spec keys, parameter paths, choices, agent types, metrics):
//! the nearest candidate by edit distance, if at most a third of the longer
//! name differs.

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a plausible misspelling: at most a third of the longer name changed.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let other: Vec<char> = candidate.chars().collect();
        let budget = word.len().max(other.len()) / 3;
        // The length difference is a lower bound on the distance.
        if word.len().abs_diff(other.len()) > budget {
            continue;
        }
        let d = edit_distance(&word, &other);
        if d > 0 && d <= budget && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of neighbouring characters each cost one.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![0usize; 3 * width];
    let (mut prev2, mut prev, mut cur) = (0, width, 2 * width);
    for (j, cell) in rows[prev..prev + width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[cur] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = d;
        }
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    rows[prev + b.len()]
}

/// `"; did you mean 'x'?"`, or nothing when no candidate is close.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates)
        .map(|c| format!("; did you mean '{c}'?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        let d = |a: &str, b: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            edit_distance(&a, &b)
        };
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "ab"), 2);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("honset", "honest"), 1);
        assert_eq!(d("epochs", "n_epochs"), 2);
        assert_eq!(d("audit_probabilty", "audit_probability"), 1);
    }

    #[test]
    fn suggestions_only_when_close() {
        let keys = ["audit_probability", "audit_enabled", "n_epochs"];
        assert_eq!(nearest("audit_probabilty", keys), Some("audit_probability"));
        assert_eq!(nearest("epochs", keys), Some("n_epochs"));
        assert_eq!(nearest("completely_different", keys), None);
        assert_eq!(nearest("audit_enabled", keys), None);
    }
}
