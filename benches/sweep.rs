//! The sweep pipeline end to end, as users run it: a whole `swarm-sweep`
//! process planning, running and writing its Parquet tables for the
//! 105-run alignment-waltz sweep (benches/data/waltz_100.yaml).
//! `cargo bench --bench sweep` (builds the release binary first).

use std::path::Path;
use std::process::Command;

fn main() {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "swarm-sweep"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo build");
    assert!(status.success());
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn waltz_100_sweep_to_parquet(bencher: divan::Bencher) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), Into::into);
    let bin = Path::new(&target).join("release/swarm-sweep");
    let out = tempfile::tempdir().expect("temp dir");
    bencher.bench(|| {
        let status = Command::new(&bin)
            .arg(root.join("benches/data/waltz_100.yaml"))
            // --force-new: every iteration runs the sweep, not a resume.
            .args(["--no-analyze", "--force-new", "-q", "--out"])
            .arg(out.path())
            .status()
            .expect("swarm-sweep");
        assert!(status.success());
    });
}
