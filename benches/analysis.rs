//! The analysis step's hot spot: the bootstrap intervals of one variant's
//! paired differences on every metric (17 metrics × 20 pairs, the shape of
//! a sweep of the baseline scenario), as compare.rs computes them for each
//! of a sweep's configurations. `cargo bench --bench analysis`.

use swarm_sweep::analysis::stats::bootstrap::{mean_cis, Scratch};

fn main() {
    divan::main();
}

/// 17 samples of 20 differences: smooth ones, a skewed one, a lumpy count.
fn samples() -> Vec<Vec<f64>> {
    let mut z = 7u64;
    let mut next = || {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut v = z;
        v = (v ^ (v >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        v = (v ^ (v >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((v ^ (v >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..17)
        .map(|m| {
            (0..20)
                .map(|_| match m % 3 {
                    0 => next() - 0.5,
                    1 => (next() * 3.0).exp(),
                    _ => (next() * 4.0).floor(),
                })
                .collect()
        })
        .collect()
}

#[divan::bench(sample_count = 50)]
fn one_variant_17_metrics(bencher: divan::Bencher) {
    let data = samples();
    let cols: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
    let mut scratch = Scratch::default();
    let mut stream = 0u64;
    bencher.bench_local(|| {
        stream += 1;
        mean_cis(&cols, 0.95, 10_000, 20_240_601, stream, &mut scratch)
    });
}
