//! A bounded, deterministic mutation fuzz of the scenario and spec loaders
//! (issue 15): every YAML file of the repository, mutated by a fixed-seed
//! generator (bytes flipped, spans cut, lines duplicated or spliced, YAML
//! tokens and extreme numbers inserted), goes through `fuzz_harness`. A
//! panic, an abort or an input slower than a few seconds fails the test.
//! Seconds in `cargo test`; `SWARM_FUZZ_ITERATIONS=200000` (and
//! `SWARM_FUZZ_SEED`) for a long run, or the libFuzzer target in fuzz/.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::fixture::Noise;
use crate::common::{self, fuzz_harness};

const ITERATIONS: usize = 1500;
/// One input may take this long in a debug build; a hang ends the process.
const SLOW: Duration = Duration::from_secs(5);
const HANG: Duration = Duration::from_secs(60);

/// YAML structure, tags, anchors and values at the edges of what is valid.
const TOKENS: &[&str] = &[
    "&a ",
    "*a",
    "<<: *a\n",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!binary ",
    "!x ",
    "{",
    "}",
    "[",
    "]",
    "- ",
    ": ",
    ", ",
    "\t",
    "\n",
    "'",
    "\"",
    "? ",
    "|\n  ",
    ">-\n  ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "#",
    "\u{feff}",
    "é",
    "\u{0}",
    "\r",
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "null",
    "yes",
    "0x1F",
    "0b101",
    "017",
    "1_000",
    "1e999",
    "1.0e308",
    "-0.0",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "seeds: {start: 9223372036854775807, count: 3}\n",
    "seeds: {start: -5, count: 100000}\n",
    "grid: {governance.audit_probability: {start: 0, stop: 1, step: 0.00001}}\n",
    "grid: {g.n: {start: -9223372036854775808, stop: 9223372036854775807, step: 1}}\n",
    "  n_epochs: 4000000000\n",
    "    count: 1000000\n",
    "scenario_id: ../../x\n",
    "name: \"a\\tb\"\n",
    "variants: {\"x\\ny\": {governance.audit_probability: 0.5}}\n",
    "zip: {governance.audit_probability: [0.1, 0.2], governance.audit_penalty: [1]}\n",
];

fn corpus(root: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![
        root.join("scenarios"),
        root.join("sweeps"),
        root.join("tests/data"),
    ];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

fn below(noise: &mut Noise, n: usize) -> usize {
    (noise.next_u64() % n.max(1) as u64) as usize
}

/// Line starts of `text` (always including 0).
fn lines(text: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&i| i == 0 || i < text.len())
        .collect()
}

fn line_at(text: &[u8], start: usize) -> &[u8] {
    let end = text[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |e| start + e + 1);
    &text[start..end]
}

fn mutate(noise: &mut Noise, text: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let at = below(noise, text.len() + 1);
    match below(noise, 7) {
        0 if !text.is_empty() => {
            let i = below(noise, text.len());
            const BYTES: &[u8] = b" -:{}[],'\"&*!|>#\t\n0.9ae";
            text[i] = BYTES[below(noise, BYTES.len())];
        }
        1 => {
            let len = below(noise, 64).min(text.len() - at);
            text.drain(at..at + len);
        }
        2 => {
            let starts = lines(text);
            let s = starts[below(noise, starts.len())];
            let line = line_at(text, s).to_vec();
            text.splice(s..s, line);
        }
        3 => {
            let other = &corpus[below(noise, corpus.len())];
            let starts = lines(other);
            let line = line_at(other, starts[below(noise, starts.len())]).to_vec();
            let mine = lines(text);
            let s = mine[below(noise, mine.len())];
            text.splice(s..s, line);
        }
        4 => text.truncate(at),
        _ => {
            let token = TOKENS[below(noise, TOKENS.len())].as_bytes();
            text.splice(at..at, token.iter().copied());
        }
    }
}

/// Set when the test ends, by unwinding too.
struct Finished(Arc<AtomicBool>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn mutated_yaml_never_panics_aborts_or_hangs_the_loaders() {
    let root = common::repo_root();
    let corpus = corpus(&root);
    assert!(corpus.len() > 30, "{} files", corpus.len());
    let base = fuzz_harness::base(&root);
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let iterations = env("SWARM_FUZZ_ITERATIONS").map_or(ITERATIONS, |n| n as usize);
    let mut noise = Noise::new(env("SWARM_FUZZ_SEED").unwrap_or(15));

    // A watchdog: an input that never returns must not stall CI. It stops
    // when this test ends, passed or failed: the other tests of the binary
    // go on running.
    let done = Arc::new(AtomicUsize::new(0));
    let finished = Finished(Arc::new(AtomicBool::new(false)));
    let watched = Arc::clone(&done);
    let over = Arc::clone(&finished.0);
    std::thread::spawn(move || {
        let mut last = usize::MAX;
        loop {
            std::thread::sleep(HANG);
            if over.load(Ordering::Relaxed) {
                return;
            }
            let now = watched.load(Ordering::Relaxed);
            if now == last {
                eprintln!("fuzz: input {now} has run for over {HANG:?} (a hang)");
                std::process::abort();
            }
            last = now;
        }
    });

    let failures = root.join("target/fuzz-failures");
    for i in 0..iterations {
        let mut text = corpus[below(&mut noise, corpus.len())].clone();
        for _ in 0..1 + below(&mut noise, 4) {
            mutate(&mut noise, &mut text, &corpus);
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(|| fuzz_harness::exercise(&text, &base));
        let took = started.elapsed();
        if outcome.is_err() || took > SLOW {
            std::fs::create_dir_all(&failures).unwrap();
            let file = failures.join(format!("input-{i}.yaml"));
            std::fs::write(&file, &text).unwrap();
            panic!(
                "input {i} {} (saved as {})",
                if outcome.is_err() {
                    "panicked".to_string()
                } else {
                    format!("took {took:?}")
                },
                file.display()
            );
        }
        done.store(i + 1, Ordering::Relaxed);
    }
}
