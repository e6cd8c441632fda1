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

use super::columns::Table;
use super::expand;
use super::plan::SweepPlan;
use super::run_list::RunList;
use super::table::{Cell, TableWriter};
use crate::contract::{column, file, key, schema_version, table_name};
use crate::output::atomic::AtomicFile;
use crate::output::yaml;
use crate::scenario::emit;

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
    let path = dir.join(file::CONFIGS);
    let str_col = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let fields = column::CONFIGS.iter().map(|&name| match name {
        column::CONFIG_ID => Field::new(name, DataType::Int64, true),
        _ => Field::new(name, str_col(), true),
    });
    let schema = Arc::new(Schema::new(fields.collect::<Vec<_>>()));
    use key::sweep as k;
    let metadata = [
        (k::SCHEMA_VERSION, schema_version::SWEEP.to_string()),
        (k::TABLE, table_name::CONFIGS.to_string()),
        (k::NAME, plan.spec.name.clone()),
        (k::SPEC_HASH, plan.spec_hash()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .to_vec();
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
    let runs_dir = dir.join(file::RUNS_DIR);
    let path = runs_dir.join(file::RUN_INDEX);
    std::fs::create_dir_all(&runs_dir)
        .with_context(|| format!("cannot create {}", runs_dir.display()))?;
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
    let path = dir.join(file::CONFIGS);
    if !path.exists() {
        bail!(
            "{} has no {} (a sweep writes it when it completes; one run with an \
             earlier swarm-sweep lacks it: rerun the sweep, which reuses its runs)",
            dir.display(),
            file::CONFIGS
        );
    }
    let rows = read_columns(&path, column::CONFIGS)?;
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
    let runs = Table::Runs.file_name();
    let path = dir.join(runs);
    if !path.exists() {
        bail!(
            "{} has no {runs} (the sweep has not completed)",
            dir.display()
        );
    }
    let rows = read_columns(&path, &[column::RUN_KEY, column::CONFIG_ID, column::SEED])?;
    let row = rows
        .iter()
        .find(|r| r[0] == run_key)
        .ok_or_else(|| anyhow!("{}: no run with key {run_key} in {runs}", dir.display()))?;
    let int = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| anyhow!("{}: a bad row", path.display()))
    };
    Ok((int(&row[1])?, int(&row[2])?))
}
