//! `swarm_sweep.run`: one scenario, one seed, in memory. The scenario is
//! loaded, set and checked as `swarm run` does it (`cli::run`); the epochs
//! come back as an Arrow IPC stream with the metrics CSV's columns, the
//! run's metrics as the runs table stores them (`sweep::rows`).

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use swarm_sweep::cli::assign;
use swarm_sweep::cli::run::apply_settings;
use swarm_sweep::metrics::{EpochMetrics, MetricValue};
use swarm_sweep::output::{csv, jsonl};
use swarm_sweep::scenario::{load_file, load_str, LoadOptions, Loaded, Semantics};
use swarm_sweep::sim::{self, RunResult};
use swarm_sweep::sweep::columns::{stored_columns, ColType, Table};
use swarm_sweep::sweep::plan::RunSpec;
use swarm_sweep::sweep::rows::{RunRows, Value};
use swarm_sweep::sweep::runner::{Outcome, RunRecord};

use crate::{bad_input, cli_error};

/// What `run` hands the Python layer.
#[pyclass(frozen, get_all)]
pub struct RunOutput {
    /// The per-epoch metrics, an Arrow IPC stream.
    epochs: Py<PyBytes>,
    /// The run's metrics: JSON, `{name: number}` (nulls left out).
    summary: String,
    /// The event log, JSON lines (with `events=True`).
    events: Option<Py<PyBytes>>,
    /// Every agent's final state: JSON, a list of objects.
    agents: String,
    warnings: Vec<String>,
    seed: i64,
    scenario_id: String,
}

/// Load a scenario from a file (`is_path`) or from YAML text, apply the
/// settings and fixes, run it with `seed` (else `simulation.seed`, else 0).
#[pyfunction]
#[pyo3(signature = (scenario, is_path, seed=None, settings=Vec::new(), events=false,
    strict=false, allow_unmodelled=false, fixes=Vec::new(), epochs=None, steps=None))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    scenario: &str,
    is_path: bool,
    seed: Option<i64>,
    settings: Vec<String>,
    events: bool,
    strict: bool,
    allow_unmodelled: bool,
    fixes: Vec<String>,
    epochs: Option<u32>,
    steps: Option<u32>,
) -> PyResult<RunOutput> {
    let opts = LoadOptions {
        strict,
        allow_unmodelled,
    };
    let origin = if is_path { scenario } else { "<scenario>" };
    let loaded = if is_path {
        load_file(Path::new(scenario), opts)
    } else {
        load_str(scenario, origin, opts)
    }
    .map_err(|e| bad_input(py, e.message))?;
    let Loaded {
        mut scenario,
        warnings,
        unmodelled,
    } = loaded;
    let mut warn: Vec<String> = warnings.into_iter().map(|w| w.message).collect();
    warn.extend(unmodelled.into_iter().map(|w| w.message));
    for fix in &fixes {
        if !scenario.semantics.set(fix, true) {
            let names: Vec<&str> = Semantics::OPTIONS.iter().map(|(n, _)| *n).collect();
            return Err(bad_input(
                py,
                format!(
                    "fixes: unknown option '{fix}' (valid: {})",
                    names.join(", ")
                ),
            ));
        }
    }
    let settings = settings
        .iter()
        .map(|a| assign::setting(a).map_err(|e| bad_input(py, e.to_string())))
        .collect::<PyResult<Vec<_>>>()?;
    apply_settings(&mut scenario, &settings, strict).map_err(|e| cli_error(py, e))?;
    for (name, value, target) in [
        ("epochs", epochs, &mut scenario.simulation.n_epochs),
        ("steps", steps, &mut scenario.simulation.steps_per_epoch),
    ] {
        match value {
            Some(0) => return Err(bad_input(py, format!("{name} must be at least 1"))),
            Some(n) => *target = n,
            None => {}
        }
    }
    sim::footprint::check(&scenario).map_err(|e| bad_input(py, format!("{e:#}")))?;
    let seed = match seed.or(scenario.simulation.seed) {
        Some(s) => s,
        None => {
            warn.push(format!(
                "{origin}: no simulation.seed and no seed given; using seed 0 (the reference \
                 would run unseeded)"
            ));
            0
        }
    };
    scenario.simulation.seed = Some(seed);
    if !scenario.unmodelled.is_empty() {
        warn.push(format!(
            "fidelity partial: these results differ from the reference's (not modelled: {})",
            scenario.unmodelled.join(", ")
        ));
    }

    // The simulation runs without the GIL: other Python threads go on.
    let (result, log) = py.detach(|| {
        if !events {
            return Ok((sim::run(&scenario, seed), None));
        }
        let ids = sim::agent_ids(&scenario);
        let mut sink = jsonl::JsonlEvents::new(Vec::new(), &scenario.scenario_id, seed, ids);
        let r = sim::run_with_events(&scenario, seed, &mut sink);
        sink.finish().map(|log| (r, Some(log)))
    })?;
    if let Some(why) = &result.unreproducible {
        return Err(bad_input(
            py,
            format!("{origin}: seed {seed}: the reference's result cannot be reproduced: {why}"),
        ));
    }
    let ipc = epochs_ipc(&csv::columns(&scenario), &result.epochs)
        .map_err(|e| crate::error(py, swarm_sweep::cli::exit::INTERNAL_ERROR, e.to_string()))?;
    Ok(RunOutput {
        epochs: PyBytes::new(py, &ipc).unbind(),
        summary: summary_json(&result, seed),
        events: log.map(|l| PyBytes::new(py, &l).unbind()),
        agents: agents_json(&result),
        warnings: warn,
        seed,
        scenario_id: scenario.scenario_id.clone(),
    })
}

/// The type of an epoch column: the epochs table's, else what the metric
/// holds in an empty epoch (`Int` or a float).
fn column_type(name: &str) -> DataType {
    let stored = stored_columns(Table::Epochs)
        .iter()
        .find(|(n, _)| *n == name);
    let int = match stored {
        Some((_, t)) => *t == ColType::Int,
        None => matches!(EpochMetrics::default().get(name), Some(MetricValue::Int(_))),
    };
    if int {
        DataType::Int64
    } else {
        DataType::Float64
    }
}

/// The epochs as one record batch (the CSV's columns and values; a missing
/// value is null) in an Arrow IPC stream.
fn epochs_ipc(cols: &[&str], epochs: &[EpochMetrics]) -> anyhow::Result<Vec<u8>> {
    let mut fields = Vec::with_capacity(cols.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(cols.len());
    for &name in cols {
        let t = column_type(name);
        let cells = epochs
            .iter()
            .map(|e| e.get(name).unwrap_or(MetricValue::Missing));
        let array: ArrayRef = if t == DataType::Int64 {
            Arc::new(Int64Array::from_iter(cells.map(|v| match v {
                MetricValue::Int(i) => Some(i as i64),
                MetricValue::Float(x) => Some(x as i64),
                MetricValue::Missing => None,
            })))
        } else {
            Arc::new(Float64Array::from_iter(cells.map(MetricValue::as_f64)))
        };
        fields.push(Field::new(name, t, true));
        arrays.push(array);
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?;
    let mut out = Vec::new();
    {
        let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut out, &batch.schema())?;
        w.write(&batch)?;
        w.finish()?;
    }
    Ok(out)
}

/// The run's metrics as runs.parquet stores them (one row of
/// `stored_columns(Table::Runs)`), nulls left out, as JSON.
fn summary_json(result: &RunResult, seed: i64) -> String {
    let rec = RunRecord {
        run: RunSpec {
            index: 0,
            config: 0,
            replicate: 0,
            seed,
            run_key: String::new(),
        },
        outcome: Outcome::Ok(Box::new(result.clone())),
        wall_time_s: 0.0,
    };
    let rows = RunRows::from_record(&rec);
    let mut map = serde_json::Map::new();
    for ((name, _), value) in stored_columns(Table::Runs).iter().zip(&rows.run) {
        let v = match *value {
            Value::Null => continue,
            Value::Int(i) => serde_json::Value::from(i),
            // NaN and infinities have no JSON form: null, read as NaN.
            Value::Float(x) => serde_json::Number::from_f64(x)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
        };
        map.insert((*name).to_string(), v);
    }
    serde_json::Value::Object(map).to_string()
}

/// The agents' final states (`sim::AgentFinal`) as JSON: `agent_type` is
/// the reference's `AgentType` value, `type` the scenario's `type:`.
fn agents_json(result: &RunResult) -> String {
    let agents: Vec<serde_json::Value> = result
        .agents
        .iter()
        .map(|a| {
            serde_json::json!({
                "agent_id": a.agent_id,
                "type": a.kind.as_str(),
                "agent_type": a.kind.archetype().as_str(),
                "reputation": a.reputation,
                "resources": a.resources,
                "total_payoff": a.total_payoff,
                "interactions_initiated": a.interactions_initiated,
                "interactions_received": a.interactions_received,
                "frozen": a.frozen,
                "quarantined": a.quarantined,
            })
        })
        .collect();
    serde_json::Value::Array(agents).to_string()
}
