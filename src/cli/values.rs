//! Option values checked where clap parses them (ripgrep's "high-level
//! arguments"): a value parser or value enum per kind of value, so what
//! reaches a command's `run()` is already valid and a bad value is clap's
//! usage error (exit 2) naming the flag.

use clap::builder::PossibleValue;

use crate::limits::OverLimit;
use crate::scenario::Semantics;

/// Why an option's value is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error("'{0}' is not a number of threads")]
    NotThreads(String),
    #[error("at least 1 thread")]
    NoThreads,
    #[error("'{0}' is not a number")]
    NotANumber(String),
    #[error("{0} is not between 0 and 1")]
    NotAProbability(String),
    #[error("{0} is not a share of the baseline mean (0 or more)")]
    NotAShare(String),
    #[error(transparent)]
    OverLimit(#[from] OverLimit),
}

/// `--jobs N`: at least 1, at most SWARM_MAX_JOBS (spawning 100000 threads
/// takes longer than most sweeps).
pub fn jobs(s: &str) -> Result<u32, ValueError> {
    let n: u32 = s
        .parse()
        .map_err(|_| ValueError::NotThreads(s.to_string()))?;
    if n == 0 {
        return Err(ValueError::NoThreads);
    }
    crate::limits::check("--jobs", u64::from(n), "SWARM_MAX_JOBS")?;
    Ok(n)
}

fn number(s: &str) -> Result<f64, ValueError> {
    s.parse().map_err(|_| ValueError::NotANumber(s.to_string()))
}

/// `--alpha`: a significance level, strictly between 0 and 1.
pub fn alpha(s: &str) -> Result<f64, ValueError> {
    let a = number(s)?;
    if a > 0.0 && a < 1.0 {
        Ok(a)
    } else {
        Err(ValueError::NotAProbability(s.to_string()))
    }
}

/// `--conf-level`: a confidence level, strictly between 0 and 1.
pub fn conf_level(s: &str) -> Result<f64, ValueError> {
    alpha(s)
}

/// `--min-effect`: a share of the baseline mean, finite and not negative.
pub fn min_effect(s: &str) -> Result<f64, ValueError> {
    let m = number(s)?;
    if m.is_finite() && m >= 0.0 {
        Ok(m)
    } else {
        Err(ValueError::NotAShare(s.to_string()))
    }
}

/// `--fix NAME`: one of the fixes for reference bugs, named and described
/// by `Semantics::OPTIONS` (the one list of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fix(pub &'static str);

const N_FIXES: usize = Semantics::OPTIONS.len();
const FIXES: [Fix; N_FIXES] = {
    let mut out = [Fix(""); N_FIXES];
    let mut i = 0;
    while i < N_FIXES {
        out[i] = Fix(Semantics::OPTIONS[i].0);
        i += 1;
    }
    out
};

impl Fix {
    pub fn name(self) -> &'static str {
        self.0
    }
}

impl clap::ValueEnum for Fix {
    fn value_variants<'a>() -> &'a [Self] {
        &FIXES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = Semantics::OPTIONS
            .iter()
            .find(|(name, _)| *name == self.0)
            .map(|(_, help)| *help)?;
        Some(PossibleValue::new(self.0).help(help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn values_are_checked_with_the_old_messages() {
        assert_eq!(jobs("3"), Ok(3));
        assert_eq!(jobs("0"), Err(ValueError::NoThreads));
        assert_eq!(
            jobs("x").unwrap_err().to_string(),
            "'x' is not a number of threads"
        );
        assert!(matches!(jobs("100000000"), Err(ValueError::OverLimit(_))));
        assert_eq!(alpha("0.05"), Ok(0.05));
        assert_eq!(
            alpha("1").unwrap_err().to_string(),
            "1 is not between 0 and 1"
        );
        assert_eq!(conf_level("0.95"), Ok(0.95));
        assert!(conf_level("0").is_err() && conf_level("NaN").is_err());
        assert_eq!(min_effect("0"), Ok(0.0));
        assert!(min_effect("-0.1").is_err() && min_effect("inf").is_err());
    }

    #[test]
    fn every_fix_option_is_a_value_and_sets_its_semantics() {
        let names: Vec<&str> = Fix::value_variants().iter().map(|f| f.name()).collect();
        let options: Vec<&str> = Semantics::OPTIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, options);
        for fix in Fix::value_variants() {
            assert!(fix.to_possible_value().unwrap().get_help().is_some());
            let mut s = Semantics::default();
            assert!(s.set(fix.name(), true), "{}", fix.name());
        }
        assert!(Fix::from_str("audit_acepted_only", false).is_err());
    }
}
