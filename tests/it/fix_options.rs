//! Each fix option changes behaviour in the expected direction relative to
//! parity mode, measured over many seeds (common random numbers: the same
//! seeds in both arms).

use swarm_sweep::scenario::{load_file, load_str, LoadOptions, Scenario};
use swarm_sweep::sim::{self, RunResult};

use crate::common::bundled_scenario;

const SEEDS: std::ops::Range<i64> = 1..31;

fn scenario(yaml: &str) -> Scenario {
    load_str(yaml, "test.yaml", LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

fn bundled(id: &str) -> Scenario {
    let path = bundled_scenario(&format!("{id}.yaml"));
    load_file(&path, LoadOptions::default()).unwrap().scenario
}

/// Mean over seeds of `f(run)` with and without the fix.
fn compare(base: &Scenario, fix: &str, f: impl Fn(&RunResult) -> f64) -> (f64, f64) {
    let mut fixed = base.clone();
    assert!(fixed.semantics.set(fix, true));
    let mean = |sc: &Scenario| {
        SEEDS.map(|s| f(&sim::run(sc, s))).sum::<f64>() / (SEEDS.end - SEEDS.start) as f64
    };
    (mean(base), mean(&fixed))
}

fn reputation_of(kind: &str) -> impl Fn(&RunResult) -> f64 + '_ {
    move |r: &RunResult| {
        r.agents
            .iter()
            .filter(|a| a.agent_id.starts_with(kind))
            .map(|a| a.reputation)
            .sum()
    }
}

const AUDITED: &str = "
scenario_id: audited
agents:
  - {type: honest, count: 3}
  - {type: adversarial, count: 2}
governance:
  audit_enabled: true
  audit_probability: 0.5
  audit_threshold_p: 0.6
simulation: {n_epochs: 8, steps_per_epoch: 8, seed: 1}
";

#[test]
fn audit_accepted_only_spares_rejected_proposers() {
    // Adversarial trades are mostly rejected; parity mode audits (and
    // penalises) them anyway.
    let (parity, fixed) = compare(
        &scenario(AUDITED),
        "audit_accepted_only",
        reputation_of("adversarial"),
    );
    assert!(
        fixed > parity,
        "adversarial reputation: parity {parity}, fixed {fixed}"
    );
}

#[test]
fn audit_single_penalty_halves_the_reputation_hit() {
    let (parity, fixed) = compare(
        &scenario(AUDITED),
        "audit_single_penalty",
        reputation_of("adversarial"),
    );
    assert!(
        fixed > parity,
        "adversarial reputation: parity {parity}, fixed {fixed}"
    );
}

#[test]
fn quarantine_release_shortens_quarantines() {
    let quarantined_epochs =
        |r: &RunResult| r.epochs.iter().map(|e| e.n_quarantined as f64).sum::<f64>();
    let (parity, fixed) = compare(
        &bundled("alignment_waltz_targeted_feedback"),
        "quarantine_release",
        quarantined_epochs,
    );
    assert!(
        fixed < parity,
        "quarantined agent-epochs: parity {parity}, fixed {fixed}"
    );
}

#[test]
fn tax_uses_payoff_taxes_a_richer_surplus_more() {
    let sc = scenario(
        "
scenario_id: taxed
agents:
  - {type: honest, count: 3}
  - {type: opportunistic, count: 2}
governance: {transaction_tax_rate: 0.2}
payoff: {s_plus: 4.0, s_minus: 1.0}
simulation: {n_epochs: 6, steps_per_epoch: 8, seed: 1}
",
    );
    let welfare = |r: &RunResult| r.run.total_welfare;
    let (parity, fixed) = compare(&sc, "tax_uses_payoff", welfare);
    assert!(
        fixed < parity,
        "total welfare: parity {parity}, fixed {fixed}"
    );
}

#[test]
fn enforce_bandwidth_cap_limits_proposals() {
    let sc = scenario(
        "
scenario_id: capped
agents:
  - {type: honest, count: 3}
  - {type: opportunistic, count: 2}
governance: {bandwidth_cap: 1}
simulation: {n_epochs: 6, steps_per_epoch: 10, seed: 1}
",
    );
    let interactions = |r: &RunResult| r.run.total_interactions as f64;
    let (parity, fixed) = compare(&sc, "enforce_bandwidth_cap", interactions);
    // At most one proposal per agent per epoch: 5 agents × 6 epochs.
    assert!(
        fixed <= 30.0 && fixed < parity,
        "interactions: parity {parity}, fixed {fixed}"
    );
}

#[test]
fn enforce_vote_normalization_changes_the_feed_but_parity_ignores_the_setting() {
    let sc = bundled("macpo_weak_to_strong"); // vote_normalization_enabled: true, max 4.0
    let votes = |r: &RunResult| r.epochs.iter().map(|e| e.total_votes as f64).sum::<f64>();
    let (parity, fixed) = compare(&sc, "enforce_vote_normalization", votes);
    assert_ne!(
        parity, fixed,
        "normalised ranking should change which posts get voted"
    );
    // In parity mode the setting is inert: switching it off changes nothing.
    let mut off = sc.clone();
    off.governance.vote_normalization_enabled = false;
    assert_eq!(sim::run(&sc, 3), sim::run(&off, 3));
}
