//! Crash safety end to end (docs/scale-out.md): a sweep killed with SIGKILL
//! or interrupted with SIGINT resumes from its journal into tables (and
//! per-run files) identical to an uninterrupted run; a journal of another
//! spec is refused; a full disk, a read-only directory or a permission error
//! fails with a clear message, leaves no partial file under a final name and
//! loses no finished run. The file-system cases mount a small tmpfs, which
//! needs root: without it they are skipped with a printed reason.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::{
    assert_contains, assert_same_tables, code_and_stderr, files_under, read_table,
    sweep_binary as bin, test_data,
};

const RUNS: usize = 200;

fn spec() -> PathBuf {
    test_data("sweeps/resume.yaml")
}

fn sweep(out: &Path, extra: &[&str]) -> Command {
    let mut c = sweep_verbose(out, extra);
    c.arg("-q");
    c
}

/// Without -q: with the progress and resume messages. (The analysis step
/// is left out throughout: it reads the tables these tests compare.)
fn sweep_verbose(out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg(spec())
        .args(["--deterministic-timing", "--no-analyze", "--out"])
        .arg(out)
        .args(extra);
    c
}

fn output(mut c: Command) -> (i32, String) {
    code_and_stderr(&c.output().unwrap())
}

/// An uninterrupted run of the spec, made once per test binary.
fn reference() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sweep_resume_reference");
        let _ = std::fs::remove_dir_all(&dir);
        // With every run's rows kept in the journal (as a crashed sweep
        // leaves it), for the tests that start from part of it.
        let (code, err) = output(sweep(&dir, &["--jobs", "2", "--keep-journal"]));
        assert_eq!(code, 0, "{err}");
        dir
    })
}

fn lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Wait until the journal holds `n` lines (the header and n-1 runs).
fn wait_for_lines(journal: &Path, n: usize, child: &mut Child) {
    let start = Instant::now();
    while lines(journal) < n {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended ({status}) before it could be stopped");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no progress in the journal"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Tables and every per-run file as in the uninterrupted run.
fn assert_matches_reference(dir: &Path) {
    let reference = reference();
    assert_same_tables(dir, reference);
    let files = files_under(&dir.join("runs"));
    assert_eq!(files, files_under(&reference.join("runs")));
    assert_eq!(
        files.len(),
        RUNS * 2 + 1,
        "a folder and a metrics.csv per run, and index.tsv"
    );
    for f in files.iter().filter(|f| f.ends_with(".csv")) {
        assert!(
            std::fs::read(dir.join("runs").join(f)).unwrap()
                == std::fs::read(reference.join("runs").join(f)).unwrap(),
            "{f} differs"
        );
    }
}

fn no_temporaries(dir: &Path) {
    let tmp: Vec<String> = files_under(dir)
        .into_iter()
        .filter(|f| f.contains(".tmp-"))
        .collect();
    assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_into_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let journal = dir.join("journal.jsonl");
    let mut child = sweep(&dir, &["--jobs", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lines(&journal, 21, &mut child);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let finished = lines(&journal) - 1;
    assert!(
        (20..RUNS).contains(&finished),
        "{finished} runs journaled before the kill"
    );
    assert!(!dir.join("runs.parquet").exists() && !dir.join("epochs.parquet").exists());
    // And as if the kill had landed in the middle of a write:
    std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap()
        .write_all(br#"{"i":199,"key":"4a1f"#)
        .unwrap();

    let (code, err) = output(sweep(&dir, &["--jobs", "2"]));
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "ignoring a truncated last line");
    assert_matches_reference(&dir);
    no_temporaries(&dir);
    assert_eq!(lines(&journal), 1 + RUNS);

    // Rerunning a finished sweep runs nothing and rewrites the same tables.
    let (code, err) = output(sweep(&dir, &[]));
    assert_eq!(code, 0, "{err}");
    assert_matches_reference(&dir);
    assert_eq!(lines(&journal), 1 + RUNS);
}

#[test]
fn ctrl_c_keeps_the_finished_runs_and_exits_130() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let journal = dir.join("journal.jsonl");
    let mut child = sweep(&dir, &["--jobs", "1"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_lines(&journal, 21, &mut child);
    // SAFETY: signalling our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert_contains(&err, "interrupted after");
    assert_contains(&err, "rerun the same command to resume");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.ends_with('\n'), "every finished run is flushed whole");
    let finished = text.lines().count() - 1;
    assert!((20..RUNS).contains(&finished), "{finished}");
    assert!(!dir.join("runs.parquet").exists());
    no_temporaries(&dir);

    let (code, err) = output(sweep_verbose(&dir, &["--jobs", "2"]));
    assert_eq!(code, 0, "{err}");
    assert_contains(
        &err,
        &format!(
            "{}: {finished} reused, {} to run (of {RUNS}: {finished} from the journal)",
            dir.display(),
            RUNS - finished
        ),
    );
    assert_matches_reference(&dir);
}

#[test]
fn a_journal_of_another_spec_is_refused_unless_force_new() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let small = test_data("sweeps/small_grid.yaml");
    let run = |spec: &Path, out: &Path, extra: &[&str]| {
        let mut c = Command::new(bin());
        c.arg(spec)
            .args(["-q", "--deterministic-timing", "--no-analyze", "--out"])
            .arg(out)
            .args(extra);
        output(c)
    };
    assert_eq!(run(&small, &dir, &[]).0, 0);
    let journal = std::fs::read(dir.join("journal.jsonl")).unwrap();
    let runs = std::fs::read(dir.join("runs.parquet")).unwrap();

    let (code, err) = run(&spec(), &dir, &[]);
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        "belongs to another sweep (sweep 'small_grid', spec hash",
    );
    assert_contains(&err, "Choose another --out to keep it");
    assert!(std::fs::read(dir.join("journal.jsonl")).unwrap() == journal);
    assert!(std::fs::read(dir.join("runs.parquet")).unwrap() == runs);
    assert!(!dir.join("runs").exists(), "nothing ran");

    let (code, err) = run(&spec(), &dir, &["--force-new", "--jobs", "2"]);
    assert_eq!(code, 0, "{err}");
    assert_matches_reference(&dir);
}

/// Say why a test is skipped, past the test harness's output capture.
fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// A tmpfs mounted for one test; unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mount a tmpfs of `size` (e.g. "256k") on `dir`, or say why not.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let r = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(dir)
            .stderr(Stdio::piped())
            .output();
        match r {
            Ok(o) if o.status.success() => Some(Tmpfs(dir.to_path_buf())),
            Ok(o) => {
                skipped(&format!(
                    "cannot mount a tmpfs on {} (needs root): {}",
                    dir.display(),
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
                None
            }
            Err(e) => {
                skipped(&format!("cannot run mount: {e}"));
                None
            }
        }
    }

    fn remount(&self, opts: &str) {
        let s = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(s.success(), "remount {opts}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Every table under a final name is whole (a readable Parquet file).
fn no_partial_tables(dir: &Path) {
    for f in ["runs.parquet", "epochs.parquet"] {
        if dir.join(f).exists() {
            read_table(&dir.join(f)); // panics on a truncated file
        }
    }
}

#[test]
fn a_full_disk_stops_cleanly_and_the_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("disk");
    // Room for a few runs' metrics.csv and journal lines only.
    let Some(fs) = Tmpfs::mount(&dir, "256k") else {
        return;
    };
    let (code, err) = output(sweep(&dir, &["--jobs", "2"]));
    assert_eq!(code, 1, "{err}");
    assert_contains(&err, "No space left on device");
    assert_contains(&err, "rerun the same command to resume");
    no_partial_tables(&dir);
    no_temporaries(&dir);
    let journaled = lines(&dir.join("journal.jsonl"));
    assert!(journaled > 1, "some runs finished before the disk filled");

    fs.remount("size=64m");
    let (code, err) = output(sweep(&dir, &["--jobs", "2"]));
    assert_eq!(code, 0, "{err}");
    assert_matches_reference(&dir);
}

#[test]
fn tables_that_do_not_fit_leave_no_partial_file_and_lose_no_run() {
    let reference = reference();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("disk");
    // The journal fits; the tables do not.
    let journal_size = std::fs::metadata(reference.join("journal.jsonl"))
        .unwrap()
        .len();
    let size = format!("{}k", journal_size / 1024 + 48);
    let Some(fs) = Tmpfs::mount(&dir, &size) else {
        return;
    };
    let (code, err) = output(sweep(&dir, &["--no-metrics-csv"]));
    assert_eq!(code, 1, "{err}");
    assert_contains(&err, "No space left on device");
    assert!(!dir.join("epochs.parquet").exists());
    no_partial_tables(&dir);
    no_temporaries(&dir);
    assert_eq!(
        lines(&dir.join("journal.jsonl")),
        1 + RUNS,
        "every run is kept"
    );

    fs.remount("size=64m");
    let (code, err) = output(sweep_verbose(&dir, &["--no-metrics-csv"]));
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "200 reused, 0 to run (of 200: 200 from the journal)");
    assert_same_tables(&dir, reference);
}

/// The first `n` runs of the reference journal, as a crashed sweep leaves it.
fn partial_journal(dir: &Path, n: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(reference().join("journal.jsonl")).unwrap();
    let part: String = text.split_inclusive('\n').take(1 + n).collect();
    std::fs::write(dir.join("journal.jsonl"), &part).unwrap();
    part.into_bytes()
}

#[test]
fn a_read_only_directory_fails_clearly_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ro");
    let Some(fs) = Tmpfs::mount(&dir, "16m") else {
        return;
    };
    fs.remount("ro");
    let (code, err) = output(sweep(&dir, &[]));
    assert_eq!(code, 1, "{err}");
    assert_contains(&err, "Read-only file system");
    assert_eq!(files_under(&dir), Vec::<String>::new());

    fs.remount("rw");
    let journal = partial_journal(&dir, 50);
    fs.remount("ro");
    let (code, err) = output(sweep(&dir, &[]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot open journal") && err.contains("Read-only file system"),
        "{err}"
    );
    assert!(std::fs::read(dir.join("journal.jsonl")).unwrap() == journal);

    fs.remount("rw");
    let (code, err) = output(sweep(&dir, &["--no-metrics-csv"]));
    assert_eq!(code, 0, "{err}");
    assert_same_tables(&dir, reference());
}

#[test]
fn a_permission_error_fails_clearly_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("locked");
    std::fs::create_dir(&dir).unwrap();
    let journal = partial_journal(&dir, 50);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = sweep(&dir, &[]);
    if root {
        // Root passes permission checks: run the sweep as nobody instead.
        c.uid(65534).gid(65534);
    } else {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let o = match c.output() {
        Ok(o) => o,
        Err(e) => {
            skipped(&format!("cannot run the sweep as another user: {e}"));
            return;
        }
    };
    let err = String::from_utf8_lossy(&o.stderr);
    if root && err.contains("cannot read sweep spec") {
        skipped(&format!(
            "the user nobody cannot read the repository: {err}"
        ));
        return;
    }
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_contains(&err, "Permission denied");
    assert!(std::fs::read(dir.join("journal.jsonl")).unwrap() == journal);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, err) = output(sweep(&dir, &["--no-metrics-csv"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty() || !err.contains("Error"), "{err}");
    assert_same_tables(&dir, reference());
}
