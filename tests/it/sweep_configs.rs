//! Resolved configurations (docs/sweep.md, "Outputs"): configs.parquet has
//! one row per configuration with its overrides and resolved scenario,
//! `show --config` prints it, runs/index.tsv maps per-run folders to
//! configurations and seeds, and `rerun --run` reproduces a run's numbers
//! bit for bit through `swarm run`, with its events.

use std::path::{Path, PathBuf};

use crate::common::{assert_contains, bundled_scenario, read_table, sweep, texts, Val};

/// A small finished sweep: the breaker off as baseline, two thresholds,
/// two seeds (6 runs), with per-run files.
fn finished(tmp: &Path) -> PathBuf {
    let dir = tmp.join("out");
    sweep()
        .arg("--base")
        .arg(bundled_scenario("alignment_waltz_targeted_feedback.yaml"))
        .args([
            "--baseline",
            "governance.circuit_breaker_enabled=false",
            "--grid",
            "governance.freeze_threshold_toxicity=0.5,0.7",
            "--set",
            "simulation.n_epochs=4",
            "--seeds",
            "3,8",
            "-q",
            "--no-analyze",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .success();
    dir
}

#[test]
fn configs_index_show_and_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = finished(tmp.path());

    // configs.parquet: one row per configuration, its overrides and scenario.
    let configs = read_table(&dir.join("configs.parquet"));
    assert_eq!(configs.rows.len(), 3);
    assert_eq!(configs.metadata["swarm_sweep.table"], "configs");
    let row = &configs.rows[2];
    assert_eq!(row["config_id"], Val::Int(2));
    assert_eq!(
        row["config_label"].str(),
        "governance.freeze_threshold_toxicity=0.7"
    );
    assert_eq!(
        row["overrides"].str(),
        r#"{"governance.freeze_threshold_toxicity":0.7,"simulation.n_epochs":4}"#
    );
    let yaml = row["scenario_yaml"].str();
    assert_contains(yaml, "  freeze_threshold_toxicity: 0.7\n");
    assert_contains(yaml, "  n_epochs: 4\n");

    // show --config prints it.
    let o = sweep()
        .arg("show")
        .arg(&dir)
        .args(["--config", "2"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&o);
    assert!(o.status.success(), "{stderr}");
    assert_eq!(stdout, yaml);
    let o = sweep()
        .arg("show")
        .arg(&dir)
        .args(["--config", "9"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(texts(&o)
        .1
        .contains("has no configuration 9 (it has 0 to 2)"));

    // runs/index.tsv: every per-run folder, its configuration and seed.
    let index = std::fs::read_to_string(dir.join("runs/index.tsv")).unwrap();
    let lines: Vec<&str> = index.lines().collect();
    assert_eq!(
        lines[0],
        "run\trun_key\tscenario\tconfig_id\tarm\treplicate\tseed\tconfig_label"
    );
    assert_eq!(lines.len(), 1 + 6);
    let runs = read_table(&dir.join("runs.parquet")).rows;
    for (line, run) in lines[1..].iter().zip(&runs) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f[1], run["run_key"].str());
        assert_eq!(f[3], run["config_id"].int().to_string());
        assert_eq!(f[6], run["seed"].int().to_string());
        assert!(dir.join("runs").join(f[1]).join("metrics.csv").is_file());
    }

    // rerun: the same numbers as the sweep (its metrics.csv, and the
    // epochs table), with an event log.
    let run = &runs[5];
    let key = run["run_key"].str();
    let o = sweep()
        .arg("rerun")
        .arg(&dir)
        .args(["--run", key, "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", texts(&o).1);
    let re = dir.join("reruns").join(key);
    let csv =
        std::fs::read_to_string(re.join("alignment_waltz_targeted_feedback_metrics.csv")).unwrap();
    assert_eq!(
        csv,
        std::fs::read_to_string(dir.join("runs").join(key).join("metrics.csv")).unwrap()
    );
    assert!(re
        .join("alignment_waltz_targeted_feedback_events.jsonl")
        .is_file());
    let epochs: Vec<_> = read_table(&dir.join("epochs.parquet"))
        .rows
        .into_iter()
        .filter(|r| r["run_key"].str() == key)
        .collect();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|c| *c == "toxicity_rate").unwrap();
    for (line, e) in csv.lines().skip(1).zip(&epochs) {
        let v: f64 = line.split(',').nth(col).unwrap().parse().unwrap();
        assert_eq!(v.to_bits(), e["toxicity_rate"].float().to_bits());
    }
    assert_eq!(epochs.len(), 4);
    let o = sweep()
        .arg("rerun")
        .arg(&dir)
        .args(["--run", "0000000000000000"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(texts(&o).1.contains("no run with key 0000000000000000"));
}
