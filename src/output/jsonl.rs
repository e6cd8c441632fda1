//! The event log: one JSON object per line with the reference's 19 keys in
//! its order (docs/model/outputs.md §2). Differences, on purpose: ids
//! derive from the run (no random UUIDs), `timestamp` is null (no wall
//! clock), and interaction records carry the real p and v_hat.

use std::io::{self, Write};
use std::path::Path;

use super::atomic::AtomicFile;
use super::format::py_float;
use crate::metrics::{EpochMetrics, COLLUSION_COLUMNS, EPOCH_COLUMNS, SECURITY_COLUMNS};
use crate::sim::party::party_id;
use crate::sim::{Event, EventSink};

/// A JSON object written key by key, in insertion order, with Python's
/// `json.dumps` separators.
#[derive(Default)]
struct Obj(String);

impl Obj {
    fn key(&mut self, k: &str) -> &mut String {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        if self.0.len() > 1 {
            self.0.push(' ');
        }
        self.0.push('"');
        self.0.push_str(k);
        self.0.push_str("\": ");
        &mut self.0
    }
    fn str(&mut self, k: &str, v: &str) -> &mut Self {
        let s = serde_json::to_string(v).expect("strings serialize");
        self.key(k).push_str(&s);
        self
    }
    fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => self.raw(k, "null"),
        }
    }
    fn raw(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k).push_str(v);
        self
    }
    fn f(&mut self, k: &str, v: f64) -> &mut Self {
        self.raw(k, &py_float(v))
    }
    fn int(&mut self, k: &str, v: u64) -> &mut Self {
        self.raw(k, &v.to_string())
    }
    fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.raw(k, if v { "true" } else { "false" })
    }
    fn opt_int(&mut self, k: &str, v: Option<u32>) -> &mut Self {
        match v {
            Some(v) => self.int(k, v as u64),
            None => self.raw(k, "null"),
        }
    }
    fn finish(&mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        std::mem::take(&mut self.0)
    }
}

/// The metrics dict of an `epoch_completed` payload.
pub fn epoch_payload(m: &EpochMetrics) -> String {
    let mut o = Obj::default();
    for col in EPOCH_COLUMNS
        .iter()
        .chain(SECURITY_COLUMNS)
        .chain(COLLUSION_COLUMNS)
    {
        match m.get(col) {
            Some(crate::metrics::MetricValue::Int(i)) => o.int(col, i),
            Some(crate::metrics::MetricValue::Float(x)) => o.f(col, x),
            _ => continue,
        };
    }
    if let Some(c) = &m.capability_envelope {
        let mut e = Obj::default();
        e.f("mean_envelope", c.mean_envelope)
            .f("mean_governance_coverage", c.mean_governance_coverage)
            .f("mean_governance_gap", c.mean_governance_gap)
            .f("max_governance_gap", c.max_governance_gap)
            .int("n_self_mod_agents", c.n_self_mod_agents)
            .int("max_modification_depth", c.max_modification_depth);
        o.raw("capability_envelope_metrics", &e.finish());
    }
    o.finish()
}

/// One event record, but for its id and what every record of the run
/// shares: a field left at its default is written as null.
#[derive(Default)]
struct Record {
    event_type: &'static str,
    /// The interaction's number in the run (its id derives from it).
    interaction: Option<u64>,
    agent: Option<usize>,
    initiator: Option<usize>,
    counterparty: Option<usize>,
    /// A JSON object.
    payload: String,
    epoch: Option<u32>,
    step: Option<u32>,
}

impl Record {
    /// A record of the run as a whole: no agent, no interaction.
    fn of_run(event_type: &'static str, payload: String) -> Record {
        Record {
            event_type,
            payload,
            ..Record::default()
        }
    }

    /// A record of one agent's doing, outside any interaction.
    fn of_agent(event_type: &'static str, agent: usize, payload: String) -> Record {
        Record {
            agent: Some(agent),
            ..Record::of_run(event_type, payload)
        }
    }

    /// A record of interaction number `interaction` between two parties.
    fn of_interaction(
        event_type: &'static str,
        interaction: u64,
        initiator: usize,
        counterparty: usize,
        payload: String,
    ) -> Record {
        Record {
            interaction: Some(interaction),
            initiator: Some(initiator),
            counterparty: Some(counterparty),
            ..Record::of_run(event_type, payload)
        }
    }

    /// At `step` of `epoch`.
    fn at(self, epoch: u32, step: u32) -> Record {
        Record {
            epoch: Some(epoch),
            step: Some(step),
            ..self
        }
    }

    /// In `epoch`, at no particular step.
    fn in_epoch(self, epoch: u32) -> Record {
        Record {
            epoch: Some(epoch),
            ..self
        }
    }
}

/// Writes events as JSONL; I/O errors are kept and reported by `finish`.
pub struct JsonlEvents<W: Write> {
    out: W,
    scenario_id: String,
    seed: i64,
    agent_ids: Vec<String>,
    n: u64,
    error: Option<io::Error>,
}

impl<W: Write> JsonlEvents<W> {
    pub fn new(out: W, scenario_id: &str, seed: i64, agent_ids: Vec<String>) -> Self {
        JsonlEvents {
            out,
            scenario_id: scenario_id.to_string(),
            seed,
            agent_ids,
            n: 0,
            error: None,
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn interaction_id(&self, n: u64) -> String {
        format!("{}-s{}-ix{}", self.scenario_id, self.seed, n)
    }

    fn record(&mut self, r: Record) {
        let id = |a: Option<usize>| a.map(|i| party_id(&self.agent_ids, i));
        let mut o = Obj::default();
        o.str(
            "event_id",
            &format!("{}-s{}-ev{}", self.scenario_id, self.seed, self.n),
        )
        .raw("timestamp", "null")
        .str("event_type", r.event_type)
        .opt_str(
            "interaction_id",
            r.interaction.map(|n| self.interaction_id(n)).as_deref(),
        )
        .opt_str("agent_id", id(r.agent))
        .opt_str("initiator_id", id(r.initiator))
        .opt_str("counterparty_id", id(r.counterparty))
        .raw("payload", &r.payload)
        .opt_int("epoch", r.epoch)
        .opt_int("step", r.step)
        .str("scenario_id", &self.scenario_id)
        .int("replay_k", 0)
        .raw("seed", &self.seed.to_string());
        for k in [
            "provenance_id",
            "parent_event_id",
            "tool_call_id",
            "artifact_id",
            "audit_id",
            "intervention_id",
        ] {
            o.raw(k, "null");
        }
        let line = o.finish();
        self.n += 1;
        if self.error.is_none() {
            if let Err(e) = writeln!(self.out, "{line}") {
                self.error = Some(e);
            }
        }
    }
}

impl<W: Write> JsonlEvents<W> {
    /// The id of a scholar query, synthesis or citation, or of a memory
    /// entry (uuid4s in the reference), from the run and its number.
    fn scholar_id(&self, what: &str, n: u64) -> String {
        format!("{}-s{}-{what}{n}", self.scenario_id, self.seed)
    }

    /// Records of interactions between agents and what follows from them.
    fn interaction_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::InteractionProposed {
                interaction,
                initiator,
                counterparty,
                interaction_type,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .str("interaction_type", interaction_type)
                    .finish();
                self.record(
                    Record::of_interaction(
                        "interaction_proposed",
                        interaction,
                        initiator,
                        counterparty,
                        payload,
                    )
                    .at(epoch, step),
                );
            }
            Event::ReputationUpdated {
                agent,
                old,
                new,
                delta,
                reason,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .f("old_reputation", old)
                    .f("new_reputation", new)
                    .f("delta", delta)
                    .str("reason", reason.as_str())
                    .finish();
                self.record(Record::of_agent("reputation_updated", agent, payload).at(epoch, step));
            }
            Event::GovernanceCostApplied {
                interaction,
                initiator,
                counterparty,
                cost_a,
                cost_b,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .f("cost_a", cost_a)
                    .f("cost_b", cost_b)
                    .finish();
                self.record(
                    Record::of_interaction(
                        "governance_cost_applied",
                        interaction,
                        initiator,
                        counterparty,
                        payload,
                    )
                    .at(epoch, step),
                );
            }
            Event::InteractionCompleted {
                interaction,
                initiator,
                counterparty,
                interaction_type,
                accepted,
                p,
                v_hat,
                tau,
                c_a,
                c_b,
                payoff_initiator,
                payoff_counterparty,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .bool("accepted", accepted)
                    .f("payoff_initiator", payoff_initiator)
                    .f("payoff_counterparty", payoff_counterparty)
                    .str("interaction_type", interaction_type)
                    .f("p", p)
                    .f("v_hat", v_hat)
                    .f("c_a", c_a)
                    .f("c_b", c_b)
                    .finish();
                self.record(
                    Record::of_interaction(
                        "interaction_completed",
                        interaction,
                        initiator,
                        counterparty,
                        payload,
                    )
                    .at(epoch, step),
                );
                let components = Obj::default()
                    .f("p", p)
                    .f("v_hat", v_hat)
                    .f("tau", tau)
                    .bool("accepted", accepted)
                    .finish();
                let payload = Obj::default()
                    .f("payoff_initiator", payoff_initiator)
                    .f("payoff_counterparty", payoff_counterparty)
                    .raw("components", &components)
                    .finish();
                self.record(
                    Record::of_interaction(
                        "payoff_computed",
                        interaction,
                        initiator,
                        counterparty,
                        payload,
                    )
                    .at(epoch, step),
                );
            }
            _ => unreachable!("event() sends only these here"),
        }
    }

    /// Records of the dynamic-toxicity modes' epoch reports.
    fn dynamic_toxicity_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::ProxyDrift {
                epoch,
                epoch_toxicity,
                cumulative_toxicity,
                sigmoid_k_old,
                sigmoid_k_new,
            } => {
                let payload = Obj::default()
                    .str("dynamic_toxicity_type", "proxy_calibration_drift")
                    .f("epoch_toxicity", epoch_toxicity)
                    .f("cumulative_toxicity", cumulative_toxicity)
                    .f("sigmoid_k_old", sigmoid_k_old)
                    .f("sigmoid_k_new", sigmoid_k_new)
                    .finish();
                self.record(Record::of_run("epoch_completed", payload).in_epoch(epoch));
            }
            Event::TrustErosion {
                epoch,
                rolling_toxicity,
                exit_threshold,
                exit_probability,
                agents_exited,
                remaining_honest,
            } => {
                let ids: Vec<&str> = agents_exited
                    .iter()
                    .map(|&i| self.agent_ids[i].as_str())
                    .collect();
                let ids = serde_json::to_string(&ids).expect("strings serialize");
                let payload = Obj::default()
                    .str("dynamic_toxicity_type", "trust_erosion")
                    .f("rolling_toxicity", rolling_toxicity)
                    .f("exit_threshold", exit_threshold)
                    .f("exit_probability", exit_probability)
                    .raw("agents_exited", &ids.replace("\",\"", "\", \""))
                    .int("remaining_honest", remaining_honest as u64)
                    .finish();
                self.record(Record::of_run("epoch_completed", payload).in_epoch(epoch));
            }
            Event::QualityContagion {
                epoch,
                agents_updated,
                bias_min,
                bias_max,
                bias_mean,
            } => {
                let payload = Obj::default()
                    .str("dynamic_toxicity_type", "quality_contagion")
                    .int("agents_updated", agents_updated as u64)
                    .f("bias_min", bias_min)
                    .f("bias_max", bias_max)
                    .f("bias_mean", bias_mean)
                    .finish();
                self.record(Record::of_run("epoch_completed", payload).in_epoch(epoch));
            }
            _ => unreachable!("event() sends only these here"),
        }
    }

    /// Records of the scholar module's retrievals, syntheses, verifications and epoch counts.
    fn scholar_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::ScholarRetrieval {
                agent,
                query,
                passages_retrieved,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .str("query_id", &self.scholar_id("query", query as u64))
                    .int("passages_retrieved", passages_retrieved as u64)
                    .finish();
                self.record(Record::of_agent("scholar_retrieval", agent, payload).at(epoch, step));
            }
            Event::ScholarSynthesis {
                agent,
                query,
                synthesis,
                citations,
                coverage,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .str("query_id", &self.scholar_id("query", query as u64))
                    .str("synthesis_id", &self.scholar_id("synthesis", synthesis))
                    .int("citations_count", citations as u64)
                    .f("coverage", coverage)
                    .finish();
                self.record(Record::of_agent("scholar_synthesis", agent, payload).at(epoch, step));
            }
            Event::ScholarVerification {
                agent,
                citation,
                verdict,
                actual_valid,
                entailment_score,
                is_adversarial,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .str("citation_id", &self.scholar_id("citation", citation))
                    .bool("verdict", verdict)
                    .bool("actual_valid", actual_valid)
                    .f("entailment_score", entailment_score)
                    .bool("is_adversarial", is_adversarial)
                    .finish();
                self.record(
                    Record::of_agent("scholar_verification", agent, payload).at(epoch, step),
                );
            }
            Event::ScholarEpochCompleted {
                passages_retrieved,
                citations_verified,
                syntheses_completed,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .int("scholar_passages_retrieved", passages_retrieved as u64)
                    .int("scholar_citations_verified", citations_verified as u64)
                    .int("scholar_syntheses_completed", syntheses_completed)
                    .finish();
                self.record(Record::of_run("epoch_completed", payload).at(epoch, step));
            }
            _ => unreachable!("event() sends only these here"),
        }
    }

    /// Records of spawned and dead agents and the Tierra epoch report.
    fn alife_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::AgentSpawned {
                agent,
                parent,
                name,
                depth,
                inherited_reputation,
                initial_resources,
                spawn_cost,
                epoch,
                step,
            } => {
                debug_assert_eq!(agent, self.agent_ids.len());
                self.agent_ids.push(name.to_string());
                let payload = Obj::default()
                    .str("parent_id", &self.agent_ids[parent].clone())
                    .str("child_type", "tierra")
                    .raw("depth", &depth.to_string())
                    .f("inherited_reputation", inherited_reputation)
                    .f("initial_resources", initial_resources)
                    .f("spawn_cost", spawn_cost)
                    .finish();
                self.record(Record::of_agent("agent_spawned", agent, payload).at(epoch, step));
            }
            Event::AgentDied {
                agent,
                reason,
                resources_returned,
            } => {
                let payload = Obj::default()
                    .str("reason", reason)
                    .f("resources_returned", resources_returned)
                    .bool("frozen", true)
                    .finish();
                self.record(Record::of_agent("agent_state_updated", agent, payload));
            }
            Event::TierraEpochCompleted(t) => {
                let mut means = Obj::default();
                if let Some(m) = &t.genome_means {
                    for (name, v) in crate::sim::agents::tierra::GENE_NAMES.iter().zip(m) {
                        means.f(name, *v);
                    }
                }
                let metrics = Obj::default()
                    .int("population", t.population as u64)
                    .f("resource_pool", t.resource_pool)
                    .f("total_resources_held", t.total_resources_held)
                    .int("births", u64::from(t.births))
                    .int("deaths", u64::from(t.deaths))
                    .raw("genome_means", &means.finish())
                    .finish();
                let payload = Obj::default().raw("tierra_metrics", &metrics).finish();
                self.record(Record::of_run("epoch_completed", payload));
            }
            _ => unreachable!("event() sends only these here"),
        }
    }

    /// Records of the memory tiers' writes, compactions and cache rebuilds.
    fn memory_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::MemoryCacheRebuilt {
                cache_size,
                epoch,
                step,
            } => {
                let payload = Obj::default().int("cache_size", cache_size as u64).finish();
                self.record(Record::of_run("memory_cache_rebuilt", payload).at(epoch, step));
            }
            Event::MemoryWritten {
                agent,
                entry,
                tier,
                quality,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .str("entry_id", &self.scholar_id("entry", entry))
                    .str("tier", tier)
                    .f("quality", quality)
                    .finish();
                self.record(Record::of_agent("memory_written", agent, payload).at(epoch, step));
            }
            Event::MemoryCompaction {
                agent,
                entries_lost,
                epoch,
                step,
            } => {
                let payload = Obj::default()
                    .int("entries_lost", entries_lost as u64)
                    .finish();
                self.record(Record::of_agent("memory_compaction", agent, payload).at(epoch, step));
            }
            _ => unreachable!("event() sends only these here"),
        }
    }
}

impl<W: Write> EventSink for JsonlEvents<W> {
    fn event(&mut self, event: &Event<'_>) {
        match *event {
            Event::AgentCreated {
                agent,
                archetype,
                name,
            } => {
                let payload = Obj::default()
                    .str("agent_type", archetype.as_str())
                    .str("name", name)
                    .raw("roles", "[]")
                    .finish();
                self.record(Record::of_agent("agent_created", agent, payload).at(0, 0));
            }
            Event::SimulationStarted {
                n_epochs,
                steps_per_epoch,
                n_agents,
            } => {
                let payload = Obj::default()
                    .int("n_epochs", n_epochs as u64)
                    .int("steps_per_epoch", steps_per_epoch as u64)
                    .int("n_agents", n_agents as u64)
                    .raw("seed", &self.seed.to_string())
                    .str("scenario_id", &self.scenario_id.clone())
                    .int("replay_k", 0)
                    .finish();
                self.record(Record::of_run("simulation_started", payload));
            }
            Event::NetworkEdgesPruned { pruned, epoch } => {
                let payload = Obj::default()
                    .int("network_edges_pruned", pruned as u64)
                    .finish();
                self.record(Record::of_run("epoch_completed", payload).in_epoch(epoch));
            }
            Event::EpochCompleted(m) => {
                let payload = epoch_payload(m);
                self.record(Record::of_run("epoch_completed", payload).in_epoch(m.epoch));
            }
            Event::SimulationEnded {
                total_epochs,
                final_metrics,
            } => {
                let fm = final_metrics.map_or_else(|| "{}".to_string(), epoch_payload);
                let payload = Obj::default()
                    .int("total_epochs", total_epochs as u64)
                    .raw("final_metrics", &fm)
                    .finish();
                self.record(Record::of_run("simulation_ended", payload));
            }
            Event::InteractionProposed { .. }
            | Event::ReputationUpdated { .. }
            | Event::GovernanceCostApplied { .. }
            | Event::InteractionCompleted { .. } => self.interaction_event(event),
            Event::ProxyDrift { .. }
            | Event::TrustErosion { .. }
            | Event::QualityContagion { .. } => self.dynamic_toxicity_event(event),
            Event::ScholarRetrieval { .. }
            | Event::ScholarSynthesis { .. }
            | Event::ScholarVerification { .. }
            | Event::ScholarEpochCompleted { .. } => self.scholar_event(event),
            Event::AgentSpawned { .. }
            | Event::AgentDied { .. }
            | Event::TierraEpochCompleted(_) => self.alife_event(event),
            Event::MemoryCacheRebuilt { .. }
            | Event::MemoryWritten { .. }
            | Event::MemoryCompaction { .. } => self.memory_event(event),
        }
    }
}

/// Run `scenario` with `seed`, writing its events to `path` atomically.
pub fn write_events_jsonl(
    path: &Path,
    scenario: &crate::scenario::Scenario,
    seed: i64,
) -> io::Result<crate::sim::RunResult> {
    let mut f = AtomicFile::create(path)?;
    let ids = crate::sim::agent_ids(scenario);
    let mut sink = JsonlEvents::new(f.writer(), &scenario.scenario_id, seed, ids);
    let result = crate::sim::run_with_events(scenario, seed, &mut sink);
    sink.finish()?;
    f.commit()?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_toxicity_events_carry_the_references_payloads() {
        // The reference's record for epoch 1 of
        // dynamic_toxicity_trust_erosion_aggressive.yaml, seed 1.
        let ids = [
            "honest_1", "honest_2", "honest_3", "honest_4", "honest_5", "honest_6", "honest_7",
        ];
        let mut sink = JsonlEvents::new(
            Vec::new(),
            "dt",
            1,
            ids.iter().map(|s| s.to_string()).collect(),
        );
        sink.event(&Event::TrustErosion {
            epoch: 1,
            rolling_toxicity: 0.3239516229319581,
            exit_threshold: 0.25,
            exit_probability: 0.04437097375917487,
            agents_exited: &[2, 6],
            remaining_honest: 5,
        });
        sink.event(&Event::ProxyDrift {
            epoch: 0,
            epoch_toxicity: 0.2854597658691419,
            cumulative_toxicity: 0.2854597658691419,
            sigmoid_k_old: 2.0,
            sigmoid_k_new: 1.8287241404785148,
        });
        let text = String::from_utf8(sink.finish().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains(r#""event_type": "epoch_completed", "interaction_id": null, "agent_id": null, "initiator_id": null, "counterparty_id": null, "payload": {"dynamic_toxicity_type": "trust_erosion", "rolling_toxicity": 0.3239516229319581, "exit_threshold": 0.25, "exit_probability": 0.04437097375917487, "agents_exited": ["honest_3", "honest_7"], "remaining_honest": 5}, "epoch": 1, "step": null"#), "{}", lines[0]);
        assert!(lines[1].contains(r#""payload": {"dynamic_toxicity_type": "proxy_calibration_drift", "epoch_toxicity": 0.2854597658691419, "cumulative_toxicity": 0.2854597658691419, "sigmoid_k_old": 2.0, "sigmoid_k_new": 1.8287241404785148}, "epoch": 0, "step": null"#), "{}", lines[1]);
    }
}
