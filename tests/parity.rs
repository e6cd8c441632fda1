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

/// Compare one scenario against its goldens; returns the number of epochs compared.
fn check(scenario_id: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let golden_path = root.join(format!("tests/data/parity/{scenario_id}.json"));
    let text = std::fs::read_to_string(&golden_path).expect("golden file");
    let golden: Value = serde_json::from_str(&text).expect("golden JSON");
    let loaded = load_file(
        &root.join(format!("scenarios/{scenario_id}.yaml")),
        LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
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
    assert!(
        failures.is_empty(),
        "{} seed(s) diverge:\n{}",
        failures.len(),
        failures.join("\n")
    );
    compared
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
