//! Settings and seeds given on the command line: `PATH=VALUE` (a scenario
//! parameter, `scenario::params`), `PATH=V1,V2,...` or
//! `PATH=START:STOP:STEP` (a grid axis), and seed lists. Values are read as
//! YAML scalars, by the same rules as scenario files (`0.3`, `true`, `yes`,
//! `round_robin`), so a value means what it means in a file; paths and
//! values are then checked by the scenario schema like any other.

use crate::limits::OverLimit;
use crate::output::yaml::{self, Yaml};
use crate::scenario::params::ParamValue;
use crate::scenario::yaml::{parse, Value};

/// A setting or seed list that cannot be read: bad input (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("'{0}' is not PATH=VALUE (e.g. governance.audit_probability=0.3)")]
    NotAssignment(String),
    #[error("'{0}' has no parameter path before '='")]
    NoPath(String),
    #[error("no value after '='")]
    NoValue,
    #[error("'{0}' is not a value")]
    NotAValue(String),
    #[error("'{0}' is not a usable number")]
    NotFinite(String),
    #[error("'{0}' is null; give a value")]
    Null(String),
    #[error("'{0}' is not a single value")]
    NotSingle(String),
    /// The value of parameter `path` is bad.
    #[error("{path}: {error}")]
    At {
        path: String,
        error: Box<AssignError>,
    },
    #[error("'{0}' is not a seed list (N, A-B, or a list like 1-3,7)")]
    NotSeeds(String),
    #[error("'{0}': the range runs backwards")]
    Backwards(String),
    #[error("at least 1 seed")]
    NoSeeds,
    #[error("seed {0} is listed twice")]
    SeedTwice(i64),
    #[error(transparent)]
    OverLimit(#[from] OverLimit),
}

impl AssignError {
    fn at(path: &str) -> impl FnOnce(AssignError) -> AssignError + '_ {
        move |e| AssignError::At {
            path: path.to_string(),
            error: Box::new(e),
        }
    }
}

/// `PATH=VALUE` → the path and the value's text.
fn split(arg: &str) -> Result<(&str, &str), AssignError> {
    let (path, value) = arg
        .split_once('=')
        .ok_or_else(|| AssignError::NotAssignment(arg.to_string()))?;
    let path = path.trim();
    if path.is_empty() {
        return Err(AssignError::NoPath(arg.to_string()));
    }
    Ok((path, value.trim()))
}

/// One value as a scenario file would read it.
pub fn scalar(text: &str) -> Result<ParamValue, AssignError> {
    if text.is_empty() {
        return Err(AssignError::NoValue);
    }
    let node = parse(&format!("v: {text}\n"))
        .ok()
        .flatten()
        .and_then(|n| n.entries().map(|e| e[0].value.value.clone()))
        .ok_or_else(|| AssignError::NotAValue(text.to_string()))?;
    match node {
        Value::Bool(b) => Ok(ParamValue::Bool(b)),
        Value::Int(i) => Ok(ParamValue::Int(i)),
        Value::Float(f) if f.is_finite() => Ok(ParamValue::Float(f)),
        Value::Float(_) => Err(AssignError::NotFinite(text.to_string())),
        Value::Str(s) => Ok(ParamValue::Str(s)),
        Value::Null => Err(AssignError::Null(text.to_string())),
        Value::Seq(_) | Value::Map(_) => Err(AssignError::NotSingle(text.to_string())),
    }
}

/// A `PATH=VALUE` setting (`swarm run`'s arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub path: String,
    pub value: ParamValue,
}

/// `PATH=VALUE` as a setting (clap's value parser).
pub fn setting(arg: &str) -> Result<Setting, AssignError> {
    let (path, value) = assignment(arg)?;
    Ok(Setting { path, value })
}

/// Distinct seeds (`--seeds`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedList(pub Vec<i64>);

/// `--seeds` as clap's value parser (`seeds`).
pub fn seed_list(arg: &str) -> Result<SeedList, AssignError> {
    seeds(arg).map(SeedList)
}

/// `PATH=VALUE`.
pub fn assignment(arg: &str) -> Result<(String, ParamValue), AssignError> {
    let (path, value) = split(arg)?;
    let value = scalar(value).map_err(AssignError::at(path))?;
    Ok((path.to_string(), value))
}

/// `PATH=V1,V2,...` or `PATH=START:STOP:STEP`, as the YAML of a grid axis
/// (a list, or a `{start, stop, step}` range the spec reader expands).
pub fn axis(arg: &str) -> Result<(String, Yaml), AssignError> {
    let (path, values) = split(arg)?;
    let number = |t: &str| match scalar(t) {
        Ok(v @ (ParamValue::Int(_) | ParamValue::Float(_))) => Some(v),
        _ => None,
    };
    let parts: Vec<&str> = values.split(':').collect();
    if let [a, b, c] = parts.as_slice() {
        if let (Some(start), Some(stop), Some(step)) = (number(a), number(b), number(c)) {
            let mut range = Yaml::map();
            range.push("start", yaml::value(&start));
            range.push("stop", yaml::value(&stop));
            range.push("step", yaml::value(&step));
            return Ok((path.to_string(), range));
        }
    }
    let values = values
        .split(',')
        .map(|v| scalar(v.trim()).map(|v| yaml::value(&v)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AssignError::at(path))?;
    Ok((path.to_string(), Yaml::Flow(values)))
}

/// Seeds: `N` (N seeds, 0 to N-1), `A-B` (A to B), or a comma-separated
/// list of either (`1-3,7`). Distinct.
pub fn seeds(arg: &str) -> Result<Vec<i64>, AssignError> {
    let bad = || AssignError::NotSeeds(arg.to_string());
    let mut out: Vec<i64> = Vec::new();
    let items: Vec<&str> = arg.split(',').map(str::trim).collect();
    for item in &items {
        if let Some((a, b)) = item.split_once('-').filter(|(a, _)| !a.is_empty()) {
            let (a, b): (i64, i64) = (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            );
            if b < a {
                return Err(AssignError::Backwards(item.to_string()));
            }
            crate::limits::check("the seed range", (b - a) as u64 + 1, "SWARM_MAX_RUNS")?;
            out.extend(a..=b);
        } else if items.len() == 1 {
            let n: u64 = item.parse().map_err(|_| bad())?;
            if n == 0 {
                return Err(AssignError::NoSeeds);
            }
            crate::limits::check("the seed count", n, "SWARM_MAX_RUNS")?;
            out.extend(0..n as i64);
        } else {
            out.push(item.parse().map_err(|_| bad())?);
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = out.iter().find(|s| !seen.insert(**s)) {
        return Err(AssignError::SeedTwice(*dup));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_in_scenario_files() {
        assert_eq!(
            assignment("governance.audit_probability=0.3").unwrap(),
            (
                "governance.audit_probability".into(),
                ParamValue::Float(0.3)
            )
        );
        assert_eq!(scalar("yes"), Ok(ParamValue::Bool(true)));
        assert_eq!(scalar("50"), Ok(ParamValue::Int(50)));
        assert_eq!(scalar("random"), Ok(ParamValue::Str("random".into())));
        assert!(assignment("governance.audit_probability").is_err());
        assert!(assignment("=1").is_err());
        assert!(assignment("a.b=").is_err());
        assert!(assignment("a.b=~")
            .unwrap_err()
            .to_string()
            .contains("null"));
    }

    #[test]
    fn axes_are_lists_or_ranges() {
        let (p, v) = axis("governance.audit_probability=0.1,0.2, 0.3").unwrap();
        assert_eq!(p, "governance.audit_probability");
        assert_eq!(yaml::render(&v), "[0.1, 0.2, 0.3]\n");
        let (_, r) = axis("governance.freeze_threshold_violations=1:4:1").unwrap();
        assert_eq!(yaml::render(&r), "start: 1\nstop: 4\nstep: 1\n");
        let (_, s) = axis("simulation.schedule_mode=random,round_robin").unwrap();
        assert_eq!(yaml::render(&s), "[\"random\", \"round_robin\"]\n");
    }

    #[test]
    fn seed_lists() {
        assert_eq!(seeds("3").unwrap(), vec![0, 1, 2]);
        assert_eq!(seeds("1-10").unwrap(), (1..=10).collect::<Vec<_>>());
        assert_eq!(seeds("1-3,7").unwrap(), vec![1, 2, 3, 7]);
        assert_eq!(seeds("5,0").unwrap(), vec![5, 0]);
        assert!(seeds("0").is_err());
        assert!(seeds("3-1").is_err());
        assert_eq!(seeds("1,1"), Err(AssignError::SeedTwice(1)));
        assert!(seeds("x").is_err());
    }
}
