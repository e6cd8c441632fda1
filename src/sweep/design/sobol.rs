//! Sobol' low-discrepancy points (Bratley and Fox's construction with
//! Joe and Kuo's direction numbers, new-joe-kuo-6.21201) and their
//! scrambling. docs/design.md explains the choice of scramble.

/// Dimensions this table covers (the first is van der Corput's).
pub const MAX_DIMS: usize = 1 + DIRECTIONS.len();

const BITS: usize = 32;

/// Joe and Kuo, new-joe-kuo-6.21201, dimensions 2 to 64: for each, the
/// coefficients `a` of its primitive polynomial (degree `s` = the number of
/// initial direction numbers) and the initial direction numbers `m_1..m_s`.
const DIRECTIONS: &[(u32, &[u32])] = &[
    (0, &[1]),
    (1, &[1, 3]),
    (1, &[1, 3, 1]),
    (2, &[1, 1, 1]),
    (1, &[1, 1, 3, 3]),
    (4, &[1, 3, 5, 13]),
    (2, &[1, 1, 5, 5, 17]),
    (4, &[1, 1, 5, 5, 5]),
    (7, &[1, 1, 7, 11, 19]),
    (11, &[1, 1, 5, 1, 1]),
    (13, &[1, 1, 1, 3, 11]),
    (14, &[1, 3, 5, 5, 31]),
    (1, &[1, 3, 3, 9, 7, 49]),
    (13, &[1, 1, 1, 15, 21, 21]),
    (16, &[1, 3, 1, 13, 27, 49]),
    (19, &[1, 1, 1, 15, 7, 5]),
    (22, &[1, 3, 1, 15, 13, 25]),
    (25, &[1, 1, 5, 5, 19, 61]),
    (1, &[1, 3, 7, 11, 23, 15, 103]),
    (4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, &[1, 1, 3, 13, 7, 35, 63]),
    (8, &[1, 3, 5, 9, 1, 25, 53]),
    (14, &[1, 3, 1, 13, 9, 35, 107]),
    (19, &[1, 3, 1, 5, 27, 61, 31]),
    (21, &[1, 1, 5, 11, 19, 41, 61]),
    (28, &[1, 3, 5, 3, 3, 13, 69]),
    (31, &[1, 1, 7, 13, 1, 19, 1]),
    (32, &[1, 3, 7, 5, 13, 19, 59]),
    (37, &[1, 1, 3, 9, 25, 29, 41]),
    (41, &[1, 3, 5, 13, 23, 1, 55]),
    (42, &[1, 3, 7, 3, 13, 59, 17]),
    (50, &[1, 3, 1, 3, 5, 53, 69]),
    (55, &[1, 1, 5, 5, 23, 33, 13]),
    (56, &[1, 1, 7, 7, 1, 61, 123]),
    (59, &[1, 1, 7, 9, 13, 61, 49]),
    (62, &[1, 3, 3, 5, 3, 55, 33]),
    (14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (122, &[1, 1, 3, 5, 11, 43, 53, 133]),
    (8, &[1, 3, 5, 5, 29, 17, 47, 173, 479]),
    (13, &[1, 3, 3, 11, 3, 1, 109, 9, 69]),
    (16, &[1, 1, 1, 5, 17, 39, 23, 5, 343]),
    (22, &[1, 3, 1, 5, 25, 15, 31, 103, 499]),
    (25, &[1, 1, 1, 11, 11, 17, 63, 105, 183]),
    (44, &[1, 1, 5, 11, 9, 29, 97, 231, 363]),
    (47, &[1, 1, 5, 15, 19, 45, 41, 7, 383]),
    (52, &[1, 3, 7, 7, 31, 19, 83, 137, 221]),
    (55, &[1, 1, 1, 3, 23, 15, 111, 223, 83]),
    (59, &[1, 1, 5, 13, 31, 15, 55, 25, 161]),
    (62, &[1, 1, 3, 13, 25, 47, 39, 87, 257]),
];

/// The direction numbers v_1..v_32 of every dimension, as 32-bit fractions.
#[derive(Debug, Clone)]
pub struct Sobol {
    v: Vec<[u32; BITS]>,
}

impl Sobol {
    /// A generator of `dims` dimensions (at most `MAX_DIMS`).
    pub fn new(dims: usize) -> Sobol {
        assert!(dims <= MAX_DIMS, "at most {MAX_DIMS} Sobol' dimensions");
        let mut v = Vec::with_capacity(dims);
        if dims > 0 {
            let mut first = [0u32; BITS];
            for (k, x) in first.iter_mut().enumerate() {
                *x = 1 << (BITS - 1 - k);
            }
            v.push(first);
        }
        for &(a, m) in DIRECTIONS.iter().take(dims.saturating_sub(1)) {
            let s = m.len();
            let mut d = [0u32; BITS];
            for k in 0..BITS {
                d[k] = if k < s {
                    m[k] << (BITS - 1 - k)
                } else {
                    // v_k = v_{k-s} ^ (v_{k-s} >> s) ^ sum over the
                    // polynomial's inner coefficients of v_{k-l}.
                    let mut x = d[k - s] ^ (d[k - s] >> s);
                    for l in 1..s {
                        if (a >> (s - 1 - l)) & 1 == 1 {
                            x ^= d[k - l];
                        }
                    }
                    x
                };
            }
            v.push(d);
        }
        Sobol { v }
    }

    /// Point `index` (Gray-code order, point 0 is the origin) as 32-bit
    /// integers, one per dimension.
    pub fn point_bits(&self, index: u32) -> Vec<u32> {
        let gray = index ^ (index >> 1);
        self.v
            .iter()
            .map(|d| {
                (0..BITS)
                    .filter(|b| (gray >> b) & 1 == 1)
                    .fold(0u32, |x, b| x ^ d[b])
            })
            .collect()
    }

    /// Point `index` in [0, 1)^dims, unscrambled.
    pub fn point(&self, index: u32) -> Vec<f64> {
        self.point_bits(index)
            .into_iter()
            .map(|x| f64::from(x) / 4_294_967_296.0)
            .collect()
    }
}

/// A nested uniform (Owen) scramble of the 32-bit fraction `x`, keyed by
/// `seed`: each bit is flipped by a hash of the bits above it, so points
/// that share their leading digits share their flips and the net
/// structure is kept. Burley's hash-based construction (JCGT 9(4), 2020):
/// Laine and Karras's permutation applied to the bit-reversed value.
pub fn owen_scramble(x: u32, seed: u32) -> u32 {
    let mut y = x.reverse_bits();
    y = y.wrapping_add(seed);
    y ^= y.wrapping_mul(0x6c50_b47c);
    y ^= y.wrapping_mul(0xb82f_1e52);
    y ^= y.wrapping_mul(0xc7af_e638);
    y ^= y.wrapping_mul(0x8d22_f6e6);
    y.reverse_bits()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_the_published_sequence() {
        // Joe and Kuo's sequence (as scipy.stats.qmc.Sobol with
        // scramble=False prints it), first 8 points of 3 dimensions.
        let want = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        let s = Sobol::new(3);
        for (i, w) in want.iter().enumerate() {
            assert_eq!(s.point(i as u32), w.to_vec(), "point {i}");
        }
    }

    #[test]
    fn later_dimensions_match_scipys_joe_kuo_points() {
        // scipy.stats.qmc.Sobol(d=64, scramble=False), times 64.
        let s = Sobol::new(MAX_DIMS);
        let at = |i: u32, dims: std::ops::Range<usize>| -> Vec<f64> {
            s.point(i)[dims].iter().map(|x| x * 64.0).collect()
        };
        assert_eq!(
            at(13, 0..12),
            [52., 44., 52., 4., 28., 60., 36., 36., 36., 28., 52., 60.]
        );
        assert_eq!(
            at(37, 20..30),
            [61., 5., 35., 41., 19., 23., 51., 25., 33., 7.]
        );
        assert_eq!(
            at(63, 52..64),
            [43., 17., 1., 39., 15., 17., 29., 45., 19., 15., 15., 47.]
        );
    }

    /// Warnock's closed form of the squared L2-star discrepancy.
    fn l2_star_sq(pts: &[Vec<f64>]) -> f64 {
        let (n, d) = (pts.len() as f64, pts[0].len() as i32);
        let one: f64 = pts
            .iter()
            .map(|p| p.iter().map(|x| 1.0 - x * x).product::<f64>())
            .sum();
        let two: f64 = pts
            .iter()
            .flat_map(|p| pts.iter().map(move |q| (p, q)))
            .map(|(p, q)| {
                p.iter()
                    .zip(q)
                    .map(|(a, b)| 1.0 - a.max(*b))
                    .product::<f64>()
            })
            .sum();
        3f64.powi(-d) - 2f64.powi(1 - d) / n * one + two / (n * n)
    }

    #[test]
    fn sobol_points_have_lower_discrepancy_than_random_or_lhs() {
        use crate::sweep::design::{lhs, sobol_points, unit_f64};
        use rand_chacha::rand_core::SeedableRng;
        use rand_chacha::ChaCha8Rng;
        let (n, d) = (256, 5);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let sob = l2_star_sq(&sobol_points(n, d, true, &mut rng));
        let plain = l2_star_sq(&sobol_points(n, d, false, &mut rng));
        let lhs = l2_star_sq(&lhs::latin_hypercube(n, d, &mut rng));
        let random: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..d).map(|_| unit_f64(&mut rng)).collect())
            .collect();
        let random = l2_star_sq(&random);
        // Random points: E[D²] = (2^-d - 3^-d)/n; Sobol' converges near 1/n².
        let expected_random = (0.5f64.powi(5) - 3f64.powi(-5)) / n as f64;
        assert!(
            random > 0.3 * expected_random,
            "{random} vs {expected_random}"
        );
        assert!(
            sob < random / 5.0 && sob < lhs / 2.0,
            "sobol {sob}, lhs {lhs}, random {random}"
        );
        // Unscrambled points lean towards the origin (point 0 is the origin).
        assert!(plain < random / 3.0, "unscrambled {plain}");
    }

    #[test]
    fn every_dimension_is_a_0_m_2_net_in_one_dimension() {
        // The first 2^m points put exactly one point in each interval of
        // width 2^-m, in every dimension; the scramble keeps that.
        let s = Sobol::new(MAX_DIMS);
        let n = 256u32;
        for scramble in [false, true] {
            let mut seen = vec![vec![false; n as usize]; MAX_DIMS];
            for i in 0..n {
                for (d, x) in s.point_bits(i).into_iter().enumerate() {
                    let x = if scramble {
                        owen_scramble(x, 0x9e37_79b9 ^ d as u32)
                    } else {
                        x
                    };
                    let cell = (x >> 24) as usize;
                    assert!(!seen[d][cell], "dimension {d}, cell {cell} twice");
                    seen[d][cell] = true;
                }
            }
        }
    }
}
