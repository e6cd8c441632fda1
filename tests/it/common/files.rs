//! Paths of the repository's inputs, and files the tests make or list.

use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `rel` under tests/data/.
pub fn test_data(rel: &str) -> PathBuf {
    repo_root().join("tests/data").join(rel)
}

/// A scenario file of scenarios/, e.g. `baseline.yaml`.
pub fn bundled_scenario(file: &str) -> PathBuf {
    repo_root().join("scenarios").join(file)
}

/// `got` is the text of the golden file at `path`; with `UPDATE_GOLDENS`
/// set, it becomes it.
#[track_caller]
pub fn assert_golden(path: &Path, got: &str) {
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        std::fs::write(path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDENS=1 writes it)", path.display()));
    assert!(
        got == want,
        "{} differs from what was written (UPDATE_GOLDENS=1 rewrites it)",
        path.display()
    );
}

/// Every file below `dir`, relative, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out.sort();
    out
}

/// A FIFO at `path` (tests make their own, never under /dev).
pub fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}
