//! Stable identities: sha256 of files and specs, and the run key — a hash of
//! the run's fully resolved scenario (its result-affecting content), the
//! engine's results version and the seed, so the same run has the same key
//! in every sweep that contains it, and a rerun of an edited spec finds it.

use sha2::{Digest, Sha256};

use crate::scenario::Scenario;

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`, two digits a byte (by table: a `{:02x}` per
/// byte cost more than the hash itself, and every run's key is one).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
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

/// The seed-independent part of a run key: sha256 over the scenario's
/// result-affecting content (`scenario::canonical`, overrides applied) and
/// the engine's `RESULTS_VERSION`. The same configuration has the same
/// fingerprint whatever spec, base file or override produced it.
pub fn fingerprint(scenario: &Scenario) -> String {
    let text = format!(
        "swarm-sweep/run/v2\nresults={}\n{}",
        crate::sim::RESULTS_VERSION,
        crate::scenario::canonical::canonical(scenario)
    );
    sha256_hex(text.as_bytes())
}

/// 16 hex digits (64 bits) of sha256(fingerprint, seed).
pub fn run_key(fingerprint: &str, seed: i64) -> String {
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update(b"seed=");
    h.update(itoa::Buffer::new().format(seed).as_bytes());
    h.update(b"\n");
    hex(&h.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::params::{set_param, ParamValue};
    use crate::scenario::{load_str, LoadOptions};

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    fn scenario(text: &str) -> Scenario {
        load_str(text, "t.yaml", LoadOptions::default())
            .unwrap()
            .scenario
    }

    #[test]
    fn the_key_follows_the_resolved_scenario_not_how_it_was_written() {
        let a = scenario("scenario_id: a\nagents:\n  - type: honest\n");
        // The same settings reached another way: a comment, a default written
        // out, an override that sets what the file already says.
        let mut b = scenario("# x\nscenario_id: a\ngovernance: {audit_probability: 0.1}\nagents:\n  - type: honest\n");
        set_param(&mut b, "payoff.theta", &ParamValue::Float(0.5)).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(run_key(&fingerprint(&a), 0), run_key(&fingerprint(&b), 0));
        assert_ne!(run_key(&fingerprint(&a), 0), run_key(&fingerprint(&a), 1));
        set_param(&mut b, "payoff.theta", &ParamValue::Float(0.6)).unwrap();
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(run_key(&fingerprint(&a), 7).len(), 16);
    }

    #[test]
    fn run_key_is_pinned() {
        // Changing the key scheme orphans every stored run and runs/<run_key>/
        // folder: bump the "v2" tag (or RESULTS_VERSION) and this value together.
        let s = scenario("scenario_id: a\nagents:\n  - type: honest\n");
        assert_eq!(crate::sim::RESULTS_VERSION, 1);
        assert_eq!(
            run_key(&fingerprint(&s), 7),
            run_key(&fingerprint(&s.clone()), 7)
        );
        assert_eq!(
            crate::scenario::canonical::canonical(&s),
            "scenario_id=\"a\"\nagents[0]=honest*1\n"
        );
    }

    #[test]
    fn run_key_is_the_first_16_hex_digits_of_the_fingerprint_and_seed() {
        let fp = fingerprint(&scenario("scenario_id: a\nagents:\n  - type: honest\n"));
        for seed in [0, 1, 7, -5, 42_000_000_000, i64::MIN, i64::MAX] {
            let whole = sha256_hex(format!("{fp}seed={seed}\n").as_bytes());
            assert_eq!(run_key(&fp, seed), whole[..16], "seed {seed}");
        }
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
