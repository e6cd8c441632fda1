//! `swarm-sweep show` against golden files, one per format, on the
//! synthetic results directory of common::fixture (analysed first). The
//! goldens are tests/data/show/<format>.txt; after a deliberate change,
//! regenerate them with `UPDATE_GOLDENS=1 cargo test --test it show_cli::` and
//! read the diff.

use crate::common::{assert_golden, fixture, sweep, test_data};

fn analysed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // config 1 replicate 3 and baseline replicate 5 fail
    fixture::write_sweep(dir.path(), 10, 3, &[(1, 3), (0, 5)]);
    sweep()
        .args(["analyze", "-q", "--plots", "none"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr("");
    dir
}

fn golden(name: &str, got: &str) {
    assert_golden(&test_data("show").join(name), got);
}

#[test]
fn every_format_matches_its_golden() {
    let dir = analysed();
    let cases: [(&str, &[&str]); 5] = [
        ("table.txt", &["--top", "3"]),
        (
            "markdown.txt",
            &[
                "--format",
                "markdown",
                "--metric",
                "toxicity_rate,quality_gap",
            ],
        ),
        (
            "csv.txt",
            &["--format", "csv", "--metric", "toxicity_rate", "--top", "0"],
        ),
        (
            "json.txt",
            &["--format", "json", "--metric", "spread", "--top", "2"],
        ),
        (
            "neutral.txt",
            &["--metric", "acceptance_rate,n_frozen", "--top", "4"],
        ),
    ];
    for (name, args) in cases {
        let out = sweep()
            .arg("show")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        golden(name, &String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn rows_are_sorted_by_effect_and_cut_to_top() {
    let dir = analysed();
    let out = sweep()
        .arg("show")
        .arg(dir.path())
        .args([
            "--format",
            "json",
            "--metric",
            "toxicity_rate",
            "--top",
            "0",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["metrics"][0]["comparisons"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(v["metrics"][0]["total"], 6);
    // lower is better: the largest reduction (relative) first
    let rel: Vec<f64> = rows
        .iter()
        .map(|r| r["rel_change"].as_f64().unwrap())
        .collect();
    assert!(rel.windows(2).all(|w| w[0] <= w[1]), "{rel:?}");
    assert_eq!(rows[0]["verdict"], "better");
}

#[test]
fn bad_uses_say_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    sweep()
        .arg("show")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run `swarm-sweep analyze"));
    let dir = analysed();
    sweep()
        .arg("show")
        .arg(dir.path())
        .args(["--metric", "toxicty_rate"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean 'toxicity_rate'?"));
}

#[test]
fn config_is_a_view_of_its_own() {
    // --config prints a scenario (tests/sweep_configs.rs); the comparisons'
    // options make no sense with it.
    let dir = analysed();
    sweep()
        .arg("show")
        .arg(dir.path())
        .args(["--config", "1", "--metric", "toxicity_rate"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
}
