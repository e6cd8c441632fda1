//! Hostile and careless input through the real binaries (issue 15): alias
//! bombs, scenario ids that name paths, infinite settings, FIFOs and
//! oversized files. Each is refused with exit 2 and a message, quickly, and
//! memory-heavy cases under a 1 GB `ulimit -v`.

use std::path::Path;

use crate::common::{
    self, assert_contains, assert_exit, bundled_scenario, memory_limited, mkfifo, stderr, QUICK,
};

/// A 100 KB string anchor aliased 100 × 100 × 50 times: 50 GB expanded.
fn alias_bomb() -> String {
    let mut y = format!("bomb: &s {}\n", "x".repeat(100_000));
    y.push_str(&format!("l1: &l1 [{}]\n", vec!["*s"; 100].join(", ")));
    y.push_str(&format!("l2: &l2 [{}]\n", vec!["*l1"; 100].join(", ")));
    y.push_str(&format!("l3: [{}]\n", vec!["*l2"; 50].join(", ")));
    y
}

fn baseline_scenario() -> String {
    std::fs::read_to_string(bundled_scenario("baseline.yaml")).unwrap()
}

fn spec_for(base: &Path, extra: &str) -> String {
    format!(
        "name: hostile\nbase: {}\nseeds: [1]\noverrides: {{simulation.n_epochs: 1}}\n{extra}",
        base.display()
    )
}

#[test]
fn an_alias_bomb_is_refused_in_run_and_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("bomb.yaml");
    std::fs::write(
        &scenario,
        format!("{}\n{}", baseline_scenario(), alias_bomb()),
    )
    .unwrap();
    let spec = tmp.path().join("bomb_spec.yaml");
    std::fs::write(&spec, format!("{}{}", spec_for(&scenario, ""), "")).unwrap();
    let spec_bomb = tmp.path().join("spec_bomb.yaml");
    let base = bundled_scenario("baseline.yaml");
    std::fs::write(
        &spec_bomb,
        format!(
            "{}{}",
            spec_for(&base, ""),
            alias_bomb().replace("bomb:", "description:")
        ),
    )
    .unwrap();
    let runs: [(&str, Vec<&Path>); 3] = [
        ("swarm", vec![Path::new("run"), &scenario]),
        ("swarm-sweep", vec![&spec]),
        ("swarm-sweep", vec![&spec_bomb]),
    ];
    for (bin, args) in runs {
        let o = memory_limited(bin)
            .args(args)
            .args(["--out"])
            .arg(tmp.path().join("out"))
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bin}: {}", stderr(&o));
        assert_contains(&stderr(&o), "SWARM_MAX_YAML_BYTES");
        assert!(!tmp.path().join("out").exists());
    }
}

#[test]
fn a_scenario_id_cannot_leave_the_output_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a/b/out");
    for id in [
        "../../escaped",
        "/tmp/absolute_escape",
        "",
        "a/b",
        ".hidden",
    ] {
        let text =
            baseline_scenario().replace("scenario_id: baseline", &format!("scenario_id: '{id}'"));
        let file = tmp.path().join("s.yaml");
        std::fs::write(&file, text).unwrap();
        let o = common::swarm()
            .args(["run", "-q", "--epochs", "1", "--out"])
            .arg(&out)
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{id:?}: {}", stderr(&o));
        assert_contains(&stderr(&o), "scenario_id");
    }
    assert!(!tmp.path().join("escaped_metrics.csv").exists());
    assert!(!Path::new("/tmp/absolute_escape_metrics.csv").exists());
    assert!(!out.exists());
}

#[test]
fn an_infinite_setting_is_refused_by_run_and_sweep_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("inf.yaml");
    let with_inf = baseline_scenario().replace("s_plus: 2.0", "s_plus: .inf");
    std::fs::write(&scenario, with_inf).unwrap();
    let o = common::swarm()
        .args(["run", "-q", "--out"])
        .arg(tmp.path().join("out"))
        .arg(&scenario)
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "payoff.s_plus");
    assert_contains(&stderr(&o), "finite");
    let spec = tmp.path().join("spec.yaml");
    let base = bundled_scenario("baseline.yaml");
    std::fs::write(&spec, spec_for(&base, "baseline: {payoff.s_plus: .inf}\n")).unwrap();
    let o = common::sweep().arg(&spec).output().unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "payoff.s_plus");
}

#[test]
fn fifos_and_oversized_files_are_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.yaml");
    mkfifo(&fifo);
    let big = tmp.path().join("big.csv");
    // Sparse, 2 GB: over SWARM_MAX_INPUT_BYTES without a byte on disk.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2_000_000_000)
        .unwrap();
    let big_spec = tmp.path().join("big.yaml");
    std::fs::File::create(&big_spec)
        .unwrap()
        .set_len(100_000_000)
        .unwrap();
    let cases: [(&str, Vec<&Path>, &str); 5] = [
        ("swarm-sweep", vec![&fifo], "not a regular file"),
        ("swarm-sweep", vec![&big_spec], "SWARM_MAX_SPEC_BYTES"),
        (
            "swarm",
            vec![Path::new("analyze"), &fifo],
            "not a regular file",
        ),
        (
            "swarm",
            vec![Path::new("analyze"), &big],
            "SWARM_MAX_INPUT_BYTES",
        ),
        ("swarm", vec![Path::new("run"), &fifo], "not a regular file"),
    ];
    for (bin, args, want) in cases {
        let o = memory_limited(bin)
            .args(&args)
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bin} {args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{bin} {args:?}: {}", stderr(&o));
    }
}

#[test]
fn an_overflowing_metric_is_left_out_of_the_analysis_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    // A finite setting whose welfare sums overflow to inf.
    let scenario = tmp.path().join("overflow.yaml");
    let text = baseline_scenario().replace("s_plus: 2.0", "s_plus: 1.0e308");
    std::fs::write(&scenario, text).unwrap();
    let spec = tmp.path().join("spec.yaml");
    std::fs::write(
        &spec,
        format!(
            "name: overflow\nbase: {}\nseeds: {{start: 0, count: 4}}\n\
             overrides: {{simulation.n_epochs: 3}}\ngrid: {{governance.audit_probability: [0.2]}}\n",
            scenario.display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let sweep = |args: &[&std::ffi::OsStr]| common::sweep().args(args).output().unwrap();
    let o = sweep(&[
        spec.as_os_str(),
        "-q".as_ref(),
        "--no-analyze".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_exit(&o, 0);
    let o = sweep(&[
        "analyze".as_ref(),
        "-q".as_ref(),
        "--no-plots".as_ref(),
        out.as_os_str(),
    ]);
    assert_exit(&o, 0);
    let nonfinite = |table: &str, metric: &str| -> i64 {
        let t = common::read_table(&out.join(table));
        t.rows
            .iter()
            .filter(|r| r["metric"].str() == metric)
            .map(|r| r["n_nonfinite"].int())
            .sum()
    };
    assert!(nonfinite("summary.parquet", "total_welfare") > 0);
    assert!(nonfinite("comparisons.parquet", "total_welfare") > 0);
    assert_eq!(nonfinite("summary.parquet", "toxicity_rate"), 0);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_contains(&report, "±inf or NaN");
}
