//! Shards, merge and status end to end (docs/scale-out.md): part files from
//! every launcher's variables merge into tables byte-identical to a
//! one-process run; merge refuses missing, foreign, duplicated or changed
//! parts; status names the runs done, failed and missing and the shards to
//! resubmit.

use std::path::{Path, PathBuf};

use crate::common::{
    self, assert_contains, assert_same_tables, bundled_scenario, code_and_stderr, one_process,
    read_table, sim_failing_on_seed_1, sweep as sweep_cmd, sweep_in_process, test_data,
};
use swarm_sweep::sweep::runner::SimFn;

fn small_grid() -> PathBuf {
    test_data("sweeps/small_grid.yaml")
}

/// Run `swarm-sweep ARGS…`; return (exit code, stderr).
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut c = sweep_cmd();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    code_and_stderr(&c.output().unwrap())
}

fn out_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn shard(spec: &Path, dir: &Path, shard_args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut args = vec![
        out_str(spec),
        "-q",
        "--deterministic-timing",
        "--out",
        out_str(dir),
    ];
    args.extend_from_slice(shard_args);
    run(&args, env)
}

#[test]
fn shards_from_every_launcher_merge_into_the_one_process_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let (single, parts) = (tmp.path().join("single"), tmp.path().join("parts"));
    let spec = small_grid();
    one_process(&spec, &single, &[]); // with the analysis step
                                      // Shard k of 4, each from another launcher's variables.
    type Launcher<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let launchers: [Launcher; 4] = [
        (
            &["--shard-from-env"],
            &[
                ("SLURM_ARRAY_TASK_ID", "7"),
                ("SLURM_ARRAY_TASK_MIN", "7"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ],
        ),
        (
            &["--shard-from-env", "--shards", "4"],
            &[("JOB_COMPLETION_INDEX", "1")],
        ),
        (
            &["--shard-from-env"],
            &[("OMPI_COMM_WORLD_RANK", "2"), ("OMPI_COMM_WORLD_SIZE", "4")],
        ),
        (
            &["--shard-from-env"],
            &[("PMI_RANK", "3"), ("PMI_SIZE", "4")],
        ),
    ];
    for (k, (args, env)) in launchers.iter().enumerate() {
        let (code, err) = shard(&spec, &parts, args, env);
        assert_eq!(code, 0, "shard {}: {err}", k + 1);
        assert!(parts.join(format!("part-{}-of-4.json", k + 1)).exists());
    }
    // A shard's part file holds its runs, in run order: 0, 4, 8, 12.
    let p1 = read_table(&parts.join("runs.part-1-of-4.parquet"));
    let configs: Vec<(i64, i64)> = p1
        .rows
        .iter()
        .map(|r| (r["config_id"].int(), r["replicate"].int()))
        .collect();
    assert_eq!(configs, vec![(0, 0), (1, 1), (2, 2), (4, 0)]);
    assert!(!parts.join("runs.parquet").exists());

    let (code, err) = run(&["merge", out_str(&parts)], &[]);
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "merged 4 parts, 15 runs (0 failed)");
    assert_same_tables(&single, &parts);
    // Merge ran the analysis step, as the one-process sweep did.
    for f in ["summary.parquet", "comparisons.parquet", "report.md"] {
        assert!(
            std::fs::read(single.join(f)).unwrap() == std::fs::read(parts.join(f)).unwrap(),
            "{f} differs"
        );
    }

    // Hash sharding into 3 gives the same tables too.
    let hashed = tmp.path().join("hashed");
    for k in 1..=3 {
        let s = format!("hash:{k}/3");
        let (code, err) = shard(&spec, &hashed, &["--shard", &s], &[]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, err) = run(&["merge", "--no-analyze", out_str(&hashed)], &[]);
    assert_eq!(code, 0, "{err}");
    assert_same_tables(&single, &hashed);
}

#[test]
fn a_dry_run_lists_only_the_shards_runs() {
    let o = sweep_cmd()
        .arg(small_grid())
        .args(["--dry-run", "--shard", "2/4"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let runs: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(runs, ["1", "5", "9", "13"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 2/4: 4 of 15 runs (from --shard)"));
}

#[test]
fn bad_shard_arguments_are_bad_input() {
    let spec = small_grid();
    let s = out_str(&spec);
    for (args, env, want) in [
        (vec![s, "--shard", "5/4"], vec![], "out of range"),
        (vec![s, "--shard", "x"], vec![], "not a shard"),
        (
            vec![s, "--shard-from-env"],
            vec![],
            "none of SLURM_ARRAY_TASK_ID",
        ),
        (
            vec![s, "--shard-from-env"],
            vec![("JOB_COMPLETION_INDEX", "0")],
            "--shards N",
        ),
        (vec![s, "--shards", "4"], vec![], "--shard-from-env"),
        (
            vec![s, "--shard", "1/2", "--shard-from-env"],
            vec![],
            "cannot be used with",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let mut c = sweep_cmd();
        c.current_dir(tmp.path()).args(&args);
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
        assert_eq!(common::files_under(tmp.path()), Vec::<String>::new());
    }
}

/// `spec` with its seeds changed: another sweep over the same runs' space.
fn other_spec(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(small_grid()).unwrap();
    let base = bundled_scenario("alignment_waltz_targeted_feedback.yaml");
    let text = text
        .replace("seeds: {start: 0, count: 3}", "seeds: {start: 0, count: 4}")
        .replace(
            "../../../scenarios/alignment_waltz_targeted_feedback.yaml",
            out_str(&base),
        );
    let p = dir.join("other.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn merge_refuses_missing_foreign_duplicated_or_changed_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = small_grid();
    let dir = tmp.path().join("parts");
    let merge = |d: &Path| run(&["merge", "--no-analyze", out_str(d)], &[]);
    // Merge refuses, saying `why`; the whole message.
    let merge_refused = |why: &str| {
        let (code, err) = merge(&dir);
        assert_eq!(code, 2, "{err}");
        assert_contains(&err, why);
        err
    };

    let (code, err) = merge(&dir);
    assert_eq!(code, 2, "{err}");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, err) = merge(&empty);
    assert_eq!(code, 2);
    assert_contains(&err, "there is no part manifest");

    for k in 1..=3 {
        let (code, err) = shard(&spec, &dir, &["--shard", &format!("{k}/4")], &[]);
        assert_eq!(code, 0, "{err}");
    }
    merge_refused("1 of 4 parts are missing (shards 4/4)");
    assert!(!dir.join("runs.parquet").exists());

    // merge --wait gives up after its time, with the same message.
    let (code, err) = run(
        &["merge", "--no-analyze", "--wait", "1", out_str(&dir)],
        &[],
    );
    assert_eq!(code, 2);
    assert_contains(&err, "waiting for the shards");

    // Shard 4 of another spec: refused as another sweep.
    let foreign = other_spec(tmp.path());
    let (code, err) = shard(&foreign, &dir, &["--shard", "4/4"], &[]);
    assert_eq!(code, 0, "{err}");
    merge_refused("the parts come from different sweeps");

    // The right shard 4: merge works.
    std::fs::remove_file(dir.join("journal.part-4-of-4.jsonl")).unwrap();
    let (code, err) = shard(&spec, &dir, &["--shard", "4/4"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = merge(&dir);
    assert_eq!(code, 0, "{err}");

    // A part of another sharding beside them.
    let (code, err) = shard(&spec, &dir, &["--shard", "1/3"], &[]);
    assert_eq!(code, 0, "{err}");
    merge_refused("different shardings");
    std::fs::remove_file(dir.join("part-1-of-3.json")).unwrap();

    // A run claimed by two parts.
    let m2 = dir.join("part-2-of-4.json");
    let original = std::fs::read_to_string(&m2).unwrap();
    let mut doctored: serde_json::Value = serde_json::from_str(&original).unwrap();
    doctored["runs"][0] = serde_json::json!(0);
    std::fs::write(&m2, doctored.to_string()).unwrap();
    merge_refused("run 0 is in two parts: part-1-of-4.json and part-2-of-4.json");
    std::fs::write(&m2, &original).unwrap();

    // A part file changed after its manifest was written.
    let p3 = dir.join("epochs.part-3-of-4.parquet");
    let mut bytes = std::fs::read(&p3).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&p3, &bytes).unwrap();
    let err = merge_refused("epochs.part-3-of-4.parquet is not the file");
    assert_contains(&err, "rerun shard 3/4");
}

#[test]
fn status_names_done_failed_and_missing_runs_and_the_shards_to_resubmit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let spec = small_grid();
    let in_process = |extra: &[&str], sim: &SimFn| {
        sweep_in_process(&spec, &dir, &[&["--no-analyze"], extra].concat(), sim)
    };
    // Shard 1 complete; shard 2 complete with a failed run (seed 1);
    // shard 3 stopped by --fail-fast (a journal, no part); shard 4 not started.
    assert_eq!(in_process(&["--shard", "1/4"], &sim_failing_on_seed_1), 3);
    assert_eq!(in_process(&["--shard", "2/4"], &sim_failing_on_seed_1), 3);
    let stop = ["--shard", "3/4", "--fail-fast", "--jobs", "1"];
    assert_eq!(in_process(&stop, &sim_failing_on_seed_1), 4);
    let o = sweep_cmd().args(["status"]).arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    // Runs are configuration-major over seeds 0, 1, 2: seed 1 is runs 1, 4,
    // 7, 10, 13; shard k takes runs k-1, k+3, ...; shard 3 stops at run 10.
    for want in [
        "small_grid: 15 runs in 4 shards (round-robin), spec hash ",
        "1/4      complete           4       3       1       0",
        "2/4      complete           4       2       2       0",
        "3/4      stopped            4       2       1       1",
        "4/4      not started        3       0       0       3",
        "total                      15       7       4       4",
        "failed runs:",
        "  run 1 (run_key ",
        "shard 2/4): panicked at tests/it/common/commands.rs:",
        "injected failure",
        "resubmit shards: 1-4 of 4",
        "--array=0-3",
        "merge: when every shard is complete",
    ] {
        assert!(text.contains(want), "status lacks {want:?}:\n{text}");
    }
    // Finish with the real simulation: the failed runs are retried.
    for k in 1..=4 {
        let s = format!("{k}/4");
        assert_eq!(
            in_process(&["--shard", &s], &swarm_sweep::sweep::run_files::simulate),
            0,
            "shard {s}"
        );
    }
    let o = sweep_cmd()
        .args(["status", "--runs"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_contains(
        &text,
        "total                      15      15       0       0",
    );
    assert_contains(&text, "every shard is complete: swarm-sweep merge");
    assert!(!text.contains("resubmit"), "{text}");
    let runs: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("run\trun_key"))
        .skip(1)
        .collect();
    assert_eq!(runs.len(), 15, "{text}");
    assert!(
        runs[5].starts_with("5\t") && runs[5].ends_with("\t2/4\tdone\t"),
        "{:?}",
        runs[5]
    );

    let (code, err) = run(&["merge", "--no-analyze", out_str(&dir)], &[]);
    assert_eq!(code, 0, "{err}");
    let single = tmp.path().join("single");
    one_process(&spec, &single, &["--no-analyze"]);
    assert_same_tables(&single, &dir);
    let o = sweep_cmd().args(["status"]).arg(&dir).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("merged: runs.parquet and epochs.parquet are written"));
}

#[test]
fn merge_with_failed_runs_writes_the_tables_and_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, single) = (tmp.path().join("parts"), tmp.path().join("single"));
    let spec = small_grid();
    let failing = |out: &Path, extra: &[&str]| {
        let extra = [&["--no-analyze"], extra].concat();
        sweep_in_process(&spec, out, &extra, &sim_failing_on_seed_1)
    };
    for k in 1..=2 {
        let s = format!("{k}/2");
        assert_eq!(failing(&dir, &["--shard", &s]), 3);
    }
    assert_eq!(failing(&single, &[]), 3);
    let (code, err) = run(&["merge", "--no-analyze", out_str(&dir)], &[]);
    assert_eq!(code, 3, "{err}");
    assert_contains(&err, "merged 2 parts, 15 runs (5 failed)");
    assert_contains(&err, "injected failure");
    assert_same_tables(&single, &dir);
}

#[test]
fn status_of_a_directory_without_a_sweep_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sweep_cmd().arg("status").arg(tmp.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no sweep journal"));
    let o = sweep_cmd().args(["merge", "--help"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("byte"));
}
