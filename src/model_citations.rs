//! Every `§` cited in src/ resolves to a heading of docs/model/ (the model
//! documents a reader of a clone can follow). A citation names its page
//! (`docs/model/governance.md §3.5`); a bare `§n` refers to the page named
//! last before it in the same file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`, appended to `out` (also read by the
/// contract's tests).
pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The section numbers of a page's headings (`## 3. Run loop` → "3",
/// `### A.4.1 Honest` → "A.4.1").
fn headings(page: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(page).ok()?;
    Some(
        text.lines()
            .filter(|l| l.starts_with('#'))
            .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
            .map(|w| w.trim_start_matches('§').trim_end_matches('.').to_string())
            .filter(|w| section_like(w))
            .collect(),
    )
}

/// "3", "4.5.2", "A", "A.4.1".
fn section_like(w: &str) -> bool {
    !w.is_empty()
        && w.split('.').enumerate().all(|(i, part)| {
            !part.is_empty()
                && (part.chars().all(|c| c.is_ascii_digit())
                    || (i == 0 && part.len() == 1 && part.chars().all(|c| c.is_ascii_uppercase())))
        })
}

/// The longest section number at the start of `s`.
fn section_at(s: &str) -> Option<&str> {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '.'))
        .map_or(s.len(), |(i, _)| i);
    let w = s[..end].trim_end_matches('.');
    // "A" alone only when a heading letter, not a word.
    (section_like(w) && (w.len() == 1 || w.contains('.') || w.parse::<u32>().is_ok())).then_some(w)
}

/// (page, section, line) for every citation in `text`; an error for a bare
/// one with no page named before it.
fn citations(text: &str) -> Result<Vec<(String, String, usize)>, String> {
    let mut out = Vec::new();
    let mut page: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        loop {
            let doc = rest.find("docs/model/");
            let mark = rest.find('§');
            match (doc, mark) {
                (Some(d), m) if m.is_none_or(|m| d < m) => {
                    let tail = &rest[d..];
                    let end = tail.find(".md").map_or(tail.len(), |e| e + 3);
                    page = Some(tail[..end].to_string());
                    rest = &tail[end..];
                }
                (_, Some(m)) => {
                    rest = &rest[m + '§'.len_utf8()..];
                    let Some(sec) = section_at(rest) else {
                        continue;
                    };
                    let Some(p) = page.clone() else {
                        return Err(format!(
                            "line {}: §{sec} without a docs/model page named before it",
                            n + 1
                        ));
                    };
                    out.push((p.clone(), sec.to_string(), n + 1));
                    // A range's end: `§4.5.2-4.5.3`.
                    let tail = &rest[sec.len()..];
                    if let Some(t) = tail.strip_prefix('-').or_else(|| tail.strip_prefix('–')) {
                        if let Some(end) = section_at(t).filter(|e| e.contains('.')) {
                            out.push((p, end.to_string(), n + 1));
                        }
                    }
                }
                _ => break,
            }
        }
    }
    Ok(out)
}

#[test]
fn every_section_cited_in_src_is_a_heading_of_docs_model() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut pages: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut count = 0;
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap().display().to_string();
        if rel == "src/model_citations.rs" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        match citations(&text) {
            Err(e) => problems.push(format!("{rel}: {e}")),
            Ok(cites) => {
                for (page, sec, line) in cites {
                    count += 1;
                    let heads = pages
                        .entry(page.clone())
                        .or_insert_with(|| headings(&root.join(&page)));
                    match heads {
                        None => problems.push(format!("{rel}:{line}: {page} does not exist")),
                        Some(h) if !h.contains(&sec) => {
                            problems.push(format!("{rel}:{line}: {page} has no heading §{sec}"))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    assert!(
        count > 100,
        "only {count} citations found: is the scan broken?"
    );
    assert!(
        problems.is_empty(),
        "unresolved citations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scan_reads_pages_ranges_and_bare_citations() {
    let text = "//! See docs/model/a.md §3.2, §4 and docs/model/b.md §A.4.1.\n\
                // later (§4.5.2-4.5.3), then (§2–§3).\n";
    let got = citations(text).unwrap();
    let want = [
        ("docs/model/a.md", "3.2", 1),
        ("docs/model/a.md", "4", 1),
        ("docs/model/b.md", "A.4.1", 1),
        ("docs/model/b.md", "4.5.2", 2),
        ("docs/model/b.md", "4.5.3", 2),
        ("docs/model/b.md", "2", 2),
        ("docs/model/b.md", "3", 2),
    ];
    let got: Vec<(&str, &str, usize)> = got
        .iter()
        .map(|(p, s, l)| (p.as_str(), s.as_str(), *l))
        .collect();
    assert_eq!(got, want);
    assert!(citations("// a bare §3 first\n").is_err());
    assert_eq!(section_at("3.6's"), Some("3.6"));
    assert_eq!(section_at("C): x"), Some("C"));
}
