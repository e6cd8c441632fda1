//! Latin hypercube points (McKay, Beckman and Conover 1979): each
//! dimension cut into n equal strata, each stratum holding exactly one
//! point, placed uniformly within it; strata paired across dimensions by
//! independent random permutations.

use rand_chacha::ChaCha8Rng;

use super::{below, unit_f64};

/// `n` points of `k` dimensions in [0, 1)^k.
pub fn latin_hypercube(n: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0; k]; n];
    for d in 0..k {
        // Fisher–Yates: strata in a random order.
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = below(rng, i as u64 + 1) as usize;
            strata.swap(i, j);
        }
        for (row, s) in out.iter_mut().zip(strata) {
            row[d] = (s as f64 + unit_f64(rng)) / n as f64;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn each_stratum_of_each_dimension_holds_one_point() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in [1, 2, 7, 100] {
            let pts = latin_hypercube(n, 5, &mut rng);
            for d in 0..5 {
                let mut count = vec![0; n];
                for p in &pts {
                    assert!((0.0..1.0).contains(&p[d]));
                    count[(p[d] * n as f64) as usize] += 1;
                }
                assert!(count.iter().all(|&c| c == 1), "n={n}, dim {d}: {count:?}");
            }
        }
    }
}
