//! Our statistics against scipy on the same data (tests/scipy/check_stats.py):
//! p-values, t-intervals and every summary agree within 1e-6.
//!
//! The test makes a virtualenv under target/scipy-venv and installs scipy
//! from PyPI the first time (python3 ≥ 3.9 with venv + pip needed). Set
//! SWARM_PYTHON to a python that already has scipy to skip the install, or
//! SWARM_SKIP_SCIPY=1 to skip the check (it then only prints why).

mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use swarm_sweep::analysis::stats::describe::slope;
use swarm_sweep::analysis::stats::paired::{d_z, hedges_g, holm, paired_t};
use swarm_sweep::analysis::stats::wilcoxon::wilcoxon;
use swarm_sweep::analysis::stats::Describe;

use fixture::Noise;

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

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A python with scipy: $SWARM_PYTHON, else target/scipy-venv (made on demand).
fn python() -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("SWARM_PYTHON") {
        return Ok(PathBuf::from(p));
    }
    let venv = root().join("target/scipy-venv");
    let py = venv.join("bin/python");
    let has_scipy = |py: &Path| {
        Command::new(py)
            .args(["-c", "import scipy, numpy"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if py.exists() && has_scipy(&py) {
        return Ok(py);
    }
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd:?} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&py).args(["-m", "pip", "install", "--quiet", "scipy", "numpy"]))?;
    Ok(py)
}

#[test]
fn statistics_agree_with_scipy() {
    if std::env::var("SWARM_SKIP_SCIPY").is_ok_and(|v| v == "1") {
        eprintln!("SWARM_SKIP_SCIPY=1: scipy comparison skipped");
        return;
    }
    let dir = root().join("target/scipy-check");
    std::fs::create_dir_all(&dir).unwrap();
    let cases_path = dir.join("cases.json");
    std::fs::write(&cases_path, serde_json::to_string_pretty(&cases()).unwrap()).unwrap();
    let py = python().unwrap_or_else(|e| {
        panic!("cannot set up scipy (set SWARM_PYTHON or SWARM_SKIP_SCIPY=1): {e}")
    });
    let out = Command::new(&py)
        .arg(root().join("tests/scipy/check_stats.py"))
        .arg(&cases_path)
        .output()
        .expect("run check_stats.py");
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "statistics disagree with scipy:\n{text}"
    );
}
