//! Diagnostics helpers for sweep specs: the line a key path sits on (serde_yaml
//! does not keep positions for mapping keys) and the nearest valid name for a typo.

/// The 1-based line of the block-mapping key at `path` (e.g. `["grid",
/// "governance.freeze_threshold_toxicity"]`), found by indentation. Flow
/// mappings (`{a: 1}`) are not searched; the nearest enclosing key is then the
/// best answer and callers fall back to it.
pub fn key_line(text: &str, path: &[&str]) -> Option<usize> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with("---") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some(key) = mapping_key(trimmed) else {
            continue;
        };
        while stack.last().is_some_and(|(ind, _)| *ind >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        if stack.len() == path.len() && stack.iter().zip(path).all(|((_, k), p)| k == p) {
            return Some(i + 1);
        }
    }
    None
}

/// The line of the longest prefix of `path` that can be found.
pub fn nearest_line(text: &str, path: &[&str]) -> Option<usize> {
    (1..=path.len())
        .rev()
        .find_map(|n| key_line(text, &path[..n]))
}

fn strip_comment(line: &str) -> &str {
    // A '#' starts a comment at line start or after whitespace, outside quotes.
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

/// `key: ...` or `key:` at the start of a trimmed line, quotes removed.
fn mapping_key(trimmed: &str) -> Option<String> {
    if trimmed.starts_with('-') || trimmed.starts_with('{') || trimmed.starts_with('[') {
        return None;
    }
    let (key, quoted) = match trimmed.chars().next()? {
        q @ ('"' | '\'') => {
            let end = trimmed[1..].find(q)? + 1;
            (&trimmed[1..end], &trimmed[end + 1..])
        }
        _ => {
            let colon = trimmed
                .find(": ")
                .or_else(|| trimmed.strip_suffix(':').map(|s| s.len()))?;
            (&trimmed[..colon], &trimmed[colon..])
        }
    };
    quoted.starts_with(':').then(|| key.trim().to_string())
}

/// The candidate closest to `word` by edit distance, if it is plausibly a typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    // A truncated name (`metrics` for `metrics_csv`) is a typo too.
    let prefix = |c: &str| word.len() >= 3 && (c.starts_with(word) || word.starts_with(c));
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= limit || prefix(c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diag + usize::from(ca != *cb));
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
name: x   # comment
base: a.yaml
grid:
  governance.freeze_threshold_toxicity: [0.5, 0.6]
  \"governance.audit_probability\":
    start: 0.1
baseline: {governance.audit_enabled: false}
";

    #[test]
    fn finds_nested_and_quoted_keys() {
        assert_eq!(key_line(TEXT, &["name"]), Some(1));
        assert_eq!(
            key_line(TEXT, &["grid", "governance.freeze_threshold_toxicity"]),
            Some(4)
        );
        assert_eq!(
            key_line(TEXT, &["grid", "governance.audit_probability", "start"]),
            Some(6)
        );
        assert_eq!(key_line(TEXT, &["grid", "nope"]), None);
        assert_eq!(
            nearest_line(TEXT, &["baseline", "governance.audit_enabled"]),
            Some(7)
        );
    }

    #[test]
    fn suggests_near_names_only() {
        let keys = ["seeds", "grid", "baseline"];
        assert_eq!(suggest("sedes", keys), Some("seeds"));
        assert_eq!(suggest("basline", keys), Some("baseline"));
        assert_eq!(suggest("outputs", keys), None);
    }
}
