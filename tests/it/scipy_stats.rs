//! Our statistics on fixed data, for the scipy cross-check: this test writes
//! every case with our results as JSON, and the Python stage of `make test`
//! (tests/python/test_scipy_stats.py running tests/scipy/check_stats.py)
//! recomputes them with scipy: p-values, t-intervals and every summary must
//! agree within 1e-6. `cargo test` itself needs no Python and no network.

use std::path::PathBuf;

use serde_json::{json, Value};
use swarm_sweep::analysis::stats::describe::slope;
use swarm_sweep::analysis::stats::paired::{d_z, hedges_g, holm, paired_t};
use swarm_sweep::analysis::stats::wilcoxon::wilcoxon;
use swarm_sweep::analysis::stats::Describe;

use crate::common::fixture::Noise;

fn sample(noise: &mut Noise, n: usize, centre: f64, spread: f64, round: Option<f64>) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let v = centre + spread * noise.sym();
            round.map_or(v, |r| (v / r).round() * r)
        })
        .collect()
}

fn describe_case(name: &str, x: Vec<f64>) -> Value {
    let d = Describe::of(&x).unwrap();
    let epochs: Vec<f64> = (0..x.len()).map(|i| i as f64).collect();
    json!({
        "name": name,
        "x": x,
        "epochs": epochs,
        "ours": {
            "mean": d.mean, "sd": d.sd, "sem": d.sem,
            "ci95_lo": d.ci95.map(|c| c.0), "ci95_hi": d.ci95.map(|c| c.1),
            "median": d.median, "q25": d.q25, "q75": d.q75, "iqm": d.iqm,
            "min": d.min, "max": d.max, "slope": slope(&epochs, &x),
        }
    })
}

fn paired_case(name: &str, b: Vec<f64>, v: Vec<f64>) -> (Value, Option<f64>) {
    let d: Vec<f64> = b.iter().zip(&v).map(|(b, v)| v - b).collect();
    let t = paired_t(&d);
    let w = wilcoxon(&d).unwrap();
    let case = json!({
        "name": format!("{name} ({})", w.method.name()),
        "baseline": b,
        "variant": v,
        "ours": {
            "t_stat": t.map(|t| t.t), "p_ttest": t.map(|t| t.p),
            "d_z": d_z(&d), "hedges_g": hedges_g(&b, &v),
            "w_statistic": w.statistic, "p_wilcoxon": w.p,
        }
    });
    (case, t.map(|t| t.p))
}

fn cases() -> Value {
    let mut noise = Noise::new(7);
    let mut describe = Vec::new();
    for n in [2, 3, 4, 5, 7, 8, 10, 20, 33, 100] {
        describe.push(describe_case(
            &format!("toxicity n={n}"),
            sample(&mut noise, n, 0.3, 0.05, None),
        ));
    }
    describe.push(describe_case(
        "welfare n=20",
        sample(&mut noise, 20, 150.0, 40.0, None),
    ));
    describe.push(describe_case(
        "ties n=12",
        sample(&mut noise, 12, 3.0, 2.0, Some(1.0)),
    ));

    let mut paired = Vec::new();
    let mut ps = Vec::new();
    // (label, n, effect, rounding of both arms → ties/zeros)
    let designs: &[(&str, usize, f64, Option<f64>)] = &[
        ("no ties", 5, 0.01, None),
        ("no ties", 8, 0.02, None),
        ("no ties", 10, 0.0, None),
        ("no ties", 20, 0.01, None),
        ("no ties", 30, 0.005, None),
        ("no ties", 50, 0.002, None),
        ("ties/zeros", 6, 0.01, Some(0.01)),
        ("ties/zeros", 10, 0.01, Some(0.01)),
        ("ties/zeros", 13, 0.02, Some(0.01)),
        ("ties/zeros", 14, 0.01, Some(0.01)),
        ("ties/zeros", 25, 0.01, Some(0.01)),
        ("large", 51, 0.003, None),
        ("large", 80, 0.002, Some(0.001)),
    ];
    for (label, n, effect, round) in designs {
        let b = sample(&mut noise, *n, 0.3, 0.03, *round);
        let v: Vec<f64> = b
            .iter()
            .map(|x| {
                let y = x - effect + 0.02 * noise.sym();
                round.map_or(y, |r| (y / r).round() * r)
            })
            .collect();
        let (case, p) = paired_case(&format!("{label} n={n}"), b, v);
        paired.push(case);
        ps.push(p);
    }
    // zeros among otherwise distinct differences
    let b = vec![0.30, 0.31, 0.29, 0.33, 0.28, 0.35, 0.27];
    let v = vec![0.28, 0.31, 0.26, 0.30, 0.28, 0.31, 0.22];
    let (case, p) = paired_case("two zeros n=7", b, v);
    paired.push(case);
    ps.push(p);
    let adjusted = holm(&ps);
    json!({"describe": describe, "paired": paired, "holm": {"p": ps, "ours": adjusted}})
}

/// Where the cases go: $SWARM_SCIPY_CASES (the Python stage of `make test`
/// sets it), else this test binary's scratch folder under target/.
fn cases_path() -> PathBuf {
    std::env::var_os("SWARM_SCIPY_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scipy-cases.json"))
}

fn numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        Value::Object(o) => o.values().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

/// Computes our side of every case and writes it for
/// tests/python/test_scipy_stats.py, which recomputes it with scipy. Here,
/// without Python, it only checks every statistic came out finite.
#[test]
fn scipy_cases_are_written() {
    let cases = cases();
    let mut all = Vec::new();
    numbers(&cases, &mut all);
    assert!(all.len() > 500, "{} numbers", all.len());
    assert!(all.iter().all(|x| x.is_finite()));
    let path = cases_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&path, serde_json::to_string_pretty(&cases).unwrap()).unwrap();
}
