//! Huge sizes are refused up front with exit 2 and the numbers (issue 15
//! item 6; docs/cli.md, "Size limits"), each under a 1 GB `ulimit -v` so an
//! allocation of the old code would abort instead; a sweep records a run
//! too large to hold as a failed run and goes on.

use crate::common::{
    assert_contains, assert_exit, bundled_scenario, memory_limited, read_table, stderr, QUICK,
};
use std::path::{Path, PathBuf};

fn base() -> PathBuf {
    bundled_scenario("baseline.yaml")
}

fn spec(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("spec.yaml");
    let text = format!("name: big\nbase: {}\n{body}", base().display());
    std::fs::write(&path, text).unwrap();
    path
}

/// Run `bin args` under the memory limit; expect exit 2 naming `want`.
fn refused(bin: &str, args: &[&std::ffi::OsStr], want: &str) {
    let o = memory_limited(bin)
        .args(args)
        .timeout(QUICK)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{bin} {args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(want), "{bin} {args:?}: {}", stderr(&o));
}

/// `--out` in a fresh temp dir, which must still not exist afterwards.
fn out_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    (tmp, out)
}

/// `swarm run` of the baseline for `epochs` epochs into `out` is refused,
/// saying `want`.
fn epochs_refused(epochs: &str, out: &Path, want: &str) {
    let base = base();
    let args = [
        "run".as_ref(),
        base.as_os_str(),
        "--epochs".as_ref(),
        epochs.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    refused("swarm", &args, want);
}

#[test]
fn swarm_run_refuses_a_billion_epochs_and_leaves_nothing() {
    let (_tmp, out) = out_dir();
    epochs_refused("1000000000", &out, "1000000000 epochs of 10 steps");
    assert!(!out.exists(), "no output directory, no temporary files");
}

#[test]
fn a_long_run_within_the_limit_grows_its_epoch_list_as_it_goes() {
    let (_tmp, out) = out_dir();
    let o = memory_limited("swarm")
        .args(["run", "-q", "--no-events", "--epochs", "3000", "--out"])
        .arg(&out)
        .arg(base())
        .timeout(QUICK)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    let csv = std::fs::read_to_string(out.join("baseline_metrics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3000);
}

#[test]
fn swarm_run_refuses_a_million_agents() {
    let (tmp, out) = out_dir();
    let crowd = tmp.path().join("crowd.yaml");
    let text = std::fs::read_to_string(base()).unwrap();
    std::fs::write(&crowd, text.replacen("count: 3", "count: 1000000", 1)).unwrap();
    let args = [
        "run".as_ref(),
        crowd.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    refused("swarm", &args, "1000002 agents");
    assert!(!out.exists());
}

#[test]
fn swarm_run_refuses_ten_million_epochs() {
    let (_tmp, out) = out_dir();
    epochs_refused("10000000", &out, "SWARM_MAX_RUN_MEMORY");
}

#[test]
fn a_grid_of_a_billion_configurations_is_refused_before_it_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    let axis = |p: &str| format!("  governance.{p}: {{start: 1, stop: 1000, step: 1}}\n");
    let grid = spec(
        tmp.path(),
        &format!(
            "seeds: [1]\ngrid:\n{}{}{}",
            axis("freeze_threshold_violations"),
            axis("freeze_duration_epochs"),
            axis("rate_limit_max")
        ),
    );
    refused(
        "swarm-sweep",
        &[grid.as_os_str()],
        "configuration count is 1000000001, over the limit of 100000",
    );
    // Configurations within their limit, runs not: 100 × 200 000 seeds.
    let runs = spec(
        tmp.path(),
        &format!(
            "seeds: {{start: 0, count: 200000}}\ngrid:\n{}",
            axis("x").replace("1000", "99")
        ),
    );
    refused(
        "swarm-sweep",
        &[runs.as_os_str()],
        "(100 configurations × 200000 seeds)",
    );
}

#[test]
fn a_billion_seeds_are_refused_before_the_list_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = spec(tmp.path(), "seeds: {start: 0, count: 1000000000}\n");
    refused(
        "swarm-sweep",
        &[seeds.as_os_str()],
        "seeds.count is 1000000000",
    );
}

/// A two-run sweep of one-epoch runs.
fn small(dir: &Path) -> PathBuf {
    spec(dir, "seeds: [1, 2]\noverrides: {simulation.n_epochs: 1}\n")
}

#[test]
fn more_shards_than_runs_are_refused_and_status_never_sizes_by_a_file_name() {
    let (tmp, out) = out_dir();
    let small = small(tmp.path());
    let args = [
        small.as_os_str(),
        "--shard".as_ref(),
        "1/100000000000".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    refused("swarm-sweep", &args, "at most 2 shards");
    assert!(!out.exists());
    // A folder whose part file names 10^11 shards.
    let o = memory_limited("swarm-sweep")
        .arg(&small)
        .args(["-q", "--no-analyze", "--shard", "1/1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    std::fs::rename(
        out.join("journal.part-1-of-1.jsonl"),
        out.join("journal.part-1-of-100000000000.jsonl"),
    )
    .unwrap();
    std::fs::remove_file(out.join("part-1-of-1.json")).unwrap();
    let args = ["status".as_ref(), out.as_os_str()];
    refused("swarm-sweep", &args, "more shards than runs");
}

#[test]
fn a_hundred_thousand_jobs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small(tmp.path());
    let args = [small.as_os_str(), "--jobs".as_ref(), "100000".as_ref()];
    refused("swarm-sweep", &args, "SWARM_MAX_JOBS");
}

#[test]
fn a_trillion_bench_runs_are_refused() {
    let base = base();
    let args = [
        "bench".as_ref(),
        base.as_os_str(),
        "--runs".as_ref(),
        "1000000000000".as_ref(),
    ];
    refused("swarm", &args, "SWARM_MAX_RUNS");
}

#[test]
fn merge_waits_longer_than_the_clock_holds_without_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    let parts = tmp.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    std::fs::write(parts.join("part-1-of-1.json"), "not a manifest").unwrap();
    let args = [
        "merge".as_ref(),
        "--wait".as_ref(),
        "18446744073709551615".as_ref(),
        parts.as_os_str(),
    ];
    refused("swarm-sweep", &args, "not a part manifest");
}

#[test]
fn in_a_sweep_a_run_too_large_to_hold_is_a_failed_run() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(
        tmp.path(),
        "seeds: [1]\ngrid: {simulation.n_epochs: [2, 100000000]}\n",
    );
    let out = tmp.path().join("out");
    let o = memory_limited("swarm-sweep")
        .arg(&s)
        .args(["-q", "--no-analyze", "--no-metrics-csv", "--out"])
        .arg(&out)
        .timeout(QUICK)
        .output()
        .unwrap();
    assert_exit(&o, 3);
    assert_contains(&stderr(&o), "too large to run");
    let runs = read_table(&out.join("runs.parquet"));
    let status: Vec<&str> = runs.rows.iter().map(|r| r["status"].str()).collect();
    assert_eq!(status, ["ok", "ok", "failed"]);
    assert!(runs.rows[2]["error"].str().contains("SWARM_MAX_RUN_MEMORY"));
}
