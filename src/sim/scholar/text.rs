//! Python's `str` operations as the scholar code uses them
//! (docs/model/scholar.md §6): `lower()`, `split()` with no
//! argument, `[:n]` slicing by code point, and the word sets the handler
//! and the verifier compare. Sets are only ever measured, so their
//! (hash-dependent) iteration order never matters.

/// Characters CPython 3.11 (Unicode 14) leaves unchanged by `lower()` but
/// this Rust's newer Unicode tables lowercase: unassigned in Unicode 14.
const NEWER_CASED: &[(char, char)] = &[
    ('\u{1C89}', '\u{1C89}'),
    ('\u{A7CB}', '\u{A7CC}'),
    ('\u{A7CE}', '\u{A7CE}'),
    ('\u{A7D2}', '\u{A7D2}'),
    ('\u{A7D4}', '\u{A7D4}'),
    ('\u{A7DA}', '\u{A7DA}'),
    ('\u{A7DC}', '\u{A7DC}'),
    ('\u{10D50}', '\u{10D65}'),
    ('\u{16EA0}', '\u{16EB8}'),
];

fn newer_cased(c: char) -> bool {
    NEWER_CASED.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// `s.lower()`. Full case mappings with the final-sigma rule, as Rust's
/// `to_lowercase`; characters unassigned in Python's Unicode are kept and
/// cut the string into runs, which is also where Python's final-sigma
/// context (cased and case-ignorable neighbours) stops.
pub fn py_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    for (i, c) in s.char_indices() {
        if newer_cased(c) {
            out.push_str(&s[run..i].to_lowercase());
            out.push(c);
            run = i + c.len_utf8();
        }
    }
    out.push_str(&s[run..].to_lowercase());
    out
}

/// CPython's `str.isspace()`: Unicode White_Space plus the four ASCII
/// information separators U+001C..U+001F.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// `s.split()`: runs of whitespace separate, no empty tokens.
pub fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(py_space).filter(|t| !t.is_empty())
}

/// `s[:n]`: the first `n` code points.
pub fn py_prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A set of strings, as `set(...)` of words: only its size and
/// intersections are ever used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordSet(Vec<String>);

impl WordSet {
    /// `set(text.lower().split())`.
    pub fn words(text: &str) -> WordSet {
        WordSet::from_iter(py_split(&py_lower(text)).map(str::to_string))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, w: &str) -> bool {
        self.0.binary_search_by(|x| x.as_str().cmp(w)).is_ok()
    }

    /// `self | other`.
    pub fn union(mut self, other: impl IntoIterator<Item = String>) -> WordSet {
        self.0.extend(other);
        self.0.sort_unstable();
        self.0.dedup();
        self
    }

    /// `self - other`.
    pub fn minus(mut self, other: &[&str]) -> WordSet {
        self.0.retain(|w| !other.contains(&w.as_str()));
        self
    }

    /// `len(self & other)`.
    pub fn overlap(&self, other: &WordSet) -> usize {
        self.0.iter().filter(|w| other.contains(w)).count()
    }
}

impl FromIterator<String> for WordSet {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> WordSet {
        WordSet::default().union(iter)
    }
}

/// The stop words both entailment checks remove.
pub const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "is", "are", "was", "were", "be", "been", "to", "of", "and", "or", "in",
    "on", "for",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_and_split_are_pythons() {
        // 'ΟΔΟΣ ΑΣ Σ aΣb aΣ.'.lower() in CPython 3.11.
        assert_eq!(py_lower("ΟΔΟΣ ΑΣ Σ aΣb aΣ."), "οδος ας σ aσb aς.");
        assert_eq!(py_lower("İ"), "i\u{307}");
        // Unassigned in Unicode 14: unchanged, and Σ before it is final.
        assert_eq!(py_lower("A\u{A7CB}"), "a\u{A7CB}");
        assert_eq!(py_lower("AΣ\u{A7CB}"), "aς\u{A7CB}");
        let words: Vec<&str> = py_split(" a\u{1F}b\u{85}c\u{3000}\u{A0}d  \t").collect();
        assert_eq!(words, ["a", "b", "c", "d"]);
        // U+200B (zero width space) is not whitespace to Python.
        assert_eq!(py_split("a\u{200B}b").count(), 1);
        assert_eq!(py_prefix("héllo", 2), "hé");
        assert_eq!(py_prefix("ab", 5), "ab");
    }

    #[test]
    fn word_sets_measure_like_python_sets() {
        let q = WordSet::words("How do transformers process sequences?");
        assert_eq!(q.len(), 5);
        let p = WordSet::words("Transformers use self-attention to process sequences in parallel.")
            .union(["transformers", "sequences"].map(String::from));
        assert_eq!(q.overlap(&p), 2);
        let claim = WordSet::words("The a an is").minus(STOP_WORDS);
        assert!(claim.is_empty());
    }
}
