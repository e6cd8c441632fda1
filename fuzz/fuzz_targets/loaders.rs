//! libFuzzer target: arbitrary bytes through the scenario loader, the
//! sweep spec parser and (for small specs) the plan — the same harness as
//! the bounded test (tests/it/common/fuzz_harness.rs). Errors are fine; a
//! panic, an abort, a timeout or memory past -rss_limit_mb is a finding.
#![no_main]

#[path = "../../tests/it/common/fuzz_harness.rs"]
mod fuzz_harness;

use std::path::Path;
use std::sync::OnceLock;

use swarm_sweep::scenario::Scenario;
use swarm_sweep::sweep::plan::BaseScenario;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static BASE: OnceLock<(BaseScenario, Scenario)> = OnceLock::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let base = BASE.get_or_init(|| fuzz_harness::base(&root));
    if let Ok(text) = std::str::from_utf8(data) {
        fuzz_harness::exercise(text, base);
    }
});
