//! `swarm run` end to end, through the real binary: every bundled scenario
//! runs; the same seed twice gives byte-identical files; bad input exits 2
//! with a `file:line: key.path` message, never panics and writes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{assert_contains, assert_golden, repo_root as root, swarm, test_data};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn every_bundled_scenario_runs_and_writes_both_files() {
    let out = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        swarm()
            .args(["run", "-q", "--epochs", "3", "--out"])
            .arg(out.path())
            .arg(&path)
            .assert()
            .success();
        let csv = fs::read_to_string(out.path().join(format!("{id}_metrics.csv"))).unwrap();
        assert_eq!(csv.lines().count(), 4, "{id}: header + 3 epochs");
        assert!(csv.starts_with(
            "epoch,total_interactions,accepted_interactions,total_posts,total_votes,toxicity_rate,"
        ));
        let events = fs::read_to_string(out.path().join(format!("{id}_events.jsonl"))).unwrap();
        assert!(events
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    }
}

/// The event log's bytes: key order, separators, ids, float formatting and
/// nulls of every record kind a short run writes (docs/model/outputs.md).
#[test]
fn the_event_log_of_a_short_run_matches_its_golden() {
    let out = tempfile::tempdir().unwrap();
    swarm()
        .args([
            "run", "-q", "--seed", "1", "--epochs", "2", "--steps", "2", "--out",
        ])
        .arg(out.path())
        .arg(root().join("scenarios/alignment_waltz_targeted_feedback.yaml"))
        .assert()
        .success();
    let got = fs::read_to_string(
        out.path()
            .join("alignment_waltz_targeted_feedback_events.jsonl"),
    )
    .unwrap();
    assert_golden(&test_data("events/alignment_waltz_seed1_2x2.jsonl"), &got);
}

#[test]
fn same_seed_twice_gives_byte_identical_outputs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        swarm()
            .args(["run", "-q", "--seed", "5", "--out"])
            .arg(dir.path())
            .arg(root().join("scenarios/alignment_waltz_targeted_feedback.yaml"))
            .assert()
            .success();
    }
    for name in [
        "alignment_waltz_targeted_feedback_metrics.csv",
        "alignment_waltz_targeted_feedback_events.jsonl",
    ] {
        let x = fs::read(a.path().join(name)).unwrap();
        let y = fs::read(b.path().join(name)).unwrap();
        assert!(!x.is_empty());
        assert_eq!(x, y, "{name} differs between two runs with the same seed");
    }
    // A different seed gives different numbers.
    let c = tempfile::tempdir().unwrap();
    swarm()
        .args(["run", "-q", "--seed", "6", "--out"])
        .arg(c.path())
        .arg(root().join("scenarios/alignment_waltz_targeted_feedback.yaml"))
        .assert()
        .success();
    let x = fs::read(
        a.path()
            .join("alignment_waltz_targeted_feedback_metrics.csv"),
    )
    .unwrap();
    let z = fs::read(
        c.path()
            .join("alignment_waltz_targeted_feedback_metrics.csv"),
    )
    .unwrap();
    assert_ne!(x, z);
}

#[test]
fn console_report_matches_the_reference_byte_for_byte() {
    for (id, golden) in [
        ("baseline", "baseline_seed42.txt"),
        (
            "alignment_waltz_targeted_feedback",
            "alignment_waltz_targeted_feedback_seed101.txt",
        ),
        ("macpo_weak_to_strong", "macpo_weak_to_strong_seed202.txt"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let assert = swarm()
            .args(["run", "--out"])
            .arg(out.path())
            .arg(root().join(format!("scenarios/{id}.yaml")))
            .assert()
            .success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        let want =
            fs::read_to_string(root().join("tests/data/parity/console").join(golden)).unwrap();
        assert_eq!(stdout, want, "{id}");
    }
}

/// Every malformed fixture that is an error in default mode.
const BAD: &[(&str, &str)] = &[
    ("bad_syntax.yaml", "bad_syntax.yaml:"),
    ("bad_schedule_mode.yaml", "simulation.schedule_mode"),
    ("bad_topology.yaml", "network.topology"),
    ("empty.yaml", "empty.yaml"),
    ("comments_only.yaml", "comments_only.yaml"),
    ("empty_agents.yaml", "agents"),
    ("int_field_fractional.yaml", "int_field_fractional.yaml:"),
    ("negative_count.yaml", "count"),
    ("null_simulation.yaml", "simulation"),
    ("null_outputs.yaml", "outputs"),
    ("payoff_theta.yaml", "payoff.theta"),
    (
        "probability_out_of_range.yaml",
        "probability_out_of_range.yaml:",
    ),
    ("string_for_number.yaml", "string_for_number.yaml:"),
    ("top_level_list.yaml", "top_level_list.yaml"),
    ("unknown_agent_type.yaml", "type"),
    ("wrong_type.yaml", "wrong_type.yaml:"),
    ("zero_epochs.yaml", "simulation.n_epochs"),
    ("duplicate_key.yaml", "duplicate_key.yaml:"),
    (
        "agent_config_probability.yaml",
        "agent_config_probability.yaml:",
    ),
    ("fractional_seed.yaml", "simulation.seed"),
];

#[test]
fn malformed_scenarios_exit_2_with_location_and_write_nothing() {
    for (file, needle) in BAD {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("logs");
        let assert = swarm()
            .args(["run", "--out"])
            .arg(&target)
            .arg(root().join("tests/data/malformed").join(file))
            .assert()
            .code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(stderr.starts_with("Error: "), "{file}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{file}: expected {needle:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        assert!(
            files_in(&target).is_empty() && files_in(out.path()).is_empty(),
            "{file}: left files behind"
        );
    }
}

#[test]
fn strict_mode_turns_a_misspelled_key_into_an_error_with_a_suggestion() {
    let file = root().join("tests/data/malformed/misspelled_key.yaml");
    let out = tempfile::tempdir().unwrap();
    let ok = swarm()
        .args(["run", "-q", "--out"])
        .arg(out.path())
        .arg(&file)
        .assert()
        .success();
    let warn = String::from_utf8(ok.get_output().stderr.clone()).unwrap();
    assert_contains(&warn, "did you mean");
    let out = tempfile::tempdir().unwrap();
    let err = swarm()
        .args(["run", "--strict", "--out"])
        .arg(out.path().join("x"))
        .arg(&file)
        .assert()
        .code(2);
    let msg = String::from_utf8(err.get_output().stderr.clone()).unwrap();
    assert_contains(&msg, "did you mean");
    assert!(files_in(&out.path().join("x")).is_empty());
}

#[test]
fn missing_file_directory_and_unknown_fix_are_bad_input() {
    let out = tempfile::tempdir().unwrap();
    for arg in ["does/not/exist.yaml", "scenarios"] {
        let a = swarm()
            .args(["run", "--out"])
            .arg(out.path())
            .arg(root().join(arg))
            .assert()
            .code(2);
        let msg = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert_contains(&msg, arg);
    }
    let a = swarm()
        .args(["run", "--fix", "audit_acepted_only", "--out"])
        .arg(out.path())
        .arg(root().join("scenarios/baseline.yaml"))
        .assert()
        .code(2);
    assert!(String::from_utf8(a.get_output().stderr.clone())
        .unwrap()
        .contains("audit_accepted_only"));
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn unwritable_output_directory_is_a_clear_runtime_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    fs::write(&blocker, "x").unwrap();
    let a = swarm()
        .args(["run", "-q", "--out"])
        .arg(blocker.join("sub"))
        .arg(root().join("scenarios/baseline.yaml"))
        .assert()
        .code(1);
    let msg = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert_contains(&msg, "cannot create output directory");
}

/// The fidelity guard: keys the reference reads but this engine does not
/// model are refused (exit 2) with their lines, and nothing is written.
#[test]
fn unmodelled_keys_are_refused_with_their_lines_and_nothing_written() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("logs");
    let scenario = root().join("tests/data/fidelity/unmodelled.yaml");
    let run = swarm()
        .args(["run", "--out"])
        .arg(&target)
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_contains(&stderr, "unmodelled.yaml:14: governance.incoherence_breaker_enabled: read by the reference but not modelled here: ");
    assert!(
        stderr.contains(
            "unmodelled.yaml:15: evo_game: read by the reference but not modelled here: "
        ),
        "{stderr}"
    );
    assert_contains(&stderr, "--allow-unmodelled");
    assert!(run.stdout.is_empty());
    assert!(!target.exists(), "nothing may be written");
}

#[test]
fn allow_unmodelled_runs_and_marks_the_results_partial() {
    let out = tempfile::tempdir().unwrap();
    let run = swarm()
        .args(["run", "--allow-unmodelled", "--out"])
        .arg(out.path())
        .arg(root().join("tests/data/fidelity/unmodelled.yaml"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(
            "Fidelity:    PARTIAL, not modelled: governance.incoherence_breaker_enabled, evo_game"
        ),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_contains(&stderr, "warning: fidelity partial");
    assert!(out.path().join("fidelity_unmodelled_metrics.csv").exists());
}

#[test]
fn switched_off_sections_and_keys_the_reference_ignores_only_warn() {
    let out = tempfile::tempdir().unwrap();
    let run = swarm()
        .args(["run", "-q", "--out"])
        .arg(out.path())
        .arg(root().join("tests/data/fidelity/switched_off.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("not modelled"), "{stderr}");
    assert_contains(&stderr, "switched_off.yaml:13: marketplace: switched off");
    assert!(
        stderr.contains(
            "switched_off.yaml:20: domain: section not read by the reference loader; ignored"
        ),
        "{stderr}"
    );
}
