//! Morris's one-at-a-time trajectories (Morris 1991): on a grid of p
//! levels {0, 1/(p-1), ..., 1}, each trajectory starts at a random grid
//! point and moves every factor once, in a random order, by
//! Δ = p / (2(p-1)) up or down, giving k + 1 points. The elementary
//! effect of a factor is the change in the output over that step,
//! divided by Δ (as SALib computes it).

use rand_chacha::ChaCha8Rng;

use super::below;

/// The step of a `levels`-level grid.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `r` trajectories of `k` factors, each k + 1 rows.
pub fn trajectories(r: usize, k: usize, levels: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let p = levels as f64 - 1.0;
    // Levels from which a step of Δ stays on the grid: 0 .. levels/2 - 1.
    let low_levels = (levels / 2) as u64;
    let step = delta(levels);
    let mut out = Vec::with_capacity(r * (k + 1));
    for _ in 0..r {
        let low: Vec<f64> = (0..k).map(|_| below(rng, low_levels) as f64 / p).collect();
        let up: Vec<bool> = (0..k).map(|_| below(rng, 2) == 1).collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, below(rng, i as u64 + 1) as usize);
        }
        let mut x: Vec<f64> = (0..k)
            .map(|i| if up[i] { low[i] } else { low[i] + step })
            .collect();
        out.push(x.clone());
        for &i in &order {
            x[i] = if up[i] { low[i] + step } else { low[i] };
            out.push(x.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn each_step_moves_one_factor_by_delta_on_the_grid() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (r, k, levels) = (20, 4, 6);
        let rows = trajectories(r, k, levels, &mut rng);
        assert_eq!(rows.len(), r * (k + 1));
        let d = delta(levels);
        for t in rows.chunks(k + 1) {
            let mut moved = vec![false; k];
            for w in t.windows(2) {
                let diff: Vec<usize> = (0..k).filter(|&i| w[0][i] != w[1][i]).collect();
                assert_eq!(diff.len(), 1);
                let i = diff[0];
                assert!(((w[1][i] - w[0][i]).abs() - d).abs() < 1e-12);
                assert!(!moved[i]);
                moved[i] = true;
            }
            for x in t.iter().flatten() {
                let level = x * (levels as f64 - 1.0);
                assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
            }
        }
    }
}
