//! Designs: a spec's `sample:` section — a method (random, Latin
//! hypercube, Sobol', Saltelli's cross-sampled Sobol', Morris trajectories)
//! and a distribution per parameter — expanded into design points, each
//! one configuration of the sweep. Points are made in the unit cube from
//! the design seed (ChaCha8) and mapped through each parameter's
//! distribution. Format and estimators: docs/design.md.

pub mod lhs;
pub mod morris;
pub mod sobol;

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::spec::{SpecError, SpecSource};
use crate::scenario::params::ParamValue;
use crate::scenario::yaml::{Entry, Node, Value};

const SAMPLE_KEYS: &[&str] = &[
    "method",
    "n",
    "seed",
    "scramble",
    "levels",
    "second_order",
    "parameters",
];
const DIST_KEYS: &[&str] = &["dist", "min", "max", "values", "weights"];
pub const METHODS: &[&str] = &["random", "lhs", "sobol", "saltelli", "morris"];
pub const DISTS: &[&str] = &["uniform", "log_uniform", "integer", "categorical"];

/// RNG streams of the design seed, one per purpose.
const STREAM_RANDOM: u64 = 1;
const STREAM_LHS: u64 = 2;
const STREAM_SCRAMBLE: u64 = 3;
const STREAM_MORRIS: u64 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Random,
    Lhs,
    Sobol,
    Saltelli,
    Morris,
}

impl Method {
    pub fn name(self) -> &'static str {
        METHODS[self as usize]
    }

    /// Designs whose structure the sensitivity analysis reads.
    pub fn is_sensitivity(self) -> bool {
        matches!(self, Method::Saltelli | Method::Morris)
    }
}

/// How a unit-cube coordinate becomes a parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Uniform {
        min: f64,
        max: f64,
    },
    LogUniform {
        min: f64,
        max: f64,
    },
    /// Each integer in min..=max equally likely.
    Integer {
        min: i64,
        max: i64,
    },
    /// Each value with probability weight / sum of weights.
    Categorical {
        values: Vec<ParamValue>,
        weights: Vec<f64>,
    },
}

impl Dist {
    /// The value at unit coordinate `u` in [0, 1] (1 maps to the top).
    pub fn value(&self, u: f64) -> ParamValue {
        let u = u.clamp(0.0, 1.0);
        match self {
            Dist::Uniform { min, max } => ParamValue::Float(min + u * (max - min)),
            Dist::LogUniform { min, max } => {
                let (a, b) = (min.ln(), max.ln());
                ParamValue::Float((a + u * (b - a)).exp().clamp(*min, *max))
            }
            Dist::Integer { min, max } => {
                let span = (max - min) as f64 + 1.0;
                let k = ((u * span).floor() as i64).min(max - min);
                ParamValue::Int(min + k)
            }
            Dist::Categorical { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                for (v, w) in values.iter().zip(weights) {
                    acc += w;
                    if u * total < acc {
                        return v.clone();
                    }
                }
                values.last().expect("at least one value").clone()
            }
        }
    }
}

/// One sampled parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub path: String,
    pub dist: Dist,
    pub line: usize,
}

impl Factor {
    pub fn key(&self) -> String {
        format!("sample.parameters.{}", self.path)
    }
}

/// A `sample:` section, with its points already made (they depend on
/// nothing but the section).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub method: Method,
    /// Points (random, lhs, sobol), base samples (saltelli) or
    /// trajectories (morris).
    pub n: usize,
    pub seed: u64,
    /// Sobol' and Saltelli points scrambled (default true).
    pub scramble: bool,
    /// Morris grid levels (even, default 4).
    pub levels: usize,
    /// Saltelli: also the BA matrices, for second-order indices.
    pub second_order: bool,
    pub factors: Vec<Factor>,
    pub line: usize,
    /// Design points in the unit cube, one row per configuration, in
    /// SALib's order for saltelli and morris.
    pub unit: Vec<Vec<f64>>,
}

impl Sample {
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.factors.iter().map(|f| f.path.as_str())
    }

    /// The number of design points a section gives without making them.
    pub fn rows_for(method: Method, n: usize, k: usize, second_order: bool) -> u64 {
        let (n, k) = (n as u64, k as u64);
        match method {
            Method::Random | Method::Lhs | Method::Sobol => n,
            Method::Saltelli if second_order => n.saturating_mul(2 * k + 2),
            Method::Saltelli => n.saturating_mul(k + 2),
            Method::Morris => n.saturating_mul(k + 1),
        }
    }

    /// Row `i`'s values, one per factor.
    pub fn values(&self, row: usize) -> Vec<ParamValue> {
        self.factors
            .iter()
            .zip(&self.unit[row])
            .map(|(f, &u)| f.dist.value(u))
            .collect()
    }

    /// The label of design row `i` in `config_label`.
    pub fn label(row: usize) -> String {
        format!("point={row}")
    }

    fn make_points(&mut self) {
        let k = self.factors.len();
        let rng = |stream: u64| {
            let mut r = ChaCha8Rng::seed_from_u64(self.seed);
            r.set_stream(stream);
            r
        };
        self.unit = match self.method {
            Method::Random => {
                let mut r = rng(STREAM_RANDOM);
                (0..self.n)
                    .map(|_| (0..k).map(|_| unit_f64(&mut r)).collect())
                    .collect()
            }
            Method::Lhs => lhs::latin_hypercube(self.n, k, &mut rng(STREAM_LHS)),
            Method::Sobol => sobol_points(self.n, k, self.scramble, &mut rng(STREAM_SCRAMBLE)),
            Method::Saltelli => {
                let base = sobol_points(self.n, 2 * k, self.scramble, &mut rng(STREAM_SCRAMBLE));
                saltelli_rows(&base, k, self.second_order)
            }
            Method::Morris => morris::trajectories(self.n, k, self.levels, &mut rng(STREAM_MORRIS)),
        };
    }
}

/// A uniform draw in [0, 1) with 53 random bits.
pub fn unit_f64(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in [0, n) without modulo bias.
pub fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// The first `n` Sobol' points of `dims` dimensions; scrambled, each
/// dimension with its own Owen scramble seed and a uniform offset below
/// the 32-bit resolution (so no two coordinates are exactly equal).
pub fn sobol_points(n: usize, dims: usize, scramble: bool, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let s = sobol::Sobol::new(dims);
    let seeds: Vec<u32> = (0..dims).map(|_| rng.next_u32()).collect();
    (0..n)
        .map(|i| {
            let bits = s.point_bits(i as u32);
            bits.into_iter()
                .zip(&seeds)
                .map(|(x, &seed)| {
                    if scramble {
                        let x = sobol::owen_scramble(x, seed);
                        (f64::from(x) + unit_f64(rng)) / 4_294_967_296.0
                    } else {
                        f64::from(x) / 4_294_967_296.0
                    }
                })
                .collect()
        })
        .collect()
}

/// Saltelli's cross-sampled rows from base points of 2k dimensions
/// (A = the first k columns, B = the last k), in SALib's order: for each
/// base point, A, then AB_j (A with column j from B) for each j, then (for
/// second order) BA_j, then B.
pub fn saltelli_rows(base: &[Vec<f64>], k: usize, second_order: bool) -> Vec<Vec<f64>> {
    let mut out = Vec::with_capacity(base.len() * (2 * k + 2));
    for p in base {
        let (a, b) = p.split_at(k);
        out.push(a.to_vec());
        for j in 0..k {
            let mut ab = a.to_vec();
            ab[j] = b[j];
            out.push(ab);
        }
        if second_order {
            for j in 0..k {
                let mut ba = b.to_vec();
                ba[j] = a[j];
                out.push(ba);
            }
        }
        out.push(b.to_vec());
    }
    out
}

/// Parse `sample:` (structure only: paths are checked against the
/// scenarios in plan.rs) and make its points.
pub(crate) fn parse(src: &SpecSource, e: &Entry) -> Result<Sample, SpecError> {
    let err = |line: usize, key: &str, m: String| src.error(Some(line), key, m);
    let Some(entries) = e.value.entries() else {
        return Err(err(
            e.key_line,
            "sample",
            format!(
                "expected a mapping (method, n, seed, parameters), found {}",
                e.value.describe()
            ),
        ));
    };
    check_keys(src, entries, "sample", SAMPLE_KEYS)?;
    let get = |k: &str| entries.iter().find(|f| f.key == k);
    let need = |k: &str, example: &str| {
        get(k).ok_or_else(|| err(e.key_line, "sample", format!("missing '{k}' ({example})")))
    };
    let m = need("method", "one of random, lhs, sobol, saltelli, morris")?;
    let method = match &m.value.value {
        Value::Str(s) if METHODS.contains(&s.as_str()) => match s.as_str() {
            "random" => Method::Random,
            "lhs" => Method::Lhs,
            "sobol" => Method::Sobol,
            "saltelli" => Method::Saltelli,
            _ => Method::Morris,
        },
        _ => {
            return Err(err(
                m.key_line,
                "sample.method",
                format!(
                    "{} is not a design method (one of: {})",
                    m.value.describe(),
                    METHODS.join(", ")
                ),
            ))
        }
    };
    let nf = need("n", "the number of points, base samples or trajectories")?;
    let n = int_of(src, &nf.value, "sample.n")?;
    let min_n = if method == Method::Saltelli { 2 } else { 1 };
    if n < min_n {
        return Err(err(
            nf.key_line,
            "sample.n",
            format!("n must be at least {min_n}, got {n}"),
        ));
    }
    let seed = match get("seed") {
        Some(f) => {
            let s = int_of(src, &f.value, "sample.seed")?;
            u64::try_from(s).map_err(|_| {
                err(
                    f.key_line,
                    "sample.seed",
                    format!("the design seed must be non-negative, got {s}"),
                )
            })?
        }
        None => 0,
    };
    let flag = |k: &str, default: bool| -> Result<bool, SpecError> {
        match get(k) {
            None => Ok(default),
            Some(f) => match f.value.value {
                Value::Bool(b) => Ok(b),
                _ => Err(err(
                    f.key_line,
                    &format!("sample.{k}"),
                    format!("expected true or false, found {}", f.value.describe()),
                )),
            },
        }
    };
    let scramble = flag("scramble", true)?;
    let second_order = flag("second_order", false)?;
    if second_order && method != Method::Saltelli {
        return Err(err(
            get("second_order").map_or(e.key_line, |f| f.key_line),
            "sample.second_order",
            "only a saltelli design has second-order indices".into(),
        ));
    }
    let levels = match get("levels") {
        Some(f) => {
            let l = int_of(src, &f.value, "sample.levels")?;
            if method != Method::Morris {
                return Err(err(
                    f.key_line,
                    "sample.levels",
                    "only a morris design has levels".into(),
                ));
            }
            if l < 2 || l % 2 != 0 || l > 1000 {
                return Err(err(
                    f.key_line,
                    "sample.levels",
                    format!("levels must be an even number from 2 to 1000, got {l}"),
                ));
            }
            l as usize
        }
        None => 4,
    };
    let pf = need(
        "parameters",
        "a mapping of parameter paths to distributions",
    )?;
    let Some(params) = pf.value.entries().filter(|p| !p.is_empty()) else {
        return Err(err(
            pf.key_line,
            "sample.parameters",
            "expected a mapping of parameter paths to distributions ({dist: uniform, min: 0, max: 1})"
                .into(),
        ));
    };
    let mut factors: Vec<Factor> = Vec::with_capacity(params.len());
    for f in params {
        factors.push(factor(src, f)?);
    }
    let dims = if method == Method::Saltelli {
        2 * factors.len()
    } else {
        factors.len()
    };
    if matches!(method, Method::Sobol | Method::Saltelli) && dims > sobol::MAX_DIMS {
        return Err(err(
            pf.key_line,
            "sample.parameters",
            format!(
                "a {} design of {} parameters needs {dims} Sobol' dimensions; this engine has {}",
                method.name(),
                factors.len(),
                sobol::MAX_DIMS
            ),
        ));
    }
    let rows = Sample::rows_for(method, n as usize, factors.len(), second_order);
    crate::limits::check("the design's point count", rows, "SWARM_MAX_CONFIGS")
        .map_err(|x| err(nf.key_line, "sample.n", x.to_string()))?;
    if matches!(method, Method::Sobol | Method::Saltelli) && n > i64::from(u32::MAX) {
        return Err(err(
            nf.key_line,
            "sample.n",
            "at most 2^32 Sobol' points".into(),
        ));
    }
    let mut sample = Sample {
        method,
        n: n as usize,
        seed,
        scramble,
        levels,
        second_order,
        factors,
        line: e.key_line,
        unit: Vec::new(),
    };
    sample.make_points();
    Ok(sample)
}

fn check_keys(
    src: &SpecSource,
    entries: &[Entry],
    at: &str,
    allowed: &[&str],
) -> Result<(), SpecError> {
    for e in entries {
        if !allowed.contains(&e.key.as_str()) {
            let hint = match crate::suggest::nearest(&e.key, allowed.iter().copied()) {
                Some(s) => format!("; did you mean '{s}'?"),
                None => format!("; expected one of: {}", allowed.join(", ")),
            };
            return Err(src.error(
                Some(e.key_line),
                &format!("{at}.{}", e.key),
                format!("unknown key '{}'{hint}", e.key),
            ));
        }
    }
    Ok(())
}

fn int_of(src: &SpecSource, n: &Node, key: &str) -> Result<i64, SpecError> {
    match n.value {
        Value::Int(i) => Ok(i),
        _ => Err(src.error(
            Some(n.line),
            key,
            format!("expected an integer, found {}", n.describe()),
        )),
    }
}

fn num_of(src: &SpecSource, n: &Node, key: &str) -> Result<f64, SpecError> {
    match n.value {
        Value::Int(i) => Ok(i as f64),
        Value::Float(x) if x.is_finite() => Ok(x),
        _ => Err(src.error(
            Some(n.line),
            key,
            format!("expected a number, found {}", n.describe()),
        )),
    }
}

fn scalar_of(src: &SpecSource, n: &Node, key: &str) -> Result<ParamValue, SpecError> {
    match &n.value {
        Value::Bool(b) => Ok(ParamValue::Bool(*b)),
        Value::Int(i) => Ok(ParamValue::Int(*i)),
        Value::Float(x) if x.is_finite() => Ok(ParamValue::Float(*x)),
        Value::Str(s) => Ok(ParamValue::Str(s.clone())),
        _ => Err(src.error(
            Some(n.line),
            key,
            format!("expected a value, found {}", n.describe()),
        )),
    }
}

/// One `path: {dist: ..., ...}` entry.
fn factor(src: &SpecSource, f: &Entry) -> Result<Factor, SpecError> {
    let path = f.key.clone();
    let key = format!("sample.parameters.{path}");
    let err = |line: usize, m: String| src.error(Some(line), &key, m);
    if !path.contains('.') || path.split('.').any(str::is_empty) {
        return Err(err(
            f.key_line,
            format!("'{path}' is not a dotted parameter path"),
        ));
    }
    let Some(m) = f.value.entries() else {
        return Err(err(
            f.key_line,
            format!(
                "expected a distribution ({{dist: uniform, min: 0.1, max: 0.5}}), found {}",
                f.value.describe()
            ),
        ));
    };
    check_keys(src, m, &key, DIST_KEYS)?;
    let get = |k: &str| m.iter().find(|x| x.key == k);
    let dist_name = match get("dist").map(|d| &d.value.value) {
        Some(Value::Str(s)) if DISTS.contains(&s.as_str()) => s.as_str(),
        _ => {
            return Err(err(
                f.key_line,
                format!("needs 'dist', one of: {}", DISTS.join(", ")),
            ))
        }
    };
    let only = |allowed: &[&str]| -> Result<(), SpecError> {
        match m
            .iter()
            .find(|x| x.key != "dist" && !allowed.contains(&x.key.as_str()))
        {
            Some(x) => Err(err(
                x.key_line,
                format!("'{}' has no meaning for a {dist_name} distribution", x.key),
            )),
            None => Ok(()),
        }
    };
    let bound = |k: &str| -> Result<&Entry, SpecError> {
        get(k).ok_or_else(|| {
            err(
                f.key_line,
                format!("a {dist_name} distribution needs '{k}'"),
            )
        })
    };
    let dist = match dist_name {
        "uniform" | "log_uniform" => {
            only(&["min", "max"])?;
            let min = num_of(src, &bound("min")?.value, &key)?;
            let max = num_of(src, &bound("max")?.value, &key)?;
            if min >= max {
                return Err(err(
                    f.key_line,
                    format!("min {min} must be below max {max}"),
                ));
            }
            if dist_name == "uniform" {
                Dist::Uniform { min, max }
            } else {
                if min <= 0.0 {
                    return Err(err(
                        f.key_line,
                        format!("a log_uniform min must be positive, got {min}"),
                    ));
                }
                Dist::LogUniform { min, max }
            }
        }
        "integer" => {
            only(&["min", "max"])?;
            let min = int_of(src, &bound("min")?.value, &key)?;
            let max = int_of(src, &bound("max")?.value, &key)?;
            if min > max || max.checked_sub(min).is_none() {
                return Err(err(
                    f.key_line,
                    format!("min {min} must not be above max {max}"),
                ));
            }
            Dist::Integer { min, max }
        }
        _ => {
            only(&["values", "weights"])?;
            let v = bound("values")?;
            let Value::Seq(items) = &v.value.value else {
                return Err(err(v.key_line, "'values' must be a list".into()));
            };
            let values: Vec<ParamValue> = items
                .iter()
                .map(|i| scalar_of(src, i, &key))
                .collect::<Result<_, _>>()?;
            if values.is_empty() {
                return Err(err(v.key_line, "needs at least one value".into()));
            }
            let weights = match get("weights") {
                None => vec![1.0; values.len()],
                Some(w) => {
                    let Value::Seq(ws) = &w.value.value else {
                        return Err(err(w.key_line, "'weights' must be a list".into()));
                    };
                    let ws: Vec<f64> = ws
                        .iter()
                        .map(|i| num_of(src, i, &key))
                        .collect::<Result<_, _>>()?;
                    if ws.len() != values.len() {
                        return Err(err(
                            w.key_line,
                            format!("{} weights for {} values", ws.len(), values.len()),
                        ));
                    }
                    if ws.iter().any(|x| *x < 0.0) || ws.iter().sum::<f64>() <= 0.0 {
                        return Err(err(
                            w.key_line,
                            "weights must be non-negative with a positive sum".into(),
                        ));
                    }
                    ws
                }
            };
            Dist::Categorical { values, weights }
        }
    };
    Ok(Factor {
        path,
        dist,
        line: f.key_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml;

    fn sample(text: &str) -> Result<Sample, SpecError> {
        let src = SpecSource {
            origin: "t.yaml".into(),
            text: text.into(),
        };
        let root = yaml::parse(text).unwrap().unwrap();
        let e = root
            .entries()
            .unwrap()
            .iter()
            .find(|e| e.key == "sample")
            .unwrap()
            .clone();
        parse(&src, &e)
    }

    const THREE: &str = "  parameters:\n    g.a: {dist: uniform, min: 0, max: 2}\n    g.b: {dist: log_uniform, min: 0.01, max: 1}\n    g.c: {dist: integer, min: 1, max: 4}\n";

    #[test]
    fn rows_per_method() {
        for (m, rows) in [
            ("random", 10),
            ("lhs", 10),
            ("sobol", 10),
            ("saltelli", 50),
            ("morris", 40),
        ] {
            let s = sample(&format!("sample:\n  method: {m}\n  n: 10\n{THREE}")).unwrap();
            assert_eq!(s.unit.len(), rows, "{m}");
            assert_eq!(
                s.unit.len() as u64,
                Sample::rows_for(s.method, 10, 3, false)
            );
            assert!(s.unit.iter().flatten().all(|u| (0.0..=1.0).contains(u)));
        }
    }

    #[test]
    fn the_design_is_reproducible_from_its_seed() {
        for m in METHODS {
            let text =
                |seed: u64| format!("sample:\n  method: {m}\n  n: 16\n  seed: {seed}\n{THREE}");
            let a = sample(&text(7)).unwrap();
            assert_eq!(a, sample(&text(7)).unwrap(), "{m}");
            assert_ne!(a.unit, sample(&text(8)).unwrap().unit, "{m}");
        }
    }

    #[test]
    fn distributions_map_the_unit_interval() {
        let u = Dist::Uniform { min: 1.0, max: 3.0 };
        assert_eq!(u.value(0.25), ParamValue::Float(1.5));
        let l = Dist::LogUniform {
            min: 0.01,
            max: 1.0,
        };
        let ParamValue::Float(x) = l.value(0.5) else {
            panic!()
        };
        assert!((x - 0.1).abs() < 1e-12);
        let i = Dist::Integer { min: 1, max: 4 };
        let got: Vec<ParamValue> = [0.0, 0.249, 0.25, 0.99, 1.0]
            .iter()
            .map(|&u| i.value(u))
            .collect();
        assert_eq!(got, [1, 1, 2, 4, 4].map(ParamValue::Int));
        let c = Dist::Categorical {
            values: vec![ParamValue::Str("a".into()), ParamValue::Str("b".into())],
            weights: vec![3.0, 1.0],
        };
        assert_eq!(c.value(0.74), ParamValue::Str("a".into()));
        assert_eq!(c.value(0.76), ParamValue::Str("b".into()));
    }

    #[test]
    fn saltelli_rows_are_in_salibs_order() {
        let base = vec![vec![0.1, 0.2, 0.8, 0.9]];
        let rows = saltelli_rows(&base, 2, false);
        assert_eq!(
            rows,
            vec![
                vec![0.1, 0.2],
                vec![0.8, 0.2],
                vec![0.1, 0.9],
                vec![0.8, 0.9]
            ]
        );
        let rows = saltelli_rows(&base, 2, true);
        assert_eq!(rows[3], vec![0.1, 0.9]);
        assert_eq!(rows[4], vec![0.8, 0.2]);
        assert_eq!(rows.len(), 6);
    }

    #[test]
    fn a_design_is_configurations_after_the_baseline() {
        use crate::sweep::{expand, spec};
        let text = format!("base: a\nseeds: [1, 2]\nbaseline: {{g.on: false}}\nsample:\n  method: saltelli\n  n: 4\n{THREE}");
        let s = spec::parse(&text, "t.yaml").unwrap();
        assert_eq!(s.swept_paths(), ["g.on", "g.a", "g.b", "g.c"]);
        let cs = expand::configs(&s);
        assert_eq!(cs.len(), 1 + 4 * 5);
        assert_eq!(cs.len() as u64, expand::config_count(&s));
        assert_eq!(
            (cs[3].arm.as_str(), cs[3].label.as_str()),
            ("point=2", "point=2")
        );
        let sample = s.sample.as_ref().unwrap();
        let got: Vec<&ParamValue> = cs[3].assignments.iter().map(|a| &a.value).collect();
        assert_eq!(got, sample.values(2).iter().collect::<Vec<_>>());
        // Lhs points cross a grid (design fastest); saltelli may not.
        let crossed = format!(
            "base: a\nseeds: [1]\ngrid: {{g.z: [1, 2]}}\nsample:\n  method: lhs\n  n: 3\n{THREE}"
        );
        let s = spec::parse(&crossed, "t.yaml").unwrap();
        let labels: Vec<String> = expand::configs(&s).into_iter().map(|c| c.label).collect();
        assert_eq!(labels[1..3], ["g.z=1,point=0", "g.z=1,point=1"]);
        assert_eq!(labels.len(), 7);
        let e = spec::parse(&crossed.replace("lhs", "morris"), "t.yaml").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("sample.method"));
        let twice = format!(
            "base: a\nseeds: [1]\ngrid: {{g.a: [1, 2]}}\nsample:\n  method: lhs\n  n: 3\n{THREE}"
        );
        let e = spec::parse(&twice, "t.yaml").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("sample.parameters.g.a"), "{e}");
    }

    #[test]
    fn bad_sections_are_refused_with_their_key() {
        let cases = [
            ("sample:\n  method: grid\n  n: 4\n", "sample.method"),
            ("sample:\n  method: lhs\n  n: 0\n  parameters: {g.a: {dist: uniform, min: 0, max: 1}}\n", "sample.n"),
            ("sample:\n  method: lhs\n  n: 4\n  parameters: {g.a: {dist: uniform, min: 1, max: 1}}\n", "sample.parameters.g.a"),
            ("sample:\n  method: lhs\n  n: 4\n  parameters: {g.a: {dist: log_uniform, min: 0, max: 1}}\n", "sample.parameters.g.a"),
            ("sample:\n  method: lhs\n  n: 4\n  parameters: {g.a: {dist: categorical, values: [a, b], weights: [1]}}\n", "sample.parameters.g.a"),
            ("sample:\n  method: lhs\n  n: 4\n  levels: 4\n  parameters: {g.a: {dist: integer, min: 0, max: 1}}\n", "sample.levels"),
            ("sample:\n  method: lhs\n  n: 4\n  parameters: {g.a: {dist: uniform, min: 0, max: 1, step: 2}}\n", "sample.parameters.g.a.step"),
        ];
        for (text, key) in cases {
            let e = sample(text).unwrap_err();
            assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
        }
    }
}
