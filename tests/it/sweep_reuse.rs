//! The researcher's loop end to end (docs/scale-out.md, "Reuse"): a spec is
//! run, edited (more seeds, another grid value) and run again into the same
//! folder — only the new runs execute and the tables are byte-identical to
//! a fresh run of the edited spec; a comment-only edit runs nothing; a rerun
//! killed with SIGKILL resumes into identical tables; runs are found in
//! merged shard tables too; identical configurations share their runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    assert_contains, assert_same_tables, bundled_scenario, code_and_stderr, files_under,
    read_table, sweep_binary as bin,
};

/// A spec over the alignment-waltz scenario: the breaker off as the
/// baseline, a grid over its toxicity threshold.
fn spec(seeds: usize, thresholds: &[&str], extra: &str) -> String {
    let base = bundled_scenario("alignment_waltz_targeted_feedback.yaml");
    format!(
        "name: loop\nbase: {}\nseeds: {{start: 0, count: {seeds}}}\n\
         overrides:\n  simulation.n_epochs: 5\n\
         baseline:\n  governance.circuit_breaker_enabled: false\n\
         grid:\n  governance.freeze_threshold_toxicity: [{}]\n{extra}",
        base.display(),
        thresholds.join(", ")
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn sweep(spec: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg(spec)
        .args(["--deterministic-timing", "--no-analyze", "--out"])
        .arg(out)
        .args(extra);
    c
}

/// Exit code and stderr.
fn run(mut c: Command) -> (i32, String) {
    code_and_stderr(&c.output().unwrap())
}

/// `(reused, to run)` from the console's `DIR: N reused, M to run (of T:
/// ...)` line (`(0, total)` when nothing was reused: the line is not printed).
fn counts(err: &str, total: usize) -> (usize, usize) {
    let Some(line) = err.lines().find(|l| l.contains(" to run (of ")) else {
        return (0, total);
    };
    let head = &line[..line.find(" to run (of ").unwrap()];
    let (left, todo) = head.rsplit_once(" reused, ").unwrap();
    let reused = left.rsplit(' ').next().unwrap();
    (reused.parse().unwrap(), todo.parse().unwrap())
}

fn same_tables(a: &Path, b: &Path) {
    assert_same_tables(a, b);
    let files = files_under(&a.join("runs"));
    let fresh = files_under(&b.join("runs"));
    // Runs of the earlier spec stay (their folders are theirs); every run of
    // this one is there, with the same bytes.
    for f in fresh.iter().filter(|f| f.ends_with(".csv")) {
        assert!(files.contains(f), "{f} is missing");
        assert!(
            std::fs::read(a.join("runs").join(f)).unwrap()
                == std::fs::read(b.join("runs").join(f)).unwrap(),
            "{f} differs"
        );
    }
}

fn fresh(spec: &Path, tmp: &Path, name: &str) -> PathBuf {
    let dir = tmp.join(name);
    let (code, err) = run(sweep(spec, &dir, &["-q"]));
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn an_edited_spec_runs_only_its_new_runs_and_ends_as_a_fresh_run() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let dir = t.join("out");
    // 1. 3 configurations × 4 seeds.
    let first = write(t, "a.yaml", &spec(4, &["0.5", "0.7"], ""));
    let (code, err) = run(sweep(&first, &dir, &[]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&err, 12), (0, 12));

    // 2. Five more seeds and one more grid value: 4 × 9 = 36 runs, of which
    // the 12 already run are reused.
    let second = write(t, "b.yaml", &spec(9, &["0.5", "0.7", "0.9"], ""));
    let (code, err) = run(sweep(&second, &dir, &[]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&err, 36), (12, 24), "{err}");
    assert!(
        err.contains("24/24 runs") || err.contains("36 runs (0 failed, 12 reused)"),
        "{err}"
    );
    same_tables(&dir, &fresh(&second, t, "fresh_b"));

    // 3. A comment, a reordered key and a default written out run nothing.
    let edited = format!(
        "# the same sweep, reformatted\n{}\n# more notes\n",
        spec(9, &["0.5", "0.7", "0.9"], "outputs: {metrics_csv: true}\n")
    );
    let third = write(t, "c.yaml", &edited);
    let (code, err) = run(sweep(&third, &dir, &[]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&err, 36), (36, 0), "{err}");
    // (The tables' metadata holds the spec's text: compare with a fresh run
    // of this one.)
    same_tables(&dir, &fresh(&third, t, "fresh_c"));

    // 4. Killed with SIGKILL in the middle of a rerun that adds runs, then
    // resumed: the tables of a fresh run.
    let fourth = write(t, "d.yaml", &spec(20, &["0.5", "0.7", "0.9", "0.95"], ""));
    let before = files_under(&dir.join("runs")).len();
    let mut child = sweep(&fourth, &dir, &["-q", "--jobs", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while files_under(&dir.join("runs")).len() < before + 10 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended ({status}) before it could be killed");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !dir.join("runs.parquet").exists() || {
            // The old tables stay until the new ones replace them.
            read_table(&dir.join("runs.parquet")).rows.len() == 36
        }
    );
    let (code, err) = run(sweep(&fourth, &dir, &[]));
    assert_eq!(code, 0, "{err}");
    let (reused, todo) = counts(&err, 100);
    assert_eq!(reused + todo, 100);
    assert!(
        reused > 36,
        "the runs finished before the kill are reused: {err}"
    );
    same_tables(&dir, &fresh(&fourth, t, "fresh_d"));
}

#[test]
fn runs_are_taken_back_from_merged_shard_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let dir = t.join("out");
    let first = write(t, "a.yaml", &spec(4, &["0.5", "0.7"], ""));
    for k in ["1/2", "2/2"] {
        let (code, err) = run(sweep(&first, &dir, &["-q", "--shard", k]));
        assert_eq!(code, 0, "{err}");
    }
    let mut merge = Command::new(bin());
    merge.args(["merge", "--no-analyze", "-q"]).arg(&dir);
    let (code, err) = run(merge);
    assert_eq!(code, 0, "{err}");
    let second = write(t, "b.yaml", &spec(6, &["0.5", "0.7"], ""));
    let (code, err) = run(sweep(&second, &dir, &[]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&err, 18), (12, 6), "{err}");
    assert_contains(&err, "12 from the tables");
    same_tables(&dir, &fresh(&second, t, "fresh"));
}

#[test]
fn configurations_that_resolve_to_the_same_scenario_share_their_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // The scenario's own threshold (0.6) is one of the grid values, and the
    // baseline sets nothing the base does not: configurations 0 and 2 are
    // the same scenario.
    let base = bundled_scenario("alignment_waltz_targeted_feedback.yaml");
    let text = format!(
        "name: same\nbase: {}\nseeds: [1, 2, 3]\noverrides:\n  simulation.n_epochs: 4\n\
         grid:\n  governance.freeze_threshold_toxicity: [0.5, 0.6]\n",
        base.display()
    );
    let text_base = std::fs::read_to_string(&base).unwrap();
    assert!(
        text_base.contains("freeze_threshold_toxicity: 0.6"),
        "the fixture's premise"
    );
    let spec = write(t, "s.yaml", &text);
    let dir = t.join("out");
    let (code, err) = run(sweep(&spec, &dir, &[]));
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "3 the same as another run");
    assert_eq!(counts(&err, 9), (3, 6));
    let rows = read_table(&dir.join("runs.parquet")).rows;
    assert_eq!(rows.len(), 9);
    for seed in 0..3 {
        let (a, b) = (&rows[seed], &rows[6 + seed]);
        assert_eq!(a["run_key"], b["run_key"]);
        assert_eq!(a["toxicity_rate"], b["toxicity_rate"]);
        assert_ne!(a["config_id"], b["config_id"]);
    }
}

#[test]
fn another_sweep_name_is_still_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let dir = t.join("out");
    let first = write(t, "a.yaml", &spec(2, &["0.5"], ""));
    assert_eq!(run(sweep(&first, &dir, &["-q"])).0, 0);
    let other = write(
        t,
        "b.yaml",
        &spec(2, &["0.5"], "").replace("name: loop", "name: other"),
    );
    let (code, err) = run(sweep(&other, &dir, &["-q"]));
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "belongs to another sweep (sweep 'loop'");
}
