//! Python's `min`, `max` and their clamp on floats, with CPython's argument
//! order kept: `min(a, b)` and `max(a, b)` return the first argument unless
//! the second is strictly smaller (larger), so ties, signed zeros and NaN
//! come out as the reference's do; `f64::min`/`max` do not promise that.
//! And Python's `round(x, ndigits)`, without text where the answer is
//! certain.

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

/// Python's `round(x, ndigits)` for `0 <= ndigits <= 15`: `x` rounded to
/// `ndigits` decimals, ties to even on `x`'s exact value (CPython rounds the
/// exact decimal expansion, then reads the digits back as a float).
///
/// The digits are only written out where the answer is in doubt. `y =
/// x * 10^ndigits` is within half an ulp of the exact product, so when its
/// fraction is further than that from one half, the exact product rounds to
/// the same integer `k` as `y`. Reading back "k / 10^ndigits" is the
/// correctly rounded quotient of two exact integers, which is what the IEEE
/// division `k / 10^ndigits` gives. Only values next to a tie (and huge
/// ones) take the text route, which is Rust's exact decimal formatting.
pub(crate) fn py_round(x: f64, ndigits: u32) -> f64 {
    debug_assert!(ndigits <= 15);
    let scale = 10f64.powi(ndigits as i32);
    let y = x * scale;
    if y.abs() < 4.0e15 {
        // Integer conversion, not `f64::round`/`trunc` (software calls on
        // the baseline x86-64 target).
        let whole = y as i64;
        let frac = y - whole as f64;
        if (frac.abs() - 0.5).abs() > y.abs() * f64::EPSILON {
            let k = whole + i64::from(frac > 0.5) - i64::from(frac < -0.5);
            // round(-0.001, 2) is -0.0.
            return if k == 0 {
                0.0f64.copysign(x)
            } else {
                k as f64 / scale
            };
        }
    }
    format!("{x:.prec$}", prec = ndigits as usize)
        .parse()
        .unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_by_text(x: f64, ndigits: u32) -> f64 {
        format!("{x:.prec$}", prec = ndigits as usize)
            .parse()
            .unwrap()
    }

    #[test]
    fn round_is_the_text_round_trip_bit_for_bit() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..300_000u32 {
            let bits = next();
            let unit = (bits >> 11) as f64 / (1u64 << 53) as f64;
            let x = match i % 4 {
                0 => unit,
                1 => (unit - 0.5) * 200.0,
                2 => f64::from_bits(bits) % 1e6,
                // Exact ties and their neighbours: k/200 and k/8 one ulp off.
                _ => {
                    let t = (bits % 2000) as f64 / 8.0;
                    match bits % 3 {
                        0 => t,
                        1 => t.next_up(),
                        _ => t.next_down(),
                    }
                }
            };
            if !x.is_finite() {
                continue;
            }
            for ndigits in [0, 1, 2, 3, 6] {
                assert_eq!(
                    py_round(x, ndigits).to_bits(),
                    round_by_text(x, ndigits).to_bits(),
                    "round({x:e}, {ndigits})"
                );
            }
        }
        // CPython: round(0.125, 2) == 0.12, round(0.375, 2) == 0.38,
        // round(2.675, 2) == 2.67 (the float is below 2.675).
        assert_eq!(py_round(0.125, 2), 0.12);
        assert_eq!(py_round(0.375, 2), 0.38);
        assert_eq!(py_round(2.675, 2), 2.67);
        assert_eq!(py_round(-0.001, 2).to_bits(), (-0.0f64).to_bits());
        assert_eq!(py_round(-0.0, 2).to_bits(), (-0.0f64).to_bits());
        assert_eq!(py_round(0.004, 2).to_bits(), 0.0f64.to_bits());
    }

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
