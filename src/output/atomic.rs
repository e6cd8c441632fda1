//! Atomic file output: write under a temporary name in the target directory,
//! then rename, so a crash or an error never leaves a truncated file under a
//! final name. The rename replaces whatever has the final name, so only an
//! absent name or a regular file is replaced: a symbolic link, FIFO or
//! device is refused (never turned into a regular file). Temporaries a
//! killed process left (`.NAME.tmp-PID`, the PID dead) are removed.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; it appears under its final name only on `commit`.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        let tmp = temp_path(dest)?;
        if let Some(what) = existing_kind(dest)? {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} is {what}, not a regular file; it is not replaced",
                    dest.display()
                ),
            ));
        }
        let file = create_new(&tmp)?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            writer: Some(BufWriter::new(file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
    }

    /// Flush and rename into place. The file is complete in the kernel
    /// before it gets its final name, so a crashed process never leaves a
    /// partial file under that name.
    pub fn commit(self) -> io::Result<()> {
        self.finish(false)
    }

    /// Like [`commit`](Self::commit), and also sync the data to disk first,
    /// so the file survives a power loss too (for the sweep tables).
    pub fn commit_durable(self) -> io::Result<()> {
        self.finish(true)
    }

    fn finish(mut self, sync: bool) -> io::Result<()> {
        let w = self.writer.take().expect("commit once");
        let done = w
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| if sync { file.sync_all() } else { Ok(()) })
            .and_then(|()| fs::rename(&self.tmp, &self.dest));
        if done.is_err() {
            // The last flush failed (a full disk): leave nothing behind.
            let _ = fs::remove_file(&self.tmp);
        }
        done
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            // Never committed: remove the partial file.
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// This process's id, asked of the kernel once.
fn pid() -> u32 {
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *PID.get_or_init(std::process::id)
}

/// A new file at `path`, never through a symbolic link or into an existing
/// file: one left there (by this PID in an earlier life, or planted) is
/// removed first.
fn create_new(path: &Path) -> io::Result<File> {
    let open = || File::options().write(true).create_new(true).open(path);
    match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()
        }
        r => r,
    }
}

/// What is at `path` when it exists and is not a regular file ("a symbolic
/// link", "a FIFO", ...); `None` when it is absent or a regular file. Links
/// are not followed.
pub fn existing_kind(path: &Path) -> io::Result<Option<&'static str>> {
    use std::os::unix::fs::FileTypeExt;
    let t = match fs::symlink_metadata(path) {
        Ok(m) => m.file_type(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(if t.is_file() {
        None
    } else if t.is_symlink() {
        Some("a symbolic link")
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else {
        Some("a special file")
    })
}

/// Remove the temporaries of `name` in `dir` (`.NAME.tmp-PID`) whose
/// process is gone: what a killed writer left. A live process's are kept.
pub fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Whether a process `pid` exists (signal 0 probes without sending).
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The temporary name `dest` is written under first: `.NAME.tmp-PID`
/// beside it.
fn temp_path(dest: &Path) -> io::Result<PathBuf> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
    })?;
    Ok(dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), pid())))
}

/// Write `bytes` to `dest` atomically, `dest` being in a folder the caller
/// has just created (so nothing can be there: no check of what `dest` is,
/// no leftover temporary): one `openat`, `write`, `close` and `rename`,
/// with no buffer between (per-run files, one a run).
pub fn write_fresh(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(dest)?;
    let mut file = File::options().write(true).create_new(true).open(&tmp)?;
    let done = file.write_all(bytes).and_then(|()| {
        drop(file);
        fs::rename(&tmp, dest)
    });
    if done.is_err() {
        // Never a partial file under any name.
        let _ = fs::remove_file(&tmp);
    }
    done
}

/// Write `bytes` to `dest` atomically.
pub fn write_file(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(dest)?;
    f.write_all(bytes)?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.csv");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.write_all(b"partial").unwrap();
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        write_file(&dest, b"done").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"done");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_fresh_file_appears_whole_and_alone() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("m.csv");
        write_fresh(&dest, b"a,b\n1,2\n").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"a,b\n1,2\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        // A folder that is not there: an error, and nothing written.
        let gone = dir.path().join("gone").join("m.csv");
        assert!(write_fresh(&gone, b"x").is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn links_are_never_replaced_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("x.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_file(&link, b"new").is_err());
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        // A planted temporary link is removed, not followed.
        let dest = dir.path().join("y.csv");
        let tmp = dir
            .path()
            .join(format!(".y.csv.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&target, &tmp).unwrap();
        write_file(&dest, b"y").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert_eq!(fs::read(&dest).unwrap(), b"y");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".m.csv.tmp-4194305"); // above pid_max
        let alive = dir
            .path()
            .join(format!(".m.csv.tmp-{}", std::process::id()));
        let other = dir.path().join(".n.csv.tmp-4194305");
        for f in [&dead, &alive, &other] {
            fs::write(f, b"x").unwrap();
        }
        remove_stale_temporaries(dir.path(), "m.csv");
        assert!(!dead.exists() && alive.exists() && other.exists());
    }
}
