//! Settings from the command line (docs/cli.md, docs/sweep.md): `swarm run
//! SCENARIO PATH=VALUE ...` and `--seeds`, a sweep without a spec file
//! (`swarm-sweep --base ... --grid ... --seeds ...`, `--print-spec`), and
//! fix options as sweep parameters — checked by the scenario schema, bad
//! paths and values refused with the nearest valid path and exit 2.

use std::fs;
use std::path::Path;

use crate::common::{
    self, assert_contains, assert_exit, bundled_scenario, read_table, stderr, swarm, sweep,
};

fn baseline() -> std::path::PathBuf {
    bundled_scenario("baseline.yaml")
}

#[test]
fn swarm_run_takes_settings_as_a_scenario_file_would() {
    let out = tempfile::tempdir().unwrap();
    let with = |dir: &Path, settings: &[&str]| {
        swarm()
            .args(["run", "-q", "--seed", "3", "--out"])
            .arg(dir)
            .arg(baseline())
            .args(settings)
            .assert()
            .success();
        fs::read_to_string(dir.join("baseline_metrics.csv")).unwrap()
    };
    let set = with(
        &out.path().join("a"),
        &["simulation.n_epochs=4", "governance.audit_enabled=yes"],
    );
    assert_eq!(set.lines().count(), 1 + 4);
    // The same settings written into the file give the same bytes.
    let text = fs::read_to_string(baseline()).unwrap();
    let edited = out.path().join("baseline.yaml");
    let text = text.replace("n_epochs: 10", "n_epochs: 4");
    assert!(text.contains("n_epochs: 4"), "the fixture's premise");
    let text = text.replace("audit_enabled: false", "audit_enabled: true");
    fs::write(&edited, text).unwrap();
    let b = out.path().join("b");
    swarm()
        .args(["run", "-q", "--seed", "3", "--out"])
        .arg(&b)
        .arg(&edited)
        .assert()
        .success();
    assert_eq!(
        set,
        fs::read_to_string(b.join("baseline_metrics.csv")).unwrap()
    );
}

#[test]
fn bad_settings_are_refused_with_the_nearest_path_and_exit_2() {
    let out = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "governance.audit_probabilty=0.3",
            "governance.audit_probabilty: unknown parameter; did you mean 'governance.audit_probability'?",
        ),
        (
            "governance.audit_probability=1.5",
            "governance.audit_probability: must be in [0, 1], got 1.5",
        ),
        (
            "simulation.n_epochs=many",
            "simulation.n_epochs: expected an integer",
        ),
        ("governance.audit_probability", "is not PATH=VALUE"),
        ("simulation.seed=4", "use --seed N"),
        (
            "semantics.tax_uses_payof=true",
            "did you mean 'semantics.tax_uses_payoff'?",
        ),
    ];
    for (arg, want) in cases {
        let o = swarm()
            .args(["run", "-q", "--out"])
            .arg(out.path())
            .arg(baseline())
            .arg(arg)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{arg}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{arg}: {}", stderr(&o));
    }
    assert!(
        fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn swarm_run_seeds_writes_one_pair_of_files_per_seed() {
    let out = tempfile::tempdir().unwrap();
    swarm()
        .args(["run", "-q", "--seeds", "1-3", "--epochs", "2", "--out"])
        .arg(out.path())
        .arg(baseline())
        .assert()
        .success();
    let mut names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "baseline_s1_events.jsonl",
            "baseline_s1_metrics.csv",
            "baseline_s2_events.jsonl",
            "baseline_s2_metrics.csv",
            "baseline_s3_events.jsonl",
            "baseline_s3_metrics.csv",
        ]
    );
    // Each is the run of that seed.
    let single = out.path().join("single");
    swarm()
        .args(["run", "-q", "--seed", "2", "--epochs", "2", "--out"])
        .arg(&single)
        .arg(baseline())
        .assert()
        .success();
    assert_eq!(
        fs::read(out.path().join("baseline_s2_metrics.csv")).unwrap(),
        fs::read(single.join("baseline_metrics.csv")).unwrap()
    );
}

#[test]
fn a_sweep_from_the_command_line_is_the_sweep_of_its_printed_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let flags = [
        "--grid",
        "governance.audit_probability=0.2,0.4",
        "--baseline",
        "governance.audit_enabled=false",
        "--set",
        "simulation.n_epochs=3",
        "--set",
        "governance.audit_enabled=true",
        "--seeds",
        "4",
        "--name",
        "cli_sweep",
    ];
    let o = sweep()
        .arg("--base")
        .arg(baseline())
        .args(flags)
        .arg("--print-spec")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let printed = String::from_utf8(o.stdout).unwrap();
    assert_contains(
        &printed,
        "grid:\n  governance.audit_probability: [0.2, 0.4]\n",
    );
    let spec = tmp.path().join("cli_sweep.yaml");
    fs::write(&spec, &printed).unwrap();

    let a = tmp.path().join("a");
    sweep()
        .arg("--base")
        .arg(baseline())
        .args(flags)
        .args(["-q", "--no-analyze", "--deterministic-timing", "--out"])
        .arg(&a)
        .assert()
        .success();
    let b = tmp.path().join("b");
    sweep()
        .arg(&spec)
        .args(["-q", "--no-analyze", "--deterministic-timing", "--out"])
        .arg(&b)
        .assert()
        .success();
    // The same runs (the spec text in the metadata differs by its comment).
    let (ra, rb) = (
        read_table(&a.join("runs.parquet")).rows,
        read_table(&b.join("runs.parquet")).rows,
    );
    assert_eq!(ra.len(), 3 * 4);
    assert_eq!(ra, rb);
    assert_eq!(
        ra[4]["config_label"].str(),
        "governance.audit_probability=0.2"
    );
}

#[test]
fn a_command_line_sweep_refuses_bad_flags_naming_them() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--grid", "governance.audit_probabilty=0.1,0.2", "--seeds", "2"],
            "command line: --grid governance.audit_probabilty: unknown parameter; did you mean 'governance.audit_probability'?",
        ),
        (
            &["--grid", "governance.audit_probability=0.1,1.2", "--seeds", "2"],
            "--grid governance.audit_probability: must be in [0, 1], got 1.2",
        ),
        (
            &["--set", "payoff.theta=high", "--seeds", "2"],
            "--set payoff.theta: expected a number",
        ),
        (
            &["--baseline", "governance.audit_enabled=false"],
            "--seeds is needed with --base",
        ),
        (&["--seeds", "3-1"], "--seeds: '3-1': the range runs backwards"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (flags, want) in cases {
        let o = sweep()
            .arg("--base")
            .arg(baseline())
            .args(*flags)
            .arg("--out")
            .arg(tmp.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{flags:?}: {}", stderr(&o));
    }
    assert!(!tmp.path().join("out").exists(), "nothing written");
}

#[test]
fn a_fix_option_is_a_sweep_parameter_paired_by_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // A tax with payoffs other than the reference's hard-coded 2 and 1:
    // the fix changes the tax base, so welfare differs between the arms.
    sweep()
        .arg("--base")
        .arg(baseline())
        .args([
            "--set",
            "governance.transaction_tax_rate=0.2",
            "--set",
            "payoff.s_plus=4.0",
            "--set",
            "simulation.n_epochs=3",
            "--grid",
            "semantics.tax_uses_payoff=false,true",
            "--seeds",
            "3",
            "-q",
            "--no-analyze",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let t = read_table(&out.join("runs.parquet"));
    let rows = &t.rows;
    assert_eq!(rows.len(), 9);
    let col = &rows[3]["semantics.tax_uses_payoff"];
    assert_eq!(col, &common::Val::Bool(false));
    for seed in 0..3 {
        let (base, off, on) = (&rows[seed], &rows[3 + seed], &rows[6 + seed]);
        assert_eq!(base["seed"], on["seed"]);
        // The parity arm is the baseline itself (the same run).
        assert_eq!(base["run_key"], off["run_key"]);
        assert_ne!(off["run_key"], on["run_key"]);
        assert_ne!(off["total_welfare"], on["total_welfare"], "seed {seed}");
    }
}

#[test]
fn a_sweep_over_an_inert_key_is_warned_about_and_refused_with_strict() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = |extra: &str| {
        let p = tmp.path().join("inert.yaml");
        fs::write(
            &p,
            format!(
                "name: inert\nbase: {}\nseeds: [1, 2]\noverrides:\n  simulation.n_epochs: 2\n{extra}\
                 grid:\n  governance.bandwidth_cap: [5, 20]\n",
                baseline().display()
            ),
        )
        .unwrap();
        p
    };
    let run = |spec: &Path, strict: bool| {
        let mut c = sweep();
        c.arg(spec)
            .args(["-q", "--no-analyze", "--out"])
            .arg(tmp.path().join("out"));
        if strict {
            c.arg("--strict");
        }
        c.output().unwrap()
    };
    let plain = spec("");
    let o = run(&plain, false);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_contains(&err, "inert.yaml:7: grid.governance.bandwidth_cap: changes nothing in this sweep: no part of a reference run reads it");
    assert!(
        err.contains("semantics.enforce_bandwidth_cap"),
        "the way to make it act: {err}"
    );
    let o = run(&plain, true);
    assert_exit(&o, 2);
    // With the fix on, the cap acts: no warning.
    let fixed = spec("  semantics.enforce_bandwidth_cap: true\n");
    let o = run(&fixed, true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("changes nothing"), "{}", stderr(&o));

    // An agent's inert setting, from the command line.
    let o = sweep()
        .arg("--base")
        .arg(bundled_scenario("alignment_waltz_targeted_feedback.yaml"))
        .args([
            "--baseline",
            "agents.opportunistic.config.payoff_threshold=0.5",
            "--seeds",
            "1",
            "--strict",
        ])
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "--baseline agents.opportunistic.config.payoff_threshold: changes nothing in this sweep: the reference's opportunistic agent stores it and never reads it");

    // swarm run warns too, and refuses with --strict.
    let out = tmp.path().join("run");
    let o = swarm()
        .args(["run", "-q", "--epochs", "1", "--out"])
        .arg(&out)
        .arg(baseline())
        .arg("governance.stake_slash_rate=0.9")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("warning: governance.stake_slash_rate: changes nothing in this run")
    );
    let o = swarm()
        .args(["run", "-q", "--strict", "--epochs", "1", "--out"])
        .arg(&out)
        .arg(baseline())
        .arg("governance.stake_slash_rate=0.9")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Error: governance.stake_slash_rate: changes nothing"));
}
