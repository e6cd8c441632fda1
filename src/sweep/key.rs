//! Stable identities: sha256 of files and specs, and the run key — a hash of
//! the base scenario's bytes, the effective parameter overrides and the seed,
//! so the same run has the same key in every sweep that contains it.

use std::collections::BTreeMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::scenario::params::ParamValue;

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Lower-case hex sha256 of a file's bytes, read in 64 KiB pieces (tables
/// can be large; they are never held whole).
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    // Never a FIFO or a device: a part file named by a user's directory.
    let mut file = crate::input::open_regular(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// The seed-independent part of a run key: scenario hash plus the overrides
/// as they finally apply (later assignments win), sorted by path, each value
/// tagged with its type so `1` and `1.0` and `"1"` differ.
pub fn fingerprint<'a>(
    scenario_sha256: &str,
    assignments: impl IntoIterator<Item = (&'a str, &'a ParamValue)>,
) -> String {
    let effective: BTreeMap<&str, &ParamValue> = assignments.into_iter().collect();
    let mut s = format!("swarm-sweep/run/v1\nscenario={scenario_sha256}\n");
    for (path, value) in effective {
        let v = match value {
            ParamValue::Bool(b) => format!("bool:{b}"),
            ParamValue::Int(i) => format!("int:{i}"),
            ParamValue::Float(f) => format!("float:{f:?}"),
            ParamValue::Str(t) => format!("str:{t:?}"),
        };
        let _ = writeln!(s, "set {path}={v}");
    }
    s
}

/// 16 hex digits (64 bits) of sha256(fingerprint, seed).
pub fn run_key(fingerprint: &str, seed: i64) -> String {
    let mut h = sha256_hex(format!("{fingerprint}seed={seed}\n").as_bytes());
    h.truncate(16);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn last_assignment_wins_and_order_does_not_matter() {
        let (a, b, c) = (
            ParamValue::Float(0.5),
            ParamValue::Float(0.6),
            ParamValue::Int(2),
        );
        let f1 = fingerprint("abc", [("g.x", &a), ("g.y", &c), ("g.x", &b)]);
        let f2 = fingerprint("abc", [("g.y", &c), ("g.x", &b)]);
        assert_eq!(f1, f2);
        assert_eq!(run_key(&f1, 0), run_key(&f2, 0));
        assert_ne!(run_key(&f1, 0), run_key(&f1, 1));
        assert_eq!(run_key(&f1, 0).len(), 16);
    }

    #[test]
    fn types_and_scenarios_distinguish_keys() {
        let (i, f) = (ParamValue::Int(1), ParamValue::Float(1.0));
        assert_ne!(
            fingerprint("abc", [("g.x", &i)]),
            fingerprint("abc", [("g.x", &f)])
        );
        assert_ne!(
            fingerprint("abc", [("g.x", &i)]),
            fingerprint("abd", [("g.x", &i)])
        );
    }

    #[test]
    fn run_key_is_pinned() {
        // Changing the key scheme orphans every stored runs/<run_key>/ folder:
        // bump the "v1" tag and this value together.
        let f = fingerprint(
            "abc",
            [("governance.audit_probability", &ParamValue::Float(0.2))],
        );
        assert_eq!(run_key(&f, 7), run_key(&f.clone(), 7));
        assert_eq!(
            f,
            "swarm-sweep/run/v1\nscenario=abc\nset governance.audit_probability=float:0.2\n"
        );
    }
}
