//! The scholar handler (docs/model/scholar.md §2–§3): a corpus of passages
//! and a cycle of research queries; retrievals fill the epoch's passage
//! pool, syntheses add draft citations, verifications check them. Each
//! successful action returns observables for an interaction with a pseudo
//! counterparty (`corpus`, `synthesis_engine`, `verification_oracle`),
//! which the run loop finalizes without proposal and without drawing.
//! Nothing here draws: the agents' draws happen in their `act`.

mod data;
mod text;

pub use data::{Config, Passage, PassageId, Query};

use std::cell::RefCell;
use std::sync::Arc;

use super::events::Event;
use super::observables::Observables;
use super::party::Pseudo;
use crate::pyfloat::py_min;
use text::{py_lower, py_prefix, py_split, WordSet, STOP_WORDS};

/// A draft citation of the current epoch (cleared at every epoch start).
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// Run-wide sequence number (the reference's `citation_id` is a uuid4).
    pub id: u64,
    pub claim: String,
    pub paper_id: String,
    pub passage_id: PassageId,
    /// The corpus index of the first passage with `passage_id` (the one
    /// verification scores against).
    pub(crate) first_with_id: usize,
    pub is_adversarial: bool,
    pub verified: bool,
}

/// A scholar action, as compact as the reference's agents allow (an
/// [`Action`](super::agents::Action) stays small): the handler writes the
/// texts they would have written from the current query and pool, which
/// are unchanged between the agent's turn and the action's execution. The
/// entailment scores agents attach to their citations are left out: the
/// handler overwrites them at verification, and nothing reads them before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScholarAction {
    /// RETRIEVE_PASSAGES with the current query's full text as content.
    Retrieve,
    /// SYNTHESIZE_ANSWER over the current pool.
    Synthesize(Synthesis),
    /// VERIFY_CITATION of draft citation `citation` (its index in the
    /// epoch's list) with the agent's verdict.
    Verify { citation: u32, verdict: bool },
}

/// How a synthesizing agent builds its answer and citations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Synthesis {
    /// `synthesizer`: the first 5 pool passages cited honestly, and every
    /// gold key point the answer misses appended.
    Honest,
    /// `adversarial_retriever`: the first 5 pool passages, each cited as
    /// `claims[i]` says.
    Laundering([Claim; 5]),
    /// `adversarial_synthesizer`: the first 3 pool passages cited honestly,
    /// then at most one hallucinated claim (`int(3 · 0.4)` is 1).
    Hallucinating(Option<Hallucination>),
}

/// One citation of a laundering synthesis.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Claim {
    /// The passage's first 100 characters, at its relevance score.
    #[default]
    Honest,
    /// A misleading claim: the first 80 characters, with negation word
    /// `negation.1` inserted before word `negation.0` when they have more
    /// than three words.
    Planted { negation: Option<(u8, u8)> },
}

/// A hallucinated claim: one of [`HALLUCINATION_TEMPLATES`] about the
/// query's topic, citing pool passage `passage`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hallucination {
    pub template: u8,
    pub passage: u32,
}

/// The adversarial retriever's negation words, in the reference's order.
pub const NEGATIONS: [&str; 4] = ["not", "never", "rarely", "hardly"];

/// The adversarial synthesizer's templates, in the reference's order.
pub const HALLUCINATION_TEMPLATES: [&str; 4] = [
    "Recent studies have conclusively demonstrated that {topic}.",
    "Experts widely agree that {topic} represents a paradigm shift.",
    "The evidence overwhelmingly supports {topic}.",
    "Research has established that {topic} is fundamental.",
];

/// A successful scholar action: the interaction to finalize and the
/// action's own event (emitted before the finalization's).
pub struct Handled {
    pub counterparty: Pseudo,
    pub observables: Observables,
    pub event: Event<'static>,
}

/// The section's data with its word sets, built once per thread for a
/// configuration (tokenizing it was about a quarter of a small run), and
/// what every run computes alike from them.
#[derive(Debug)]
struct Prepared {
    corpus: Vec<Passage>,
    queries: Vec<Query>,
    /// Per query, what a retrieval finds: (score, corpus index), best
    /// first, at most `top_k` (a pure function of the query and the data).
    retrievals: Vec<Vec<(f64, usize)>>,
    /// Per corpus passage, the first corpus index with its id.
    first_with_id: Vec<usize>,
    /// Per corpus passage, its text's words less the stop words (the
    /// handler's entailment side of the passage).
    entailment_words: Vec<WordSet>,
}

impl Prepared {
    fn of(cfg: &Config) -> Arc<Prepared> {
        thread_local! {
            static LAST: RefCell<Option<(Config, Arc<Prepared>)>> = const { RefCell::new(None) };
        }
        LAST.with_borrow_mut(|last| {
            if let Some((c, data)) = last.as_ref() {
                if c == cfg {
                    return Arc::clone(data);
                }
            }
            let corpus = cfg.corpus.clone().unwrap_or_else(data::mini_corpus);
            let queries = cfg.queries.clone().unwrap_or_else(data::sample_queries);
            let terms: Vec<WordSet> = corpus.iter().map(Passage::terms).collect();
            let data = Arc::new(Prepared {
                retrievals: queries
                    .iter()
                    .map(|q| retrieval(&WordSet::words(&q.text), &terms, cfg.top_k))
                    .collect(),
                first_with_id: (0..corpus.len())
                    .map(|i| {
                        corpus
                            .iter()
                            .position(|p| p.id == corpus[i].id)
                            .unwrap_or(i)
                    })
                    .collect(),
                entailment_words: corpus
                    .iter()
                    .map(|p| WordSet::words(&p.text).minus(STOP_WORDS))
                    .collect(),
                corpus,
                queries,
            });
            *last = Some((cfg.clone(), Arc::clone(&data)));
            data
        })
    }
}

/// The top `top_k` corpus passages for a query's words: each scored by the
/// share of the query's words among its terms (at most 1), those above 0
/// kept, best first, ties in corpus order.
fn retrieval(query: &WordSet, terms: &[WordSet], top_k: i64) -> Vec<(f64, usize)> {
    let mut scored: Vec<(f64, usize)> = Vec::new();
    if !query.is_empty() {
        for (i, terms) in terms.iter().enumerate() {
            let score = query.overlap(terms) as f64 / query.len() as f64;
            let score = if score > 1.0 { 1.0 } else { score };
            if score > 0.0 {
                scored.push((score, i));
            }
        }
    }
    // Stable and descending: ties keep corpus order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.truncate(usize::try_from(top_k).unwrap_or(usize::MAX));
    scored
}

#[derive(Debug, Clone)]
pub struct Scholar {
    top_k: i64,
    entailment_threshold: f64,
    /// The run's relevance score of each corpus passage (each retrieval
    /// that keeps a passage writes it; nothing in a run reads it).
    relevance: Vec<f64>,
    /// What the section's data gives every run alike.
    data: Arc<Prepared>,
    current_query: usize,
    /// The epoch's retrieved passages: corpus indices, first-retrieval order.
    pool: Vec<usize>,
    drafts: Vec<Citation>,
    /// Syntheses of the whole run: never cleared (a reference bug that
    /// makes every later synthesis a no-op, §6).
    syntheses: u64,
    next_citation: u64,
}

impl Scholar {
    pub fn new(cfg: &Config) -> Scholar {
        let data = Prepared::of(cfg);
        Scholar {
            top_k: cfg.top_k,
            entailment_threshold: cfg.entailment_threshold,
            relevance: data.corpus.iter().map(|p| p.relevance_score).collect(),
            data,
            current_query: 0,
            pool: Vec::new(),
            drafts: Vec::new(),
            syntheses: 0,
            next_citation: 0,
        }
    }

    /// A handler on query `query` whose pool holds these corpus passages
    /// (for the agents' unit tests).
    #[cfg(test)]
    pub fn with_pool(cfg: &Config, query: usize, pool: &[usize]) -> Scholar {
        let mut s = Scholar::new(cfg);
        s.current_query = query;
        s.pool = pool.to_vec();
        s
    }

    // What agents observe (the reference's `scholar_*` observation fields).

    /// `scholar_query`: the current query, if there is any.
    pub fn query(&self) -> Option<&Query> {
        self.data.queries.get(self.current_query)
    }

    /// `scholar_passage_pool`, in pool order.
    pub fn pool(&self) -> impl ExactSizeIterator<Item = &Passage> + '_ {
        self.pool.iter().map(|&i| &self.data.corpus[i])
    }

    /// The run's relevance scores of the pool passages, in pool order.
    #[cfg(test)]
    fn pool_relevance(&self) -> Vec<f64> {
        self.pool.iter().map(|&i| self.relevance[i]).collect()
    }

    pub fn pool_is_empty(&self) -> bool {
        self.pool.is_empty()
    }

    /// `scholar_citation_to_verify`: the first unverified draft citation.
    pub fn citation_to_verify(&self) -> Option<(u32, &Citation)> {
        let (i, c) = self.drafts.iter().enumerate().find(|(_, c)| !c.verified)?;
        Some((i as u32, c))
    }

    /// Whether `scholar_synthesis_result` is set: any synthesis this run.
    pub fn has_synthesis(&self) -> bool {
        self.syntheses > 0
    }

    // Lifecycle hooks.

    /// Clear the pool and the draft citations (not the syntheses).
    pub fn on_epoch_start(&mut self) {
        self.pool.clear();
        self.drafts.clear();
    }

    /// Move to the next query; the handler's own `epoch_completed` event.
    pub fn on_epoch_end(&mut self, epoch: u32, step: u32) -> Event<'static> {
        self.current_query = (self.current_query + 1) % self.data.queries.len().max(1);
        Event::ScholarEpochCompleted {
            passages_retrieved: self.pool.len(),
            citations_verified: self.drafts.iter().filter(|c| c.verified).count(),
            syntheses_completed: self.syntheses,
            epoch,
            step,
        }
    }

    /// Handle `agent`'s action; `None` when it fails (no interaction).
    pub fn handle(
        &mut self,
        agent: usize,
        action: ScholarAction,
        epoch: u32,
        step: u32,
    ) -> Option<Handled> {
        match action {
            ScholarAction::Retrieve => self.retrieve(agent, epoch, step),
            ScholarAction::Synthesize(how) => self.synthesize(agent, how, epoch, step),
            ScholarAction::Verify { citation, verdict } => {
                self.verify(agent, citation, verdict, epoch, step)
            }
        }
    }

    fn retrieve(&mut self, agent: usize, epoch: u32, step: u32) -> Option<Handled> {
        self.query()?;
        let scored = &self.data.retrievals[self.current_query];
        for &(score, i) in scored {
            self.relevance[i] = score;
            if !self.pool.contains(&i) {
                self.pool.push(i);
            }
        }
        let n = scored.len();
        let progress = py_min(1.0, n as f64 / self.top_k as f64);
        Some(Handled {
            counterparty: Pseudo::Corpus,
            observables: Observables {
                task_progress: progress,
                rework_count: 0,
                verifier_rejections: 0,
                tool_misuse_flags: 0,
                engagement: progress * 0.5,
            },
            event: Event::ScholarRetrieval {
                agent,
                query: self.current_query,
                passages_retrieved: n,
                epoch,
                step,
            },
        })
    }

    fn synthesize(
        &mut self,
        agent: usize,
        how: Synthesis,
        epoch: u32,
        step: u32,
    ) -> Option<Handled> {
        let query = self.query()?;
        let (answer, citations) = self.compose(query, how);
        let answer = py_lower(&answer);
        let covered = query
            .gold_key_points
            .iter()
            .filter(|point| py_split(&py_lower(point)).any(|w| answer.contains(w)))
            .count();
        let coverage = covered as f64 / query.gold_key_points.len().max(1) as f64;
        let n_citations = citations.len();
        let adversarial = citations.iter().filter(|c| c.is_adversarial).count();
        self.next_citation += n_citations as u64;
        self.drafts.extend(citations);
        let synthesis = self.syntheses;
        self.syntheses += 1;
        Some(Handled {
            counterparty: Pseudo::SynthesisEngine,
            observables: Observables {
                task_progress: coverage,
                rework_count: 0,
                verifier_rejections: 0,
                tool_misuse_flags: adversarial as i64,
                engagement: coverage * 0.6,
            },
            event: Event::ScholarSynthesis {
                agent,
                query: self.current_query,
                synthesis,
                citations: n_citations,
                coverage,
                epoch,
                step,
            },
        })
    }

    /// The answer text and citations the synthesizing agent writes.
    fn compose(&self, query: &Query, how: Synthesis) -> (String, Vec<Citation>) {
        let pool: Vec<&Passage> = self.pool().collect();
        let mut next = self.next_citation;
        // A citation of pool passage `k`.
        let mut cite = |k: usize, claim: String, adversarial: bool| {
            next += 1;
            let p = pool[k];
            Citation {
                id: next - 1,
                claim,
                paper_id: p.paper_id.clone(),
                passage_id: p.id.clone(),
                first_with_id: self.data.first_with_id[self.pool[k]],
                is_adversarial: adversarial,
                verified: false,
            }
        };
        let honest = |p: &Passage| py_prefix(&p.text, 100).to_string();
        let mut citations = Vec::new();
        let answer = match how {
            Synthesis::Honest => {
                let mut parts = vec![format!("Based on the literature, {}", query.text)];
                for (k, p) in pool.iter().enumerate().take(5) {
                    parts.push(honest(p));
                    citations.push(cite(k, honest(p), false));
                }
                let mut answer = parts.join("\n\n");
                for point in &query.gold_key_points {
                    if !py_lower(&answer).contains(&py_lower(point)) {
                        answer.push_str(&format!("\n\nThe literature also discusses {point}."));
                    }
                }
                answer
            }
            Synthesis::Laundering(claims) => {
                let mut parts = vec![format!("According to the research, {}", query.text)];
                for (k, (p, claim)) in pool.iter().zip(claims).enumerate() {
                    let (text, adversarial) = match claim {
                        Claim::Honest => (honest(p), false),
                        Claim::Planted { negation } => (misleading_claim(&p.text, negation), true),
                    };
                    parts.push(text.clone());
                    citations.push(cite(k, text, adversarial));
                }
                parts.join("\n\n")
            }
            Synthesis::Hallucinating(hallucination) => {
                let mut parts = vec![format!("The literature shows that {}", query.text)];
                for (k, p) in pool.iter().enumerate().take(3) {
                    parts.push(honest(p));
                    citations.push(cite(k, honest(p), false));
                }
                if let Some(h) = hallucination {
                    let claim = HALLUCINATION_TEMPLATES[usize::from(h.template)]
                        .replace("{topic}", &hallucination_topic(&query.text));
                    parts.push(claim.clone());
                    citations.push(cite(h.passage as usize, claim, true));
                }
                parts.join("\n\n")
            }
        };
        (answer, citations)
    }

    fn verify(
        &mut self,
        agent: usize,
        citation: u32,
        verdict: bool,
        epoch: u32,
        step: u32,
    ) -> Option<Handled> {
        let c = self.drafts.get_mut(citation as usize)?;
        c.verified = true;
        let passage = c.first_with_id;
        let entailment = handler_entailment(
            &c.claim,
            &self.data.corpus[passage].text,
            &self.data.entailment_words[passage],
        );
        let valid = entailment >= self.entailment_threshold;
        let correct = verdict == valid;
        Some(Handled {
            counterparty: Pseudo::VerificationOracle,
            observables: Observables {
                task_progress: if correct { 0.2 } else { -0.1 },
                rework_count: if correct { 0 } else { 1 },
                verifier_rejections: if valid { 0 } else { 1 },
                tool_misuse_flags: i64::from(c.is_adversarial && valid),
                engagement: if correct { 0.3 } else { -0.2 },
            },
            event: Event::ScholarVerification {
                agent,
                citation: c.id,
                verdict,
                actual_valid: valid,
                entailment_score: entailment,
                is_adversarial: c.is_adversarial,
                epoch,
                step,
            },
        })
    }
}

/// The number of words of the first 80 characters of `text`, which decides
/// whether a misleading claim draws its negation.
pub fn misleading_words(text: &str) -> usize {
    py_split(py_prefix(text, 80)).count()
}

/// `_generate_misleading_claim`: the first 80 characters; with more than
/// three words, re-joined by single spaces with the negation inserted.
pub fn misleading_claim(text: &str, negation: Option<(u8, u8)>) -> String {
    let claim = py_prefix(text, 80);
    let Some((pos, word)) = negation else {
        return claim.to_string();
    };
    let mut words: Vec<&str> = py_split(claim).collect();
    words.insert(usize::from(pos), NEGATIONS[usize::from(word)]);
    words.join(" ")
}

/// The hallucination topic: words 2..6 of the query if it has more than
/// four, else the whole query.
fn hallucination_topic(query: &str) -> String {
    let words: Vec<&str> = py_split(query).collect();
    if words.len() > 4 {
        words[2..words.len().min(6)].join(" ")
    } else {
        query.to_string()
    }
}

/// The handler's `_compute_entailment`: stop-word-free claim words found in
/// the passage, as a fraction of the claim's. `passage_words`: the
/// passage's words less the stop words.
fn handler_entailment(claim: &str, passage: &str, passage_words: &WordSet) -> f64 {
    if claim.is_empty() || passage.is_empty() {
        return 0.0;
    }
    let claim_words = WordSet::words(claim);
    if claim_words.is_empty() {
        return 0.0;
    }
    let claim_words = claim_words.minus(STOP_WORDS);
    if claim_words.is_empty() {
        return 0.5;
    }
    let e = claim_words.overlap(passage_words) as f64 / claim_words.len() as f64;
    py_min(1.0, e)
}

/// The verifier agent's `_check_entailment`: as the handler's, except that a
/// claim of only whitespace is neutral (0.5) and nothing is clamped.
pub fn verifier_entailment(claim: &str, passage: &str) -> f64 {
    if claim.is_empty() || passage.is_empty() {
        return 0.0;
    }
    let claim_words = WordSet::words(claim).minus(STOP_WORDS);
    let passage_words = WordSet::words(passage).minus(STOP_WORDS);
    if claim_words.is_empty() {
        return 0.5;
    }
    claim_words.overlap(&passage_words) as f64 / claim_words.len() as f64
}

#[cfg(test)]
mod tests {
    //! Values traced from swarm-safety 1.9.0 (the built-in corpus and
    //! queries; docs/model/scholar.md §9).
    use super::*;
    use crate::sim::observables::{soft_label, v_hat, SIGMOID_K};

    fn labels(h: &Handled) -> (f64, f64) {
        let v = v_hat(&h.observables);
        (v, soft_label(v, SIGMOID_K))
    }

    fn handler(top_k: i64, threshold: f64) -> Scholar {
        Scholar::new(&Config {
            top_k,
            entailment_threshold: threshold,
            ..Config::default()
        })
    }

    fn pool_ids(s: &Scholar) -> Vec<PassageId> {
        s.pool().map(|p| p.id.clone()).collect()
    }

    fn given(i: usize) -> PassageId {
        PassageId::Given(format!("passage_{i:03}"))
    }

    #[test]
    fn retrieval_keeps_the_reference_passages_and_labels() {
        for (top_k, expected) in [
            (
                20,
                [
                    (0.42500000000000004, 0.700567142473973),
                    (0.525, 0.740774899182154),
                    (0.47500000000000003, 0.7211151780228631),
                ],
            ),
            (
                15,
                [
                    (0.43333333333333335, 0.7040516276171624),
                    (0.5666666666666668, 0.7564535292304043),
                    (0.5, 0.7310585786300049),
                ],
            ),
        ] {
            let mut s = handler(top_k, 0.7);
            for (q, want) in expected.into_iter().enumerate() {
                s.on_epoch_start();
                let h = s.handle(0, ScholarAction::Retrieve, q as u32, 0).unwrap();
                assert_eq!(h.counterparty, Pseudo::Corpus);
                assert_eq!(labels(&h), want, "top_k {top_k}, query {q}");
                s.on_epoch_end(q as u32, 10);
            }
        }
        // Query 1: 1/3 for passage_001, then 1/9 each in corpus order.
        let mut s = handler(20, 0.7);
        s.on_epoch_end(0, 10);
        s.handle(0, ScholarAction::Retrieve, 1, 0).unwrap();
        assert_eq!(pool_ids(&s), [1, 3, 4, 8, 9].map(given));
        assert_eq!(
            s.pool_relevance(),
            [1.0 / 3.0, 1.0 / 9.0, 1.0 / 9.0, 1.0 / 9.0, 1.0 / 9.0]
        );
        // A smaller top_k cuts after the stable sort.
        let mut s = handler(2, 0.7);
        s.on_epoch_end(0, 10);
        s.handle(0, ScholarAction::Retrieve, 1, 0).unwrap();
        assert_eq!(pool_ids(&s), [1, 3].map(given));
    }

    #[test]
    fn honest_synthesis_covers_every_gold_point() {
        let mut s = handler(20, 0.7);
        assert!(s
            .handle(0, ScholarAction::Synthesize(Synthesis::Honest), 0, 0)
            .is_some());
        s.on_epoch_start();
        s.handle(0, ScholarAction::Retrieve, 0, 0).unwrap();
        let h = s
            .handle(1, ScholarAction::Synthesize(Synthesis::Honest), 0, 0)
            .unwrap();
        assert_eq!(h.counterparty, Pseudo::SynthesisEngine);
        assert_eq!(labels(&h), (0.92, 0.8629487074245404));
        assert_eq!(s.drafts.len(), 1);
        assert!(s.has_synthesis());
        // Syntheses survive the epoch start; the drafts do not.
        s.on_epoch_start();
        assert!(s.has_synthesis() && s.citation_to_verify().is_none());
    }

    #[test]
    fn laundering_and_verification_match_the_seed_1_trace() {
        // scholar_bench/adversarial, seed 1, epoch 0: one pool passage
        // (passage_002), planted with "hardly" before word 1.
        let mut s = handler(20, 0.7);
        s.on_epoch_start();
        s.handle(0, ScholarAction::Retrieve, 0, 0).unwrap();
        let mut claims = [Claim::Honest; 5];
        claims[0] = Claim::Planted {
            negation: Some((1, 3)),
        };
        let h = s
            .handle(
                2,
                ScholarAction::Synthesize(Synthesis::Laundering(claims)),
                0,
                0,
            )
            .unwrap();
        assert_eq!(h.observables.tool_misuse_flags, 1);
        assert_eq!(h.observables.engagement, 0.39999999999999997);
        assert_eq!(labels(&h), (0.6466666666666666, 0.7847108560240134));
        let (i, c) = s.citation_to_verify().unwrap();
        assert_eq!(
            c.claim,
            "Transformers hardly use self-attention to process sequences in parallel."
        );
        assert_eq!(
            verifier_entailment(&c.claim, &s.data.corpus[2].text),
            6.0 / 7.0
        );
        let h = s
            .handle(
                6,
                ScholarAction::Verify {
                    citation: i,
                    verdict: true,
                },
                0,
                0,
            )
            .unwrap();
        assert_eq!(h.counterparty, Pseudo::VerificationOracle);
        assert_eq!(labels(&h), (0.44, 0.7068222210935676));
        assert!(s.citation_to_verify().is_none());
    }

    #[test]
    fn verification_observables_follow_the_reference_table() {
        // (verdict correct, valid, planted) → (v_hat, p), measured.
        let cases = [
            (true, true, false, 0.54, 0.7464939833376621),
            (true, true, true, 0.44, 0.7068222210935676),
            (false, true, false, 0.03999999999999998, 0.5199893401555817),
            (false, true, true, -0.060000000000000026, 0.4700359482354282),
            (true, false, false, 0.42000000000000004, 0.6984652160025387),
            (
                false,
                false,
                true,
                -0.08000000000000002,
                0.46008511544443426,
            ),
        ];
        for (correct, valid, planted, v, p) in cases {
            let mut s = handler(20, 0.7);
            s.on_epoch_start();
            s.handle(0, ScholarAction::Retrieve, 0, 0).unwrap();
            // A planted "not" keeps 6 of the 7 words: valid at 0.7.
            let mut claims = [Claim::Honest; 5];
            if planted {
                claims[0] = Claim::Planted {
                    negation: Some((1, 0)),
                };
            }
            if !valid {
                // No entailment reaches a threshold above 1.
                s.entailment_threshold = 1.0f64.next_up();
            }
            s.handle(
                1,
                ScholarAction::Synthesize(Synthesis::Laundering(claims)),
                0,
                0,
            )
            .unwrap();
            let verdict = if correct { valid } else { !valid };
            let h = s
                .handle(
                    2,
                    ScholarAction::Verify {
                        citation: 0,
                        verdict,
                    },
                    0,
                    0,
                )
                .unwrap();
            assert_eq!(labels(&h), (v, p), "{correct} {valid} {planted}");
        }
    }

    #[test]
    fn hallucinations_use_the_query_topic() {
        // Query 1, pool of passages 000-004: template 2, passage 2 (the
        // reference's choices on Random(5)).
        let mut s = handler(20, 0.7);
        s.on_epoch_end(0, 10);
        s.pool = vec![0, 1, 2, 3, 4];
        let h = Hallucination {
            template: 2,
            passage: 2,
        };
        let q = s.query().unwrap().clone();
        let (answer, citations) = s.compose(&q, Synthesis::Hallucinating(Some(h)));
        assert_eq!(citations.len(), 4);
        let last = &citations[3];
        assert_eq!(
            last.claim,
            "The evidence overwhelmingly supports the main optimization techniques."
        );
        assert_eq!(last.passage_id, given(2));
        assert!(last.is_adversarial && !citations[0].is_adversarial);
        assert!(answer.starts_with("The literature shows that What are the main"));
    }

    /// scholar_bench/adversarial.yaml as the reference runs it.
    const ADVERSARIAL: &str = "simulation: {n_epochs: 2, steps_per_epoch: 10}
scholar: {enabled: true, top_k: 20, entailment_threshold: 0.7, seed: 42}
payoff: {s_plus: 2.0, s_minus: 1.0, h: 2.0, theta: 0.5, rho_a: 0.1}
governance: {transaction_tax_rate: 0.02, reputation_decay_rate: 0.95, audit_enabled: true, audit_probability: 0.2, audit_threshold_p: 0.5}
agents:
  - {type: retriever, count: 2}
  - {type: adversarial_retriever, count: 1}
  - {type: adversarial_synthesizer, count: 1}
  - {type: synthesizer, count: 2}
  - {type: verifier, count: 3}
";

    #[test]
    fn handler_interactions_are_finalized_with_pseudo_counterparties() {
        use crate::scenario::{load_str, LoadOptions};
        use crate::sim::{run_with_events, Event, EventSink};
        struct Completed(Vec<(usize, usize, f64, f64, f64, f64, f64)>);
        impl EventSink for Completed {
            fn event(&mut self, e: &Event<'_>) {
                if let Event::InteractionCompleted {
                    initiator,
                    counterparty,
                    p,
                    c_a,
                    c_b,
                    payoff_initiator,
                    payoff_counterparty,
                    ..
                } = *e
                {
                    self.0.push((
                        initiator,
                        counterparty,
                        p,
                        c_a,
                        c_b,
                        payoff_initiator,
                        payoff_counterparty,
                    ));
                }
            }
        }
        let sc = load_str(ADVERSARIAL, "t.yaml", LoadOptions::default())
            .unwrap()
            .scenario;
        let mut sink = Completed(Vec::new());
        let result = run_with_events(&sc, 1, &mut sink);
        // Traced from the reference (seed 1): parties 9, 10, 11 are the
        // corpus, the synthesis engine and the verification oracle.
        assert_eq!(
            sink.0,
            [
                (
                    0,
                    9,
                    0.700567142473973,
                    0.011017014274219191,
                    0.011017014274219191,
                    0.47994712793153493,
                    0.5398336994367403
                ),
                (
                    2,
                    10,
                    0.7847108560240134,
                    0.0135413256807204,
                    0.0135413256807204,
                    0.6204671295601022,
                    0.6635249583552996
                ),
                (
                    6,
                    11,
                    0.7068222210935676,
                    0.011204666632807028,
                    0.011204666632807028,
                    0.49039310922625784,
                    0.5490286650075443
                ),
                (
                    0,
                    9,
                    0.740774899182154,
                    0.012223246975464619,
                    0.012223246975464619,
                    0.5470940816341971,
                    0.5989391017977663
                ),
            ]
        );
        // The counterparty's payoff counts in welfare; nothing is credited
        // to it.
        assert_eq!(result.epochs[0].soft.total_welfare, 3.343194689517479);
        // retriever_1: 0.1895501281997538 after epoch 0, decayed, then its
        // epoch-1 retrieval (the reference's event log).
        assert_eq!(result.agents[0].reputation, 0.4086242739964555);
        assert!(result.agents.iter().all(|a| a.interactions_received == 0));
    }

    #[test]
    fn scholar_actions_keep_every_action_small() {
        // Every agent turn returns an `Action` by value.
        assert!(std::mem::size_of::<crate::sim::agents::Action>() <= 24);
    }

    #[test]
    fn entailment_edge_cases_differ_only_on_blank_claims() {
        let handler_entailment =
            |c: &str, p: &str| handler_entailment(c, p, &WordSet::words(p).minus(STOP_WORDS));
        assert_eq!(handler_entailment(" ", "text"), 0.0);
        assert_eq!(verifier_entailment(" ", "text"), 0.5);
        assert_eq!(handler_entailment("the of", "text"), 0.5);
        assert_eq!(verifier_entailment("the of", "text"), 0.5);
        assert_eq!(handler_entailment("", "text"), 0.0);
        assert_eq!(verifier_entailment("x", ""), 0.0);
        assert_eq!(misleading_words("a b c"), 3);
        assert_eq!(misleading_claim("a  b c", None), "a  b c");
        assert_eq!(misleading_claim("a  b c d", Some((2, 1))), "a b never c d");
    }
}
