//! `swarm-sweep` end to end: bad specs, exit codes, bundled sweeps, and the
//! acceptance checks (byte-identical tables at --jobs 1 and 2; a row equals
//! what sim::run gives for the same scenario, overrides and seed).

use std::path::{Path, PathBuf};

use swarm_sweep::scenario::params::{set_param, ParamValue};
use swarm_sweep::scenario::{load_file, LoadOptions};

use crate::common::{
    assert_contains, assert_exit, bundled_scenario, files_under, read_table, repo_root,
    sim_failing_on_seed_1, sweep as sweep_cmd, sweep_in_process, test_data, Val,
};

fn bad_specs() -> Vec<PathBuf> {
    let dir = repo_root().join("tests/data/bad_specs");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn bad_specs_are_rejected_before_any_run_with_a_clear_message() {
    let specs = bad_specs();
    assert!(
        specs.len() >= 10,
        "want at least 10 bad specs, have {}",
        specs.len()
    );
    for spec in specs {
        let text = std::fs::read_to_string(&spec).unwrap();
        let expects: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expects.is_empty(),
            "{} has no '# expect:' line",
            spec.display()
        );
        let cwd = tempfile::tempdir().unwrap();
        let out = sweep_cmd()
            .current_dir(cwd.path())
            .arg(&spec)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", spec.display());
        assert!(
            out.stdout.is_empty(),
            "{}: printed {:?}",
            spec.display(),
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            files_under(cwd.path()),
            Vec::<String>::new(),
            "{} left files behind",
            spec.display()
        );
        for want in expects {
            assert!(
                stderr.contains(want),
                "{}: stderr {stderr:?} lacks {want:?}",
                spec.display()
            );
        }
    }
}

#[test]
fn explicit_out_dir_is_not_created_for_a_bad_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let spec = repo_root().join("tests/data/bad_specs/unknown_top_key.yaml");
    sweep_cmd()
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn help_documents_the_exit_codes() {
    let out = sweep_cmd().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for want in [
        "Exit codes:",
        "0    success",
        "2    bad input",
        "3    `swarm-sweep SPEC`: the sweep completed but some runs failed",
        "4    `swarm-sweep SPEC --fail-fast`",
        "130  interrupted",
    ] {
        assert!(help.contains(want), "--help lacks {want:?}:\n{help}");
    }
    assert!(
        !help.contains("deterministic-timing"),
        "test-only flag should be hidden"
    );
}

#[test]
fn usage_errors_and_unreadable_specs_are_bad_input() {
    sweep_cmd().assert().code(2);
    sweep_cmd().args(["x.yaml", "--jobs", "0"]).assert().code(2);
    let tmp = tempfile::tempdir().unwrap();
    let out = sweep_cmd()
        .current_dir(tmp.path())
        .arg("missing.yaml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read sweep spec missing.yaml"));
}

#[test]
fn bundled_sweeps_validate_and_list_their_runs() {
    for (name, runs) in [
        ("circuit_breaker", 21 * 20),
        ("audit_rate", 11 * 20),
        ("alignment_waltz_vs_macpo", 2 * 3 * 20),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let spec = repo_root().join(format!("sweeps/{name}.yaml"));
        let out = sweep_cmd()
            .current_dir(tmp.path())
            .arg(&spec)
            .arg("--dry-run")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("= {runs} runs")),
            "{name}: {stderr}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.lines().count(),
            runs + 1,
            "{name}: header + one line per run"
        );
        assert_eq!(
            files_under(tmp.path()),
            Vec::<String>::new(),
            "--dry-run writes nothing"
        );
    }
}

fn run_small(out: &Path, jobs: &str) {
    let spec = repo_root().join("tests/data/sweeps/small_grid.yaml");
    let o = sweep_cmd()
        .arg(&spec)
        .args(["--jobs", jobs, "-q", "--deterministic-timing", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    // -q: no progress, no summary, no "Wrote" lines of the analysis step
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn tables_are_byte_identical_at_jobs_1_and_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("j1"), tmp.path().join("j2"));
    run_small(&a, "1");
    run_small(&b, "2");
    // The analysis step that follows the sweep is deterministic too: every
    // file (tables, summary, comparisons, report, SVG and PNG plots) matches
    // — but the journal, whose lines are in the order runs finished.
    let files = files_under(&a);
    assert_eq!(files, files_under(&b));
    for f in &files {
        if a.join(f).is_dir() || f == "journal.jsonl" {
            continue;
        }
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
    for f in [
        "runs.parquet",
        "epochs.parquet",
        "summary.parquet",
        "comparisons.parquet",
        "comparisons.csv",
        "report.md",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing: {files:?}");
    }
}

#[test]
fn no_analyze_writes_only_the_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = repo_root().join("tests/data/sweeps/small_grid.yaml");
    let o = sweep_cmd()
        .arg(&spec)
        .args(["-q", "--deterministic-timing", "--no-analyze", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert_eq!(
        files_under(tmp.path()),
        vec![
            "configs.parquet",
            "epochs.parquet",
            "journal.jsonl",
            "runs.parquet"
        ]
    );
}

#[test]
fn a_runs_row_equals_sim_run_for_the_same_scenario_overrides_and_seed() {
    let tmp = tempfile::tempdir().unwrap();
    run_small(tmp.path(), "2");
    let runs = read_table(&tmp.path().join("runs.parquet"));
    assert_eq!(runs.rows.len(), 5 * 3);
    let base = bundled_scenario("alignment_waltz_targeted_feedback.yaml");
    for row in &runs.rows {
        // Rebuild the run from the row's own description, not the plan.
        let mut s = load_file(&base, LoadOptions::default()).unwrap().scenario;
        set_param(&mut s, "simulation.n_epochs", &ParamValue::Int(5)).unwrap();
        let label = row["config_label"].str();
        if label == "baseline" {
            set_param(
                &mut s,
                "governance.circuit_breaker_enabled",
                &ParamValue::Bool(false),
            )
            .unwrap();
        } else {
            for part in label.split(',') {
                let (path, v) = part.split_once('=').unwrap();
                let value = if v.contains('.') {
                    ParamValue::Float(v.parse().unwrap())
                } else {
                    ParamValue::Int(v.parse().unwrap())
                };
                set_param(&mut s, path, &value).unwrap();
            }
        }
        let want = swarm_sweep::sim::run(&s, row["seed"].int());
        assert_eq!(row["status"].str(), "ok");
        let m = &want.run;
        for (col, v) in [
            ("toxicity_rate", m.toxicity_rate),
            ("toxicity_rate_all", m.toxicity_rate_all),
            ("quality_gap", m.quality_gap),
            ("spread", m.spread),
            ("conditional_loss_initiator", m.conditional_loss_initiator),
            (
                "conditional_loss_counterparty",
                m.conditional_loss_counterparty,
            ),
            ("total_welfare", m.total_welfare),
            ("net_social_welfare", m.net_social_welfare),
            ("avg_payoff", m.avg_payoff),
            ("average_quality", m.average_quality),
            ("acceptance_rate", m.acceptance_rate),
        ] {
            assert_eq!(
                row[col],
                Val::Float(v),
                "{col} for {label} seed {}",
                row["seed"].int()
            );
        }
        assert_eq!(row["total_interactions"].int(), m.total_interactions as i64);
        assert_eq!(
            row["accepted_interactions"].int(),
            m.accepted_interactions as i64
        );
        assert_eq!(row["n_frozen"].int(), want.n_frozen as i64);
        assert_eq!(row["n_quarantined"].int(), want.n_quarantined as i64);
        let tox: Vec<f64> = want.epochs.iter().map(|e| e.soft.toxicity_rate).collect();
        if !tox.is_empty() {
            let mean = tox.iter().fold(0.0, |a, b| a + b) / tox.len() as f64;
            assert_eq!(row["mean_epoch_toxicity_rate"].float(), mean);
        }
        let (tox_t, viol) = (
            row["governance.freeze_threshold_toxicity"].float(),
            row["governance.freeze_threshold_violations"].int(),
        );
        assert_eq!(
            (tox_t, viol),
            (
                s.governance.freeze_threshold_toxicity,
                s.governance.freeze_threshold_violations
            )
        );
    }
}

#[test]
fn events_do_not_change_the_tables_and_land_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (plain, with_events) = (tmp.path().join("plain"), tmp.path().join("events"));
    run_small(&plain, "2");
    let spec = repo_root().join("tests/data/sweeps/small_grid.yaml");
    let o = sweep_cmd()
        .arg(&spec)
        .args(["-q", "--deterministic-timing", "--events", "--out"])
        .arg(&with_events)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    for f in ["runs.parquet", "epochs.parquet"] {
        assert!(
            std::fs::read(plain.join(f)).unwrap() == std::fs::read(with_events.join(f)).unwrap(),
            "{f} differs with --events"
        );
    }
    let runs = read_table(&with_events.join("runs.parquet"));
    for row in &runs.rows {
        let events = with_events
            .join("runs")
            .join(row["run_key"].str())
            .join("events.jsonl");
        let text = std::fs::read_to_string(&events).unwrap();
        assert!(text.lines().count() > 10, "{}", events.display());
        assert!(text.contains(&format!("-s{}-", row["seed"].int())));
    }
}

#[test]
fn failed_runs_exit_3_with_tables_and_fail_fast_exits_4_without() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = test_data("sweeps/small_grid.yaml");
    let run = |out: &str, extra: &[&str]| {
        sweep_in_process(&spec, &tmp.path().join(out), extra, &sim_failing_on_seed_1)
    };
    assert_eq!(run("all", &[]), 3);
    let runs = read_table(&tmp.path().join("all/runs.parquet"));
    assert_eq!(runs.rows.len(), 15);
    for row in &runs.rows {
        let failed = row["seed"].int() == 1;
        assert_eq!(row["status"].str(), if failed { "failed" } else { "ok" });
        if failed {
            assert!(
                row["error"].str().contains("injected failure"),
                "{:?}",
                row["error"]
            );
            assert_eq!(row["toxicity_rate"], Val::Null);
        }
    }
    assert_eq!(run("stopped", &["--fail-fast", "--jobs", "1"]), 4);
    // No tables; the finished runs (the failed one included) are journaled.
    assert_eq!(
        files_under(&tmp.path().join("stopped")),
        vec!["journal.jsonl"]
    );
}

/// The fidelity guard at plan time: a base scenario with unmodelled keys is
/// refused by `swarm-sweep` and `swarm-sweep check` before anything runs.
#[test]
fn sweeps_and_checks_over_an_unmodelled_base_are_refused_before_running() {
    let spec = repo_root().join("tests/data/fidelity/sweep.yaml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let run = sweep_cmd()
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("unmodelled.yaml:15: evo_game: read by the reference but not modelled here"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing may be written");
    let check = sweep_cmd()
        .arg("check")
        .arg(&spec)
        .arg("--against")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(2), "{stderr}");
    assert_contains(&stderr, "not modelled here");
}

#[test]
fn allow_unmodelled_sweeps_record_partial_fidelity_in_the_tables() {
    let spec = repo_root().join("tests/data/fidelity/sweep.yaml");
    let dir = tempfile::tempdir().unwrap();
    let run = sweep_cmd()
        .arg(&spec)
        .args(["--allow-unmodelled", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert_contains(&stderr, "fidelity partial");
    let runs = read_table(&dir.path().join("runs.parquet"));
    assert_eq!(
        runs.rows.len(),
        6,
        "baseline and two grid values, two seeds each"
    );
    assert!(runs
        .rows
        .iter()
        .all(|r| r["fidelity"] == Val::Str("partial".into())));
    assert_eq!(runs.metadata["swarm_sweep.fidelity"], "partial");
    let unmodelled: serde_json::Value =
        serde_json::from_str(&runs.metadata["swarm_sweep.unmodelled"]).unwrap();
    assert_eq!(
        unmodelled,
        serde_json::json!({"unmodelled.yaml": ["governance.incoherence_breaker_enabled", "evo_game"]})
    );
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert_contains(&report, "**Partial fidelity.**");
}
