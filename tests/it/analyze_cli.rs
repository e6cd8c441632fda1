//! `swarm analyze` end to end: our metrics CSV (from `swarm run`), the
//! reference's epochs CSV and history JSON, every output format, and the
//! bad-input errors (exit 2).

use std::path::{Path, PathBuf};

use predicates::str::contains;
use serde_json::Value;

use crate::common::{bundled_scenario, stderr, swarm, test_data};

fn data(name: &str) -> PathBuf {
    test_data("analysis").join(name)
}

fn json_of(args: &[&str], file: &Path) -> Value {
    let out = swarm()
        .arg("analyze")
        .arg(file)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn our_metrics_csv_from_swarm_run() {
    let dir = tempfile::tempdir().unwrap();
    swarm()
        .args([
            "run",
            "--epochs",
            "5",
            "--seed",
            "3",
            "-q",
            "--no-events",
            "--out",
        ])
        .arg(dir.path())
        .arg(bundled_scenario("baseline.yaml"))
        .assert()
        .success();
    let csv = dir.path().join("baseline_metrics.csv");
    let doc = json_of(&["--metrics", "toxicity_rate,quality_gap,spread"], &csv);
    let m = doc["metrics"].as_array().unwrap();
    let names: Vec<&str> = m.iter().map(|r| r["metric"].as_str().unwrap()).collect();
    assert_eq!(names, ["toxicity_rate", "quality_gap", "spread"]);
    assert_eq!(m[0]["n"], 5);
    // first/last are the first and last epoch rows of the CSV
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "toxicity_rate").unwrap();
    let first: f64 = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(col)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(m[0]["first"].as_f64().unwrap(), first);
    // without --metrics: every numeric column but the epoch
    let all = json_of(&[], &csv);
    assert!(all["metrics"].as_array().unwrap().len() > 15);
    assert!(all["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["metric"] != "epoch"));
}

#[test]
fn reference_csv_and_json_give_the_same_numbers() {
    let a = json_of(
        &["--metrics", "toxicity_rate,quality_gap"],
        &data("baseline_epochs.csv"),
    );
    let b = json_of(
        &["--metrics", "toxicity_rate,quality_gap"],
        &data("baseline_history.json"),
    );
    assert_eq!(a["metrics"], b["metrics"]);
    let q = &a["metrics"][1];
    // quality_gap over epochs 0..3: 0.1, 0.12, -0.05, 0.08
    assert_eq!(q["min"], -0.05);
    assert_eq!(q["max"], 0.12);
    assert!((q["mean"].as_f64().unwrap() - 0.0625).abs() < 1e-15);
    assert!((q["slope"].as_f64().unwrap() - (-0.023)).abs() < 1e-12);
}

#[test]
fn every_format() {
    let f = data("baseline_epochs.csv");
    let run = |fmt: &str| {
        let out = swarm()
            .arg("analyze")
            .arg(&f)
            .args(["--metrics", "toxicity_rate", "--format", fmt])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run("table");
    assert!(table.contains("metric") && table.contains("slope") && table.contains("toxicity_rate"));
    let csv = run("csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "metric,n,mean,std,min,max,first,last,slope"
    );
    assert!(csv.lines().nth(1).unwrap().starts_with("toxicity_rate,4,"));
    let md = run("markdown");
    assert!(md.contains("| metric | n | mean |") && md.contains("| `toxicity_rate` | 4 |"));
}

#[test]
fn bad_input_exits_2() {
    // unknown metric: lists what exists and suggests the nearest
    swarm()
        .arg("analyze")
        .arg(data("baseline_epochs.csv"))
        .args(["--metrics", "toxicty_rate"])
        .assert()
        .code(2)
        .stderr(contains(
            "unknown metric 'toxicty_rate' (did you mean 'toxicity_rate'?)",
        ))
        .stderr(contains("available metrics: total_interactions"));
    // missing file
    swarm()
        .args(["analyze", "no/such/file.csv"])
        .assert()
        .code(2)
        .stderr(contains("cannot read no/such/file.csv"));
    let dir = tempfile::tempdir().unwrap();
    // ragged CSV
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "epoch,toxicity_rate\n0,0.3\n1\n").unwrap();
    swarm()
        .arg("analyze")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(contains("line 3"));
    // JSON that is not a history
    let js = dir.path().join("x.json");
    std::fs::write(&js, "{\"a\": 1}").unwrap();
    swarm()
        .arg("analyze")
        .arg(&js)
        .assert()
        .code(2)
        .stderr(contains("epoch_snapshots"));
    // unknown format is a usage error
    swarm()
        .arg("analyze")
        .arg(data("baseline_epochs.csv"))
        .args(["--format", "xml"])
        .assert()
        .code(2);
}
