//! The journal's line framing (docs/scale-out.md): each line is its JSON
//! text, a tab, and the CRC-32 of that text in 8 hex digits. JSON never
//! holds a raw tab, so the last tab splits them. A changed digit, a line
//! duplicated with other values or cells swapped all leave valid JSON; the
//! checksum tells such a line from the one the engine wrote.

use std::io::{self, Write};

/// Why a line is not as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("no checksum (not a line of this journal format)")]
    Missing,
    #[error("checksum mismatch (the line was changed after it was written)")]
    Mismatch,
}

/// `json` + tab + checksum (no newline).
pub fn seal(line: &mut String) {
    let sum = crc32fast::hash(line.as_bytes());
    line.push('\t');
    line.push_str(&format!("{sum:08x}"));
}

/// The JSON text of a sealed line, if its checksum holds.
pub fn open(line: &[u8]) -> Result<&[u8], LineError> {
    let tab = line
        .iter()
        .rposition(|&b| b == b'\t')
        .ok_or(LineError::Missing)?;
    let (json, sum) = (&line[..tab], &line[tab + 1..]);
    let stored = std::str::from_utf8(sum)
        .ok()
        .filter(|s| s.len() == 8)
        .and_then(|s| u32::from_str_radix(s, 16).ok())
        .ok_or(LineError::Missing)?;
    if crc32fast::hash(json) == stored {
        Ok(json)
    } else {
        Err(LineError::Mismatch)
    }
}

/// A writer that checksums what passes through it (for a header streamed
/// as it is serialized).
pub struct Summing<W: Write> {
    inner: W,
    hasher: crc32fast::Hasher,
}

impl<W: Write> Summing<W> {
    pub fn new(inner: W) -> Summing<W> {
        Summing {
            inner,
            hasher: crc32fast::Hasher::new(),
        }
    }

    /// Write the tab, the checksum and the newline; hand back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        let sum = self.hasher.finalize();
        writeln!(self.inner, "\t{sum:08x}")?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_byte_breaks_the_seal() {
        let mut line = r#"{"i":3,"run":[0.25,1]}"#.to_string();
        seal(&mut line);
        assert_eq!(open(line.as_bytes()), Ok(&br#"{"i":3,"run":[0.25,1]}"#[..]));
        let changed = line.replacen("0.25", "0.26", 1);
        assert_eq!(open(changed.as_bytes()), Err(LineError::Mismatch));
        let swapped = line.replacen("[0.25,1]", "[1,0.25]", 1);
        assert_eq!(open(swapped.as_bytes()), Err(LineError::Mismatch));
        assert_eq!(open(br#"{"i":3}"#), Err(LineError::Missing));
        let mut streamed = Summing::new(Vec::new());
        streamed.write_all(br#"{"i":3,"run":[0.25,1]}"#).unwrap();
        let bytes = streamed.finish().unwrap();
        assert_eq!(bytes, format!("{line}\n").into_bytes());
    }
}
