//! Size limits: the largest inputs and plans the programs accept before they
//! would run into gigabytes, each with a documented default and an
//! environment variable that raises it (docs/cli.md, "Size limits").
//! A process reads them once, like RAYON_NUM_THREADS; every layer that sizes
//! something (the YAML reader, the spec, the plan, the runner, `status`)
//! asks `current()`, and a refusal names the numbers and the variable.

use std::fmt;
use std::sync::OnceLock;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// Whether a limit counts bytes (and takes K/M/G/T suffixes) or things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Count,
}

/// One limit: its variable, default and what it bounds.
#[derive(Debug, Clone, Copy)]
pub struct LimitSpec {
    pub env: &'static str,
    pub default: u64,
    pub unit: Unit,
    pub bounds: &'static str,
}

/// Every limit, in the order docs/cli.md lists them (a test keeps them equal).
pub const LIMITS: &[LimitSpec] = &[
    LimitSpec {
        env: "SWARM_MAX_RUNS",
        default: 10_000_000,
        unit: Unit::Count,
        bounds: "runs in one sweep (configurations × seeds, checked before any is built), \
                 seeds in a spec, shards, and `swarm bench` runs",
    },
    LimitSpec {
        env: "SWARM_MAX_CONFIGS",
        default: 100_000,
        unit: Unit::Count,
        bounds: "configurations in one sweep (each holds its own scenario, about 3 KB; \
                 checked before any is built)",
    },
    LimitSpec {
        env: "SWARM_MAX_RUN_MEMORY",
        default: 4 * GIB,
        unit: Unit::Bytes,
        bounds: "estimated memory of one run (agents, epochs, steps): `swarm run` refuses a \
                 larger scenario, a sweep records its runs as failed",
    },
    LimitSpec {
        env: "SWARM_MAX_JOBS",
        default: 1024,
        unit: Unit::Count,
        bounds: "worker threads (`--jobs`)",
    },
    LimitSpec {
        env: "SWARM_MAX_SPEC_BYTES",
        default: 16 * MIB,
        unit: Unit::Bytes,
        bounds:
            "a sweep spec or scenario file (the spec's text is stored in every table's metadata)",
    },
    LimitSpec {
        env: "SWARM_MAX_YAML_BYTES",
        default: 64 * MIB,
        unit: Unit::Bytes,
        bounds: "a YAML document after its aliases are expanded (alias bombs)",
    },
    LimitSpec {
        env: "SWARM_MAX_INPUT_BYTES",
        default: GIB,
        unit: Unit::Bytes,
        bounds: "a file `swarm analyze` reads, a part manifest",
    },
];

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_runs: u64,
    pub max_configs: u64,
    pub max_run_memory: u64,
    pub max_jobs: u64,
    pub max_spec_bytes: u64,
    pub max_yaml_bytes: u64,
    pub max_input_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        let d = |env: &str| {
            LIMITS
                .iter()
                .find(|l| l.env == env)
                .map(|l| l.default)
                .expect("a listed limit")
        };
        Limits {
            max_runs: d("SWARM_MAX_RUNS"),
            max_configs: d("SWARM_MAX_CONFIGS"),
            max_run_memory: d("SWARM_MAX_RUN_MEMORY"),
            max_jobs: d("SWARM_MAX_JOBS"),
            max_spec_bytes: d("SWARM_MAX_SPEC_BYTES"),
            max_yaml_bytes: d("SWARM_MAX_YAML_BYTES"),
            max_input_bytes: d("SWARM_MAX_INPUT_BYTES"),
        }
    }
}

/// Why a limit variable's value is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadValue {
    #[error("expected a whole number")]
    NotWhole,
    #[error("unknown unit '{0}' (K, M, G or T)")]
    UnknownUnit(String),
    #[error("too large")]
    TooLarge,
    #[error("must be at least 1")]
    Zero,
}

/// A malformed limit variable: a usage error (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{env}={text:?}: {why} (docs/cli.md, \"Size limits\")")]
pub struct BadLimit {
    pub env: &'static str,
    pub text: String,
    pub why: BadValue,
}

impl Limits {
    /// The defaults, with each variable that is set (and not empty) applied.
    pub fn from_env() -> Result<Limits, BadLimit> {
        Limits::from_lookup(&|k| std::env::var(k).ok())
    }

    pub fn from_lookup(env: &dyn Fn(&str) -> Option<String>) -> Result<Limits, BadLimit> {
        let mut l = Limits::default();
        for spec in LIMITS {
            let Some(text) = env(spec.env).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            let v = parse(&text, spec.unit).map_err(|why| BadLimit {
                env: spec.env,
                text: text.clone(),
                why,
            })?;
            *l.slot(spec.env) = v;
        }
        Ok(l)
    }

    /// The value of the limit `env` names.
    pub fn get(&self, env: &str) -> u64 {
        let mut copy = *self;
        *copy.slot(env)
    }

    fn slot(&mut self, env: &str) -> &mut u64 {
        match env {
            "SWARM_MAX_RUNS" => &mut self.max_runs,
            "SWARM_MAX_CONFIGS" => &mut self.max_configs,
            "SWARM_MAX_RUN_MEMORY" => &mut self.max_run_memory,
            "SWARM_MAX_JOBS" => &mut self.max_jobs,
            "SWARM_MAX_SPEC_BYTES" => &mut self.max_spec_bytes,
            "SWARM_MAX_YAML_BYTES" => &mut self.max_yaml_bytes,
            "SWARM_MAX_INPUT_BYTES" => &mut self.max_input_bytes,
            other => unreachable!("no limit {other}"),
        }
    }
}

/// A count (`_` allowed between digits) or, for bytes, also `64M`, `4GiB`.
fn parse(text: &str, unit: Unit) -> Result<u64, BadValue> {
    let t = text.trim();
    let digits_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(t.len());
    let (num, suffix) = t.split_at(digits_end);
    let num: String = num.chars().filter(|&c| c != '_').collect();
    let n: u64 = num.parse().map_err(|_| BadValue::NotWhole)?;
    let scale = match (unit, suffix.trim().to_ascii_uppercase().as_str()) {
        (_, "") => 1,
        (Unit::Bytes, "K" | "KB" | "KIB") => KIB,
        (Unit::Bytes, "M" | "MB" | "MIB") => MIB,
        (Unit::Bytes, "G" | "GB" | "GIB") => GIB,
        (Unit::Bytes, "T" | "TB" | "TIB") => 1024 * GIB,
        (Unit::Bytes, s) => return Err(BadValue::UnknownUnit(s.to_string())),
        (Unit::Count, _) => return Err(BadValue::NotWhole),
    };
    let v = n.checked_mul(scale).ok_or(BadValue::TooLarge)?;
    if v == 0 {
        return Err(BadValue::Zero);
    }
    Ok(v)
}

static CURRENT: OnceLock<Limits> = OnceLock::new();

/// Read the variables now; the programs call this first, so a malformed
/// value is a usage error (exit 2) rather than a silent default.
pub fn init() -> Result<&'static Limits, BadLimit> {
    let l = Limits::from_env()?;
    Ok(CURRENT.get_or_init(|| l))
}

/// The limits in force (the variables as first read; defaults where a
/// variable is malformed and `init` was never called).
pub fn current() -> &'static Limits {
    CURRENT.get_or_init(|| Limits::from_env().unwrap_or_default())
}

/// A size over its limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct OverLimit {
    /// What was too large, e.g. `the sweep` or `--jobs`.
    pub what: String,
    pub value: u64,
    pub limit: u64,
    pub env: &'static str,
    pub unit: Unit,
}

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: u64| match self.unit {
            Unit::Bytes => human_bytes(v),
            Unit::Count => v.to_string(),
        };
        write!(
            f,
            "{} is {}, over the limit of {} (set {}= to raise it; docs/cli.md, \"Size limits\")",
            self.what,
            show(self.value),
            show(self.limit),
            self.env
        )
    }
}

/// `Err` when `value` is over the limit `env` names.
pub fn check(what: impl Into<String>, value: u64, env: &'static str) -> Result<(), OverLimit> {
    let spec = LIMITS
        .iter()
        .find(|l| l.env == env)
        .expect("a listed limit");
    let limit = current().get(env);
    if value <= limit {
        return Ok(());
    }
    Err(OverLimit {
        what: what.into(),
        value,
        limit,
        env,
        unit: spec.unit,
    })
}

/// `3.1 MiB`, `512 B`.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_with_units_and_separators() {
        assert_eq!(parse("1_000", Unit::Count), Ok(1000));
        assert_eq!(parse("64M", Unit::Bytes), Ok(64 * MIB));
        assert_eq!(parse("2 GiB", Unit::Bytes), Ok(2 * GIB));
        assert!(parse("2G", Unit::Count).is_err());
        assert!(parse("0", Unit::Count).is_err());
        assert!(parse("-1", Unit::Count).is_err());
        assert!(parse("99999999999T", Unit::Bytes).is_err());
    }

    #[test]
    fn variables_override_defaults_and_bad_ones_are_named() {
        let env = |k: &str| (k == "SWARM_MAX_JOBS").then(|| "8".to_string());
        let l = Limits::from_lookup(&env).unwrap();
        assert_eq!(l.max_jobs, 8);
        assert_eq!(l.max_runs, Limits::default().max_runs);
        let bad = |k: &str| (k == "SWARM_MAX_RUNS").then(|| "lots".to_string());
        let e = Limits::from_lookup(&bad).unwrap_err();
        assert_eq!(
            (e.env, e.why.clone()),
            ("SWARM_MAX_RUNS", BadValue::NotWhole)
        );
        assert!(e.to_string().starts_with("SWARM_MAX_RUNS=\"lots\""), "{e}");
    }

    #[test]
    fn a_refusal_names_the_numbers_and_the_variable() {
        let e = OverLimit {
            what: "the sweep".into(),
            value: 12,
            limit: 10,
            env: "SWARM_MAX_RUNS",
            unit: Unit::Count,
        };
        assert_eq!(
            e.to_string(),
            "the sweep is 12, over the limit of 10 (set SWARM_MAX_RUNS= to raise it; docs/cli.md, \"Size limits\")"
        );
    }

    /// docs/cli.md lists every limit with its default.
    #[test]
    fn the_documented_limits_are_these() {
        let doc = include_str!("../docs/cli.md");
        for l in LIMITS {
            let default = match l.unit {
                Unit::Bytes => human_bytes(l.default),
                Unit::Count => l.default.to_string(),
            };
            let row = format!("| `{}` | {default} |", l.env);
            assert!(
                doc.contains(&row),
                "docs/cli.md lacks the row starting\n{row}"
            );
        }
    }
}
