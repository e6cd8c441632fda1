//! Atomic file output: write under a temporary name in the target directory,
//! then rename, so a crash or an error never leaves a truncated file under a
//! final name.

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
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dest.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
        })?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&tmp)?;
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
}
