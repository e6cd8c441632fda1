//! Atomic file output: write under a temporary name in the destination's
//! directory, rename over the destination when complete. A file that is not
//! committed (an error, an abort) is removed when dropped, so readers never
//! see a half-written file.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A destination being written under a temporary name.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Reserve a temporary name beside `dest` (nothing is created yet).
    pub fn new(dest: &Path) -> AtomicFile {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()));
        AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            committed: false,
        }
    }

    /// Reserve a temporary name and create the file there.
    pub fn create(dest: &Path) -> io::Result<(AtomicFile, File)> {
        let a = AtomicFile::new(dest);
        let f = File::create(&a.tmp)?;
        Ok((a, f))
    }

    /// Where to write.
    pub fn tmp_path(&self) -> &Path {
        &self.tmp
    }

    /// Move the finished file into place.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.tmp, &self.dest)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write `dest` atomically through a function that writes a path.
pub fn write_with<E>(dest: &Path, write: impl FnOnce(&Path) -> Result<(), E>) -> Result<(), E>
where
    E: From<io::Error>,
{
    let a = AtomicFile::new(dest);
    write(a.tmp_path())?;
    a.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn commit_renames_and_drop_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.bin");
        let (a, mut f) = AtomicFile::create(&dest).unwrap();
        f.write_all(b"hello").unwrap();
        assert!(!dest.exists());
        a.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"hello");

        let (a, _f) = AtomicFile::create(&dir.path().join("y.bin")).unwrap();
        drop(a);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.bin")]);
    }

    #[test]
    fn write_with_leaves_nothing_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("z.txt");
        let r: io::Result<()> = write_with(&dest, |p| {
            std::fs::write(p, "partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
