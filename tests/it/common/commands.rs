//! The crate's binaries as commands, what they print, and a simulation that
//! fails on purpose for the in-process sweep tests.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use swarm_sweep::cli::sweep::Cli;
use swarm_sweep::sweep::runner::SimFn;

/// How long a command that must be refused up front may take.
pub const QUICK: Duration = Duration::from_secs(30);

/// Launcher variables that must not leak in from the machine running the
/// tests: with them, a plain sweep would run as one shard of many.
pub const LAUNCHER_VARS: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
    "OMPI_COMM_WORLD_RANK",
    "OMPI_COMM_WORLD_SIZE",
    "PMI_RANK",
    "PMI_SIZE",
];

/// `swarm`.
pub fn swarm() -> Command {
    Command::cargo_bin("swarm").unwrap()
}

/// `swarm-sweep`, without the launcher variables of the machine.
pub fn sweep() -> Command {
    let mut c = Command::cargo_bin("swarm-sweep").unwrap();
    for v in LAUNCHER_VARS {
        c.env_remove(v);
    }
    c
}

/// The `swarm-sweep` executable, for tests that spawn, signal or wrap it.
pub fn sweep_binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("swarm-sweep")
}

/// `bin` (a binary of this crate) run through `sh` under `ulimit -v` of
/// 1 GB: a case that would allocate gigabytes must be refused up front.
pub fn memory_limited(bin: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("ulimit -v 1000000 && exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin(bin));
    c
}

/// A finished command's standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A finished command's standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A finished command's standard output and error, as text.
pub fn texts(o: &Output) -> (String, String) {
    (stdout(o), stderr(o))
}

/// `o` ended with exit code `code`; else its standard error says why.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
}

/// `text` (what a command printed) contains `part`; else all of it shows.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "no {part:?} in:\n{text}");
}

/// A finished command's exit code (-1 when a signal ended it) and standard
/// error.
pub fn code_and_stderr(o: &Output) -> (i32, String) {
    (o.status.code().unwrap_or(-1), stderr(o))
}

/// `swarm-sweep SPEC --deterministic-timing --out OUT EXTRA…` from the
/// repository's root (`spec` may be relative to it): the tables of two such
/// runs compare byte for byte.
pub fn sweep_spec(spec: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = sweep();
    c.current_dir(super::repo_root())
        .arg(spec)
        .args(["--deterministic-timing", "--out"])
        .arg(out)
        .args(extra);
    c
}

/// A quiet one-process sweep of `spec` into `out`, which must succeed.
pub fn one_process(spec: &Path, out: &Path, extra: &[&str]) {
    let o = sweep_spec(spec, out, extra).arg("-q").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `swarm-sweep SPEC -q --deterministic-timing --out OUT EXTRA…` run in
/// this process with `sim` for the simulation: its exit code.
pub fn sweep_in_process(spec: &Path, out: &Path, extra: &[&str], sim: &SimFn) -> i32 {
    use clap::Parser;
    let mut args: Vec<&OsStr> = vec![
        "swarm-sweep".as_ref(),
        spec.as_os_str(),
        "-q".as_ref(),
        "--deterministic-timing".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    swarm_sweep::cli::sweep::run(&Cli::parse_from(args), sim)
}

/// The real simulation, except that seed 1 panics.
pub fn sim_failing_on_seed_1(
    s: &swarm_sweep::scenario::Scenario,
    seed: i64,
    events: Option<&Path>,
) -> std::io::Result<swarm_sweep::sim::RunResult> {
    assert_ne!(seed, 1, "injected failure");
    swarm_sweep::sweep::run_files::simulate(s, seed, events)
}
