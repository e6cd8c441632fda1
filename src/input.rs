//! Reading the files a user names (specs, scenarios, files to analyse, part
//! manifests): regular files only, never more than a limit's bytes. A FIFO
//! would block forever and /dev/zero would fill memory; both are refused
//! before a byte is read (docs/cli.md, "Size limits").

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use crate::limits::{self, OverLimit};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("not found")]
    NotFound,
    #[error("is a directory")]
    IsDirectory,
    #[error("is not a regular file (a FIFO, device or socket); give a regular file")]
    NotRegular,
    #[error("{0}")]
    TooLarge(OverLimit),
    #[error(transparent)]
    Io(io::Error),
}

impl From<InputError> for io::Error {
    /// For callers that report an `io::Error`: the message survives.
    fn from(e: InputError) -> io::Error {
        match e {
            InputError::Io(e) => e,
            InputError::NotFound => io::Error::new(io::ErrorKind::NotFound, e.to_string()),
            other => io::Error::new(io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

/// Open `path` for reading without blocking on a FIFO, and check it is a
/// regular file (for files read in pieces, such as Parquet tables).
pub fn open_regular(path: &Path) -> Result<File, InputError> {
    open_sized(path).map(|(f, _)| f)
}

fn open_sized(path: &Path) -> Result<(File, u64), InputError> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading waits for a writer; non-blocking does
        // not (and changes nothing for a regular file).
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => InputError::NotFound,
        _ => InputError::Io(e),
    })?;
    let meta = file.metadata().map_err(InputError::Io)?;
    if meta.is_dir() {
        return Err(InputError::IsDirectory);
    }
    if !meta.is_file() {
        return Err(InputError::NotRegular);
    }
    Ok((file, meta.len()))
}

/// The bytes of the regular file `path`, refused when over the limit `env`
/// names (`what` names the file in that message, e.g. `the sweep spec`).
pub fn read_bounded(path: &Path, what: &str, env: &'static str) -> Result<Vec<u8>, InputError> {
    let (file, len) = open_sized(path)?;
    let limit = limits::current().get(env);
    let over = |n: u64| InputError::TooLarge(limits::check(what, n, env).unwrap_err());
    if len > limit {
        return Err(over(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while read stops at the limit all the same.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(InputError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(over(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Like [`read_bounded`], as UTF-8 text.
pub fn read_text(path: &Path, what: &str, env: &'static str) -> Result<String, InputError> {
    let bytes = read_bounded(path, what, env)?;
    String::from_utf8(bytes)
        .map_err(|e| InputError::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifos_and_directories_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_bounded(&fifo, "x", "SWARM_MAX_SPEC_BYTES").unwrap_err();
        assert!(matches!(e, InputError::NotRegular), "{e}");
        let e = read_bounded(dir.path(), "x", "SWARM_MAX_SPEC_BYTES").unwrap_err();
        assert!(matches!(e, InputError::IsDirectory), "{e}");
        let e = read_bounded(&dir.path().join("none"), "x", "SWARM_MAX_SPEC_BYTES").unwrap_err();
        assert!(matches!(e, InputError::NotFound), "{e}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_by_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        let f = File::create(&big).unwrap();
        // Sparse: nothing is written, nothing is read.
        f.set_len(limits::current().max_spec_bytes + 1).unwrap();
        let e = read_bounded(&big, "the spec", "SWARM_MAX_SPEC_BYTES").unwrap_err();
        assert!(e.to_string().contains("SWARM_MAX_SPEC_BYTES"), "{e}");
        std::fs::write(&big, "a: 1\n").unwrap();
        assert_eq!(
            read_text(&big, "x", "SWARM_MAX_SPEC_BYTES").unwrap(),
            "a: 1\n"
        );
    }
}
