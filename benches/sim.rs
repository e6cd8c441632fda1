//! One whole run of each reference scenario, in process, one thread:
//! `cargo bench --bench sim`. Seeds cycle so no run is a cache-warm repeat.

use std::cell::Cell;
use std::path::Path;

use swarm_sweep::scenario::{load_file, LoadOptions, Scenario};
use swarm_sweep::sim;

fn main() {
    divan::main();
}

fn scenario(id: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml"));
    load_file(&path, LoadOptions::default())
        .expect("bundled scenario")
        .scenario
}

fn bench_scenario(bencher: divan::Bencher, id: &str) {
    let sc = scenario(id);
    let seed = Cell::new(0i64);
    bencher.bench_local(|| {
        seed.set(seed.get() + 1);
        sim::run(&sc, seed.get()).run.total_interactions
    });
}

#[divan::bench(sample_count = 200)]
fn baseline(bencher: divan::Bencher) {
    bench_scenario(bencher, "baseline");
}

#[divan::bench(sample_count = 200)]
fn alignment_waltz_targeted_feedback(bencher: divan::Bencher) {
    bench_scenario(bencher, "alignment_waltz_targeted_feedback");
}

#[divan::bench(sample_count = 200)]
fn macpo_weak_to_strong(bencher: divan::Bencher) {
    bench_scenario(bencher, "macpo_weak_to_strong");
}

#[divan::bench(sample_count = 100)]
fn collusion_detection(bencher: divan::Bencher) {
    bench_scenario(bencher, "collusion_detection");
}

/// Seeding a baseline run's six CPython streams: one by one, and side by side.
#[divan::bench(args = [false, true])]
fn seed_six_streams(bencher: divan::Bencher, together: bool) {
    use swarm_sweep::rng::PyRandom;
    let seed = Cell::new(0i128);
    bencher.bench_local(|| {
        seed.set(seed.get() + 1);
        let seeds: Vec<i128> = (0..6).map(|i| seed.get() + i).collect();
        if together {
            PyRandom::new_many(&seeds)
        } else {
            seeds.iter().map(|&s| PyRandom::new(s)).collect()
        }
    });
}
