//! One fuzz input through the loaders (issue 15): the scenario loader, the
//! sweep spec parser and, for a spec small enough, the plan and its run
//! list. Shared by the bounded mutation test (tests/fuzz_loaders.rs) and
//! the libFuzzer target for long runs (fuzz/fuzz_targets/loaders.rs), which
//! includes this file by path. Errors are fine; a panic or a hang is a bug.
#![allow(dead_code)]

use std::path::Path;

use swarm_sweep::scenario::{load_file, load_str, LoadOptions, Scenario};
use swarm_sweep::sweep::expand::config_count;
use swarm_sweep::sweep::plan::{self, BaseScenario};
use swarm_sweep::sweep::run_list::RunList;
use swarm_sweep::sweep::{spec, summary};

/// Specs with more runs than this are parsed but not planned (a plan of
/// 10^5 configurations is legal and slow, which is not what fuzzing is for).
const MAX_PLANNED_RUNS: u64 = 2_000;

/// The base scenario specs are planned against.
pub fn base(root: &Path) -> (BaseScenario, Scenario) {
    let path = root.join("scenarios/baseline.yaml");
    let scenario = load_file(&path, LoadOptions::default())
        .expect("the bundled baseline loads")
        .scenario;
    let base = BaseScenario {
        path: "baseline.yaml".into(),
        scenario_id: scenario.scenario_id.clone(),
        sha256: "0".repeat(64),
    };
    (base, scenario)
}

/// Feed `text` to every loader.
pub fn exercise(text: &str, base: &(BaseScenario, Scenario)) {
    for strict in [false, true] {
        let _ = load_str(text, "fuzz.yaml", LoadOptions { strict });
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
