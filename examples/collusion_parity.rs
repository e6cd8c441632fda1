//! Per-epoch metrics and final agent state of our simulation as JSON lines,
//! for diffing against the Python reference with
//! scripts/parity/collusion_reference.py and scripts/parity/compare_epochs.py.
//!
//!     cargo run --release --example collusion_parity -- scenarios/collusion_detection.yaml 1,2,3

use swarm_sweep::metrics::{MetricValue, COLLUSION_COLUMNS, EPOCH_COLUMNS, SECURITY_COLUMNS};
use swarm_sweep::scenario::{load_file, LoadOptions};
use swarm_sweep::sim;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: collusion_parity SCENARIO.yaml SEED[,SEED...]");
        std::process::exit(2);
    };
    let mut scenario = match load_file(path.as_ref(), LoadOptions::default()) {
        Ok(loaded) => loaded.scenario,
        Err(e) => {
            eprintln!("Error: {e}");
            std::process::exit(1);
        }
    };
    let seeds: Vec<i64> = args
        .get(1)
        .map_or("1", String::as_str)
        .split(',')
        .map(|s| s.parse().expect("integer seed"))
        .collect();
    let columns: Vec<&str> = EPOCH_COLUMNS
        .iter()
        .chain(SECURITY_COLUMNS)
        .chain(COLLUSION_COLUMNS)
        .copied()
        .collect();
    for seed in seeds {
        scenario.simulation.seed = Some(seed);
        let result = sim::run(&scenario, seed);
        for m in &result.epochs {
            let mut rec = serde_json::Map::new();
            rec.insert("seed".into(), seed.into());
            for &c in &columns {
                match m.get(c) {
                    Some(MetricValue::Int(i)) => rec.insert(c.into(), i.into()),
                    Some(MetricValue::Float(x)) => rec.insert(c.into(), x.into()),
                    _ => None,
                };
            }
            println!("{}", serde_json::Value::Object(rec));
        }
        let agents: serde_json::Map<String, serde_json::Value> = result
            .agents
            .iter()
            .map(|a| {
                let state = serde_json::json!([a.reputation, a.resources, a.total_payoff]);
                (a.agent_id.clone(), state)
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"seed": seed, "final_agents": agents})
        );
    }
}
