//! Float formatting identical to Python's `repr(float)`: the shortest string
//! that round-trips, fixed notation for exponents in [−4, 16), scientific
//! (`1e-05`, `1.5e+16`) otherwise. Our CSVs then read exactly like the
//! reference's pandas/JSON exports.

/// Python `repr()` of a float.
pub fn py_float(x: f64) -> String {
    let mut s = String::with_capacity(24);
    push_py_float(&mut s, x);
    s
}

/// A fixed buffer `{:e}` formats into: no allocation per number.
struct Buf {
    b: [u8; 40],
    n: usize,
}

impl std::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.n + s.len();
        if end > self.b.len() {
            return Err(std::fmt::Error);
        }
        self.b[self.n..end].copy_from_slice(s.as_bytes());
        self.n = end;
        Ok(())
    }
}

/// Append Python's `repr()` of `x` to `out` (what [`py_float`] returns),
/// without allocating: the per-run CSV writers format hundreds per run.
pub fn push_py_float(out: &mut String, x: f64) {
    use std::fmt::Write;
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7" (at most
    // 17 digits, a sign, a point and a 4-character exponent).
    let mut buf = Buf { b: [0; 40], n: 0 };
    write!(buf, "{x:e}").expect("a float's `{:e}` fits in 40 bytes");
    let sci = std::str::from_utf8(&buf.b[..buf.n]).expect("ASCII");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let mut d = [0u8; 20];
    let mut nd = 0;
    for c in mantissa.bytes().filter(|c| *c != b'.') {
        d[nd] = c;
        nd += 1;
    }
    let digits = std::str::from_utf8(&d[..nd]).expect("ASCII digits");
    out.push_str(sign);
    if (-4..16).contains(&exp) {
        let n = nd as i32;
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(digits);
        } else if exp + 1 >= n {
            out.push_str(digits);
            for _ in 0..(exp + 1 - n) {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            let (int, frac) = digits.split_at((exp + 1) as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    } else {
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        let _ = write!(out, "{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::{push_py_float, py_float};

    #[test]
    fn matches_python_repr() {
        let cases = [
            (0.1, "0.1"),
            (2.0, "2.0"),
            (-0.5, "-0.5"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e16, "1.5e+16"),
            (1e16, "1e+16"),
            (123456789012345.6, "123456789012345.6"),
            (0.30000000000000004, "0.30000000000000004"),
            (-0.19999999999999996, "-0.19999999999999996"),
            (0.0, "0.0"),
            (100.0, "100.0"),
            (2.5e-7, "2.5e-07"),
        ];
        for (x, want) in cases {
            assert_eq!(py_float(x), want, "{x:e}");
        }
    }

    /// The formatting before it stopped allocating, kept as the oracle.
    fn old_py_float(x: f64) -> String {
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let (sign, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => ("-", m),
            None => ("", mantissa),
        };
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        if (-4..16).contains(&exp) {
            let n = digits.len() as i32;
            if exp < 0 {
                format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
            } else if exp + 1 >= n {
                format!("{sign}{digits}{}.0", "0".repeat((exp + 1 - n) as usize))
            } else {
                let (int, frac) = digits.split_at((exp + 1) as usize);
                format!("{sign}{int}.{frac}")
            }
        } else {
            let frac = if digits.len() > 1 {
                format!(".{}", &digits[1..])
            } else {
                String::new()
            };
            let esign = if exp < 0 { '-' } else { '+' };
            format!("{sign}{}{frac}e{esign}{:02}", &digits[..1], exp.abs())
        }
    }

    #[test]
    fn the_same_as_before_on_many_values() {
        // SplitMix64 bit patterns: every exponent, sign and digit count.
        let mut z = 1u64;
        let mut appended = String::from("x");
        for _ in 0..200_000 {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut v = z;
            v = (v ^ (v >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            v = (v ^ (v >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            v ^= v >> 31;
            let x = f64::from_bits(v);
            if x.is_finite() && x != 0.0 {
                assert_eq!(py_float(x), old_py_float(x), "{x:e}");
            }
            let y = (v >> 11) as f64 / (1u64 << 53) as f64;
            assert_eq!(py_float(y), old_py_float(y), "{y:e}");
        }
        push_py_float(&mut appended, 0.25);
        assert_eq!(appended, "x0.25");
        assert_eq!(py_float(f64::MIN_POSITIVE), old_py_float(f64::MIN_POSITIVE));
        assert_eq!(py_float(-f64::MAX), old_py_float(-f64::MAX));
    }
}
