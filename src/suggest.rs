//! "Did you mean" suggestions, one rule for every name the user can misspell
//! (scenario and spec keys, parameter paths, choices, agent types, metrics):
//! the nearest candidate by edit distance, if at most a third of the longer
//! name differs.

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a plausible misspelling: at most a third of the longer name changed.
/// The first of equally close candidates wins.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    let letters = Letters::of(&word);
    let mut other: Vec<char> = Vec::new();
    let mut rows: Vec<usize> = Vec::new();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        other.clear();
        other.extend(candidate.chars());
        let budget = word.len().max(other.len()) / 3;
        // Only a distance below the best so far could change the answer.
        let limit = best.map_or(budget, |(b, _)| budget.min(b - 1));
        if word.len().abs_diff(other.len()) > limit
            || letters
                .as_ref()
                .is_some_and(|l| l.bag_distance(&other) > limit)
        {
            continue;
        }
        if let Some(d) = distance_within(&word, &other, limit, &mut rows) {
            if d > 0 {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// How many times each ASCII character occurs in a word: for the bag
/// distance, a lower bound on the edit distance that costs one pass over
/// the other word (most candidates are ruled out by it).
struct Letters([u16; 128]);

impl Letters {
    /// `None` for a word with other characters (no bound is used then).
    fn of(word: &[char]) -> Option<Letters> {
        let mut counts = [0u16; 128];
        for &c in word {
            *counts.get_mut(c as usize)? += 1;
        }
        Some(Letters(counts))
    }

    /// The bag distance to `other`: the larger of the number of this
    /// word's characters `other` lacks and of `other`'s this word lacks
    /// (counted with repeats). Each edit changes each count by at most one
    /// and a swap by none, so it never exceeds the edit distance. `0` if
    /// `other` has characters other than ASCII.
    fn bag_distance(&self, other: &[char]) -> usize {
        let mut left = self.0;
        let mut extra = 0;
        for &c in other {
            match left.get_mut(c as usize) {
                Some(n) if *n > 0 => *n -= 1,
                Some(_) => extra += 1,
                None => return 0,
            }
        }
        let missing: usize = left.iter().map(|&n| usize::from(n)).sum();
        missing.max(extra)
    }
}

/// The optimal-string-alignment distance of `a` and `b` if it is at most
/// `limit`, else `None`: only the cells within `limit` of the diagonal are
/// computed (a path through any other costs more than `limit`), and the
/// search stops once two rows in a row exceed it. `rows` is scratch.
fn distance_within(a: &[char], b: &[char], limit: usize, rows: &mut Vec<usize>) -> Option<usize> {
    // The length difference is a lower bound on the distance.
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Stands for every value above `limit`.
    let far = limit + 1;
    let width = b.len() + 1;
    rows.clear();
    rows.resize(3 * width, far);
    let (mut prev2, mut prev, mut cur) = (0, width, 2 * width);
    for (j, cell) in rows[prev..prev + width].iter_mut().enumerate() {
        *cell = j.min(far);
    }
    let mut prev_min = 0;
    for i in 1..=a.len() {
        let lo = i.saturating_sub(limit).max(1);
        let hi = (i + limit).min(b.len());
        rows[cur] = i.min(far);
        if lo > 1 {
            rows[cur + lo - 1] = far;
        }
        let mut row_min = rows[cur];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 + j - 2] + 1);
            }
            let d = d.min(far);
            rows[cur + j] = d;
            row_min = row_min.min(d);
        }
        // The cell right of the band, which the next row reads.
        if hi < b.len() {
            rows[cur + hi + 1] = far;
        }
        if row_min > limit && prev_min > limit {
            return None;
        }
        prev_min = row_min;
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    let d = rows[prev + b.len()];
    (d <= limit).then_some(d)
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

    /// The full optimal-string-alignment table, the reference for the
    /// bounded one.
    fn edit_distance(a: &[char], b: &[char]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    /// `nearest` as it was, from full distances.
    fn nearest_unbounded<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let word: Vec<char> = word.chars().collect();
        let mut best: Option<(usize, &str)> = None;
        for &candidate in candidates {
            let other: Vec<char> = candidate.chars().collect();
            let budget = word.len().max(other.len()) / 3;
            let d = edit_distance(&word, &other);
            if d > 0 && d <= budget && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, candidate));
            }
        }
        best.map(|(_, c)| c)
    }

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

    /// Words for the distance tests: empty, short, transposed, real keys
    /// and their typos, repeated letters, and non-ASCII.
    const WORDS: &[&str] = &[
        "",
        "a",
        "ab",
        "ba",
        "abc",
        "acb",
        "kitten",
        "sitting",
        "honest",
        "honset",
        "n_epochs",
        "epochs",
        "audit_probability",
        "audit_probabilty",
        "ca",
        "abcd",
        "badc",
        "xyzzy",
        "reputation_decay",
        "reptuation_deacy",
        "aaab",
        "abbb",
        "épée",
        "epee",
    ];

    /// The bounded distance is the full one wherever that is within the
    /// limit, and `None` exactly where it is not.
    #[test]
    fn bounded_distance_is_the_full_one_within_its_limit() {
        let words = WORDS;
        let mut rows = Vec::new();
        for a in words {
            for b in words {
                let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = edit_distance(&a, &b);
                for limit in 0..=20 {
                    let want = (full <= limit).then_some(full);
                    assert_eq!(
                        distance_within(&a, &b, limit, &mut rows),
                        want,
                        "{a:?} {b:?} limit {limit}"
                    );
                }
            }
        }
    }

    /// The bag distance never exceeds the edit distance.
    #[test]
    fn bag_distance_is_a_lower_bound() {
        let words = WORDS;
        for a in words {
            let a: Vec<char> = a.chars().collect();
            let Some(letters) = Letters::of(&a) else {
                continue;
            };
            for b in words {
                let b: Vec<char> = b.chars().collect();
                assert!(
                    letters.bag_distance(&b) <= edit_distance(&a, &b),
                    "{a:?} {b:?}"
                );
            }
        }
        let l = Letters::of(&"kitten".chars().collect::<Vec<_>>()).expect("ascii");
        assert_eq!(l.bag_distance(&"sitting".chars().collect::<Vec<_>>()), 3);
    }

    /// Typos of real keys (dropped, doubled, swapped, replaced and added
    /// characters, one to several each) get the suggestions the full
    /// distances give.
    #[test]
    fn suggestions_are_those_of_the_full_distance() {
        let keys = [
            "n_epochs",
            "steps_per_epoch",
            "seed",
            "audit_probability",
            "audit_enabled",
            "audit_penalty_multiplier",
            "transaction_tax_rate",
            "reputation_decay_rate",
            "circuit_breaker_enabled",
            "freeze_threshold_toxicity",
            "freeze_duration_epochs",
            "staking_enabled",
            "min_stake_to_participate",
            "vote_normalization_enabled",
            "max_vote_weight_per_agent",
            "collusion_detection_enabled",
            "observation_noise",
            "simulation",
            "governance",
            "payoff",
            "agents",
            "network",
            "rate_limits",
            "marketplace",
            "memory_tiers",
            "perturbations",
            "spawn",
            "s_plus",
            "s_minus",
            "h",
        ];
        // A small deterministic generator, so the test is the same each run.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut checked = 0;
        for _ in 0..3000 {
            let mut w: Vec<char> = keys[next(keys.len())].chars().collect();
            for _ in 0..1 + next(4) {
                let at = next(w.len() + 1);
                match next(5) {
                    0 if at < w.len() => {
                        w.remove(at);
                    }
                    1 if at < w.len() => w.insert(at, w[at]),
                    2 if at + 1 < w.len() => w.swap(at, at + 1),
                    3 if at < w.len() => w[at] = char::from(b'a' + next(26) as u8),
                    _ => w.insert(at, char::from(b'a' + next(26) as u8)),
                }
            }
            let word: String = w.into_iter().collect();
            assert_eq!(
                nearest(&word, keys),
                nearest_unbounded(&word, &keys),
                "{word}"
            );
            checked += usize::from(nearest(&word, keys).is_some());
        }
        assert!(checked > 1000, "most typos have a suggestion ({checked})");
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
