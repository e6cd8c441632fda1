//! A synthetic sweep results directory in the sweep's table layout
//! (docs/sweep.md): runs.parquet and epochs.parquet with the metadata keys
//! the analysis reads. Values come from a fixed-seed generator with a known
//! effect: stricter circuit-breaker settings lower toxicity and welfare.

use std::path::Path;

use serde_json::json;
use swarm_sweep::analysis::frame::{Frame, Values};

/// A tiny deterministic generator (SplitMix64) for fixture noise.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Noise {
        Noise(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    pub fn sym(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

pub const RUN_METRICS: &[&str] = &[
    "toxicity_rate",
    "toxicity_rate_all",
    "quality_gap",
    "spread",
    "conditional_loss_initiator",
    "conditional_loss_counterparty",
    "total_welfare",
    "net_social_welfare",
    "avg_payoff",
    "average_quality",
    "acceptance_rate",
    "total_interactions",
    "accepted_interactions",
    "mean_epoch_toxicity_rate",
    "n_frozen",
    "n_quarantined",
];

const EPOCH_METRICS: &[&str] = &["toxicity_rate", "quality_gap", "total_welfare", "spread"];

pub const P_TOX: &str = "governance.freeze_threshold_toxicity";
pub const P_VIOL: &str = "governance.freeze_threshold_violations";

pub struct FixtureConfig {
    pub label: String,
    pub arm: String,
    pub tox: Option<f64>,
    pub viol: Option<i64>,
    /// Effect on toxicity and welfare relative to the baseline.
    pub effect: f64,
}

pub fn configs() -> Vec<FixtureConfig> {
    let mut v = vec![FixtureConfig {
        label: "baseline".into(),
        arm: "baseline".into(),
        tox: None,
        viol: None,
        effect: 0.0,
    }];
    for tox in [0.5, 0.6, 0.7] {
        for viol in [2i64, 3] {
            let label = format!("{P_TOX}={tox},{P_VIOL}={viol}");
            v.push(FixtureConfig {
                arm: label.clone(),
                label,
                tox: Some(tox),
                viol: Some(viol),
                // strict (low threshold, few violations) helps most
                effect: (0.75 - tox) * 0.2 + if viol == 2 { 0.01 } else { 0.0 },
            });
        }
    }
    v
}

/// Write runs.parquet and epochs.parquet for `seeds` seeds into `dir`;
/// `failed` lists (config index, replicate) pairs recorded as failed runs.
pub fn write_sweep(dir: &Path, seeds: usize, epochs: usize, failed: &[(usize, usize)]) {
    std::fs::create_dir_all(dir).unwrap();
    let cfgs = configs();
    let mut runs = Frame::default();
    let mut ep = Frame::default();
    let str_v = || Values::Str(vec![]);
    let int_v = || Values::Int(vec![]);
    let flt_v = || Values::Float(vec![]);
    for f in [&mut runs, &mut ep] {
        f.push("run_key", str_v());
        f.push("scenario", str_v());
        f.push("config_id", int_v());
        f.push("config_label", str_v());
        f.push("arm", str_v());
        f.push("replicate", int_v());
        f.push("seed", int_v());
        f.push(P_TOX, flt_v());
        f.push(P_VIOL, int_v());
    }
    for m in RUN_METRICS {
        let ints = [
            "total_interactions",
            "accepted_interactions",
            "n_frozen",
            "n_quarantined",
        ];
        runs.push(m, if ints.contains(m) { int_v() } else { flt_v() });
    }
    runs.push("status", str_v());
    runs.push("error", str_v());
    runs.push("wall_time_s", flt_v());
    ep.push("epoch", int_v());
    for m in EPOCH_METRICS {
        ep.push(m, flt_v());
    }

    fn push(f: &mut Frame, name: &str, v: swarm_sweep::analysis::frame::Cell) {
        let i = f.index(name).unwrap_or_else(|| panic!("{name}"));
        f.cols[i].push_cell(&v);
    }
    use swarm_sweep::analysis::frame::Cell::{Float, Int, Null, Str};
    let mut noise = Noise::new(42);
    for (ci, c) in cfgs.iter().enumerate() {
        for rep in 0..seeds {
            let seed = 100 + rep as i64;
            // common random numbers: the seed's own level shared by every config
            let mut seed_noise = Noise::new(seed as u64);
            let level = seed_noise.sym() * 0.02;
            let ok = !failed.contains(&(ci, rep));
            let id_cells = |f: &mut Frame| {
                push(f, "run_key", Str(format!("{ci:02}{seed:04}")));
                push(
                    f,
                    "scenario",
                    Str("alignment_waltz_targeted_feedback".into()),
                );
                push(f, "config_id", Int(ci as i64));
                push(f, "config_label", Str(c.label.clone()));
                push(f, "arm", Str(c.arm.clone()));
                push(f, "replicate", Int(rep as i64));
                push(f, "seed", Int(seed));
                push(f, P_TOX, c.tox.map_or(Null, Float));
                push(f, P_VIOL, c.viol.map_or(Null, Int));
            };
            id_cells(&mut runs);
            let tox = 0.31 - c.effect + level + noise.sym() * 0.006;
            let gap = 0.08 + c.effect * 0.5 - level + noise.sym() * 0.01;
            let welfare = 150.0 * (1.0 - c.effect * 1.5) + level * 500.0 + noise.sym() * 4.0;
            if ok {
                let vals = [
                    Float(tox),
                    Float(tox + 0.03),
                    Float(gap),
                    Float(-0.02 + level),
                    Float(0.01 + c.effect * 0.1 + noise.sym() * 0.01),
                    Float(0.012 + noise.sym() * 0.01),
                    Float(welfare),
                    Float(welfare * 0.35),
                    Float(welfare / 240.0),
                    Float(0.65 + c.effect * 0.3),
                    Float(0.87),
                    Int(140),
                    Int(121),
                    Float(tox + 0.002),
                    Int(if c.tox.is_some() { 3 } else { 0 }),
                    Int(0),
                ];
                for (m, v) in RUN_METRICS.iter().zip(vals) {
                    push(&mut runs, m, v);
                }
                push(&mut runs, "status", Str("ok".into()));
                push(&mut runs, "error", Null);
            } else {
                for m in RUN_METRICS {
                    push(&mut runs, m, Null);
                }
                push(&mut runs, "status", Str("failed".into()));
                push(
                    &mut runs,
                    "error",
                    Str("panicked: synthetic failure".into()),
                );
            }
            push(&mut runs, "wall_time_s", Float(0.0));
            runs.rows += 1;
            if !ok {
                continue;
            }
            for e in 0..epochs {
                id_cells(&mut ep);
                let drift = e as f64 / epochs as f64;
                push(&mut ep, "epoch", Int(e as i64));
                push(
                    &mut ep,
                    "toxicity_rate",
                    Float(tox + 0.02 * (drift - 0.5) * (1.0 - 4.0 * c.effect) + noise.sym() * 0.02),
                );
                push(&mut ep, "quality_gap", Float(gap + noise.sym() * 0.03));
                push(
                    &mut ep,
                    "total_welfare",
                    Float(welfare / epochs as f64 + noise.sym()),
                );
                push(&mut ep, "spread", Float(-0.02 + noise.sym() * 0.01));
                ep.rows += 1;
            }
        }
    }
    let meta = |table: &str, metrics: &[&str]| {
        vec![
            ("swarm_sweep.schema_version".to_string(), "2".to_string()),
            ("swarm_sweep.table".to_string(), table.to_string()),
            (
                "swarm_sweep.name".to_string(),
                "circuit_breaker_fixture".to_string(),
            ),
            (
                "swarm_sweep.param_columns".to_string(),
                json!([P_TOX, P_VIOL]).to_string(),
            ),
            (
                "swarm_sweep.metric_columns".to_string(),
                json!(metrics).to_string(),
            ),
        ]
    };
    runs.write_parquet(&dir.join("runs.parquet"), &meta("runs", RUN_METRICS))
        .unwrap();
    let mut em = vec!["epoch"];
    em.extend(EPOCH_METRICS);
    ep.write_parquet(&dir.join("epochs.parquet"), &meta("epochs", &em[1..]))
        .unwrap();
}
