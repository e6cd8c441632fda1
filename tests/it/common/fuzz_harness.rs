//! One fuzz input through the loaders (issue 15): the scenario loader, the
//! sweep spec parser and, for a spec small enough, the plan and its run
//! list. Shared by the bounded mutation test (tests/it/fuzz_loaders.rs) and
//! the libFuzzer target for long runs (fuzz/fuzz_targets/loaders.rs), which
//! includes this file by path. Errors are fine; a panic or a hang is a bug.
#![allow(dead_code)]

use std::path::Path;

use swarm_sweep::scenario::{load_str, LoadOptions, Scenario};
use swarm_sweep::sweep::expand::config_count;
use swarm_sweep::sweep::plan::{self, BaseScenario};
use swarm_sweep::sweep::run_list::RunList;
use swarm_sweep::sweep::{spec, summary};

/// Specs with more runs than this are parsed but not planned (a plan of
/// 10^5 configurations is legal and slow, which is not what fuzzing is for).
const MAX_PLANNED_RUNS: u64 = 2_000;

/// The base scenario specs are planned against: the bundled baseline, as
/// a real spec resolves it.
pub fn base(root: &Path) -> (BaseScenario, Scenario) {
    let text = "name: fuzz\nbase: scenarios/baseline.yaml\nseeds: [1]\n";
    let spec = spec::parse(text, "fuzz.yaml").expect("a valid spec");
    let mut plan =
        plan::resolve(spec, root, LoadOptions::default()).expect("the bundled baseline loads");
    let base = plan.bases.remove(0);
    (base, plan.configs.remove(0).scenario)
}

/// Feed `text` to every loader.
// `..LoadOptions::default()`: whatever options the loader grows stay at
// their defaults here.
#[allow(clippy::needless_update)]
pub fn exercise(text: &str, base: &(BaseScenario, Scenario)) {
    for strict in [false, true] {
        let opts = LoadOptions {
            strict,
            ..LoadOptions::default()
        };
        let _ = load_str(text, "fuzz.yaml", opts);
    }
    let Ok(spec) = spec::parse(text, "fuzz.yaml") else {
        return;
    };
    if config_count(&spec).saturating_mul(spec.seeds.len() as u64) > MAX_PLANNED_RUNS {
        return;
    }
    let Ok(plan) = plan::build(spec, vec![base.clone()], Vec::new()) else {
        return;
    };
    let _ = plan.spec_hash();
    let runs = RunList::All(plan.n_runs());
    summary::run_list(&plan, &runs, &mut std::io::sink()).expect("a sink takes anything");
}
