//! Python's `min`, `max` and their clamp on floats, with CPython's argument
//! order kept: `min(a, b)` and `max(a, b)` return the first argument unless
//! the second is strictly smaller (larger), so ties, signed zeros and NaN
//! come out as the reference's do; `f64::min`/`max` do not promise that.

/// Python's `min(a, b)`: `b` only when it is smaller.
#[inline(always)]
pub(crate) fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// Python's `max(a, b)`: `b` only when it is larger.
#[inline(always)]
pub(crate) fn py_max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Python's `max(lo, min(hi, x))`.
#[inline(always)]
pub(crate) fn py_clamp(lo: f64, hi: f64, x: f64) -> f64 {
    py_max(lo, py_min(hi, x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_argument_wins_ties_and_nan() {
        assert_eq!(py_min(0.0, -0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(py_max(-0.0, 0.0).to_bits(), (-0.0f64).to_bits());
        assert!(py_min(f64::NAN, 1.0).is_nan());
        assert_eq!(py_max(1.0, f64::NAN), 1.0);
    }

    #[test]
    fn py_clamp_follows_python_min_max() {
        assert_eq!(py_clamp(0.1, 0.9, 0.95), 0.9);
        assert_eq!(py_clamp(0.1, 0.9, 0.05), 0.1);
        assert_eq!(py_clamp(0.1, 0.9, 0.5), 0.5);
        // min(hi, nan) is hi, then max(lo, hi) is hi.
        assert_eq!(py_clamp(0.0, f64::INFINITY, f64::NAN), f64::INFINITY);
    }
}
