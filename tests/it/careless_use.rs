//! The small defects of issue 15 (item 11), one test each, through the real
//! binaries: stale temporaries, a resume that turns metrics CSVs on, a merge
//! of a corrupt part, long seed lists, integer ranges at i64::MAX, the
//! spec's text in the footer, tabs in variant names, negative seeds, and
//! exit codes that are always documented ones.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

use crate::common::{
    self, assert_contains, assert_exit, bundled_scenario, read_table, stderr, sweep_spec,
};

fn sweep() -> Command {
    let mut c = common::sweep();
    c.timeout(Duration::from_secs(120));
    c
}

fn base() -> PathBuf {
    bundled_scenario("baseline.yaml")
}

/// A spec in `dir` over the baseline scenario, two epochs a run.
fn spec(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    let text = format!(
        "name: {name}\nbase: {}\noverrides: {{simulation.n_epochs: 2}}\n{body}",
        base().display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn run(spec: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    sweep_spec(spec, out, extra)
        .args(["-q", "--no-analyze"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

#[test]
fn swarm_run_removes_the_temporaries_of_dead_processes_only() {
    let out = tempfile::tempdir().unwrap();
    let dead = out.path().join(".baseline_metrics.csv.tmp-4194305"); // above pid_max
    let alive = out
        .path()
        .join(format!(".baseline_metrics.csv.tmp-{}", std::process::id()));
    for f in [&dead, &alive] {
        std::fs::write(f, "partial").unwrap();
    }
    let o = common::swarm()
        .args(["run", "-q", "--epochs", "1", "--out"])
        .arg(out.path())
        .arg(base())
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(!dead.exists(), "a dead process's temporary is removed");
    assert!(alive.exists(), "a live process's temporary is kept");
}

#[test]
fn a_resume_with_metrics_csv_writes_the_files_an_earlier_run_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "csv", "seeds: [1, 2]\n");
    let out = tmp.path().join("out");
    assert_eq!(run(&s, &out, &["--no-metrics-csv"]).status.code(), Some(0));
    assert!(!out.join("runs").exists());
    let o = run(&s, &out, &[]);
    assert_exit(&o, 0);
    assert_contains(&stderr(&o), "2 finished runs have no metrics.csv");
    let csvs = common::files_under(&out.join("runs"))
        .into_iter()
        .filter(|f| f.ends_with("metrics.csv"))
        .count();
    assert_eq!(csvs, 2);
}

#[test]
fn a_merge_with_a_corrupt_part_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "parts", "seeds: [1, 2, 3]\n");
    let out = tmp.path().join("out");
    for k in ["1/2", "2/2"] {
        let o = run(&s, &out, &["--no-metrics-csv", "--shard", k]);
        assert_exit(&o, 0);
    }
    // The epochs part is not Parquet, yet its manifest vouches for it: only
    // reading it finds out, after the runs table was merged.
    let part = out.join("epochs.part-2-of-2.parquet");
    std::fs::write(&part, "not parquet").unwrap();
    let manifest = out.join("part-2-of-2.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let sha = swarm_sweep::sweep::key::sha256_file(&part).unwrap();
    m["tables"][1]["sha256"] = sha.into();
    std::fs::write(&manifest, m.to_string()).unwrap();
    let o = sweep()
        .args(["merge", "--no-analyze"])
        .arg(&out)
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "not a readable Parquet file");
    assert!(!out.join("runs.parquet").exists(), "nothing is written");
    assert!(!out.join("epochs.parquet").exists());
    let temporaries = common::files_under(&out)
        .into_iter()
        .filter(|f| f.contains(".tmp-"))
        .count();
    assert_eq!(temporaries, 0);
}

#[test]
fn a_long_seed_list_is_checked_for_duplicates_in_one_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let mut seeds: Vec<String> = (0..300_000).map(|i| i.to_string()).collect();
    seeds.push("0".into());
    let s = spec(
        tmp.path(),
        "seeds",
        &format!("seeds: [{}]\n", seeds.join(", ")),
    );
    let started = Instant::now();
    let o = sweep().arg(&s).arg("--dry-run").output().unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "seed 0 is listed twice");
    // Pairwise, this took minutes in a debug build.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

/// The --dry-run list of `spec`: its lines, each split at tabs.
fn dry_run(spec: &Path) -> Vec<Vec<String>> {
    let o = sweep().arg(spec).arg("--dry-run").output().unwrap();
    assert_exit(&o, 0);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn integer_ranges_near_i64_max_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(
        tmp.path(),
        "ints",
        "seeds: [1]\ngrid:\n  governance.freeze_threshold_violations: \
         {start: 9223372036854775800, stop: 9223372036854775807, step: 1}\n",
    );
    let lines = dry_run(&s);
    assert_eq!(lines.len(), 1 + 1 + 8, "header, baseline, 8 grid points");
    assert!(
        lines[9][7].ends_with("=9223372036854775807"),
        "{:?}",
        lines[9]
    );
}

#[test]
fn tabs_and_newlines_in_variant_names_cannot_split_the_dry_run_list() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(
        tmp.path(),
        "names",
        "seeds: [1]\nvariants:\n  \"tab\\there\": {governance.audit_probability: 0.3}\n  \
         \"new\\nline\": {governance.audit_probability: 0.4}\n",
    );
    let lines = dry_run(&s);
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|l| l.len() == 8), "{lines:?}");
    assert_eq!(lines[2][4], "tab\\there");
    assert_eq!(lines[3][4], "new\\nline");
}

#[test]
fn the_spec_text_is_stored_once_and_its_size_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let note: String = (0..20_000).map(|i| format!("# note {i:>40}\n")).collect();
    let s = spec(tmp.path(), "long", &format!("seeds: [1]\n{note}"));
    let spec_len = std::fs::metadata(&s).unwrap().len();
    let out = tmp.path().join("out");
    let o = run(&s, &out, &["--no-metrics-csv"]);
    assert_exit(&o, 0);
    let runs = std::fs::metadata(out.join("runs.parquet")).unwrap().len();
    assert!(
        runs < spec_len * 3 / 2,
        "{runs} bytes for a {spec_len}-byte spec"
    );
    let md = read_table(&out.join("runs.parquet")).metadata;
    assert_eq!(
        md["swarm_sweep.spec_yaml"],
        std::fs::read_to_string(&s).unwrap()
    );
    // Over a lowered limit, the same spec is refused before anything runs.
    let o = sweep()
        .env("SWARM_MAX_SPEC_BYTES", "64K")
        .arg(&s)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "over the limit of 64.0 KiB");
}

#[test]
fn negative_seeds_run_in_the_sweep_as_in_swarm_run() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "neg", "seeds: [-3, 2]\n");
    let out = tmp.path().join("out");
    let o = run(&s, &out, &["--no-metrics-csv"]);
    assert_exit(&o, 0);
    let runs = read_table(&out.join("runs.parquet"));
    assert_eq!(runs.rows[0]["seed"].int(), -3);
    let o = common::swarm()
        .args(["run", "-q", "--epochs", "2", "--seed", "-3", "--out"])
        .arg(tmp.path().join("run"))
        .arg(base())
        .output()
        .unwrap();
    assert_exit(&o, 0);
    // The same run: the same run-level counts.
    let csv = std::fs::read_to_string(tmp.path().join("run/baseline_metrics.csv")).unwrap();
    let total: i64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(runs.rows[0]["total_interactions"].int(), total);
}

#[test]
fn a_closed_standard_output_is_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "pipe", "seeds: [1, 2]\n");
    let out = tmp.path().join("out");
    assert_eq!(run(&s, &out, &["--no-metrics-csv"]).status.code(), Some(0));
    for args in [vec!["status", "--runs"], vec!["--dry-run"]] {
        let target = if args[0] == "status" { &out } else { &s };
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg("set -o pipefail; \"$0\" \"$1\" \"$2\" \"$3\" | true")
            .arg(common::sweep_binary())
            .arg(args[0])
            .arg(args.get(1).unwrap_or(&"-q"))
            .arg(target)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}
