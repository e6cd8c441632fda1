//! The Wilcoxon signed-rank test on paired differences, two-sided, with
//! exactly the choices `scipy.stats.wilcoxon(d)` makes by default (scipy
//! ≥ 1.15, `zero_method="wilcox"`, `correction=False`, `method="auto"`):
//!
//! * zeros are dropped before ranking; |d| is ranked with average ranks;
//! * n ≤ 50 (n counts the zeros) with no ties and no zeros: the exact null
//!   distribution of W+ (`Method::Exact`);
//! * n ≤ 13 with ties or zeros: every one of the 2^n sign flips is
//!   enumerated, which is what scipy's permutation test does at that size
//!   (`Method::Permutation`);
//! * otherwise the normal approximation with the tie-corrected variance and
//!   no continuity correction (`Method::Normal`).

use super::dist;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Exact,
    Permutation,
    Normal,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Permutation => "permutation",
            Method::Normal => "normal",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wilcoxon {
    /// min(W+, W−), as scipy reports it.
    pub statistic: f64,
    pub p: f64,
    pub method: Method,
}

/// Average ranks (1-based) of `v`, with the tie-group sizes.
fn average_ranks(v: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut ties = Vec::new();
    let mut i = 0;
    while i < idx.len() {
        let mut j = i + 1;
        while j < idx.len() && v[idx[j]] == v[idx[i]] {
            j += 1;
        }
        // ranks i+1 ..= j share their average
        let r = (i + 1 + j) as f64 / 2.0;
        for &k in &idx[i..j] {
            ranks[k] = r;
        }
        ties.push(j - i);
        i = j;
    }
    (ranks, ties)
}

/// Number of subsets of {1..n} with each rank sum 0..=n(n+1)/2 (worked
/// out once per n and thread: a sweep tests thousands of samples of one n).
fn exact_counts(n: usize) -> std::rc::Rc<Vec<u64>> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    thread_local! {
        static KNOWN: RefCell<HashMap<usize, Rc<Vec<u64>>>> = RefCell::new(HashMap::new());
    }
    KNOWN.with(|k| {
        k.borrow_mut()
            .entry(n)
            .or_insert_with(|| Rc::new(count_subsets(n)))
            .clone()
    })
}

fn count_subsets(n: usize) -> Vec<u64> {
    let mut c = vec![1u64];
    for k in 1..=n {
        let mut next = vec![0u64; k * (k + 1) / 2 + 1];
        for (s, &v) in c.iter().enumerate() {
            next[s] += v;
            next[s + k] += v;
        }
        c = next;
    }
    c
}

/// Two-sided signed-rank test of the differences `d`; `None` when `d` is empty.
pub fn wilcoxon(d: &[f64]) -> Option<Wilcoxon> {
    if d.is_empty() {
        return None;
    }
    let n_total = d.len();
    let nonzero: Vec<f64> = d.iter().copied().filter(|v| *v != 0.0).collect();
    let n_zero = n_total - nonzero.len();
    let abs: Vec<f64> = nonzero.iter().map(|v| v.abs()).collect();
    let (ranks, ties) = average_ranks(&abs);
    let has_ties = ties.iter().any(|&t| t > 1);
    let r_plus: f64 = nonzero
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v > 0.0)
        .map(|(_, r)| r)
        .sum();
    let r_minus: f64 = nonzero
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v < 0.0)
        .map(|(_, r)| r)
        .sum();
    let statistic = r_plus.min(r_minus);

    let method = if n_total > 50 {
        Method::Normal
    } else if !has_ties && n_zero == 0 {
        Method::Exact
    } else if n_total <= 13 {
        Method::Permutation
    } else {
        Method::Normal
    };
    let p = match method {
        Method::Exact => exact_p(nonzero.len(), r_plus),
        Method::Permutation => permutation_p(&ranks, r_plus),
        Method::Normal => normal_p(nonzero.len(), &ties, r_plus),
    };
    Some(Wilcoxon {
        statistic,
        p,
        method,
    })
}

/// `2 · min(P(W+ ≥ r), P(W+ ≤ r))` under the exact null, clipped to 1.
fn exact_p(n: usize, r_plus: f64) -> f64 {
    let counts = exact_counts(n);
    let total = 2f64.powi(n as i32);
    let k = r_plus.round() as usize;
    let cdf: u64 = counts[..=k].iter().sum();
    let sf: u64 = counts[k..].iter().sum();
    (2.0 * (cdf.min(sf) as f64) / total).min(1.0)
}

/// Enumerate every sign assignment of the non-zero ranks (flipping a zero
/// changes nothing, so it only doubles every count).
fn permutation_p(ranks: &[f64], observed: f64) -> f64 {
    let n = ranks.len();
    if n == 0 {
        return 1.0;
    }
    // scipy's tolerance for "equal" statistics
    let gamma = (observed * f64::EPSILON * 100.0).abs();
    let (mut le, mut ge) = (0u64, 0u64);
    for mask in 0u32..(1u32 << n) {
        let s: f64 = (0..n)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| ranks[i])
            .sum();
        if s <= observed + gamma {
            le += 1;
        }
        if s >= observed - gamma {
            ge += 1;
        }
    }
    (2.0 * le.min(ge) as f64 / f64::from(1u32 << n)).min(1.0)
}

/// Normal approximation with tie-corrected variance, no continuity correction.
fn normal_p(n: usize, ties: &[usize], r_plus: f64) -> f64 {
    let nf = n as f64;
    let mn = nf * (nf + 1.0) * 0.25;
    let tie: f64 = ties.iter().map(|&t| (t * t * t - t) as f64).sum();
    let se = ((nf * (nf + 1.0) * (2.0 * nf + 1.0) - tie / 2.0) / 24.0).sqrt();
    if se == 0.0 {
        return f64::NAN;
    }
    let z = (r_plus - mn) / se;
    (2.0 * dist::norm_sf(z.abs())).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_small_cases() {
        // scipy.stats.wilcoxon([1, 2, 0, 3, -1.5]) -> (2.0, 0.375), zeros: permutation
        let w = wilcoxon(&[1.0, 2.0, 0.0, 3.0, -1.5]).unwrap();
        assert_eq!(
            (w.statistic, w.p, w.method),
            (2.0, 0.375, Method::Permutation)
        );
        // no ties, no zeros: exact
        let w = wilcoxon(&[1.0, 2.0, 2.5, 3.0, -1.5]).unwrap();
        assert_eq!(w.method, Method::Exact);
        assert_eq!(w.statistic, 2.0);
        assert_eq!(w.p, 0.1875);
        // all zeros: p = 1
        assert_eq!(wilcoxon(&[0.0, 0.0, 0.0]).unwrap().p, 1.0);
    }

    #[test]
    fn exact_distribution_is_symmetric_and_sums_to_2n() {
        let c = exact_counts(10);
        assert_eq!(c.iter().sum::<u64>(), 1024);
        assert!(c.iter().eq(c.iter().rev()));
    }
}
