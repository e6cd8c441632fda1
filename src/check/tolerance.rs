//! `--tolerance` values: a value passes when |rerun − stored| ≤ atol +
//! rtol·|stored| (numpy.isclose's rule). `1e-6` sets atol, `0.5%` sets rtol,
//! `METRIC=...` sets either for one metric only.

use std::collections::BTreeMap;
use std::fmt;

/// Absolute and relative parts of one tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tol {
    pub atol: f64,
    pub rtol: f64,
}

impl Tol {
    /// The default: the engine is deterministic, so a rerun should agree to
    /// the last bit; the slack only absorbs a different libm.
    pub const DEFAULT: Tol = Tol {
        atol: 1e-12,
        rtol: 1e-9,
    };

    /// The largest difference allowed from `stored`.
    pub fn allowed(&self, stored: f64) -> f64 {
        self.atol + self.rtol * stored.abs()
    }

    pub fn allows(&self, rerun: f64, stored: f64) -> bool {
        (rerun - stored).abs() <= self.allowed(stored)
    }
}

impl fmt::Display for Tol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "|Δ| ≤ {:e} + {:e}·|stored|", self.atol, self.rtol)
    }
}

/// Overrides for one metric: the parts that were given.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Override {
    atol: Option<f64>,
    rtol: Option<f64>,
}

impl Override {
    fn apply(self, base: Tol) -> Tol {
        Tol {
            atol: self.atol.unwrap_or(base.atol),
            rtol: self.rtol.unwrap_or(base.rtol),
        }
    }
}

/// The tolerances of one check: a default and per-metric overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tolerances {
    default: Override,
    per_metric: BTreeMap<String, Override>,
}

/// A `--tolerance` value that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToleranceError {
    #[error("'{0}' is not a number (like 1e-6) or a percentage (like 0.5%)")]
    NotANumber(String),
    #[error("'{0}' must be a finite, non-negative tolerance")]
    Negative(String),
}

/// `0.01` → (Some(0.01), None); `2%` → (None, Some(0.02)).
fn value(text: &str) -> Result<Override, ToleranceError> {
    let (num, relative) = match text.strip_suffix('%') {
        Some(n) => (n, true),
        None => (text, false),
    };
    let x: f64 = num
        .trim()
        .parse()
        .map_err(|_| ToleranceError::NotANumber(text.to_string()))?;
    if !x.is_finite() || x < 0.0 {
        return Err(ToleranceError::Negative(text.to_string()));
    }
    Ok(if relative {
        Override {
            atol: None,
            rtol: Some(x / 100.0),
        }
    } else {
        Override {
            atol: Some(x),
            rtol: None,
        }
    })
}

fn merge(into: &mut Override, new: Override) {
    into.atol = new.atol.or(into.atol);
    into.rtol = new.rtol.or(into.rtol);
}

/// One `--tolerance` item: `ABS`, `REL%`, `METRIC=ABS` or `METRIC=REL%`
/// (clap's value parser for the flag, so a bad one is a usage error).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToleranceItem {
    /// `None`: for every metric without its own.
    metric: Option<String>,
    value: Override,
}

impl ToleranceItem {
    /// An empty item (`--tolerance 1e-6,`) sets nothing.
    pub fn parse(item: &str) -> Result<ToleranceItem, ToleranceError> {
        let item = item.trim();
        if item.is_empty() {
            return Ok(ToleranceItem::default());
        }
        Ok(match item.split_once('=') {
            Some((metric, v)) => ToleranceItem {
                metric: Some(metric.trim().to_string()),
                value: value(v)?,
            },
            None => ToleranceItem {
                metric: None,
                value: value(item)?,
            },
        })
    }
}

impl Tolerances {
    /// The tolerances `items` set, later items over earlier ones.
    pub fn new(items: &[ToleranceItem]) -> Tolerances {
        let mut t = Tolerances::default();
        for item in items {
            let into = match &item.metric {
                Some(m) => t.per_metric.entry(m.clone()).or_default(),
                None => &mut t.default,
            };
            merge(into, item.value);
        }
        t
    }

    /// Parse `--tolerance` items: `ABS`, `REL%`, `METRIC=ABS`, `METRIC=REL%`.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Tolerances, ToleranceError> {
        let items = items
            .iter()
            .map(|i| ToleranceItem::parse(i.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Tolerances::new(&items))
    }

    /// The metrics named in per-metric tolerances.
    pub fn metrics(&self) -> impl Iterator<Item = &str> {
        self.per_metric.keys().map(String::as_str)
    }

    /// The tolerance for metrics without their own.
    pub fn default_tol(&self) -> Tol {
        self.default.apply(Tol::DEFAULT)
    }

    pub fn get(&self, metric: &str) -> Tol {
        let base = self.default_tol();
        self.per_metric.get(metric).map_or(base, |o| o.apply(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let t = Tolerances::parse(&["0.01", "toxicity_rate=2%", "quality_gap=0.5"]).unwrap();
        assert_eq!(
            t.default_tol(),
            Tol {
                atol: 0.01,
                rtol: 1e-9
            }
        );
        assert_eq!(
            t.get("toxicity_rate"),
            Tol {
                atol: 0.01,
                rtol: 0.02
            }
        );
        assert_eq!(
            t.get("quality_gap"),
            Tol {
                atol: 0.5,
                rtol: 1e-9
            }
        );
        assert_eq!(t.get("spread"), t.default_tol());
        assert_eq!(
            Tolerances::parse::<&str>(&[]).unwrap().default_tol(),
            Tol::DEFAULT
        );
    }

    #[test]
    fn the_isclose_rule() {
        let t = Tol {
            atol: 0.0,
            rtol: 0.1,
        };
        assert!(t.allows(1.09, 1.0) && t.allows(-1.09, -1.0));
        assert!(!t.allows(1.11, 1.0));
        assert!(Tol::DEFAULT.allows(0.25, 0.25));
        assert!(!Tol::DEFAULT.allows(0.25 + 1e-6, 0.25));
    }

    #[test]
    fn bad_values_are_named() {
        let e = Tolerances::parse(&["toxicity_rate=lots"]).unwrap_err();
        assert_eq!(e, ToleranceError::NotANumber("lots".into()));
        assert!(e.to_string().contains("'lots' is not a number"));
        let e = ToleranceItem::parse("-1").unwrap_err();
        assert!(e.to_string().contains("non-negative"), "{e}");
        assert_eq!(ToleranceItem::parse(" "), Ok(ToleranceItem::default()));
    }
}
