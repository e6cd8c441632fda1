//! The reference's history JSON (`swarm run --export-json`): the epoch rows
//! are the objects of `epoch_snapshots`; agents and events are not used.

use std::path::Path;

use serde_json::Value;

use super::{Column, EpochTable, SourceFormat};
use crate::analysis::error::AnalysisError;

/// Column order of the reference's epoch snapshot (its epochs CSV).
const SNAPSHOT_ORDER: &[&str] = &[
    "simulation_id",
    "epoch",
    "timestamp",
    "total_interactions",
    "accepted_interactions",
    "rejected_interactions",
    "toxicity_rate",
    "quality_gap",
    "avg_p",
    "total_welfare",
    "avg_payoff",
    "payoff_std",
    "gini_coefficient",
    "total_posts",
    "total_votes",
    "total_tasks_completed",
    "n_agents",
    "n_frozen",
    "n_quarantined",
    "avg_reputation",
    "reputation_std",
    "n_edges",
    "avg_degree",
    "avg_clustering",
    "n_components",
    "ecosystem_threat_level",
    "active_threats",
    "contagion_depth",
    "ecosystem_collusion_risk",
    "n_flagged_pairs",
    "avg_coordination_score",
    "avg_synergy_score",
    "tasks_completed",
];

fn number(v: &Value) -> Result<Option<f64>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(f64::from(u8::from(*b)))),
        Value::Number(n) => Ok(n.as_f64().filter(|x| !x.is_nan())),
        _ => Err(()),
    }
}

pub fn parse(text: &str, path: &Path) -> Result<EpochTable, AnalysisError> {
    let bad = |message: String| AnalysisError::BadJson {
        path: path.to_path_buf(),
        message,
    };
    let doc: Value = serde_json::from_str(text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let snaps = doc
        .get("epoch_snapshots")
        .ok_or_else(|| bad("not a SWARM history JSON: no `epoch_snapshots`".into()))?
        .as_array()
        .ok_or_else(|| bad("`epoch_snapshots` is not a list".into()))?;
    let mut rows = Vec::with_capacity(snaps.len());
    for (i, s) in snaps.iter().enumerate() {
        rows.push(
            s.as_object()
                .ok_or_else(|| bad(format!("epoch_snapshots[{i}] is not an object")))?,
        );
    }
    // Known keys in the reference's order, then any others alphabetically.
    let mut names: Vec<String> = SNAPSHOT_ORDER
        .iter()
        .filter(|k| rows.iter().any(|r| r.contains_key(**k)))
        .map(|k| k.to_string())
        .collect();
    let mut extra: Vec<String> = rows
        .iter()
        .flat_map(|r| r.keys())
        .filter(|k| !SNAPSHOT_ORDER.contains(&k.as_str()))
        .cloned()
        .collect();
    extra.sort();
    extra.dedup();
    names.extend(extra);
    let columns = names
        .into_iter()
        .filter_map(|name| {
            let values: Result<Vec<Option<f64>>, ()> = rows
                .iter()
                .map(|r| r.get(&name).map_or(Ok(None), number))
                .collect();
            values.ok().map(|values| Column { name, values })
        })
        .collect();
    Ok(EpochTable {
        format: SourceFormat::HistoryJson,
        rows: rows.len(),
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_snapshots() {
        let t = parse(
            r#"{"simulation_id": "x", "epoch_snapshots": [
                {"simulation_id": "x", "epoch": 0, "toxicity_rate": 0.25, "timestamp": "t", "net": {"a": 1}},
                {"simulation_id": "x", "epoch": 1, "toxicity_rate": 0.5, "timestamp": "t", "net": null}
            ], "agent_snapshots": [], "events": []}"#,
            Path::new("h.json"),
        )
        .unwrap();
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["epoch", "toxicity_rate"]);
        assert_eq!(t.rows, 2);
    }

    #[test]
    fn rejects_other_json() {
        let e = parse("{\"a\": 1}", Path::new("h.json")).unwrap_err();
        assert!(e.to_string().contains("epoch_snapshots"));
    }
}
