//! Outputs a careless or hostile setup points somewhere it should not
//! (issue 15): user-named files that are FIFOs or links, output folders of
//! another sweep, symlinked journals, damaged journals, stale temporaries.
//! Through the real binaries; every FIFO and link is made in a temp dir.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

use crate::common::{
    self, assert_contains, assert_exit, bundled_scenario, fixture, mkfifo, repo_root, stderr,
    sweep_spec, QUICK,
};

fn sweep() -> Command {
    let mut c = common::sweep();
    c.current_dir(repo_root()).timeout(Duration::from_secs(300));
    c
}

fn is_fifo(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(p).unwrap().file_type().is_fifo()
}

#[test]
fn notes_and_junit_never_replace_special_files_and_dash_is_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    std::fs::create_dir(&results).unwrap();
    fixture::write_sweep(&results, 4, 3, &[]);
    let fifo = tmp.path().join("notes.fifo");
    mkfifo(&fifo);
    let kept = tmp.path().join("kept.md");
    std::fs::write(&kept, "mine").unwrap();
    let link = tmp.path().join("link.md");
    std::os::unix::fs::symlink(&kept, &link).unwrap();

    for target in [&fifo, &link, &tmp.path().to_path_buf()] {
        let o = sweep()
            .args(["analyze", "-q", "--no-plots"])
            .arg(&results)
            .arg("--notes")
            .arg(target)
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_exit(&o, 2);
        assert_contains(&stderr(&o), "not a regular file");
        // The sweep refuses before it runs anything; check before it reruns.
        let o = sweep()
            .args(["tests/data/sweeps/small_grid.yaml", "--notes"])
            .arg(target)
            .arg("--out")
            .arg(tmp.path().join("never"))
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_exit(&o, 2);
        let o = sweep()
            .args(["check", "tests/data/sweeps/small_grid.yaml", "--against"])
            .arg(&results)
            .arg("--junit")
            .arg(target)
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_exit(&o, 2);
        assert_contains(&stderr(&o), "--junit");
    }
    assert!(is_fifo(&fifo));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "mine");
    assert!(!tmp.path().join("never").exists());

    let o = sweep()
        .args(["analyze", "-q", "--no-plots"])
        .arg(&results)
        .args(["--notes", "-"])
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# "));
    assert!(!results.join("-").exists());
}

/// A two-configuration, one-seed, two-epoch sweep named `name` in `dir`.
fn tiny_spec(dir: &Path, name: &str) -> std::path::PathBuf {
    let base = bundled_scenario("baseline.yaml");
    let path = dir.join(format!("{name}.yaml"));
    let text = format!(
        "name: {name}\nbase: {}\nseeds: [0]\noverrides: {{simulation.n_epochs: 2}}\n\
         grid: {{governance.audit_probability: [0.2]}}\n",
        base.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn run_sweep(spec: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let o = sweep_spec(spec, out, extra)
        .arg("-q")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    (o.status.code(), stderr(&o))
}

#[test]
fn a_folder_is_guarded_by_its_tables_and_force_new_removes_exactly_the_engines_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tiny_spec(tmp.path(), "a"), tiny_spec(tmp.path(), "b"));
    let out = tmp.path().join("out");
    assert_eq!(run_sweep(&a, &out, &[]).0, Some(0));
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    std::fs::write(out.join("plots/keep.txt"), "mine").unwrap();
    let runs = std::fs::read(out.join("runs.parquet")).unwrap();

    // Without its journal, the folder still holds sweep 'a''s tables.
    std::fs::remove_file(out.join("journal.jsonl")).unwrap();
    let (code, err) = run_sweep(&b, &out, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert_contains(&err, "holds the results of another sweep ('a'");
    assert!(std::fs::read(out.join("runs.parquet")).unwrap() == runs);

    // Parts of sweep 'b' copied in are not merged over 'a''s tables.
    let parts = tmp.path().join("parts");
    assert_eq!(run_sweep(&b, &parts, &["--shard", "1/1"]).0, Some(0));
    for f in [
        "runs.part-1-of-1.parquet",
        "epochs.part-1-of-1.parquet",
        "part-1-of-1.json",
    ] {
        std::fs::copy(parts.join(f), out.join(f)).unwrap();
    }
    let o = sweep().arg("merge").arg(&out).output().unwrap();
    assert_exit(&o, 2);
    assert_contains(&stderr(&o), "another sweep ('a'");
    assert!(std::fs::read(out.join("runs.parquet")).unwrap() == runs);

    // --force-new: every file the engine owns goes, the user's stay.
    let (code, err) = run_sweep(
        &b,
        &out,
        &["--force-new", "--no-analyze", "--no-metrics-csv"],
    );
    assert_eq!(code, Some(0), "{err}");
    let left = common::files_under(&out);
    let want = [
        "configs.parquet",
        "epochs.parquet",
        "journal.jsonl",
        "notes.md",
        "plots",
        "plots/keep.txt",
        "runs.parquet",
    ];
    assert_eq!(left, want.map(String::from), "{left:?}");
}

#[test]
fn owned_files_are_never_followed_through_links() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tiny_spec(tmp.path(), "a");
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let precious = tmp.path().join("precious.txt");
    std::fs::write(&precious, "do not touch").unwrap();
    std::os::unix::fs::symlink(&precious, out.join("journal.jsonl")).unwrap();
    for extra in [&[][..], &["--force-new"][..]] {
        let (code, err) = run_sweep(&a, &out, extra);
        assert_eq!(code, Some(2), "{err}");
        assert_contains(&err, "journal.jsonl is a symbolic link");
        assert!(
            !err.contains("--force-new"),
            "suggests a destructive flag: {err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "do not touch");
    assert!(std::fs::symlink_metadata(out.join("journal.jsonl"))
        .unwrap()
        .is_symlink());
    // A file of the user's under the journal's name is not ours to delete.
    std::fs::remove_file(out.join("journal.jsonl")).unwrap();
    std::fs::write(out.join("journal.jsonl"), "my notes\n").unwrap();
    let (code, err) = run_sweep(&a, &out, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert_contains(&err, "is not a swarm-sweep journal");
    assert!(
        !err.contains("--force-new"),
        "suggests a destructive flag: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("journal.jsonl")).unwrap(),
        "my notes\n"
    );
    // A per-run folder that is a link is refused too.
    std::fs::remove_file(out.join("journal.jsonl")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), out.join("runs")).unwrap();
    let (code, err) = run_sweep(&a, &out, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert_contains(&err, "runs is a symbolic link");
}

#[test]
fn journal_damage_that_leaves_valid_json_is_caught_by_the_checksums() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tiny_spec(tmp.path(), "a");
    let out = tmp.path().join("out");
    // The journal as a crashed sweep leaves it: every run's rows (a
    // complete sweep keeps only a line a run, its rows in the tables).
    let no_analyze = ["--no-analyze", "--no-metrics-csv", "--keep-journal"];
    assert_eq!(run_sweep(&a, &out, &no_analyze).0, Some(0));
    let journal = out.join("journal.jsonl");
    let clean = std::fs::read_to_string(&journal).unwrap();
    let runs = std::fs::read(out.join("runs.parquet")).unwrap();
    let first_run = clean.lines().nth(1).unwrap();
    assert_contains(first_run, "\"wall\":0.0");

    // A changed digit, and a duplicate of a line with other values.
    let changed = first_run.replacen("\"wall\":0.0", "\"wall\":1.0", 1);
    let duplicate = first_run.replacen("\"wall\":0.0", "\"wall\":2.0", 1);
    let damaged = format!("{}{duplicate}\n", clean.replacen(first_run, &changed, 1));
    std::fs::write(&journal, damaged).unwrap();
    let (code, err) = run_sweep(&a, &out, &no_analyze);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("checksum mismatch").count(), 2, "{err}");
    assert!(std::fs::read(out.join("runs.parquet")).unwrap() == runs);

    // A damaged header is refused, not silently started over.
    let text = std::fs::read_to_string(&journal).unwrap();
    let header = text.lines().next().unwrap();
    let hash_at = header.find("\"spec_hash\":\"").unwrap() + 13;
    let digit = if &header[hash_at..=hash_at] == "0" {
        "1"
    } else {
        "0"
    };
    let bad = format!("{}{digit}{}", &text[..hash_at], &text[hash_at + 1..]);
    std::fs::write(&journal, &bad).unwrap();
    let (code, err) = run_sweep(&a, &out, &no_analyze);
    assert_eq!(code, Some(2), "{err}");
    assert_contains(&err, "header line is damaged");
    assert!(!err.contains("--force-new"), "{err}");
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), bad);
}
