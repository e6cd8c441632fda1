//! Designs end to end (docs/design.md): a `sample:` sweep runs one
//! configuration per design point with every seed, its parameter columns
//! hold the design's values, and shards, merge and reuse by content work
//! on it as on a grid.

use std::path::Path;

use crate::common::{
    assert_contains, assert_same_tables, bundled_scenario, code_and_stderr, read_table, stderr,
    sweep as command, sweep_spec,
};

fn spec(method: &str, n: usize, seeds: usize) -> String {
    let base = bundled_scenario("alignment_waltz_targeted_feedback.yaml");
    format!(
        "name: design\nbase: {}\nseeds: {{start: 0, count: {seeds}}}\n\
         overrides:\n  simulation.n_epochs: 3\n  simulation.steps_per_epoch: 4\n\
         baseline:\n  governance.circuit_breaker_enabled: false\n\
         sample:\n  method: {method}\n  n: {n}\n  seed: 5\n  parameters:\n\
         \x20   governance.freeze_threshold_toxicity: {{dist: uniform, min: 0.3, max: 0.9}}\n\
         \x20   governance.freeze_threshold_violations: {{dist: integer, min: 1, max: 4}}\n\
         \x20   governance.audit_probability: {{dist: log_uniform, min: 0.01, max: 0.5}}\n",
        base.display()
    )
}

fn sweep(spec: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = sweep_spec(spec, out, extra)
        .args(["--no-analyze", "-q"])
        .output()
        .unwrap();
    code_and_stderr(&o)
}

#[test]
fn a_design_runs_its_points_and_shards_merge_to_the_same_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = t.join("d.yaml");
    std::fs::write(&file, spec("lhs", 6, 2)).unwrap();
    let whole = t.join("whole");
    let (code, err) = sweep(&file, &whole, &[]);
    assert_eq!(code, 0, "{err}");
    let runs = read_table(&whole.join("runs.parquet"));
    assert_eq!(runs.rows.len(), (1 + 6) * 2);
    // Latin hypercube: one point per sixth of the threshold's range.
    let mut strata: Vec<usize> = runs
        .rows
        .iter()
        .filter(|r| r["config_label"].str() != "baseline" && r["seed"].int() == 0)
        .map(|r| {
            let x = r["governance.freeze_threshold_toxicity"].float();
            ((x - 0.3) / 0.6 * 6.0) as usize
        })
        .collect();
    strata.sort_unstable();
    assert_eq!(strata, [0, 1, 2, 3, 4, 5]);
    assert_eq!(runs.rows[2]["config_label"].str(), "point=0");
    let v = runs.rows[2]["governance.freeze_threshold_violations"].int();
    assert!((1..=4).contains(&v));

    // Two shards merged give the same tables.
    let parts = t.join("parts");
    for k in ["1/2", "2/2"] {
        let (code, err) = sweep(&file, &parts, &["--shard", k]);
        assert_eq!(code, 0, "{err}");
    }
    let o = command()
        .args(["merge", "--no-analyze", "-q"])
        .arg(&parts)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_tables(&whole, &parts);

    // More seeds into the same folder: the design is the same (its seed),
    // so only the new seeds run.
    std::fs::write(&file, spec("lhs", 6, 3)).unwrap();
    let o = command()
        .arg(&file)
        .args(["--deterministic-timing", "--no-analyze", "--out"])
        .arg(&whole)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_contains(&err, "14 reused, 7 to run");
}

#[test]
fn a_saltelli_design_has_n_times_k_plus_2_points() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.yaml");
    std::fs::write(&file, spec("saltelli", 8, 1)).unwrap();
    let o = command().arg(&file).arg("--dry-run").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let runs = out.lines().filter(|l| l.contains("point=")).count();
    assert_eq!(runs, 8 * (3 + 2));
}

#[test]
fn a_distribution_must_fit_the_parameter() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.yaml");
    let text = spec("random", 4, 1).replace(
        "governance.freeze_threshold_violations: {dist: integer",
        "governance.freeze_threshold_violations: {dist: uniform",
    );
    std::fs::write(&file, text).unwrap();
    let (code, err) = sweep(&file, &tmp.path().join("out"), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("sample.parameters.governance.freeze_threshold_violations")
            && err.contains("dist: integer"),
        "{err}"
    );
}
