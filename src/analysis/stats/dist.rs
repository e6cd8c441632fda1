//! The two reference distributions the tests need: Student's t and the
//! standard normal. statrs supplies the special functions (regularised
//! incomplete beta, erfc) at double precision; we polish its t quantile with
//! Newton steps so intervals agree with scipy to ~1e-12. The normal tail
//! comes from libm's erfc.

use statrs::distribution::{Continuous, ContinuousCDF, StudentsT};

fn student(df: f64) -> StudentsT {
    StudentsT::new(0.0, 1.0, df).expect("degrees of freedom are positive")
}

/// Upper tail P(T > t) of Student's t with `df` degrees of freedom.
pub fn t_sf(t: f64, df: f64) -> f64 {
    // statrs panics outside the real line; a NaN statistic has no p-value.
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return if t > 0.0 { 0.0 } else { 1.0 };
    }
    student(df).sf(t)
}

/// Two-sided p-value of a t statistic: `2 · P(T > |t|)`.
pub fn t_two_sided(t: f64, df: f64) -> f64 {
    (2.0 * t_sf(t.abs(), df)).min(1.0)
}

/// The `p`-quantile of Student's t (0 < p < 1). Each (p, df) is worked out
/// once per thread: a sweep's summary asks for t(0.975, n − 1) of the same
/// n for every configuration and metric, and each costs an inverse CDF.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static KNOWN: RefCell<HashMap<(u64, u64), f64>> = RefCell::new(HashMap::new());
    }
    let key = (p.to_bits(), df.to_bits());
    if let Some(x) = KNOWN.with(|k| k.borrow().get(&key).copied()) {
        return x;
    }
    let x = t_quantile_uncached(p, df);
    KNOWN.with(|k| k.borrow_mut().insert(key, x));
    x
}

fn t_quantile_uncached(p: f64, df: f64) -> f64 {
    let d = student(df);
    let mut x = d.inverse_cdf(p);
    for _ in 0..3 {
        let f = d.cdf(x) - p;
        let pdf = d.pdf(x);
        if pdf <= 0.0 || !f.is_finite() {
            break;
        }
        let step = f / pdf;
        x -= step;
        if step.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    x
}

/// Upper tail of the standard normal, P(Z > z), via libm's erfc (statrs'
/// normal tail is only good to ~1e-11 relative).
pub fn norm_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles() {
        // scipy.stats.t.ppf(0.975, df)
        assert!((t_quantile(0.975, 1.0) - 12.706204736174694).abs() < 1e-9);
        assert!((t_quantile(0.975, 4.0) - 2.7764451051977934).abs() < 1e-12);
        assert!((t_quantile(0.975, 19.0) - 2.0930240544083087).abs() < 1e-12);
    }

    #[test]
    fn tails() {
        assert!((t_two_sided(2.0, 10.0) - 0.07338803477074037).abs() < 1e-12);
        assert!((norm_sf(1.959963984540054) - 0.025).abs() < 1e-16);
        assert!((norm_sf(3.0) - 0.0013498980316300933).abs() < 1e-17);
        assert_eq!(t_two_sided(f64::INFINITY, 3.0), 0.0);
    }
}
