//! The `swarm run` console report, laid out exactly as the reference prints
//! it (docs/model/outputs.md §1): header, agent list, the epoch table,
//! the summary, and the success criteria (docs/model/metrics.md §4).

use std::io::{self, Write};

use super::format::py_float;
use crate::metrics::criteria::{epoch_mean as mean, evaluate, Criterion};
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
    if !sc.unmodelled.is_empty() {
        // Not in the reference's report: shown only when the results are not
        // the reference's (--allow-unmodelled).
        writeln!(
            w,
            "Fidelity:    PARTIAL, not modelled: {} (numbers differ from the reference)",
            sc.unmodelled.join(", ")
        )?;
    }
    writeln!(w)?;
    writeln!(w, "Agents: {}", agent_ids.len())?;
    let mut kinds = sc
        .agents
        .iter()
        .flat_map(|s| std::iter::repeat_n(s.config.archetype(), s.count as usize));
    for id in agent_ids {
        let kind = kinds.next().expect("one kind per agent");
        writeln!(w, "  - {id} ({kind})")?;
    }
    writeln!(w)?;
    writeln!(w, "Running simulation...")?;
    writeln!(w, "{}", "-".repeat(60))
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
pub fn threshold_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        py_float(v)
    }
}

/// How the reference prints one criterion: `Toxicity: 0.2811 <= 0.35`.
pub fn criterion_text(c: &Criterion) -> String {
    format!(
        "{}: {} {} {}",
        c.label,
        value_text(c),
        c.bound.symbol(),
        threshold_text(c.threshold)
    )
}

/// The measured figure as the reference prints it (counts without decimals).
pub fn value_text(c: &Criterion) -> String {
    if c.count {
        format!("{}", c.value as i64)
    } else {
        format!("{:.4}", c.value)
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
    let mut all = true;
    for c in evaluate(criteria, epochs) {
        all &= c.passed;
        let mark = if c.passed { "[PASS]" } else { "[FAIL]" };
        writeln!(w, "  {mark} {}", criterion_text(&c))?;
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
