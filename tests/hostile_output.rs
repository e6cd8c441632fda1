//! Outputs a careless or hostile setup points somewhere it should not
//! (issue 15): user-named files that are FIFOs or links, output folders of
//! another sweep, symlinked journals, damaged journals, stale temporaries.
//! Through the real binaries; every FIFO and link is made in a temp dir.

mod common;
mod fixture;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::{mkfifo, repo_root};

const QUICK: Duration = Duration::from_secs(30);

fn sweep() -> Command {
    let mut c = Command::cargo_bin("swarm-sweep").unwrap();
    c.current_dir(repo_root()).timeout(Duration::from_secs(300));
    c
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
        // The sweep refuses before it runs anything; check before it reruns.
        let o = sweep()
            .args(["tests/data/sweeps/small_grid.yaml", "--notes"])
            .arg(target)
            .arg("--out")
            .arg(tmp.path().join("never"))
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let o = sweep()
            .args(["check", "tests/data/sweeps/small_grid.yaml", "--against"])
            .arg(&results)
            .arg("--junit")
            .arg(target)
            .timeout(QUICK)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("--junit"), "{}", stderr(&o));
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
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# "));
    assert!(!results.join("-").exists());
}
