//! The scholar section's settings and its data: passages and queries, from
//! JSONL files or the reference's built-in mini corpus and three queries
//! (docs/model/scholar.md §1).

use super::text::{py_lower, WordSet};

/// The `scholar:` section (the reference's `ScholarConfig`), with the data
/// it names already read.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Informational: once the section builds the handler, the reference
    /// never reads it again (`enabled: 0` still builds it).
    pub enabled: bool,
    pub top_k: i64,
    pub entailment_threshold: f64,
    /// Seeds the handler's `Random`, which nothing ever draws from.
    pub seed: Option<i64>,
    pub corpus_path: Option<String>,
    pub dataset_path: Option<String>,
    /// The passages of `corpus_path/passages.jsonl`; `None`: the built-in
    /// mini corpus (no path, or a path that does not exist).
    pub corpus: Option<Vec<Passage>>,
    /// The queries of `dataset_path`; `None`: the three built-in ones.
    pub queries: Option<Vec<Query>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            enabled: true,
            top_k: 30,
            entailment_threshold: 0.7,
            seed: None,
            corpus_path: None,
            dataset_path: None,
            corpus: None,
            queries: None,
        }
    }
}

/// A passage id: given by the data, or a fresh `uuid4` (equal to nothing
/// else) for a loaded passage without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassageId {
    Given(String),
    Fresh(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub id: PassageId,
    pub paper_id: String,
    pub text: String,
    pub keywords: Vec<String>,
    /// Written by every retrieval that keeps the passage (the corpus
    /// object itself is mutated, so the latest retrieval's score shows).
    pub relevance_score: f64,
}

impl Passage {
    /// `set(text.lower().split()) | {kw.lower() for kw in keywords}`.
    pub(super) fn terms(&self) -> WordSet {
        WordSet::words(&self.text).union(self.keywords.iter().map(|k| py_lower(k)))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub text: String,
    pub gold_key_points: Vec<String>,
}

/// The built-in corpus: (paper, text, keywords), ids `passage_000`...
const MINI_CORPUS: [(&str, &str, &[&str]); 10] = [
    (
        "paper_001",
        "Deep learning models learn hierarchical representations from data.",
        &["deep learning", "representations", "hierarchical"],
    ),
    (
        "paper_001",
        "Backpropagation is the core algorithm for training neural networks.",
        &["backpropagation", "training", "neural networks"],
    ),
    (
        "paper_002",
        "Transformers use self-attention to process sequences in parallel.",
        &["transformers", "self-attention", "parallel", "sequences"],
    ),
    (
        "paper_002",
        "The attention mechanism allows models to focus on relevant parts of input.",
        &["attention", "mechanism", "relevant", "input"],
    ),
    (
        "paper_003",
        "Attention weights are computed as softmax of query-key dot products.",
        &["attention", "weights", "softmax", "query", "key"],
    ),
    (
        "paper_003",
        "Multi-head attention enables learning different attention patterns.",
        &["multi-head", "attention", "patterns"],
    ),
    (
        "paper_004",
        "Adam optimizer combines momentum with adaptive learning rates.",
        &["adam", "optimizer", "momentum", "learning rate"],
    ),
    (
        "paper_004",
        "Gradient clipping prevents exploding gradients during training.",
        &["gradient", "clipping", "exploding", "training"],
    ),
    (
        "paper_005",
        "Policy gradient methods directly optimize the expected return.",
        &["policy gradient", "optimize", "return", "reinforcement"],
    ),
    (
        "paper_005",
        "Q-learning is an off-policy algorithm for learning action values.",
        &["q-learning", "off-policy", "action values"],
    ),
];

/// The built-in queries: (text, gold key points).
const SAMPLE_QUERIES: [(&str, [&str; 3]); 3] = [
    (
        "How do transformers process sequences?",
        [
            "self-attention mechanism",
            "parallel processing",
            "query-key-value computation",
        ],
    ),
    (
        "What are the main optimization techniques for neural networks?",
        ["backpropagation", "adam optimizer", "gradient clipping"],
    ),
    (
        "Compare policy gradient and Q-learning approaches.",
        [
            "policy gradient optimizes expected return",
            "Q-learning is off-policy",
            "action value learning",
        ],
    ),
];

pub(super) fn mini_corpus() -> Vec<Passage> {
    MINI_CORPUS
        .iter()
        .enumerate()
        .map(|(i, (paper, text, keywords))| Passage {
            id: PassageId::Given(format!("passage_{i:03}")),
            paper_id: paper.to_string(),
            text: text.to_string(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            relevance_score: 0.0,
        })
        .collect()
}

pub(super) fn sample_queries() -> Vec<Query> {
    SAMPLE_QUERIES
        .iter()
        .map(|(text, gold)| Query {
            text: text.to_string(),
            gold_key_points: gold.iter().map(|g| g.to_string()).collect(),
        })
        .collect()
}
