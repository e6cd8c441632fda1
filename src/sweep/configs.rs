//! A sweep's configurations as it ran them (docs/sweep.md, "Outputs"):
//! configs.parquet — one row per configuration with its id, scenario, label,
//! arm, the overrides that made it (JSON) and its fully resolved scenario
//! (YAML, `scenario::emit`) — and runs/index.tsv, which maps each per-run
//! folder (a run key) to its configuration and seed. `swarm-sweep show
//! --config` and `swarm-sweep rerun` read them back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::expand;
use super::plan::SweepPlan;
use super::run_list::RunList;
use super::table::{Cell, TableWriter, SCHEMA_VERSION};
use crate::output::atomic::AtomicFile;
use crate::output::yaml;
use crate::scenario::emit;

pub const FILE: &str = "configs.parquet";
/// Under `runs/`, beside the per-run folders.
pub const INDEX: &str = "index.tsv";

/// One configuration as configs.parquet holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigRow {
    pub config_id: i64,
    pub scenario: String,
    pub label: String,
    pub arm: String,
    /// `{"path": value, ...}`: the settings over the base scenario.
    pub overrides: String,
    /// The resolved scenario as a scenario file (without a seed).
    pub scenario_yaml: String,
}

/// Write `dir/configs.parquet` for `plan`.
pub fn write(plan: &SweepPlan, dir: &Path) -> Result<PathBuf> {
    let path = dir.join(FILE);
    let str_col = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let schema = Arc::new(Schema::new(vec![
        Field::new("config_id", DataType::Int64, true),
        Field::new("scenario", str_col(), true),
        Field::new("config_label", str_col(), true),
        Field::new("arm", str_col(), true),
        Field::new("overrides", str_col(), true),
        Field::new("scenario_yaml", str_col(), true),
    ]));
    let metadata = vec![
        ("swarm_sweep.schema_version".into(), SCHEMA_VERSION.into()),
        ("swarm_sweep.table".into(), "configs".into()),
        ("swarm_sweep.name".into(), plan.spec.name.clone()),
        ("swarm_sweep.spec_hash".into(), plan.spec_hash()),
    ];
    let mut w = TableWriter::create(&path, schema, metadata, 1024)?;
    let specs = expand::configs(&plan.spec);
    let seeds = plan
        .spec
        .seeds
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    for c in &plan.configs {
        let spec = &specs[c.id % specs.len()];
        let overrides: serde_json::Map<String, serde_json::Value> = spec
            .assignments
            .iter()
            .map(|a| (a.path.clone(), param_json(&a.value)))
            .collect();
        let overrides = serde_json::Value::Object(overrides).to_string();
        let base = &plan.bases[c.base];
        let header = vec![
            format!(
                "Configuration {} of sweep '{}': {} (base {})",
                c.id, plan.spec.name, c.label, base.path
            ),
            format!("Overrides: {overrides}"),
            format!("Each run sets simulation.seed to one of: {seeds}"),
        ];
        let text = emit::to_yaml(&c.scenario, &header);
        w.push(Cell::Int(c.id as i64));
        w.push(Cell::Str(&base.scenario_id));
        w.push(Cell::Str(&c.label));
        w.push(Cell::Str(&c.arm));
        w.push(Cell::Str(&overrides));
        w.push(Cell::Str(&text));
        w.end_row()?;
    }
    w.finish()?;
    Ok(path)
}

fn param_json(v: &crate::scenario::params::ParamValue) -> serde_json::Value {
    use crate::scenario::params::ParamValue;
    match v {
        ParamValue::Bool(b) => (*b).into(),
        ParamValue::Int(i) => (*i).into(),
        ParamValue::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| yaml::float(*f).into()),
        ParamValue::Str(s) => s.clone().into(),
    }
}

/// Write `dir/runs/index.tsv`: the runs `runs` of the plan (as `--dry-run` lists
/// them: run, run_key, scenario, config_id, arm, replicate, seed,
/// config_label).
pub fn write_index(plan: &SweepPlan, runs: &RunList, dir: &Path) -> Result<PathBuf> {
    let path = dir.join("runs").join(INDEX);
    std::fs::create_dir_all(dir.join("runs"))
        .with_context(|| format!("cannot create {}", dir.join("runs").display()))?;
    let mut f =
        AtomicFile::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    super::summary::run_list(plan, runs, f.writer())
        .and_then(|()| f.commit())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Every row of columns `names` of the Parquet file at `path`, as text
/// (strings, integers; null as empty).
fn read_columns(path: &Path, names: &[&str]) -> Result<Vec<Vec<String>>> {
    let file = crate::input::open_regular(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    let schema = builder.schema().clone();
    let idx: Vec<usize> = names
        .iter()
        .map(|n| {
            schema
                .index_of(n)
                .map_err(|_| anyhow!("{}: no column {n}", path.display()))
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for batch in builder.build()? {
        let batch = batch.with_context(|| format!("cannot read {}", path.display()))?;
        let cols: Vec<&ArrayRef> = idx.iter().map(|&i| batch.column(i)).collect();
        for r in 0..batch.num_rows() {
            let row = cols
                .iter()
                .map(|a| text(a, r))
                .collect::<Result<Vec<_>>>()?;
            out.push(row);
        }
    }
    Ok(out)
}

fn text(a: &ArrayRef, r: usize) -> Result<String> {
    if a.is_null(r) {
        return Ok(String::new());
    }
    Ok(match a.data_type() {
        DataType::Dictionary(_, _) => {
            let d = a.as_dictionary::<Int32Type>();
            let k = d.keys().value(r) as usize;
            d.values().as_string::<i32>().value(k).to_string()
        }
        DataType::Utf8 => a.as_string::<i32>().value(r).to_string(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(r).to_string(),
        other => bail!("a column of type {other}"),
    })
}

/// Configuration `id` of the sweep in `dir`.
pub fn read(dir: &Path, id: i64) -> Result<ConfigRow> {
    let path = dir.join(FILE);
    if !path.exists() {
        bail!(
            "{} has no {FILE} (a sweep writes it when it completes; one run with an \
             earlier swarm-sweep lacks it: rerun the sweep, which reuses its runs)",
            dir.display()
        );
    }
    let rows = read_columns(
        &path,
        &[
            "config_id",
            "scenario",
            "config_label",
            "arm",
            "overrides",
            "scenario_yaml",
        ],
    )?;
    let n = rows.len();
    let row = rows
        .into_iter()
        .find(|r| r[0] == id.to_string())
        .ok_or_else(|| {
            anyhow!(
                "{} has no configuration {id} (it has 0 to {})",
                dir.display(),
                n.saturating_sub(1)
            )
        })?;
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or_default();
    Ok(ConfigRow {
        config_id: next().parse().unwrap_or(id),
        scenario: next(),
        label: next(),
        arm: next(),
        overrides: next(),
        scenario_yaml: next(),
    })
}

/// A run of the sweep in `dir`, by its key: its configuration and seed
/// (from runs.parquet).
pub fn find_run(dir: &Path, run_key: &str) -> Result<(i64, i64)> {
    let path = dir.join(super::table::Table::Runs.file_name());
    if !path.exists() {
        bail!(
            "{} has no runs.parquet (the sweep has not completed)",
            dir.display()
        );
    }
    let rows = read_columns(&path, &["run_key", "config_id", "seed"])?;
    let row = rows.iter().find(|r| r[0] == run_key).ok_or_else(|| {
        anyhow!(
            "{}: no run with key {run_key} in runs.parquet",
            dir.display()
        )
    })?;
    let int = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| anyhow!("{}: a bad row", path.display()))
    };
    Ok((int(&row[1])?, int(&row[2])?))
}
