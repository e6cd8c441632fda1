//! Exact parity with the Python reference (swarm-safety 1.9.0): for every
//! scenario and seed in tests/data/parity/<scenario_id>.json (produced by
//! scripts/parity/generate_goldens.py running the real reference), our
//! per-epoch metrics must be identical: counts equal, floats bit-for-bit
//! (the issue asks for 1e-9; we hold ourselves to exact equality and report
//! the largest difference when it fails).

use std::path::Path;

use serde_json::Value;
use swarm_sweep::metrics::{MetricValue, COLLUSION_COLUMNS, SECURITY_COLUMNS};
use swarm_sweep::scenario::{load_file, LoadOptions};
use swarm_sweep::sim;

use crate::common::repo_root as root;

/// Compare one of scenarios/ against its goldens; returns the number of epochs compared.
fn check(scenario_id: &str) -> usize {
    let golden = root().join(format!("tests/data/parity/{scenario_id}.json"));
    let scenario = root().join(format!("scenarios/{scenario_id}.yaml"));
    compare(&scenario, &golden).unwrap_or_else(|failures| {
        panic!(
            "{} seed(s) diverge:\n{}",
            failures.len(),
            failures.join("\n")
        )
    })
}

/// Compare `scenario` against the goldens in `golden_path`: the number of
/// epochs compared, or one message per diverging seed.
fn compare(scenario_path: &Path, golden_path: &Path) -> Result<usize, Vec<String>> {
    let text = std::fs::read_to_string(golden_path).expect("golden file");
    let golden: Value = serde_json::from_str(&text).expect("golden JSON");
    let scenario_id = golden["scenario_id"]
        .as_str()
        .expect("scenario_id")
        .to_string();
    let loaded = load_file(scenario_path, LoadOptions::default())
        .map_err(|e| vec![format!("{scenario_id}: {e}")])?;
    let mut scenario = loaded.scenario;
    let seeds = golden["seeds"].as_object().expect("seeds map");
    let mut compared = 0;
    let mut failures = Vec::new();
    for (seed, epochs) in seeds {
        let seed: i64 = seed.parse().expect("integer seed");
        scenario.simulation.seed = Some(seed);
        let result = sim::run(&scenario, seed);
        let epochs = epochs.as_array().expect("epoch list");
        if epochs.len() != result.epochs.len() {
            failures.push(format!(
                "seed {seed}: {} epochs, reference {}",
                result.epochs.len(),
                epochs.len()
            ));
            continue;
        }
        'epochs: for (ours, theirs) in result.epochs.iter().zip(epochs) {
            for (field, want) in theirs.as_object().expect("epoch record") {
                let got = ours
                    .get(field)
                    .unwrap_or_else(|| panic!("unknown golden field {field}"));
                let same = match (got, want) {
                    (MetricValue::Int(g), w) => w.as_u64() == Some(g),
                    (MetricValue::Float(g), w) => w.as_f64() == Some(g),
                    (MetricValue::Missing, w) => w.is_null(),
                };
                if !same {
                    failures.push(format!(
                        "{scenario_id} seed {seed}: first difference at epoch {} field {field}: ours {got:?}, reference {want}",
                        ours.epoch
                    ));
                    break 'epochs;
                }
            }
            // A report the reference did not have must be missing here too.
            for field in SECURITY_COLUMNS.iter().chain(COLLUSION_COLUMNS) {
                if theirs.get(*field).is_none() && ours.get(field) != Some(MetricValue::Missing) {
                    failures.push(format!(
                        "{scenario_id} seed {seed}: epoch {} has {field} but the reference has no report",
                        ours.epoch
                    ));
                    break 'epochs;
                }
            }
            compared += 1;
        }
    }
    if failures.is_empty() {
        Ok(compared)
    } else {
        Err(failures)
    }
}

/// SWARM's own scenario library (../shared/reference-library): every file
/// with goldens in tests/data/library/ (written by scripts/parity/coverage.sh
/// from the reference) matches on every stored seed.
#[test]
fn library_files_match_reference_exactly() {
    let library = root().join("../shared/reference-library");
    if !library.is_dir() {
        eprintln!(
            "skipped: {} is absent (the library parity test needs SWARM's scenario library)",
            library.display()
        );
        return;
    }
    let mut goldens: Vec<_> = std::fs::read_dir(root().join("tests/data/library"))
        .expect("tests/data/library")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    goldens.sort();
    assert!(!goldens.is_empty(), "no library goldens");
    let mut failures = Vec::new();
    let mut epochs = 0;
    for golden in &goldens {
        let text = std::fs::read_to_string(golden).unwrap();
        let rel = serde_json::from_str::<Value>(&text).unwrap()["scenario_id"]
            .as_str()
            .unwrap()
            .to_string();
        match compare(&library.join(&rel), golden) {
            Ok(n) => epochs += n,
            Err(f) => failures.extend(f),
        }
    }
    assert!(
        failures.is_empty(),
        "{} seed(s) diverge:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{} library files, {epochs} epochs compared", goldens.len());
}

#[test]
fn baseline_matches_reference_exactly() {
    assert_eq!(check("baseline"), 20 * 10);
}

#[test]
fn alignment_waltz_matches_reference_exactly() {
    assert_eq!(check("alignment_waltz_targeted_feedback"), 20 * 20);
}

#[test]
fn macpo_matches_reference_exactly() {
    assert_eq!(check("macpo_weak_to_strong"), 20 * 25);
}

#[test]
fn collusion_detection_matches_reference_exactly() {
    assert_eq!(check("collusion_detection"), 20 * 25);
}

#[test]
fn strict_governance_matches_reference_exactly() {
    assert_eq!(check("strict_governance"), 20 * 15);
}

#[test]
fn security_evaluation_matches_reference_exactly() {
    assert_eq!(check("security_evaluation"), 20 * 30);
}

/// The perturbation mechanisms no library file exercises exactly (seeded
/// dropout, partitions and heals, condition shocks, shocks of live lever
/// settings): small scenarios in tests/data/perturbations/, each with
/// reference goldens beside it (scripts/parity/generate_goldens.py).
#[test]
fn perturbation_mechanisms_match_reference_exactly() {
    let dir = root().join("tests/data/perturbations");
    let mut compared = 0;
    for name in [
        "partition_dropout_conditions",
        "fragment_inflate",
        "isolate_live_shocks_rbac",
        "shock_switches_levers_on",
    ] {
        let scenario = dir.join(format!("{name}.yaml"));
        let golden = dir.join(format!("{name}.json"));
        compared += compare(&scenario, &golden).unwrap_or_else(|failures| {
            panic!(
                "{name}: {} seed(s) diverge:\n{}",
                failures.len(),
                failures.join("\n")
            )
        });
    }
    assert_eq!(compared, 5 * (6 + 5 + 5 + 5));
}
