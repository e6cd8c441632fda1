//! The `scholar` section (docs/model/scholar.md §1): when the reference
//! builds its scholar handler, with the settings its pydantic model accepts
//! and the passages and queries its data files give. The files are read
//! here, at load time, as the reference reads them when it builds the
//! handler: relative paths against the working directory, a path that does
//! not exist giving the built-in data (the offline case).

use std::path::Path;

use serde_json::Value as Json;

use super::coerce::{at_least, UNIT};
use super::error::RecordError;
use super::handler_levers::{self, Counterparty, Handler};
use super::handler_section::{built, enabled_and_seed, table_key};
use super::load::Report;
use super::schema::{modelled, Field};
use super::yaml::{Entry, Value};
use super::{AgentKind, Scenario, ScholarConfig};
use crate::sim::scholar::{Passage, PassageId, Query};

pub(super) const SECTION: &str = "scholar";

/// The settings a sweep may set (`scholar.<key>`).
pub(crate) static FIELDS: &[Field<ScholarConfig>] = &[
    modelled!(top_k, Int, at_least(1)),
    modelled!(entailment_threshold, Float, UNIT),
];

/// Keys read by the reference besides [`FIELDS`].
const OTHER_KEYS: [&str; 4] = ["enabled", "seed", "corpus_path", "dataset_path"];

/// The handler's settings and data, or `None` when the reference builds no
/// scholar handler (a false value, or `enabled: false`).
pub(super) fn read(e: &Entry, report: &mut Report) -> Option<ScholarConfig> {
    let entries = built(e, report)?;
    let get = |key: &str| entries.iter().find(|x| x.key == key);
    let mut cfg = ScholarConfig::default();
    for x in entries {
        // `enabled` is read once to decide whether to build; the handler
        // never looks again.
        if enabled_and_seed(SECTION, x, &mut cfg.enabled, &mut cfg.seed, report) {
            continue;
        }
        match x.key.as_str() {
            "corpus_path" => cfg.corpus_path = data_path(x, report),
            "dataset_path" => cfg.dataset_path = data_path(x, report),
            _ => table_key(SECTION, FIELDS, &OTHER_KEYS, x, &mut cfg, report),
        }
    }
    if let Some(dir) = cfg.corpus_path.clone() {
        let line = get("corpus_path").map_or(e.key_line, |x| x.value.line);
        cfg.corpus = read_corpus(&dir, line, report);
    }
    if let Some(file) = cfg.dataset_path.clone() {
        let line = get("dataset_path").map_or(e.key_line, |x| x.value.line);
        cfg.queries = read_queries(&file, line, report);
    }
    Some(cfg)
}

/// `Path(value) if value else None`: a path needs a string.
fn data_path(x: &Entry, report: &mut Report) -> Option<String> {
    if !x.value.truthy() {
        return None;
    }
    match &x.value.value {
        Value::Str(s) => Some(s.clone()),
        _ => {
            let why = format!(
                "expected a path string (the reference fails on {})",
                x.value.describe()
            );
            report.error(x.value.line, &format!("{SECTION}.{}", x.key), why);
            None
        }
    }
}

/// The agent types that act through the scholar handler.
const SCHOLAR_ACTORS: [AgentKind; 5] = [
    AgentKind::Retriever,
    AgentKind::Synthesizer,
    AgentKind::Verifier,
    AgentKind::AdversarialRetriever,
    AgentKind::AdversarialSynthesizer,
];

/// What scholar interactions would meet that is not modelled: levers and
/// modules that treat the handler's pseudo counterparties as agents.
pub(super) fn unmodelled_with(s: &Scenario) -> Vec<String> {
    if s.scholar.is_none() || !s.agents.iter().any(|a| SCHOLAR_ACTORS.contains(&a.kind)) {
        return Vec::new();
    }
    handler_levers::unmodelled(s, HANDLER)
}

/// The scholar handler, as the guard names it.
const HANDLER: Handler = Handler {
    name: "scholar",
    counterparty: Counterparty::Pseudo(
        "the pseudo counterparties 'corpus', 'synthesis_engine' and 'verification_oracle'",
    ),
};

/// The fidelity guard for [`unmodelled_with`].
pub(super) fn check_combination(s: &Scenario, line: usize, report: &mut Report) {
    for what in unmodelled_with(s) {
        report.unmodelled(line, SECTION, what);
    }
}

/// A data file problem: the reference's handler build fails on it.
fn data_error(report: &mut Report, line: usize, key: &str, why: impl std::fmt::Display) {
    report.error(line, &format!("{SECTION}.{key}"), why);
}

/// The lines of a text file as Python iterates them (universal newlines).
fn py_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        lines.push(&rest[..end]);
        rest = &rest[end..];
        rest = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'))
            .or_else(|| rest.strip_prefix('\r'))
            .unwrap_or(rest);
    }
    lines
}

/// Each line of a JSONL file as a JSON object, or an error naming the
/// file and line (json.loads fails, or `.get` on a non-object does).
fn read_jsonl(
    file: &Path,
    key: &str,
    line: usize,
    report: &mut Report,
) -> Option<Vec<serde_json::Map<String, Json>>> {
    let shown = file.display();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            data_error(report, line, key, format!("cannot read {shown}: {e}"));
            return None;
        }
    };
    let mut out = Vec::new();
    for (n, l) in py_lines(&text).into_iter().enumerate() {
        match serde_json::from_str::<Json>(l) {
            Ok(Json::Object(map)) => out.push(map),
            Ok(other) => {
                let why = format!("{shown}:{}: expected a JSON object, got {other}", n + 1);
                data_error(report, line, key, why);
                return None;
            }
            Err(err) => {
                let why = format!("{shown}:{}: invalid JSON: {err}", n + 1);
                data_error(report, line, key, why);
                return None;
            }
        }
    }
    Some(out)
}

/// A string field of a JSONL record (its default when absent).
fn text_field(
    record: &serde_json::Map<String, Json>,
    name: &str,
    at: &str,
) -> Result<Option<String>, RecordError> {
    match record.get(name) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(record_error(at, name, "a string", other)),
    }
}

/// A list-of-strings field of a JSONL record (empty when absent).
fn text_list(
    record: &serde_json::Map<String, Json>,
    name: &str,
    at: &str,
) -> Result<Vec<String>, RecordError> {
    let bad = |other: &Json| record_error(at, name, "a list of strings", other);
    match record.get(name) {
        None => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(|| bad(i)))
            .collect(),
        Some(other) => Err(bad(other)),
    }
}

/// Field `name` of the record at `at` is not `want`, but `got`.
fn record_error(at: &str, name: &str, want: &'static str, got: &Json) -> RecordError {
    RecordError {
        at: at.to_string(),
        field: name.to_string(),
        want,
        got: got.to_string(),
    }
}

/// `corpus_path/passages.jsonl` (and the papers file, which is only
/// checked): `None` when the directory does not exist (built-in corpus).
fn read_corpus(dir: &str, line: usize, report: &mut Report) -> Option<Vec<Passage>> {
    let root = Path::new(dir);
    if !root.exists() {
        let why = format!(
            "'{dir}' does not exist (relative paths start at the working directory): the reference uses its built-in mini corpus"
        );
        report.warn(line, "scholar.corpus_path", why);
        return None;
    }
    let mut corpus: Vec<Passage> = Vec::new();
    let passages = root.join("passages.jsonl");
    if passages.exists() {
        let records = read_jsonl(&passages, "corpus_path", line, report)?;
        let mut fresh = 0;
        for (n, r) in records.iter().enumerate() {
            let at = format!("{}:{}", passages.display(), n + 1);
            let passage = (|| -> Result<Passage, RecordError> {
                let id = match text_field(r, "passage_id", &at)? {
                    Some(id) => PassageId::Given(id),
                    None => {
                        fresh += 1;
                        PassageId::Fresh(fresh - 1)
                    }
                };
                let relevance_score = match r.get("relevance_score") {
                    None => 0.0,
                    Some(v) => v
                        .as_f64()
                        .ok_or_else(|| record_error(&at, "relevance_score", "a number", v))?,
                };
                Ok(Passage {
                    id,
                    paper_id: text_field(r, "paper_id", &at)?.unwrap_or_default(),
                    text: text_field(r, "text", &at)?.unwrap_or_default(),
                    keywords: text_list(r, "keywords", &at)?,
                    relevance_score,
                })
            })();
            match passage {
                // A repeated id replaces the earlier passage in its place.
                Ok(p) => match corpus.iter_mut().find(|q| q.id == p.id) {
                    Some(q) => *q = p,
                    None => corpus.push(p),
                },
                Err(why) => {
                    data_error(report, line, "corpus_path", why);
                    return None;
                }
            }
        }
    }
    let papers = root.join("papers.jsonl");
    if papers.exists() {
        let records = read_jsonl(&papers, "corpus_path", line, report)?;
        for (n, r) in records.iter().enumerate() {
            let at = format!("{}:{}", papers.display(), n + 1);
            match r.get("paper_id") {
                None => {
                    let why = format!("{at}: no 'paper_id' (the reference fails on it)");
                    data_error(report, line, "corpus_path", why);
                    return None;
                }
                Some(Json::Array(_) | Json::Object(_)) => {
                    let why = format!("{at}: 'paper_id' must be a string or a number");
                    data_error(report, line, "corpus_path", why);
                    return None;
                }
                Some(_) => {}
            }
        }
    }
    Some(corpus)
}

/// The queries of `dataset_path`: `None` when it does not exist (the
/// built-in queries).
fn read_queries(file: &str, line: usize, report: &mut Report) -> Option<Vec<Query>> {
    let path = Path::new(file);
    if !path.exists() {
        let why = format!(
            "'{file}' does not exist (relative paths start at the working directory): the reference uses its three built-in queries"
        );
        report.warn(line, "scholar.dataset_path", why);
        return None;
    }
    let records = read_jsonl(path, "dataset_path", line, report)?;
    let mut queries = Vec::with_capacity(records.len());
    for (n, r) in records.iter().enumerate() {
        let at = format!("{}:{}", path.display(), n + 1);
        let query = (|| -> Result<Query, RecordError> {
            Ok(Query {
                text: text_field(r, "query_text", &at)?.unwrap_or_default(),
                gold_key_points: text_list(r, "gold_key_points", &at)?,
            })
        })();
        match query {
            Ok(q) => queries.push(q),
            Err(why) => {
                data_error(report, line, "dataset_path", why);
                return None;
            }
        }
    }
    if queries.is_empty() {
        let why = "holds no query: every scholar agent does nothing, as in the reference";
        report.warn(line, "scholar.dataset_path", why);
    }
    Some(queries)
}

#[cfg(test)]
mod tests {
    //! Outcomes of the reference's `parse_scholar_config` and handler build
    //! (swarm-safety 1.9.0, pydantic 2) for the same values.
    use crate::scenario::params::{param_paths, set_param, ParamValue};
    use crate::scenario::{load_str, LoadOptions, Loaded, ScholarConfig};

    fn load(body: &str) -> Result<Loaded, String> {
        let text = format!("agents:\n  - type: retriever\n{body}");
        let opts = LoadOptions {
            allow_unmodelled: true,
            ..LoadOptions::default()
        };
        load_str(&text, "t.yaml", opts).map_err(|e| e.message)
    }

    fn config(section: &str) -> Option<ScholarConfig> {
        load(&format!("scholar:\n{section}"))
            .unwrap()
            .scenario
            .scholar
    }

    fn error(section: &str) -> String {
        load(&format!("scholar:\n{section}")).unwrap_err()
    }

    #[test]
    fn settings_coerce_like_the_reference() {
        let c = config("  enabled: true\n").unwrap();
        assert_eq!(c, ScholarConfig::default());
        assert_eq!((c.top_k, c.entailment_threshold, c.seed), (30, 0.7, None));
        let c = config("  top_k: \"20\"\n  entailment_threshold: \"0.65\"\n  seed: 4.0\n").unwrap();
        assert_eq!(
            (c.top_k, c.entailment_threshold, c.seed),
            (20, 0.65, Some(4))
        );
        assert_eq!(config("  top_k: 20.0\n").unwrap().top_k, 20);
        // enabled: 0 is false, but the handler is built all the same.
        assert!(!config("  enabled: 0\n").unwrap().enabled);
        assert!(error("  top_k: 2.5\n").contains("t.yaml:4: scholar.top_k: expected an integer"));
        assert!(error("  top_k: 0\n").contains("scholar.top_k: must be >= 1"));
        assert!(error("  top_k: null\n").contains("scholar.top_k"));
        assert!(error("  entailment_threshold: 1.5\n").contains("must be in [0, 1]"));
        assert!(error("  enabled: null\n").contains("scholar.enabled: expected true or false"));
        assert!(error("  seed: 4.5\n").contains("scholar.seed"));
        assert!(error("  corpus_path: 5\n").contains("scholar.corpus_path: expected a path string"));
        assert_eq!(
            config("  corpus_path: \"\"\n  dataset_path: 0\n")
                .unwrap()
                .corpus,
            None
        );
        let w = load("scholar:\n  topk: 3\n").unwrap().warnings;
        assert!(
            w[0].message.contains(
                "scholar.topk: unknown key, ignored by the reference; did you mean 'top_k'?"
            ),
            "{w:?}"
        );
    }

    #[test]
    fn the_handler_is_built_unless_the_section_is_false_or_switched_off() {
        for off in [
            "scholar:\n",
            "scholar: {}\n",
            "scholar: false\n",
            "scholar: 0\n",
            "scholar: []\n",
        ] {
            assert_eq!(load(off).unwrap().scenario.scholar, None, "{off}");
        }
        // `enabled: false` returns before anything is validated.
        let l = load("scholar:\n  enabled: false\n  top_k: bad\n").unwrap();
        assert_eq!(l.scenario.scholar, None);
        assert!(l.warnings[0].message.contains("scholar: switched off"));
        for bad in ["scholar: [1]\n", "scholar: x\n", "scholar: 3\n"] {
            assert!(
                load(bad)
                    .unwrap_err()
                    .contains("scholar: must be a mapping"),
                "{bad}"
            );
        }
    }

    #[test]
    fn pseudo_counterparties_refuse_security_and_dynamic_networks() {
        let refused = |body: &str| load(body).unwrap().scenario.unmodelled;
        let with = "scholar:\n  top_k: 5\ngovernance:\n  security_enabled: true\n";
        assert_eq!(refused(with), ["scholar"]);
        let net = "scholar: {top_k: 5}\nnetwork:\n  topology: ring\n  dynamic: true\n";
        assert_eq!(refused(net), ["scholar"]);
        assert!(refused("scholar: {top_k: 5}\nnetwork:\n  topology: ring\n").is_empty());
        // Without agents that act through the handler, nothing to refuse.
        let text = "agents:\n  - type: honest\nscholar: {top_k: 5}\ngovernance: {security_enabled: true}\n";
        let l = load_str(text, "t.yaml", LoadOptions::default()).unwrap();
        assert!(l.scenario.unmodelled.is_empty());
        // A sweep cannot switch the combination on either.
        let mut s = load("scholar: {top_k: 5}\n").unwrap().scenario;
        let e = set_param(
            &mut s,
            "governance.security_enabled",
            &ParamValue::Bool(true),
        );
        assert!(e.unwrap_err().message.starts_with(
            "governance.security_enabled: not modelled here: with governance.security_enabled"
        ));
    }

    #[test]
    fn data_files_are_read_or_refused_as_the_reference_builds_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let corpus = root.join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(
            corpus.join("passages.jsonl"),
            "{\"passage_id\": \"a\", \"text\": \"x y\", \"keywords\": [\"k\"]}\r\n{\"text\": \"z\"}\n{\"passage_id\": \"a\", \"text\": \"w\"}\n",
        )
        .unwrap();
        let queries = root.join("q.jsonl");
        std::fs::write(
            &queries,
            "{\"query_text\": \"x\", \"gold_key_points\": [\"y\"]}\n",
        )
        .unwrap();
        let section = |c: &str, q: &str| format!("  corpus_path: {c}\n  dataset_path: {q}\n");
        let (c, q) = (corpus.display().to_string(), queries.display().to_string());
        let cfg = config(&section(&c, &q)).unwrap();
        let passages = cfg.corpus.unwrap();
        // The repeated id replaced the first passage in its place.
        let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["w", "z"]);
        assert_eq!(cfg.queries.unwrap()[0].gold_key_points, ["y"]);
        // A directory without passages.jsonl (or a file): an empty corpus.
        assert_eq!(config(&section(&q, &q)).unwrap().corpus, Some(Vec::new()));
        // A path that does not exist: the built-in data, with a warning.
        let l = load(&format!(
            "scholar:\n{}",
            section("nowhere", "nothing.jsonl")
        ))
        .unwrap();
        let cfg = l.scenario.scholar.unwrap();
        assert_eq!((cfg.corpus, cfg.queries), (None, None));
        assert!(l.warnings[0].message.contains("'nowhere' does not exist"));
        // What the reference's build fails on.
        let e = error(&section(&c, &c));
        assert!(e.contains("scholar.dataset_path: cannot read"), "{e}");
        std::fs::write(&queries, "{\"query_text\": 3}\n").unwrap();
        let e = error(&section(&c, &q));
        assert!(
            e.contains("q.jsonl:1: 'query_text' must be a string, got 3"),
            "{e}"
        );
        std::fs::write(&queries, "{}\n\n").unwrap();
        let e = error(&section(&c, &q));
        assert!(e.contains("q.jsonl:2: invalid JSON"), "{e}");
        std::fs::write(corpus.join("papers.jsonl"), "[1]\n").unwrap();
        let e = error(&section(&c, "x"));
        assert!(
            e.contains("papers.jsonl:1: expected a JSON object, got [1]"),
            "{e}"
        );
        std::fs::write(corpus.join("papers.jsonl"), "{\"title\": 1}\n").unwrap();
        let e = error(&section(&c, "x"));
        assert!(e.contains("papers.jsonl:1: no 'paper_id'"), "{e}");
    }

    #[test]
    fn top_k_and_the_threshold_are_sweepable() {
        let mut s = load("scholar: {top_k: 5}\n").unwrap().scenario;
        let paths = param_paths(&s);
        assert!(paths.contains(&"scholar.top_k".to_string()));
        assert!(paths.contains(&"scholar.entailment_threshold".to_string()));
        set_param(&mut s, "scholar.top_k", &ParamValue::Int(7)).unwrap();
        assert_eq!(s.scholar.as_ref().unwrap().top_k, 7);
        let e = set_param(&mut s, "scholar.top_k", &ParamValue::Int(0)).unwrap_err();
        assert_eq!(e.message, "scholar.top_k: must be >= 1, got 0");
        let mut s = load("").unwrap().scenario;
        let e = set_param(&mut s, "scholar.top_k", &ParamValue::Int(7)).unwrap_err();
        assert!(e.message.contains("builds no scholar handler"), "{e}");
    }
}
