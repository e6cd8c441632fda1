//! The `swarm run` console report, laid out exactly as the reference prints
//! it (governance-metrics-io.md §4.1): header, agent list, the epoch table,
//! the summary, and the success criteria (§3.8).

use std::io::{self, Write};

use super::format::py_float;
use crate::metrics::EpochMetrics;
use crate::scenario::Scenario;

/// Header and agent list, printed before the run.
pub fn header<W: Write>(
    w: &mut W,
    sc: &Scenario,
    seed: Option<i64>,
    agent_ids: &[String],
) -> io::Result<()> {
    let rule = "=".repeat(60);
    writeln!(w, "{rule}")?;
    writeln!(w, "Distributional AGI Safety Sandbox")?;
    writeln!(w, "{rule}")?;
    writeln!(w, "Scenario:    {}", sc.scenario_id)?;
    writeln!(w, "Description: {}", sc.description)?;
    writeln!(w, "Epochs:      {}", sc.simulation.n_epochs)?;
    writeln!(w, "Steps/epoch: {}", sc.simulation.steps_per_epoch)?;
    match seed {
        Some(s) => writeln!(w, "Seed:        {s}")?,
        None => writeln!(w, "Seed:        None")?,
    }
    writeln!(w)?;
    writeln!(w, "Agents: {}", agent_ids.len())?;
    let mut kinds = sc
        .agents
        .iter()
        .flat_map(|s| std::iter::repeat_n(s.kind, s.count as usize));
    for id in agent_ids {
        let kind = kinds.next().expect("one kind per agent");
        writeln!(w, "  - {id} ({kind})")?;
    }
    writeln!(w)?;
    writeln!(w, "Running simulation...")?;
    writeln!(w, "{}", "-".repeat(60))
}

fn mean(epochs: &[EpochMetrics], f: impl Fn(&EpochMetrics) -> f64) -> f64 {
    if epochs.is_empty() {
        return 0.0;
    }
    let mut it = epochs.iter().map(f);
    let first = it.next().unwrap_or(0.0);
    it.fold(first, |a, x| a + x) / epochs.len() as f64
}

/// The epoch table and the summary.
pub fn results<W: Write>(w: &mut W, epochs: &[EpochMetrics]) -> io::Result<()> {
    writeln!(w)?;
    writeln!(
        w,
        "{:<6} {:<13} {:<10} {:<10} {:<10} {:<10}",
        "Epoch", "Interactions", "Accepted", "Toxicity", "Surplus", "Net Welf"
    )?;
    writeln!(w, "{}", "-".repeat(70))?;
    for m in epochs {
        let s = &m.soft;
        writeln!(
            w,
            "{:<6} {:<13} {:<10} {:<10.4} {:<10.2} {:<10.2}",
            m.epoch,
            s.total_interactions,
            s.accepted_interactions,
            s.toxicity_rate,
            s.total_welfare,
            s.net_social_welfare
        )?;
    }
    writeln!(w, "{}", "-".repeat(70))?;
    writeln!(w)?;
    if epochs.is_empty() {
        return Ok(());
    }
    let total: u64 = epochs.iter().map(|m| m.soft.total_interactions).sum();
    let accepted: u64 = epochs.iter().map(|m| m.soft.accepted_interactions).sum();
    writeln!(w, "Total interactions: {total}")?;
    writeln!(w, "Accepted:          {accepted}")?;
    writeln!(
        w,
        "Avg toxicity:      {:.4}",
        mean(epochs, |m| m.soft.toxicity_rate)
    )?;
    writeln!(
        w,
        "Avg surplus:       {:.2}",
        mean(epochs, |m| m.soft.total_welfare)
    )?;
    writeln!(
        w,
        "Avg net welfare:   {:.2}  (surplus - externalities)",
        mean(epochs, |m| m.soft.net_social_welfare)
    )?;
    writeln!(w)
}

/// A criterion's threshold as the reference prints the YAML value.
fn threshold(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        py_float(v)
    }
}

/// Evaluate and print the recognised success criteria. Returns whether all passed.
pub fn criteria<W: Write>(
    w: &mut W,
    criteria: &[(String, f64)],
    epochs: &[EpochMetrics],
) -> io::Result<bool> {
    writeln!(w, "Success Criteria:")?;
    writeln!(w, "{}", "-".repeat(60))?;
    let get = |k: &str| criteria.iter().find(|(key, _)| key == k).map(|(_, v)| *v);
    let mut all = true;
    let mut line = |w: &mut W, passed: bool, text: String| -> io::Result<()> {
        all &= passed;
        writeln!(w, "  {} {text}", if passed { "[PASS]" } else { "[FAIL]" })
    };
    if let Some(v) = get("min_epochs") {
        let n = epochs.len();
        line(w, n as f64 >= v, format!("Epochs: {n} >= {}", threshold(v)))?;
    }
    if let Some(v) = get("toxicity_threshold") {
        let t = mean(epochs, |m| m.soft.toxicity_rate);
        line(w, t <= v, format!("Toxicity: {t:.4} <= {}", threshold(v)))?;
    }
    if let Some(v) = get("min_net_social_welfare") {
        let x = mean(epochs, |m| m.soft.net_social_welfare);
        line(
            w,
            x >= v,
            format!("Net social welfare: {x:.4} >= {}", threshold(v)),
        )?;
    }
    // Contract screening figures do not exist without contracts: the
    // reference reads its defaults.
    if let Some(v) = get("min_separation_quality") {
        line(
            w,
            0.0 >= v,
            format!("Separation quality: {:.4} >= {}", 0.0, threshold(v)),
        )?;
    }
    if let Some(v) = get("max_infiltration_rate") {
        line(
            w,
            1.0 <= v,
            format!("Infiltration rate: {:.4} <= {}", 1.0, threshold(v)),
        )?;
    }
    if let Some(v) = get("min_welfare_delta") {
        line(
            w,
            0.0 >= v,
            format!("Welfare delta: {:.4} >= {}", 0.0, threshold(v)),
        )?;
    }
    if let Some(v) = get("min_attack_displacement") {
        line(
            w,
            0.0 >= v,
            format!("Attack displacement: {:.4} >= {}", 0.0, threshold(v)),
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "Result: {}",
        if all {
            "ALL CRITERIA PASSED"
        } else {
            "SOME CRITERIA FAILED"
        }
    )?;
    Ok(all)
}
