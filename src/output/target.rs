//! Files a user names for an output (`--notes`, `--junit`): `-` is standard
//! output; any other path must be absent or a regular file, which is then
//! replaced atomically. A FIFO, a device, a directory or a symbolic link is
//! refused up front: the rename that makes a write atomic would replace it
//! with a regular file (as root, `--notes /dev/null` would destroy the device).

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::atomic;

/// Where a user-named output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

/// Why a target cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(
        "{} is {what}, not a regular file: it would be replaced, not written to \
         (give a new or regular file, or - for standard output)",
        path.display()
    )]
    Special { path: PathBuf, what: &'static str },
    #[error("cannot write {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl Target {
    /// `-` is standard output.
    pub fn new(path: &Path) -> Target {
        if path.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::File(path.to_path_buf())
        }
    }

    /// Refuse a path that exists and is not a regular file (before any
    /// work is done; `write` checks again).
    pub fn check(&self) -> Result<(), TargetError> {
        let Target::File(path) = self else {
            return Ok(());
        };
        match atomic::existing_kind(path) {
            Ok(None) => Ok(()),
            Ok(Some(what)) => Err(TargetError::Special {
                path: path.clone(),
                what,
            }),
            Err(source) => Err(TargetError::Io {
                path: path.clone(),
                source,
            }),
        }
    }

    /// Write `bytes` (atomically for a file, creating its directory).
    pub fn write(&self, bytes: &[u8]) -> Result<(), TargetError> {
        self.check()?;
        match self {
            Target::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Target::File(path) => {
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                parent
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| atomic::write_file(path, bytes))
            }
        }
        .map_err(|source| TargetError::Io {
            path: self.path().to_path_buf(),
            source,
        })
    }

    pub fn is_stdout(&self) -> bool {
        *self == Target::Stdout
    }

    fn path(&self) -> &Path {
        match self {
            Target::Stdout => Path::new("-"),
            Target::File(p) => p,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Stdout => f.write_str("standard output"),
            Target::File(p) => write!(f, "{}", p.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_replaced_and_links_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/notes.md");
        let t = Target::new(&file);
        t.write(b"one").unwrap();
        t.write(b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let e = Target::new(&link).write(b"three").unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert!(Target::new(dir.path()).check().is_err());
        assert!(Target::new(Path::new("-")).is_stdout());
    }
}
